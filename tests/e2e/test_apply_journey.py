"""Guide → apply → upload → submit → track, as a registered citizen."""

import re

import pytest

from people.privacy import make_id_number
from people.services import applicants
from tests.factories import implementation_for, published_version

from .conftest import shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_online_application_journey(page, tmp_path):
    version = published_version(item__name="个体工商户登记", name="个体工商户登记")
    implementation_for(version)
    applicants.applicant_register(
        username="zhaxi",
        password="Gz-strong-pass-2026",
        full_name="扎西",
        id_number=make_id_number("51330119900307123"),
        phone="13800000000",
    )
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF_BYTES)

    page.goto(f"{page.base_url}/items/{version.item.basic_code}/")
    page.get_by_role("link", name=re.compile("申请办理")).first.click()
    page.wait_for_url("**/accounts/login/**")
    page.fill("#id_username", "zhaxi")
    page.fill("#id_password", "Gz-strong-pass-2026")
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url("**/apply/**")
    shot(page, "apply-form")

    page.fill("[name=contact_phone]", "13800000000")
    page.get_by_role("button", name=re.compile("下一步")).click()
    page.wait_for_url("**/materials/**")
    for _ in range(2):
        todo = page.locator("section.material.todo").first
        todo.locator("input[type=file]").set_input_files(str(scan))
        todo.get_by_role("button", name="上传").click()
        page.wait_for_load_state()
    assert page.get_by_text("必要材料已齐全").count() == 1
    shot(page, "apply-materials")

    page.get_by_role("link", name=re.compile("下一步：确认提交")).click()
    page.get_by_role("button", name="确认提交").click()
    page.wait_for_url("**/receipt/**")
    number = page.locator("dd.big-code").nth(0).inner_text().strip()
    query_code = page.locator("dd.big-code").nth(1).inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{31}\d{8}\d{4}", number)
    shot(page, "apply-receipt")

    page.goto(f"{page.base_url}/track/")
    page.fill("[name=number]", number)
    page.fill("[name=query_code]", query_code)
    page.get_by_role("button", name="查询").click()
    result = page.locator("section[aria-labelledby=track-result]")
    assert "已提交" in result.inner_text()
    # The public result carries no personal data (the header greets the user).
    assert "扎西" not in result.inner_text()
    assert "13800000000" not in page.content()
    shot(page, "track")
