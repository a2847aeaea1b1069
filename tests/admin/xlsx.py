"""Build and edit workbooks for the import tests."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

ITEM_HEADERS = ["基本编码", "事项名称", "事项类型", "承诺时限", "法定时限"]
MATERIAL_HEADERS = ["基本编码", "材料名称", "来源", "电子证照类型代码"]


def workbook_bytes(items, materials=None, *, item_headers=None, material_headers=None):
    wb = Workbook()
    ws = wb.active
    ws.title = "事项"
    ws.append(item_headers or ITEM_HEADERS)
    for row in items:
        ws.append(list(row))
    if materials is not None:
        wm = wb.create_sheet("材料")
        wm.append(material_headers or MATERIAL_HEADERS)
        for row in materials:
            wm.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "catalog.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def replace_codes(content: bytes, mapping: dict[str, str]) -> bytes:
    """Rewrite column A (基本编码) of 事项 and 材料 through ``mapping``."""
    wb = load_workbook(io.BytesIO(content))
    for title in ("事项", "材料"):
        for (cell,) in wb[title].iter_rows(min_row=2, max_col=1):
            if cell.value in mapping:
                cell.value = mapping[cell.value]
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def edit_cell(content: bytes, sheet: str, header: str, row: int, value) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    ws = wb[sheet]
    headers = [c.value for c in ws[1]]
    ws.cell(row=row, column=headers.index(header) + 1, value=value)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def read_sheet(content: bytes, sheet: str) -> list[dict]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(wb[sheet].iter_rows(values_only=True))
    headers = rows[0]
    return [dict(zip(headers, r, strict=False)) for r in rows[1:]]
