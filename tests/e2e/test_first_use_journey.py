"""First use without a guide: a new citizen, a walk-in and a bad upload.

Citizens at phone size; the clerk's part happens through the service (its
pages have their own journey in test_counter_journey).
"""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect
from pypdf import PdfReader

from applications.models import Application
from applications.services.acceptance import application_accept
from catalog.demo import items_joint
from catalog.demo.builders import BY_POST, person_form
from catalog.demo.builders import DELIVERY as DEMO_DELIVERY
from people.privacy import make_id_number
from people.services import applicants
from people.services.applicants import applicant_register_at_counter
from portal.models import User
from portal.roles import Role
from tests.factories import (
    ServiceHallFactory,
    implementation_for,
    published_version,
    staff,
)
from tests.people.outbox.helpers import sms_lines

from .conftest import shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
phone_only = pytest.mark.parametrize("page", ["phone"], indirect=True)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSWORD = "Gz-strong-pass-2026"
LITERAL = re.compile(r"""[\[{]\s*['"]|['"]\s*[\]}]""")


@pytest.fixture(autouse=True)
def _sms_file(settings, tmp_path):
    settings.SMS_BACKEND = "people.outbox.backends.FileSmsBackend"
    settings.NOTIFY_FILE_DIR = tmp_path / "notify"


def _enterprise_schema() -> dict:
    spec = next(i for i in items_joint.ITEMS if i["name"] == "企业开办")
    return spec["version"]["form_schema"]


def _citizen(username="zhaxi", phone="13800000000"):
    return applicants.applicant_register(
        username=username,
        password=PASSWORD,
        full_name="扎西",
        id_number=make_id_number("51330119900307123"),
        phone=phone,
    )


def _login(page, username="zhaxi", password=PASSWORD):
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="登录").last.click()


def _upload_all(page, scan):
    while page.locator("section.material.todo").count():
        todo = page.locator("section.material.todo").first
        todo.locator("input[type=file]").set_input_files(str(scan))
        todo.get_by_role("button", name="上传").click()
        page.wait_for_load_state()


@phone_only
def test_a_new_citizen_applies_registers_and_comes_back_to_the_form(page):
    version = published_version(item__name="个体工商户登记", name="个体工商户登记")
    impl = implementation_for(version)
    page.goto(f"{page.base_url}/items/{version.item.basic_code}/")
    page.get_by_role("link", name="在线申请").first.click()
    page.wait_for_url("**/accounts/login/**")
    expect(page.get_by_text("请先登录或注册")).to_be_visible()
    shot(page, "first-login-why")
    page.get_by_role("link", name="注册个人账号").click()
    page.wait_for_url("**/accounts/register/**")
    page.fill("[name=username]", "gesang")
    page.fill("[name=full_name]", "格桑")
    page.fill("[name=id_number]", make_id_number("51330119920202123"))
    page.fill("[name=phone]", "13800002222")
    page.fill("[name=password1]", PASSWORD)
    page.fill("[name=password2]", PASSWORD)
    page.get_by_role("button", name="注册").click()
    page.wait_for_url("**/accounts/login/**")
    _login(page, "gesang")
    page.wait_for_url(f"**/apply/{impl.code}/")
    # The same application's form, with the phone the profile already has.
    assert page.locator("[name=contact_phone]").input_value() == "13800002222"
    shot(page, "first-back-at-form")


@phone_only
def test_enterprise_checkboxes_to_the_receipt_pdf(page, tmp_path):
    hall = ServiceHallFactory(name="康定市政务服务中心")
    version = published_version(
        item__name="企业开办", name="企业开办", form_schema=_enterprise_schema()
    )
    impl = implementation_for(version, hall=hall)
    user = _citizen()
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF_BYTES)

    page.goto(f"{page.base_url}/accounts/login/?next=/apply/{impl.code}/")
    _login(page)
    page.wait_for_url(f"**/apply/{impl.code}/")
    page.fill("[name=entity_name]", "甘孜雪域商贸有限公司")
    page.select_option("[name=entity_type]", "有限责任公司")
    page.fill("[name=address]", "康定市炉城镇东大街1号")
    page.fill("[name=legal_representative]", "扎西")
    page.fill("[name=business_scope]", "日用百货销售")
    page.fill("[name=contact_name]", "扎西")
    page.get_by_label("单位公章").check()
    page.get_by_label("财务专用章").check()
    page.select_option("[name=taxpayer_type]", "小规模纳税人")
    page.select_option("[name=delivery]", "窗口领取")
    expect(page.locator("[name=mail_address]")).to_be_hidden()
    shot(page, "enterprise-form")
    page.get_by_role("button", name=re.compile("下一步")).click()
    page.wait_for_url("**/materials/**")
    _upload_all(page, scan)
    page.get_by_role("link", name=re.compile("下一步：确认提交")).click()
    review = page.locator("main").inner_text()
    assert "单位公章、财务专用章" in review and not LITERAL.search(review)
    shot(page, "enterprise-review")
    page.get_by_role("button", name="确认提交").click()
    page.wait_for_url("**/receipt/**")

    application = Application.objects.get()
    clerk = staff("clerk-e2e", "clerk", hall=hall)
    application_accept(application=application, clerk=clerk)
    page.goto(f"{page.base_url}/my/applications/{application.pk}/")
    link = page.locator("a[href$='receipt.pdf']").first
    response = page.request.get(page.base_url + link.get_attribute("href"))
    assert response.status == 200
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages
    )
    flat = re.sub(r"\s+", "", text)
    assert "单位公章、财务专用章" in flat
    assert user.applicant.full_name in flat
    assert not LITERAL.search(text)


@phone_only
def test_postal_delivery_asks_for_an_address(page, tmp_path):
    schema = person_form("护照申请信息", {"delivery": DEMO_DELIVERY}, ["delivery"])
    version = published_version(
        item__name="普通护照签发", name="普通护照签发", form_schema=schema
    )
    impl = implementation_for(version)
    _citizen()
    page.goto(f"{page.base_url}/accounts/login/?next=/apply/{impl.code}/")
    _login(page)
    page.wait_for_url(f"**/apply/{impl.code}/")
    address = page.locator("[name=mail_address]")
    expect(address).to_be_hidden()
    page.select_option("[name=delivery]", BY_POST)
    expect(address).to_be_visible()  # without a reload
    expect(page.locator("[name=mail_recipient]")).to_have_value("扎西")
    shot(page, "postal-address-shown")
    page.get_by_role("button", name=re.compile("下一步")).click()
    page.wait_for_url("**check=1")
    expect(page.get_by_text("请填写“邮寄地址”")).to_be_visible()
    page.fill("[name=mail_address]", "康定市炉城镇东大街1号")
    page.get_by_role("button", name=re.compile("下一步")).click()
    page.wait_for_url("**/materials/**")
    assert (
        Application.objects.get().form_data["mail_address"] == "康定市炉城镇东大街1号"
    )


@phone_only
def test_a_walk_in_activates_their_account_with_the_sms_code(page, settings):
    clerk = User.objects.create_user(username="clerk", password="x-Clerk-2026!")
    clerk.groups.add(Group.objects.get_or_create(name=Role.CLERK.value)[0])
    id_number = make_id_number("51330119800202123")
    applicant_register_at_counter(
        clerk=clerk, full_name="次仁拉姆", id_number=id_number, phone="13800005678"
    )
    page.goto(f"{page.base_url}/accounts/login/")
    page.get_by_role("link", name=re.compile("用手机验证码开通")).click()
    page.fill("[name=id_number]", id_number)
    page.fill("[name=phone]", "13800005678")
    shot(page, "activate-request")
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url("**/accounts/activate/code/")
    text = sms_lines(settings.NOTIFY_FILE_DIR)[-1]["text"]
    code = re.search(r"验证码(\d{6})", text).group(1)
    page.fill("[name=code]", code)
    page.fill("[name=username]", "cirenlamu")
    page.fill("[name=password1]", PASSWORD)
    page.fill("[name=password2]", PASSWORD)
    shot(page, "activate-code")
    page.get_by_role("button", name="开通账号").click()
    page.wait_for_url("**/accounts/login/")
    expect(page.get_by_text("账号已开通")).to_be_visible()
    _login(page, "cirenlamu")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url
    assert User.objects.get(username="cirenlamu").check_password(PASSWORD)


@phone_only
def test_a_bad_upload_on_the_last_card_shows_its_message_in_view(page, tmp_path):
    version = published_version(item__name="个体工商户登记", name="个体工商户登记")
    impl = implementation_for(version)
    _citizen()
    bad = tmp_path / "户口本.docx"
    bad.write_bytes(b"PK\x03\x04 not a pdf")
    page.goto(f"{page.base_url}/accounts/login/?next=/apply/{impl.code}/")
    _login(page)
    page.wait_for_url(f"**/apply/{impl.code}/")
    page.fill("[name=contact_phone]", "13800000000")
    page.get_by_role("button", name=re.compile("下一步")).click()
    page.wait_for_url("**/materials/**")
    page.problems.expect(r"400 \(Bad Request\)")
    last = page.locator("section.material").last
    last.locator("input[type=file]").set_input_files(str(bad))
    last.get_by_role("button", name="上传").click()
    page.wait_for_load_state()
    message = page.get_by_text("“户口本.docx”未能上传")
    expect(message).to_be_in_viewport()
    expect(
        page.locator("section.material").last.locator("input[type=file]")
    ).to_be_focused()
    shot(page, "bad-upload-last-card")


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_a_clerk_lands_on_the_desk_and_finds_any_application_of_the_hall(page):
    from tests.applications.factories import ApplicationFactory
    from tests.security.otp import enrol, totp_code

    hall = ServiceHallFactory(name="康定市政务服务中心")
    version = published_version(item__name="个体工商户登记", name="个体工商户登记")
    impl = implementation_for(version, hall=hall)
    clerk = staff("clerk-hall", "clerk", hall=hall)
    clerk.set_password(PASSWORD)
    clerk.save()
    device = enrol(clerk)
    citizen = _citizen()
    accepted = ApplicationFactory(
        accepted=True, implementation=impl, applicant=citizen, clerk=clerk
    )
    ApplicationFactory(submitted=True, implementation=impl, applicant=citizen)

    page.goto(f"{page.base_url}/accounts/login/")
    _login(page, "clerk-hall")
    page.wait_for_url("**/accounts/login/verify/")
    page.fill("#id_code", totp_code(device))
    page.get_by_role("button", name="验证并登录").click()
    page.wait_for_url("**/counter/")  # the desk, not the citizen home page
    nav = page.locator("#site-nav")
    expect(nav.get_by_role("link", name="本厅办件")).to_be_visible()
    shot(page, "staff-landing")
    nav.get_by_role("link", name="本厅办件").click()
    page.get_by_role("link", name="已受理").click()
    page.fill("[name=q]", accepted.number[:24])
    page.get_by_role("button", name="查找").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(accepted.number)
    expect(rows.first.get_by_role("link", name="受理通知书")).to_be_visible()
    shot(page, "staff-hall-search")
