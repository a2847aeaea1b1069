"""Create-and-submit in one request: the response built from what was written.

application_start submits the application it has just created without reading
it back, and the API answers from the rows it wrote. These tests hold that
answer to what the detail endpoint reads from the database, and pin the
statements one submission takes (docs/adr/0006).
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications import constants as c
from applications.models import (
    Application,
    ApplicationCounter,
    IdempotencyRecord,
    StatusChange,
)
from applications.selectors import application_detail_for_user
from applications.services.drafts import application_create
from applications.services.numbering import MAX_DAILY_SEQUENCE
from applications.services.submission import application_start, application_submit
from catalog import constants as cc
from people.models import OutboxMessage
from portal.audit import audit_verify
from portal.errors import NotFoundError, ServiceError
from portal.models import AuditEntry
from tests.applications.factories import (
    GOOD_FORM,
    api_client,
    applicable_version,
    hall_and_implementation,
)

pytestmark = pytest.mark.django_db
S = c.ApplicationStatus
LIST = "/api/v1/applications/"


api = api_client


@pytest.fixture
def light_implementation():
    """Needed materials can be satisfied without a file; one is optional only."""
    version = applicable_version(
        materials=[
            {"name": "补充说明", "necessity": cc.MaterialNecessity.OPTIONAL},
            {"name": "无犯罪记录证明", "necessity": cc.MaterialNecessity.COMMITMENT},
            {"name": "其他材料", "necessity": cc.MaterialNecessity.OPTIONAL},
        ]
    )
    return hall_and_implementation(version)[1]


def _commitment(impl) -> list[dict]:
    material = impl.item.current_version.materials.get(name="无犯罪记录证明")
    return [
        {
            "material": material.pk,
            "provision": "commitment",
            "promise_text": "本人承诺无犯罪记录",
        }
    ]


@pytest.mark.parametrize(
    "case",
    ["submit_form_only", "draft", "submit_with_materials", "draft_with_materials"],
)
def test_post_answers_what_the_detail_endpoint_reads(
    case, optional_implementation, light_implementation, applicant
):
    impl = light_implementation if "materials" in case else optional_implementation
    body = {
        "implementation": impl.code,
        # Keys in an order PostgreSQL's jsonb would not keep.
        "form_data": {"purpose": "新办", "contact_phone": "13800001111"},
        "submit": case.startswith("submit"),
    }
    if "materials" in case:
        body["materials"] = _commitment(impl)
    client = api(applicant)
    posted = client.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY=f"k-{case}")
    assert posted.status_code == 201, posted.json()
    fetched = client.get(f"{LIST}{posted.json()['id']}/")
    assert fetched.status_code == 200
    assert posted.json() == fetched.json()
    expected = S.SUBMITTED if case.startswith("submit") else S.DRAFT
    assert posted.json()["status"] == expected
    assert [m["name"] for m in posted.json()["materials"]] == [
        m.name for m in impl.item.current_version.materials.order_by("order")
    ]


def test_replay_answers_the_same_body(optional_implementation, applicant):
    body = {
        "implementation": optional_implementation.code,
        "form_data": GOOD_FORM,
        "submit": True,
    }
    client = api(applicant)
    first = client.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="again")
    second = client.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="again")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()


# One create-and-submit request, statement by statement (the savepoint stands
# in for the transaction inside the test's own). The response is built from
# what was written: it reads nothing.
SUBMISSION_STATEMENTS = [
    ("SAVEPOINT", ""),
    ("INSERT", "applications_idempotencyrecord"),  # claim the key
    ("SELECT", "catalog_implementation"),  # with its version in force
    ("SELECT", "people_applicantprofile"),  # real name, contacts
    ("INSERT", "applications_application"),
    ("INSERT", "applications_applicationmaterial"),
    # The calendar's latest revision (portal.workcalendar.current: the
    # acceptance window is counted on the current calendar, never a stale one).
    ("SELECT", "portal_calendarrevision"),
    ("INSERT", "applications_applicationcounter"),  # the day's number
    ("UPDATE", "applications_application"),  # submitted
    ("INSERT", "applications_statuschange"),
    ("SELECT", "applications_statuschange"),  # which time it entered the status
    ("SELECT", "people_outboxmessage"),  # keys already taken
    ("INSERT", "people_outboxmessage"),
    ("UPDATE", "portal_auditchainhead"),  # both audit entries at once
    ("INSERT", "portal_auditentry"),
    ("UPDATE", "applications_idempotencyrecord"),  # the key's result
    ("RELEASE", ""),
]


def _statement(sql: str) -> tuple[str, str]:
    verb = sql.split(" ", 1)[0]
    tables = re.findall(r'(?:INTO|UPDATE|FROM) "(\w+)"', sql)
    return verb, tables[0] if tables and verb != "SAVEPOINT" else ""


@pytest.mark.parametrize("shape", ["form_only", "with_materials_list"])
def test_submission_statements(shape, optional_implementation, applicant):
    """Form data only, or with an (empty) materials list: the one path."""
    body = {
        "implementation": optional_implementation.code,
        "form_data": GOOD_FORM,
        "submit": True,
    }
    if shape == "with_materials_list":
        body["materials"] = []
    client = api(applicant)
    # Warm up: the connection's audit head and the version's materials are
    # known after one submission.
    first = client.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="warm")
    assert first.status_code == 201
    with CaptureQueriesContext(connection) as ctx:
        r = client.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="count-me")
    assert r.status_code == 201, r.json()
    statements = [_statement(q["sql"]) for q in ctx.captured_queries]
    assert statements == SUBMISSION_STATEMENTS, "\n".join(
        q["sql"] for q in ctx.captured_queries
    )


def test_detail_for_another_user_is_fetched_with_visibility(
    optional_implementation, applicant, other_citizen
):
    app, _ = application_start(
        user=applicant,
        implementation=optional_implementation,
        channel=c.IntakeChannel.API,
        form_data=GOOD_FORM,
        submit=True,
    )
    assert application_detail_for_user(user=applicant, application=app) is app
    with pytest.raises(NotFoundError):
        application_detail_for_user(user=other_citizen, application=app)
    # Draft from a plain create: nothing filled in, so it is read back.
    draft = application_create(
        user=applicant,
        implementation=optional_implementation,
        channel=c.IntakeChannel.API,
    )
    fetched = application_detail_for_user(user=applicant, application=draft)
    assert fetched is not draft and fetched.pk == draft.pk


def test_start_and_submit_writes_what_submit_writes(optional_implementation, applicant):
    app, replayed = application_start(
        user=applicant,
        implementation=optional_implementation,
        channel=c.IntakeChannel.API,
        form_data=GOOD_FORM,
        submit=True,
        idempotency_key="one",
        fingerprint="f",
    )
    assert not replayed
    stored = Application.objects.get(pk=app.pk)
    assert stored.status == S.SUBMITTED and stored.number == app.number
    assert stored.query_code == app.query_code and stored.submitted_at
    assert list(
        StatusChange.objects.filter(application=app).values_list(
            "from_status", "to_status"
        )
    ) == [(S.DRAFT, S.SUBMITTED)]
    assert IdempotencyRecord.objects.get(key="one").application_id == app.pk
    actions = list(
        AuditEntry.objects.filter(
            object_type="applications.application", object_id=str(app.pk)
        ).values_list("action", flat=True)
    )
    assert actions == ["applications.create", "applications.submitted"]
    assert audit_verify()[1] is None
    messages = OutboxMessage.objects.about(app)
    assert [m.dedupe_key for m in messages] == [f"{app.pk}:submitted:1:sms:0"]
    assert app.number in messages.get().body


def test_submission_refused_when_the_day_has_no_numbers_left(
    optional_implementation, applicant
):
    version = optional_implementation.item.current_version
    app = application_create(
        user=applicant,
        implementation=optional_implementation,
        channel=c.IntakeChannel.API,
        form_data=GOOD_FORM,
    )
    from django.utils import timezone

    ApplicationCounter.objects.create(
        implementation_code=optional_implementation.code,
        day=timezone.localdate(),
        last=MAX_DAILY_SEQUENCE,
    )
    with pytest.raises(ServiceError) as exc:
        application_submit(application=app, user=applicant)
    assert exc.value.code == "daily_sequence_exhausted"
    assert exc.value.status == 503
    app.refresh_from_db()
    assert app.status == S.DRAFT and app.number is None
    assert ApplicationCounter.objects.get().last == MAX_DAILY_SEQUENCE
    assert version.pk == app.version_id


def test_numbers_count_up_per_implementation_and_day(
    optional_implementation, light_implementation, applicant
):
    def number(impl) -> str:
        app, _ = application_start(
            user=applicant,
            implementation=impl,
            channel=c.IntakeChannel.API,
            form_data=GOOD_FORM,
            materials=_commitment(impl) if impl is light_implementation else None,
            submit=True,
        )
        return app.number

    first, second = number(optional_implementation), number(optional_implementation)
    other = number(light_implementation)
    assert (first[-4:], second[-4:], other[-4:]) == ("0001", "0002", "0001")
    assert first[:-4] == second[:-4] and other.startswith(light_implementation.code)
