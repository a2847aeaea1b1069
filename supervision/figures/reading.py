"""Reading the figures: periods, filters, the summary, weeks, drill-downs, public rows."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from catalog.constants import RegionLevel
from catalog.models import Department, Region, ServiceItem
from portal.errors import ServiceError
from supervision.models import (
    WD_BUCKETS,
    ApplicationFact,
    CellGrain,
    FeedCursor,
    FigureCell,
    StepCell,
    VisitRatingFact,
)
from supervision.scope import SupervisorScope

from .cells import CELL_FIELDS, _next_month, month_of
from .metrics import BY_NAME, GOOD_MIN_LEVEL, METRIC_BY_KEY, METRICS, NOW, NOW_COUNTERS

MAX_YEARS = 5
DEFAULT_DAYS = 30
SUPPRESS_BELOW = 5
NOT_MEASURED = _("尚未计量")
NO_SAMPLE = _("无样本")
NOT_APPLICABLE = _("不适用")
SUPPRESSED = _("样本不足5件，不予公布")
_PREFIX = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.PREFECTURE: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}
BY_FIELDS = {"department": "department_id", "item": "item_id"}


# --- periods and filters -------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Inclusive days."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _parse_day(value: str, field_name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ServiceError(
            "period_invalid",
            _("日期格式应为 YYYY-MM-DD"),
            field=field_name,
        ) from None


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def parse_period(
    from_: str | None, to: str | None, *, today: dt.date | None = None
) -> Period:
    """A period from two ISO days; the last 30 days by default.

    Only ``from``: from it to today; only ``to``: the 30 days to it.
    Refused: an unreadable day (period_invalid), start after end
    (period_reversed), longer than five years (period_too_long).
    """
    today = today or timezone.localdate()
    start = _parse_day(from_, "from") if from_ not in (None, "") else None
    end = _parse_day(to, "to") if to not in (None, "") else None
    if end is None:
        end = today if start is None or start <= today else start
    if start is None:
        start = end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise ServiceError(
            "period_reversed", _("开始日期不能晚于结束日期"), field="from"
        )
    if start < _years_before(end, MAX_YEARS) + dt.timedelta(days=1):
        raise ServiceError("period_too_long", _("统计期间不能超过五年"), field="from")
    return Period(start, end)


@dataclass(frozen=True)
class Filters:
    """What a supervisor asked for, within what they oversee."""

    scope: SupervisorScope
    region_prefix: str = ""  # the narrower of the scope and the region asked for
    region: Region | None = None
    department: Department | None = None

    @property
    def department_id(self) -> int | None:
        return self.department.pk if self.department is not None else None

    def q(
        self, code_field: str = "region_code", dept_field: str = "department_id"
    ) -> Q:
        q = Q()
        if self.region_prefix:
            q &= Q(**{f"{code_field}__startswith": self.region_prefix})
        if self.department is not None:
            q &= Q(**{dept_field: self.department.pk})
        return q


def _unknown(code: str, message, field_name: str) -> ServiceError:
    return ServiceError(code, message, field=field_name, status=404)


def resolve_filters(
    scope: SupervisorScope, region: str | None, department: str | int | None
) -> Filters:
    """The filters for ``scope``: a region code and a department id, both optional.

    An unknown region or department, and one outside the scope, get the
    same answer (region_unknown / department_unknown, 404): no oracle.
    """
    if scope is None:
        raise _unknown("region_unknown", _("区划不存在"), "region")
    prefix = scope.prefix
    region_obj = None
    if region not in (None, ""):
        code = str(region).strip()
        region_obj = (
            Region.objects.filter(code=code).first() if code.isdigit() else None
        )
        if region_obj is None or not scope.covers(region_obj.code):
            raise _unknown("region_unknown", _("区划不存在"), "region")
        own = region_obj.code[: _PREFIX.get(region_obj.level, len(region_obj.code))]
        prefix = own if len(own) >= len(prefix) else prefix
    dept = None
    if department not in (None, ""):
        dept = _department_in_scope(scope, department)
    return Filters(
        scope=scope, region_prefix=prefix, region=region_obj, department=dept
    )


def _department_in_scope(scope: SupervisorScope, department) -> Department:
    try:
        pk = int(str(department).strip())
    except ValueError:
        pk = None
    dept = (
        Department.objects.select_related("region").filter(pk=pk).first()
        if pk is not None and 0 < pk < 2**63
        else None
    )
    if dept is None or not scope.covers(dept.region.code):
        raise _unknown("department_unknown", _("部门不存在"), "department")
    return dept


# --- values ----------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    value: int | float | None
    numerator: int | None = None
    denominator: int | None = None
    note: str = ""


@dataclass
class Row:
    key: int | None
    label: str
    values: dict[str, Value] = field(default_factory=dict)


@dataclass
class Summary:
    rows: list[Row]
    totals: Row
    as_of: dt.datetime


@dataclass
class WeekRow:
    start: dt.date
    values: dict[str, Value]


@dataclass
class PublicRow:
    month: dt.date
    department_id: int
    department: str
    values: dict[str, Value]


def _ratio(num: int, den: int) -> Value:
    if not den:
        return Value(None, num, den, str(NO_SAMPLE))
    return Value(round(num / den, 4), num, den)


def nearest_rank(hist: list[int], p: float) -> int | None:
    """The nearest-rank percentile of the values a histogram counts."""
    n = sum(hist)
    if n == 0:
        return None
    rank = max(1, math.ceil(p * n))
    seen = 0
    for value, count in enumerate(hist):
        seen += count
        if seen >= rank:
            return value
    return len(hist) - 1


VISIT_METRICS = ("counter_ratings", "counter_good_rate")


def _values(
    c: dict,
    hist: list[int],
    items: tuple[int, int, int],
    now: dict,
    *,
    weekly=False,
    visits: tuple[int, int] | None = None,
) -> dict[str, Value]:
    out: dict[str, Value] = {}
    n_hist = sum(hist)
    for m in METRICS:
        if m.key in VISIT_METRICS:
            if weekly:
                continue
            if visits is None:  # per item: a visit has no item
                out[m.key] = Value(None, None, None, str(NOT_APPLICABLE))
            elif m.key == "counter_ratings":
                out[m.key] = Value(visits[0], visits[0], None)
            else:
                out[m.key] = _ratio(visits[1], visits[0])
        elif m.key in ("items_online", "items_full_online"):
            if weekly:
                continue
            num = items[1] if m.key == "items_online" else items[2]
            out[m.key] = _ratio(num, items[0])
        elif m.key == "certificate_share":
            out[m.key] = _ratio(c["materials_certificate"], c["materials_total"])
        elif m.kind == "days":
            if weekly:
                continue
            p = 0.5 if m.key == "median_days" else 0.9
            out[m.key] = Value(
                nearest_rank(hist, p), None, n_hist, "" if n_hist else str(NO_SAMPLE)
            )
        elif BY_NAME[m.counter].anchor == NOW:
            if weekly:
                continue
            out[m.key] = Value(now.get(m.counter, 0), now.get(m.counter, 0), None)
        elif m.denominator:
            out[m.key] = _ratio(c[m.counter], c[m.denominator])
        else:
            out[m.key] = Value(c[m.counter], c[m.counter], None)
    return out


# --- cells ----------------------------------------------------------------------


def cell_q(period: Period) -> Q:
    """Whole months of the period from month cells, the other days from day cells."""
    first_full = period.start if period.start.day == 1 else _next_month(period.start)
    months = []
    m = first_full
    while _next_month(m) - dt.timedelta(days=1) <= period.end:
        months.append(m)
        m = _next_month(m)
    if not months:
        return Q(grain=CellGrain.DAY, start__gte=period.start, start__lte=period.end)
    q = Q(grain=CellGrain.MONTH, start__gte=months[0], start__lte=months[-1])
    if period.start < months[0]:
        q |= Q(grain=CellGrain.DAY, start__gte=period.start, start__lt=months[0])
    after = _next_month(months[-1])
    if after <= period.end:
        q |= Q(grain=CellGrain.DAY, start__gte=after, start__lte=period.end)
    return q


def _sums() -> dict:
    # Prefixed (s_): an annotation must not shadow the field a filter reads.
    return {f"s_{f}": Sum(f) for f in CELL_FIELDS}


def _distinct_items(cells, by_field: str) -> tuple[dict, tuple[int, int, int]]:
    """Per row key and in total: (items received, at depth >= III, at IV).

    From a narrow (key, item) grouping: distinct counts do not add up."""
    per: dict = {}
    every: tuple[set, set, set] = (set(), set(), set())
    rows = (
        cells.values_list(by_field, "item_id")
        .annotate(
            r=Sum("received"), d3=Sum("received_depth3"), d4=Sum("received_depth4")
        )
        .order_by()
    )
    for key, item, r, d3, d4 in rows:
        sets = per.setdefault(key, (set(), set(), set()))
        for flag, mine, all_ in zip((r, d3, d4), sets, every, strict=True):
            if flag:
                mine.add(item)
                all_.add(item)
    counts = {k: tuple(len(x) for x in v) for k, v in per.items()}
    return counts, tuple(len(x) for x in every)


def _zero() -> dict:
    return dict.fromkeys(CELL_FIELDS, 0)


def _clean(row: dict) -> dict:
    """Sums with None as 0 and the s_ prefix taken off."""
    return {k.removeprefix("s_"): (v or 0) for k, v in row.items()}


def _hist(row: dict) -> list[int]:
    return [row[f"wd_{i}"] for i in range(WD_BUCKETS)]


def _with_over(hist: list[int], values: list[int]) -> list[int]:
    """The buckets with the exact values above the last bucket added."""
    if not values:
        return hist
    out = hist + [0] * (max(values) + 1 - len(hist))
    for v in values:
        out[v] += 1
    return out


def as_of() -> dt.datetime:
    last = FeedCursor.objects.aggregate(at=Max("updated_at"))["at"]
    return last or timezone.now()


def _labels(by: str, keys) -> dict[int, str]:
    model = Department if by == "department" else ServiceItem
    return dict(
        model.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name")
    )


def _check_by(by: str) -> str:
    if by not in BY_FIELDS:
        raise ServiceError(
            "by_invalid", _("分组方式应为 department 或 item"), field="by"
        )
    return BY_FIELDS[by]


def _over(filters: Filters, period: Period, by_field: str) -> dict:
    """Completions above the last bucket, exactly, from the facts (rare)."""
    out: dict = {}
    rows = ApplicationFact.objects.filter(
        filters.q(),
        completed_on__gte=period.start,
        completed_on__lte=period.end,
        working_days__gte=WD_BUCKETS,
    ).values_list(by_field, "working_days")
    for key, wd in rows:
        out.setdefault(key, []).append(wd)
    return out


def _visits(filters: Filters, period: Period) -> dict[int | None, tuple[int, int]]:
    """Counter-visit ratings per department: (ratings, good)."""
    rows = (
        VisitRatingFact.objects.filter(
            filters.q(), rated_on__gte=period.start, rated_on__lte=period.end
        )
        .values("department_id")
        .annotate(n=Count("pk"), good=Count("pk", filter=Q(level__gte=GOOD_MIN_LEVEL)))
        .order_by()
    )
    return {r["department_id"]: (r["n"], r["good"]) for r in rows}


def summary(filters: Filters, period: Period, by: str = "department") -> Summary:
    """Every metric per department (or item) and in total, for the period.

    One query sums the cells per row (the total is their sum), a narrow one
    counts distinct items per row, one counts the open facts (the figures of
    now); the rare completions above the last working-days bucket are read
    from the facts.
    """
    by_field = _check_by(by)
    cells = FigureCell.objects.filter(cell_q(period), filters.q())
    names = [f"s_{f}" for f in CELL_FIELDS]
    grouped: dict[int, dict] = {}
    total = _zero()
    for key, *sums in (
        cells.values_list(by_field)
        .annotate(**_sums())
        .order_by()
        .values_list(by_field, *names)
    ):
        row = dict(zip(CELL_FIELDS, (v or 0 for v in sums), strict=True))
        grouped[key] = row
        for f, v in row.items():
            total[f] += v
    items, items_total = _distinct_items(cells, by_field)
    over = _over(filters, period, by_field) if total["wd_over"] else {}
    now_ann = {c.name: Count("pk", filter=c.q) for c in NOW_COUNTERS}
    facts_now = ApplicationFact.objects.filter(filters.q(), is_open=True)
    now = {
        r[by_field]: r
        for r in facts_now.values(by_field).annotate(**now_ann).order_by()
    }
    now_total = {c.name: sum(r[c.name] for r in now.values()) for c in NOW_COUNTERS}
    all_visits = _visits(filters, period)
    visits_total = tuple(sum(v[i] for v in all_visits.values()) for i in (0, 1))
    # Per item a visit has no row; per department, those of no department
    # count in the total only.
    visits = (
        {k: v for k, v in all_visits.items() if k is not None}
        if by == "department"
        else {}
    )
    keys = set(grouped) | set(now) | set(visits)
    labels = _labels(by, keys)
    rows = []
    for key in keys:
        row = grouped.get(key) or _zero()
        hist = _with_over(_hist(row), over.get(key, []))
        rows.append(
            Row(
                key,
                labels.get(key, ""),
                _values(
                    row,
                    hist,
                    items.get(key, (0, 0, 0)),
                    now.get(key, {}),
                    visits=visits.get(key, (0, 0)) if by == "department" else None,
                ),
            )
        )
    rows.sort(key=lambda r: (r.label, r.key or 0))
    total_hist = _with_over(_hist(total), [v for vs in over.values() for v in vs])
    totals = Row(
        None,
        str(_("合计")),
        _values(total, total_hist, items_total, now_total, visits=visits_total),
    )
    return Summary(rows=rows, totals=totals, as_of=as_of())


def weekly(filters: Filters, period: Period) -> list[WeekRow]:
    """Per week (Monday first; the first and last week cut to the period) the
    counts, rates and shares of the day cells; no medians, items or "now"."""
    cells = FigureCell.objects.filter(
        filters.q(),
        grain=CellGrain.DAY,
        start__gte=period.start,
        start__lte=period.end,
    )
    sums = {f"s_{f}": Sum(f) for f in CELL_FIELDS}
    found = {
        r["week"]: _clean(r)
        for r in cells.annotate(week=TruncWeek("start"))
        .values("week")
        .annotate(**sums)
        .order_by()
    }
    out = []
    monday = period.start - dt.timedelta(days=period.start.weekday())
    while monday <= period.end:
        row = found.get(monday)
        out.append(
            WeekRow(
                max(monday, period.start),
                _values(row or _zero(), [], (0, 0, 0), {}, weekly=True),
            )
        )
        monday += dt.timedelta(days=7)
    return out


def drilldown(
    filters: Filters,
    period: Period,
    metric: str,
    department_id: int | None = None,
    item_id: int | None = None,
) -> QuerySet[Application]:
    """The applications behind one figure; ``.count()`` is the figure."""
    m = METRIC_BY_KEY.get(metric)
    if m is None:
        raise _unknown("metric_unknown", _("指标不存在"), "metric")
    if not m.drill:
        raise ServiceError(
            "metric_not_drillable", _("该指标不对应办件清单"), field="metric"
        )
    counter = BY_NAME[m.counter]
    q = filters.q() & counter.q
    if counter.anchor != NOW:
        q &= Q(
            **{
                f"{counter.anchor}__gte": period.start,
                f"{counter.anchor}__lte": period.end,
            }
        )
    if department_id is not None:
        dept = _department_in_scope(filters.scope, department_id)
        q &= Q(department_id=dept.pk)
    if item_id is not None:
        try:
            item_pk = int(item_id)
        except (TypeError, ValueError):
            item_pk = 0
        if (
            not (0 < item_pk < 2**63)
            or not ServiceItem.objects.filter(pk=item_pk).exists()
        ):
            raise _unknown("item_unknown", _("事项不存在"), "item")
        q &= Q(item_id=item_pk)
    return Application.objects.filter(
        pk__in=ApplicationFact.objects.filter(q).values("application_id")
    )


def steps(filters: Filters, period: Period) -> list[Row]:
    """Steps (tasks) done in the period by the task's department, and how many late."""
    qs = StepCell.objects.filter(cell_q(period), filters.q())
    rows = list(
        qs.values("department_id")
        .annotate(done=Sum("done"), late=Sum("late"))
        .order_by()
    )
    labels = _labels("department", [r["department_id"] for r in rows])
    out = [
        Row(
            r["department_id"],
            labels.get(r["department_id"], ""),
            {
                "steps_done": Value(r["done"], r["done"], None),
                "steps_late": Value(r["late"], r["late"], None),
                "steps_late_rate": _ratio(r["late"], r["done"]),
            },
        )
        for r in rows
    ]
    out.sort(key=lambda r: (r.label, r.key or 0))
    return out


PUBLIC_METRICS = (
    "received",
    "completed",
    "on_time_rate",
    "good_rate",
    "share_online",
    "rectification_rate",
)


def _public(value: Value, kind: str) -> Value:
    size = value.denominator if kind in ("rate", "share") else value.value
    if size is None or size < SUPPRESS_BELOW:
        return Value(None, None, None, str(SUPPRESSED))
    if kind in ("rate", "share"):
        return Value(value.value, None, value.denominator)
    return Value(value.value, None, None)


def monthly_public(year: int, month: int | None = None) -> list[PublicRow]:
    """Per department and month: the public figures, no personal data; any
    figure on fewer than 5 applications suppressed."""
    try:
        year = int(year)
        month = int(month) if month not in (None, "") else None
    except (TypeError, ValueError):
        raise ServiceError(
            "period_invalid", _("年份或月份无效"), field="year"
        ) from None
    if not (2000 <= year <= 2100) or (month is not None and not 1 <= month <= 12):
        raise ServiceError("period_invalid", _("年份或月份无效"), field="year")
    if month is None:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 1)
    else:
        first = last = dt.date(year, month, 1)
    last = min(last, month_of(timezone.localdate()))
    cells = FigureCell.objects.filter(
        grain=CellGrain.MONTH, start__gte=first, start__lte=last
    )
    rows = list(
        cells.values("department_id", "start")
        .annotate(**{f"s_{f}": Sum(f) for f in CELL_FIELDS})
        .order_by()
    )
    labels = _labels("department", {r["department_id"] for r in rows})
    out = []
    for r in rows:
        values = _values(_clean(r), [], (0, 0, 0), {})
        out.append(
            PublicRow(
                month=r["start"],
                department_id=r["department_id"],
                department=labels.get(r["department_id"], ""),
                values={
                    k: _public(values[k], METRIC_BY_KEY[k].kind) for k in PUBLIC_METRICS
                },
            )
        )
    out.sort(key=lambda r: (r.month, r.department, r.department_id))
    return out
