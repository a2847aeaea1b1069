"""Day, week and month cells from the facts (the roll-up the dashboard reads).

A day cell (day, department, item, region) holds, for each counter of
supervision.figures.metrics, the number of facts whose anchor day
(submitted, accepted, refused, withdrawn, completed, rated) is that day and
which match the counter's predicate, and for the completions the
working-days buckets: counted per anchor, then merged into one row per key.
A week (Monday to Sunday) or month cell is the sum of its day cells, one
row per key. All are written only here, in the database (INSERT ... SELECT),
recomputed from the facts for the (day, department) pairs a change touched,
or all of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import TruncMonth, TruncWeek

from supervision.models import (
    WD_BUCKETS,
    ApplicationFact,
    CellGrain,
    FigureCell,
    StepCell,
    StepFact,
)

from .insert_select import insert_select
from .metrics import ANCHORS, COMPLETED, COUNTERS, SUMS

WD_FIELDS = [f"wd_{i}" for i in range(WD_BUCKETS)] + ["wd_over"]
CELL_FIELDS = [c.name for c in COUNTERS] + [name for name, _a, _f in SUMS] + WD_FIELDS
DIMS = ("department_id", "item_id", "region_id", "region_code")
KEY_COLUMNS = ["start", *DIMS, "grain"]
CHUNK = 300


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


# grain -> (truncation in SQL, the period's first day, the next period's first day)
GRAINS = {
    CellGrain.WEEK: (TruncWeek, monday_of, lambda d: d + dt.timedelta(days=7)),
    CellGrain.MONTH: (TruncMonth, month_of, _next_month),
}


def _anchor_annotations(anchor: str) -> dict:
    # Prefixed (n_): a counter may share its name with a fact's field.
    out = {
        f"n_{c.name}": Count("pk", filter=c.q) if c.q else Count("pk")
        for c in COUNTERS
        if c.anchor == anchor
    }
    out.update({f"n_{n}": Sum(f) for n, a, f in SUMS if a == anchor})
    if anchor == COMPLETED:
        out.update(
            {
                f"n_wd_{i}": Count("pk", filter=Q(working_days=i))
                for i in range(WD_BUCKETS)
            }
        )
        out["n_wd_over"] = Count("pk", filter=Q(working_days__gte=WD_BUCKETS))
    return out


PART = "part"  # a day cell's rows of one anchor, before they are merged


def _insert_days(where) -> int:
    """Day cells of the facts matching ``where(anchor)`` on each anchor: a row
    per anchor and key first, then merged into one row per key."""
    for anchor in ANCHORS:
        qs = ApplicationFact.objects.filter(**{f"{anchor}__isnull": False})
        if where is not None:
            qs = qs.filter(where(anchor))
        annotations = _anchor_annotations(anchor)
        select = (
            qs.values(anchor, *DIMS)
            .annotate(grain_v=Value(PART), **annotations)
            .order_by()
        )
        insert_select(FigureCell, KEY_COLUMNS + [n[2:] for n in annotations], select)
    parts = FigureCell.objects.filter(grain=PART)
    written = _insert_grain(CellGrain.DAY, parts)
    parts.delete()
    return written


def _insert_grain(grain: str, day_cells) -> int:
    """Cells of ``grain`` as the sums of ``day_cells`` per key (day: per day)."""
    if grain == CellGrain.DAY:
        grouped = day_cells.values("start", *DIMS)
    else:
        grouped = day_cells.annotate(period=GRAINS[grain][0]("start")).values(
            "period", *DIMS
        )
    select = grouped.annotate(
        grain_v=Value(grain), **{f"s_{f}": Sum(f) for f in CELL_FIELDS}
    ).order_by()
    return insert_select(FigureCell, KEY_COLUMNS + CELL_FIELDS, select)


def _periods(grain: str, pairs: Iterable[tuple[dt.date, int]]) -> set:
    first = GRAINS[grain][1]
    return {(first(day), dept) for day, dept in pairs}


def refresh_day_cells(pairs: set[tuple[dt.date, int]]) -> int:
    """Recompute the day cells of these (day, department) pairs, then their
    weeks and months."""
    if not pairs:
        return 0
    ordered = sorted(pairs)
    written = 0
    for i in range(0, len(ordered), CHUNK):
        chunk = ordered[i : i + CHUNK]

        def where(anchor, chunk=chunk):
            return reduce(
                or_, (Q(**{anchor: day, "department_id": dept}) for day, dept in chunk)
            )

        FigureCell.objects.filter(
            reduce(or_, (Q(start=day, department_id=dept) for day, dept in chunk)),
            grain=CellGrain.DAY,
        ).delete()
        written += _insert_days(where)
    for grain in GRAINS:
        refresh_grain_cells(grain, _periods(grain, pairs))
    return written


def refresh_grain_cells(grain: str, periods: set[tuple[dt.date, int]]) -> int:
    """Week or month cells of these (first day, department) as the sums of
    their day cells."""
    _trunc, _first, following = GRAINS[grain]
    written = 0
    ordered = sorted(periods)
    for i in range(0, len(ordered), CHUNK):
        chunk = ordered[i : i + CHUNK]
        FigureCell.objects.filter(
            reduce(or_, (Q(start=p, department_id=d) for p, d in chunk)),
            grain=grain,
        ).delete()
        days = FigureCell.objects.filter(
            reduce(
                or_,
                (
                    Q(start__gte=p, start__lt=following(p), department_id=d)
                    for p, d in chunk
                ),
            ),
            grain=CellGrain.DAY,
        )
        written += _insert_grain(grain, days)
    return written


def rebuild_first_day(start: dt.date) -> dt.date:
    """Where a rebuild from ``start`` begins: its month's first day, or the
    Monday before it (so no week or month is left half rebuilt)."""
    return monday_of(month_of(start))


def rebuild_cells(start: dt.date | None = None) -> int:
    """Every cell from the facts (from ``rebuild_first_day(start)`` on, when given)."""
    where = None
    days = FigureCell.objects.filter(grain=CellGrain.DAY)
    if start is None:
        FigureCell.objects.all().delete()
    else:
        first = rebuild_first_day(start)

        def where(anchor):
            return Q(**{f"{anchor}__gte": first})

        FigureCell.objects.filter(grain=CellGrain.DAY, start__gte=first).delete()
        for grain, (_t, first_of, _n) in GRAINS.items():
            FigureCell.objects.filter(grain=grain, start__gte=first_of(first)).delete()
    written = _insert_days(where)
    for grain, (_t, first_of, _n) in GRAINS.items():
        grain_days = days
        if start is not None:
            grain_days = days.filter(start__gte=first_of(rebuild_first_day(start)))
        written += _insert_grain(grain, grain_days)
    return written


# --- steps, by the task's department -------------------------------------------------

STEP_COLUMNS = ["start", "department_id", "region_code", "grain", "done", "late"]


def _insert_step_days(where: Q | None) -> int:
    qs = StepFact.objects.filter(done_on__isnull=False)
    if where is not None:
        qs = qs.filter(where)
    select = (
        qs.values("done_on", "department_id", "region_code")
        .annotate(
            grain_v=Value(CellGrain.DAY),
            n_done=Count("pk"),
            n_late=Count("pk", filter=Q(late=True)),
        )
        .order_by()
    )
    return insert_select(StepCell, STEP_COLUMNS, select)


def _insert_step_grain(grain: str, day_cells) -> int:
    trunc = GRAINS[grain][0]
    select = (
        day_cells.annotate(period=trunc("start"))
        .values("period", "department_id", "region_code")
        .annotate(grain_v=Value(grain), s_done=Sum("done"), s_late=Sum("late"))
        .order_by()
    )
    return insert_select(StepCell, STEP_COLUMNS, select)


def refresh_step_cells(pairs: set[tuple[dt.date, int]]) -> int:
    """Recompute the step cells of these (day, task department) pairs, weeks, months."""
    if not pairs:
        return 0
    written = 0
    ordered = sorted(pairs)
    for i in range(0, len(ordered), CHUNK):
        chunk = ordered[i : i + CHUNK]
        StepCell.objects.filter(
            reduce(or_, (Q(start=d, department_id=dep) for d, dep in chunk)),
            grain=CellGrain.DAY,
        ).delete()
        written += _insert_step_days(
            reduce(or_, (Q(done_on=d, department_id=dep) for d, dep in chunk))
        )
    for grain, (_t, _first, following) in GRAINS.items():
        periods = sorted(_periods(grain, pairs))
        for i in range(0, len(periods), CHUNK):
            chunk = periods[i : i + CHUNK]
            StepCell.objects.filter(
                reduce(or_, (Q(start=p, department_id=dep) for p, dep in chunk)),
                grain=grain,
            ).delete()
            written += _insert_step_grain(
                grain,
                StepCell.objects.filter(
                    reduce(
                        or_,
                        (
                            Q(start__gte=p, start__lt=following(p), department_id=dep)
                            for p, dep in chunk
                        ),
                    ),
                    grain=CellGrain.DAY,
                ),
            )
    return written


def rebuild_step_cells(start: dt.date | None = None) -> int:
    days = StepCell.objects.filter(grain=CellGrain.DAY)
    where = None
    if start is None:
        StepCell.objects.all().delete()
    else:
        first = rebuild_first_day(start)
        where = Q(done_on__gte=first)
        StepCell.objects.filter(grain=CellGrain.DAY, start__gte=first).delete()
        for grain, (_t, first_of, _n) in GRAINS.items():
            StepCell.objects.filter(grain=grain, start__gte=first_of(first)).delete()
    written = _insert_step_days(where)
    for grain, (_t, first_of, _n) in GRAINS.items():
        grain_days = days
        if start is not None:
            grain_days = days.filter(start__gte=first_of(rebuild_first_day(start)))
        written += _insert_step_grain(grain, grain_days)
    return written
