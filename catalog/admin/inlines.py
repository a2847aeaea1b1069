"""A version's children on its admin pages: materials and process stages on
the version, parallel steps on a stage. Editable only while the version is a
draft; every save goes through ``services.draft_children_save``."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Material, ProcessStage, ProcessStep, ServiceItemVersion


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
        ("order", "name", "name_bo"),
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
