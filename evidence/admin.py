"""The evidence office's admin: certificate specs and the sharing catalogue
(数据共享目录) edited by catalog editors, every change audited; issued
certificates, signing keys and the access log read-only; the xlsx import of
certificates from an older library (all or nothing, catalog editors only).

Certificates change state only through the services (issue, revoke, expire):
the admin offers no add, change or delete for them.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.admin.base import can_edit_catalog, download, xlsx_import_view
from catalog.forms_admin import CatalogImportForm
from portal.admin import (
    AuditedAdminMixin,
    ReadOnlyAdminMixin,
    ServiceErrorAdminMixin,
)

from .models import (
    AccessLogEntry,
    Certificate,
    CertificateSpec,
    SharingRule,
    SigningKey,
)
from .services.importing import certificate_import_template, certificate_import_xlsx


class EvidenceModelAdmin(ServiceErrorAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Reference data of the evidence office: saved by the admin, audited."""


@admin.register(CertificateSpec)
class CertificateSpecAdmin(EvidenceModelAdmin):
    list_display = ("certificate_type", "validity_years")
    search_fields = ("certificate_type__code", "certificate_type__name")
    autocomplete_fields = ("certificate_type",)
    list_select_related = ("certificate_type",)


@admin.register(SharingRule)
class SharingRuleAdmin(EvidenceModelAdmin):
    list_display = ("department", "certificate_type", "item_label", "basis", "active")
    list_filter = ("active",)
    search_fields = (
        "department__name",
        "certificate_type__name",
        "certificate_type__code",
        "item__name",
        "item__basic_code",
        "basis",
    )
    autocomplete_fields = ("department", "certificate_type", "item")
    list_select_related = ("department", "certificate_type", "item")

    @admin.display(description=_("事项"), ordering="item__basic_code")
    def item_label(self, obj: SharingRule) -> str:
        return str(obj.item) if obj.item_id else gettext("该部门办理的全部事项")


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "identifier",
        "certificate_type",
        "issuer",
        "holder_masked",
        "issued_on",
        "valid_until",
        "status",
    )
    list_filter = ("status", "certificate_type")
    search_fields = ("identifier", "serial", "application_number")
    list_select_related = ("certificate_type", "issuer")
    date_hierarchy = "issued_on"
    # What identifies a certificate and its state; never its face data, file
    # or the holder's name (reading those is an audited fetch, not a list).
    fields = (
        "identifier",
        "certificate_type",
        "issuer",
        "serial",
        "version",
        "holder_kind",
        "holder_masked",
        "issued_on",
        "valid_from",
        "valid_until",
        "status",
        "status_changed_at",
        "revoked_reason",
        "signing_key",
        "source",
        "application_number",
    )
    change_list_template = "admin/evidence/certificate/change_list.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="evidence_certificate_import"),
            path(
                "import/template/",
                wrap(self.template_view),
                name="evidence_certificate_import_template",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": can_edit_catalog(request.user),
        }
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        form = CatalogImportForm(request.POST or None, request.FILES or None)
        form.fields["file"].help_text = _(
            "工作表“电子证照”，每行一张证照；可先下载空白模板填写后上传。"
        )
        return xlsx_import_view(
            self,
            request,
            form=form,
            importer=certificate_import_xlsx,
            template="admin/evidence/certificate/import.html",
            title=_("导入电子证照"),
            success_url=reverse("admin:evidence_certificate_changelist"),
        )

    def template_view(self, request):
        if not can_edit_catalog(request.user):
            raise PermissionDenied
        return download(certificate_import_template(), "certificates-template.xlsx")


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("key_id", "department", "valid_from", "valid_until", "revoked_at")
    search_fields = ("key_id", "department__name")
    list_select_related = ("department",)


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "at",
        "certificate",
        "department",
        "reader",
        "application_number",
        "item_name",
        "purpose",
        "outcome",
    )
    list_filter = ("outcome", "purpose")
    search_fields = ("application_number", "certificate__identifier")
    list_select_related = ("certificate", "department", "reader")
    exclude = ("holder_hash",)
    date_hierarchy = "at"
