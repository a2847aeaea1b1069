"""Serializers of the applications API.

Every class name starts with ``Application`` or ``Track`` so OpenAPI component
names stay unique. Output serializers read only what the selectors load
(select_related / prefetch), so list endpoints keep a flat query count.
Input serializers only parse; the rules live in applications.services.
"""

from __future__ import annotations

import copy

from rest_framework import serializers
from rest_framework.reverse import reverse

from applications import constants as c
from applications.form_display import form_display
from applications.form_privacy import form_shown
from applications.models import (
    Application,
    ApplicationMaterial,
    StatusChange,
    SupplementNotice,
    UploadedFile,
)

# --- output ------------------------------------------------------------------------


# Build a ModelSerializer's fields once per class, copy them per use. DRF builds
# them again from the model for every serializer instance, and for a detail
# response (five nested serializers) that was most of its cost. The build
# depends on the class alone (Meta and declared fields), never on the instance
# or the context, so each instance gets fresh fields made from the first build:
# a plain field again from the arguments it was created with (which DRF copies
# on init), a nested serializer by a deep copy, as DRF itself copies declared
# fields. (A comment, not a docstring: drf-spectacular would publish that as
# the description of every serializer using it.)
class _FieldsOnce:
    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return {
            name: copy.deepcopy(field)
            if isinstance(field, serializers.BaseSerializer)
            else type(field)(*field._args, **field._kwargs)
            for name, field in built.items()
        }


class ApplicationListSerializer(_FieldsOnce, serializers.ModelSerializer):
    item_name = serializers.CharField(source="version.name", read_only=True)
    implementation_code = serializers.CharField(
        source="implementation.code", read_only=True
    )
    department_name = serializers.CharField(
        source="implementation.department.name", read_only=True
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    hall_name = serializers.CharField(
        source="hall.name", read_only=True, default=None, allow_null=True
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "url",
            "number",
            "query_code",
            "item_name",
            "implementation_code",
            "department_name",
            "status",
            "status_label",
            "channel",
            "channel_label",
            "hall_name",
            "created_at",
            "submitted_at",
            "acceptance_due",
            "promised_date",
        ]

    def get_url(self, obj: Application) -> str:
        return reverse(
            "applications_api:application-detail",
            kwargs={"pk": obj.pk},
            request=self.context.get("request"),
        )


class ApplicationFileSerializer(_FieldsOnce, serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = UploadedFile
        fields = [
            "id",
            "url",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
        ]

    def get_url(self, obj: UploadedFile) -> str:
        return reverse(
            "applications:file", kwargs={"pk": obj.pk}, request=self.context["request"]
        )


class ApplicationMaterialSerializer(_FieldsOnce, serializers.ModelSerializer):
    material_id = serializers.IntegerField(source="material.pk", read_only=True)
    name = serializers.CharField(source="material.name", read_only=True)
    necessity = serializers.CharField(source="material.necessity", read_only=True)
    necessity_label = serializers.CharField(
        source="material.get_necessity_display", read_only=True
    )
    provision_label = serializers.CharField(
        source="get_provision_display", read_only=True
    )
    files = ApplicationFileSerializer(many=True, read_only=True)

    class Meta:
        model = ApplicationMaterial
        fields = [
            "material_id",
            "name",
            "necessity",
            "necessity_label",
            "provision",
            "provision_label",
            "certificate_ref",
            "certificate_consent_at",
            "certificate_prefill",
            "trust_level",
            "promise_text",
            "promised_by",
            "signed_at",
            "problem",
            "files",
        ]


class ApplicationStatusChangeSerializer(_FieldsOnce, serializers.ModelSerializer):
    from_label = serializers.CharField(source="get_from_status_display")
    to_label = serializers.CharField(source="get_to_status_display")

    class Meta:
        model = StatusChange
        fields = ["from_status", "from_label", "to_status", "to_label", "at", "reason"]


class ApplicationNoticeSerializer(_FieldsOnce, serializers.ModelSerializer):
    class Meta:
        model = SupplementNotice
        fields = ["id", "items", "issued_at", "due_date", "resolved_at", "lapsed_at"]


class ApplicationFormDataField(serializers.JSONField):
    """The application's form data as shown: ID numbers in it masked."""

    def to_representation(self, value):
        return form_shown(value.version.form_schema, value.form_data)


class ApplicationFormDisplayRowSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="栏目键名")
    label = serializers.CharField(help_text="栏目名称")
    value = serializers.CharField(help_text="填写内容（按书写习惯显示，多选以、分隔）")


class ApplicationFormDisplayField(serializers.ListField):
    """The form as people read it (applications.form_display)."""

    child = ApplicationFormDisplayRowSerializer()

    def to_representation(self, value):
        return form_display(value.version.form_schema, value.form_data)


class ApplicationDetailSerializer(ApplicationListSerializer):
    form_data = ApplicationFormDataField(source="*", read_only=True)
    form_display = ApplicationFormDisplayField(
        source="*", read_only=True, help_text="申请表各栏目的显示文字"
    )
    materials = ApplicationMaterialSerializer(many=True, read_only=True)
    history = ApplicationStatusChangeSerializer(many=True, read_only=True)
    supplement_notices = ApplicationNoticeSerializer(many=True, read_only=True)

    class Meta(ApplicationListSerializer.Meta):
        fields = [
            *ApplicationListSerializer.Meta.fields,
            "applicant_kind",
            "form_data",
            "form_display",
            "accepted_at",
            "acceptance_deemed",
            "refusal_reason",
            "refusal_basis",
            "decision",
            "decision_basis",
            "decided_at",
            "delivery_due",
            "delivered_at",
            "delivery_method",
            "withdrawn_at",
            "closed_at",
            "closure_reason",
            "dates_provisional",
            "materials",
            "history",
            "supplement_notices",
        ]


# --- input -----------------------------------------------------------------------------


class ApplicationMaterialProvisionSerializer(serializers.Serializer):
    """How one material is satisfied without a file (for create + submit)."""

    material = serializers.IntegerField(help_text="材料ID（事项版本中的材料）")
    provision = serializers.ChoiceField(
        choices=[
            c.Provision.CERTIFICATE,
            c.Provision.TOLERATED,
            c.Provision.COMMITMENT,
        ]
    )
    promise_text = serializers.CharField(
        required=False, allow_blank=True, max_length=2000
    )
    promised_by = serializers.DateField(required=False, allow_null=True)
    certificate_ref = serializers.CharField(
        required=False, allow_blank=True, max_length=100
    )
    certificate_consent = serializers.BooleanField(
        required=False,
        default=False,
        help_text="provision 为 certificate 时必填 true：申请人同意本次调取该电子证照",
    )


class ApplicationCreateSerializer(_FieldsOnce, serializers.Serializer):
    implementation = serializers.CharField(max_length=31, help_text="实施编码（31位）")
    enterprise = serializers.IntegerField(
        required=False, allow_null=True, help_text="以企业名义申请时的企业ID"
    )
    form_data = serializers.JSONField(required=False, default=dict)
    materials = ApplicationMaterialProvisionSerializer(many=True, required=False)
    submit = serializers.BooleanField(
        required=False, default=False, help_text="为 true 时创建后立即提交"
    )


class ApplicationDraftSerializer(serializers.Serializer):
    form_data = serializers.JSONField()


class ApplicationMaterialInputSerializer(serializers.Serializer):
    """multipart/form-data: a file to upload, or a provision without a file."""

    material = serializers.IntegerField(help_text="材料ID")
    provision = serializers.ChoiceField(
        choices=c.Provision.choices, default=c.Provision.UPLOAD
    )
    file = serializers.FileField(
        required=False,
        allow_empty_file=True,
        use_url=False,
        help_text="PDF、JPG、PNG 或 OFD，按内容识别",
    )
    promise_text = serializers.CharField(
        required=False, allow_blank=True, max_length=2000
    )
    promised_by = serializers.DateField(required=False, allow_null=True)
    certificate_ref = serializers.CharField(
        required=False, allow_blank=True, max_length=100
    )
    certificate_consent = serializers.BooleanField(
        required=False,
        default=False,
        help_text="provision 为 certificate 时必填 true：申请人同意本次调取该电子证照",
    )


class ApplicationWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ApplicationSupplementItemSerializer(serializers.Serializer):
    material_id = serializers.IntegerField()
    problem = serializers.CharField(max_length=300, allow_blank=True)


class ApplicationSupplementSerializer(serializers.Serializer):
    items = ApplicationSupplementItemSerializer(many=True, allow_empty=True)
    due_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="补正期限（不早于今天，不晚于配置的最长工作日数）；不填按默认",
    )


class ApplicationRefuseSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=2000)
    legal_basis = serializers.CharField(allow_blank=True, max_length=300)


# --- public tracking -----------------------------------------------------------------


class TrackEventSerializer(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    at = serializers.DateTimeField()


class TrackCertificateSerializer(serializers.Serializer):
    identifier = serializers.CharField(help_text="电子证照标识")
    verify_url = serializers.URLField(help_text="公开核验地址")


class TrackResultSerializer(serializers.Serializer):
    number = serializers.CharField()
    item_name = serializers.CharField()
    department_name = serializers.CharField()
    hall_name = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    acceptance_due = serializers.DateField(allow_null=True)
    promised_date = serializers.DateField(allow_null=True)
    dates_provisional = serializers.BooleanField()
    timeline = TrackEventSerializer(many=True)
    acceptance_deemed = serializers.BooleanField(
        help_text="受理审查期限内未告知补正，依法视为受理（行政许可法第三十二条）"
    )
    supplement_due = serializers.DateField(
        allow_null=True, help_text="待补正时：一次性告知书载明的补正期限"
    )
    closure_label = serializers.CharField(help_text="已归档时：归档原因")
    certificates = TrackCertificateSerializer(
        many=True, help_text="批准后签发的电子证照（仅标识与核验地址）"
    )
