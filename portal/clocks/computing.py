"""Due dates and deadline times from a clock's segment log (no writes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.utils import timezone

from ..models import (
    Clock,
    ClockSegment,
    ClockUnit,
    DeadlineKind,
    SegmentState,
    SuspensionReason,
)
from ..workdays import Calendar, DueDate, Suspension, due_date

MAX_DAYS = 3650
ONE_DAY = dt.timedelta(days=1)
WARNING_TIME = dt.time(8, 30)


def reason_label(reason: str) -> str:
    return str(SuspensionReason(reason).label)


def _suspensions(segments: Iterable[ClockSegment]) -> list[Suspension]:
    """The days not counted: from the day after a suspension began to the
    day it ended (the resumption day is a new start, not counted either)."""
    out = []
    for seg in segments:
        if seg.state != SegmentState.SUSPENDED:
            continue
        first = seg.first + ONE_DAY
        if seg.last is not None and seg.last < first:
            continue  # suspended and resumed on the same day: nothing lost
        out.append(
            Suspension(first=first, last=seg.last, reason=reason_label(seg.reason))
        )
    return out


def _natural_due(
    revision: int,
    start: dt.date,
    days: int,
    suspensions: Sequence[Suspension],
    extra_days: int,
) -> DueDate:
    """Natural days: every day counts except the suspended ones."""
    total = days + extra_days
    counted: list[dt.date] = []
    suspended: list[tuple[dt.date, str]] = []
    current = start
    due: dt.date | None = start
    while len(counted) < total:
        current += ONE_DAY
        hit = next((s for s in suspensions if s.covers(current)), None)
        if hit is None:
            counted.append(current)
            continue
        suspended.append((current, hit.reason))
        if hit.last is None:
            due = None
            break
    return DueDate(
        due=current if due is not None else None,
        provisional=False,
        revision=revision,
        counted=tuple(counted),
        skipped=(),
        suspended=tuple(suspended),
        start=start,
        days=days,
        extra_days=extra_days,
    )


def compute_due(
    clock: Clock, segments: Sequence[ClockSegment], calendar: Calendar
) -> DueDate:
    suspensions = _suspensions(segments)
    if clock.unit == ClockUnit.NATURAL:
        return _natural_due(
            calendar.revision,
            clock.started_on,
            clock.limit_days,
            suspensions,
            clock.extension_days,
        )
    return due_date(
        calendar,
        clock.started_on,
        clock.limit_days,
        suspensions,
        extra_days=clock.extension_days,
    )


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=timezone.get_default_timezone())


def deadline_plan(
    clock: Clock, due_on: dt.date | None, calendar: Calendar, *, anchor: dt.date
) -> dict[str, dt.datetime]:
    """kind -> fire_at for a clock due on ``due_on`` that last started on ``anchor``."""
    if due_on is None:
        return {}

    def counts(day: dt.date) -> bool:
        return clock.unit == ClockUnit.NATURAL or calendar.day(day).working

    plan = {DeadlineKind.DUE.value: _at(due_on + ONE_DAY, dt.time(0))}
    escalation = due_on + ONE_DAY
    while not counts(escalation):
        escalation += ONE_DAY
    plan[DeadlineKind.ESCALATION.value] = _at(escalation + ONE_DAY, dt.time(0))

    warn = due_on
    left = clock.warn_days
    while left > 0 and warn > anchor:
        warn -= ONE_DAY
        if counts(warn):
            left -= 1
    if warn <= anchor:  # a short clock: warn on its first counted day
        warn = anchor + ONE_DAY
        while warn < due_on and not counts(warn):
            warn += ONE_DAY
    if anchor < warn <= due_on:
        plan[DeadlineKind.WARNING.value] = _at(warn, WARNING_TIME)
    return plan
