"""The two-statement create-and-submit (applications.services.submit_fast).

It must leave exactly the rows the general path leaves, answer exactly what
the detail endpoint shows, keep the audit chain verifiable, and hand every
case it cannot finish to the general path, which answers it.
"""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.utils import timezone

from applications import constants as c
from applications.models import (
    Application,
    ApplicationCounter,
    IdempotencyRecord,
    StatusChange,
)
from applications.services import submit_fast
from catalog.services import version_new_draft, version_publish
from people.models import OutboxMessage
from portal.audit import audit_verify
from portal.models import AuditEntry, User
from tests.applications.factories import (
    GOOD_FORM,
    api_client,
    applicable_version,
    hall_and_implementation,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = c.ApplicationStatus
LIST = "/api/v1/applications/"


api = api_client


@pytest.fixture(autouse=True)
def fresh_plans():
    submit_fast.plans_clear()
    yield
    submit_fast.plans_clear()


@pytest.fixture
def paths(monkeypatch):
    """Which path answered each create request: 'fast' or 'general'."""
    seen: list[str] = []
    real = submit_fast.application_start_submit

    def spy(**kwargs):
        result = real(**kwargs)
        seen.append("general" if result is None else "fast")
        return result

    monkeypatch.setattr(submit_fast, "application_start_submit", spy)
    return seen


@pytest.fixture
def impl(optional_implementation):
    return optional_implementation


def _form_only(impl, form=GOOD_FORM) -> dict:
    return {"implementation": impl.code, "form_data": form, "submit": True}


def _general(impl, form=GOOD_FORM) -> dict:
    # An empty materials list is not "form data only": the general path.
    return {**_form_only(impl, form), "materials": []}


def _rows(app: Application) -> dict:
    """Everything written for one application, its own ids and number masked."""

    def mask(value):
        """The number and query code (long, unique strings) by stand-ins."""
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        return text.replace(app.number, "<number>").replace(app.query_code, "<code>")

    def own_id(text: str) -> str:
        """The application's id where a field holds it as a whole or a prefix."""
        for head in (str(app.pk), f"草稿#{app.pk}", f"{app.pk}:"):
            if text == head or (head.endswith(":") and text.startswith(head)):
                return text.replace(str(app.pk), "<id>", 1)
        return text

    skip = {"id", "number", "query_code", "created_at", "updated_at", "submitted_at"}
    return {
        "application": {
            f.attname: getattr(app, f.attname)
            for f in Application._meta.concrete_fields
            if f.attname not in skip
        },
        "materials": list(
            app.materials.order_by("material__order").values_list(
                "material_id",
                "provision",
                "certificate_ref",
                "promise_text",
                "promised_by",
                "signed_at",
                "problem",
            )
        ),
        "history": list(
            app.history.values_list("from_status", "to_status", "actor_id", "reason")
        ),
        "audit": [
            (e.action, e.actor_id, e.actor_label, e.object_type, own_id(e.object_id))
            + (own_id(mask(e.object_repr)), mask(e.changes), e.source_ip)
            for e in AuditEntry.objects.filter(
                object_type="applications.application", object_id=str(app.pk)
            ).order_by("seq")
        ],
        "outbox": sorted(
            (m.channel, m.recipient, mask(m.subject), mask(m.body), m.status)
            + (mask(m.reference), m.subject_type, own_id(m.subject_id))
            + (m.attempts, own_id(m.dedupe_key), m.sent_at, m.last_error)
            for m in OutboxMessage.objects.about(app)
        ),
        "idempotency": list(
            IdempotencyRecord.objects.filter(application=app).values_list(
                "user_id", "scope"
            )
        ),
    }


def test_same_rows_and_answer_as_the_general_path(impl, applicant, paths):
    client = api(applicant)
    fast = client.post(LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="a")
    general = client.post(LIST, _general(impl), format="json", HTTP_IDEMPOTENCY_KEY="b")
    assert (fast.status_code, general.status_code) == (201, 201), fast.json()
    assert paths == ["fast"]  # the second request never tried it

    fast_app = Application.objects.get(pk=fast.json()["id"])
    general_app = Application.objects.get(pk=general.json()["id"])
    assert _rows(fast_app) == _rows(general_app)
    # Numbers of the same day, one after the other, from the one counter.
    assert fast_app.number[-4:] == "0001" and general_app.number[-4:] == "0002"
    assert ApplicationCounter.objects.get().last == 2

    # The answer is what the detail endpoint reads back from the database.
    detail = client.get(f"{LIST}{fast_app.pk}/")
    assert fast.json() == detail.json()
    assert set(fast.json()) == set(general.json())
    checked, broken = audit_verify()
    assert broken is None and checked >= 4


def test_the_number_is_filled_in_everywhere(impl, applicant):
    r = api(applicant).post(
        LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="n"
    )
    app = Application.objects.get(pk=r.json()["id"])
    today = timezone.localdate()
    assert app.number == f"{impl.code}{today:%Y%m%d}0001"
    assert r.json()["number"] == app.number
    submitted = AuditEntry.objects.get(action="applications.submitted")
    assert submitted.object_repr == app.number
    assert submitted.changes["number"] == app.number
    for message in OutboxMessage.objects.about(app):
        assert submitted_mark_free(message.subject + message.body)
        assert app.number in message.subject and app.number in message.body
        assert message.reference == app.number
        assert app.query_code in message.body
    assert StatusChange.objects.get(application=app).to_status == S.SUBMITTED


def submitted_mark_free(text: str) -> bool:
    return submit_fast.NUMBER_MARK not in text


def test_replay_and_reused_key(impl, applicant, paths):
    client = api(applicant)
    body = _form_only(impl)
    first = client.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = client.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    other = {**body, "form_data": {**GOOD_FORM, "purpose": "变更"}}
    reused = client.post(LIST, other, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert paths == ["fast", "general", "general"]
    assert Application.objects.count() == 1


def test_form_errors_are_the_general_paths(impl, applicant, paths):
    bad = {"contact_phone": "123", "purpose": "新办"}
    r = api(applicant).post(
        LIST, _form_only(impl, bad), format="json", HTTP_IDEMPOTENCY_KEY="f"
    )
    assert r.status_code == 400
    assert r.json()["code"] == "form_invalid"
    assert paths == ["general"]
    assert not Application.objects.exists()
    assert not IdempotencyRecord.objects.exists()


def test_needed_material_goes_to_the_general_path(applicant, paths):
    version = applicable_version(materials=[{"name": "居民身份证"}])
    impl = hall_and_implementation(version)[1]
    r = api(applicant).post(
        LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="m"
    )
    assert r.status_code == 400
    assert r.json()["code"] == "material_missing"
    assert paths == ["general"]
    assert not Application.objects.exists()


def test_user_without_profile_is_refused_by_the_general_path(impl, paths):
    user = UserFactory(username="noprofile")
    r = api(user).post(LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="p")
    assert r.status_code == 400
    assert r.json()["code"] == "applicant_profile_required"
    assert paths == ["general"]
    assert not IdempotencyRecord.objects.exists()


def test_a_plan_made_stale_by_a_new_version_is_not_used(impl, applicant, paths):
    client = api(applicant)
    first = client.post(LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="1")
    assert first.status_code == 201
    old = impl.item.current_version
    editor = User.objects.get(username="factory-editor")
    new = version_publish(
        version=version_new_draft(version=old, actor=editor), actor=editor
    )
    second = client.post(
        LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="2"
    )
    third = client.post(LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="3")
    assert (second.status_code, third.status_code) == (201, 201)
    # The cached plan failed its guard: the general path, then a fresh plan.
    assert paths == ["fast", "general", "fast"]
    versions = Application.objects.order_by("pk").values_list("version_id", flat=True)
    assert list(versions) == [old.pk, new.pk, new.pk]


def test_a_retired_item_is_refused(impl, applicant, paths):
    client = api(applicant)
    assert (
        client.post(
            LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="1"
        ).status_code
        == 201
    )
    impl.is_active = False
    impl.save(update_fields=["is_active"])
    r = client.post(LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="2")
    assert r.status_code == 409
    assert r.json()["code"] == "item_not_available"
    assert paths == ["fast", "general"]
    assert Application.objects.count() == 1


def test_a_used_up_day_is_refused_and_nothing_kept(impl, applicant, paths):
    client = api(applicant)
    client.post(LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="1")
    ApplicationCounter.objects.update(last=9999)
    before = (AuditEntry.objects.count(), OutboxMessage.objects.count())
    r = client.post(LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="2")
    assert r.status_code == 503
    assert r.json()["code"] == "daily_sequence_exhausted"
    assert paths == ["fast", "general"]
    assert Application.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
    assert (AuditEntry.objects.count(), OutboxMessage.objects.count()) == before
    assert audit_verify()[1] is None


@pytest.mark.django_db(transaction=True)
def test_a_new_database_connection_prepares_again(impl, applicant, paths):
    client = api(applicant)
    for key in ("1", "2"):
        connection.close()  # the prepared statements go with the connection
        r = client.post(LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert r.status_code == 201
    assert paths == ["fast", "fast"]


def test_messages_are_queued_after_commit(
    impl, applicant, django_capture_on_commit_callbacks, monkeypatch
):
    from people.tasks import send_outbox_messages

    queued = []
    monkeypatch.setattr(send_outbox_messages, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        r = api(applicant).post(
            LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="q"
        )
        assert r.status_code == 201
        assert queued == []
    assert len(callbacks) == 1
    callbacks[0]()
    ids = list(OutboxMessage.objects.values_list("pk", flat=True))
    assert queued == [ids] and ids


def test_other_users_see_404_for_it(impl, applicant, other_citizen):
    r = api(applicant).post(
        LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="v"
    )
    pk = r.json()["id"]
    assert api(other_citizen).get(f"{LIST}{pk}/").status_code == 404
    assert api(applicant).get(f"{LIST}{pk}/").status_code == 200


def test_an_invalid_key_or_no_key_takes_the_general_path(impl, applicant, paths):
    client = api(applicant)
    r = client.post(LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="a b")
    assert r.status_code == 400
    assert r.json()["code"] == "idempotency_key_invalid"
    assert client.post(LIST, _form_only(impl), format="json").status_code == 201
    assert paths == ["general"]  # no key: not even tried


def test_plan_expires(impl, applicant, paths, monkeypatch):
    client = api(applicant)
    client.post(LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="1")
    reads = []
    real = submit_fast._plan_read
    monkeypatch.setattr(
        submit_fast, "_plan_read", lambda code: reads.append(code) or real(code)
    )
    client.post(LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="2")
    assert reads == []
    later = submit_fast.time.monotonic() + submit_fast.PLAN_TTL_SECONDS + 1
    monkeypatch.setattr(submit_fast.time, "monotonic", lambda: later)
    client.post(LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="3")
    assert reads == [impl.code]
    assert paths == ["fast", "fast", "fast"]


def test_acceptance_due_counts_working_days(impl, applicant):
    r = api(applicant).post(
        LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="d"
    )
    due = dt.date.fromisoformat(r.json()["acceptance_due"])
    assert due > timezone.localdate()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r.json()["acceptance_due"])


def test_an_item_that_does_not_qualify_is_not_read_again(applicant, monkeypatch):
    version = applicable_version(materials=[{"name": "居民身份证"}])
    impl = hall_and_implementation(version)[1]
    reads = []
    real = submit_fast._plan_read
    monkeypatch.setattr(
        submit_fast, "_plan_read", lambda code: reads.append(code) or real(code)
    )
    client = api(applicant)
    for key in ("1", "2"):
        r = client.post(LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert r.json()["code"] == "material_missing"
    assert reads == [impl.code]


def test_plans_are_bounded(monkeypatch):
    monkeypatch.setattr(submit_fast, "PLANS_MAX", 3)
    for i in range(10):
        submit_fast._plan_for(f"NOSUCHCODE{i}")
    assert len(submit_fast._plans) <= 3


def test_prepared_statements_dropped_by_a_pooler_are_prepared_again(
    impl, applicant, paths
):
    client = api(applicant)
    assert (
        client.post(
            LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="1"
        ).status_code
        == 201
    )
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # what a transaction-mode pooler does
    second = client.post(
        LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="2"
    )
    third = client.post(LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="3")
    assert (second.status_code, third.status_code) == (201, 201)
    assert paths == ["fast", "general", "fast"]
    assert audit_verify()[1] is None


def test_an_applicant_without_contacts_gets_no_messages(impl, applicant, paths):
    applicant.applicant.phone = ""
    applicant.applicant.save(update_fields=["phone"])
    type(applicant).objects.filter(pk=applicant.pk).update(email="", phone="")
    r = api(applicant).post(
        LIST, _form_only(impl), format="json", HTTP_IDEMPOTENCY_KEY="quiet"
    )
    assert r.status_code == 201
    assert paths == ["fast"]
    assert not OutboxMessage.objects.exists()
    assert Application.objects.get().status == S.SUBMITTED
    assert audit_verify()[1] is None
