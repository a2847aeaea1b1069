"""The use cases: start, suspend, resume, extend, stop (each one transaction,
the clock row locked, audited), and the reads of a subject's clocks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import workcalendar
from ..audit import audit_record
from ..errors import NotFoundError, ServiceError
from ..models import (
    Clock,
    ClockSegment,
    ClockState,
    ClockUnit,
    Deadline,
    DeadlineKind,
    DeadlineState,
    SegmentState,
    SuspensionReason,
)
from ..workdays import DueDate
from .computing import (
    MAX_DAYS,
    compute_due,
    deadline_plan,
)
from .hooks import due_moved

# --- errors ------------------------------------------------------------------------


def _clock_stopped() -> ServiceError:
    return ServiceError("clock_stopped", _("计时已停止，不能再变更"), status=409)


def _date_invalid(first: dt.date) -> ServiceError:
    return ServiceError(
        "clock_date_invalid",
        _("日期不能早于当前计时段的起始日（%(first)s）") % {"first": first.isoformat()},
        field="on",
    )


def _positive_days(value, *, code: str, field: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ServiceError(code, _("天数必须是整数"), field=field)
    if value < minimum or value > MAX_DAYS:
        raise ServiceError(
            code,
            _("天数必须在%(lo)s到%(hi)s之间") % {"lo": minimum, "hi": MAX_DAYS},
            field=field,
        )
    return value


def _require_date(value, field: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ServiceError("clock_date_invalid", _("日期无效"), field=field)
    return value


# --- writing helpers ---------------------------------------------------------------


def _lock(clock: Clock | int) -> Clock:
    pk = clock.pk if isinstance(clock, Clock) else clock
    locked = Clock.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise NotFoundError("clock_not_found", _("计时不存在"))
    return locked


def segments_of(clock: Clock) -> list[ClockSegment]:
    return list(ClockSegment.objects.filter(clock=clock).order_by("first", "pk"))


def _open_segment(segments: Sequence[ClockSegment]) -> ClockSegment:
    return next(seg for seg in reversed(segments) if seg.last is None)


def anchor_day(segments: Sequence[ClockSegment]) -> dt.date:
    """The day the clock last started counting (start or resumption)."""
    running = [seg for seg in segments if seg.state == SegmentState.RUNNING]
    return running[-1].first


def _cancel_open(clock: Clock) -> int:
    return Deadline.objects.filter(clock=clock, state=DeadlineState.OPEN).update(
        state=DeadlineState.CANCELLED, cancelled_at=timezone.now()
    )


def _create_deadlines(
    clock: Clock, plan: dict[str, dt.datetime], revision: int, *, new: bool = False
) -> int:
    """New open deadlines for ``plan``; a kind that already fired at the same
    moment is not planned again (a resumption that did not move the date)."""
    if not plan:
        return 0
    fired = (
        set()
        if new
        else set(
            Deadline.objects.filter(clock=clock, state=DeadlineState.FIRED).values_list(
                "kind", "fire_at"
            )
        )
    )
    rows = [
        Deadline(clock=clock, kind=kind, fire_at=at, calendar_revision=revision)
        for kind, at in plan.items()
        if (kind, at) not in fired
    ]
    Deadline.objects.bulk_create(rows)
    return len(rows)


def apply_due(clock: Clock, due: DueDate) -> dict:
    """Store a recomputed due date on the clock; the old and new for the audit."""
    old = clock.due_on
    clock.due_on = due.due
    clock.provisional = due.provisional
    clock.calendar_revision = due.revision
    return {
        "due_on": [
            old.isoformat() if old else None,
            due.due.isoformat() if due.due else None,
        ],
        "provisional": due.provisional,
        "calendar_revision": due.revision,
    }


RECOMPUTED_FIELDS = ["due_on", "provisional", "calendar_revision"]


# --- services ----------------------------------------------------------------------


def clock_start(
    *,
    subject_type: str,
    subject_id: int,
    kind: str,
    limit_days: int,
    start: dt.date,
    unit: str = ClockUnit.WORKING,
    warn_days: int = 1,
    label: str = "",
    actor,
) -> Clock:
    """Start a clock on ``start`` (not counted) with its deadlines.

    Refused: an unknown unit, a limit or warning outside 0..3650 days, an empty
    subject or kind, and a second clock of the same kind on the same subject
    while one is not stopped (``clock_exists``).
    """
    if not subject_type or not kind or len(kind) > 32 or len(subject_type) > 64:
        raise ServiceError(
            "clock_kind_invalid", _("计时对象或时限种类无效"), field="kind"
        )
    if isinstance(subject_id, bool) or not isinstance(subject_id, int):
        raise ServiceError(
            "clock_subject_invalid", _("计时对象编号无效"), field="subject_id"
        )
    if unit not in ClockUnit.values:
        raise ServiceError("clock_unit_invalid", _("计时单位无效"), field="unit")
    _positive_days(
        limit_days, code="clock_limit_invalid", field="limit_days", minimum=0
    )
    _positive_days(
        warn_days, code="clock_warn_days_invalid", field="warn_days", minimum=0
    )
    start = _require_date(start, "start")
    calendar = workcalendar.current()
    clock = Clock(
        subject_type=subject_type,
        subject_id=subject_id,
        kind=kind,
        limit_days=limit_days,
        unit=unit,
        warn_days=warn_days,
        started_on=start,
        label=label[:200],
        state=ClockState.RUNNING,
    )
    segment = ClockSegment(state=SegmentState.RUNNING, first=start, started_by=actor)
    due = compute_due(clock, [segment], calendar)
    apply_due(clock, due)
    try:
        with transaction.atomic():
            clock.save()
            segment.clock = clock
            segment.save()
            created = _create_deadlines(
                clock,
                deadline_plan(clock, due.due, calendar, anchor=start),
                due.revision,
                new=True,
            )
            audit_record(
                actor=actor,
                action="clocks.started",
                obj=clock,
                changes={
                    "subject": f"{subject_type}#{subject_id}",
                    "kind": kind,
                    "unit": unit,
                    "limit_days": limit_days,
                    "started_on": start.isoformat(),
                    "due_on": due.due.isoformat() if due.due else None,
                    "provisional": due.provisional,
                    "calendar_revision": due.revision,
                    "deadlines": created,
                },
            )
    except IntegrityError as exc:
        if "portal_clock_one_open_per_subject_kind" not in str(exc):
            raise
        raise ServiceError(
            "clock_exists", _("该事项已有同类计时在进行中"), status=409
        ) from exc
    return clock


def clock_suspend(
    clock: Clock, *, reason: str, note: str = "", on: dt.date, actor
) -> Clock:
    """Suspend from ``on`` (the day still counts) for a typed reason.

    Open deadlines are cancelled; ``due_on`` becomes None (unless it had
    already passed before the suspension). Refused: an unknown reason, a
    stopped or already suspended clock, a date before the running segment.
    """
    if reason not in SuspensionReason.values:
        raise ServiceError(
            "clock_reason_invalid", _("中止计时的原因无效"), field="reason"
        )
    on = _require_date(on, "on")
    with transaction.atomic():
        locked = _lock(clock)
        if locked.state == ClockState.STOPPED:
            raise _clock_stopped()
        if locked.state == ClockState.SUSPENDED:
            raise ServiceError(
                "clock_already_suspended", _("计时已中止，不能重复中止"), status=409
            )
        segments = segments_of(locked)
        current = _open_segment(segments)
        if on < current.first:
            raise _date_invalid(current.first)
        current.last = on
        current.save(update_fields=["last"])
        segment = ClockSegment.objects.create(
            clock=locked,
            state=SegmentState.SUSPENDED,
            reason=reason,
            note=note[:500],
            first=on,
            started_by=actor,
        )
        cancelled = _cancel_open(locked)
        old_due = locked.due_on
        changes = apply_due(
            locked, compute_due(locked, [*segments, segment], workcalendar.current())
        )
        locked.state = ClockState.SUSPENDED
        locked.save(update_fields=["state", *RECOMPUTED_FIELDS])
        due_moved(locked, old_due)
        audit_record(
            actor=actor,
            action="clocks.suspended",
            obj=locked,
            changes={
                "reason": reason,
                "on": on.isoformat(),
                "cancelled_deadlines": cancelled,
                **changes,
            },
        )
    return locked


def clock_resume(clock: Clock, *, on: dt.date, actor) -> Clock:
    """Resume counting after ``on`` (the resumption day is not counted).

    ``due_on`` is recomputed over the whole log and new deadlines are created.
    Refused: a running or stopped clock, a date before the suspension began.
    """
    on = _require_date(on, "on")
    with transaction.atomic():
        locked = _lock(clock)
        if locked.state == ClockState.STOPPED:
            raise _clock_stopped()
        if locked.state != ClockState.SUSPENDED:
            raise ServiceError(
                "clock_not_suspended", _("计时未中止，无需恢复"), status=409
            )
        segments = segments_of(locked)
        current = _open_segment(segments)
        if on < current.first:
            raise _date_invalid(current.first)
        current.last = on
        current.save(update_fields=["last"])
        running = ClockSegment.objects.create(
            clock=locked, state=SegmentState.RUNNING, first=on, started_by=actor
        )
        calendar = workcalendar.current()
        due = compute_due(locked, [*segments, running], calendar)
        old_due = locked.due_on
        changes = apply_due(locked, due)
        locked.state = ClockState.RUNNING
        locked.save(update_fields=["state", *RECOMPUTED_FIELDS])
        due_moved(locked, old_due)
        _cancel_open(locked)
        created = _create_deadlines(
            locked, deadline_plan(locked, due.due, calendar, anchor=on), due.revision
        )
        audit_record(
            actor=actor,
            action="clocks.resumed",
            obj=locked,
            changes={
                "on": on.isoformat(),
                "suspended_from": current.first.isoformat(),
                "reason": current.reason,
                "deadlines": created,
                **changes,
            },
        )
    return locked


def clock_extend(clock: Clock, *, days: int, reason: str, actor) -> Clock:
    """Add ``days`` (in the clock's unit) to its limit; new deadlines.

    Caps and approval (Art. 42: one extension, by the head) are the caller's
    rules. Refused: days outside 1..3650, no reason, a stopped clock.
    """
    _positive_days(days, code="clock_extension_invalid", field="days", minimum=1)
    if not (reason or "").strip():
        raise ServiceError(
            "clock_extension_reason_missing", _("请填写延长时限的理由"), field="reason"
        )
    with transaction.atomic():
        locked = _lock(clock)
        if locked.state == ClockState.STOPPED:
            raise _clock_stopped()
        segments = segments_of(locked)
        locked.extension_days += days
        calendar = workcalendar.current()
        due = compute_due(locked, segments, calendar)
        old_due = locked.due_on
        changes = apply_due(locked, due)
        locked.save(update_fields=["extension_days", *RECOMPUTED_FIELDS])
        due_moved(locked, old_due)
        cancelled = _cancel_open(locked)
        created = 0
        if locked.state == ClockState.RUNNING:
            created = _create_deadlines(
                locked,
                deadline_plan(locked, due.due, calendar, anchor=anchor_day(segments)),
                due.revision,
            )
        audit_record(
            actor=actor,
            action="clocks.extended",
            obj=locked,
            changes={
                "days": days,
                "extension_days": locked.extension_days,
                "reason": reason[:500],
                "cancelled_deadlines": cancelled,
                "deadlines": created,
                **changes,
            },
        )
    return locked


def clock_stop(clock: Clock, *, on: dt.date, outcome: str, actor) -> Clock:
    """Stop for good on ``on`` (done, withdrawn, ...): open deadlines cancelled.

    ``due_on`` stays what it was, so on-time reports compare it with
    ``stopped_on``. Refused: a stopped clock, a date before the open segment,
    an outcome longer than 32 characters.
    """
    on = _require_date(on, "on")
    if len(outcome or "") > 32:
        raise ServiceError("clock_outcome_invalid", _("结果代码过长"), field="outcome")
    with transaction.atomic():
        locked = _lock(clock)
        if locked.state == ClockState.STOPPED:
            raise _clock_stopped()
        current = _open_segment(segments_of(locked))
        if on < current.first:
            raise _date_invalid(current.first)
        current.last = on
        current.save(update_fields=["last"])
        cancelled = _cancel_open(locked)
        locked.state = ClockState.STOPPED
        locked.stopped_on = on
        locked.stopped_at = timezone.now()
        locked.outcome = outcome or ""
        locked.save(update_fields=["state", "stopped_on", "stopped_at", "outcome"])
        audit_record(
            actor=actor,
            action="clocks.stopped",
            obj=locked,
            changes={
                "on": on.isoformat(),
                "outcome": locked.outcome,
                "due_on": locked.due_on.isoformat() if locked.due_on else None,
                "on_time": locked.due_on is not None and on <= locked.due_on,
                "cancelled_deadlines": cancelled,
            },
        )
    return locked


def clock_deadline_again(clock: Clock, *, kind: str, fire_at: dt.datetime) -> Deadline:
    """One more open deadline of ``kind`` on a running clock: a reminder that repeats.

    Called by a deadline handler (inside the sweep's transaction, the clock
    row locked) for something that must happen again until the subject is
    dealt with, e.g. a supervision order escalated every further working
    day until answered. The sweep marked the firing deadline fired before
    the handler runs, so the partial unique constraint (one open deadline
    per clock and kind) admits the next one. Idempotent: an open deadline of
    that kind already planned is returned as it is. Stopping or suspending
    the clock cancels it as any other deadline. Refused: a clock that is not
    running (``clock_stopped``), an unknown kind.
    """
    if kind not in DeadlineKind.values:
        raise ServiceError("clock_kind_invalid", _("时限种类无效"), field="kind")
    locked = _lock(clock)
    if locked.state != ClockState.RUNNING:
        raise _clock_stopped()
    existing = Deadline.objects.filter(
        clock=locked, kind=kind, state=DeadlineState.OPEN
    ).first()
    if existing is not None:
        return existing
    return Deadline.objects.create(
        clock=locked,
        kind=kind,
        fire_at=fire_at,
        calendar_revision=locked.calendar_revision,
    )


# --- reads -------------------------------------------------------------------------


def clocks_for(subject_type: str, subject_id: int) -> QuerySet[Clock]:
    return Clock.objects.filter(
        subject_type=subject_type, subject_id=subject_id
    ).order_by("pk")
