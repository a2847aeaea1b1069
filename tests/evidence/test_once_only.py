"""Once-only at application time, on the demo catalog: the demo enterprise's
营业执照 satisfies 食品经营许可's material, prefills the form, and is checked
again at submission. Also the clerk's and the agent's view of the same offers."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from applications import constants as c
from applications.certificates import certificate_offers, prefilled_fields
from applications.models import AgentAuthorization
from applications.selectors import application_problems
from applications.services.drafts import application_create
from applications.services.materials import (
    application_provide_material,
    application_withdraw_certificate_consent,
)
from catalog.models import Implementation, ServiceHall
from evidence.constants import AccessOutcome
from evidence.models import AccessLogEntry, Certificate
from people.models import Enterprise
from portal.errors import ServiceError
from portal.models import User
from tests.demo.fixtures import demo_data, demo_keys  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]


def _food_licence(user, **kwargs):
    impl = Implementation.objects.filter(
        item__name="食品经营许可", department__name="康定市市场监督管理局"
    ).first()
    enterprise = Enterprise.objects.get(members__user__username="applicant")
    return application_create(
        user=user,
        implementation=impl,
        enterprise=enterprise,
        applicant=kwargs.pop("applicant", None),
        channel=kwargs.pop("channel", c.IntakeChannel.ONLINE),
        **kwargs,
    )


def _licence_row(app):
    return app.materials.select_related("material").get(
        material__certificate_type__name="营业执照"
    )


@pytest.fixture
def citizen():
    return User.objects.get(username="applicant")


def _attach(app, user, **kwargs):
    row = _licence_row(app)
    offers = certificate_offers(application=app, material=row.material)
    assert len(offers) == 1 and offers[0].trust_level == "A"
    return application_provide_material(
        application=app,
        user=user,
        material=row.material,
        provision=c.Provision.CERTIFICATE,
        certificate_ref=kwargs.pop("ref", offers[0].identifier),
        certificate_consent=kwargs.pop("consent", True),
    )


def test_licence_needs_no_upload_and_prefills_the_form(citizen):
    app = _food_licence(citizen)
    row = _attach(app, citizen)
    assert (row.provision, row.trust_level) == ("certificate", "A")
    assert row.certificate_consent_at is not None
    app.refresh_from_db()
    cert = Certificate.objects.get(identifier=row.certificate_ref)
    assert app.form_data["entity_name"] == cert.data["entity_name"]
    assert app.form_data["credit_code"] == cert.data["credit_code"]
    assert set(row.certificate_prefill) >= {"entity_name", "credit_code"}
    missing = " ".join(str(p.detail) for p in application_problems(application=app))
    assert row.material.name not in missing

    web = Client()
    web.force_login(citizen)
    page = web.get(f"/my/applications/{app.pk}/materials/").content.decode()
    assert "已引用电子证照" in page and "可信等级A" in page
    form_page = web.get(f"/my/applications/{app.pk}/form/").content.decode()
    assert "以下内容已由电子证照自动填写" in form_page
    assert {t for t, _ in prefilled_fields(app)} >= {"单位（经营者）名称"}


def test_consent_is_required_and_withdrawal_is_refused_at_submission(citizen):
    app = _food_licence(citizen)
    with pytest.raises(ServiceError) as exc:
        _attach(app, citizen, consent=False)
    assert exc.value.code == "certificate_consent_required"
    _attach(app, citizen)
    application_withdraw_certificate_consent(
        application=app, user=citizen, material=_licence_row(app).material
    )
    codes = {p.code for p in application_problems(application=app)}
    assert "certificate_consent_missing" in codes
    with pytest.raises(ServiceError) as exc:
        application_withdraw_certificate_consent(
            application=app, user=citizen, material=_licence_row(app).material
        )
    assert exc.value.code == "certificate_consent_not_given"


def test_revoked_reference_and_changed_prefill_are_refused_at_submission(citizen):
    app = _food_licence(citizen)
    row = _attach(app, citizen)
    app.refresh_from_db()
    app.form_data = {**app.form_data, "entity_name": "另一家公司"}
    app.save(update_fields=["form_data"])
    codes = {p.code for p in application_problems(application=app)}
    assert "certificate_prefill_changed" in codes
    Certificate.objects.filter(identifier=row.certificate_ref).update(status="revoked")
    codes = {p.code for p in application_problems(application=app)}
    assert "certificate_no_longer_valid" in codes


def test_someone_elses_certificate_is_refused(citizen):
    app = _food_licence(citizen)
    # The citizen's own 居民身份证 is a real, valid certificate, but not one of
    # this material's offers for this holder.
    other = Certificate.objects.filter(certificate_type__name="居民身份证").first()
    with pytest.raises(ServiceError) as exc:
        _attach(app, citizen, ref=other.identifier)
    assert exc.value.code == "certificate_not_offered"
    # Forged identifiers too.
    with pytest.raises(ServiceError) as exc:
        _attach(app, citizen, ref="1.2.156.3005.2.forged")
    assert exc.value.code == "certificate_not_offered"


def test_clerk_sees_the_walk_ins_offers_and_the_read_is_logged(citizen):
    clerk = User.objects.get(username="clerk")
    hall = ServiceHall.objects.get(pk=clerk.staff_profile.hall_id)
    app = _food_licence(
        clerk, applicant=citizen, channel=c.IntakeChannel.COUNTER, hall=hall
    )
    row = _attach(app, clerk)
    assert row.trust_level == "A"
    log = AccessLogEntry.objects.get(certificate__identifier=row.certificate_ref)
    assert (log.reader, log.outcome) == (clerk, AccessOutcome.GRANTED)
    web = Client()
    web.force_login(clerk)
    page = web.get(f"/counter/intake/{app.pk}/materials/")
    assert page.status_code == 200
    assert "已引用电子证照" in page.content.decode()


def test_agent_cannot_apply_in_a_persons_name_for_a_licence_only_an_enterprise_holds(
    citizen,
):
    """食品经营许可's result, the 食品经营许可证, is held by a legal person: an
    application in the citizen's own name could never be approved, so the
    agent's draft is refused up front, as online and at the counter."""
    agent = User.objects.get(username="agent")
    auth = AgentAuthorization.objects.get(agent=agent, citizen=citizen)
    impl = Implementation.objects.filter(
        item__name="食品经营许可", department__name="康定市市场监督管理局"
    ).first()
    with pytest.raises(ServiceError) as refused:
        application_create(
            user=agent,
            implementation=impl,
            applicant=citizen,
            channel=c.IntakeChannel.AGENT,
            agent_authorization=auth,
        )
    assert refused.value.code in {"result_holder_legal", "served_party_mismatch"}


def test_offers_api_and_wrong_user(citizen):
    app = _food_licence(citizen)
    api = APIClient()
    api.force_authenticate(citizen)
    body = api.get(f"/api/v1/applications/{app.pk}/certificate-offers/").json()
    licence = next(r for r in body if r["material"] == _licence_row(app).material.name)
    assert licence["offers"][0]["trust_level"] == "A"
    r = api.post(
        f"/api/v1/applications/{app.pk}/materials/",
        {
            "material": licence["material_id"],
            "provision": "certificate",
            "certificate_ref": licence["offers"][0]["identifier"],
            "certificate_consent": True,
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    api.force_authenticate(User.objects.get(username="reviewer"))
    assert (
        api.get(f"/api/v1/applications/{app.pk}/certificate-offers/").status_code == 404
    )


def test_share_of_materials_by_certificate_is_counted_per_item(
    citizen, django_assert_max_num_queries
):
    from applications.certificates import certificate_share_by_item

    app = _food_licence(citizen)
    _attach(app, citizen)
    app.refresh_from_db()
    app.submitted_at = app.created_at  # counted once submitted
    app.save(update_fields=["submitted_at"])
    with django_assert_max_num_queries(1):
        rows = certificate_share_by_item()
    row = next(r for r in rows if r["item_name"] == "食品经营许可")
    assert row["by_certificate"] == 1 and 0 < row["share"] < 1
