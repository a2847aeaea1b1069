"""Versions of an item (the service guide): the draft form by guide element,
the read-only view of published and retired versions, and the lifecycle
fields. Publishing, checking, new drafts and retiring are in ``publishing``."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.admin import AuditedAdminMixin, ServiceErrorAdminMixin

from .. import constants as c
from .. import services
from ..forms_admin import VersionDraftForm
from ..importexport import format_version_value
from ..models import ServiceItemVersion
from .inlines import DraftChildrenAdminMixin, MaterialInline, ProcessStageInline
from .publishing import VersionPublishingMixin

VERSION_FIELDSETS = [
    (
        _("版本"),
        {
            "fields": (
                "item",
                ("version", "status"),
                "change_note",
                ("effective_from", "effective_to"),
                ("published_at", "published_by_label"),
                ("retired_at", "retired_by_label"),
            )
        },
    ),
    (
        _("基本信息"),
        {
            "fields": (
                "name",
                "item_type",
                "legal_bases",
                "power_source",
                "authority_level",
                "implementing_nature",
                "entrusting_body",
                "co_handling_bodies",
                "keywords",
            )
        },
    ),
    (_("受理"), {"fields": ("acceptance_conditions", "served_parties")}),
    (
        _("时限"),
        {
            "fields": (
                ("statutory_limit_value", "statutory_limit_unit"),
                "statutory_limit_note",
                ("promised_limit_value", "promised_limit_unit"),
                "promised_limit_note",
                "is_immediate",
                "special_procedures",
            )
        },
    ),
    (
        _("办理方式"),
        {
            "fields": (
                "channels",
                "depth",
                "depth_flags",
                ("visits", "visits_reason"),
                "place",
                "hours",
                ("appointment", "appointment_quota"),
                ("courier", "self_service"),
            )
        },
    ),
    (
        _("收费与结果"),
        {"fields": ("fees", "results", "result_by_post", "result_certificate_type")},
    ),
    (
        _("咨询与监督"),
        {
            "fields": (
                "consult_channels",
                "complaint_channels",
                "review_body",
                "litigation_body",
                "faq",
            )
        },
    ),
    (_("申请表"), {"classes": ("collapse",), "fields": ("form_schema",)}),
    (
        _("藏文（群众看到的内容，选填）"),
        {"fields": ("name_bo", "conditions_bo", "form_texts_bo")},
    ),
]

VERSION_LIFECYCLE_READONLY = (
    "item",
    "version",
    "status",
    "change_note",
    "effective_from",
    "effective_to",
    "published_at",
    "published_by_label",
    "retired_at",
    "retired_by_label",
)


# List-shaped guide elements: read-only pages show them as editors type them.
GUIDE_LIST_FIELDS = (
    "legal_bases",
    "acceptance_conditions",
    "served_parties",
    "special_procedures",
    "channels",
    "depth_flags",
    "fees",
    "results",
    "faq",
    "form_texts_bo",
)


@admin.register(ServiceItemVersion)
class ServiceItemVersionAdmin(
    VersionPublishingMixin,
    ServiceErrorAdminMixin,
    DraftChildrenAdminMixin,
    AuditedAdminMixin,
    admin.ModelAdmin,
):
    form = VersionDraftForm
    fieldsets = VERSION_FIELDSETS
    readonly_fields = VERSION_LIFECYCLE_READONLY
    list_display = (
        "item_code",
        "name",
        "version",
        "status",
        "effective_from",
        "effective_to",
        "published_at",
    )
    list_display_links = ("item_code", "name")
    list_filter = ("status", "item_type", "depth")
    search_fields = ("name", "item__basic_code")
    list_select_related = ("item",)
    inlines = [MaterialInline, ProcessStageInline]
    actions = ["publish_drafts", "new_drafts", "retire_versions", "check_guides"]
    change_form_template = "admin/catalog/serviceitemversion/change_form.html"

    @staticmethod
    def owning_version(obj: ServiceItemVersion) -> ServiceItemVersion:
        return obj

    @admin.display(description=_("基本编码"), ordering="item__basic_code")
    def item_code(self, obj: ServiceItemVersion) -> str:
        return obj.item.basic_code

    @admin.display(description=_("发布人"))
    def published_by_label(self, obj: ServiceItemVersion) -> str:
        return str(obj.published_by) if obj.published_by_id else "—"

    @admin.display(description=_("废止人"))
    def retired_by_label(self, obj: ServiceItemVersion) -> str:
        return str(obj.retired_by) if obj.retired_by_id else "—"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read-only: list-shaped elements in the format editors type them.
        return [
            (
                title,
                {
                    **options,
                    "fields": tuple(
                        f"{name}_display" if name in GUIDE_LIST_FIELDS else name
                        for name in options["fields"]
                    ),
                },
            )
            for title, options in fieldsets
        ]

    def has_add_permission(self, request) -> bool:
        # New versions come from a new item or the "new draft" action.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or obj.is_draft
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.is_draft
        )

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset.filter(status=c.VersionStatus.DRAFT))

    def save_model(self, request, obj, form, change) -> None:
        editable = set(form.fields) - set(VERSION_LIFECYCLE_READONLY)
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in editable
        }
        if changes:
            services.version_update_draft(
                version=obj, actor=request.user, changes=changes
            )


def _guide_display(name: str):
    @admin.display(description=ServiceItemVersion._meta.get_field(name).verbose_name)
    def display(self, obj: ServiceItemVersion) -> str:
        return format_html(
            '<div class="pre-line">{}</div>',
            format_version_value(name, getattr(obj, name)),
        )

    return display


for _name in GUIDE_LIST_FIELDS:
    setattr(ServiceItemVersionAdmin, f"{_name}_display", _guide_display(_name))
