import io
import zipfile

import pytest

from catalog import constants as c
from catalog import services
from catalog.importexport import (
    ITEM_COLUMNS,
    catalog_export_xlsx,
    catalog_import_xlsx,
)
from catalog.models import Material, ServiceItem, ServiceItemVersion
from portal.errors import ServiceError
from portal.models import AuditEntry
from tests.factories import VersionFactory, published_version

from .xlsx import (
    ITEM_HEADERS,
    edit_cell,
    read_sheet,
    replace_codes,
    upload,
    workbook_bytes,
)

pytestmark = pytest.mark.django_db

MATERIAL_FIELDS = (
    "name",
    "form",
    "medium",
    "paper_copies",
    "source",
    "source_note",
    "necessity",
    "certificate_type_id",
    "legal_basis",
    "notes",
)


def rich_version(editor, cert_type):
    """A published version using every list-shaped guide element."""
    version = VersionFactory(
        item__name="普通护照签发",
        name="普通护照签发",
        legal_bases=[
            {"law": "《中华人民共和国护照法》", "article": "第六条"},
            {"law": "《普通护照和出入境通行证签发管理办法》", "text": "全文"},
        ],
        acceptance_conditions=["申请人为中国公民", "申请人未被限制出境"],
        served_parties=[c.ServedParty.NATURAL, c.ServedParty.LEGAL],
        statutory_limit_value=15,
        statutory_limit_unit=c.LimitUnit.NATURAL_DAYS,
        statutory_limit_note="自受理之日起",
        special_procedures=[{"name": "专家评审", "limit": "10个工作日"}],
        fees=[
            {
                "item": "护照工本费",
                "standard": "120元/本",
                "basis": "发改价格〔2017〕1186号",
                "online_payment": True,
            }
        ],
        results=[{"type": "证照", "name": "普通护照", "sample": "见附件"}],
        result_by_post=True,
        appointment=True,
        appointment_quota="每日50个号",
        courier=True,
        faq=[{"q": "可以代办吗？", "a": "不可以，须本人申请。"}],
        keywords="出国 护照",
        depth_flags=[1, 2, 6],
        visits_reason="=采集指纹需本人到场",  # looks like a formula: must stay text
    )
    Material.objects.create(
        version=version,
        order=3,
        name="户口簿",
        form=c.MaterialForm.BOTH,
        medium=c.MaterialMedium.PAPER,
        paper_copies=2,
        source=c.MaterialSource.ECERT,
        source_note="公安机关核发",
        necessity=c.MaterialNecessity.TOLERATED,
        certificate_type=cert_type,
        legal_basis="《户口登记条例》",
        notes="首页及本人页",
    )
    return services.version_publish(version=version, actor=editor)


def version_values(version):
    return {
        col.field: getattr(version, col.field)
        for col in ITEM_COLUMNS
        if col.field != "basic_code"
    }


def material_values(version):
    return [
        tuple(getattr(m, f) for f in MATERIAL_FIELDS) for m in version.materials.all()
    ]


def test_export_imports_back_as_new_items_with_equal_content(editor, cert_type):
    original = rich_version(editor, cert_type)
    content = catalog_export_xlsx()
    items = read_sheet(content, "事项")
    assert items[0]["基本编码"] == original.item.basic_code
    assert items[0]["收费"] == "护照工本费|120元/本|发改价格〔2017〕1186号||是"
    assert items[0]["到现场原因"] == "=采集指纹需本人到场"

    copied = replace_codes(content, {original.item.basic_code: "COPY00000001"})
    result = catalog_import_xlsx(file=upload(copied), actor=editor)

    assert result.created == ["COPY00000001"]
    copy = ServiceItem.objects.get(basic_code="COPY00000001").versions.get()
    assert copy.is_draft and copy.version == 1
    assert version_values(copy) == version_values(original)
    assert material_values(copy) == material_values(original)
    # The copy passes the same guide rules except the process, which the sheet
    # does not carry.
    assert {p.code for p in services.version_check(version=copy)} == {"process_missing"}


def test_reimporting_an_export_changes_nothing(editor, cert_type):
    rich_version(editor, cert_type)
    # Stored in another order than an import writes: still "no change".
    published_version(depth_flags=[6, 1, 2])
    before = ServiceItemVersion.objects.count()
    result = catalog_import_xlsx(file=upload(catalog_export_xlsx()), actor=editor)
    assert len(result.unchanged) == 2
    assert result.created == result.updated == result.drafted == []
    assert ServiceItemVersion.objects.count() == before
    entry = AuditEntry.objects.get(action="catalog.import")
    assert entry.actor == editor and entry.changes["unchanged"] == 2


def test_import_updates_a_draft_and_drafts_a_published_item(editor):
    draft = VersionFactory()
    published = published_version()
    content = catalog_export_xlsx(items=[draft.item, published.item])
    content = edit_cell(content, "事项", "承诺时限", 2, 7)
    content = edit_cell(content, "事项", "承诺时限", 3, 8)
    content = edit_cell(content, "材料", "份数", 2, 3)

    result = catalog_import_xlsx(file=upload(content), actor=editor)

    assert result.updated == [draft.item.basic_code]
    assert result.drafted == [published.item.basic_code]
    draft.refresh_from_db()
    assert draft.promised_limit_value == 7
    assert draft.materials.get(name="居民身份证").paper_copies == 3
    published.refresh_from_db()
    assert published.status == c.VersionStatus.PUBLISHED
    assert published.promised_limit_value == 10
    v2 = published.item.versions.get(version=2)
    assert v2.is_draft and v2.promised_limit_value == 8
    # The new draft keeps the process copied from v1.
    assert v2.stages.get().steps.count() == 1
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "catalog.version_update",
        "catalog.version_new_draft",
        "catalog.version_children_update",
        "catalog.import",
    } <= actions


def test_material_rows_replace_materials_matched_by_name(editor):
    draft = VersionFactory()
    kept = draft.materials.get(name="居民身份证")
    kept.sample.save("sample.pdf", io.BytesIO(b"%PDF-1.4"), save=True)
    code = draft.item.basic_code
    content = workbook_bytes(
        [(code, draft.name, "行政许可", 10, 20)],
        [(code, "营业执照", "申请人自备", None), (code, "居民身份证", None, None)],
    )
    catalog_import_xlsx(file=upload(content), actor=editor)
    materials = list(draft.materials.all())
    assert [m.name for m in materials] == ["营业执照", "居民身份证"]
    assert materials[1].pk == kept.pk and materials[1].sample.name
    assert not draft.materials.filter(name="申请表").exists()


def test_partial_columns_change_only_those_elements(editor):
    draft = VersionFactory(place="康定市政务服务中心")
    content = workbook_bytes(
        [(draft.item.basic_code, draft.name, "01", 3, 20)]  # "01": code accepted
    )
    catalog_import_xlsx(file=upload(content), actor=editor)
    draft.refresh_from_db()
    assert draft.promised_limit_value == 3
    assert draft.place == "康定市政务服务中心"
    assert draft.materials.count() == 2  # no 材料 sheet: materials untouched


def test_one_bad_row_imports_nothing_and_names_the_row(editor):
    content = workbook_bytes(
        [
            ("NEW000000001", "新事项一", "行政许可", 10, 20),
            ("NEW000000002", "新事项二", "许可", 10, 20),
            ("NEW000000003", "新事项三", "公共服务", 10, 20),
        ]
    )
    with pytest.raises(ServiceError) as exc:
        catalog_import_xlsx(file=upload(content), actor=editor)
    assert exc.value.code == "import_invalid"
    assert len(exc.value.errors) == 1
    detail = exc.value.errors[0].detail
    assert detail.startswith("【事项】第3行：事项类型（C列）")
    assert "许可" in detail and "行政许可" in detail
    assert exc.value.errors[0].field == "事项!C3"
    assert not ServiceItem.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("items", "materials", "code", "fragment"),
    [
        (
            [("0001730060", "甲", "行政许可", 1, 2)],
            None,
            "import_cell_invalid",
            "【事项】第2行：基本编码（A列）“0001730060”无效：基本编码应为12位",
        ),
        (
            [("abc000000001", "甲", "行政许可", 1, 2)],
            None,
            "import_cell_invalid",
            "基本编码只能由数字和大写字母组成",
        ),
        (
            [("NEW000000001", "甲", "行政许可", 1, 2)] * 2,
            None,
            "import_code_duplicate",
            "【事项】第3行：基本编码（A列）“NEW000000001”与第2行重复",
        ),
        (
            [("NEW000000001", "甲", "行政许可", "十天", 2)],
            None,
            "import_cell_invalid",
            "【事项】第2行：承诺时限（D列）应为非负整数，实际为“十天”",
        ),
        (
            [("NEW000000001", "甲", "行政许可", -1, 2)],
            None,
            "import_cell_invalid",
            "承诺时限（D列）应为非负整数",
        ),
        (
            [("NEW000000001", "", "行政许可", 1, 2)],
            None,
            "import_cell_invalid",
            "【事项】第2行：事项名称（B列）不能为空",
        ),
        (
            [("NEW000000001", "甲", "行政许可", 1, 2)],
            [("NEW000000009", "身份证", None, None)],
            "import_material_item_unknown",
            "【材料】第2行：基本编码（A列）“NEW000000009”不在“事项”表中",
        ),
        (
            [("NEW000000001", "甲", "行政许可", 1, 2)],
            [("NEW000000001", "身份证", "调取电子证照库", "11100000000013338X999")],
            "import_certificate_type_unknown",
            "【材料】第2行：电子证照类型代码（D列）“11100000000013338X999”不存在",
        ),
        (
            [("NEW000000001", "甲", "行政许可", 1, 2)],
            [("NEW000000001", "身份证", "捡来的", None)],
            "import_cell_invalid",
            "【材料】第2行：来源（C列）无法识别“捡来的”",
        ),
        (
            [("NEW000000001", "甲", "行政许可", 1, 2)],
            [("NEW000000001", "身份证", None, None)] * 2,
            "import_material_duplicate",
            "【材料】第3行：材料名称（B列）“身份证”在该事项下重复（与第2行）",
        ),
    ],
)
def test_bad_rows_are_refused(editor, items, materials, code, fragment):
    content = workbook_bytes(items, materials)
    with pytest.raises(ServiceError) as exc:
        catalog_import_xlsx(file=upload(content), actor=editor)
    assert exc.value.code == "import_invalid"
    assert code in {e.code for e in exc.value.errors}
    assert any(fragment in e.detail for e in exc.value.errors), exc.value.errors
    assert not ServiceItem.objects.exists()


def test_every_bad_row_is_listed(editor):
    content = workbook_bytes(
        [
            ("NEW000000001", "甲", "未知类型", 1, 2),
            ("NEW000000002", "乙", "行政许可", 1, 2),
            ("bad", "丙", "行政许可", "x", 2),
        ]
    )
    with pytest.raises(ServiceError) as exc:
        catalog_import_xlsx(file=upload(content), actor=editor)
    details = [e.detail for e in exc.value.errors]
    assert [d.split("：")[0] for d in details] == [
        "【事项】第2行",
        "【事项】第4行",
        "【事项】第4行",
    ]


def test_missing_and_unknown_headers_are_refused(editor):
    content = workbook_bytes(
        [("NEW000000001", "甲", 1)], item_headers=["基本编码", "事项名称", "时限"]
    )
    with pytest.raises(ServiceError) as exc:
        catalog_import_xlsx(file=upload(content), actor=editor)
    details = {e.detail for e in exc.value.errors}
    assert "【事项】第1行：缺少必填列“事项类型”" in details
    assert any("无法识别的列“时限”（C列）" in d for d in details)


def test_a_sheet_without_rows_is_refused(editor):
    with pytest.raises(ServiceError) as exc:
        catalog_import_xlsx(file=upload(workbook_bytes([])), actor=editor)
    assert [e.code for e in exc.value.errors] == ["import_no_rows"]
    assert "没有数据行" in exc.value.errors[0].detail


def test_a_broken_sheet_is_refused(editor):
    content = workbook_bytes([("NEW000000001", "甲", "行政许可", 1, 2)])
    source = zipfile.ZipFile(io.BytesIO(content))
    files = {name: source.read(name) for name in source.namelist()}
    files["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row><c"
    with pytest.raises(ServiceError) as exc:
        catalog_import_xlsx(file=upload(_zip(files)), actor=editor)
    assert exc.value.code == "import_corrupt"
    assert not ServiceItem.objects.exists()


def test_a_workbook_without_the_item_sheet_is_refused(editor):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Sheet1"
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(ServiceError) as exc:
        catalog_import_xlsx(file=upload(buffer.getvalue()), actor=editor)
    assert exc.value.code == "import_sheet_missing"
    assert "缺少“事项”工作表" in exc.value.detail


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        ("基本编码,事项名称\n".encode(), "catalog.xlsx", "import_not_xlsx"),
        (_zip({"readme.txt": b"hello"}), "catalog.xlsx", "import_not_xlsx"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
            "catalog.xlsx",
            "import_legacy_xls",
        ),
        (b"", "catalog.xlsx", "import_empty_file"),
        (
            _zip({"[Content_Types].xml": b"<x", "xl/workbook.xml": b"garbage"}),
            "catalog.xlsx",
            "import_corrupt",
        ),
        (workbook_bytes([("NEW000000001", "甲", "行政许可", 1, 2)]), "a.csv", None),
    ],
)
def test_files_that_are_not_xlsx_are_refused(editor, content, name, code):
    with pytest.raises(ServiceError) as exc:
        catalog_import_xlsx(file=upload(content, name), actor=editor)
    assert exc.value.code == (code or "import_not_xlsx")
    assert exc.value.detail
    assert not ServiceItem.objects.exists()


def test_oversized_file_is_refused(editor, settings):
    content = workbook_bytes([("NEW000000001", "甲", "行政许可", 1, 2)])
    settings.CATALOG_IMPORT_MAX_BYTES = len(content) - 1
    with pytest.raises(ServiceError) as exc:
        catalog_import_xlsx(file=upload(content), actor=editor)
    assert exc.value.code == "import_too_large"
    assert "文件过大" in exc.value.detail
    settings.CATALOG_IMPORT_MAX_BYTES = len(content)
    catalog_import_xlsx(file=upload(content), actor=editor)
    assert ServiceItem.objects.filter(basic_code="NEW000000001").exists()


def test_new_items_are_created_through_the_service_and_audited(editor, cert_type):
    content = workbook_bytes(
        [("NEW000000001", "新生儿出生登记", "行政确认", 5, 20)],
        [("NEW000000001", "出生医学证明", "调取电子证照库", cert_type.code)],
    )
    result = catalog_import_xlsx(file=upload(content), actor=editor)
    assert result.created == ["NEW000000001"]
    version = ServiceItem.objects.get(basic_code="NEW000000001").versions.get()
    assert version.item_type == c.ItemType.CONFIRMATION
    assert version.promised_limit_value == 5
    material = version.materials.get()
    assert material.certificate_type == cert_type
    assert material.source == c.MaterialSource.ECERT
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions == [
        "catalog.item_create",
        "catalog.version_children_update",
        "catalog.import",
    ]


def test_header_only_template_lists_the_columns():
    content = catalog_export_xlsx(items=[])
    assert read_sheet(content, "事项") == []
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True)
    headers = next(wb["事项"].iter_rows(values_only=True))
    assert list(headers[:3]) == ITEM_HEADERS[:3]
    assert "填写说明" in wb.sheetnames
