"""Clocks and durable deadlines (portal.clocks): due dates over the segment
log, deadlines created and cancelled, the sweep acting once, the calendar
hooks and the explain API.

Dates are in 2026, whose State Council calendar the package ships: the
National Day break is 1–7 October with Saturday 10 October a make-up working
day, so 2026-09-30 + 5 working days = 2026-10-13 (docs/domain.md).
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from portal import clocks, workcalendar
from portal.audit import audit_record
from portal.clocks import computing, hooks
from portal.errors import ServiceError
from portal.models import (
    AuditEntry,
    Clock,
    ClockSegment,
    ClockState,
    Deadline,
    DeadlineKind,
    DeadlineState,
    SegmentState,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

D = dt.date
K = DeadlineKind
SUBJECT = "test.thing"


def at(day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(
        day, dt.time(hour, minute), tzinfo=timezone.get_default_timezone()
    )


@pytest.fixture
def actor():
    return UserFactory(username="clerk1")


@pytest.fixture
def handlers(monkeypatch):
    """An empty handler registry for the test."""
    registry: dict = {}
    monkeypatch.setattr(hooks, "_deadline_handlers", registry)
    return registry


def start(actor, **kw):
    args = {
        "subject_type": SUBJECT,
        "subject_id": 1,
        "kind": "task",
        "limit_days": 5,
        "start": D(2026, 9, 30),
        "label": "审查",
        "actor": actor,
    }
    args.update(kw)
    return clocks.clock_start(**args)


def open_deadlines(clock) -> dict[str, dt.datetime]:
    return dict(
        Deadline.objects.filter(clock=clock, state=DeadlineState.OPEN).values_list(
            "kind", "fire_at"
        )
    )


# --- start, suspend, resume, extend, stop ------------------------------------------


def test_start_counts_working_days_across_national_day_with_its_make_up_saturday(
    actor,
):
    clock = start(actor)
    assert clock.due_on == D(2026, 10, 13)
    assert clock.provisional is False
    assert clock.state == ClockState.RUNNING
    assert open_deadlines(clock) == {
        K.WARNING: at(D(2026, 10, 12), 8, 30),  # 1 working day before the due day
        K.DUE: at(D(2026, 10, 14)),  # the end of the due day
        K.ESCALATION: at(D(2026, 10, 15)),  # one full working day overdue
    }
    seg = ClockSegment.objects.get(clock=clock)
    assert (seg.state, seg.first, seg.last) == (
        SegmentState.RUNNING,
        clock.started_on,
        None,
    )
    entry = AuditEntry.objects.get(action="clocks.started", object_id=str(clock.pk))
    assert entry.changes["due_on"] == "2026-10-13" and entry.actor_id == actor.pk


def test_start_across_the_spring_festival(actor):
    clock = start(actor, start=D(2026, 2, 13), limit_days=3)
    # 14 Feb is a make-up Saturday, 15–23 the break: 14, 24, 25.
    assert clock.due_on == D(2026, 2, 25)


def test_suspension_moves_the_due_date_and_resumption_plans_new_deadlines(actor):
    clock = start(actor)
    first = set(Deadline.objects.filter(clock=clock).values_list("pk", flat=True))

    clocks.clock_suspend(
        clock, reason="supplement", note="补正营业执照", on=D(2026, 10, 9), actor=actor
    )
    clock.refresh_from_db()
    assert clock.state == ClockState.SUSPENDED and clock.due_on is None
    assert open_deadlines(clock) == {}
    assert set(
        Deadline.objects.filter(pk__in=first).values_list("state", flat=True)
    ) == {DeadlineState.CANCELLED}

    clocks.clock_resume(clock, on=D(2026, 10, 14), actor=actor)
    clock.refresh_from_db()
    # Counted 8 and 9 Oct; 10–14 not counted (suspended, then the resumption
    # day itself); then 15, 16, 19 Oct.
    assert clock.due_on == D(2026, 10, 19)
    assert clock.state == ClockState.RUNNING
    assert open_deadlines(clock) == {
        K.WARNING: at(D(2026, 10, 16), 8, 30),
        K.DUE: at(D(2026, 10, 20)),
        K.ESCALATION: at(D(2026, 10, 21)),
    }
    assert list(clock.segments.values_list("state", "reason", "first", "last")) == [
        (SegmentState.RUNNING, "", D(2026, 9, 30), D(2026, 10, 9)),
        (SegmentState.SUSPENDED, "supplement", D(2026, 10, 9), D(2026, 10, 14)),
        (SegmentState.RUNNING, "", D(2026, 10, 14), None),
    ]
    resumed = AuditEntry.objects.get(action="clocks.resumed", object_id=str(clock.pk))
    assert resumed.changes["due_on"] == [None, "2026-10-19"]
    assert AuditEntry.objects.filter(action="clocks.suspended").count() == 1


def test_suspended_and_resumed_the_same_day_loses_nothing(actor):
    clock = start(actor)
    clocks.clock_suspend(clock, reason="hearing", on=D(2026, 10, 9), actor=actor)
    clocks.clock_resume(clock, on=D(2026, 10, 9), actor=actor)
    clock.refresh_from_db()
    assert clock.due_on == D(2026, 10, 13)


def test_a_suspension_never_moves_the_due_date_earlier():
    """Every suspension (start and end day) within two months of the start."""
    calendar = workcalendar.current()
    base = Clock(started_on=D(2026, 9, 28), limit_days=7, unit="working")
    running = ClockSegment(state=SegmentState.RUNNING, first=base.started_on)
    unsuspended = computing.compute_due(base, [running], calendar).due
    days = [base.started_on + dt.timedelta(days=i) for i in range(0, 40)]
    for first, last in itertools.combinations_with_replacement(days, 2):
        segments = [
            ClockSegment(state=SegmentState.RUNNING, first=base.started_on, last=first),
            ClockSegment(
                state=SegmentState.SUSPENDED, reason="testing", first=first, last=last
            ),
            ClockSegment(state=SegmentState.RUNNING, first=last),
        ]
        due = computing.compute_due(base, segments, calendar)
        assert due.due >= unsuspended, (first, last)
        assert calendar.day(due.due).working, (first, last)


def _segments_for(start_day, suspensions):
    """A segment log: running, then each (first, last) suspension in order."""
    segments = []
    running_from = start_day
    for first, last in suspensions:
        segments.append(
            ClockSegment(state=SegmentState.RUNNING, first=running_from, last=first)
        )
        segments.append(
            ClockSegment(
                state=SegmentState.SUSPENDED, reason="testing", first=first, last=last
            )
        )
        running_from = last
    segments.append(ClockSegment(state=SegmentState.RUNNING, first=running_from))
    return segments


@settings(max_examples=150, deadline=None)
@given(
    start_offset=st.integers(0, 500),
    limit=st.integers(1, 45),
    gaps=st.lists(st.tuples(st.integers(0, 20), st.integers(0, 15)), max_size=3),
    extra=st.tuples(st.integers(0, 30), st.integers(0, 15)),
)
def test_more_suspensions_never_move_the_due_date_earlier(
    start_offset, limit, gaps, extra
):
    """Across 2025-2027 (confirmed and provisional years), any log of
    suspensions: the due day is a working day, and one more suspension
    (anywhere after the last) never moves it earlier."""
    calendar = workcalendar.current()
    start_day = D(2025, 6, 1) + dt.timedelta(days=start_offset)
    clock = Clock(started_on=start_day, limit_days=limit, unit="working")
    suspensions, cursor = [], start_day
    for wait, length in gaps:
        first = cursor + dt.timedelta(days=wait)
        suspensions.append((first, first + dt.timedelta(days=length)))
        cursor = first + dt.timedelta(days=length)
    before = computing.compute_due(
        clock, _segments_for(start_day, suspensions), calendar
    )
    first = cursor + dt.timedelta(days=extra[0])
    more = [*suspensions, (first, first + dt.timedelta(days=extra[1]))]
    after = computing.compute_due(clock, _segments_for(start_day, more), calendar)
    assert calendar.day(before.due).working and calendar.day(after.due).working
    assert after.due >= before.due


def test_extension_adds_working_days_and_replaces_open_deadlines(actor):
    clock = start(actor)
    old = set(Deadline.objects.filter(clock=clock).values_list("pk", flat=True))
    clocks.clock_extend(clock, days=10, reason="需组织专家论证", actor=actor)
    clock.refresh_from_db()
    assert clock.extension_days == 10
    # 15 working days from 30 Sep: ... 13 Oct is 5, 14–16 (8), 19–23 (13), 26, 27.
    assert clock.due_on == D(2026, 10, 27)
    assert set(Deadline.objects.filter(pk__in=old).values_list("state", flat=True)) == {
        DeadlineState.CANCELLED
    }
    assert open_deadlines(clock)[K.DUE] == at(D(2026, 10, 28))
    entry = AuditEntry.objects.get(action="clocks.extended")
    assert entry.changes["due_on"] == ["2026-10-13", "2026-10-27"]


def test_extension_while_suspended_plans_nothing_until_resumed(actor):
    clock = start(actor)
    clocks.clock_suspend(clock, reason="appraisal", on=D(2026, 10, 8), actor=actor)
    clocks.clock_extend(clock, days=2, reason="理由", actor=actor)
    assert open_deadlines(clock) == {}
    clocks.clock_resume(clock, on=D(2026, 10, 8), actor=actor)
    clock.refresh_from_db()
    assert clock.due_on == D(2026, 10, 15)  # 5 + 2 working days
    assert set(open_deadlines(clock)) == {K.WARNING, K.DUE, K.ESCALATION}


def test_stop_cancels_open_deadlines_and_keeps_the_due_date(actor):
    clock = start(actor)
    clocks.clock_stop(clock, on=D(2026, 10, 12), outcome="approved", actor=actor)
    clock.refresh_from_db()
    assert clock.state == ClockState.STOPPED
    assert (clock.stopped_on, clock.due_on, clock.outcome) == (
        D(2026, 10, 12),
        D(2026, 10, 13),
        "approved",
    )
    assert open_deadlines(clock) == {}
    entry = AuditEntry.objects.get(action="clocks.stopped")
    assert entry.changes["on_time"] is True


def test_natural_days_count_every_day_but_suspended_ones(actor):
    clock = start(actor, unit="natural", limit_days=5)
    assert clock.due_on == D(2026, 10, 5)  # the holiday counts
    assert open_deadlines(clock)[K.WARNING] == at(D(2026, 10, 4), 8, 30)
    assert open_deadlines(clock)[K.ESCALATION] == at(D(2026, 10, 7))
    clocks.clock_suspend(clock, reason="inspection", on=D(2026, 10, 2), actor=actor)
    clocks.clock_resume(clock, on=D(2026, 10, 4), actor=actor)
    clock.refresh_from_db()
    assert clock.due_on == D(2026, 10, 7)  # 3 and 4 Oct not counted


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (
            lambda c, a: clocks.clock_resume(c, on=D(2026, 10, 9), actor=a),
            "clock_not_suspended",
        ),
        (
            lambda c, a: clocks.clock_suspend(
                c, reason="nap", on=D(2026, 10, 9), actor=a
            ),
            "clock_reason_invalid",
        ),
        (
            lambda c, a: clocks.clock_suspend(
                c, reason="hearing", on=D(2026, 9, 1), actor=a
            ),
            "clock_date_invalid",
        ),
        (
            lambda c, a: clocks.clock_extend(c, days=0, reason="x", actor=a),
            "clock_extension_invalid",
        ),
        (
            lambda c, a: clocks.clock_extend(c, days=-3, reason="x", actor=a),
            "clock_extension_invalid",
        ),
        (
            lambda c, a: clocks.clock_extend(c, days=True, reason="x", actor=a),
            "clock_extension_invalid",
        ),
        (
            lambda c, a: clocks.clock_extend(c, days=3, reason=" ", actor=a),
            "clock_extension_reason_missing",
        ),
        (
            lambda c, a: clocks.clock_stop(c, on=D(2026, 9, 29), outcome="x", actor=a),
            "clock_date_invalid",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(actor, call, code):
    clock = start(actor)
    before = (
        AuditEntry.objects.count(),
        ClockSegment.objects.count(),
        sorted(Deadline.objects.values_list("pk", "state", "fire_at")),
    )
    with pytest.raises(ServiceError) as err:
        call(clock, actor)
    assert err.value.code == code
    clock.refresh_from_db()
    assert clock.due_on == D(2026, 10, 13) and clock.state == ClockState.RUNNING
    assert before == (
        AuditEntry.objects.count(),
        ClockSegment.objects.count(),
        sorted(Deadline.objects.values_list("pk", "state", "fire_at")),
    )


def test_state_conflicts_are_refused(actor):
    clock = start(actor)
    clocks.clock_suspend(clock, reason="hearing", on=D(2026, 10, 8), actor=actor)
    with pytest.raises(ServiceError) as err:
        clocks.clock_suspend(clock, reason="hearing", on=D(2026, 10, 9), actor=actor)
    assert (err.value.code, err.value.status) == ("clock_already_suspended", 409)
    clocks.clock_stop(clock, on=D(2026, 10, 9), outcome="withdrawn", actor=actor)
    for call in (
        lambda: clocks.clock_suspend(
            clock, reason="hearing", on=D(2026, 10, 9), actor=actor
        ),
        lambda: clocks.clock_resume(clock, on=D(2026, 10, 9), actor=actor),
        lambda: clocks.clock_extend(clock, days=1, reason="x", actor=actor),
        lambda: clocks.clock_stop(clock, on=D(2026, 10, 9), outcome="x", actor=actor),
    ):
        with pytest.raises(ServiceError) as err:
            call()
        assert (err.value.code, err.value.status) == ("clock_stopped", 409)


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"limit_days": -1}, "clock_limit_invalid"),
        ({"limit_days": "5"}, "clock_limit_invalid"),
        ({"warn_days": -1}, "clock_warn_days_invalid"),
        ({"unit": "lunar"}, "clock_unit_invalid"),
        ({"kind": ""}, "clock_kind_invalid"),
        ({"subject_id": "7"}, "clock_subject_invalid"),
        ({"start": dt.datetime(2026, 9, 30, 10, 0)}, "clock_date_invalid"),
    ],
)
def test_start_refuses_bad_input(actor, kw, code):
    with pytest.raises(ServiceError) as err:
        start(actor, **kw)
    assert err.value.code == code
    assert not Clock.objects.exists()


def test_one_clock_per_timed_thing_until_it_stops(actor):
    clock = start(actor)
    with pytest.raises(ServiceError) as err:
        start(actor)
    assert (err.value.code, err.value.status) == ("clock_exists", 409)
    assert Clock.objects.count() == 1
    clocks.clock_stop(clock, on=D(2026, 10, 9), outcome="reopened", actor=actor)
    start(actor, start=D(2026, 10, 9))
    assert clocks.clocks_for(SUBJECT, 1).count() == 2


def test_the_database_refuses_two_open_deadlines_of_one_kind(actor):
    clock = start(actor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Deadline.objects.create(clock=clock, kind=K.DUE, fire_at=at(D(2026, 11, 1)))


# --- the sweep ---------------------------------------------------------------------


def test_the_sweep_acts_once_per_deadline_and_kind(actor, handlers):
    calls = []
    clocks.register_deadline_handler(
        "task", K.WARNING, lambda c, d: calls.append(("y", c.pk))
    )
    clocks.register_deadline_handler(
        "task", K.DUE, lambda c, d: calls.append(("r", c.pk))
    )
    clock = start(actor)
    other = start(actor, subject_id=2, kind="delivery")  # no handler: fired, logged

    assert clocks.deadlines_sweep(now=at(D(2026, 10, 12), 8, 0)) == 0
    assert clocks.deadlines_sweep(now=at(D(2026, 10, 12), 9, 0)) == 2
    assert clocks.deadlines_sweep(now=at(D(2026, 10, 12), 9, 0)) == 0  # again
    assert calls == [("y", clock.pk)]
    warning = Deadline.objects.get(clock=clock, kind=K.WARNING)
    assert warning.state == DeadlineState.FIRED and warning.fired_at is not None

    late = at(D(2026, 10, 14), 0, 30)
    assert clocks.deadlines_sweep(now=late) == 2
    assert clocks.deadlines_sweep(now=late) == 0
    assert calls == [("y", clock.pk), ("r", clock.pk)]
    assert Deadline.objects.filter(clock=other, state=DeadlineState.FIRED).count() == 2
    assert (
        AuditEntry.objects.filter(
            action="clocks.deadline_fired",
            object_id=str(clock.pk),
            actor_label="system",
        ).count()
        == 2
    )


def test_a_failing_handler_rolls_back_its_deadline_only_and_is_retried(
    actor, handlers, caplog
):
    attempts = []

    def flaky(clock, deadline):
        attempts.append(deadline.pk)
        audit_record(actor=None, action="test.card_raised", obj=clock)
        if len(attempts) == 1:
            raise RuntimeError("SMS gateway said 13800000000 is busy")

    clocks.register_deadline_handler("task", K.WARNING, flaky)
    clocks.register_deadline_handler("delivery", K.WARNING, lambda c, d: None)
    clock = start(actor)
    fine = start(actor, subject_id=2, kind="delivery")
    now = at(D(2026, 10, 12), 9, 0)

    assert clocks.deadlines_sweep(now=now) == 1  # the other one went through
    assert Deadline.objects.get(clock=clock, kind=K.WARNING).state == DeadlineState.OPEN
    assert Deadline.objects.get(clock=fine, kind=K.WARNING).state == DeadlineState.FIRED
    assert not AuditEntry.objects.filter(action="test.card_raised").exists()
    assert "clocks.deadline_failed" in caplog.text
    assert "13800000000" not in caplog.text  # ids only in the log

    assert clocks.deadlines_sweep(now=now) == 1
    assert (
        Deadline.objects.get(clock=clock, kind=K.WARNING).state == DeadlineState.FIRED
    )
    assert AuditEntry.objects.filter(action="test.card_raised").count() == 1
    assert len(attempts) == 2


@pytest.mark.django_db(transaction=True)
def test_the_sweep_skips_a_clock_another_transaction_holds(actor, handlers):
    """SKIP LOCKED: a clock locked elsewhere (a service, another sweep) is left
    for the next run, not waited for and not acted on twice."""
    calls = []
    clocks.register_deadline_handler("task", K.WARNING, lambda c, d: calls.append(d.pk))
    clock = start(actor)
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                Clock.objects.select_for_update().get(pk=clock.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(10)
        now = at(D(2026, 10, 12), 9, 0)
        assert clocks.deadlines_sweep(now=now) == 0
        assert calls == []
    finally:
        release.set()
        holder.join(10)
    assert clocks.deadlines_sweep(now=now) == 1
    assert clocks.deadlines_sweep(now=now) == 0
    assert calls == [Deadline.objects.get(clock=clock, kind=K.WARNING).pk]


def test_the_sweep_budget_stops_early(actor, handlers):
    start(actor)
    start(actor, subject_id=2)
    assert clocks.deadlines_sweep(now=at(D(2026, 10, 20)), budget=0) == 0
    assert Deadline.objects.filter(state=DeadlineState.FIRED).count() == 0


def test_a_handler_that_stops_its_clock_leaves_its_deadline_fired(actor, handlers):
    def lapse(clock, deadline):
        clocks.clock_stop(clock, on=D(2026, 10, 14), outcome="lapsed", actor=None)

    clocks.register_deadline_handler("task", K.DUE, lapse)
    clock = start(actor)
    Deadline.objects.filter(clock=clock, kind=K.WARNING).update(
        state=DeadlineState.CANCELLED
    )
    assert clocks.deadlines_sweep(now=at(D(2026, 10, 14), 0, 5)) == 1
    states = dict(
        Deadline.objects.filter(clock=clock)
        .exclude(kind=K.WARNING)
        .values_list("kind", "state")
    )
    assert states == {K.DUE: DeadlineState.FIRED, K.ESCALATION: DeadlineState.CANCELLED}
    assert Clock.objects.get(pk=clock.pk).state == ClockState.STOPPED


@pytest.fixture
def due_changes(monkeypatch):
    monkeypatch.setattr(hooks, "_due_changed", {})
    seen = []
    clocks.register_due_changed(SUBJECT, lambda c, old: seen.append((old, c.due_on)))
    return seen


def test_due_changed_hook_follows_every_move_of_the_due_date(actor, due_changes):
    clock = start(actor)
    assert due_changes == []  # the starter has the new clock
    clock = clocks.clock_suspend(
        clock, reason="hearing", on=D(2026, 10, 9), actor=actor
    )
    clock = clocks.clock_resume(clock, on=D(2026, 10, 9), actor=actor)
    clock = clocks.clock_extend(clock, days=1, reason="x", actor=actor)
    clocks.clock_stop(clock, on=D(2026, 10, 15), outcome="approved", actor=actor)
    assert due_changes == [
        (D(2026, 10, 13), None),
        (None, D(2026, 10, 13)),
        (D(2026, 10, 13), D(2026, 10, 14)),
    ]


def test_a_failing_due_changed_hook_rolls_the_change_back(actor, monkeypatch):
    monkeypatch.setattr(hooks, "_due_changed", {})

    def broken(clock, old):
        raise RuntimeError("task row gone")

    clocks.register_due_changed(SUBJECT, broken)
    clock = start(actor)
    with pytest.raises(RuntimeError):
        clocks.clock_extend(clock, days=1, reason="x", actor=actor)
    clock.refresh_from_db()
    assert (clock.extension_days, clock.due_on) == (0, D(2026, 10, 13))
    assert set(open_deadlines(clock)) == {K.WARNING, K.DUE, K.ESCALATION}


# --- calendar hooks ----------------------------------------------------------------


def edit_calendar(*entries, today=None) -> int:
    return workcalendar.calendar_days_set(
        actor=UserFactory(username="admin1"),
        entries=[(day, working, "local", note) for day, working, note in entries],
        summary="测试调整",
        today=today,
    )


def test_a_calendar_edit_moves_a_provisional_clock_and_is_audited(actor, due_changes):
    # 2027 is beyond the State Council notices shipped: provisional.
    clock = start(actor, start=D(2027, 3, 1), limit_days=5)
    assert clock.provisional is True
    assert clock.due_on == D(2027, 3, 8)  # 2, 3, 4, 5, 8 March
    confirmed = start(actor, subject_id=2)  # 2026: not provisional
    confirmed_revision = confirmed.calendar_revision
    warning = Deadline.objects.get(clock=clock, kind=K.WARNING)

    revision = edit_calendar((D(2027, 3, 4), False, "藏历新年"))
    clock.refresh_from_db()
    assert clock.due_on == D(2027, 3, 9)
    assert clock.calendar_revision == revision
    assert open_deadlines(clock) == {
        K.WARNING: at(D(2027, 3, 8), 8, 30),
        K.DUE: at(D(2027, 3, 10)),
        K.ESCALATION: at(D(2027, 3, 11)),
    }
    warning.refresh_from_db()  # moved, not replaced
    assert (warning.state, warning.calendar_revision) == (DeadlineState.OPEN, revision)
    entry = AuditEntry.objects.get(action="clocks.recomputed", object_id=str(clock.pk))
    assert entry.changes["due_on"] == ["2027-03-08", "2027-03-09"]
    assert due_changes == [(D(2027, 3, 8), D(2027, 3, 9))]
    assert entry.changes["revision"] == revision
    assert entry.actor_label == "system"
    confirmed.refresh_from_db()
    assert confirmed.calendar_revision == confirmed_revision  # not touched

    # A day after the due date moves nothing and audits nothing more.
    edit_calendar((D(2027, 4, 1), False, "x"))
    clock.refresh_from_db()
    assert clock.due_on == D(2027, 3, 9)
    assert AuditEntry.objects.filter(action="clocks.recomputed").count() == 1


def test_the_day_guard_refuses_a_past_day_a_stopped_clock_counted(actor):
    clock = start(actor)
    clock = clocks.clock_suspend(
        clock, reason="hearing", on=D(2026, 10, 8), actor=actor
    )
    clock = clocks.clock_resume(clock, on=D(2026, 10, 12), actor=actor)
    assert clock.due_on == D(2026, 10, 16)  # counted 8, then 13, 14, 15, 16 Oct
    guard = clocks.days_used_by_stopped_clocks
    assert guard({D(2026, 10, 13)}) is False  # the clock is still running
    clocks.clock_stop(clock, on=D(2026, 10, 16), outcome="approved", actor=actor)
    assert guard({D(2026, 10, 13)}) is True
    assert guard({D(2026, 10, 8)}) is True  # the suspension day still counted
    assert guard({D(2026, 10, 10)}) is False  # inside the suspension
    assert guard({D(2026, 9, 30)}) is False  # the start day is not counted
    assert guard({D(2026, 10, 19)}) is False  # after it stopped
    assert guard({D(2026, 10, 19), D(2026, 10, 16)}) is True

    today = D(2026, 11, 20)
    with pytest.raises(ServiceError) as err:
        edit_calendar((D(2026, 10, 13), False, "补假"), today=today)
    assert err.value.code == "calendar_day_in_use"
    assert Clock.objects.get(pk=clock.pk).due_on == D(2026, 10, 16)
    # A day inside its suspension did not count: the edit goes through.
    edit_calendar((D(2026, 10, 10), False, "补假"), today=today)


def test_the_hooks_are_registered_with_the_calendar():
    assert clocks.days_used_by_stopped_clocks in workcalendar._day_guards
    assert clocks.clocks_calendar_changed in workcalendar._change_handlers


# --- explain ------------------------------------------------------------------------


@pytest.fixture
def access(monkeypatch):
    monkeypatch.setattr(hooks, "_subject_access", {})
    clocks.register_subject_access(
        SUBJECT, lambda user, sid: user.username == f"owner{sid}"
    )


def test_explain_lists_segments_extension_and_days(actor):
    clock = start(actor)
    clocks.clock_suspend(clock, reason="expert_review", on=D(2026, 10, 9), actor=actor)
    clocks.clock_resume(clock, on=D(2026, 10, 14), actor=actor)
    clock = clocks.clock_extend(clock, days=1, reason="x", actor=actor)
    due = clocks.clock_explain(clock)
    assert due.due == D(2026, 10, 20)
    assert D(2026, 10, 10) in dict(due.suspended)
    lines = clocks.clock_explain_lines(clock, due)
    assert lines[0] == "计时事项：审查。"
    assert "2026年9月30日" in lines[1]  # the start, not counted
    assert any("延长1个工作日" in line for line in lines)
    assert any("跳过的节假日和休息日" in line and "国庆节" in line for line in lines)
    assert any("截止日期：2026年10月20日" in line for line in lines)
    assert any(
        "2026年10月9日中止计时（专家评审），2026年10月14日恢复计时" in line
        for line in lines
    )


def test_explain_of_a_natural_day_clock_speaks_of_natural_days(actor):
    clock = start(actor, unit="natural", limit_days=5)
    clock = clocks.clock_suspend(
        clock, reason="inspection", on=D(2026, 10, 2), actor=actor
    )
    clock = clocks.clock_resume(clock, on=D(2026, 10, 4), actor=actor)
    clock = clocks.clock_stop(clock, on=D(2026, 10, 6), outcome="done", actor=actor)
    lines = clocks.clock_explain_lines(clock, clocks.clock_explain(clock))
    assert lines == [
        "计时事项：审查。",
        "自2026年9月30日起算（当日不计入），计5个自然日。",
        "不计入的中止期间2天。",
        "截止日期：2026年10月7日（当日结束前）。",
        "2026年10月2日中止计时（现场勘验），2026年10月4日恢复计时；恢复当日不计入。",
        "已于2026年10月6日停止计时。",
    ]


def test_explain_api_answers_the_owner(actor, access, django_assert_max_num_queries):
    clock = start(actor)
    clocks.clock_suspend(clock, reason="supplement", on=D(2026, 10, 9), actor=actor)
    client = APIClient()
    client.force_authenticate(UserFactory(username="owner1"))
    url = reverse("api-deadline-explain", args=[clock.pk])
    with django_assert_max_num_queries(4):
        response = client.get(url)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "id",
        "label",
        "kind",
        "due",
        "provisional",
        "revision",
        "state",
        "explanation",
        "segments",
        "extension_days",
    }
    assert body["due"] is None and body["state"] == "suspended"
    assert [s["state"] for s in body["segments"]] == ["running", "suspended"]
    assert body["segments"][1]["reason_label"] == "申请人补正材料"
    assert any("尚未恢复" in line for line in body["explanation"])


def test_explain_api_is_404_for_a_user_the_access_function_refuses(actor, access):
    clock = start(actor)
    other = start(actor, subject_type="test.unregistered", subject_id=1)
    client = APIClient()
    client.force_authenticate(UserFactory(username="owner2"))
    for pk in (clock.pk, other.pk, 999999):
        response = client.get(reverse("api-deadline-explain", args=[pk]))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert (
        AuditEntry.objects.filter(
            action="clocks.explain_refused", actor_label="owner2"
        ).count()
        == 3
    )
    client.force_authenticate(None)
    response = client.get(reverse("api-deadline-explain", args=[clock.pk]))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
