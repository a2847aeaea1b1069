"""Clocks and durable deadlines: the services, the sweep and the hooks.

A clock is started, suspended, resumed, extended and stopped only here; each
service runs in one transaction with the clock's row locked, writes its
segment log, recomputes ``due_on`` with portal.workdays.due_date over the
log, replaces its open deadlines and appends an audit entry. Lock order is
always clock, then its deadlines (the sweep too), so a service and a sweep
never deadlock.

Deadline times (local time, settings.TIME_ZONE):

- warning: 08:30 on the ``warn_days``-th counted day before the due day
  (never on or before the day the clock last started: then the first
  counted day after it);
- due: 00:00 of the day after the due day (a deadline ends at the end of its
  day);
- escalation: 00:00 after the first working day after the due day (one full
  working day overdue).

The sweep (:func:`deadlines_sweep`, the beat task portal.tasks.sweep_deadlines
every 60 s) reads the head of the partial index of open deadlines, and acts on
each due one in its own transaction: clock and deadline locked with SKIP
LOCKED, still open re-checked, the handler registered for (clock kind,
deadline kind) called, the deadline marked fired, all committed together. A
handler that raises rolls its deadline back alone; the next run tries it
again. Nothing is scheduled in the broker (docs/adr/0009-durable-deadlines.md).

Hooks other apps register at start-up (portal's base imports no app):
:func:`register_deadline_handler` and :func:`register_subject_access`. This
module registers a day guard and a change handler with the calendar.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import _calendar_compat as calendar_api
from ._calendar_compat import Calendar, DueDate, Suspension, due_date
from .audit import audit_record
from .errors import NotFoundError, ServiceError
from .models import (
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
from .sweep import Drain
from .system import system_user

logger = logging.getLogger(__name__)

SWEEP_BATCH = 50
SWEEP_BUDGET_SECONDS = 45.0
WARNING_TIME = dt.time(8, 30)
MAX_DAYS = 3650
ONE_DAY = dt.timedelta(days=1)

DeadlineHandler = Callable[[Clock, Deadline], object]
SubjectAccess = Callable[[object, int], bool]

_deadline_handlers: dict[tuple[str, str], DeadlineHandler] = {}
_subject_access: dict[str, SubjectAccess] = {}


# --- hooks -------------------------------------------------------------------------


def register_deadline_handler(
    clock_kind: str, deadline_kind: str, handler: DeadlineHandler
) -> None:
    """``handler(clock, deadline)`` acts when a deadline of this kind is due.

    It runs inside the sweep's transaction with the clock and deadline rows
    locked and may write (cards, outbox rows); it must not commit, sleep on
    the network, or catch database errors. An exception rolls back that one
    deadline, which the next sweep tries again. Registering the same pair
    again replaces the handler (app reloads in tests).
    """
    if deadline_kind not in DeadlineKind.values:
        raise ValueError(f"unknown deadline kind {deadline_kind!r}")
    _deadline_handlers[(clock_kind, deadline_kind)] = handler


def register_subject_access(subject_type: str, fn: SubjectAccess) -> None:
    """``fn(user, subject_id) -> bool``: may the user see this subject's clocks?

    Without a registered function nobody sees a clock of that subject type
    through the explain API (404).
    """
    _subject_access[subject_type] = fn


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


# --- computing ---------------------------------------------------------------------


def _reason_label(reason: str) -> str:
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
            Suspension(first=first, last=seg.last, reason=_reason_label(seg.reason))
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
    while len(counted) < total:
        current += ONE_DAY
        hit = next(
            (
                s
                for s in suspensions
                if s.first <= current and (s.last is None or current <= s.last)
            ),
            None,
        )
        if hit is None:
            counted.append(current)
            continue
        suspended.append((current, hit.reason))
        if hit.last is None:
            return DueDate(None, False, revision, tuple(counted), (), tuple(suspended))
    return DueDate(
        current if total else start,
        False,
        revision,
        tuple(counted),
        (),
        tuple(suspended),
    )


def _compute(
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


# --- writing helpers ---------------------------------------------------------------


def _lock(clock: Clock | int) -> Clock:
    pk = clock.pk if isinstance(clock, Clock) else clock
    locked = Clock.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise NotFoundError("clock_not_found", _("计时不存在"))
    return locked


def _segments(clock: Clock) -> list[ClockSegment]:
    return list(ClockSegment.objects.filter(clock=clock).order_by("first", "pk"))


def _open_segment(segments: Sequence[ClockSegment]) -> ClockSegment:
    return next(seg for seg in reversed(segments) if seg.last is None)


def _anchor(segments: Sequence[ClockSegment]) -> dt.date:
    """The day the clock last started counting (start or resumption)."""
    running = [seg for seg in segments if seg.state == SegmentState.RUNNING]
    return running[-1].first


def _cancel_open(clock: Clock) -> int:
    return Deadline.objects.filter(clock=clock, state=DeadlineState.OPEN).update(
        state=DeadlineState.CANCELLED, cancelled_at=timezone.now()
    )


def _create_deadlines(clock: Clock, plan: dict[str, dt.datetime], revision: int) -> int:
    """New open deadlines for ``plan``; a kind that already fired at the same
    moment is not planned again (a resumption that did not move the date)."""
    if not plan:
        return 0
    fired = set(
        Deadline.objects.filter(clock=clock, state=DeadlineState.FIRED).values_list(
            "kind", "fire_at"
        )
    )
    rows = [
        Deadline(clock=clock, kind=kind, fire_at=at, calendar_revision=revision)
        for kind, at in plan.items()
        if (kind, at) not in fired
    ]
    Deadline.objects.bulk_create(rows)
    return len(rows)


def _apply(clock: Clock, due: DueDate) -> dict:
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


_RECOMPUTED_FIELDS = ["due_on", "provisional", "calendar_revision"]


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
    if unit not in ClockUnit.values:
        raise ServiceError("clock_unit_invalid", _("计时单位无效"), field="unit")
    _positive_days(
        limit_days, code="clock_limit_invalid", field="limit_days", minimum=0
    )
    _positive_days(
        warn_days, code="clock_warn_days_invalid", field="warn_days", minimum=0
    )
    start = _require_date(start, "start")
    calendar = calendar_api.current()
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
    due = _compute(clock, [segment], calendar)
    _apply(clock, due)
    try:
        with transaction.atomic():
            clock.save()
            segment.clock = clock
            segment.save()
            created = _create_deadlines(
                clock,
                deadline_plan(clock, due.due, calendar, anchor=start),
                due.revision,
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
        segments = _segments(locked)
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
        changes = _apply(
            locked, _compute(locked, [*segments, segment], calendar_api.current())
        )
        locked.state = ClockState.SUSPENDED
        locked.save(update_fields=["state", *_RECOMPUTED_FIELDS])
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
        segments = _segments(locked)
        current = _open_segment(segments)
        if on < current.first:
            raise _date_invalid(current.first)
        current.last = on
        current.save(update_fields=["last"])
        running = ClockSegment.objects.create(
            clock=locked, state=SegmentState.RUNNING, first=on, started_by=actor
        )
        calendar = calendar_api.current()
        due = _compute(locked, [*segments, running], calendar)
        changes = _apply(locked, due)
        locked.state = ClockState.RUNNING
        locked.save(update_fields=["state", *_RECOMPUTED_FIELDS])
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
        segments = _segments(locked)
        locked.extension_days += days
        calendar = calendar_api.current()
        due = _compute(locked, segments, calendar)
        changes = _apply(locked, due)
        locked.save(update_fields=["extension_days", *_RECOMPUTED_FIELDS])
        cancelled = _cancel_open(locked)
        created = 0
        if locked.state == ClockState.RUNNING:
            created = _create_deadlines(
                locked,
                deadline_plan(locked, due.due, calendar, anchor=_anchor(segments)),
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
        current = _open_segment(_segments(locked))
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


# --- reads -------------------------------------------------------------------------


def clocks_for(subject_type: str, subject_id: int) -> QuerySet[Clock]:
    return Clock.objects.filter(
        subject_type=subject_type, subject_id=subject_id
    ).order_by("pk")


def clock_explain(clock: Clock) -> DueDate:
    """The due date over the clock's segment log with the current calendar."""
    segments = getattr(clock, "_prefetched_objects_cache", {}).get("segments")
    segments = list(segments) if segments is not None else _segments(clock)
    return _compute(clock, segments, calendar_api.current())


def clock_explain_lines(clock: Clock, due: DueDate) -> list[str]:
    """Plain Chinese lines: the clock's own facts, then the day-by-day account."""
    segments = getattr(clock, "_prefetched_objects_cache", {}).get("segments")
    segments = list(segments) if segments is not None else _segments(clock)
    unit = str(ClockUnit(clock.unit).label)
    lines = [
        _("%(label)s：自%(start)s起算（当日不计），时限%(days)s个%(unit)s。")
        % {
            "label": clock.label or clock.kind,
            "start": clock.started_on.isoformat(),
            "days": clock.limit_days,
            "unit": unit,
        }
    ]
    if clock.extension_days:
        lines.append(
            _("经批准延长%(days)s个%(unit)s。")
            % {"days": clock.extension_days, "unit": unit}
        )
    for seg in segments:
        if seg.state != SegmentState.SUSPENDED:
            continue
        if seg.last is None:
            lines.append(
                _("自%(first)s起中止计时（%(reason)s），尚未恢复。")
                % {"first": seg.first.isoformat(), "reason": _reason_label(seg.reason)}
            )
        else:
            lines.append(
                _("%(first)s至%(last)s中止计时（%(reason)s），其间不计入时限。")
                % {
                    "first": seg.first.isoformat(),
                    "last": seg.last.isoformat(),
                    "reason": _reason_label(seg.reason),
                }
            )
    if clock.state == ClockState.STOPPED and clock.stopped_on:
        lines.append(_("已于%(day)s停止计时。") % {"day": clock.stopped_on.isoformat()})
    lines.extend(due.explain())
    return lines


def clock_for_user(*, user, pk: int) -> Clock:
    """The clock if the registered subject access lets ``user`` see it, else 404.

    A refusal is audited (someone asked for a deadline of a case that is not
    theirs), with the same answer as for an id that does not exist.
    """
    clock = Clock.objects.filter(pk=pk).prefetch_related("segments").first()
    access = _subject_access.get(clock.subject_type) if clock is not None else None
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


# --- the sweep ---------------------------------------------------------------------


def _fire_one(pk: int, clock_id: int, now: dt.datetime, actor) -> bool:
    """Act on one due deadline in the caller's transaction; False if skipped."""
    clock = (
        Clock.objects.select_for_update(skip_locked=True).filter(pk=clock_id).first()
    )
    if clock is None:
        return False  # another sweep or a service holds the clock
    deadline = (
        Deadline.objects.select_for_update(skip_locked=True)
        .filter(pk=pk, state=DeadlineState.OPEN, fire_at__lte=now)
        .first()
    )
    if deadline is None:
        return False  # fired, cancelled or moved meanwhile
    if clock.state != ClockState.RUNNING:  # services cancel these; be safe
        deadline.state = DeadlineState.CANCELLED
        deadline.cancelled_at = timezone.now()
        deadline.save(update_fields=["state", "cancelled_at"])
        return False
    handler = _deadline_handlers.get((clock.kind, deadline.kind))
    if handler is not None:
        handler(clock, deadline)
    else:
        logger.warning(
            "clocks.deadline_no_handler deadline_id=%s clock_kind=%s kind=%s",
            pk,
            clock.kind,
            deadline.kind,
        )
    deadline.state = DeadlineState.FIRED
    deadline.fired_at = timezone.now()
    deadline.save(update_fields=["state", "fired_at"])
    audit_record(
        actor=actor,
        action="clocks.deadline_fired",
        obj=clock,
        changes={
            "deadline": deadline.pk,
            "kind": deadline.kind,
            "fire_at": deadline.fire_at,
            "handled": handler is not None,
        },
    )
    return True


def deadlines_sweep(
    now: dt.datetime | None = None,
    budget: float = SWEEP_BUDGET_SECONDS,
    *,
    batch: int = SWEEP_BATCH,
    limit: int | None = None,
) -> int:
    """Act once on every open deadline whose fire_at has passed; the count acted on.

    Due ids come from the partial index in ``batch``-sized reads, oldest first;
    each is claimed and acted on in its own transaction (:func:`_fire_one`).
    One that was skipped (locked elsewhere) or failed is not read again in
    this run. Stops when nothing is due or ``budget`` seconds are spent.
    """
    now = now or timezone.now()
    clock_of: dict[int, int] = {}

    def fetch(exclude: set[int], take: int) -> list[int]:
        due = Deadline.objects.filter(state=DeadlineState.OPEN, fire_at__lte=now)
        if exclude:
            due = due.exclude(pk__in=exclude)
        rows = list(due.order_by("fire_at").values_list("pk", "clock_id")[:take])
        clock_of.update(rows)
        return [pk for pk, _clock in rows]

    drain = Drain(fetch, batch=batch, budget_seconds=budget, limit=limit)
    actor = None
    done = 0
    for pk in drain:
        if actor is None:
            actor = system_user()
        try:
            with transaction.atomic():
                acted = _fire_one(pk, clock_of.pop(pk), now, actor)
        except Exception as exc:
            logger.error(
                "clocks.deadline_failed deadline_id=%s error=%s", pk, type(exc).__name__
            )
            acted = False
            drain.exclude.add(pk)
            continue
        if acted:
            done += 1
        else:
            drain.exclude.add(pk)
    if done:
        logger.info("clocks.deadlines_swept count=%s", done)
    return done


# --- calendar hooks ----------------------------------------------------------------


def days_used_by_stopped_clocks(days: set[dt.date]) -> bool:
    """The calendar's day guard: True if a stopped clock counted a past day of ``days``.

    "Counted": after its start day, up to its stop day, and not inside one of
    its suspensions. Such a day is history; changing it would change a closed
    record's on-time result.
    """
    today = timezone.localdate()
    for day in sorted(d for d in days if d < today):
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
    calendar = calendar_api.current()
    actor = None
    moved = 0
    for clock in candidates:
        if not any(
            clock.started_on < d and (clock.due_on is None or d <= clock.due_on)
            for d in days
        ):
            continue
        segments = _segments(clock)
        old_due, old_provisional = clock.due_on, clock.provisional
        due = _compute(clock, segments, calendar)
        changes = _apply(clock, due)
        clock.save(update_fields=_RECOMPUTED_FIELDS)
        if due.due == old_due and due.provisional == old_provisional:
            continue
        plan = (
            deadline_plan(clock, due.due, calendar, anchor=_anchor(segments))
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
    calendar_api.register_day_guard(days_used_by_stopped_clocks)
    calendar_api.register_change_handler(clocks_calendar_changed)
