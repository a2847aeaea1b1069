"""A stage of a version's process with its parallel steps (reached from the
version page; a stage's page edits its steps)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.admin import ServiceErrorAdminMixin

from .. import constants as c
from .. import services
from ..models import ProcessStage, ServiceItemVersion
from .inlines import DraftChildrenAdminMixin, ProcessStepInline


@admin.register(ProcessStage)
class ProcessStageAdmin(
    ServiceErrorAdminMixin, DraftChildrenAdminMixin, admin.ModelAdmin
):
    """A stage of a version's process with its parallel steps."""

    list_display = ("name", "order", "version_link", "version_status")
    list_filter = ("version__status",)
    search_fields = ("name", "version__name", "version__item__basic_code")
    list_select_related = ("version__item",)
    fields = ("version_link", "order", "name")
    readonly_fields = ("version_link",)
    inlines = [ProcessStepInline]

    @staticmethod
    def owning_version(obj: ProcessStage) -> ServiceItemVersion:
        return obj.version

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("version__item")

    @admin.display(description=_("事项版本"))
    def version_link(self, obj: ProcessStage) -> str:
        url = reverse("admin:catalog_serviceitemversion_change", args=[obj.version_id])
        return format_html('<a href="{}">{}</a>', url, obj.version)

    @admin.display(description=_("版本状态"), ordering="version__status")
    def version_status(self, obj: ProcessStage) -> str:
        return obj.version.get_status_display()

    def has_add_permission(self, request) -> bool:
        return False  # stages are added on the version page

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or obj.version.is_draft
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.version.is_draft
        )

    def save_model(self, request, obj, form, change) -> None:
        if form.changed_data:
            services.draft_children_save(
                version=obj.version,
                actor=request.user,
                saved=[(obj, form.changed_data)],
            )

    def delete_model(self, request, obj) -> None:
        services.draft_children_save(
            version=obj.version, actor=request.user, deleted=[obj]
        )

    def delete_queryset(self, request, queryset) -> None:
        for stage in queryset.filter(version__status=c.VersionStatus.DRAFT):
            self.delete_model(request, stage)
