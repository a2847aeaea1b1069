"""The variance report: every recorded variance by county, as a page and as
an xlsx download, for catalog editors and supervisors."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.admin import ReadOnlyAdminMixin

from .. import selectors
from ..forms_admin import VarianceReportFilterForm
from ..importexport import format_version_value, variance_report_xlsx
from ..models import Variance
from .base import can_see_variance_report, download


@admin.register(Variance)
class VarianceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Variances are recorded on their implementation; this admin is the report."""

    list_select_related = (
        "implementation__item",
        "implementation__region",
        "implementation__department",
        "approved_by",
    )

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
        return download(
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
