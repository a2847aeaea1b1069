"""The supervisor dashboard, its drill-downs and xlsx exports (supervisors only;
a county supervisor sees their county, anything else is a 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.errors import ServiceError

from .. import dashboard as d
from ..exports import XLSX_TYPE, table_xlsx
from ..scope import SupervisorScope, supervisor_scope

PAGE_SIZE = 50
EXPORT_ROWS = 10_000
TABLES = ("department", "item", "weekly_counts", "weekly_rates")


def _scope(request) -> SupervisorScope:
    scope = supervisor_scope(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


def _query(scope, request):
    """(query, error): a bad period is shown on the page (400); a region or
    department outside the scope is a 404."""
    try:
        return d.parse_query(scope, request.GET), None
    except ServiceError as exc:
        if exc.status == 404:
            raise Http404 from exc
        return None, exc


def _filter_context(scope, request) -> dict:
    return {
        "regions": d.regions_in(scope),
        "departments": d.departments_in(scope),
        "chosen": {
            "from": request.GET.get("from", ""),
            "to": request.GET.get("to", ""),
            "region": request.GET.get("region", ""),
            "department": request.GET.get("department", ""),
        },
        "scope": scope,
        "supervisor": True,
    }


@login_required
def dashboard(request):
    scope = _scope(request)
    query, error = _query(scope, request)
    context = _filter_context(scope, request)
    if error is not None:
        context["error"] = error
        return render(request, "supervision/dashboard.html", context, status=400)
    by_department, as_of = d.summary_table(query, "department")
    by_item, _as_of = d.summary_table(query, "item")
    context.update(
        {
            "query": query,
            "as_of": as_of,
            "tables": [by_department, by_item],
            "weekly": d.weekly_tables(query),
            "metrics": d.figures.METRICS,
        }
    )
    if not context["chosen"]["from"]:
        context["chosen"].update(
            {"from": query.params["from"], "to": query.params["to"]}
        )
    return render(request, "supervision/dashboard.html", context)


@login_required
def dashboard_export(request, table: str):
    scope = _scope(request)
    if table not in TABLES:
        raise Http404
    query, error = _query(scope, request)
    if error is not None:
        return render(
            request,
            "supervision/dashboard.html",
            {**_filter_context(scope, request), "error": error},
            status=400,
        )
    as_of = None
    if table in ("department", "item"):
        chosen, as_of = d.summary_table(query, table)
    else:
        chosen = next((t for t in d.weekly_tables(query) if t.key == table), None)
        if chosen is None:
            raise Http404
    body = table_xlsx(
        title=_("监督看板 · %(table)s") % {"table": chosen.title},
        about=d.about_lines(query, as_of),
        headers=chosen.headers,
        rows=chosen.export_rows(),
    )
    response = HttpResponse(body, content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{d.export_filename(table, query)}"'
    )
    return response


@login_required
def dashboard_drill(request, metric: str):
    scope = _scope(request)
    try:
        chosen = d.metric_or_404(metric)
    except ServiceError as exc:
        raise Http404 from exc
    if not chosen.drill:
        raise Http404
    query, error = _query(scope, request)
    if error is not None:
        return render(
            request,
            "supervision/dashboard.html",
            {**_filter_context(scope, request), "error": error},
            status=400,
        )
    item_id = request.GET.get("item") or None
    if item_id is not None:
        try:
            item_id = int(item_id)
        except ValueError:
            raise Http404 from None
    try:
        applications = d.figures.drilldown(
            query.filters, query.period, chosen.key, item_id=item_id
        )
    except ServiceError as exc:  # item_unknown
        raise Http404 from exc
    applications = applications.select_related(
        "implementation__department",
        "implementation__region",
        "implementation__item",
    ).order_by("-submitted_at", "-pk")
    about = d.about_lines(query, None)
    if item_id is not None:
        about.append(_("事项：%(name)s") % {"name": d.item_name(item_id)})
    if request.GET.get("format") == "xlsx":
        return _drill_xlsx(chosen, query, applications, about)
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/dashboard_drill.html",
        {
            "metric": chosen,
            "query": query,
            "page": page,
            "about": about,
            "item_id": item_id,
            "back": query.url("supervision:dashboard"),
            "export": f"{request.path}?{_with(request.GET, format='xlsx')}",
            "supervisor": True,
        },
    )


def _with(get, **extra) -> str:
    params = get.copy()
    params.pop("page", None)
    for key, value in extra.items():
        params[key] = value
    return params.urlencode()


def _drill_xlsx(metric, query, applications, about):
    """The drill-down list as xlsx: the first EXPORT_ROWS applications (the
    count above them is the whole list's, which is the figure)."""
    total = applications.count()
    rows = [
        [
            a.number or "—",
            a.implementation.item.name,
            a.implementation.department.name,
            a.implementation.region.name,
            timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M")
            if a.submitted_at
            else "—",
            a.get_status_display(),
        ]
        for a in applications[:EXPORT_ROWS]
    ]
    lines = [*about, _("清单合计 %(n)s 件") % {"n": total}]
    if total > EXPORT_ROWS:
        lines.append(_("仅导出前 %(n)s 件") % {"n": EXPORT_ROWS})
    body = table_xlsx(
        title=str(metric.label),
        about=lines,
        headers=[
            _("办件编号"),
            _("事项"),
            _("部门"),
            _("实施区划"),
            _("提交时间"),
            _("状态"),
        ],
        rows=rows,
    )
    response = HttpResponse(body, content_type=XLSX_TYPE)
    name = d.export_filename(f"drill-{metric.key}", query)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
