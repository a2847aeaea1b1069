"""What every catalog admin shares: who may use the catalog-office tools, the
xlsx download answer, and the audited base class for reference data."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpResponse

from portal.admin import AuditedAdminMixin, ServiceErrorAdminMixin
from portal.roles import Role, user_has_role

from ..importexport import XLSX_CONTENT_TYPE


def can_edit_catalog(user) -> bool:
    """Import, export and the catalog-office tools: catalog editors and superusers."""
    return bool(user.is_active and user.is_staff) and user_has_role(
        user, Role.CATALOG_EDITOR
    )


def can_see_variance_report(user) -> bool:
    return bool(user.is_active and user.is_staff) and user_has_role(
        user, Role.CATALOG_EDITOR, Role.SUPERVISOR
    )


def download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class CatalogModelAdmin(ServiceErrorAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Reference data: saved by the admin, every change audited."""
