"""Export: the catalog (or chosen items) as a workbook that imports back
unchanged, and the variance report as a workbook.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .. import constants as c
from ..models import Material, ServiceItem, ServiceItemVersion
from .columns import (
    HELP_SHEET,
    ITEM_COLUMNS,
    ITEM_SHEET,
    MATERIAL_COLUMNS,
    MATERIAL_SHEET,
)
from .writing import HEADER_FILL, HEADER_FONT, append_row, write_header, write_help


def catalog_export_xlsx(*, items: Iterable[ServiceItem] | None = None) -> bytes:
    """The catalog (or ``items``) as a workbook that imports back unchanged."""
    if items is None:
        items = ServiceItem.objects.order_by("basic_code")
    item_list = list(items)
    working = _working_versions(item_list)
    wb = Workbook()
    ws = wb.active
    ws.title = ITEM_SHEET
    write_header(ws, ITEM_COLUMNS)
    material_rows: list[list[Any]] = []
    for item in item_list:
        version = working.get(item.pk)
        if version is None:
            continue
        values = []
        for col in ITEM_COLUMNS:
            if col.field == "basic_code":
                values.append(item.basic_code)
            else:
                values.append(col.codec.format(getattr(version, col.field)))
        append_row(ws, values)
        for material in version.materials.all():
            row = []
            for col in MATERIAL_COLUMNS:
                if col.field == "basic_code":
                    row.append(item.basic_code)
                elif col.field == "certificate_type":
                    ct = material.certificate_type
                    row.append(ct.code if ct else "")
                else:
                    row.append(col.codec.format(getattr(material, col.field)))
            material_rows.append(row)
    ws_m = wb.create_sheet(MATERIAL_SHEET)
    write_header(ws_m, MATERIAL_COLUMNS)
    for row in material_rows:
        append_row(ws_m, row)
    write_help(wb.create_sheet(HELP_SHEET))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _working_versions(items: list[ServiceItem]) -> dict[int, ServiceItemVersion]:
    """Per item: its draft, else the version in force, else the newest (2 queries)."""
    current = {item.pk: item.current_version_id for item in items}
    chosen: dict[int, tuple[int, int]] = {}
    rows = ServiceItemVersion.objects.filter(item_id__in=list(current)).values_list(
        "pk", "item_id", "status", "version"
    )
    for pk, item_id, status, number in rows:
        rank = (
            2 if status == c.VersionStatus.DRAFT else 1 if pk == current[item_id] else 0
        )
        key = (rank, number)
        if item_id not in chosen or key > chosen[item_id][1:]:
            chosen[item_id] = (pk, *key)
    versions = ServiceItemVersion.objects.filter(
        pk__in=[v[0] for v in chosen.values()]
    ).prefetch_related(
        Prefetch(
            "materials",
            queryset=Material.objects.select_related("certificate_type").order_by(
                "order", "id"
            ),
        )
    )
    return {v.item_id: v for v in versions}


VARIANCE_REPORT_COLUMNS = [
    ("基本编码", "basic_code", 16),
    ("事项名称", "item", 28),
    ("实施区划", "region", 12),
    ("实施主体", "department", 28),
    ("实施编码", "implementation_code", 36),
    ("差异要素", "field", 14),
    ("标准值", "standard", 30),
    ("本地值", "local", 30),
    ("差异原因", "reason", 36),
    ("批准人", "approved_by", 12),
    ("批准日期", "approved_on", 12),
]


def variance_report_xlsx(*, rows: Iterable[dict[str, Any]]) -> bytes:
    """The variance report workbook.

    ``rows`` as built by ``catalog.admin.variance_report.variance_row``.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "差异报告"
    ws.append([header for header, _key, _width in VARIANCE_REPORT_COLUMNS])
    for index, (_header, _key, width) in enumerate(VARIANCE_REPORT_COLUMNS, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(index)].width = width
    for row in rows:
        values = []
        for _header, key, _width in VARIANCE_REPORT_COLUMNS:
            value = row.get(key)
            values.append(value.isoformat() if isinstance(value, dt.date) else value)
        append_row(ws, values)
    ws.freeze_panes = "C2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
