"""Reference data of the catalog: regions, bodies, service halls and their
windows, themes, certificate types, intermediary services and agencies."""

from __future__ import annotations

from django.contrib import admin

from ..models import (
    CertificateType,
    Department,
    IntermediaryAgency,
    IntermediaryService,
    Region,
    ServiceHall,
    Theme,
    Window,
)
from .base import CatalogModelAdmin


@admin.register(Region)
class RegionAdmin(CatalogModelAdmin):
    list_display = ("code", "name", "name_bo", "level", "parent", "order")
    list_filter = ("level",)
    search_fields = ("code", "name", "name_bo")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


@admin.register(Department)
class DepartmentAdmin(CatalogModelAdmin):
    list_display = ("name", "credit_code", "region", "level", "kind", "is_active")
    list_filter = ("level", "nature", "is_active")
    search_fields = ("name", "name_bo", "short_name", "credit_code", "kind")
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
    list_display = ("code", "name", "name_bo", "audience", "order")
    list_filter = ("audience",)
    search_fields = ("code", "name", "name_bo")


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
