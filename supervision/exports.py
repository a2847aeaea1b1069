"""Tables as xlsx workbooks: what a page shows, as a sheet a supervisor can file.

One sheet: a title line, the lines saying what the table covers (period,
region, department, as of), a blank line, the header row, the rows. Numbers
stay numbers (a rate as a fraction formatted as a percentage, so a sum or a
chart in the spreadsheet works); text is never taken for a formula.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_SHEET_TITLE_MAX = 31  # Excel's limit
_FORBIDDEN_IN_TITLE = str.maketrans({c: "_" for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Percent:
    """A rate or share in [0, 1], written as a number formatted "0.0%"."""

    value: float


def _clean(value: Any) -> Any:
    if isinstance(value, Percent):
        return value.value
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def table_xlsx(
    *,
    title: str,
    about: list[str],
    headers: list[str],
    rows: list[list[Any]],
) -> bytes:
    """The workbook's bytes. ``rows`` hold str, int, float, None or Percent."""
    wb = Workbook()
    ws = wb.active
    ws.title = str(title).translate(_FORBIDDEN_IN_TITLE)[:_SHEET_TITLE_MAX] or "Sheet"
    ws.append([_clean(str(title))])
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    for line in about:
        ws.append([_clean(str(line))])
    ws.append([])
    header_row = ws.max_row + 1
    ws.append([_clean(str(h)) for h in headers])
    for index, _header in enumerate(headers, start=1):
        cell = ws.cell(row=header_row, column=index)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        ws.column_dimensions[get_column_letter(index)].width = 12 if index > 1 else 28
    for values in rows:
        ws.append([_clean(v) for v in values])
        row = ws.max_row
        for index, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=index)
            if isinstance(value, Percent):
                cell.number_format = "0.0%"
            elif isinstance(value, str) and value.startswith("="):
                # Text, never a formula: openpyxl would write it as one.
                cell.data_type = "s"
                cell.quotePrefix = True
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
