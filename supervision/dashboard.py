"""What the dashboard pages, their xlsx exports and the summary API show.

The figures are supervision.figures' (the engine: roll-up cells kept current
by Celery, see docs/adr/0010-supervision-figures.md); nothing here counts.
This module turns its Summary / WeekRow / PublicRow into tables of cells
(text, raw number, drill-down link) that the HTML templates, the xlsx
exports and the API all use, so the three show the same numbers.

Query parameters (pages and API alike): ``from``, ``to`` (ISO dates,
inclusive), ``region`` (a region code), ``department`` (a department id);
on a drill-down also ``item`` (an item id). A bad period is a 400 with the
engine's code; a region or department the user does not oversee is the same
404 as one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from catalog.constants import RegionLevel
from catalog.models import Department, Region, ServiceItem
from portal.errors import NotFoundError, ServiceError

from . import figures
from .exports import Percent
from .scope import SupervisorScope

UNKNOWN_CODES = frozenset({"region_unknown", "department_unknown", "item_unknown"})
PERCENT_KINDS = frozenset({"rate", "share"})
SUPPRESS_BELOW = 5  # the engine's (supervision.figures.reading) public threshold


@dataclass(frozen=True)
class Query:
    """A validated request: the engine's period and filters, and the
    parameters that name them again in links."""

    period: figures.Period
    filters: figures.Filters
    params: dict[str, str]
    region: Region | None = None
    department: Department | None = None

    def url(self, name: str, *args, **extra) -> str:
        params = {**self.params, **{k: str(v) for k, v in extra.items() if v}}
        return f"{reverse(name, args=args)}?{urlencode(params)}"


@dataclass
class Cell:
    text: str
    number: int | float | None = None
    detail: str = ""  # "numerator/denominator" of a rate, as shown
    numerator: int | None = None
    denominator: int | None = None
    url: str = ""
    note: str = ""
    kind: str = "count"
    suppressed: bool = False

    def export_value(self):
        if self.number is None:
            return self.note or "—"
        if self.kind in PERCENT_KINDS:
            return Percent(float(self.number))
        return self.number


@dataclass
class TableRow:
    label: str
    key: int | None
    cells: list[Cell]
    total: bool = False


# Column groups of the summary tables (the engine's metric keys; a key not
# listed here goes to the last group, so a new metric still shows).
GROUPS = (
    (
        _lazy("办理"),
        (
            "received",
            "accepted",
            "deemed",
            "withdrawn",
            "completed",
            "on_time_rate",
            "statutory_breach",
            "late_steps",
        ),
    ),
    (_lazy("当前"), ("open_now", "yellow_now", "red_now")),
    (_lazy("用时"), ("median_days", "p90_days")),
    (_lazy("渠道"), ("share_online", "share_counter", "share_agent", "share_api")),
    (
        _lazy("网办深度与材料"),
        ("items_online", "items_full_online", "certificate_share"),
    ),
    (_lazy("评价"), ()),
)


def grouped(metrics) -> tuple[list, list[tuple[str, int]]]:
    """``metrics`` in group order, and the groups' (label, column span)."""
    placed = {k: i for i, (_label, keys) in enumerate(GROUPS) for k in keys}
    last = len(GROUPS) - 1
    order = sorted(
        enumerate(metrics), key=lambda im: (placed.get(im[1].key, last), im[0])
    )
    ordered = [m for _i, m in order]
    spans: list[list] = []
    for metric in ordered:
        group = placed.get(metric.key, last)
        if spans and spans[-1][0] == group:
            spans[-1][1] += 1
        else:
            spans.append([group, 1])
    return ordered, [(str(GROUPS[g][0]), span) for g, span in spans]


@dataclass
class Table:
    key: str  # "department", "item", "weekly"
    title: str
    first_header: str
    metrics: list
    rows: list[TableRow] = field(default_factory=list)
    groups: list[tuple[str, int]] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [self.first_header, *[str(m.label) for m in self.metrics]]

    def export_rows(self) -> list[list]:
        return [[r.label, *[c.export_value() for c in r.cells]] for r in self.rows]


# --- the request ------------------------------------------------------------------


def regions_in(scope: SupervisorScope):
    """The regions a supervisor can filter by: the prefecture and counties
    they oversee (a county supervisor: their own county)."""
    qs = Region.objects.filter(level__in=[RegionLevel.PREFECTURE, RegionLevel.COUNTY])
    if not scope.whole_prefecture:
        qs = qs.filter(code__startswith=scope.prefix, level=RegionLevel.COUNTY)
    return qs.order_by("code")


def departments_in(scope: SupervisorScope):
    return (
        Department.objects.filter(scope.region_q("region"))
        .select_related("region")
        .order_by("region__code", "name", "pk")
    )


def parse_query(scope: SupervisorScope, get) -> Query:
    """The period and filters of a request's GET parameters.

    Raises the engine's ServiceError for a bad period (400) and a NotFoundError
    (404, same code) for a region or department outside ``scope``.
    """
    period = figures.parse_period(get.get("from") or None, get.get("to") or None)
    region = (get.get("region") or "").strip() or None
    department = (get.get("department") or "").strip() or None
    try:
        filters = figures.resolve_filters(scope, region, department)
    except ServiceError as exc:
        if exc.code in UNKNOWN_CODES:
            raise NotFoundError(exc.code, exc.detail, field=exc.field) from exc
        raise
    params = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    region_obj = department_obj = None
    if region:
        params["region"] = region
        region_obj = Region.objects.filter(code=region).first()
    if department:
        params["department"] = department
        department_obj = Department.objects.filter(pk=department).first()
    return Query(period, filters, params, region_obj, department_obj)


def metric_or_404(key: str):
    for metric in figures.METRICS:
        if metric.key == key:
            return metric
    raise NotFoundError("metric_unknown", _("没有这项指标"), field="metric")


# --- cells ------------------------------------------------------------------------


def format_value(metric, value) -> Cell:
    kind = str(metric.kind)
    if value is None or value.value is None:
        note = (value.note if value is not None else "") or ""
        return Cell(text=note or "—", note=note, kind=kind)
    number = value.value
    detail = ""
    if kind in PERCENT_KINDS:
        text = f"{float(number) * 100:.1f}%"
        if value.numerator is not None and value.denominator is not None:
            detail = f"{value.numerator}/{value.denominator}"
    elif kind == "days":
        text = f"{float(number):.1f}"
    else:
        text = f"{int(number):,}"
    return Cell(
        text=text,
        number=number,
        detail=detail,
        numerator=value.numerator,
        denominator=value.denominator,
        note=value.note,
        kind=kind,
    )


def drill_url(query: Query, metric, *, by: str | None = None, key=None) -> str:
    """The drill-down page of ``metric`` for a row (``by`` "department" or
    "item" and the row's key) or for the totals (no ``by``)."""
    extra: dict[str, object] = {}
    params = dict(query.params)
    if by == "department":
        params["department"] = str(key)
    elif by == "item":
        extra["item"] = key
    params.update({k: str(v) for k, v in extra.items()})
    base = reverse("supervision:dashboard_drill", args=[metric.key])
    return f"{base}?{urlencode(params)}"


def _cells(query, metrics, values: dict, *, by=None, key=None, links=True):
    cells = []
    for metric in metrics:
        cell = format_value(metric, values.get(metric.key))
        drillable = links and metric.drill and cell.number is not None
        if drillable and (by is None or key is not None):
            cell.url = drill_url(query, metric, by=by, key=key)
        cells.append(cell)
    return cells


def summary_table(query: Query, by: str) -> tuple[Table, datetime]:
    summary = figures.summary(query.filters, query.period, by=by)
    metrics, groups = grouped(figures.METRICS)
    title = _("按部门") if by == "department" else _("按事项")
    first = _("部门") if by == "department" else _("事项")
    table = Table(
        key=by, title=title, first_header=first, metrics=metrics, groups=groups
    )
    for row in summary.rows:
        table.rows.append(
            TableRow(
                label=str(row.label),
                key=row.key,
                cells=_cells(query, metrics, row.values, by=by, key=row.key),
            )
        )
    table.rows.append(
        TableRow(
            label=str(summary.totals.label) or _("合计"),
            key=None,
            cells=_cells(query, metrics, summary.totals.values),
            total=True,
        )
    )
    return table, summary.as_of


# The weekly charts: counts on one, rates on the other. The engine's keys
# wanted first; any other of the same kind fills up to the number.
CHART_COUNTS = ("received", "accepted", "completed")
CHART_RATES = ("on_time_rate", "good_rate")


def _chart_metrics(wanted: tuple[str, ...], kinds: set[str]) -> list:
    by_key = {m.key: m for m in figures.METRICS}
    chosen = [by_key[k] for k in wanted if k in by_key]
    for metric in figures.METRICS:
        if len(chosen) >= len(wanted):
            break
        if metric.kind in kinds and metric not in chosen:
            chosen.append(metric)
    return chosen


def weekly_tables(query: Query) -> list[Table]:
    weeks = figures.weekly(query.filters, query.period)
    counts = _chart_metrics(CHART_COUNTS, {"count"})
    rates = _chart_metrics(CHART_RATES, set(PERCENT_KINDS))
    tables = []
    for key, title, metrics in (
        ("weekly_counts", _("每周件数"), counts),
        ("weekly_rates", _("每周比率"), rates),
    ):
        if not metrics:
            continue
        table = Table(key=key, title=title, first_header=_("周起始日"), metrics=metrics)
        for week in weeks:
            table.rows.append(
                TableRow(
                    label=week.start.isoformat(),
                    key=None,
                    cells=_cells(query, metrics, week.values, links=False),
                )
            )
        tables.append(table)
    return tables


def _region_name(query: Query) -> str:
    if query.region is not None:
        return query.region.name
    scope = query.filters.scope
    if not scope.whole_prefecture:
        county = Region.objects.filter(code=scope.prefix).first()
        if county is not None:
            return county.name
    return _("全部")


def about_lines(query: Query, as_of: datetime | None) -> list[str]:
    lines = [
        _("统计期间：%(start)s 至 %(end)s")
        % {"start": query.period.start, "end": query.period.end},
        _("区划：%(name)s") % {"name": _region_name(query)},
        _("部门：%(name)s")
        % {"name": query.department.name if query.department else _("全部")},
    ]
    if as_of is not None:
        lines.append(_("数据截至：%(t)s") % {"t": as_of.strftime("%Y-%m-%d %H:%M")})
    return lines


def item_name(item_id: int) -> str:
    return (
        ServiceItem.objects.filter(pk=item_id).values_list("name", flat=True).first()
        or ""
    )


def export_filename(table: str, query: Query) -> str:
    return f"supervision-{table}-{query.period.start}-{query.period.end}.xlsx"


# --- the public report ---------------------------------------------------------------


@dataclass
class PublicReport:
    year: int
    month: int | None
    metrics: list
    months: list[tuple[date, list[TableRow]]]  # newest month first
    suppressed_note: str = ""


def default_month() -> tuple[int, int]:
    """The last whole month."""
    first = timezone.localdate().replace(day=1)
    last = first - timedelta(days=1)
    return last.year, last.month


def public_choices() -> dict:
    today = timezone.localdate()
    return {
        "years": list(range(today.year, today.year - 5, -1)),
        "months": list(range(1, 13)),
    }


def public_report(year: str | None, month: str | None) -> PublicReport:
    """The public rows of a month (or of a whole year when ``month`` is "")."""
    if year in (None, "") and month in (None, ""):
        year_n, month_n = default_month()
    else:
        year_n, month_n = year or timezone.localdate().year, month or None
    rows = figures.monthly_public(year_n, month_n)
    keys = list(rows[0].values) if rows else list(PUBLIC_METRICS)
    by_key = {m.key: m for m in figures.METRICS}
    metrics = [by_key[k] for k in keys if k in by_key]
    months: dict[date, list[TableRow]] = {}
    note = ""
    for row in rows:
        cells = []
        for metric in metrics:
            value = row.values.get(metric.key)
            cell = format_value(metric, value)
            if cell.number is None and cell.note:
                cell.suppressed = True
                note = cell.note
            cell.detail = ""
            cells.append(cell)
        months.setdefault(row.month, []).append(
            TableRow(label=row.department, key=row.department_id, cells=cells)
        )
    return PublicReport(
        year=int(year_n),
        month=int(month_n) if month_n else None,
        metrics=metrics,
        months=sorted(months.items(), reverse=True),
        suppressed_note=note,
    )


# The engine's public metrics, for the column headers of an empty month.
PUBLIC_METRICS = (
    "received",
    "completed",
    "on_time_rate",
    "good_rate",
    "share_online",
    "rectification_rate",
)
