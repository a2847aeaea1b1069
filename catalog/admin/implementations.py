"""Implementations of an item (实施清单) by region and body, with their
variances from the standard guide, recorded through ``services.variance_record``."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from portal.admin import audit_value

from .. import selectors, services
from ..forms_admin import VarianceInlineForm
from ..importexport import format_version_value
from ..models import Implementation, Variance
from .base import CatalogModelAdmin


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
