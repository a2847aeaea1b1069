"""Catalog admin for the catalog office (审改办).

Every change goes through catalog.services (item_create, version_update_draft,
version_new_draft, version_publish, version_retire, implementation_create,
variance_record) or catalog.importexport (draft children, import), each of
which writes the audit log; reference data (regions, bodies, halls...) is
saved by the admin itself and audited by ``AuditedAdminMixin``. Published and
retired versions are read-only here, as the models insist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.admin import (
    AuditedAdminMixin,
    PortalUserAdmin,
    ServiceErrorAdminMixin,
    audit_value,
    service_error_messages,
)
from portal.errors import ServiceError
from portal.models import User
from portal.roles import Role, user_has_role

from . import constants as c
from . import selectors, services
from .forms_admin import (
    CatalogImportForm,
    RetireForm,
    VarianceInlineForm,
    VarianceReportFilterForm,
    VersionDraftForm,
)
from .importexport import (
    XLSX_CONTENT_TYPE,
    catalog_export_xlsx,
    catalog_import_xlsx,
    format_version_value,
    variance_report_xlsx,
)
from .models import (
    CertificateType,
    Department,
    Implementation,
    IntermediaryAgency,
    IntermediaryService,
    Material,
    ProcessStage,
    ProcessStep,
    Region,
    ServiceHall,
    ServiceItem,
    ServiceItemVersion,
    StaffProfile,
    Theme,
    Variance,
    Window,
)


def can_edit_catalog(user) -> bool:
    """Import, export and the catalog-office tools: catalog editors and superusers."""
    return bool(user.is_active and user.is_staff) and user_has_role(
        user, Role.CATALOG_EDITOR
    )


def can_see_variance_report(user) -> bool:
    return bool(user.is_active and user.is_staff) and user_has_role(
        user, Role.CATALOG_EDITOR, Role.SUPERVISOR
    )


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class CatalogModelAdmin(ServiceErrorAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Reference data: saved by the admin, every change audited."""


# --- regions, bodies, halls, reference data ----------------------------------


@admin.register(Region)
class RegionAdmin(CatalogModelAdmin):
    list_display = ("code", "name", "level", "parent", "order")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


@admin.register(Department)
class DepartmentAdmin(CatalogModelAdmin):
    list_display = ("name", "credit_code", "region", "level", "kind", "is_active")
    list_filter = ("level", "nature", "is_active")
    search_fields = ("name", "short_name", "credit_code", "kind")
    list_select_related = ("region",)
    autocomplete_fields = ("region", "parent")


class WindowInline(admin.TabularInline):
    model = Window
    extra = 0
    fields = ("number", "name", "is_comprehensive", "departments")
    autocomplete_fields = ("departments",)


@admin.register(ServiceHall)
class ServiceHallAdmin(CatalogModelAdmin):
    list_display = ("name", "region", "phone", "self_service")
    list_filter = ("self_service",)
    search_fields = ("name", "address")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)
    inlines = [WindowInline]


@admin.register(Window)
class WindowAdmin(CatalogModelAdmin):
    """Not on the index (windows are edited in their hall); serves autocomplete."""

    list_display = ("number", "name", "hall", "is_comprehensive")
    search_fields = ("number", "name", "hall__name")
    list_select_related = ("hall",)
    autocomplete_fields = ("hall", "departments")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("hall")

    def get_model_perms(self, request) -> dict:
        return {}


@admin.register(Theme)
class ThemeAdmin(CatalogModelAdmin):
    list_display = ("code", "name", "audience", "order")
    list_filter = ("audience",)
    search_fields = ("code", "name")


@admin.register(CertificateType)
class CertificateTypeAdmin(CatalogModelAdmin):
    list_display = ("code", "name", "issuing_authority", "holder_kind")
    list_filter = ("holder_kind",)
    search_fields = ("code", "name", "issuing_authority")


@admin.register(IntermediaryService)
class IntermediaryServiceAdmin(CatalogModelAdmin):
    list_display = ("name", "basis", "fee_basis")
    search_fields = ("name", "basis")
    autocomplete_fields = ("items",)


@admin.register(IntermediaryAgency)
class IntermediaryAgencyAdmin(CatalogModelAdmin):
    list_display = ("name", "credit_code", "region", "qualification", "phone")
    search_fields = ("name", "credit_code", "qualification")
    list_select_related = ("region",)
    autocomplete_fields = ("region", "services")


@admin.register(StaffProfile)
class StaffProfileAdmin(CatalogModelAdmin):
    list_display = ("user", "department", "hall", "region")
    search_fields = ("user__username", "user__display_name", "department__name")
    list_select_related = ("user", "department", "hall", "region")
    autocomplete_fields = ("user", "department", "hall", "region")


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    fk_name = "user"
    max_num = 1
    can_delete = True
    autocomplete_fields = ("department", "hall", "region")
    verbose_name = _("工作人员归属")
    verbose_name_plural = _("工作人员归属（部门、大厅、服务区划）")


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(PortalUserAdmin):
    """Portal's user admin plus where a staff member works (a catalog model)."""

    inlines = [*PortalUserAdmin.inlines, StaffProfileInline]


# --- items -------------------------------------------------------------------


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
class ServiceItemAdmin(CatalogModelAdmin):
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

    # -- import / export ------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "import/",
                wrap(self.import_view),
                name="catalog_serviceitem_import",
            ),
            path(
                "import/template/",
                wrap(self.template_view),
                name="catalog_serviceitem_import_template",
            ),
            path(
                "export/",
                wrap(self.export_view),
                name="catalog_serviceitem_export",
            ),
            *super().get_urls(),
        ]

    def has_catalog_edit_permission(self, request) -> bool:
        return can_edit_catalog(request.user)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import_export": can_edit_catalog(request.user),
            "export_query": request.GET.urlencode(),
        }
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not can_edit_catalog(request.user):
            raise PermissionDenied
        form = CatalogImportForm(request.POST or None, request.FILES or None)
        failure: ServiceError | None = None
        if request.method == "POST" and form.is_valid():
            try:
                result = catalog_import_xlsx(
                    file=form.cleaned_data["file"], actor=request.user
                )
            except ServiceError as exc:
                failure = exc
            else:
                self.message_user(
                    request,
                    gettext("导入成功：%(summary)s") % {"summary": result.summary},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:catalog_serviceitem_changelist")
                )
        lines = service_error_messages(failure) if failure else []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("导入Excel"),
            "form": form,
            "failure": failure,
            "error_lines": lines[:300],
            "more_errors": max(0, len(lines) - 300),
        }
        status = 400 if failure else 200
        return TemplateResponse(
            request, "admin/catalog/serviceitem/import.html", context, status=status
        )

    def template_view(self, request):
        if not can_edit_catalog(request.user):
            raise PermissionDenied
        return _download(catalog_export_xlsx(items=[]), "catalog-template.xlsx")

    def export_view(self, request):
        if not can_edit_catalog(request.user):
            raise PermissionDenied
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            self.message_user(
                request, gettext("筛选条件无效，未能导出"), messages.ERROR
            )
            return HttpResponseRedirect(reverse("admin:catalog_serviceitem_changelist"))
        return _download(
            catalog_export_xlsx(items=queryset),
            f"catalog-{timezone.localdate():%Y%m%d}.xlsx",
        )

    @admin.action(description=_("导出所选事项为Excel"), permissions=["catalog_edit"])
    def export_selected(self, request, queryset):
        return _download(
            catalog_export_xlsx(items=queryset.order_by("basic_code")),
            f"catalog-{timezone.localdate():%Y%m%d}.xlsx",
        )


# --- versions and their children ---------------------------------------------


class DraftChildInlineMixin:
    """Children of a version: editable only while the version is a draft.

    ``obj`` is the parent the inline sits on (a version, or a stage for
    steps). Saving goes through ``draft_children_save`` (see the admins).
    """

    extra = 0

    @staticmethod
    def parent_version(obj) -> ServiceItemVersion | None:
        if obj is None:
            return None
        return obj if isinstance(obj, ServiceItemVersion) else obj.version

    def _draft(self, obj) -> bool:
        version = self.parent_version(obj)
        return version is not None and version.is_draft

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and self._draft(obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._draft(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._draft(obj)


class MaterialInline(DraftChildInlineMixin, admin.StackedInline):
    model = Material
    fields = (
        ("order", "name"),
        ("form", "medium", "paper_copies"),
        ("source", "source_note"),
        ("necessity", "certificate_type"),
        ("legal_basis", "notes"),
        ("blank_form", "sample"),
    )
    autocomplete_fields = ("certificate_type",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("certificate_type")


class ProcessStageInline(DraftChildInlineMixin, admin.TabularInline):
    model = ProcessStage
    fields = ("order", "name", "steps_summary")
    readonly_fields = ("steps_summary",)
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("steps__department")

    @admin.display(description=_("办理环节（并行）"))
    def steps_summary(self, obj: ProcessStage) -> str:
        if not obj.pk:
            return _("保存后点击“修改”添加环节")
        steps = [
            gettext("%(step)s（%(body)s，%(days)s个工作日）")
            % {
                "step": s.name,
                "body": s.department or s.department_kind,
                "days": s.limit_days,
            }
            for s in obj.steps.all()
        ]
        return "；".join(steps) or _("尚无环节，请点击“修改”添加")


class DraftChildrenAdminMixin:
    """Inline saves of a version's children go through draft_children_save."""

    def save_formset(self, request, form, formset, change) -> None:
        formset.save(commit=False)
        services.draft_children_save(
            version=self.owning_version(form.instance),
            actor=request.user,
            saved=[
                *((obj, []) for obj in formset.new_objects),
                *formset.changed_objects,
            ],
            deleted=formset.deleted_objects,
        )
        formset.save_m2m()


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
    (_("收费与结果"), {"fields": ("fees", "results", "result_by_post")}),
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


@admin.register(ServiceItemVersion)
class ServiceItemVersionAdmin(
    ServiceErrorAdminMixin, DraftChildrenAdminMixin, AuditedAdminMixin, admin.ModelAdmin
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

    # -- object tools and actions ---------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/publish/",
                wrap(self.publish_view),
                name="catalog_serviceitemversion_publish",
            ),
            path(
                "<int:pk>/check/",
                wrap(self.check_view),
                name="catalog_serviceitemversion_check",
            ),
            path(
                "<int:pk>/new-draft/",
                wrap(self.new_draft_view),
                name="catalog_serviceitemversion_new_draft",
            ),
            path(
                "<int:pk>/retire/",
                wrap(self.retire_view),
                name="catalog_serviceitemversion_retire",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "version_tools": self.has_change_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _label(version: ServiceItemVersion) -> str:
        return gettext("「%(name)s」（%(code)s v%(n)s）") % {
            "name": version.name,
            "code": version.item.basic_code,
            "n": version.version,
        }

    def _change_url(self, version: ServiceItemVersion) -> str:
        return reverse("admin:catalog_serviceitemversion_change", args=[version.pk])

    def _publish_one(self, request, version: ServiceItemVersion) -> bool:
        label = self._label(version)
        try:
            services.version_publish(version=version, actor=request.user)
        except ServiceError as exc:
            self.message_user(
                request,
                gettext("%(label)s未发布：%(detail)s")
                % {"label": label, "detail": exc.detail},
                messages.ERROR,
            )
            if exc.errors:
                for line in service_error_messages(exc, prefix=f"{label}："):
                    self.message_user(request, line, messages.ERROR)
            return False
        return True

    def _new_draft_one(self, request, version) -> ServiceItemVersion | None:
        try:
            return services.version_new_draft(version=version, actor=request.user)
        except ServiceError as exc:
            self.message_user(
                request, f"{self._label(version)}：{exc.detail}", messages.ERROR
            )
            return None

    def _check_one(self, request, version) -> None:
        label = self._label(version)
        problems = services.version_check(version=version)
        if not problems:
            self.message_user(
                request,
                gettext("%(label)s：办事指南检查通过，可以发布") % {"label": label},
                messages.SUCCESS,
            )
            return
        self.message_user(
            request,
            gettext("%(label)s：办事指南有%(count)d处不符合要求")
            % {"label": label, "count": len(problems)},
            messages.WARNING,
        )
        for problem in problems:
            self.message_user(request, f"{label}：{problem.detail}", messages.WARNING)

    def _retire_one(self, request, version, reason: str, effective_to) -> bool:
        try:
            services.version_retire(
                version=version,
                actor=request.user,
                reason=reason,
                effective_to=effective_to,
            )
        except ServiceError as exc:
            self.message_user(
                request, f"{self._label(version)}：{exc.detail}", messages.ERROR
            )
            return False
        return True

    def _tool_version(self, request, pk: int) -> ServiceItemVersion:
        if not self.has_change_permission(request):
            raise PermissionDenied
        return get_object_or_404(
            self.get_queryset(request).select_related("item"), pk=pk
        )

    def publish_view(self, request, pk: int):
        version = self._tool_version(request, pk)
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(version))
        if self._publish_one(request, version):
            self.message_user(
                request,
                gettext("%(label)s已发布") % {"label": self._label(version)},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self._change_url(version))

    def check_view(self, request, pk: int):
        version = self._tool_version(request, pk)
        self._check_one(request, version)
        return HttpResponseRedirect(self._change_url(version))

    def new_draft_view(self, request, pk: int):
        version = self._tool_version(request, pk)
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(version))
        draft = self._new_draft_one(request, version)
        if draft is None:
            return HttpResponseRedirect(self._change_url(version))
        self.message_user(
            request,
            gettext("已基于 v%(base)s 新建草稿 v%(n)s")
            % {"base": version.version, "n": draft.version},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._change_url(draft))

    def retire_view(self, request, pk: int):
        version = self._tool_version(request, pk)
        form = RetireForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if self._retire_one(
                request,
                version,
                form.cleaned_data["reason"],
                form.cleaned_data["effective_to"],
            ):
                self.message_user(
                    request,
                    gettext("%(label)s已废止") % {"label": self._label(version)},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(self._change_url(version))
        return self._retire_page(request, [version], form, action=None)

    def _retire_page(self, request, versions, form, *, action: str | None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("废止事项版本"),
            "versions": versions,
            "form": form,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/catalog/serviceitemversion/retire.html", context
        )

    @admin.action(description=_("发布所选草稿"), permissions=["change"])
    def publish_drafts(self, request, queryset):
        done = sum(
            self._publish_one(request, version)
            for version in queryset.select_related("item")
        )
        if done:
            self.message_user(
                request,
                gettext("已发布%(count)d个版本") % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("基于所选版本新建草稿"), permissions=["change"])
    def new_drafts(self, request, queryset):
        done = 0
        for version in queryset.select_related("item"):
            if self._new_draft_one(request, version) is not None:
                done += 1
        if done:
            self.message_user(
                request,
                gettext("已新建%(count)d个草稿版本") % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("废止所选版本"), permissions=["change"])
    def retire_versions(self, request, queryset):
        versions = list(queryset.select_related("item"))
        if request.POST.get("post") == "yes":
            form = RetireForm(request.POST)
            if form.is_valid():
                done = sum(
                    self._retire_one(
                        request,
                        version,
                        form.cleaned_data["reason"],
                        form.cleaned_data["effective_to"],
                    )
                    for version in versions
                )
                if done:
                    self.message_user(
                        request,
                        gettext("已废止%(count)d个版本") % {"count": done},
                        messages.SUCCESS,
                    )
                return None
        else:
            form = RetireForm()
        return self._retire_page(request, versions, form, action="retire_versions")

    @admin.action(description=_("检查办事指南"), permissions=["view"])
    def check_guides(self, request, queryset):
        for version in queryset.select_related("item"):
            self._check_one(request, version)


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


class ProcessStepInline(DraftChildInlineMixin, admin.TabularInline):
    model = ProcessStep
    fields = (
        "order",
        "name",
        "department",
        "department_kind",
        "action",
        "limit_days",
        "site_inspection",
        "special_procedure",
    )
    autocomplete_fields = ("department",)

    def get_extra(self, request, obj=None, **kwargs) -> int:
        return 1 if self._draft(obj) else 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department")


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


# --- implementations and variances -------------------------------------------


class CountyFilter(admin.SimpleListFilter):
    title = _("区县")
    parameter_name = "county"

    def lookups(self, request, model_admin):
        return [(r.code, r.name) for r in selectors.counties()]

    def queryset(self, request, queryset):
        code = self.value()
        if not code:
            return queryset
        return queryset.filter(Q(region__code=code) | Q(region__parent__code=code))


class VarianceInline(admin.TabularInline):
    """Recorded through services.variance_record (see ImplementationAdmin)."""

    model = Variance
    form = VarianceInlineForm
    fields = (
        "field",
        "standard_display",
        "local_value",
        "reason",
        "approved_by",
        "approved_on",
    )
    readonly_fields = ("standard_display",)
    autocomplete_fields = ("approved_by",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("approved_by")

    @admin.display(description=_("标准值"))
    def standard_display(self, obj: Variance) -> str:
        if not obj.pk:
            return "—"
        return format_version_value(obj.field, obj.standard_value)


@admin.register(Implementation)
class ImplementationAdmin(CatalogModelAdmin):
    list_display = (
        "code",
        "item",
        "region",
        "department",
        "hall",
        "is_active",
        "variance_count",
    )
    list_filter = ("is_active", CountyFilter)
    search_fields = ("code", "item__name", "item__basic_code", "department__name")
    list_select_related = ("item", "region", "department", "hall")
    autocomplete_fields = (
        "item",
        "region",
        "department",
        "hall",
        "windows",
        "service_points",
    )
    inlines = [VarianceInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(variance_total=Count("variances", distinct=True))
        )

    @admin.display(description=_("差异数"), ordering="variance_total")
    def variance_count(self, obj) -> int:
        return obj.variance_total

    def get_inlines(self, request, obj):
        # A variance needs the saved implementation and its published item.
        return self.inlines if obj else []

    def get_readonly_fields(self, request, obj=None):
        # The code embeds the body's credit code and the item's basic code.
        return ("item", "department", "code") if obj else ()

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        impl = services.implementation_create(
            item=obj.item,
            region=obj.region,
            department=obj.department,
            code=obj.code,
            actor=request.user,
            hall=obj.hall,
            hours=obj.hours,
            consult_phone=obj.consult_phone,
            complaint_phone=obj.complaint_phone,
            business_item_code=obj.business_item_code,
        )
        if impl.is_active != obj.is_active:  # the service creates active rows
            impl.is_active = obj.is_active
            impl.save(update_fields=["is_active"])
        obj.pk = impl.pk
        obj._state.adding = False
        obj._state.db = impl._state.db
        extra = {
            name: audit_value(form.cleaned_data[name])
            for name in ("windows", "service_points", "is_active")
            if name in form.changed_data
        }
        if extra:
            self.audit(request, "admin.change", obj, extra)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Variance:
            super().save_formset(request, form, formset, change)
            return
        formset.save(commit=False)
        for variance in formset.deleted_objects:
            self.audit(request, "admin.delete", variance)
            variance.delete()
        moved = {obj.pk for obj, fields in formset.changed_objects if "field" in fields}
        if moved:
            for variance in Variance.objects.filter(pk__in=moved):
                self.audit(request, "admin.delete", variance)
                variance.delete()
        pending = [*formset.new_objects, *(obj for obj, _ in formset.changed_objects)]
        for variance in pending:
            services.variance_record(
                implementation=form.instance,
                field=variance.field,
                local_value=variance.local_value,
                reason=variance.reason,
                approved_by=variance.approved_by
                if variance.approved_by_id
                else request.user,
                approved_on=variance.approved_on,
                actor=request.user,
            )


@admin.register(Variance)
class VarianceAdmin(admin.ModelAdmin):
    """Variances are recorded on their implementation; this admin is the report."""

    list_select_related = (
        "implementation__item",
        "implementation__region",
        "implementation__department",
        "approved_by",
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("report/", wrap(self.report_view), name="catalog_variance_report"),
            path(
                "report/xlsx/",
                wrap(self.report_xlsx_view),
                name="catalog_variance_report_xlsx",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        return HttpResponseRedirect(reverse("admin:catalog_variance_report"))

    def _report_queryset(self, request):
        if not can_see_variance_report(request.user):
            raise PermissionDenied
        counties = list(selectors.counties())
        form = VarianceReportFilterForm(
            request.GET if "region" in request.GET else None, regions=counties
        )
        region = None
        if form.is_bound:
            if form.is_valid():
                code = form.cleaned_data["region"]
                region = next((r for r in counties if r.code == code), None)
            else:
                self.message_user(
                    request, gettext("未知的区县，已显示全部区县的差异"), messages.ERROR
                )
        return form, region, selectors.variance_report(region=region)

    def report_view(self, request):
        form, region, queryset = self._report_queryset(request)
        page = Paginator(queryset, 100).get_page(request.GET.get("p"))
        rows = [variance_row(v) for v in page.object_list]
        query = f"region={region.code}" if region else ""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("事项差异报告"),
            "form": form,
            "region": region,
            "rows": rows,
            "page": page,
            "query": query,
        }
        return TemplateResponse(request, "admin/catalog/variance/report.html", context)

    def report_xlsx_view(self, request):
        _form, region, queryset = self._report_queryset(request)
        suffix = f"-{region.code}" if region else ""
        return _download(
            variance_report_xlsx(rows=[variance_row(v) for v in queryset]),
            f"variance-report{suffix}-{timezone.localdate():%Y%m%d}.xlsx",
        )


def variance_row(variance: Variance) -> dict[str, Any]:
    """One line of the variance report, as shown and as downloaded."""
    impl = variance.implementation
    return {
        "basic_code": impl.item.basic_code,
        "item": impl.item.name,
        "item_id": impl.item_id,
        "implementation_id": impl.pk,
        "region": impl.region.name,
        "department": impl.department.name,
        "implementation_code": impl.code,
        "field": variance.get_field_display(),
        "standard": format_version_value(variance.field, variance.standard_value),
        "local": format_version_value(variance.field, variance.local_value),
        "reason": variance.reason,
        "approved_by": str(variance.approved_by),
        "approved_on": variance.approved_on,
    }
