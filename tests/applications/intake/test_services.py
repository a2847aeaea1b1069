import datetime as dt

import pytest
import time_machine

from applications import constants as c
from applications import hooks
from applications.models import (
    Application,
    ApplicationCounter,
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
from applications.services.submission import application_submit
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
