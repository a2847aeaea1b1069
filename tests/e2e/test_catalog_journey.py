"""Citizen finds an item and reads its guide, on a phone and a desktop."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from pypdf import PdfReader

from .conftest import shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO())


def _no_horizontal_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


def test_search_guide_and_pdf(page, demo):
    page.goto(page.base_url + "/")
    page.evaluate("document.fonts.ready")
    assert "甘孜州政务服务网" in page.title()
    assert _no_horizontal_scroll(page)
    shot(page, "home")

    page.fill("#home-q", "护照")
    page.press("#home-q", "Enter")
    page.wait_for_url("**/items/?q=*")
    first = page.locator("main a[href^='/items/0']").first
    assert "普通护照签发" in first.inner_text()
    assert _no_horizontal_scroll(page)
    shot(page, "search-huzhao")

    first.click()
    page.wait_for_url("**/items/*/")
    assert page.locator("h1").inner_text() == "普通护照签发"
    for heading in ["设定依据", "受理条件", "办理流程", "申请材料", "收费标准"]:
        assert page.get_by_role("heading", name=heading).count() >= 1, heading
    assert _no_horizontal_scroll(page)
    shot(page, "guide")

    pdf_href = page.get_by_role("link", name="下载PDF").get_attribute("href")
    response = page.request.get(page.base_url + pdf_href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages
    )
    assert "普通护照签发" in text


def test_pinyin_initials_and_bad_query(page, demo):
    page.goto(page.base_url + "/items/?q=hz")
    names = page.locator("main a[href^='/items/0']").all_inner_texts()[:5]
    assert any("普通护照签发" in n for n in names)
    page.goto(page.base_url + "/items/?q=x")
    assert page.get_by_text("搜索词至少2个字符").count() >= 1
