"""ID numbers typed into an application form (format "id-number").

Stored as the applicant's own number is (docs/domain.md, Privacy): a keyed hash,
a masked copy and the number encrypted, never the number itself; shown
masked on every page and in the API; opened in full only for a clerk of
the application's hall who gives a reason, and every such display is audited.
"""

import pytest
from django.test import Client

from applications.models import Application
from applications.services.drafts import application_create, application_save_draft
from applications.services.form_ids import application_reveal_form_id_number
from applications.services.submission import application_start, application_submit
from catalog import constants as cc
from people.privacy import id_number_hash, is_sealed, make_id_number, mask_id_number
from portal.errors import PermissionDeniedError, ServiceError
from portal.models import AuditEntry
from tests.applications.factories import (
    api_client,
    applicable_version,
    clerk_at,
    hall_and_implementation,
)

pytestmark = pytest.mark.django_db
LIST = "/api/v1/applications/"
NUMBER = make_id_number("51330119500101002")
SCHEMA = {
    "type": "object",
    "required": ["deceased_name", "deceased_id_number"],
    "properties": {
        "deceased_name": {"type": "string", "title": "逝者姓名", "maxLength": 50},
        "deceased_id_number": {
            "type": "string",
            "title": "逝者公民身份号码",
            "maxLength": 18,
            "format": "id-number",
        },
    },
}
FORM = {"deceased_name": "格桑", "deceased_id_number": NUMBER}


@pytest.fixture
def hall_impl():
    version = applicable_version(
        materials=[{"name": "补充说明", "necessity": cc.MaterialNecessity.OPTIONAL}],
        form_schema=SCHEMA,
    )
    return hall_and_implementation(version)


def _stored(app: Application) -> dict:
    app.refresh_from_db()
    return app.form_data["deceased_id_number"]


@pytest.mark.parametrize("key", ["with-key", None])
def test_stored_sealed_and_answered_masked(hall_impl, applicant, key):
    """With an Idempotency-Key and without."""
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    r = api_client(applicant).post(
        LIST,
        {"implementation": hall_impl[1].code, "form_data": FORM, "submit": True},
        format="json",
        **headers,
    )
    assert r.status_code == 201, r.json()
    assert r.json()["form_data"]["deceased_id_number"] == mask_id_number(NUMBER)
    app = Application.objects.get(pk=r.json()["id"])
    sealed = _stored(app)
    assert is_sealed(sealed)
    assert sealed["hash"] == id_number_hash(NUMBER)
    assert NUMBER not in str(app.form_data)
    detail = api_client(applicant).get(f"{LIST}{app.pk}/").json()
    assert detail["form_data"] == r.json()["form_data"]


def test_a_draft_is_checked_from_the_sealed_number_at_submission(hall_impl, applicant):
    impl = hall_impl[1]
    bad = NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")
    app = application_create(
        user=applicant,
        implementation=impl,
        channel="online",
        form_data={**FORM, "deceased_id_number": bad},
    )
    assert is_sealed(_stored(app))
    with pytest.raises(ServiceError) as exc:
        application_submit(application=app, user=applicant)
    assert exc.value.field == "$.deceased_id_number"
    assert "校验位错误" in exc.value.detail
    application_save_draft(application=app, user=applicant, form_data=FORM)
    submitted = application_submit(application=app, user=applicant)
    assert submitted.number


def test_pages_show_it_masked_and_a_blank_field_keeps_it(hall_impl, applicant):
    impl = hall_impl[1]
    app = application_create(
        user=applicant, implementation=impl, channel="online", form_data=FORM
    )
    client = Client()
    client.force_login(applicant)
    page = client.get(f"/my/applications/{app.pk}/form/").content.decode()
    assert NUMBER not in page
    assert mask_id_number(NUMBER) in page
    # Saved again with the ID field left blank: the sealed number stays.
    before = _stored(app)
    r = client.post(
        f"/my/applications/{app.pk}/form/",
        {"deceased_name": "格桑", "deceased_id_number": "", "action": "save"},
    )
    assert r.status_code in (200, 302)
    assert _stored(app) == before
    detail = client.get(f"/my/applications/{app.pk}/").content.decode()
    assert NUMBER not in detail and mask_id_number(NUMBER) in detail


@pytest.fixture
def submitted(hall_impl, applicant):
    app, _ = application_start(
        user=applicant,
        implementation=hall_impl[1],
        channel="online",
        form_data=FORM,
        submit=True,
    )
    return app


def test_a_clerk_reveals_it_with_a_reason_and_it_is_audited(hall_impl, submitted):
    hall, app = hall_impl[0], submitted
    clerk = clerk_at(hall, "clerk-reveal")
    client = Client()
    client.force_login(clerk)
    review = client.get(f"/counter/applications/{app.pk}/").content.decode()
    assert NUMBER not in review and "显示完整号码" in review
    url = f"/counter/applications/{app.pk}/reveal/"
    refused = client.post(url, {"field": "deceased_id_number", "reason": ""})
    assert refused.status_code == 400 and NUMBER not in refused.content.decode()
    shown = client.post(
        url, {"field": "deceased_id_number", "reason": "与死亡证明核对"}
    )
    assert shown.status_code == 200
    assert NUMBER in shown.content.decode()
    entry = AuditEntry.objects.get(action="privacy.reveal_form_id_number")
    assert entry.changes == {"field": "deceased_id_number", "reason": "与死亡证明核对"}
    assert NUMBER not in str(entry.changes) and entry.actor_id == clerk.pk
    # Not stored anywhere by the display.
    assert NUMBER not in str(Application.objects.get(pk=app.pk).form_data)


def test_others_cannot_reveal(submitted, applicant, other_citizen):
    app = submitted
    other_hall, _ = hall_and_implementation(applicable_version())
    stranger = clerk_at(other_hall, "clerk-elsewhere")
    for user in (stranger, other_citizen, applicant):
        client = Client()
        client.force_login(user)
        r = client.post(
            f"/counter/applications/{app.pk}/reveal/",
            {"field": "deceased_id_number", "reason": "看看"},
        )
        assert r.status_code in (403, 404), user
        assert NUMBER not in r.content.decode()
    with pytest.raises(PermissionDeniedError):
        application_reveal_form_id_number(
            viewer=stranger, application=app, field="deceased_id_number", reason="x"
        )
    assert not AuditEntry.objects.filter(action="privacy.reveal_form_id_number")


def test_a_tampered_envelope_fails_the_schema(hall_impl, applicant):
    impl = hall_impl[1]
    app = application_create(
        user=applicant, implementation=impl, channel="online", form_data=FORM
    )
    sealed = {**_stored(app), "encrypted": "not-a-token"}
    Application.objects.filter(pk=app.pk).update(
        form_data={**FORM, "deceased_id_number": sealed}
    )
    app.refresh_from_db()
    with pytest.raises(ServiceError) as exc:
        application_submit(application=app, user=applicant)
    assert exc.value.field == "$.deceased_id_number"
