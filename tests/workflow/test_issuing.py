"""Issuing from decisions: an approved case of an item whose result is an
e-certificate issues it, signed, into the holder's wallet; it verifies
publicly and the decision document names it. Rejections, items without a
result type, a department without a signing key, a form lacking what the
type requires: nothing is issued (the last two roll the decision back)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from applications import constants as ac
from applications.models import Application
from evidence.models import Certificate
from evidence.services.keys import signing_key_rotate
from people.models import ApplicantProfile
from portal.errors import ServiceError
from portal.models import AuditEntry
from tests.applications.factories import citizen
from tests.evidence.factories import cert_type
from tests.factories import UserFactory
from workflow import constants as c
from workflow.documents import decision_pdf
from workflow.services import task_claim, task_decide

from .factories import accepted, case_of, department, reviewer, routed_item
from .pages.test_decision_pdf import pdf_text

pytestmark = pytest.mark.django_db

# Like the demo's 食品经营许可证: the name and number come from the fallbacks,
# the purpose from the form (tests.applications.factories.GOOD_FORM).
PERMIT_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "title": "持证人"},
        "purpose": {"type": "string", "title": "申请用途"},
        "license_no": {"type": "string", "title": "许可证编号"},
    },
    "required": ["name", "license_no"],
}


@pytest.fixture
def settings_base(settings):
    settings.PUBLIC_BASE_URL = "https://zwfw.example.gov.cn"


@pytest.fixture
def permit():
    return cert_type(
        "051", name="测试经营许可证", holder="natural", schema=PERMIT_SCHEMA
    )


def _world(permit, *, key=True, with_type=True):
    dep = department("市场监管局")
    if key:
        signing_key_rotate(department=dep, actor=UserFactory(username="key-admin"))
    extra = {"result_certificate_type": permit} if with_type else {}
    impl = routed_item([[dep]], lead=dep, **extra)
    app = accepted(impl)
    return dep, reviewer(dep), app


def _decide(app, user, outcome="approve"):
    task = case_of(app).tasks.get()
    task_claim(task=task, actor=user)
    basis = "《行政许可法》第三十八条" if outcome == "reject" else ""
    task_decide(task=task, actor=user, outcome=outcome, opinion="审查意见", basis=basis)


def test_an_approval_issues_a_certificate_that_verifies_publicly(permit, settings_base):
    dep, rev, app = _world(permit)
    _decide(app, rev)
    app = Application.objects.get(pk=app.pk)
    assert app.status == ac.ApplicationStatus.APPROVED
    cert = Certificate.objects.get(application_number=app.number)
    profile = ApplicantProfile.objects.get(user=app.applicant)
    # In the applicant's wallet: held by the keyed hash of their ID number.
    assert cert.holder_hash == profile.id_number_hash
    assert cert.holder_masked == profile.id_number_masked
    assert cert.issuer == dep and cert.certificate_type == permit
    assert cert.data == {
        "name": profile.full_name,
        "purpose": "新办",
        "license_no": app.number,
    }
    assert AuditEntry.objects.filter(
        action="evidence.issue", object_repr=cert.identifier
    ).exists()
    body = APIClient().get(f"/api/v1/evidence/verify/{cert.identifier}/").json()
    assert body["valid"] and body["signature_ok"] and body["file_hash_ok"]
    assert body["status"] == "valid"
    text = pdf_text(decision_pdf(case_of(app), tracking_url="https://t.example/x"))
    assert cert.identifier in text
    assert f"/evidence/verify/{cert.identifier}/" in text


def test_a_rejection_issues_nothing(permit):
    _, rev, app = _world(permit)
    _decide(app, rev, outcome="reject")
    assert case_of(app).state == c.CaseState.REJECTED
    assert not Certificate.objects.exists()


def test_an_item_without_a_result_type_issues_nothing(permit):
    _, rev, app = _world(permit, with_type=False)
    _decide(app, rev)
    assert case_of(app).state == c.CaseState.APPROVED
    assert not Certificate.objects.exists()


def test_no_signing_key_is_a_clear_error_and_rolls_the_decision_back(permit):
    _, rev, app = _world(permit, key=False)
    task = case_of(app).tasks.get()
    task_claim(task=task, actor=rev)
    with pytest.raises(ServiceError) as exc:
        task_decide(task=task, actor=rev, outcome="approve", opinion="符合要求")
    assert exc.value.code == "signing_key_missing" and exc.value.status == 503
    assert case_of(app).state == c.CaseState.OPEN
    assert Application.objects.get(pk=app.pk).status != ac.ApplicationStatus.APPROVED
    assert not Certificate.objects.exists()


def test_a_form_lacking_required_data_refuses_the_approval(permit):
    schema = {
        **PERMIT_SCHEMA,
        "properties": {**PERMIT_SCHEMA["properties"], "area_code": {"type": "string"}},
        "required": ["name", "area_code"],
    }
    permit.spec.data_schema = schema
    permit.spec.save()
    _, rev, app = _world(permit)
    task = case_of(app).tasks.get()
    task_claim(task=task, actor=rev)
    with pytest.raises(ServiceError) as exc:
        task_decide(task=task, actor=rev, outcome="approve", opinion="符合要求")
    assert exc.value.code == "certificate_data_missing" and exc.value.status == 409
    assert [e.field for e in exc.value.errors] == ["data.area_code"]
    assert case_of(app).state == c.CaseState.OPEN
    assert not Certificate.objects.exists()


def _approved(permit):
    _, rev, app = _world(permit)
    _decide(app, rev)
    app = Application.objects.get(pk=app.pk)
    return app, Certificate.objects.get(application_number=app.number)


def test_public_tracking_links_the_certificate_without_personal_data(
    permit, settings_base
):
    app, cert = _approved(permit)
    profile = ApplicantProfile.objects.get(user=app.applicant)
    body = (
        APIClient()
        .get(f"/api/v1/track/{app.number}/", {"query_code": app.query_code})
        .json()
    )
    assert body["certificates"] == [
        {
            "identifier": cert.identifier,
            "verify_url": "https://zwfw.example.gov.cn"
            f"/evidence/verify/{cert.identifier}/",
        }
    ]
    page = Client().post(
        "/track/", {"number": app.number, "query_code": app.query_code}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert f"/evidence/verify/{cert.identifier}/" in html
    assert profile.full_name not in html and profile.id_number_masked not in html
    wrong = APIClient().get(f"/api/v1/track/{app.number}/", {"query_code": "ZZZZZZZZ"})
    assert wrong.status_code == 404 and cert.identifier not in wrong.content.decode()


def test_the_applicants_page_links_the_certificate_and_no_one_elses(permit):
    app, cert = _approved(permit)
    own = Client()
    own.force_login(app.applicant)
    r = own.get(f"/my/applications/{app.pk}/")
    assert r.status_code == 200
    assert f"/evidence/verify/{cert.identifier}/" in r.content.decode()
    timeline = own.get(reverse("workflow:my_timeline", args=[app.pk]))
    assert timeline.status_code == 200
    assert f"/evidence/verify/{cert.identifier}/" in timeline.content.decode()
    other = Client()
    other.force_login(citizen("someone-else"))
    r = other.get(f"/my/applications/{app.pk}/")
    assert r.status_code == 404 and cert.identifier not in r.content.decode()
    r = other.get(reverse("workflow:my_timeline", args=[app.pk]))
    assert r.status_code == 404 and cert.identifier not in r.content.decode()


def test_a_legal_person_application_issues_to_the_enterprise(settings_base):
    from applications.services.acceptance import application_accept
    from applications.services.drafts import application_create
    from applications.services.submission import application_submit
    from catalog import constants as cc
    from evidence.holders import enterprise_holder
    from people.codes import make_credit_code
    from people.models import Enterprise, EnterpriseMember
    from tests.applications.factories import GOOD_FORM, clerk_at, fill_materials

    licence = cert_type(
        "052",
        name="测试食品经营许可证",
        holder="legal",
        schema={
            "type": "object",
            "properties": {
                "entity_name": {"type": "string", "title": "经营者名称"},
                "license_no": {"type": "string", "title": "许可证编号"},
            },
            "required": ["entity_name", "license_no"],
        },
    )
    dep = department("市场监管局")
    signing_key_rotate(department=dep, actor=UserFactory(username="key-admin"))
    impl = routed_item(
        [[dep]],
        lead=dep,
        result_certificate_type=licence,
        served_parties=[cc.ServedParty.NATURAL, cc.ServedParty.LEGAL],
    )
    enterprise = Enterprise.objects.create(
        name="康定雪域测试餐饮有限公司",
        credit_code=make_credit_code("91513301MA0000002"),
        legal_representative="扎西",
    )
    handler = citizen("handler")
    EnterpriseMember.objects.create(enterprise=enterprise, user=handler, role="handler")
    app = application_create(
        user=handler,
        implementation=impl,
        channel=ac.IntakeChannel.ONLINE,
        enterprise=enterprise,
        form_data=dict(GOOD_FORM),
    )
    fill_materials(app, handler)
    app = application_submit(application=app, user=handler)
    application_accept(application=app, clerk=clerk_at(app.hall, "clerk-legal"))
    _decide(app, reviewer(dep))
    app = Application.objects.get(pk=app.pk)
    cert = Certificate.objects.get(application_number=app.number)
    holder = enterprise_holder(enterprise)
    assert (cert.holder_kind, cert.holder_hash) == holder.key
    assert cert.holder_name == enterprise.name
    assert cert.data == {"entity_name": enterprise.name, "license_no": app.number}
    body = APIClient().get(f"/api/v1/evidence/verify/{cert.identifier}/").json()
    assert body["valid"] and body["signature_ok"] and body["file_hash_ok"]


def test_a_natural_person_cannot_start_an_item_whose_certificate_only_a_legal_person_holds():
    """Else the decision's issuing fails for ever and the case is stuck: the
    draft is refused up front, by every channel (one creation service), and
    nothing is written."""
    from applications.services.drafts import application_create
    from catalog import constants as cc
    from portal.models import AuditEntry

    licence = cert_type("053", name="测试食品经营许可证", holder="legal")
    dep = department("市场监管局")
    impl = routed_item(
        [[dep]],
        lead=dep,
        result_certificate_type=licence,
        served_parties=[cc.ServedParty.NATURAL, cc.ServedParty.LEGAL],
    )
    person = citizen("walkin-natural")
    before = AuditEntry.objects.count()
    with pytest.raises(ServiceError) as refused:
        application_create(
            user=person, implementation=impl, channel=ac.IntakeChannel.ONLINE
        )
    assert refused.value.code == "result_holder_legal"
    assert refused.value.field == "enterprise"
    assert "测试食品经营许可证" in str(refused.value.detail)
    assert "企业名义" in str(refused.value.detail)
    assert not Application.objects.filter(applicant=person).exists()
    assert AuditEntry.objects.count() == before
    # The API says the same with its stable code.
    client = APIClient()
    client.force_authenticate(person)
    r = client.post(
        "/api/v1/applications/", {"implementation": impl.code}, format="json"
    )
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "result_holder_legal"
