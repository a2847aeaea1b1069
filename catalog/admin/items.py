"""Catalog items: the list with its publication filter, the add form that
creates draft v1 through ``services.item_create``, and the item's versions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.admin import audit_value

from .. import constants as c
from .. import services
from ..models import ServiceItem, ServiceItemVersion
from .base import CatalogModelAdmin
from .import_export import ItemImportExportMixin


class ItemStatusFilter(admin.SimpleListFilter):
    title = _("发布状态")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("published", _("已发布")),
            ("unpublished", _("未发布")),
            ("draft", _("有草稿")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "published":
            return queryset.filter(current_version__isnull=False)
        if value == "unpublished":
            return queryset.filter(current_version__isnull=True)
        if value == "draft":
            return queryset.filter(
                Exists(
                    ServiceItemVersion.objects.filter(
                        item=OuterRef("pk"), status=c.VersionStatus.DRAFT
                    )
                )
            )
        return queryset


class ItemVersionInline(admin.TabularInline):
    """The item's versions, read-only, each linking to its page."""

    model = ServiceItemVersion
    fields = ("version", "status", "effective_from", "effective_to", "published_at")
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False
    verbose_name_plural = _("版本")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ServiceItem)
class ServiceItemAdmin(ItemImportExportMixin, CatalogModelAdmin):
    list_display = (
        "basic_code",
        "name",
        "item_type",
        "depth",
        "lead_department",
        "version_state",
    )
    list_filter = (ItemStatusFilter, "item_type", "depth", "themes")
    search_fields = ("basic_code", "name", "pinyin", "initials")
    list_select_related = ("lead_department", "current_version")
    autocomplete_fields = ("lead_department",)
    filter_horizontal = ("themes",)
    inlines = [ItemVersionInline]
    actions = ["export_selected"]
    change_list_template = "admin/catalog/serviceitem/change_list.html"
    add_fields = ("basic_code", "name", "item_type", "lead_department", "themes", "hot")
    change_fields = (
        "basic_code",
        "name",
        "item_type",
        "depth",
        "current_version",
        "lead_department",
        "themes",
        "hot",
    )

    def get_queryset(self, request):
        drafts = ServiceItemVersion.objects.filter(
            item=OuterRef("pk"), status=c.VersionStatus.DRAFT
        ).values("version")[:1]
        return super().get_queryset(request).annotate(draft_version=Subquery(drafts))

    def get_fields(self, request, obj=None):
        return self.change_fields if obj else self.add_fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("basic_code", "name", "item_type", "depth", "current_version")

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    @admin.display(description=_("版本"))
    def version_state(self, obj: ServiceItem) -> str:
        parts = []
        if obj.current_version_id:
            parts.append(gettext("现行 v%(n)s") % {"n": obj.current_version.version})
        if getattr(obj, "draft_version", None):
            parts.append(gettext("草稿 v%(n)s") % {"n": obj.draft_version})
        return " · ".join(parts) or "—"

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        version = services.item_create(
            basic_code=obj.basic_code,
            name=obj.name,
            item_type=obj.item_type,
            actor=request.user,
            lead_department=obj.lead_department,
            hot=obj.hot,
        )
        # The form saves the themes onto this instance next (save_related).
        obj.pk = version.item_id
        obj._state.adding = False
        obj._state.db = version._state.db
        themes = form.cleaned_data.get("themes")
        if themes:
            self.audit(
                request, "admin.change", obj, {"themes": audit_value(list(themes))}
            )
        url = reverse("admin:catalog_serviceitemversion_change", args=[version.pk])
        self.message_user(
            request,
            format_html(
                '已创建草稿版本 v1，请<a href="{}">完善办事指南</a>后发布。', url
            ),
            messages.INFO,
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        # Published or retired versions are history: such an item stays.
        return (
            obj is None
            or not obj.versions.exclude(status=c.VersionStatus.DRAFT).exists()
        )

    def delete_queryset(self, request, queryset) -> None:
        kept = queryset.filter(
            Exists(
                ServiceItemVersion.objects.filter(item=OuterRef("pk")).exclude(
                    status=c.VersionStatus.DRAFT
                )
            )
        )
        for item in kept:
            self.message_user(
                request,
                gettext("%(name)s（%(code)s）有已发布或已废止的版本，不能删除")
                % {"name": item.name, "code": item.basic_code},
                messages.ERROR,
            )
        super().delete_queryset(request, queryset.exclude(pk__in=kept))
