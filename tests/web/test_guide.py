"""The guide page, its print view and PDF: every element, escaped, Chinese PDF."""

import io
import re

import pytest
from pypdf import PdfReader

from catalog import constants as c
from catalog.models import Material
from tests.factories import VersionFactory, implementation_for
from tests.web.data import PASSPORT_CODE

pytestmark = pytest.mark.django_db

GUIDE_URL = f"/items/{PASSPORT_CODE}/"


def page_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_guide_shows_every_element(client, sample):
    page = page_of(client, GUIDE_URL)
    expected = [
        # name, codes, type
        "普通护照签发",
        PASSPORT_CODE,
        "行政许可",
        # legal basis, power source, level, nature, bodies
        "《中华人民共和国护照法》",
        "第五条",
        "非公务原因出国",
        "法定本级行使",
        "县级",
        "法定机关",
        "委托部门",
        "联办机构",
        # conditions, served party
        "具有中华人民共和国国籍",
        "自然人",
        # limits: value + unit + note; immediate/promised
        "15个工作日（偏远地区",
        "7个工作日（自受理之日起）",
        "承诺件",
        # special procedures
        "核查",
        "《护照法》第六条",
        # process
        "第1阶段：受理审查",
        "环节时限",
        # channels
        "窗口办理、网上办理",
        # materials: every column
        "居民身份证",
        "普通护照签发申请表",
        "原件",
        "纸质和电子",
        "2份",
        "调取电子证照库",
        "容缺后补",
        "已有电子证照的，无需再提交",
        "《中华人民共和国居民身份证法》第十四条",
        "查验原件",
        # fees
        "120元/本",
        "发改价格规〔2019〕914号",
        # results
        "中华人民共和国普通护照",
        # place, hours, appointment, courier, self-service
        "康定市政务服务中心",
        "工作日 9:00-17:30",
        "每日上午40个号源",
        "物流快递",
        "自助终端",
        # online depth and flags, visits + reason
        "Ⅲ级 网上办理（最多跑一次）",
        "在线咨询",
        "电子证照结果",
        "1次（领取证件需本人到场）",
        # consultation, complaint, review, litigation
        "0836-2812345",
        "12345政务服务便民热线",
        "康定市人民政府",
        "康定市人民法院",
        # FAQ in both stored shapes
        "护照丢失了怎么办？",
        "先到出入境管理机构报失",
        "可以异地办理吗？",
        "全国通办",
        # implementations by region
        "康定市 · 康定市公安局",
        "泸定县 · 泸定县公安局",
        "5 出入境综合窗口",
        "炉城街道",
        "0836-2811111",
        "11513322MB0000007W4000174003000",
        # the recorded variance beside the standard value, with its reason
        "1处本地差异",
        "10个工作日",
        "泸定县证件制作需送州局，路途较远",
        "2026-01-05",
        # intermediary service
        "建设工程规划核实测量",
        # print and PDF links
        f"/items/{PASSPORT_CODE}/print/",
        f"/items/{PASSPORT_CODE}/guide.pdf",
    ]
    missing = [e for e in expected if e not in page]
    assert not missing


def test_variance_row_sits_beside_standard_value(client, sample):
    page = page_of(client, GUIDE_URL)
    table = page.split("本地与标准不同之处")[1].split("</table>")[0]
    assert (
        table.index("承诺时限") < table.index("7个工作日") < table.index("10个工作日")
    )


def test_parallel_stage_shows_departments_and_site_inspection(client, sample):
    page = page_of(client, "/items/000199001000/")
    assert "4个部门并联办理" in page
    for dept in (
        "康定市公安局",
        "国家税务总局康定市税务局",
        "甘孜州住房公积金管理中心康定分中心",
    ):
        assert dept in page
    page = page_of(client, "/items/000105001000/")
    assert "需现场勘验" in page


def test_material_form_and_sample_links(client, sample, settings, tmp_path):
    from django.core.files.base import ContentFile

    version = VersionFactory(item__basic_code="000111000555", with_children=False)
    material = Material(version=version, order=1, name="申请书")
    material.blank_form.save("blank.docx", ContentFile(b"x"), save=False)
    material.sample.save("sample.pdf", ContentFile(b"x"), save=False)
    material.save()
    from catalog.models import ProcessStage, ProcessStep

    stage = ProcessStage.objects.create(version=version, order=1, name="审查")
    ProcessStep.objects.create(
        stage=stage, order=1, name="审核", department=sample["police"], limit_days=2
    )
    from catalog.services import version_publish

    version_publish(version=version, actor=sample["editor"])
    page = page_of(client, "/items/000111000555/")
    assert "/media/catalog/forms/blank" in page
    assert "/media/catalog/samples/sample" in page
    assert "空白表格" in page and "示例样表" in page


def test_html_in_text_fields_is_escaped(client, sample):
    evil = "<script>alert(1)</script>"
    version = VersionFactory(
        item__basic_code="000111000444",
        item__name=f"恶意{evil}事项",
        name=f"恶意{evil}事项",
        acceptance_conditions=[f"条件{evil}"],
        place='<img src=x onerror="alert(2)">',
        faq=[{"q": f"问{evil}", "a": "<b>答</b>"}],
        legal_bases=[{"law": f"法{evil}", "article": "第一条"}],
        with_children=False,
    )
    Material.objects.create(version=version, order=1, name=f"材料{evil}")
    from catalog.models import ProcessStage, ProcessStep
    from catalog.services import version_publish

    stage = ProcessStage.objects.create(version=version, order=1, name=f"阶段{evil}")
    ProcessStep.objects.create(
        stage=stage, order=1, name="审核", department=sample["police"], limit_days=2
    )
    version_publish(version=version, actor=sample["editor"])
    for url in ("/items/000111000444/", "/items/000111000444/print/"):
        page = page_of(client, url)
        assert "<script>alert(1)</script>" not in page
        assert '<img src=x onerror="alert(2)">' not in page
        assert "<b>答</b>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    listing = page_of(client, "/items/?q=000111000444")
    assert "<script>alert(1)</script>" not in listing
    # the PDF shows the text literally instead of failing on the markup
    response = client.get("/items/000111000444/guide.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "恶意<script>alert(1)</script>事项" in text


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(p.extract_text() for p in reader.pages)


def test_pdf_download_has_extractable_chinese(client, sample):
    response = client.get(f"/items/{PASSPORT_CODE}/guide.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    assert "普通护照签发" in (reader.metadata.title or "")
    text = pdf_text(response.content)
    for expected in (
        "普通护照签发",
        PASSPORT_CODE,
        "《中华人民共和国护照法》",
        "居民身份证",
        "120元/本",
        "III级 网上办理",  # Roman numeral folded to letters the fonts have
        "泸定县证件制作需送州局",
    ):
        assert expected in text, expected
    assert re.search(r"第\s*1\s*页", text)  # running footer


def test_pdf_font_is_embedded_cjk(client, sample):
    response = client.get(f"/items/{PASSPORT_CODE}/guide.pdf")
    reader = PdfReader(io.BytesIO(response.content))
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                embedded.add(str(font["/BaseFont"]))
    # a subset (AAAAAA+...) of the vendored Droid Sans Fallback travels in the file
    assert any(f.endswith("+DroidSansFallback") for f in embedded)


def test_print_view_has_all_sections_and_no_site_chrome(client, sample):
    page = page_of(client, f"/items/{PASSPORT_CODE}/print/")
    assert "办事指南（打印版）" in page
    assert 'aria-label="主导航"' not in page
    assert "泸定县证件制作需送州局" in page
    assert '<details class="impl" open>' in page


def test_guide_of_immediate_item_and_natural_days(client, sample):
    version = VersionFactory(
        item__basic_code="000111000333",
        name="即办事项",
        is_immediate=True,
        promised_limit_value=0,
        statutory_limit_unit=c.LimitUnit.NATURAL_DAYS,
        statutory_limit_value=30,
        fees=[],
        with_children__department=sample["police"],
    )
    from catalog.services import version_publish

    version_publish(version=version, actor=sample["editor"])
    implementation_for(version, department=sample["police"])
    page = page_of(client, "/items/000111000333/")
    assert "即办件" in page and "30个自然日" in page and "不收费" in page
