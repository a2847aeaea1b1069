import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from applications import constants as c
from applications import hooks
from applications.models import (
    Application,
    ApplicationCounter,
    IdempotencyRecord,
    StatusChange,
    SupplementNotice,
    UploadedFile,
)
from applications.services.acceptance import (
    application_accept,
    application_refuse,
    application_request_supplement,
)
from applications.services.drafts import application_create, application_save_draft
from applications.services.materials import application_provide_material
from applications.services.numbering import (
    QUERY_CODE_ALPHABET,
    format_application_number,
)
from applications.services.status import application_transition
from applications.services.submission import application_start, application_submit
from applications.services.time_limits import latest_promise_date
from applications.services.withdrawal import application_withdraw
from catalog import constants as cc
from catalog.services import version_retire
from portal.errors import ServiceError
from portal.models import AuditEntry
from tests.applications.factories import (
    GOOD_FORM,
    ApplicationFactory,
    applicable_version,
    authorization,
    fill_materials,
    hall_and_implementation,
    upload,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = c.ApplicationStatus


def _draft(implementation, user, form_data=None):
    return application_create(
        user=user,
        implementation=implementation,
        channel=c.IntakeChannel.ONLINE,
        form_data=dict(GOOD_FORM) if form_data is None else form_data,
    )


# --- the whole online journey ----------------------------------------------------


@time_machine.travel(dt.datetime(2026, 9, 30, 10, 0, tzinfo=dt.UTC), tick=False)
def test_online_application_from_draft_to_accepted(
    implementation, applicant, clerk, monkeypatch
):
    handed_over = []
    monkeypatch.setattr(
        hooks.on_accepted, "_handlers", [lambda e: handed_over.append(e.application)]
    )

    app = _draft(implementation, applicant, form_data={})
    assert app.status == S.DRAFT
    assert app.version_id == implementation.item.current_version_id
    assert app.materials.count() == 5
    assert app.number is None

    application_save_draft(application=app, user=applicant, form_data=GOOD_FORM)
    fill_materials(app, applicant)
    app = application_submit(application=app, user=applicant)

    today = dt.date(2026, 9, 30)
    assert app.status == S.SUBMITTED
    assert app.number == f"{implementation.code}202609300001"
    assert len(app.number) == 43
    assert len(app.query_code) == 8
    assert set(app.query_code) <= set(QUERY_CODE_ALPHABET)
    # docs/domain.md worked example: 2026-09-30 + 5 working days = 2026-10-13.
    assert app.acceptance_due == dt.date(2026, 10, 13)
    assert app.submitted_at.date() == today

    app = application_accept(application=app, clerk=clerk)
    assert app.status == S.ACCEPTED
    assert app.accepted_by == clerk
    assert app.promised_date is not None and app.promised_date > today
    assert handed_over == [app]

    history = list(
        StatusChange.objects.filter(application=app).values_list(
            "from_status", "to_status"
        )
    )
    assert history == [(S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.ACCEPTED)]
    actions = set(
        AuditEntry.objects.filter(object_id=str(app.pk)).values_list(
            "action", flat=True
        )
    )
    assert {
        "applications.create",
        "applications.save_draft",
        "applications.provide_material",
        "applications.submitted",
        "applications.accepted",
    } <= actions


def test_daily_sequence_counts_per_implementation_and_day(implementation):
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)):
        a = ApplicationFactory(submitted=True, implementation=implementation)
        b = ApplicationFactory(submitted=True, implementation=implementation)
    with time_machine.travel(dt.datetime(2026, 3, 3, 2, 0, tzinfo=dt.UTC)):
        d = ApplicationFactory(submitted=True, implementation=implementation)
    assert a.number.endswith("202603020001")
    assert b.number.endswith("202603020002")
    assert d.number.endswith("202603030001")
    assert ApplicationCounter.objects.count() == 2


def test_number_format_lives_in_one_function():
    assert (
        format_application_number(
            implementation_code="X" * 31, day=dt.date(2026, 1, 5), sequence=7
        )
        == "X" * 31 + "202601050007"
    )


# --- status table ----------------------------------------------------------------

ALL = list(S.values)
FORBIDDEN = [(a, b) for a in ALL for b in ALL if b not in c.TRANSITIONS[a]]
ALLOWED = [(a, b) for a in ALL for b in sorted(c.TRANSITIONS[a])]


def _forced(status, implementation, applicant):
    app = _draft(implementation, applicant)
    Application.objects.filter(pk=app.pk).update(status=status)
    app.refresh_from_db()
    return app


@pytest.mark.parametrize(("from_status", "to_status"), FORBIDDEN)
def test_every_forbidden_status_change_is_refused(
    from_status, to_status, implementation, applicant
):
    app = _forced(from_status, implementation, applicant)
    with pytest.raises(ServiceError) as exc:
        application_transition(application=app, to_status=to_status, actor=applicant)
    assert exc.value.code == "transition_forbidden"
    assert exc.value.status == 409
    assert str(S(from_status).label) in exc.value.detail
    assert str(S(to_status).label) in exc.value.detail
    app.refresh_from_db()
    assert app.status == from_status
    assert not StatusChange.objects.filter(application=app).exists()


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_every_allowed_status_change_writes_history(
    from_status, to_status, implementation, applicant
):
    app = _forced(from_status, implementation, applicant)
    application_transition(
        application=app, to_status=to_status, actor=applicant, reason="测试"
    )
    app.refresh_from_db()
    assert app.status == to_status
    change = StatusChange.objects.get(application=app)
    assert (change.from_status, change.to_status, change.actor) == (
        from_status,
        to_status,
        applicant,
    )


# --- bad input: nothing half-saved ------------------------------------------------


def _nothing_submitted(app):
    app.refresh_from_db()
    assert app.status == S.DRAFT
    assert app.number is None and app.query_code == ""
    assert not StatusChange.objects.filter(application=app).exists()
    assert not ApplicationCounter.objects.exists()


def test_form_data_breaking_the_schema_is_refused_field_by_field(
    implementation, applicant
):
    app = _draft(
        implementation,
        applicant,
        form_data={"contact_phone": "12345", "household_size": "三口", "area": 1},
    )
    fill_materials(app, applicant)
    with pytest.raises(ServiceError) as exc:
        application_submit(application=app, user=applicant)
    assert exc.value.code == "application_incomplete"
    by_field = {e.field: e for e in exc.value.errors}
    assert by_field["$.contact_phone"].code == "form_invalid"
    assert "联系电话" in by_field["$.contact_phone"].detail
    assert by_field["$.purpose"].detail == "请选择“申请用途”"
    assert "整数" in by_field["$.household_size"].detail
    _nothing_submitted(app)


def test_form_data_must_be_an_object(implementation, applicant):
    with pytest.raises(ServiceError) as exc:
        _draft(implementation, applicant, form_data=["not", "an", "object"])
    assert exc.value.code == "form_invalid"
    assert not Application.objects.exists()


def test_missing_required_material_is_refused(implementation, applicant):
    app = _draft(implementation, applicant)
    with pytest.raises(ServiceError) as exc:
        application_submit(application=app, user=applicant)
    assert exc.value.code == "application_incomplete"
    missing = [e for e in exc.value.errors if e.code == "material_missing"]
    assert [e.detail for e in missing] == [
        "缺少材料：居民身份证",
        "缺少材料：申请表",
        "缺少材料：房屋租赁合同",
        "缺少材料：无犯罪记录证明",
    ]
    assert missing[0].field == "materials[0]"
    _nothing_submitted(app)


def test_one_missing_material_gives_its_own_code(applicant):
    version = applicable_version(materials=[{"name": "营业执照"}])
    _, impl = hall_and_implementation(version)
    app = _draft(impl, applicant)
    with pytest.raises(ServiceError) as exc:
        application_submit(application=app, user=applicant)
    assert exc.value.as_dict()["code"] == "material_missing"
    assert exc.value.as_dict()["detail"] == "缺少材料：营业执照"
    assert exc.value.as_dict()["field"] == "materials[0]"


def test_executable_renamed_pdf_is_refused(implementation, applicant, settings):
    app = _draft(implementation, applicant)
    material = app.materials.first().material
    for content in (b"MZ\x90\x00\x03" + b"\x00" * 200, b"\x7fELF\x02\x01\x01"):
        with pytest.raises(ServiceError) as exc:
            application_provide_material(
                application=app,
                user=applicant,
                material=material,
                provision=c.Provision.UPLOAD,
                file=upload("证明.pdf", content, "application/pdf"),
            )
        assert exc.value.code == "file_type_not_allowed"
    assert not UploadedFile.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_200mb_file_is_refused_before_it_is_read(implementation, applicant, tmp_path):
    from django.core.files import File

    app = _draft(implementation, applicant)
    material = app.materials.first().material
    path = tmp_path / "huge.pdf"
    with open(path, "wb") as f:  # sparse: costs no disk and no time
        f.write(b"%PDF-1.4\n")
        f.truncate(200 * 1024 * 1024)

    class NoRead(File):
        def read(self, *args):  # the size check must come first
            raise AssertionError("read before the size check")

    with open(path, "rb") as f, pytest.raises(ServiceError) as exc:
        application_provide_material(
            application=app,
            user=applicant,
            material=material,
            provision=c.Provision.UPLOAD,
            file=NoRead(f, name="huge.pdf"),
        )
    assert exc.value.code == "file_too_large"
    assert exc.value.status == 413
    assert not UploadedFile.objects.exists()


def test_path_in_file_name_is_stripped_and_stored_name_is_random(
    implementation, applicant
):
    app = _draft(implementation, applicant)
    material = app.materials.first().material
    row = application_provide_material(
        application=app,
        user=applicant,
        material=material,
        provision=c.Provision.UPLOAD,
        file=upload("../../etc/passwd.pdf"),
    )
    stored = row.files.get()
    assert stored.original_name == "passwd.pdf"
    assert "passwd" not in stored.file.name and ".." not in stored.file.name
    assert stored.file.name.startswith("uploads/")
    assert len(stored.sha256) == 64
    assert stored.content_type == "application/pdf"


def test_submit_on_retired_version_is_refused(implementation, applicant):
    app = _draft(implementation, applicant)
    fill_materials(app, applicant)
    version_retire(
        version=app.version, actor=UserFactory(username="editor"), reason="法规修订"
    )
    with pytest.raises(ServiceError) as exc:
        application_submit(application=app, user=applicant)
    assert exc.value.code == "version_retired"
    _nothing_submitted(app)
    with pytest.raises(ServiceError) as exc:
        _draft(implementation, applicant)
    assert exc.value.code == "item_not_available"


def test_second_submit_is_refused(implementation, applicant):
    app = ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    number = app.number
    with pytest.raises(ServiceError) as exc:
        application_submit(application=app, user=applicant)
    assert exc.value.code == "already_submitted"
    app.refresh_from_db()
    assert app.number == number
    assert StatusChange.objects.filter(application=app).count() == 1


def test_submit_with_the_same_key_twice_is_one_submission(implementation, applicant):
    app = _draft(implementation, applicant)
    fill_materials(app, applicant)
    first = application_submit(
        application=app, user=applicant, idempotency_key="click-1"
    )
    again = application_submit(
        application=app, user=applicant, idempotency_key="click-1"
    )
    assert first.number == again.number
    assert StatusChange.objects.filter(application=app).count() == 1


def test_clerk_of_another_hall_cannot_accept(implementation, applicant, other_clerk):
    app = ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    for call in (
        lambda: application_accept(application=app, clerk=other_clerk),
        lambda: application_refuse(
            application=app, clerk=other_clerk, reason="x", legal_basis="y"
        ),
        lambda: application_request_supplement(
            application=app,
            clerk=other_clerk,
            items=[{"material_id": app.materials.first().material_id, "problem": "x"}],
        ),
        lambda: application_accept(application=app, clerk=applicant),
    ):
        with pytest.raises(ServiceError) as exc:
            call()
        assert exc.value.code == "application_not_found"
        assert exc.value.status == 404
    app.refresh_from_db()
    assert app.status == S.SUBMITTED and app.accepted_at is None
    assert not SupplementNotice.objects.exists()


def test_agent_without_authorisation_is_refused(implementation, applicant, agent):
    other_agent = UserFactory(username="agent-2", roles=["agent"])
    cases_ = [
        None,
        authorization(agent=agent, citizen=applicant, revoked=True),
        authorization(agent=agent, citizen=applicant, days=-1),
        authorization(agent=other_agent, citizen=applicant),
        authorization(agent=agent, citizen=applicant, item=applicable_version().item),
    ]
    for auth in cases_:
        with pytest.raises(ServiceError) as exc:
            application_create(
                user=agent,
                implementation=implementation,
                channel=c.IntakeChannel.AGENT,
                agent_authorization=auth,
                form_data=GOOD_FORM,
            )
        assert exc.value.code == "agent_not_authorized", auth
        assert exc.value.status == 403
    assert not Application.objects.exists()


def test_agent_with_authorisation_applies_for_the_citizen(
    implementation, applicant, agent
):
    auth = authorization(agent=agent, citizen=applicant, item=implementation.item)
    app = application_create(
        user=agent,
        implementation=implementation,
        channel=c.IntakeChannel.AGENT,
        agent_authorization=auth,
        form_data=GOOD_FORM,
    )
    assert app.applicant == applicant and app.submitted_by == agent
    assert app.agent_authorization == auth
    fill_materials(app, agent)
    app = application_submit(application=app, user=agent)
    assert app.status == S.SUBMITTED


def test_non_agent_cannot_use_agent_channel(implementation, applicant, other_citizen):
    auth = authorization(agent=other_citizen, citizen=applicant)
    with pytest.raises(ServiceError) as exc:
        application_create(
            user=other_citizen,
            implementation=implementation,
            channel=c.IntakeChannel.AGENT,
            agent_authorization=auth,
        )
    assert exc.value.code == "agent_role_required"


def test_online_application_only_in_own_name(implementation, applicant, other_citizen):
    with pytest.raises(ServiceError) as exc:
        application_create(
            user=other_citizen,
            implementation=implementation,
            applicant=applicant,
            channel=c.IntakeChannel.ONLINE,
        )
    assert exc.value.code == "applicant_mismatch"


def test_unregistered_user_cannot_apply(implementation):
    with pytest.raises(ServiceError) as exc:
        _draft(implementation, UserFactory(username="anon"))
    assert exc.value.code == "applicant_profile_required"


def test_penalty_items_take_no_applications(applicant):
    version = applicable_version(item__item_type=cc.ItemType.PENALTY)
    _, impl = hall_and_implementation(version)
    with pytest.raises(ServiceError) as exc:
        _draft(impl, applicant)
    assert exc.value.code == "item_not_applicable"


def test_counter_intake_by_clerk_at_own_hall(implementation, applicant, clerk, hall):
    app = application_create(
        user=clerk,
        implementation=implementation,
        applicant=applicant,
        channel=c.IntakeChannel.COUNTER,
    )
    assert app.hall == hall and app.submitted_by == clerk
    with pytest.raises(ServiceError) as exc:
        application_create(
            user=applicant,
            implementation=implementation,
            applicant=applicant,
            channel=c.IntakeChannel.COUNTER,
        )
    assert exc.value.code == "clerk_required"


# --- materials: tolerated gaps, commitments, certificates -------------------------------


def _row(app, name):
    return app.materials.select_related("material").get(material__name=name)


def test_tolerated_gap_only_where_allowed_and_complete(implementation, applicant):
    app = _draft(implementation, applicant)
    later = timezone.localdate() + dt.timedelta(days=7)
    with pytest.raises(ServiceError) as exc:
        application_provide_material(
            application=app,
            user=applicant,
            material=_row(app, "居民身份证").material,
            provision=c.Provision.TOLERATED,
            promise_text="后补",
            promised_by=later,
        )
    assert exc.value.code == "tolerance_not_allowed"
    lease = _row(app, "房屋租赁合同").material
    with pytest.raises(ServiceError) as exc:
        application_provide_material(
            application=app,
            user=applicant,
            material=lease,
            provision=c.Provision.TOLERATED,
            promise_text="",
            promised_by=None,
        )
    assert {e.field for e in exc.value.errors} == {"promise_text", "promised_by"}
    with pytest.raises(ServiceError) as exc:
        application_provide_material(
            application=app,
            user=applicant,
            material=lease,
            provision=c.Provision.TOLERATED,
            promise_text="后补",
            promised_by=timezone.localdate(),
        )
    assert exc.value.code == "promised_by_in_past"
    too_late = latest_promise_date(lease.version) + dt.timedelta(days=1)
    with pytest.raises(ServiceError) as exc:
        application_provide_material(
            application=app,
            user=applicant,
            material=lease,
            provision=c.Provision.TOLERATED,
            promise_text="明年再补",
            promised_by=too_late,
        )
    assert exc.value.code == "promised_by_too_late"
    assert "承诺补交日期不能晚于" in exc.value.detail
    row = application_provide_material(
        application=app,
        user=applicant,
        material=lease,
        provision=c.Provision.TOLERATED,
        promise_text="十日内补交",
        promised_by=later,
    )
    assert row.provision == c.Provision.TOLERATED and row.promised_by == later


def test_commitment_only_where_the_material_allows_it(implementation, applicant):
    app = _draft(implementation, applicant)
    with pytest.raises(ServiceError) as exc:
        application_provide_material(
            application=app,
            user=applicant,
            material=_row(app, "申请表").material,
            provision=c.Provision.COMMITMENT,
            promise_text="承诺",
        )
    assert exc.value.code == "commitment_not_allowed"
    row = application_provide_material(
        application=app,
        user=applicant,
        material=_row(app, "无犯罪记录证明").material,
        provision=c.Provision.COMMITMENT,
        promise_text="本人承诺无犯罪记录",
    )
    assert row.signed_at is not None


def test_certificate_needs_an_offer_from_the_evidence_seam(applicant, monkeypatch):
    from catalog.models import CertificateType
    from people.codes import make_credit_code

    ctype = CertificateType.objects.create(
        code=make_credit_code("11100000MB0000001") + "001",
        name="居民户口簿",
        issuing_authority="公安",
        holder_kind="natural",
    )
    version = applicable_version(
        materials=[{"name": "户口簿", "certificate_type": ctype}]
    )
    _, impl = hall_and_implementation(version)
    app = _draft(impl, applicant)
    material = app.materials.get().material
    monkeypatch.setattr(hooks, "_certificate_finder", None)
    with pytest.raises(ServiceError) as exc:
        application_provide_material(
            application=app,
            user=applicant,
            material=material,
            provision=c.Provision.CERTIFICATE,
            certificate_ref="1.2.156.anything",
        )
    assert exc.value.code == "certificate_unavailable"

    offer = hooks.CertificateOffer(
        identifier="1.2.156.3005.2.X", name="户口簿", trust_level="A"
    )
    monkeypatch.setattr(hooks, "_certificate_finder", lambda **kw: [offer])
    with pytest.raises(ServiceError) as exc:
        application_provide_material(
            application=app,
            user=applicant,
            material=material,
            provision=c.Provision.CERTIFICATE,
            certificate_ref="1.2.156.forged",
        )
    assert exc.value.code == "certificate_not_offered"
    row = application_provide_material(
        application=app,
        user=applicant,
        material=material,
        provision=c.Provision.CERTIFICATE,
        certificate_ref=offer.identifier,
    )
    assert row.certificate_ref == offer.identifier


def test_unknown_material_is_refused(implementation, applicant):
    app = _draft(implementation, applicant)
    other = applicable_version().materials.first()
    with pytest.raises(ServiceError) as exc:
        application_provide_material(
            application=app,
            user=applicant,
            material=other,
            provision=c.Provision.UPLOAD,
            file=upload(),
        )
    assert exc.value.code == "material_unknown"
    assert not UploadedFile.objects.exists()


def test_other_citizen_cannot_fill_in(implementation, applicant, other_citizen):
    app = _draft(implementation, applicant)
    with pytest.raises(ServiceError) as exc:
        application_save_draft(application=app, user=other_citizen, form_data={"x": 1})
    assert exc.value.code == "not_application_editor"
    app.refresh_from_db()
    assert app.form_data == GOOD_FORM


def test_submitted_application_cannot_be_changed(implementation, applicant):
    app = ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    with pytest.raises(ServiceError) as exc:
        application_save_draft(application=app, user=applicant, form_data={})
    assert exc.value.code == "application_not_editable"


# --- acceptance review -------------------------------------------------------------


def test_one_time_notice_lists_everything_and_applicant_resubmits(
    implementation, applicant, clerk
):
    app = ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    number = app.number
    ids = [am.material_id for am in app.materials.all()[:2]]
    notice = application_request_supplement(
        application=app,
        clerk=clerk,
        items=[
            {"material_id": ids[0], "problem": "身份证照片模糊"},
            {"material_id": ids[1], "problem": "申请表缺少签名"},
        ],
    )
    app.refresh_from_db()
    assert app.status == S.SUPPLEMENT_REQUESTED
    assert [i["problem"] for i in notice.items] == ["身份证照片模糊", "申请表缺少签名"]
    assert notice.items[0]["name"] == "居民身份证"

    # Resubmitting without supplying the named materials is refused.
    with pytest.raises(ServiceError) as exc:
        application_submit(application=app, user=applicant)
    assert {e.code for e in exc.value.errors} == {"material_problem_unresolved"}

    for material_id in ids:
        application_provide_material(
            application=app,
            user=applicant,
            material=material_id,
            provision=c.Provision.UPLOAD,
            file=upload("补正.pdf"),
        )
    app = application_submit(application=app, user=applicant)
    assert app.status == S.SUBMITTED and app.number == number
    notice.refresh_from_db()
    assert notice.resolved_at is not None
    assert application_accept(application=app, clerk=clerk).status == S.ACCEPTED


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([], "supplement_items_required"),
        ([{"material_id": 999999, "problem": "缺"}], "material_unknown"),
        ([{"material_id": "abc", "problem": "缺"}], "material_unknown"),
        ("not a list", "supplement_items_required"),
    ],
)
def test_one_time_notice_bad_input(implementation, applicant, clerk, items, code):
    app = ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    with pytest.raises(ServiceError) as exc:
        application_request_supplement(application=app, clerk=clerk, items=items)
    assert exc.value.code == code
    app.refresh_from_db()
    assert app.status == S.SUBMITTED
    assert not SupplementNotice.objects.exists()
    assert not app.materials.exclude(problem="").exists()


def test_one_time_notice_needs_a_problem_for_each_material(
    implementation, applicant, clerk
):
    app = ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    ids = [am.material_id for am in app.materials.all()[:2]]
    with pytest.raises(ServiceError) as exc:
        application_request_supplement(
            application=app,
            clerk=clerk,
            items=[
                {"material_id": ids[0], "problem": "模糊"},
                {"material_id": ids[1], "problem": " "},
                {"material_id": 0, "problem": ""},
            ],
        )
    assert exc.value.code == "supplement_invalid"
    assert {e.field for e in exc.value.errors} == {
        "items[1].problem",
        "items[2].material_id",
        "items[2].problem",
    }


def test_refusal_needs_reason_and_legal_basis(implementation, applicant, clerk):
    app = ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    with pytest.raises(ServiceError) as exc:
        application_refuse(application=app, clerk=clerk, reason=" ", legal_basis="")
    assert {e.code for e in exc.value.errors} == {
        "reason_required",
        "legal_basis_required",
    }
    app.refresh_from_db()
    assert app.status == S.SUBMITTED
    app = application_refuse(
        application=app,
        clerk=clerk,
        reason="不属于本机关职权范围",
        legal_basis="《行政许可法》第三十二条",
    )
    assert app.status == S.REFUSED
    assert app.refusal_basis == "《行政许可法》第三十二条"


# --- withdraw ----------------------------------------------------------------------


def test_applicant_withdraws_before_decision(implementation, applicant, other_citizen):
    app = ApplicationFactory(
        accepted=True, implementation=implementation, applicant=applicant
    )
    with pytest.raises(ServiceError) as exc:
        application_withdraw(application=app, user=other_citizen)
    assert exc.value.code == "withdraw_not_allowed_for_user"
    app = application_withdraw(application=app, user=applicant, reason="不办了")
    assert app.status == S.WITHDRAWN and app.withdrawn_at is not None


def test_no_withdrawal_after_decision(implementation, applicant):
    app = ApplicationFactory(
        submitted=True, implementation=implementation, applicant=applicant
    )
    Application.objects.filter(pk=app.pk).update(status=S.APPROVED)
    with pytest.raises(ServiceError) as exc:
        application_withdraw(application=app, user=applicant)
    assert exc.value.code == "withdraw_not_allowed"


# --- idempotency -----------------------------------------------------------------


def test_start_with_key_replays_and_refuses_a_different_body(implementation, applicant):
    def start(fingerprint):
        return application_start(
            user=applicant,
            implementation=implementation,
            channel=c.IntakeChannel.API,
            form_data=GOOD_FORM,
            idempotency_key="k-1",
            fingerprint=fingerprint,
        )

    first, replayed = start("body-a")
    assert not replayed
    again, replayed = start("body-a")
    assert replayed and again.pk == first.pk
    with pytest.raises(ServiceError) as exc:
        start("body-b")
    assert exc.value.code == "idempotency_key_reused"
    assert exc.value.status == 422
    assert Application.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


def test_failed_start_keeps_nothing_and_frees_the_key(implementation, applicant):
    with pytest.raises(ServiceError):
        application_start(
            user=applicant,
            implementation=implementation,
            channel=c.IntakeChannel.API,
            form_data=GOOD_FORM,
            submit=True,  # materials missing
            idempotency_key="k-2",
            fingerprint="x",
        )
    assert not Application.objects.exists()
    assert not IdempotencyRecord.objects.exists()


def test_latest_promise_date_follows_the_items_limit():
    from types import SimpleNamespace

    from catalog import constants as cc

    monday = dt.date(2026, 3, 2)

    def version(pv=None, pu="working", sv=None, su="working"):
        return SimpleNamespace(
            promised_limit_value=pv,
            promised_limit_unit=pu,
            statutory_limit_value=sv,
            statutory_limit_unit=su,
        )

    # 5 working days from Monday 2 March 2026: Monday 9 March.
    assert latest_promise_date(version(sv=5), monday) == dt.date(2026, 3, 9)
    assert latest_promise_date(
        version(sv=10, su=cc.LimitUnit.NATURAL_DAYS), monday
    ) == dt.date(2026, 3, 12)
    # No statutory limit: the promised one; neither: 20 working days.
    assert latest_promise_date(version(1), monday) == dt.date(2026, 3, 3)
    assert latest_promise_date(version(), monday) == dt.date(2026, 3, 30)
