"""What every catalog admin shares: who may use the catalog-office tools, the
xlsx download answer, and the audited base class for reference data."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from portal.admin import (
    AuditedAdminMixin,
    ServiceErrorAdminMixin,
    service_error_messages,
)
from portal.errors import ServiceError
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


def xlsx_import_view(
    model_admin: admin.ModelAdmin,
    request,
    *,
    form,
    importer: Callable,
    template: str,
    title,
    success_url: str,
) -> HttpResponse:
    """The all-or-nothing import page of an admin (catalog editors only).

    ``importer(file=..., actor=...)`` returns a result with a ``summary`` or
    raises a ServiceError whose items are listed (the first 300) with a 400.
    """
    if not can_edit_catalog(request.user):
        raise PermissionDenied
    failure: ServiceError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            result = importer(file=form.cleaned_data["file"], actor=request.user)
        except ServiceError as exc:
            failure = exc
        else:
            model_admin.message_user(
                request,
                gettext("导入成功：%(summary)s") % {"summary": result.summary},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(success_url)
    lines = service_error_messages(failure) if failure else []
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "form": form,
        "failure": failure,
        "error_lines": lines[:300],
        "more_errors": max(0, len(lines) - 300),
    }
    return TemplateResponse(request, template, context, status=400 if failure else 200)


class CatalogModelAdmin(ServiceErrorAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Reference data: saved by the admin, every change audited."""
