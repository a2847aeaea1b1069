"""The issuing department's certificate desk in Chromium: a head finds a
certificate and revokes it on a phone; photographed before and after
(tests/e2e/screenshots, or E2E_SCREENSHOTS when set)."""

from __future__ import annotations

import pytest

from evidence.models import Certificate
from portal.roles import Role
from tests.evidence.factories import department_with_key, license_for
from tests.factories import staff
from tests.security.otp import enrol

from .conftest import PHONE, SCREENSHOTS, BrowserProblems, watch
from .test_csp_pages import PASSWORD, settle, sign_in, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_head_revokes_a_certificate_on_a_phone(browser, live_server):
    dep = department_with_key()
    cert = license_for(issuer=dep, serial="E2E1")
    head = staff("cert-head-e2e", Role.DEPARTMENT_HEAD, department=dep)
    head.set_password(PASSWORD)
    head.save()
    device = enrol(head)

    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
    problems = BrowserProblems()
    watch(context, problems)
    page = context.new_page()
    page.base_url = live_server.url
    sign_in(page, "cert-head-e2e", device=device)
    visit(page, "/desk/certificates/")
    page.fill("#f-q", "e2e1")
    page.get_by_role("button", name="查找").click()
    settle(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / "certificate-desk-phone.png"), full_page=True
    )
    page.get_by_role("link", name=cert.certificate_type.name).click()
    settle(page)
    page.fill("#revoke-reason", "申请人以欺骗手段取得")
    page.get_by_role("button", name="确认注销").click()
    settle(page)
    assert "证照已注销" in page.content()
    page.screenshot(
        path=str(SCREENSHOTS / "certificate-revoked-phone.png"), full_page=True
    )
    page.evaluate("1")
    context.close()
    assert not problems.unexpected(), problems.unexpected()
    cert.refresh_from_db()
    assert cert.status == "revoked"
    assert Certificate.objects.filter(status="valid").count() == 0
