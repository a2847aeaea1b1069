"""Why a clock's due date is what it is: the DueDate and its plain Chinese account."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from .. import workcalendar
from ..audit import audit_record
from ..errors import NotFoundError
from ..models import (
    Clock,
    ClockState,
    ClockUnit,
    SegmentState,
)
from ..workdays import DueDate
from . import hooks
from .computing import compute_due, reason_label
from .services import segments_of


def clock_explain(clock: Clock) -> DueDate:
    """The due date over the clock's segment log with the current calendar."""
    segments = getattr(clock, "_prefetched_objects_cache", {}).get("segments")
    segments = list(segments) if segments is not None else segments_of(clock)
    return compute_due(clock, segments, workcalendar.current())


def _day(day: dt.date) -> str:
    return _("%(year)d年%(month)d月%(day)d日") % {
        "year": day.year,
        "month": day.month,
        "day": day.day,
    }


def _natural_lines(due: DueDate) -> list[str]:
    """DueDate.explain() speaks of working days; a natural-day clock's account."""
    lines = [
        _("自%(start)s起算（当日不计入），计%(days)d个自然日。")
        % {"start": _day(due.start), "days": due.days}
    ]
    if due.extra_days:
        lines.append(
            _("延长%(extra)d个自然日，共计%(total)d个自然日。")
            % {"extra": due.extra_days, "total": due.days + due.extra_days}
        )
    if due.suspended:
        lines.append(_("不计入的中止期间%(n)d天。") % {"n": len(due.suspended)})
    if due.due is None:
        lines.append(_("计时已中止，恢复后重新计算截止日期。"))
    else:
        lines.append(_("截止日期：%(due)s（当日结束前）。") % {"due": _day(due.due)})
    return lines


def clock_explain_lines(clock: Clock, due: DueDate) -> list[str]:
    """Plain Chinese lines: what is timed, the day-by-day account of ``due``
    (counted days, rest days and holidays skipped, suspended days, the
    extension, the calendar revision), then each suspension with its reason."""
    segments = getattr(clock, "_prefetched_objects_cache", {}).get("segments")
    segments = list(segments) if segments is not None else segments_of(clock)
    lines = [_("计时事项：%(label)s。") % {"label": clock.label or clock.kind}]
    if clock.unit == ClockUnit.NATURAL:
        lines.extend(_natural_lines(due))
    else:
        lines.extend(due.explain())
    for seg in segments:
        if seg.state != SegmentState.SUSPENDED:
            continue
        reason = reason_label(seg.reason)
        if seg.last is None:
            lines.append(
                _("%(first)s起中止计时（%(reason)s），尚未恢复。")
                % {"first": _day(seg.first), "reason": reason}
            )
        else:
            lines.append(
                _("%(first)s中止计时（%(reason)s），%(last)s恢复计时；恢复当日不计入。")
                % {"first": _day(seg.first), "last": _day(seg.last), "reason": reason}
            )
    if clock.state == ClockState.STOPPED and clock.stopped_on:
        lines.append(_("已于%(day)s停止计时。") % {"day": _day(clock.stopped_on)})
    return lines


def clock_for_user(*, user, pk: int) -> Clock:
    """The clock if the registered subject access lets ``user`` see it, else 404.

    A refusal is audited (someone asked for a deadline of a case that is not
    theirs), with the same answer as for an id that does not exist.
    """
    clock = Clock.objects.filter(pk=pk).prefetch_related("segments").first()
    access = (
        hooks._subject_access.get(clock.subject_type) if clock is not None else None
    )
    allowed = (
        access is not None
        and getattr(user, "is_authenticated", False)
        and bool(access(user, clock.subject_id))
    )
    if not allowed:
        with transaction.atomic():
            audit_record(
                actor=user if getattr(user, "is_authenticated", False) else None,
                action="clocks.explain_refused",
                object_type="portal.clock",
                object_id=str(pk),
            )
        raise NotFoundError("not_found", _("未找到"))
    return clock
