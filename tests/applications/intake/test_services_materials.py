import datetime as dt

import pytest
from django.utils import timezone

from applications import constants as c
from applications.models import (
    Application,
    IdempotencyRecord,
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
from applications.services.submission import application_start, application_submit
from applications.services.time_limits import latest_promise_date
from applications.services.withdrawal import application_withdraw
from catalog import constants as cc
from portal.errors import ServiceError
from tests.applications.factories import (
    GOOD_FORM,
    ApplicationFactory,
    applicable_version,
    hall_and_implementation,
    upload,
)

pytestmark = pytest.mark.django_db
S = c.ApplicationStatus


def _draft(implementation, user, form_data=None):
    return application_create(
        user=user,
        implementation=implementation,
        channel=c.IntakeChannel.ONLINE,
        form_data=dict(GOOD_FORM) if form_data is None else form_data,
    )


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


def test_certificate_needs_a_held_certificate(applicant):
    """Holding none of the type: refused (offers and references: tests/evidence)."""
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
    with pytest.raises(ServiceError) as exc:
        application_provide_material(
            application=app,
            user=applicant,
            material=material,
            provision=c.Provision.CERTIFICATE,
            certificate_ref="1.2.156.anything",
            certificate_consent=True,
        )
    assert exc.value.code == "certificate_unavailable"


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
