"""Read-only serializers of the public catalog API.

Every class is prefixed ``Catalog`` so its OpenAPI component name stays unique
across apps. They read only what the views prefetch (see views.py); none of
them may touch the database on its own, or the query counts stop being flat.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from catalog import constants as c
from catalog.models import (
    CertificateType,
    Department,
    Implementation,
    Material,
    ProcessStage,
    ProcessStep,
    Region,
    ServiceHall,
    ServiceItem,
    ServiceItemVersion,
    Theme,
    Variance,
    Window,
)

ITEM_DETAIL_VIEW = "catalog_api:item-detail"


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class LabelListField(serializers.Field):
    """A JSON list of choice values shown as their Chinese labels."""

    def __init__(self, labels: dict, **kwargs) -> None:
        kwargs["read_only"] = True
        self.labels = labels
        super().__init__(**kwargs)

    def to_representation(self, value) -> list[str]:
        if not isinstance(value, list):
            return []
        return [str(self.labels.get(v, v)) for v in value]


@extend_schema_field(OpenApiTypes.URI)
class ItemUrlField(serializers.Field):
    """The detail URL of an item, from its basic code (no query)."""

    def __init__(self, **kwargs) -> None:
        kwargs["read_only"] = True
        kwargs.setdefault("help_text", "事项办事指南（详情）接口地址")
        super().__init__(**kwargs)

    def to_representation(self, value: str) -> str:
        return reverse(
            ITEM_DETAIL_VIEW,
            kwargs={"basic_code": value},
            request=self.context.get("request"),
        )


def variance_field_choices() -> list[tuple[str, str]]:
    """For SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]: names the enum."""
    return list(c.VARIANCE_FIELDS.items())


SERVED_PARTY_LABELS = dict(c.ServedParty.choices)
CHANNEL_LABELS = dict(c.Channel.choices)


class _ReadOnlySerializer(serializers.ModelSerializer):
    """Every field read-only, declared ones included (the API never writes)."""

    def get_fields(self):
        fields = super().get_fields()
        for f in fields.values():
            f.read_only = True
        return fields


# --- small references -------------------------------------------------------


class CatalogRegionRefSerializer(_ReadOnlySerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class CatalogDepartmentRefSerializer(_ReadOnlySerializer):
    class Meta:
        model = Department
        fields = ["credit_code", "name"]


class CatalogThemeSerializer(_ReadOnlySerializer):
    audience_display = serializers.CharField(source="get_audience_display")

    class Meta:
        model = Theme
        fields = ["code", "name", "audience", "audience_display"]


class CatalogCertificateTypeRefSerializer(_ReadOnlySerializer):
    class Meta:
        model = CertificateType
        fields = ["code", "name"]


# --- list endpoints -----------------------------------------------------------


class CatalogItemListSerializer(_ReadOnlySerializer):
    url = ItemUrlField(source="basic_code")
    item_type_display = serializers.CharField(source="get_item_type_display")
    depth_display = serializers.CharField(source="get_depth_display", allow_null=True)
    served_parties = serializers.ListField(child=serializers.CharField())
    served_parties_display = LabelListField(
        SERVED_PARTY_LABELS, source="served_parties"
    )
    lead_department_name = serializers.CharField(
        source="lead_department.name", allow_null=True
    )
    lead_department_credit_code = serializers.CharField(
        source="lead_department.credit_code", allow_null=True
    )
    is_applicable = serializers.BooleanField(
        help_text="可在线申请、评价的事项类型（01、05、07、08、09、10、20）"
    )

    class Meta:
        model = ServiceItem
        fields = [
            "url",
            "basic_code",
            "name",
            "item_type",
            "item_type_display",
            "depth",
            "depth_display",
            "served_parties",
            "served_parties_display",
            "lead_department_name",
            "lead_department_credit_code",
            "is_applicable",
        ]


class CatalogRegionSerializer(_ReadOnlySerializer):
    level_display = serializers.CharField(source="get_level_display")
    parent_code = serializers.CharField(source="parent.code", allow_null=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "level_display", "parent_code", "order"]


class CatalogDepartmentSerializer(_ReadOnlySerializer):
    region = CatalogRegionRefSerializer()
    parent_credit_code = serializers.CharField(
        source="parent.credit_code", allow_null=True
    )
    level_display = serializers.CharField(source="get_level_display")
    nature_display = serializers.CharField(source="get_nature_display")

    class Meta:
        model = Department
        fields = [
            "credit_code",
            "name",
            "short_name",
            "region",
            "parent_credit_code",
            "level",
            "level_display",
            "nature",
            "nature_display",
            "kind",
            "phone",
            "address",
        ]


# --- the guide ------------------------------------------------------------------


class CatalogMaterialSerializer(_ReadOnlySerializer):
    form_display = serializers.CharField(source="get_form_display")
    medium_display = serializers.CharField(source="get_medium_display")
    source_display = serializers.CharField(source="get_source_display")
    necessity_display = serializers.CharField(source="get_necessity_display")
    certificate_type = CatalogCertificateTypeRefSerializer(
        allow_null=True, help_text="可由该类电子证照替代（免提交）"
    )
    blank_form_url = serializers.FileField(
        source="blank_form", allow_null=True, use_url=True, help_text="空白表格下载地址"
    )
    sample_url = serializers.FileField(
        source="sample", allow_null=True, use_url=True, help_text="示例样表下载地址"
    )

    class Meta:
        model = Material
        fields = [
            "order",
            "name",
            "form",
            "form_display",
            "medium",
            "medium_display",
            "paper_copies",
            "source",
            "source_display",
            "source_note",
            "necessity",
            "necessity_display",
            "certificate_type",
            "blank_form_url",
            "sample_url",
            "legal_basis",
            "notes",
        ]


class CatalogProcessStepSerializer(_ReadOnlySerializer):
    department = CatalogDepartmentRefSerializer(
        allow_null=True, help_text="指定的办理部门；为空时按 department_kind 指派"
    )

    class Meta:
        model = ProcessStep
        fields = [
            "order",
            "name",
            "department",
            "department_kind",
            "action",
            "limit_days",
            "site_inspection",
            "special_procedure",
        ]


class CatalogProcessStageSerializer(_ReadOnlySerializer):
    steps = CatalogProcessStepSerializer(many=True, help_text="本阶段并联办理的环节")

    class Meta:
        model = ProcessStage
        fields = ["order", "name", "steps"]


class CatalogHallSerializer(_ReadOnlySerializer):
    class Meta:
        model = ServiceHall
        fields = ["name", "address", "hours", "phone", "self_service"]


class CatalogWindowSerializer(_ReadOnlySerializer):
    class Meta:
        model = Window
        fields = ["number", "name", "is_comprehensive"]


class CatalogVarianceSerializer(_ReadOnlySerializer):
    field_display = serializers.CharField(source="get_field_display")
    standard_value = serializers.JSONField(allow_null=True)
    local_value = serializers.JSONField()

    class Meta:
        model = Variance
        fields = [
            "field",
            "field_display",
            "standard_value",
            "local_value",
            "reason",
            "approved_on",
        ]


class CatalogImplementationSerializer(_ReadOnlySerializer):
    region = CatalogRegionRefSerializer()
    department = CatalogDepartmentRefSerializer()
    implementation_code = serializers.CharField(source="code")
    hall = CatalogHallSerializer(allow_null=True)
    windows = CatalogWindowSerializer(many=True)
    service_points = CatalogRegionRefSerializer(
        many=True, help_text="乡镇（村）便民服务点"
    )
    variances = CatalogVarianceSerializer(
        many=True, help_text="经批准的本地差异：与标准不同的要素及原因"
    )

    class Meta:
        model = Implementation
        fields = [
            "implementation_code",
            "business_item_code",
            "region",
            "department",
            "hall",
            "windows",
            "hours",
            "consult_phone",
            "complaint_phone",
            "service_points",
            "variances",
        ]


class CatalogItemDetailSerializer(_ReadOnlySerializer):
    """The standard guide: the item's current version with all its parts.

    Serialises a ServiceItemVersion whose ``item`` is loaded with its lead
    department and themes, and which carries ``public_implementations``.
    """

    url = ItemUrlField(source="item.basic_code")
    basic_code = serializers.CharField(source="item.basic_code")
    item_type_display = serializers.CharField(source="get_item_type_display")
    is_applicable = serializers.BooleanField(source="item.is_applicable")
    status_display = serializers.CharField(source="get_status_display")
    lead_department = CatalogDepartmentRefSerializer(
        source="item.lead_department", allow_null=True
    )
    themes = CatalogThemeSerializer(source="item.themes", many=True)
    implementing_nature_display = serializers.CharField(
        source="get_implementing_nature_display"
    )
    served_parties = serializers.ListField(child=serializers.CharField())
    served_parties_display = LabelListField(
        SERVED_PARTY_LABELS, source="served_parties"
    )
    statutory_limit_unit_display = serializers.CharField(
        source="get_statutory_limit_unit_display"
    )
    promised_limit_unit_display = serializers.CharField(
        source="get_promised_limit_unit_display"
    )
    channels = serializers.ListField(child=serializers.CharField())
    channels_display = LabelListField(CHANNEL_LABELS, source="channels")
    depth_display = serializers.CharField(source="get_depth_display")
    depth_flags = serializers.ListField(child=serializers.IntegerField())
    depth_flags_display = LabelListField(c.DEPTH_FLAGS, source="depth_flags")
    legal_bases = serializers.JSONField(
        help_text='设定依据：[{"law": "", "article": "", "text": ""}]'
    )
    acceptance_conditions = serializers.JSONField(help_text="受理条件")
    special_procedures = serializers.JSONField(
        help_text='特别程序：[{"name": "", "limit": "", "basis": ""}]'
    )
    fees = serializers.JSONField(
        help_text='收费：[{"item": "", "standard": "", "basis": "", '
        '"reduction": "", "online_payment": true}]'
    )
    results = serializers.JSONField(
        help_text='审批结果：[{"type": "", "name": "", "sample": ""}]'
    )
    faq = serializers.JSONField(help_text="常见问题")
    form_schema = serializers.JSONField(help_text="申请表定义（JSON Schema）")
    materials = CatalogMaterialSerializer(many=True)
    stages = CatalogProcessStageSerializer(
        many=True, help_text="按顺序办理的阶段；同一阶段内的环节并联办理"
    )
    implementations = CatalogImplementationSerializer(
        source="public_implementations", many=True, help_text="各地实施清单"
    )

    class Meta:
        model = ServiceItemVersion
        fields = [
            "url",
            "basic_code",
            "name",
            "item_type",
            "item_type_display",
            "is_applicable",
            "version",
            "status",
            "status_display",
            "effective_from",
            "effective_to",
            "published_at",
            "change_note",
            "lead_department",
            "themes",
            "legal_bases",
            "power_source",
            "authority_level",
            "implementing_nature",
            "implementing_nature_display",
            "entrusting_body",
            "co_handling_bodies",
            "acceptance_conditions",
            "served_parties",
            "served_parties_display",
            "statutory_limit_value",
            "statutory_limit_unit",
            "statutory_limit_unit_display",
            "statutory_limit_note",
            "promised_limit_value",
            "promised_limit_unit",
            "promised_limit_unit_display",
            "promised_limit_note",
            "is_immediate",
            "special_procedures",
            "channels",
            "channels_display",
            "fees",
            "results",
            "result_by_post",
            "place",
            "hours",
            "appointment",
            "appointment_quota",
            "courier",
            "self_service",
            "depth",
            "depth_display",
            "depth_flags",
            "depth_flags_display",
            "visits",
            "visits_reason",
            "consult_channels",
            "complaint_channels",
            "review_body",
            "litigation_body",
            "faq",
            "keywords",
            "form_schema",
            "created_at",
            "updated_at",
            "materials",
            "stages",
            "implementations",
        ]
