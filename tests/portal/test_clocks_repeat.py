"""clock_deadline_again: a handler plans the next deadline of a repeating reminder."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from portal import clocks
from portal.clocks import hooks
from portal.errors import ServiceError
from portal.models import Deadline, DeadlineKind, DeadlineState
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

K = DeadlineKind


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_default_timezone())


@pytest.fixture
def clock():
    return clocks.clock_start(
        subject_type="test.repeat",
        subject_id=1,
        kind="repeat",
        limit_days=5,
        start=dt.date(2026, 9, 30),
        actor=UserFactory(username="clerk-repeat"),
    )


def test_each_escalation_plans_one_more_and_a_rerun_adds_nothing(clock, monkeypatch):
    seen = []

    def again(c, deadline):
        seen.append(deadline.fire_at)
        nxt = timezone.localdate(deadline.fire_at) + dt.timedelta(days=1)
        clocks.clock_deadline_again(c, kind=K.ESCALATION, fire_at=at(nxt))

    monkeypatch.setattr(hooks, "_deadline_handlers", {("repeat", K.ESCALATION): again})
    first = Deadline.objects.get(clock=clock, kind=K.ESCALATION).fire_at
    assert first == at(dt.date(2026, 10, 15))
    now = at(dt.date(2026, 10, 17)) + dt.timedelta(minutes=5)
    clocks.deadlines_sweep(now=now)
    clocks.deadlines_sweep(now=now)
    # 15th, 16th, 17th fired once each; the 18th is planned, once.
    assert seen == [at(dt.date(2026, 10, d)) for d in (15, 16, 17)]
    planned = Deadline.objects.filter(
        clock=clock, kind=K.ESCALATION, state=DeadlineState.OPEN
    )
    assert [d.fire_at for d in planned] == [at(dt.date(2026, 10, 18))]


def test_idempotent_and_refused_on_a_stopped_clock(clock):
    existing = Deadline.objects.get(clock=clock, kind=K.ESCALATION)
    assert (
        clocks.clock_deadline_again(
            clock, kind=K.ESCALATION, fire_at=at(dt.date(2026, 11, 1))
        ).pk
        == existing.pk
    )
    with pytest.raises(ServiceError) as exc:
        clocks.clock_deadline_again(clock, kind="nope", fire_at=existing.fire_at)
    assert exc.value.code == "clock_kind_invalid"
    clocks.clock_stop(clock, on=dt.date(2026, 10, 9), outcome="done", actor=None)
    with pytest.raises(ServiceError) as exc:
        clocks.clock_deadline_again(
            clock, kind=K.ESCALATION, fire_at=at(dt.date(2026, 11, 1))
        )
    assert exc.value.code == "clock_stopped"
