"""Spreadsheet (xlsx) import and export of catalog items and their materials.

The workbook
============

Sheet ``事项`` holds one row per item; sheet ``材料`` one row per material;
any other sheet (the export adds ``填写说明``) is ignored on import. Row 1 of
each sheet holds the headers, in any order. ``ITEM_COLUMNS`` and
``MATERIAL_COLUMNS`` below are the full header sets; the required headers are:

* 事项: 基本编码, 事项名称, 事项类型
* 材料: 基本编码, 材料名称

事项 columns, in export order: 基本编码, 事项名称, 事项类型, 设定依据, 权力来源,
行使层级, 实施主体性质, 委托部门, 联办机构, 受理条件, 服务对象, 法定时限,
法定时限单位, 法定时限说明, 承诺时限, 承诺时限单位, 承诺时限说明, 即办件, 特别程序,
办理渠道, 网办深度, 网办能力, 到现场次数, 到现场原因, 收费, 审批结果, 结果快递送达,
办理地点, 办理时间, 预约办理, 预约说明, 物流快递, 自助终端, 咨询方式, 投诉方式,
行政复议机关, 行政诉讼机关, 常见问题, 关键词.

材料 columns: 基本编码, 材料名称, 材料形式, 载体, 份数, 来源, 来源说明, 必要性,
电子证照类型代码, 依据, 填报须知.

Cell formats (the same codecs drive the admin's version form):

* choices (事项类型, 时限单位, 网办深度, 材料形式, 载体, 来源, 必要性...): the
  Chinese label (``行政许可``) or the stored code (``01``);
* several choices (服务对象, 办理渠道, 网办能力): separated by ``、`` ``,`` ``;``
  or new lines; 网办能力 as the numbers 1-7 or their labels;
* yes/no (即办件, 结果快递送达, 预约办理, 物流快递, 自助终端): ``是`` / ``否``
  (blank is 否);
* lists (受理条件): one entry per line;
* records, one per line, parts separated by ``|``: 设定依据
  ``法律法规名称|条款|条文``; 特别程序 ``名称|时限|依据``; 收费
  ``收费项目|收费标准|收费依据|减免政策|支持网上缴费(是/否)``; 审批结果
  ``类型|名称|样本``; 常见问题 ``问题|解答``;
* numbers (时限, 到现场次数, 份数): non-negative whole numbers; a blank time
  limit means "not set", a blank 到现场次数 or 份数 means 1.

What an import does
===================

All or nothing: the whole file is checked first and every bad cell is
reported as ``【sheet】第N行：column（letter列）reason``; if anything is wrong
nothing is written. Otherwise, in one transaction, for each 事项 row:

* unknown basic code: a new item with draft v1 (``services.item_create``);
* the item has a draft: the draft is updated (``services.version_update_draft``);
* otherwise, when the row differs from the item's current (or newest) version,
  a new draft is made from it (``services.version_new_draft``) and updated;
  rows equal to what is stored change nothing.

Only the columns present are applied, so a sheet with a few columns updates
just those elements. When the 材料 sheet is present it is authoritative for
every item in the 事项 sheet: an item's materials become exactly its rows
(matched by name, so uploaded blank forms and samples are kept); without the
sheet, materials are left alone. The process definition and the application
form are edited in the admin, not in the sheet.

Export writes, per item, its working version: the draft if there is one, else
the version in force, else the newest. An exported file imports back as "no
change"; record values outside the documented shapes (extra keys) are not
exported.

Where things are
================

=================  =============================================================
``cells``          cell codecs (text, numbers, choices, yes/no, lists, records)
``columns``        sheet names and the header sets of 事项 and 材料
``upload``         the upload's size, type and zip checks; opening the workbook
``sheets``         reading one sheet: headers, rows parsed by their codecs
``validation``     checks across rows and sheets (duplicates, unknown references)
``importing``      the all-or-nothing import service
``writing``        styled headers, safe rows, the help sheet
``exporting``      the catalog export and the variance report workbook
=================  =============================================================

This package re-exports what the rest of the project uses.
"""

from .cells import CellError, Codec
from .columns import (
    ITEM_COLUMNS,
    XLSX_CONTENT_TYPE,
    codec_for_version_field,
    format_version_value,
)
from .exporting import catalog_export_xlsx, variance_report_xlsx
from .importing import catalog_import_xlsx

__all__ = [
    "ITEM_COLUMNS",
    "XLSX_CONTENT_TYPE",
    "CellError",
    "Codec",
    "catalog_export_xlsx",
    "catalog_import_xlsx",
    "codec_for_version_field",
    "format_version_value",
    "variance_report_xlsx",
]
