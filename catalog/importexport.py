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
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from people.codes import CodeError
from portal.audit import audit_record
from portal.errors import ErrorItem, ServiceError

from . import constants as c
from . import services
from .codes import validate_basic_code
from .models import CertificateType, Material, ServiceItem, ServiceItemVersion

ITEM_SHEET = "事项"
MATERIAL_SHEET = "材料"
HELP_SHEET = "填写说明"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A workbook is a zip; refuse archives that inflate far beyond the upload limit.
MAX_INFLATION = 40

_SEP_RE = re.compile(r"[、,，;；/\n]+")


# --- cell codecs -------------------------------------------------------------


class CellError(ValueError):
    """A cell value that cannot be read; ``message`` is shown to the editor."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def cell_text(raw: Any) -> str:
    """A cell value as trimmed text; whole floats lose their ``.0``."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime | dt.date | dt.time):
        return raw.isoformat()
    return str(raw).strip()


def _quote(value: str) -> str:
    return value if len(value) <= 30 else value[:30] + "…"


class Codec:
    """Turns a cell into a stored value (``parse``) and back (``format``)."""

    help = ""

    def parse(self, raw: Any) -> Any:
        raise NotImplementedError

    def format(self, value: Any) -> Any:
        raise NotImplementedError

    def normalise(self, value: Any) -> Any:
        """The stored value as an import would produce it (for change detection)."""
        try:
            return self.parse(self.format(value))
        except CellError:
            return value


class TextCodec(Codec):
    def __init__(self, max_length: int, *, required: bool = False) -> None:
        self.max_length = max_length
        self.required = required
        self.help = f"文本，最多{max_length}字" + ("，必填" if required else "")

    def parse(self, raw: Any) -> str:
        text = cell_text(raw)
        if self.required and not text:
            raise CellError("不能为空")
        if len(text) > self.max_length:
            raise CellError(f"不能超过{self.max_length}个字符（当前{len(text)}个）")
        return text

    def format(self, value: Any) -> str:
        return "" if value is None else str(value)


class BasicCodeCodec(Codec):
    help = "12位数字或大写字母，必填；请以文本格式填写，以免丢失开头的0"

    def parse(self, raw: Any) -> str:
        text = cell_text(raw)
        if not text:
            raise CellError("不能为空")
        try:
            validate_basic_code(text)
        except CodeError as exc:
            raise CellError(f"“{_quote(text)}”无效：{exc.message}") from exc
        return text

    def format(self, value: Any) -> str:
        return str(value)


class IntCodec(Codec):
    def __init__(self, *, maximum: int, blank: int | None = None) -> None:
        self.maximum = maximum
        self.blank = blank
        self.help = "非负整数" + (
            "，不填表示未设定" if blank is None else f"，不填按{blank}"
        )

    def parse(self, raw: Any) -> int | None:
        text = cell_text(raw)
        if not text:
            return self.blank
        if isinstance(raw, bool) or not text.isdigit():
            raise CellError(f"应为非负整数，实际为“{_quote(text)}”")
        value = int(text)
        if value > self.maximum:
            raise CellError(f"不能大于{self.maximum}（实际为{value}）")
        return value

    def format(self, value: Any) -> Any:
        return value


class ChoiceCodec(Codec):
    """One value of a choices class, by label or stored code."""

    def __init__(self, choices, *, blank: Any = None, aliases=None) -> None:
        self.choices = choices
        self.blank = blank
        self.lookup: dict[str, Any] = {}
        for value, label in choices.choices:
            label = str(label)
            keys = {str(value), label, label.split(" ")[0]}
            if str(value).isdigit():
                keys.add(str(value).zfill(2))
            for key in keys:
                self.lookup[key.lower()] = value
        for key, value in (aliases or {}).items():
            self.lookup[key.lower()] = value
        labels = "、".join(str(label) for _, label in choices.choices)
        self.expected = f"应为：{labels}"
        self.help = (
            "填写其中之一："
            + labels
            + ("" if blank is None else f"；不填按“{choices(blank).label}”")
        )

    def find(self, text: str) -> Any:
        value = self.lookup.get(text.lower())
        if value is None and text.isdigit():
            value = self.lookup.get(text.zfill(2))
        return value

    def parse(self, raw: Any) -> Any:
        text = cell_text(raw)
        if not text:
            if self.blank is None:
                raise CellError("不能为空")
            return self.blank
        value = self.find(text)
        if value is None:
            raise CellError(f"无法识别“{_quote(text)}”，{self.expected}")
        return value

    def format(self, value: Any) -> str:
        try:
            return str(self.choices(value).label)
        except ValueError:
            return "" if value is None else str(value)


class MultiChoiceCodec(ChoiceCodec):
    """Several values of a choices class, separated by 、 , ; or new lines."""

    def __init__(self, choices, **kwargs) -> None:
        super().__init__(choices, **kwargs)
        self.help = "可填多个，以“、”分隔：" + "、".join(
            str(label) for _, label in choices.choices
        )

    def parse(self, raw: Any) -> list:
        values: list = []
        for part in _SEP_RE.split(cell_text(raw)):
            part = part.strip()
            if not part:
                continue
            value = self.find(part)
            if value is None:
                raise CellError(f"含无法识别的取值“{_quote(part)}”，{self.expected}")
            if value not in values:
                values.append(value)
        return values

    def format(self, value: Any) -> str:
        return "、".join(ChoiceCodec.format(self, v) for v in value or [])


class FlagsCodec(Codec):
    """Online capability flags 1-7 (DOMAIN.md), as numbers or labels."""

    help = "网办能力编号1至7，以“、”分隔：" + "、".join(
        f"{k} {v}" for k, v in c.DEPTH_FLAGS.items()
    )

    def parse(self, raw: Any) -> list[int]:
        by_label = {str(v): k for k, v in c.DEPTH_FLAGS.items()}
        flags: set[int] = set()
        for part in _SEP_RE.split(cell_text(raw)):
            part = part.strip()
            if not part:
                continue
            if part.isdigit() and int(part) in c.DEPTH_FLAGS:
                flags.add(int(part))
            elif part in by_label:
                flags.add(by_label[part])
            else:
                raise CellError(
                    f"含无法识别的取值“{_quote(part)}”，应为1至7的编号，以“、”分隔"
                )
        return sorted(flags)

    def format(self, value: Any) -> str:
        return "、".join(str(v) for v in value or [])


class BoolCodec(Codec):
    help = "是 或 否（不填为否）"
    TRUE = {"是", "y", "yes", "true", "1", "√", "支持", "有"}
    FALSE = {"否", "n", "no", "false", "0", "×", "不支持", "无"}

    def parse(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        text = cell_text(raw).lower()
        if not text or text in self.FALSE:
            return False
        if text in self.TRUE:
            return True
        raise CellError(f"应填“是”或“否”，实际为“{_quote(text)}”")

    def format(self, value: Any) -> str:
        return "是" if value else "否"


class LinesCodec(Codec):
    help = "每行一条"

    def __init__(self, *, item_max: int = 500) -> None:
        self.item_max = item_max

    def parse(self, raw: Any) -> list[str]:
        lines = [line.strip() for line in cell_text(raw).splitlines()]
        lines = [line for line in lines if line]
        for i, line in enumerate(lines, start=1):
            if len(line) > self.item_max:
                raise CellError(f"第{i}条超过{self.item_max}个字符")
        return lines

    def format(self, value: Any) -> str:
        return "\n".join(_one_line(str(v)) for v in value or [])


def _one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    is_bool: bool = False


class RecordsCodec(Codec):
    """A list of small records: one per line, parts separated by ``|``.

    Empty parts are left out of the stored dict, so a record round-trips as
    long as its keys are the documented ones.
    """

    def __init__(self, *parts: Part, part_max: int = 500) -> None:
        self.parts = parts
        self.part_max = part_max
        self.help = "每行一条，各部分以“|”分隔：" + "|".join(p.label for p in parts)

    def parse(self, raw: Any) -> list[dict]:
        records = []
        lines = [line.strip() for line in cell_text(raw).splitlines()]
        for i, line in enumerate((line for line in lines if line), start=1):
            pieces = [p.strip() for p in line.split("|")]
            if len(pieces) > len(self.parts):
                raise CellError(
                    f"第{i}条有{len(pieces)}段，最多{len(self.parts)}段"
                    f"（{'|'.join(p.label for p in self.parts)}）"
                )
            if not pieces[0]:
                raise CellError(f"第{i}条缺少{self.parts[0].label}")
            record: dict[str, Any] = {}
            for part, piece in zip(self.parts, pieces, strict=False):
                if not piece:
                    continue
                if len(piece) > self.part_max:
                    raise CellError(f"第{i}条的{part.label}超过{self.part_max}个字符")
                if part.is_bool:
                    try:
                        record[part.key] = BoolCodec().parse(piece)
                    except CellError as exc:
                        raise CellError(f"第{i}条的{part.label}{exc.message}") from exc
                else:
                    record[part.key] = piece
            records.append(record)
        return records

    def format(self, value: Any) -> str:
        lines = []
        for record in value or []:
            if not isinstance(record, dict):
                lines.append(_one_line(str(record)).replace("|", "｜"))
                continue
            pieces = []
            for part in self.parts:
                piece = record.get(part.key)
                if piece is None or piece == "":
                    pieces.append("")
                elif part.is_bool:
                    pieces.append(BoolCodec().format(piece))
                else:
                    pieces.append(_one_line(str(piece)).replace("|", "｜"))
            while pieces and not pieces[-1]:
                pieces.pop()
            lines.append("|".join(pieces))
        return "\n".join(lines)


# --- the header sets ---------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    codec: Codec
    required: bool = False
    width: int = 18
    example: str = ""


def _len(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _v(name: str) -> int:
    return _len(ServiceItemVersion, name)


def _m(name: str) -> int:
    return _len(Material, name)


LIMIT_MAX = 3650
ITEM_TYPE_CODEC = ChoiceCodec(c.ItemType)
ITEM_COLUMNS: list[Column] = [
    Column("基本编码", "basic_code", BasicCodeCodec(), True, 16, "000173006000"),
    Column("事项名称", "name", TextCodec(_v("name"), required=True), True, 28),
    Column("事项类型", "item_type", ITEM_TYPE_CODEC, True, 12, "行政许可"),
    Column(
        "设定依据",
        "legal_bases",
        RecordsCodec(
            Part("law", "法律法规名称"), Part("article", "条款"), Part("text", "条文")
        ),
        width=40,
        example="《中华人民共和国护照法》|第六条",
    ),
    Column("权力来源", "power_source", TextCodec(_v("power_source"))),
    Column("行使层级", "authority_level", TextCodec(_v("authority_level"))),
    Column(
        "实施主体性质",
        "implementing_nature",
        ChoiceCodec(c.BodyNature, blank=c.BodyNature.STATUTORY),
    ),
    Column("委托部门", "entrusting_body", TextCodec(_v("entrusting_body"))),
    Column("联办机构", "co_handling_bodies", TextCodec(_v("co_handling_bodies"))),
    Column("受理条件", "acceptance_conditions", LinesCodec(), width=40),
    Column("服务对象", "served_parties", MultiChoiceCodec(c.ServedParty)),
    Column("法定时限", "statutory_limit_value", IntCodec(maximum=LIMIT_MAX), width=10),
    Column(
        "法定时限单位",
        "statutory_limit_unit",
        ChoiceCodec(c.LimitUnit, blank=c.LimitUnit.WORKING_DAYS),
        width=10,
    ),
    Column(
        "法定时限说明", "statutory_limit_note", TextCodec(_v("statutory_limit_note"))
    ),
    Column("承诺时限", "promised_limit_value", IntCodec(maximum=LIMIT_MAX), width=10),
    Column(
        "承诺时限单位",
        "promised_limit_unit",
        ChoiceCodec(c.LimitUnit, blank=c.LimitUnit.WORKING_DAYS),
        width=10,
    ),
    Column("承诺时限说明", "promised_limit_note", TextCodec(_v("promised_limit_note"))),
    Column("即办件", "is_immediate", BoolCodec(), width=8),
    Column(
        "特别程序",
        "special_procedures",
        RecordsCodec(
            Part("name", "名称"), Part("limit", "时限"), Part("basis", "依据")
        ),
        width=30,
    ),
    Column("办理渠道", "channels", MultiChoiceCodec(c.Channel), width=24),
    Column(
        "网办深度",
        "depth",
        ChoiceCodec(
            c.OnlineDepth,
            blank=c.OnlineDepth.PUBLISHED,
            aliases={
                "i": 1,
                "ii": 2,
                "iii": 3,
                "iv": 4,
                "1级": 1,
                "2级": 2,
                "3级": 3,
                "4级": 4,
            },
        ),
        width=24,
    ),
    Column("网办能力", "depth_flags", FlagsCodec()),
    Column(
        "到现场次数",
        "visits",
        IntCodec(maximum=99, blank=1),
        width=10,
    ),
    Column("到现场原因", "visits_reason", TextCodec(_v("visits_reason"))),
    Column(
        "收费",
        "fees",
        RecordsCodec(
            Part("item", "收费项目"),
            Part("standard", "收费标准"),
            Part("basis", "收费依据"),
            Part("reduction", "减免政策"),
            Part("online_payment", "支持网上缴费", is_bool=True),
        ),
        width=36,
    ),
    Column(
        "审批结果",
        "results",
        RecordsCodec(
            Part("type", "类型"), Part("name", "名称"), Part("sample", "样本")
        ),
        width=24,
    ),
    Column("结果快递送达", "result_by_post", BoolCodec(), width=8),
    Column("办理地点", "place", TextCodec(_v("place")), width=28),
    Column("办理时间", "hours", TextCodec(_v("hours")), width=28),
    Column("预约办理", "appointment", BoolCodec(), width=8),
    Column("预约说明", "appointment_quota", TextCodec(_v("appointment_quota"))),
    Column("物流快递", "courier", BoolCodec(), width=8),
    Column("自助终端", "self_service", BoolCodec(), width=8),
    Column("咨询方式", "consult_channels", TextCodec(_v("consult_channels")), width=24),
    Column(
        "投诉方式", "complaint_channels", TextCodec(_v("complaint_channels")), width=24
    ),
    Column("行政复议机关", "review_body", TextCodec(_v("review_body"))),
    Column("行政诉讼机关", "litigation_body", TextCodec(_v("litigation_body"))),
    Column(
        "常见问题",
        "faq",
        RecordsCodec(Part("q", "问题"), Part("a", "解答"), part_max=2000),
        width=36,
    ),
    Column("关键词", "keywords", TextCodec(_v("keywords"))),
]

MATERIAL_COLUMNS: list[Column] = [
    Column("基本编码", "basic_code", BasicCodeCodec(), True, 16),
    Column("材料名称", "name", TextCodec(_m("name"), required=True), True, 30),
    Column(
        "材料形式",
        "form",
        ChoiceCodec(c.MaterialForm, blank=c.MaterialForm.ORIGINAL),
        width=12,
    ),
    Column(
        "载体",
        "medium",
        ChoiceCodec(c.MaterialMedium, blank=c.MaterialMedium.BOTH),
        width=12,
    ),
    Column("份数", "paper_copies", IntCodec(maximum=99, blank=1), width=8),
    Column(
        "来源",
        "source",
        ChoiceCodec(c.MaterialSource, blank=c.MaterialSource.APPLICANT),
        width=14,
    ),
    Column("来源说明", "source_note", TextCodec(_m("source_note"))),
    Column(
        "必要性",
        "necessity",
        ChoiceCodec(c.MaterialNecessity, blank=c.MaterialNecessity.REQUIRED),
        width=12,
    ),
    Column(
        "电子证照类型代码",
        "certificate_type",
        TextCodec(21),
        width=26,
        example="11100000000013338W001",
    ),
    Column("依据", "legal_basis", TextCodec(_m("legal_basis")), width=30),
    Column("填报须知", "notes", TextCodec(_m("notes")), width=30),
]

ITEM_CODECS: dict[str, Codec] = {col.field: col.codec for col in ITEM_COLUMNS}
MATERIAL_CODECS: dict[str, Codec] = {col.field: col.codec for col in MATERIAL_COLUMNS}


def codec_for_version_field(name: str) -> Codec | None:
    """The codec of a version field (admin forms and the variance report use it)."""
    return ITEM_CODECS.get(name)


def format_version_value(name: str, value: Any) -> str:
    """A guide element's value as an editor reads it (``窗口办理、网上办理``)."""
    codec = codec_for_version_field(name)
    if value is None:
        return "—"
    if codec is None:
        return str(value)
    text = codec.format(value)
    return "—" if text in ("", None) else str(text)


# --- import ------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did; basic codes per outcome."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    drafted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    material_rows: int = 0

    @property
    def summary(self) -> str:
        return (
            f"新建事项{len(self.created)}个，更新草稿{len(self.updated)}个，"
            f"新建草稿{len(self.drafted)}个，无变化{len(self.unchanged)}个，"
            f"材料{self.material_rows}行"
        )


@dataclass
class _Row:
    sheet: str
    number: int
    values: dict[str, Any]
    positions: dict[str, int]

    def error(self, field_name: str, message: str, code: str) -> ErrorItem:
        columns = ITEM_COLUMNS if self.sheet == ITEM_SHEET else MATERIAL_COLUMNS
        header = next(col.header for col in columns if col.field == field_name)
        return _cell_error(
            code, self.sheet, self.number, self.positions[field_name], header, message
        )


def _cell_error(
    code: str, sheet: str, row: int, position: int, header: str, message: str
) -> ErrorItem:
    letter = get_column_letter(position + 1)
    return ErrorItem(
        code,
        f"【{sheet}】第{row}行：{header}（{letter}列）{message}",
        f"{sheet}!{letter}{row}",
    )


def _row_error(code: str, sheet: str, row: int, message: str) -> ErrorItem:
    return ErrorItem(code, f"【{sheet}】第{row}行：{message}", f"{sheet}!{row}")


def _read_upload(file) -> bytes:
    """The upload's bytes, after the size and content checks."""
    limit = settings.CATALOG_IMPORT_MAX_BYTES
    name = str(getattr(file, "name", "") or "")
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ServiceError(
            "import_too_large",
            f"文件过大（{_size_label(size)}），导入文件不能超过{_size_label(limit)}",
            field="file",
        )
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise ServiceError(
            "import_too_large",
            f"文件过大，导入文件不能超过{_size_label(limit)}",
            field="file",
        )
    if not data:
        raise ServiceError("import_empty_file", "上传的文件是空的", field="file")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ServiceError(
            "import_legacy_xls",
            "不支持旧版Excel（.xls）或加密的文件，请在Excel中另存为“Excel工作簿（.xlsx）”后再上传",
            field="file",
        )
    not_xlsx = ServiceError(
        "import_not_xlsx",
        "文件不是Excel工作簿（.xlsx），请上传由Excel或WPS保存的 .xlsx 文件",
        field="file",
    )
    if name and not name.lower().endswith(".xlsx"):
        raise not_xlsx
    if not data.startswith(b"PK\x03\x04"):
        raise not_xlsx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise not_xlsx from exc
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise not_xlsx
    if inflated > limit * MAX_INFLATION:
        raise ServiceError(
            "import_too_large", "文件解压后过大，请拆分后分批导入", field="file"
        )
    return data


def _size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, size // 1024)} KB"


def _load(data: bytes):
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise ServiceError(
            "import_corrupt",
            "无法读取该工作簿：文件可能已损坏，请在Excel中打开并重新保存为 .xlsx",
            field="file",
        ) from exc


def _read_sheet(
    ws, sheet: str, columns: list[Column], errors: list[ErrorItem]
) -> list[_Row]:
    if not hasattr(ws, "iter_rows"):  # a chart sheet, not a worksheet
        errors.append(_row_error("import_sheet_invalid", sheet, 1, "不是数据工作表"))
        return []
    corrupt = ServiceError(
        "import_corrupt",
        f"无法读取“{sheet}”工作表：文件可能已损坏，请在Excel中打开并重新保存为 .xlsx",
        field="file",
    )
    try:
        # read_only parses the sheet lazily: a broken sheet fails here.
        header = next(ws.iter_rows(max_row=1, values_only=True), None)
    except Exception as exc:  # any parse failure means a broken file
        raise corrupt from exc
    if header is None:
        errors.append(_row_error("import_sheet_empty", sheet, 1, "缺少表头"))
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
                _row_error(
                    "import_header_unknown",
                    sheet,
                    1,
                    f"无法识别的列“{_quote(title)}”（{letter}列），"
                    f"请删除该列或改为规定的列名",
                )
            )
            ok = False
        elif col.field in positions:
            first = get_column_letter(positions[col.field] + 1)
            errors.append(
                _row_error(
                    "import_header_duplicate",
                    sheet,
                    1,
                    f"列“{title}”重复（{first}列与{letter}列）",
                )
            )
            ok = False
        else:
            positions[col.field] = position
    for col in columns:
        if col.required and col.field not in positions:
            errors.append(
                _row_error(
                    "import_header_missing", sheet, 1, f"缺少必填列“{col.header}”"
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
                    _cell_error(
                        "import_cell_invalid",
                        sheet,
                        number,
                        position,
                        col.header,
                        exc.message,
                    )
                )
        result.append(_Row(sheet, number, values, positions))
    return result


@dataclass
class _Parsed:
    items: list[_Row]
    materials: dict[str, list[_Row]] | None
    certificate_types: dict[str, CertificateType]


def _parse(wb, errors: list[ErrorItem]) -> _Parsed:
    if ITEM_SHEET not in wb.sheetnames:
        raise ServiceError(
            "import_sheet_missing",
            f"工作簿缺少“{ITEM_SHEET}”工作表（现有：{'、'.join(wb.sheetnames)}）",
            field="file",
        )
    items = _read_sheet(wb[ITEM_SHEET], ITEM_SHEET, ITEM_COLUMNS, errors)
    first_row: dict[str, int] = {}
    for row in items:
        code = row.values.get("basic_code")
        if code is None:
            continue
        if code in first_row:
            errors.append(
                row.error(
                    "basic_code",
                    f"“{code}”与第{first_row[code]}行重复",
                    "import_code_duplicate",
                )
            )
        else:
            first_row[code] = row.number
    if not items and not any(e.code.startswith("import_header") for e in errors):
        errors.append(
            _row_error("import_no_rows", ITEM_SHEET, 2, "没有数据行，未导入任何事项")
        )
    materials: dict[str, list[_Row]] | None = None
    cert_types: dict[str, CertificateType] = {}
    if MATERIAL_SHEET in wb.sheetnames:
        materials = defaultdict(list)
        rows = _read_sheet(wb[MATERIAL_SHEET], MATERIAL_SHEET, MATERIAL_COLUMNS, errors)
        wanted = {
            r.values["certificate_type"]
            for r in rows
            if r.values.get("certificate_type")
        }
        cert_types = {
            ct.code: ct for ct in CertificateType.objects.filter(code__in=wanted)
        }
        seen_names: dict[tuple[str, str], int] = {}
        for row in rows:
            code = row.values.get("basic_code")
            if code is not None and code not in first_row:
                errors.append(
                    row.error(
                        "basic_code",
                        f"“{code}”不在“{ITEM_SHEET}”表中，材料须对应本文件中的事项",
                        "import_material_item_unknown",
                    )
                )
            name = row.values.get("name")
            if code is not None and name:
                key = (code, name)
                if key in seen_names:
                    errors.append(
                        row.error(
                            "name",
                            f"“{_quote(name)}”在该事项下重复（与第{seen_names[key]}行）",
                            "import_material_duplicate",
                        )
                    )
                else:
                    seen_names[key] = row.number
            cert = row.values.get("certificate_type")
            if cert and cert not in cert_types:
                errors.append(
                    row.error(
                        "certificate_type",
                        f"“{_quote(cert)}”不存在，请先在“电子证照类型”中登记该证照类型",
                        "import_certificate_type_unknown",
                    )
                )
            if code is not None:
                materials[code].append(row)
    return _Parsed(items, materials, cert_types)


def catalog_import_xlsx(*, file, actor) -> ImportResult:
    """Import items and materials from an xlsx upload: all or nothing.

    Raises ServiceError: a file-level code (import_not_xlsx, import_too_large,
    import_corrupt, import_sheet_missing...) or ``import_invalid`` whose
    ``errors`` list every bad cell as "【sheet】第N行：...". Nothing is written
    unless the whole file is good.
    """
    data = _read_upload(file)
    wb = _load(data)
    errors: list[ErrorItem] = []
    try:
        parsed = _parse(wb, errors)
    finally:
        wb.close()
    if errors:
        raise _invalid(errors)
    result = ImportResult()
    codes = [row.values["basic_code"] for row in parsed.items]
    with transaction.atomic():
        existing = {
            item.basic_code: item
            for item in ServiceItem.objects.filter(basic_code__in=codes)
            .select_related("current_version")
            .prefetch_related(
                Prefetch(
                    "versions",
                    queryset=ServiceItemVersion.objects.prefetch_related(
                        Prefetch(
                            "materials",
                            queryset=Material.objects.select_related(
                                "certificate_type"
                            ),
                        )
                    ),
                )
            )
        }
        for row in parsed.items:
            code = row.values["basic_code"]
            material_rows = (
                None if parsed.materials is None else parsed.materials.get(code, [])
            )
            materials = (
                None
                if material_rows is None
                else [
                    _material_values(r, parsed.certificate_types) for r in material_rows
                ]
            )
            try:
                _apply_item(row, existing.get(code), materials, actor, result)
            except ServiceError as exc:
                errors.extend(_write_errors(row, exc))
            if material_rows:
                result.material_rows += len(material_rows)
        if errors:
            raise _invalid(errors)
        audit_record(
            actor=actor,
            action="catalog.import",
            object_type="catalog.import",
            object_id=hashlib.sha256(data).hexdigest()[:16],
            object_repr=str(getattr(file, "name", "") or "")[:200],
            changes={
                "created": result.created,
                "updated": result.updated,
                "drafted": result.drafted,
                "unchanged": len(result.unchanged),
                "material_rows": result.material_rows,
            },
        )
    return result


def _invalid(errors: list[ErrorItem]) -> ServiceError:
    return ServiceError(
        "import_invalid",
        f"导入失败：发现{len(errors)}处错误，未导入任何数据。请修改后重新上传。",
        field="file",
        errors=errors,
    )


def _write_errors(row: _Row, exc: ServiceError) -> list[ErrorItem]:
    details = [e.detail for e in exc.errors] or [exc.detail]
    return [_row_error(exc.code, row.sheet, row.number, detail) for detail in details]


def _material_values(row: _Row, cert_types: dict[str, CertificateType]) -> dict:
    values = {k: v for k, v in row.values.items() if k != "basic_code"}
    if "certificate_type" in values:
        code = values.pop("certificate_type")
        values["certificate_type"] = cert_types.get(code) if code else None
    return values


def _working_version(item: ServiceItem) -> ServiceItemVersion | None:
    versions = list(item.versions.all())
    for v in versions:
        if v.is_draft:
            return v
    if item.current_version_id:
        for v in versions:
            if v.pk == item.current_version_id:
                return v
    return max(versions, key=lambda v: v.version, default=None)


def _apply_item(
    row: _Row,
    item: ServiceItem | None,
    materials: list[dict] | None,
    actor,
    result: ImportResult,
) -> None:
    fields = {k: v for k, v in row.values.items() if k != "basic_code"}
    code = row.values["basic_code"]
    if item is None:
        version_fields = dict(fields)
        name = version_fields.pop("name")
        item_type = version_fields.pop("item_type")
        version = services.item_create(
            basic_code=code,
            name=name,
            item_type=item_type,
            actor=actor,
            version_fields=version_fields,
        )
        if materials:
            services.version_materials_replace(
                version=version, actor=actor, materials=materials
            )
        result.created.append(code)
        return
    base = _working_version(item)
    if base is None:  # an item without versions: nothing to derive from
        raise ServiceError("item_without_version", "该事项没有任何版本，无法导入")
    changes = {
        name: value
        for name, value in fields.items()
        if ITEM_CODECS[name].normalise(getattr(base, name)) != value
    }
    materials_changed = materials is not None and _materials_differ(base, materials)
    if not changes and not materials_changed:
        result.unchanged.append(code)
        return
    if base.is_draft:
        draft = base
        result.updated.append(code)
    else:
        draft = services.version_new_draft(version=base, actor=actor)
        result.drafted.append(code)
    if changes:
        draft = services.version_update_draft(
            version=draft, actor=actor, changes=changes
        )
    if materials_changed:
        services.version_materials_replace(
            version=draft, actor=actor, materials=materials
        )


def _materials_differ(version: ServiceItemVersion, materials: list[dict]) -> bool:
    current = list(version.materials.all())
    if len(current) != len(materials):
        return True
    for material, values in zip(current, materials, strict=True):
        for name, value in values.items():
            stored = getattr(material, name)
            if name in MATERIAL_CODECS and name != "certificate_type":
                stored = MATERIAL_CODECS[name].normalise(stored)
            if stored != value:
                return True
    return False


# --- export ------------------------------------------------------------------


def catalog_export_xlsx(*, items: Iterable[ServiceItem] | None = None) -> bytes:
    """The catalog (or ``items``) as a workbook that imports back unchanged."""
    if items is None:
        items = ServiceItem.objects.order_by("basic_code")
    item_list = list(items)
    working = _working_versions(item_list)
    wb = Workbook()
    ws = wb.active
    ws.title = ITEM_SHEET
    _write_header(ws, ITEM_COLUMNS)
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
        _append(ws, values)
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
    _write_header(ws_m, MATERIAL_COLUMNS)
    for row in material_rows:
        _append(ws_m, row)
    _write_help(wb.create_sheet(HELP_SHEET))
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


_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_MAX_VALIDATED_ROW = 5000


def _write_header(ws, columns: list[Column]) -> None:
    ws.append([col.header for col in columns])
    for index, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if col.required else _HEADER_FILL
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


def _append(ws, values: list[Any]) -> None:
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


def _write_help(ws) -> None:
    ws.append(["工作表", "列名", "必填", "填写说明", "示例"])
    for cell in ws[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
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


# --- variance report ----------------------------------------------------------

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
    """The variance report (rows as built by catalog.admin.variance_row)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "差异报告"
    ws.append([header for header, _key, _width in VARIANCE_REPORT_COLUMNS])
    for index, (_header, _key, width) in enumerate(VARIANCE_REPORT_COLUMNS, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        ws.column_dimensions[get_column_letter(index)].width = width
    for row in rows:
        values = []
        for _header, key, _width in VARIANCE_REPORT_COLUMNS:
            value = row.get(key)
            values.append(value.isoformat() if isinstance(value, dt.date) else value)
        _append(ws, values)
    ws.freeze_panes = "C2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
