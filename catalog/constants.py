from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    PREFECTURE = "prefecture", _("市（州）级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇（街道）")
    VILLAGE = "village", _("村（社区）")


class AuthorityLevel(models.TextChoices):
    NATIONAL = "1", _("国家级")
    PROVINCIAL = "2", _("省级")
    PREFECTURE = "3", _("市（州）级")
    COUNTY = "4", _("县级")
    TOWNSHIP = "5", _("乡镇（街道）级")
    VILLAGE = "6", _("村（社区）级")


class BodyNature(models.TextChoices):
    STATUTORY = "statutory", _("法定机关")
    AUTHORISED = "authorised", _("法律法规授权组织")
    ENTRUSTED = "entrusted", _("受委托组织")


class ItemType(models.TextChoices):
    LICENSING = "01", _("行政许可")
    PENALTY = "02", _("行政处罚")
    COERCION = "03", _("行政强制")
    LEVY = "04", _("行政征收")
    BENEFIT = "05", _("行政给付")
    INSPECTION = "06", _("行政检查")
    CONFIRMATION = "07", _("行政确认")
    REWARD = "08", _("行政奖励")
    ADJUDICATION = "09", _("行政裁决")
    OTHER_POWER = "10", _("其他行政权力")
    PUBLIC_SERVICE = "20", _("公共服务")


# Only these take applications and ratings (docs/domain.md, Item types).
APPLICABLE_ITEM_TYPES = {"01", "05", "07", "08", "09", "10", "20"}


class ServedParty(models.TextChoices):
    NATURAL = "natural", _("自然人")
    LEGAL = "legal", _("法人")


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working", _("工作日")
    NATURAL_DAYS = "natural", _("自然日")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已废止")


VERSION_TRANSITIONS = {
    VersionStatus.DRAFT: {VersionStatus.PUBLISHED},
    VersionStatus.PUBLISHED: {VersionStatus.RETIRED},
    VersionStatus.RETIRED: set(),
}


class Channel(models.TextChoices):
    WINDOW = "window", _("窗口办理")
    ONLINE = "online", _("网上办理")
    POST = "post", _("快递申请")


class OnlineDepth(models.IntegerChoices):
    PUBLISHED = 1, _("Ⅰ级 信息公开")
    PRE_REVIEW = 2, _("Ⅱ级 在线预审")
    ONLINE = 3, _("Ⅲ级 网上办理（最多跑一次）")
    FULLY_ONLINE = 4, _("Ⅳ级 全程网办（零跑动）")


DEPTH_FLAGS = {
    1: _("在线咨询"),
    2: _("网上申请"),
    3: _("网上预审"),
    4: _("网上受理"),
    5: _("网上办理"),
    6: _("网上反馈结果"),
    7: _("电子证照结果"),
}


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("原件")
    COPY = "copy", _("复印件")
    BOTH = "both", _("原件和复印件")


class MaterialMedium(models.TextChoices):
    PAPER = "paper", _("纸质")
    ELECTRONIC = "electronic", _("电子")
    BOTH = "both", _("纸质和电子")


class MaterialSource(models.TextChoices):
    APPLICANT = "applicant", _("申请人自备")
    GOVERNMENT = "government", _("政府部门核发")
    ECERT = "ecert", _("调取电子证照库")
    OTHER = "other", _("其他")


class MaterialNecessity(models.TextChoices):
    REQUIRED = "required", _("必要")
    OPTIONAL = "optional", _("非必要")
    TOLERATED = "tolerated", _("容缺后补")
    COMMITMENT = "commitment", _("告知承诺")


class ThemeAudience(models.TextChoices):
    PERSONAL = "personal", _("个人办事")
    ENTERPRISE = "enterprise", _("法人办事")


# Guide fields a county implementation may change through a recorded variance.
VARIANCE_FIELDS = {
    "promised_limit_value": _("承诺时限"),
    "promised_limit_note": _("承诺时限说明"),
    "fees": _("收费"),
    "visits": _("到办事现场次数"),
    "place": _("办理地点"),
    "hours": _("办理时间"),
    "channels": _("办理渠道"),
    "depth": _("网上办理深度"),
    "acceptance_conditions": _("受理条件"),
    "appointment": _("预约办理"),
    "courier": _("物流快递"),
}
