"""Every HTML page of the citizen journey and the desks passes the
Content-Security-Policy in Chromium: no console error, no violation.

The watch itself is in conftest.py (every browser test has it); here each
page is visited or reached by its own buttons, its response is checked for
the policy header, and the page is left only once the network is idle, so
scripts, styles, fonts and images have all been tried. The journeys the other
files walk (apply, counter intake, search and guide) are not repeated.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from applications.services.numbering import QUERY_CODE_ALPHABET
from people.privacy import make_id_number
from people.services import applicants
from tests.applications.factories import ApplicationFactory, authorization
from tests.factories import (
    ServiceHallFactory,
    UserFactory,
    implementation_for,
    published_version,
    staff,
)
from tests.security.otp import enrol, totp_code

from .conftest import shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Gz-e2e-pass-2026"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
desktop_only = pytest.mark.parametrize("page", ["desktop"], indirect=True)


def visit(page, path: str, *, status: int = 200):
    response = page.goto(page.base_url + path)
    assert response is not None and response.status == status, (path, response)
    check_policy(response)
    page.wait_for_load_state("networkidle")
    return response


def check_policy(response) -> None:
    if "text/html" not in response.headers.get("content-type", ""):
        return
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy, response.url
    assert "script-src 'self'" in policy, response.url
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def settle(page) -> None:
    page.wait_for_load_state("networkidle")


def first_link(page, prefix: str) -> str:
    hrefs = page.eval_on_selector_all(
        f"main a[href^='{prefix}']", "links => links.map(a => a.getAttribute('href'))"
    )
    hrefs = [h for h in hrefs if h.rstrip("/") != prefix.rstrip("/") and "?" not in h]
    assert hrefs, f"no link to {prefix}* on {page.url}"
    return hrefs[0]


def sign_in(page, username: str, *, device=None, path: str = "/accounts/login/"):
    visit(page, path)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    if device is not None:
        page.wait_for_url("**/accounts/login/verify/")
        settle(page)
        page.fill("#id_code", totp_code(device))
        page.get_by_role("button", name="验证并登录").click()
    page.wait_for_load_state()
    settle(page)


def sign_out(page) -> None:
    page.context.clear_cookies()


def upload_all(page, scan) -> None:
    for _ in range(5):
        todo = page.locator("section.material.todo")
        if todo.count() == 0:
            return
        todo.first.locator("input[type=file]").set_input_files(str(scan))
        todo.first.get_by_role("button", name=re.compile("上传")).click()
        page.wait_for_load_state()
        settle(page)


# --- the watch sees what it must ------------------------------------------------


@desktop_only
def test_the_watch_reports_violations_and_console_errors(page):
    visit(page, "/track/")
    page.evaluate(
        """() => {
          const img = document.createElement('img');
          img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
          document.body.append(img);
          const s = document.createElement('script');
          s.textContent = 'window.__ran = 1';
          document.body.append(s);
          console.error('deliberate');
        }"""
    )
    page.wait_for_timeout(300)
    page.evaluate("1")
    seen = "\n".join(page.problems.seen)
    assert "img-src" in seen and "script-src" in seen and "deliberate" in seen
    assert page.evaluate("window.__ran") is None  # the inline script never ran
    page.problems.seen.clear()


# --- citizens: public pages, sign-in, their own pages -------------------------


@pytest.fixture
def demo():
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO())


def test_public_pages(page, demo):
    visit(page, "/")
    shot(page, "csp-home")
    for listing, detail in [
        ("/items/", "/items/0"),
        ("/departments/", "/departments/"),
        ("/regions/", "/regions/"),
        ("/themes/", "/themes/"),
        ("/types/", "/types/"),
        ("/notices/", "/notices/"),
        ("/policies/", "/policies/"),
        ("/faq/", "/faq/"),
        ("/supervision/", "/supervision/"),
    ]:
        visit(page, listing)
        if page.locator(f"main a[href^='{detail}']").count():
            href = first_link(page, detail)
            visit(page, href)
            if listing == "/items/":
                visit(page, href.rstrip("/") + "/print/")
                shot(page, "csp-item-print")
    visit(page, "/items/?q=huzhao")
    visit(page, "/intermediaries/")
    visit(page, "/track/")
    visit(page, "/accounts/register/")
    visit(page, "/accounts/login/")
    visit(page, "/admin/login/?next=/admin/")
    # An unknown page: its 404 is the one console error expected.
    page.problems.expect(r"status of 404")
    visit(page, "/no-such-page/", status=404)
    # The phone menu and the language switch (site.js, a form POST).
    toggle = page.locator(".nav-toggle")
    if toggle.is_visible():
        toggle.click()
    visit(page, "/")
    english = page.get_by_role("button", name=re.compile("English"))
    if english.count():
        english.first.click()
        page.wait_for_load_state()
        settle(page)


def _citizen(username: str, id17: str, full_name: str = "扎西卓玛"):
    return applicants.applicant_register(
        username=username,
        password=PASSWORD,
        full_name=full_name,
        id_number=make_id_number(id17),
        phone="13800000000",
    )


def test_citizen_pages_and_tracking(page, tmp_path):
    hall = ServiceHallFactory(name="康定市政务服务中心")
    version = published_version(item__name="个体工商户登记", name="个体工商户登记")
    implementation_for(version, hall=hall)
    _citizen("zhaxi-csp", "51330119900307123")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF_BYTES)

    sign_in(page, "zhaxi-csp")
    visit(page, f"/items/{version.item.basic_code}/")
    page.get_by_role("link", name=re.compile("申请办理")).first.click()
    page.wait_for_url("**/apply/**")
    settle(page)
    page.fill("[name=contact_phone]", "13800000000")
    page.get_by_role("button", name=re.compile("下一步")).click()
    page.wait_for_url("**/materials/**")
    settle(page)
    upload_all(page, scan)
    page.get_by_role("link", name=re.compile("下一步：确认提交")).click()
    page.wait_for_url("**/review/**")
    settle(page)
    page.get_by_role("button", name="确认提交").click()
    page.wait_for_url("**/receipt/**")
    settle(page)
    shot(page, "csp-receipt")

    # The receipt's button POSTs number and code: neither is in the URL.
    page.get_by_role("button", name="查询进度").click()
    page.wait_for_load_state()
    settle(page)
    assert page.url.endswith("/track/")
    assert (
        "已提交" in page.locator("section[aria-labelledby=track-result]").inner_text()
    )
    shot(page, "csp-track-result")

    visit(page, "/my/applications/")
    visit(page, first_link(page, "/my/applications/"))
    shot(page, "csp-my-detail")
    for path in [
        "/accounts/profile/",
        "/accounts/enterprises/",
        "/accounts/authorizations/",
        "/accounts/two-factor/",
    ]:
        visit(page, path)
    # Only agents record authorisations: the site's 403 page.
    page.problems.expect(r"status of 403")
    visit(page, "/accounts/authorizations/new/", status=403)
    shot(page, "csp-403")

    # A wrong code: the 404 the browser logs is expected, nothing else.
    sign_out(page)
    page.problems.expect(r"status of 404")
    visit(page, "/track/")
    page.fill("[name=number]", "GZ-NOT-A-NUMBER")
    page.fill("[name=query_code]", QUERY_CODE_ALPHABET[:8])
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    settle(page)
    assert page.get_by_text("办件编号或查询码不正确").count() == 1
    # A form sent without its cookie (expired, blocked): the CSRF failure page.
    visit(page, "/track/")
    page.context.clear_cookies()
    page.fill("[name=number]", "GZ-NOT-A-NUMBER")
    page.fill("[name=query_code]", QUERY_CODE_ALPHABET[:8])
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    settle(page)
    assert page.get_by_role("heading", name="页面已过期").count() == 1
    # A request the portal refuses: the stand-alone 400 page.
    page.problems.expect(r"status of 400")
    visit(page, "/items/?q=a%00b", status=400)
    shot(page, "csp-400")


# --- the desks: counter, agent, admin, API documentation ------------------------


@desktop_only
def test_counter_desk_pages(page):
    hall = ServiceHallFactory(name="康定市政务服务中心")
    version = published_version(item__name="食品经营许可", name="食品经营许可")
    implementation = implementation_for(version, hall=hall)
    clerk = staff("clerk-csp", "clerk", hall=hall)
    clerk.set_password(PASSWORD)
    clerk.save()
    device = enrol(clerk)
    waiting = ApplicationFactory(submitted=True, implementation=implementation)

    sign_in(page, "clerk-csp", device=device, path="/accounts/login/?next=/counter/")
    assert page.url.endswith("/counter/")
    shot(page, "csp-counter-queue")
    visit(page, f"/counter/applications/{waiting.pk}/")
    shot(page, "csp-counter-review")
    visit(page, "/counter/intake/")
    visit(page, "/counter/intake/items/", status=200)
    visit(page, "/accounts/two-factor/")


@desktop_only
def test_agent_desk_pages(page, tmp_path):
    hall = ServiceHallFactory(name="康定市政务服务中心")
    version = published_version(item__name="个体工商户登记", name="个体工商户登记")
    implementation_for(version, hall=hall)
    citizen = _citizen("dolma-csp", "51330119850612452", full_name="卓玛")
    agent = staff("agent-csp", "agent")
    agent.set_password(PASSWORD)
    agent.save()
    authorization(agent=agent, citizen=citizen)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF_BYTES)

    sign_in(page, "agent-csp", path="/accounts/login/?next=/agent/")
    assert page.url.endswith("/agent/")
    visit(page, "/agent/new/")
    page.fill("[name=id_number]", make_id_number("51330119850612452"))
    page.fill("[name=full_name]", "卓玛")
    page.get_by_role("button", name="查找并继续").click()
    page.wait_for_url("**/agent/new/items/**")
    settle(page)
    shot(page, "csp-agent-items")
    page.get_by_role("link", name="代办", exact=True).first.click()
    page.wait_for_load_state()
    settle(page)
    page.fill("[name=contact_phone]", "13800000000")
    page.get_by_role("button", name=re.compile("下一步")).click()
    page.wait_for_url("**/materials/**")
    settle(page)
    upload_all(page, scan)
    page.get_by_role("link", name=re.compile("下一步：确认提交")).click()
    page.wait_for_load_state()
    settle(page)
    shot(page, "csp-agent-review")
    visit(page, "/agent/")
    visit(page, "/accounts/authorizations/")
    visit(page, "/accounts/authorizations/new/")


@desktop_only
def test_admin_and_api_documentation_pages(page):
    UserFactory(
        username="admin-csp",
        password=PASSWORD,
        is_staff=True,
        is_superuser=True,
    )
    version = published_version(item__name="食品经营许可", name="食品经营许可")

    # First sign-in of a staff user: set up the authenticator, then the
    # recovery codes page, then the admin.
    visit(page, "/admin/login/?next=/admin/")
    page.fill("#id_username", "admin-csp")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url("**/accounts/login/enrol/")
    settle(page)
    shot(page, "csp-enrol")
    device = TOTPDevice.objects.get(user__username="admin-csp", confirmed=False)
    page.fill("#id_code", totp_code(device))
    page.get_by_role("button", name="完成设置并登录").click()
    page.wait_for_load_state()
    settle(page)
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url("**/admin/")
    settle(page)
    shot(page, "csp-admin-index")

    for path in [
        "/admin/catalog/serviceitem/",
        "/admin/catalog/serviceitem/import/",
        f"/admin/catalog/serviceitem/{version.item.pk}/change/",
        "/admin/catalog/serviceitemversion/",
        f"/admin/catalog/serviceitemversion/{version.pk}/change/",
        "/admin/catalog/variance/report/",
        "/admin/portal/user/",
        "/admin/portal/user/add/",
    ]:
        visit(page, path)
    shot(page, "csp-admin-user-add")

    for path in ["/api/docs/", "/api/redoc/"]:
        visit(page, path)
        page.wait_for_timeout(1000)  # the libraries draw after the schema loads
        settle(page)
        shot(page, "csp-" + path.strip("/").replace("/", "-"))
    assert page.locator("redoc, .redoc-wrap, [class*=redoc]").count() >= 1
    visit(page, "/api/v1/catalog/items/")
    shot(page, "csp-api-browsable")
    visit(page, f"/api/v1/catalog/items/?format=json&q={version.item.basic_code}")
    json.loads(page.locator("body").inner_text())
