"""Writing sheets: styled headers with drop-down lists for choice columns, rows
whose text is never taken for a formula, and the help sheet.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .cells import BoolCodec, ChoiceCodec, MultiChoiceCodec
from .columns import ITEM_COLUMNS, ITEM_SHEET, MATERIAL_COLUMNS, MATERIAL_SHEET, Column

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_MAX_VALIDATED_ROW = 5000


def write_header(ws, columns: list[Column]) -> None:
    ws.append([col.header for col in columns])
    for index, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = HEADER_FONT
        cell.fill = _REQUIRED_FILL if col.required else HEADER_FILL
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = col.width
        if isinstance(col.codec, ChoiceCodec) and not isinstance(
            col.codec, MultiChoiceCodec
        ):
            options = ",".join(str(label) for _, label in col.codec.choices.choices)
        elif isinstance(col.codec, BoolCodec):
            options = "是,否"
        else:
            continue
        validation = DataValidation(
            type="list", formula1=f'"{options}"', allow_blank=True
        )
        validation.error = "请从下拉列表中选择"
        ws.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{_MAX_VALIDATED_ROW}")
    ws.freeze_panes = "C2"


def append_row(ws, values: list[Any]) -> None:
    clean = [
        ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values
    ]
    ws.append(clean)
    row = ws.max_row
    for index, value in enumerate(clean, start=1):
        if isinstance(value, str) and (value.startswith("=") or "\n" in value):
            cell = ws.cell(row=row, column=index)
            if value.startswith("="):
                # Text, never a formula: openpyxl would write it as one.
                cell.data_type = "s"
                cell.quotePrefix = True
            if "\n" in value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_help(ws) -> None:
    ws.append(["工作表", "列名", "必填", "填写说明", "示例"])
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for sheet, columns in (
        (ITEM_SHEET, ITEM_COLUMNS),
        (MATERIAL_SHEET, MATERIAL_COLUMNS),
    ):
        for col in columns:
            ws.append(
                [
                    sheet,
                    col.header,
                    "是" if col.required else "",
                    col.codec.help,
                    col.example,
                ]
            )
    ws.append([])
    ws.append(
        [
            "说明",
            "",
            "",
            "导入时整份文件要么全部导入，要么（有任何错误时）全部不导入；"
            "“材料”表存在时，每个事项的材料以表中所列为准。",
        ]
    )
    for letter, width in zip("ABCDE", (10, 18, 6, 90, 30), strict=True):
        ws.column_dimensions[letter].width = width
