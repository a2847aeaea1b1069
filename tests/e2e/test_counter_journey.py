"""One-window intake: a clerk registers a walk-in, applies for them, accepts,
and prints the acceptance receipt."""

import io
import re

import pytest
from pypdf import PdfReader

from people.privacy import make_id_number
from tests.factories import (
    ServiceHallFactory,
    implementation_for,
    published_version,
    staff,
)
from tests.security.otp import enrol, totp_code

from .conftest import SCREENSHOTS, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_counter_intake_to_printed_receipt(page, tmp_path):
    hall = ServiceHallFactory(name="康定市政务服务中心")
    version = published_version(item__name="食品经营许可", name="食品经营许可")
    implementation_for(version, hall=hall)
    clerk = staff("clerk-e2e", "clerk", hall=hall)
    clerk.set_password("Gz-clerk-pass-2026")
    clerk.save()
    device = enrol(clerk)  # staff sign in with two factors
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF_BYTES)

    page.goto(f"{page.base_url}/accounts/login/?next=/counter/")
    page.fill("#id_username", "clerk-e2e")
    page.fill("#id_password", "Gz-clerk-pass-2026")
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url("**/accounts/login/verify/")
    page.fill("#id_code", totp_code(device))
    page.get_by_role("button", name="验证并登录").click()
    page.wait_for_url("**/counter/")
    shot(page, "counter-queue")

    page.goto(f"{page.base_url}/counter/intake/")
    register = page.locator("section[aria-labelledby=h-register]")
    register.locator("summary").click()
    register.locator("[name$=full_name]").fill("扎西卓玛")
    register.locator("[name$=id_number]").fill(make_id_number("51330119850612452"))
    register.locator("[name$=phone]").fill("13900001234")
    register.get_by_role("button", name="登记并继续").click()

    page.get_by_role("link", name="办理").first.click()
    page.fill("[name=contact_phone]", "13900001234")
    page.get_by_role("button", name=re.compile("下一步")).click()
    for _ in range(2):
        todo = page.locator("section.material.todo").first
        todo.locator("input[type=file]").set_input_files(str(scan))
        todo.get_by_role("button", name=re.compile("上传")).click()
        page.wait_for_load_state()
    shot(page, "counter-materials")
    page.get_by_role("link", name=re.compile("下一步：确认提交")).click()
    page.get_by_role("button", name="代申请人提交").click()

    page.wait_for_url("**/counter/applications/*/")
    page.get_by_role("button", name="受理", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_text("已受理").count() >= 1
    shot(page, "counter-accepted")

    href = page.get_by_role("link", name=re.compile("受理通知书")).first.get_attribute(
        "href"
    )
    response = page.request.get(page.base_url + href)
    assert response.status == 200
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / f"receipt-{page.size_name}.pdf").write_bytes(response.body())
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages
    )
    number = page.locator("dd.big-code").first.inner_text().strip()
    assert number and number in text.replace(" ", "").replace("\n", "")
    assert "食品经营许可" in text
    assert "受理通知书" in text
