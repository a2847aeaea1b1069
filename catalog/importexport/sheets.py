"""Reading one sheet: the header row (any order, required headers present,
no unknown or duplicate columns) and every non-empty row parsed by its
column codecs, each bad cell reported as ``【sheet】第N行：column（letter列）reason``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from portal.errors import ErrorItem, ServiceError

from .cells import CellError, cell_text, quote
from .columns import ITEM_COLUMNS, ITEM_SHEET, MATERIAL_COLUMNS, Column


@dataclass
class Row:
    sheet: str
    number: int
    values: dict[str, Any]
    positions: dict[str, int]

    def error(self, field_name: str, message: str, code: str) -> ErrorItem:
        columns = ITEM_COLUMNS if self.sheet == ITEM_SHEET else MATERIAL_COLUMNS
        header = next(col.header for col in columns if col.field == field_name)
        return cell_error(
            code, self.sheet, self.number, self.positions[field_name], header, message
        )


def cell_error(
    code: str, sheet: str, row: int, position: int, header: str, message: str
) -> ErrorItem:
    letter = get_column_letter(position + 1)
    return ErrorItem(
        code,
        _("【%(sheet)s】第%(row)s行：%(header)s（%(letter)s列）%(message)s")
        % {
            "sheet": sheet,
            "row": row,
            "header": header,
            "letter": letter,
            "message": message,
        },
        f"{sheet}!{letter}{row}",
    )


def row_error(code: str, sheet: str, row: int, message: str) -> ErrorItem:
    return ErrorItem(
        code,
        _("【%(sheet)s】第%(row)s行：%(message)s")
        % {"sheet": sheet, "row": row, "message": message},
        f"{sheet}!{row}",
    )


def read_sheet(
    ws, sheet: str, columns: list[Column], errors: list[ErrorItem]
) -> list[Row]:
    if not hasattr(ws, "iter_rows"):  # a chart sheet, not a worksheet
        errors.append(row_error("import_sheet_invalid", sheet, 1, _("不是数据工作表")))
        return []
    corrupt = ServiceError(
        "import_corrupt",
        _(
            "无法读取“%(sheet)s”工作表：文件可能已损坏，请在Excel中打开并重新保存为 .xlsx"
        )
        % {"sheet": sheet},
        field="file",
    )
    try:
        # read_only parses the sheet lazily: a broken sheet fails here.
        header = next(ws.iter_rows(max_row=1, values_only=True), None)
    except Exception as exc:  # any parse failure means a broken file
        raise corrupt from exc
    if header is None:
        errors.append(row_error("import_sheet_empty", sheet, 1, _("缺少表头")))
        return []
    by_header = {col.header: col for col in columns}
    positions: dict[str, int] = {}
    ok = True
    for position, raw in enumerate(header):
        title = cell_text(raw)
        if not title:
            continue
        col = by_header.get(title)
        letter = get_column_letter(position + 1)
        if col is None:
            errors.append(
                row_error(
                    "import_header_unknown",
                    sheet,
                    1,
                    _(
                        "无法识别的列“%(title)s”（%(letter)s列），请删除该列或改为规定的列名"
                    )
                    % {"title": quote(title), "letter": letter},
                )
            )
            ok = False
        elif col.field in positions:
            first = get_column_letter(positions[col.field] + 1)
            errors.append(
                row_error(
                    "import_header_duplicate",
                    sheet,
                    1,
                    _("列“%(title)s”重复（%(first)s列与%(letter)s列）")
                    % {"title": title, "first": first, "letter": letter},
                )
            )
            ok = False
        else:
            positions[col.field] = position
    for col in columns:
        if col.required and col.field not in positions:
            errors.append(
                row_error(
                    "import_header_missing",
                    sheet,
                    1,
                    _("缺少必填列“%(header)s”") % {"header": col.header},
                )
            )
            ok = False
    if not ok:
        return []
    # Only the columns we read: one stray cell in column XFD would otherwise
    # make every row 16,384 cells wide (minutes of CPU for a few KB of xlsx).
    width = max(positions.values(), default=0) + 1
    try:
        rows = list(ws.iter_rows(min_row=2, max_col=width, values_only=True))
    except Exception as exc:  # any parse failure means a broken file
        raise corrupt from exc
    result = []
    for number, cells in enumerate(rows, start=2):
        cells = cells or ()
        if all(cell_text(v) == "" for v in cells):
            continue
        values: dict[str, Any] = {}
        for col in columns:
            position = positions.get(col.field)
            if position is None:
                continue
            raw = cells[position] if position < len(cells) else None
            try:
                values[col.field] = col.codec.parse(raw)
            except CellError as exc:
                errors.append(
                    cell_error(
                        "import_cell_invalid",
                        sheet,
                        number,
                        position,
                        col.header,
                        exc.message,
                    )
                )
        result.append(Row(sheet, number, values, positions))
    return result
