"""Day and month cells from the facts (the roll-up the dashboard reads).

A day cell row (day, department, item, region) holds, for the counters of
one anchor (supervision.figures.metrics: submitted, accepted, refused,
withdrawn, completed, rated), the number of facts whose anchor day is that
day and which match each counter's predicate, and for the completions the
working-days buckets. A key has up to one row per anchor; readers sum. A
month cell is the sum of its month's day cells, one row per key. Both are
written only here, in the database (INSERT ... SELECT), recomputed from
the facts for the (day, department) pairs a change touched, or all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import TruncMonth

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


def _insert_days(where) -> int:
    """Day cells of the facts matching ``where(anchor)`` on each anchor."""
    written = 0
    for anchor in ANCHORS:
        qs = ApplicationFact.objects.filter(**{f"{anchor}__isnull": False})
        if where is not None:
            qs = qs.filter(where(anchor))
        annotations = _anchor_annotations(anchor)
        select = (
            qs.values(anchor, *DIMS)
            .annotate(grain_v=Value(CellGrain.DAY), **annotations)
            .order_by()
        )
        written += insert_select(
            FigureCell, KEY_COLUMNS + [n[2:] for n in annotations], select
        )
    return written


def _insert_months(day_cells) -> int:
    select = (
        day_cells.annotate(month=TruncMonth("start"))
        .values("month", *DIMS)
        .annotate(
            grain_v=Value(CellGrain.MONTH), **{f"s_{f}": Sum(f) for f in CELL_FIELDS}
        )
        .order_by()
    )
    return insert_select(FigureCell, KEY_COLUMNS + CELL_FIELDS, select)


def _months(pairs: Iterable[tuple[dt.date, int]]) -> set[tuple[dt.date, int]]:
    return {(month_of(day), dept) for day, dept in pairs}


def refresh_day_cells(pairs: set[tuple[dt.date, int]]) -> int:
    """Recompute the day cells of these (day, department) pairs, then their months."""
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
    refresh_month_cells(_months(pairs))
    return written


def refresh_month_cells(months: set[tuple[dt.date, int]] | None) -> int:
    """Month cells as the sums of their day cells (None: every month)."""
    if months is None:
        FigureCell.objects.filter(grain=CellGrain.MONTH).delete()
        return _insert_months(FigureCell.objects.filter(grain=CellGrain.DAY))
    written = 0
    ordered = sorted(months)
    for i in range(0, len(ordered), CHUNK):
        chunk = ordered[i : i + CHUNK]
        FigureCell.objects.filter(
            reduce(or_, (Q(start=m, department_id=d) for m, d in chunk)),
            grain=CellGrain.MONTH,
        ).delete()
        days = FigureCell.objects.filter(
            reduce(
                or_,
                (
                    Q(start__gte=m, start__lt=_next_month(m), department_id=d)
                    for m, d in chunk
                ),
            ),
            grain=CellGrain.DAY,
        )
        written += _insert_months(days)
    return written


def rebuild_cells(start: dt.date | None = None) -> int:
    """Every cell from the facts (from ``start``'s month on, when given)."""
    old = FigureCell.objects.all()
    where = None
    if start is not None:
        first = month_of(start)
        old = old.filter(start__gte=first)

        def where(anchor):
            return Q(**{f"{anchor}__gte": first})

    old.delete()
    written = _insert_days(where)
    day_cells = FigureCell.objects.filter(grain=CellGrain.DAY)
    if start is not None:
        day_cells = day_cells.filter(start__gte=month_of(start))
    return written + _insert_months(day_cells)


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


def _insert_step_months(day_cells) -> int:
    select = (
        day_cells.annotate(month=TruncMonth("start"))
        .values("month", "department_id", "region_code")
        .annotate(
            grain_v=Value(CellGrain.MONTH), s_done=Sum("done"), s_late=Sum("late")
        )
        .order_by()
    )
    return insert_select(StepCell, STEP_COLUMNS, select)


def refresh_step_cells(pairs: set[tuple[dt.date, int]]) -> int:
    """Recompute the step cells of these (day, task department) pairs and months."""
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
    months = sorted(_months(pairs))
    for i in range(0, len(months), CHUNK):
        chunk = months[i : i + CHUNK]
        StepCell.objects.filter(
            reduce(or_, (Q(start=m, department_id=dep) for m, dep in chunk)),
            grain=CellGrain.MONTH,
        ).delete()
        written += _insert_step_months(
            StepCell.objects.filter(
                reduce(
                    or_,
                    (
                        Q(start__gte=m, start__lt=_next_month(m), department_id=dep)
                        for m, dep in chunk
                    ),
                ),
                grain=CellGrain.DAY,
            )
        )
    return written


def rebuild_step_cells(start: dt.date | None = None) -> int:
    old = StepCell.objects.all()
    where = None
    days = StepCell.objects.filter(grain=CellGrain.DAY)
    if start is not None:
        first = month_of(start)
        old = old.filter(start__gte=first)
        where = Q(done_on__gte=first)
        days = days.filter(start__gte=first)
    old.delete()
    return _insert_step_days(where) + _insert_step_months(days)
