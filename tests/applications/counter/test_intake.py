"""Counter intake (一窗受理) end to end in the browser, and its bad inputs."""

import pytest
from django.core import mail

from applications import constants as c
from applications.models import Application, StatusChange
from people.models import ApplicantProfile, OutboxMessage
from people.privacy import make_id_number, mask_name
from portal.models import User
from tests.applications.factories import applicable_version, hall_and_implementation

from .helpers import (
    ITEM_NAME,
    LITIGATION_BODY,
    REVIEW_BODY,
    WALK_IN_ID,
    WALK_IN_NAME,
    WALK_IN_PHONE,
    apply_form_data,
    logged_in,
    pdf_text,
    provide_all,
    token,
    upload,
    wrong_check_digit,
)

pytestmark = pytest.mark.django_db
S = c.ApplicationStatus


def intake_walk_in(client, implementation) -> Application:
    """Register a walk-in, choose the item, fill in, provide, submit."""
    r = client.get("/counter/intake/")
    assert r.status_code == 200 and "一窗受理" in r.content.decode()

    # Not registered yet: the clerk is offered the registration form.
    r = client.post(
        "/counter/intake/", {"action": "find", "find-id_number": WALK_IN_ID}
    )
    html = r.content.decode()
    assert r.status_code == 200 and "尚未登记" in html
    assert f'value="{WALK_IN_ID}"' in html
    r = client.post(
        "/counter/intake/",
        {
            "action": "register",
            "walkin-full_name": WALK_IN_NAME,
            "walkin-id_number": WALK_IN_ID,
            "walkin-phone": WALK_IN_PHONE,
        },
    )
    assert r.status_code == 302 and r["Location"] == "/counter/intake/items/"

    # Search by name, then by code: the hall's item is offered.
    r = client.get("/counter/intake/items/", {"q": "食品经营"})
    html = r.content.decode()
    assert ITEM_NAME in html and implementation.code in html
    assert mask_name(WALK_IN_NAME) in html and WALK_IN_NAME not in html
    r = client.get("/counter/intake/items/", {"q": implementation.code[:20]})
    assert ITEM_NAME in r.content.decode()
    r = client.get("/counter/intake/items/", {"q": "不存在的事项"})
    assert ITEM_NAME not in r.content.decode()

    start = f"/counter/intake/new/{implementation.code}/"
    r = client.get(start)
    assert r.status_code == 200 and "联系电话" in r.content.decode()
    assert '<li aria-current="page">一窗受理</li>' in r.content.decode()
    r = client.post(start, {**apply_form_data(), "token": token(r.content.decode())})
    application = Application.objects.get()
    assert r["Location"] == f"/counter/intake/{application.pk}/materials/"
    assert application.channel == c.IntakeChannel.COUNTER
    assert application.applicant.applicant.full_name == WALK_IN_NAME

    provide_all(client, f"/counter/intake/{application.pk}/materials/", application)
    r = client.get(f"/counter/intake/{application.pk}/submit/")
    assert r.status_code == 200 and "提交前还需完善" not in r.content.decode()
    r = client.post(
        f"/counter/intake/{application.pk}/submit/",
        {"token": token(r.content.decode())},
    )
    assert r.status_code == 302
    assert r["Location"] == f"/counter/applications/{application.pk}/"
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and application.number
    return application


def test_counter_intake_accept_and_print_the_receipt(implementation, hall, clerk):
    client = logged_in(clerk)
    application = intake_walk_in(client, implementation)
    assert application.hall == hall and application.submitted_by == clerk
    walk_in = User.objects.get(applicant__full_name=WALK_IN_NAME)
    assert not walk_in.has_usable_password()

    # On the spot: the review page offers the three decisions.
    r = client.get(f"/counter/applications/{application.pk}/")
    html = r.content.decode()
    assert "出具一次性告知书" in html and "不予受理" in html
    assert "营业执照.pdf" in html and "承诺十日内补交租赁合同原件" in html

    r = client.post(f"/counter/applications/{application.pk}/accept/")
    assert r.status_code == 302
    application.refresh_from_db()
    assert application.status == S.ACCEPTED and application.promised_date
    r = client.get(f"/counter/applications/{application.pk}/")
    assert "/receipt.pdf" in r.content.decode()

    r = client.get(f"/counter/applications/{application.pk}/receipt.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Cache-Control"] == "private, no-store"
    text = pdf_text(r.content)
    assert application.number in text
    assert ITEM_NAME in text
    assert "受理通知书" in text and hall.name in text and hall.address in text
    assert application.query_code in text
    # Handed to the walk-in: their full name (pages others see mask it).
    assert WALK_IN_NAME in text
    assert WALK_IN_ID not in text and WALK_IN_PHONE not in text
    # Materials received, the promised date, the seal box, the tracking link.
    assert "营业执照" in text and "房屋租赁合同" in text and "其他补充材料" not in text
    promised = application.promised_date
    assert f"{promised.year}年{promised.month}月{promised.day}日" in text
    assert "（印章）" in text
    assert f"query_code={application.query_code}" in text.replace("\n", "")
    # The walk-in has no password yet: the receipt says how to get online.
    flat = "".join(text.split())
    assert "开通网上账号" in flat and "“用手机验证码开通”" in flat

    # Notified once by SMS (the walk-in has no e-mail): submitted + accepted.
    events = sorted(
        m.dedupe_key.split(":")[1] for m in OutboxMessage.objects.about(application)
    )
    assert events == ["accepted", "submitted"]
    assert mail.outbox == []


def test_counter_intake_one_time_notice_pdf_lists_every_material(
    implementation, clerk, version
):
    client = logged_in(clerk)
    application = intake_walk_in(client, implementation)
    rows = list(application.materials.select_related("material"))
    first, second = rows[0], rows[1]
    r = client.post(
        f"/counter/applications/{application.pk}/notice/",
        {
            f"notice-pick_{first.material_id}": "on",
            f"notice-problem_{first.material_id}": "营业执照已过有效期",
            f"notice-pick_{second.material_id}": "on",
            f"notice-problem_{second.material_id}": "平面图未标注尺寸",
        },
    )
    assert r.status_code == 302
    application.refresh_from_db()
    assert application.status == S.SUPPLEMENT_REQUESTED

    r = client.get(f"/counter/applications/{application.pk}/notice.pdf")
    assert r.status_code == 200
    text = pdf_text(r.content)
    assert application.number in text and ITEM_NAME in text
    assert "一次性告知书" in text
    for name, problem in [
        ("营业执照", "营业执照已过有效期"),
        ("经营场所平面图", "平面图未标注尺寸"),
    ]:
        assert name in text and problem in text
    assert "房屋租赁合同" not in text
    assert "补正期限" in text and "（印章）" in text
    assert "“用手机验证码开通”" in "".join(text.split())

    # The clerk supplements at the counter and resubmits; it queues again.
    r = client.get(f"/counter/intake/{application.pk}/materials/")
    assert "营业执照已过有效期" in r.content.decode()
    for am in (first, second):
        client.post(
            f"/counter/intake/{application.pk}/materials/{am.material_id}/",
            {"provision": "upload", f"m{am.material_id}-file": upload("新.pdf")},
        )
    r = client.get(f"/counter/intake/{application.pk}/submit/")
    client.post(
        f"/counter/intake/{application.pk}/submit/",
        {"token": token(r.content.decode())},
    )
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    r = client.get("/counter/")
    assert application.number in r.content.decode()
    assert "补正后重新提交" in r.content.decode()
    # The notice is answered: no notice document any more.
    assert (
        client.get(f"/counter/applications/{application.pk}/notice.pdf").status_code
        == 404
    )


def test_counter_intake_refusal_pdf_names_reason_basis_and_remedies(
    implementation, clerk
):
    client = logged_in(clerk)
    application = intake_walk_in(client, implementation)
    r = client.post(
        f"/counter/applications/{application.pk}/refuse/",
        {
            "refuse-reason": "申请事项不属于本机关职权范围",
            "refuse-legal_basis": "《中华人民共和国行政许可法》第三十二条第一款第（二）项",
        },
    )
    assert r.status_code == 302
    application.refresh_from_db()
    assert application.status == S.REFUSED

    r = client.get(f"/counter/applications/{application.pk}/refusal.pdf")
    assert r.status_code == 200
    text = pdf_text(r.content)
    assert application.number in text and ITEM_NAME in text
    assert "不予受理通知书" in text
    assert "申请事项不属于本机关职权范围" in text
    assert "第三十二条" in text
    assert REVIEW_BODY in text and LITIGATION_BODY in text
    assert "行政复议" in text and "行政诉讼" in text
    assert "（印章）" in text


def test_existing_applicant_is_found_by_id_number(implementation, clerk):
    client = logged_in(clerk)
    client.post(
        "/counter/intake/",
        {
            "action": "register",
            "walkin-full_name": WALK_IN_NAME,
            "walkin-id_number": WALK_IN_ID,
            "walkin-phone": WALK_IN_PHONE,
        },
    )
    client = logged_in(clerk)  # a fresh session
    r = client.post(
        "/counter/intake/", {"action": "find", "find-id_number": WALK_IN_ID.lower()}
    )
    assert r.status_code == 302 and r["Location"] == "/counter/intake/items/"
    assert ApplicantProfile.objects.count() == 1


# --- bad input --------------------------------------------------------------------------


def test_wrong_id_check_digit_is_refused_and_nothing_saved(implementation, clerk):
    client = logged_in(clerk)
    users = User.objects.count()
    bad = wrong_check_digit(WALK_IN_ID)
    r = client.post("/counter/intake/", {"action": "find", "find-id_number": bad})
    assert r.status_code == 400
    assert "身份证号码校验位错误" in r.content.decode()
    r = client.post(
        "/counter/intake/",
        {
            "action": "register",
            "walkin-full_name": WALK_IN_NAME,
            "walkin-id_number": bad,
            "walkin-phone": "12345",
        },
    )
    html = r.content.decode()
    assert r.status_code == 400
    assert "身份证号码校验位错误" in html and "手机号码应为11位" in html
    assert User.objects.count() == users
    assert not ApplicantProfile.objects.exists()
    # No applicant chosen: the item step sends the clerk back.
    r = client.get("/counter/intake/items/")
    assert r.status_code == 302 and r["Location"] == "/counter/intake/"


def test_impossible_birth_date_is_refused(implementation, clerk):

    client = logged_in(clerk)
    bad = make_id_number("51330119900231001")
    r = client.post("/counter/intake/", {"action": "find", "find-id_number": bad})
    assert r.status_code == 400
    assert "不是真实日期" in r.content.decode()


def test_item_outside_the_hall_region_is_not_offered(clerk, other_hall, implementation):

    _, elsewhere = hall_and_implementation(
        applicable_version(item__name="泸定县专有事项"),
        hall=other_hall,
        region=other_hall.region,
    )
    client = logged_in(clerk)
    client.post(
        "/counter/intake/",
        {
            "action": "register",
            "walkin-full_name": WALK_IN_NAME,
            "walkin-id_number": WALK_IN_ID,
            "walkin-phone": WALK_IN_PHONE,
        },
    )
    r = client.get("/counter/intake/items/")
    assert "泸定县专有事项" not in r.content.decode()
    assert client.get(f"/counter/intake/new/{elsewhere.code}/").status_code == 404
    assert not Application.objects.exists()


def test_counter_uploads_follow_the_same_rules(implementation, clerk, settings):
    client = logged_in(clerk)
    application = intake_walk_in_draft(client, implementation)
    am = application.materials.select_related("material").first()
    url = f"/counter/intake/{application.pk}/materials/{am.material_id}/"
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
    r = client.post(
        url, {"provision": "upload", f"m{am.material_id}-file": upload("a.pdf", exe)}
    )
    assert r.status_code == 400
    assert "改扩展名无效" in r.content.decode()
    settings.APPLICATION_UPLOAD_MAX_BYTES = 1024
    r = client.post(
        url,
        {
            "provision": "upload",
            f"m{am.material_id}-file": upload("big.pdf", b"%PDF-" + b"0" * 4096),
        },
    )
    assert r.status_code == 413 and "文件不能超过" in r.content.decode()
    assert not am.files.exists()


def intake_walk_in_draft(client, implementation) -> Application:
    client.post(
        "/counter/intake/",
        {
            "action": "register",
            "walkin-full_name": WALK_IN_NAME,
            "walkin-id_number": WALK_IN_ID,
            "walkin-phone": WALK_IN_PHONE,
        },
    )
    start = f"/counter/intake/new/{implementation.code}/"
    r = client.get(start)
    client.post(start, {**apply_form_data(), "token": token(r.content.decode())})
    return Application.objects.get()


def test_submit_with_missing_material_is_refused_and_stays_a_draft(
    implementation, clerk
):
    client = logged_in(clerk)
    application = intake_walk_in_draft(client, implementation)
    r = client.get(f"/counter/intake/{application.pk}/submit/")
    r = client.post(
        f"/counter/intake/{application.pk}/submit/",
        {"token": token(r.content.decode())},
    )
    assert r.status_code == 400
    assert "缺少材料：营业执照" in r.content.decode()
    application.refresh_from_db()
    assert application.status == S.DRAFT and not application.number
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize(
    ("who", "link"),
    [("clerk", "/counter/"), ("agent", "/agent/"), ("applicant", None)],
)
def test_the_site_menu_leads_staff_to_their_desk(who, link, request):
    user = request.getfixturevalue(who)
    html = logged_in(user).get("/").content.decode()
    if link:
        assert f'href="{link}"' in html
    else:
        assert 'href="/counter/"' not in html and 'href="/agent/"' not in html
