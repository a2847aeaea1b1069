"""The workbook's layout: sheet names and the header sets of the 事项 and 材料
sheets, each column with its field, codec, width and example.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import constants as c
from ..models import Material, ServiceItemVersion
from .cells import (
    BasicCodeCodec,
    BoolCodec,
    ChoiceCodec,
    Codec,
    FlagsCodec,
    IntCodec,
    LinesCodec,
    MultiChoiceCodec,
    Part,
    RecordsCodec,
    TextCodec,
)

ITEM_SHEET = "事项"
MATERIAL_SHEET = "材料"
HELP_SHEET = "填写说明"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    # What a citizen reads in Tibetan (optional; the pages fall back to Chinese).
    Column("事项名称（藏文）", "name_bo", TextCodec(_v("name_bo")), width=28),
    Column("受理条件摘要（藏文）", "conditions_bo", TextCodec(2000), width=40),
    Column(
        "申请表字段（藏文）",
        "form_texts_bo",
        RecordsCodec(
            Part("field", "字段名"), Part("title", "藏文标题"), Part("help", "藏文说明")
        ),
        width=40,
        example="contact_phone|ཁ་པར་ཨང་གྲངས།|ཨང་གྲངས་ 11",
    ),
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
    Column("材料名称（藏文）", "name_bo", TextCodec(_m("name_bo")), width=30),
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
