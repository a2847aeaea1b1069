"""Day and month cells from the facts (the roll-up the dashboard reads).

A day cell (day, department, item, region) holds, for each counter of
supervision.figures.metrics, the number of facts whose anchor day is that
day and which match the counter's predicate, the sums of materials, and the
histogram of working days of the completions. A month cell is the sum of
its month's day cells. Both are written only here: recomputed from the
facts for the (day, department) pairs a change touched, or all of them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Count, Q, Sum

from supervision.models import ApplicationFact, CellGrain, FigureCell

from .metrics import ANCHORS, COMPLETED, COUNTERS, SUMS

CELL_FIELDS = [c.name for c in COUNTERS] + [name for name, _a, _f in SUMS]
DIMS = ("department_id", "item_id", "region_id", "region_code")
CHUNK = 500


def add_hist(total: list[int], other: list[int]) -> list[int]:
    if len(other) > len(total):
        total.extend([0] * (len(other) - len(total)))
    for i, n in enumerate(other):
        total[i] += n
    return total


def _aggregate(where: Q | None) -> dict[tuple, dict]:
    """Day cells (as dicts keyed by (day, *DIMS)) of the facts matching ``where``
    on each anchor."""
    cells: dict[tuple, dict] = {}

    def cell(key):
        row = cells.get(key)
        if row is None:
            row = cells[key] = dict.fromkeys(CELL_FIELDS, 0)
            row["wd_hist"] = []
        return row

    for anchor in ANCHORS:
        counters = [c for c in COUNTERS if c.anchor == anchor]
        sums = [(n, f) for n, a, f in SUMS if a == anchor]
        qs = ApplicationFact.objects.filter(**{f"{anchor}__isnull": False})
        if where is not None:
            qs = qs.filter(where(anchor))
        # Prefixed: a counter may share its name with a fact's field.
        annotations = {
            f"n_{c.name}": Count("pk", filter=c.q) if c.q else Count("pk")
            for c in counters
        }
        annotations.update({f"n_{n}": Sum(f) for n, f in sums})
        for row in qs.values(anchor, *DIMS).annotate(**annotations).order_by():
            target = cell((row[anchor], *(row[d] for d in DIMS)))
            for name in annotations:
                target[name[2:]] += row[name] or 0
        if anchor == COMPLETED:
            hist_qs = qs.filter(working_days__isnull=False)
            for row in (
                hist_qs.values(anchor, *DIMS, "working_days")
                .annotate(n=Count("pk"))
                .order_by()
            ):
                target = cell((row[anchor], *(row[d] for d in DIMS)))
                wd = row["working_days"]
                hist = target["wd_hist"]
                if len(hist) <= wd:
                    hist.extend([0] * (wd + 1 - len(hist)))
                hist[wd] += row["n"]
    return cells


def _objects(grain: str, cells: dict[tuple, dict]) -> list[FigureCell]:
    return [
        FigureCell(
            grain=grain,
            start=key[0],
            department_id=key[1],
            item_id=key[2],
            region_id=key[3],
            region_code=key[4],
            **values,
        )
        for key, values in cells.items()
    ]


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


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

        cells = _aggregate(where)
        FigureCell.objects.filter(
            reduce(or_, (Q(start=day, department_id=dept) for day, dept in chunk)),
            grain=CellGrain.DAY,
        ).delete()
        written += len(FigureCell.objects.bulk_create(_objects(CellGrain.DAY, cells)))
    refresh_month_cells(_months(pairs))
    return written


def refresh_month_cells(months: set[tuple[dt.date, int]] | None) -> int:
    """Month cells as the sums of their day cells (None: every month)."""
    day_cells = FigureCell.objects.filter(grain=CellGrain.DAY)
    old = FigureCell.objects.filter(grain=CellGrain.MONTH)
    if months is not None:
        if not months:
            return 0
        q = reduce(
            or_,
            (
                Q(start__gte=m, start__lt=_next_month(m), department_id=d)
                for m, d in months
            ),
        )
        day_cells = day_cells.filter(q)
        old = old.filter(reduce(or_, (Q(start=m, department_id=d) for m, d in months)))
    cells: dict[tuple, dict] = defaultdict(
        lambda: dict.fromkeys(CELL_FIELDS, 0) | {"wd_hist": []}
    )
    for row in day_cells.values("start", *DIMS, *CELL_FIELDS, "wd_hist").iterator(
        chunk_size=5000
    ):
        key = (month_of(row["start"]), *(row[d] for d in DIMS))
        target = cells[key]
        for name in CELL_FIELDS:
            target[name] += row[name]
        if row["wd_hist"]:
            add_hist(target["wd_hist"], row["wd_hist"])
    old.delete()
    return len(
        FigureCell.objects.bulk_create(
            _objects(CellGrain.MONTH, cells), batch_size=5000
        )
    )


def rebuild_cells(start: dt.date | None = None) -> int:
    """Every cell from the facts (from ``start`` on, when given)."""
    old = FigureCell.objects.all()
    where = None
    if start is not None:
        old = old.filter(start__gte=month_of(start))
        first = month_of(start)

        def where(anchor):
            return Q(**{f"{anchor}__gte": first})

    old.delete()
    cells = _aggregate(where)
    FigureCell.objects.bulk_create(_objects(CellGrain.DAY, cells), batch_size=5000)
    months = None
    if start is not None:
        months = _months((k[0], k[1]) for k in cells)
    refresh_month_cells(months)
    return len(cells)
