"""Odd spreadsheets at the catalog import: far-away stray cells, markup in
cells, formulas. A few KB of xlsx must not cost minutes of CPU, and every
message shown back is escaped.
"""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import Workbook

from catalog.importexport import catalog_import_xlsx, sheets
from catalog.models import ServiceItem
from portal.errors import ServiceError
from portal.roles import Role
from tests.admin.conftest import _staff_user
from tests.admin.xlsx import ITEM_HEADERS, upload

pytestmark = pytest.mark.django_db


def _workbook(rows, *, stray: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "事项"
    ws.append(ITEM_HEADERS)
    for row in rows:
        ws.append(list(row))
    if stray:
        ws[stray] = "备注"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def editor():
    return _staff_user("catalog-editor", [Role.CATALOG_EDITOR])


def test_a_stray_cell_in_the_last_column_does_not_scan_every_empty_cell(
    editor, monkeypatch
):
    """A note typed in column XFD makes every row 16,384 cells wide; a sheet of
    a few KB with one in row 1,048,576 took about ten minutes to read."""
    calls = 0
    real = sheets.cell_text

    def counting(raw):
        nonlocal calls
        calls += 1
        return real(raw)

    monkeypatch.setattr(sheets, "cell_text", counting)
    content = _workbook([("QA0000000001", "甲事项", "行政许可", 5, 10)], stray="XFD400")
    assert len(content) < 10_000
    try:
        created = catalog_import_xlsx(file=upload(content), actor=editor).created
    except ServiceError as exc:
        created = [e.detail for e in exc.errors]
    # Header (one wide row) plus a handful of cells per row, not 400 x 16,384.
    assert calls < 20_000 + 400 * 20, calls
    # The note sits in a column without a header: ignored, like any such cell.
    assert created == ["QA0000000001"]


def test_markup_in_cells_comes_back_escaped_on_the_import_page(editor):
    payload = "\"'><qa-xss>"
    content = _workbook([(payload, payload, payload, payload, payload)])
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    r = client.post("/admin/catalog/serviceitem/import/", {"file": upload(content)})
    assert r.status_code == 400
    body = r.content.decode()
    assert "<qa-xss" not in body
    assert "&lt;qa-xss&gt;" in body
    assert not ServiceItem.objects.exists()


def test_a_formula_without_a_cached_value_is_an_empty_cell_not_a_crash(editor):
    content = _workbook([("QA0000000002", '=CONCAT("甲","乙")', "行政许可", 5, 10)])
    with pytest.raises(ServiceError) as exc:
        catalog_import_xlsx(file=upload(content), actor=editor)
    assert [e.detail for e in exc.value.errors] == [
        "【事项】第2行：事项名称（B列）不能为空"
    ]


@pytest.mark.parametrize(
    "schema",
    [
        "[" * 5000 + "]" * 5000,
        '{"type": "object", "title": "\\u0000"}',
        '{"type": "object", "maxProperties": NaN}',
        '{"type": "object", "maxProperties": 1e999}',
    ],
)
def test_admin_json_fields_refuse_what_jsonb_cannot_store(editor, schema):
    from tests.admin.forms import changeform_data
    from tests.factories import VersionFactory

    version = VersionFactory(item__basic_code="QA0000000009")
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    url = f"/admin/catalog/serviceitemversion/{version.pk}/change/"
    data = changeform_data(client.get(url))
    data["form_schema"] = schema
    r = client.post(url, data)
    assert r.status_code == 200
    assert r.context["adminform"].form.errors["form_schema"]
    version.refresh_from_db()
    assert version.form_schema != schema
