"""The catalog spreadsheet in the item admin: import (all or nothing), the
empty template, export of the filtered list and of selected items.

Only catalog editors may use them (``can_edit_catalog``); the workbook itself
is built and read by ``catalog.importexport``.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..forms_admin import CatalogImportForm
from ..importexport import catalog_export_xlsx, catalog_import_xlsx
from .base import can_edit_catalog, download, xlsx_import_view


class ItemImportExportMixin:
    """Import/export URLs, views and the export action of ``ServiceItemAdmin``."""

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
        return xlsx_import_view(
            self,
            request,
            form=CatalogImportForm(request.POST or None, request.FILES or None),
            importer=catalog_import_xlsx,
            template="admin/catalog/serviceitem/import.html",
            title=_("导入Excel"),
            success_url=reverse("admin:catalog_serviceitem_changelist"),
        )

    def template_view(self, request):
        if not can_edit_catalog(request.user):
            raise PermissionDenied
        return download(catalog_export_xlsx(items=[]), "catalog-template.xlsx")

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
        return download(
            catalog_export_xlsx(items=queryset),
            f"catalog-{timezone.localdate():%Y%m%d}.xlsx",
        )

    @admin.action(description=_("导出所选事项为Excel"), permissions=["catalog_edit"])
    def export_selected(self, request, queryset):
        return download(
            catalog_export_xlsx(items=queryset.order_by("basic_code")),
            f"catalog-{timezone.localdate():%Y%m%d}.xlsx",
        )
