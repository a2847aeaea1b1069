"""What the clocks tell the calendar: a day guard and a change handler."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .. import workcalendar
from ..audit import audit_record
from ..models import (
    Clock,
    ClockSegment,
    ClockState,
    Deadline,
    DeadlineState,
    SegmentState,
)
from ..system import system_user
from .computing import compute_due, deadline_plan
from .hooks import due_moved
from .services import RECOMPUTED_FIELDS, anchor_day, apply_due, segments_of


def days_used_by_stopped_clocks(days: set[dt.date]) -> bool:
    """The calendar's day guard: True if a stopped clock counted a past day of ``days``.

    "Counted": after its start day, up to its stop day, and not inside one of
    its suspensions. Such a day is history; changing it would change a closed
    record's on-time result. The calendar asks only about days before today
    whose working status changes.
    """
    for day in sorted(days):
        inside_suspension = ClockSegment.objects.filter(
            clock=OuterRef("pk"),
            state=SegmentState.SUSPENDED,
            first__lt=day,
            last__gte=day,
        )
        if (
            Clock.objects.filter(
                state=ClockState.STOPPED, started_on__lt=day, stopped_on__gte=day
            )
            .filter(~Exists(inside_suspension))
            .exists()
        ):
            return True
    return False


def clocks_calendar_changed(revision: int, days: set[dt.date]) -> int:
    """The calendar's change handler (in the edit's transaction).

    Recomputes every open provisional clock whose counting reaches one of
    ``days``; moves its open deadlines; audits each changed due date with
    old and new; records the revision on the clock. Returns how many moved.
    """
    if not days:
        return 0
    low, high = min(days), max(days)
    candidates = (
        Clock.objects.select_for_update()
        .filter(provisional=True, started_on__lt=high)
        .exclude(state=ClockState.STOPPED)
        .filter(Q(due_on__isnull=True) | Q(due_on__gte=low))
        .order_by("pk")
    )
    calendar = workcalendar.current()
    actor = None
    moved = 0
    for clock in candidates:
        if not any(
            clock.started_on < d and (clock.due_on is None or d <= clock.due_on)
            for d in days
        ):
            continue
        segments = segments_of(clock)
        old_due, old_provisional = clock.due_on, clock.provisional
        due = compute_due(clock, segments, calendar)
        changes = apply_due(clock, due)
        clock.save(update_fields=RECOMPUTED_FIELDS)
        if due.due == old_due and due.provisional == old_provisional:
            continue
        due_moved(clock, old_due)
        plan = (
            deadline_plan(clock, due.due, calendar, anchor=anchor_day(segments))
            if clock.state == ClockState.RUNNING
            else {}
        )
        for deadline in Deadline.objects.select_for_update().filter(
            clock=clock, state=DeadlineState.OPEN
        ):
            if deadline.kind in plan:
                deadline.fire_at = plan[deadline.kind]
                deadline.calendar_revision = due.revision
                deadline.save(update_fields=["fire_at", "calendar_revision"])
            else:
                deadline.state = DeadlineState.CANCELLED
                deadline.cancelled_at = timezone.now()
                deadline.save(update_fields=["state", "cancelled_at"])
        if actor is None:
            actor = system_user()
        audit_record(
            actor=actor,
            action="clocks.recomputed",
            obj=clock,
            changes={"revision": revision, **changes},
        )
        moved += 1
    return moved


def register_calendar_hooks() -> None:
    """Called from PortalConfig.ready()."""
    workcalendar.register_day_guard(days_used_by_stopped_clocks)
    workcalendar.register_change_handler(clocks_calendar_changed)
