"""supervision.exports: a table as an xlsx workbook that openpyxl reads back."""

import io

from openpyxl import load_workbook

from supervision.exports import Percent, table_xlsx


def test_a_table_reads_back_with_its_numbers_and_formats():
    body = table_xlsx(
        title="监督看板 · 按部门",
        about=["统计期间：2026-11-01 至 2026-11-30"],
        headers=["部门", "受理", "按时办结率", "备注"],
        rows=[
            ["州市场监管局", 12, Percent(0.75), "=1+1"],
            ["合计", 12, None, "尚未计量"],
        ],
    )
    ws = load_workbook(io.BytesIO(body)).active
    assert ws.title == "监督看板 · 按部门"
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "监督看板 · 按部门"
    assert rows[1][0] == "统计期间：2026-11-01 至 2026-11-30"
    assert rows[3] == ("部门", "受理", "按时办结率", "备注")
    assert rows[4] == ("州市场监管局", 12, 0.75, "=1+1")
    assert rows[5][:2] == ("合计", 12)
    assert ws.cell(row=5, column=3).number_format == "0.0%"
    # Text that looks like a formula stays text.
    assert ws.cell(row=5, column=4).data_type == "s"


def test_a_sheet_title_drops_what_excel_forbids():
    body = table_xlsx(title="a/b:c" + "长" * 40, about=[], headers=["x"], rows=[])
    ws = load_workbook(io.BytesIO(body)).active
    assert ws.title.startswith("a_b_c") and len(ws.title) == 31
