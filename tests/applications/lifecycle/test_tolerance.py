"""Tolerated gaps: a clock per promised material from acceptance to its date."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from applications import constants as c
from applications.services.decision import application_decide
from applications.services.notify import application_recipients
from applications.services.timers import applications_deem_overdue
from applications.services.tolerance import KIND, SUBJECT, gap_clocks
from applications.services.withdrawal import application_withdraw
from people.constants import OutboxChannel
from people.models import OutboxMessage
from portal.clocks import clock_for_user, deadlines_sweep
from portal.errors import NotFoundError
from portal.models import AuditEntry, ClockState, DeadlineKind, DeadlineState
from portal.roles import Role
from tests.applications.factories import (
    ApplicationFactory,
    applicable_version,
    clerk_at,
)
from tests.applications.lifecycle.helpers import in_review
from tests.factories import ServiceHallFactory, implementation_for, staff

pytestmark = pytest.mark.django_db


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(
        day, dt.time(hour), tzinfo=timezone.get_default_timezone()
    )


def _messages(application, recipient: str) -> list[OutboxMessage]:
    return list(
        OutboxMessage.objects.about(application)
        .filter(recipient=recipient, channel=OutboxChannel.SMS)
        .order_by("pk")
    )


def test_acceptance_starts_a_clock_due_on_the_promise_date(make):
    app = make(accepted=True)
    row = app.materials.get(provision=c.Provision.TOLERATED)
    clocks = list(gap_clocks(app))
    assert len(clocks) == 1
    clock = clocks[0]
    assert (clock.subject_type, clock.subject_id, clock.kind) == (SUBJECT, row.pk, KIND)
    assert clock.state == ClockState.RUNNING
    assert clock.started_on == timezone.localdate(app.accepted_at)
    assert clock.due_on == row.promised_by
    warning = clock.deadlines.get(kind=DeadlineKind.WARNING)
    assert timezone.localtime(warning.fire_at).date() == row.promised_by - dt.timedelta(
        days=1
    )


def test_sweep_warns_the_applicant_once_then_tells_the_hall_once(make, clerk, hall):
    app = make(accepted=True)
    clock = gap_clocks(app).get()
    (applicant_phone,) = [
        r.address
        for r in application_recipients(application=app)
        if r.channel == OutboxChannel.SMS
    ]
    clerk_phone = "13900000001"
    clerk.phone = clerk_phone
    clerk.save(update_fields=["phone"])
    elsewhere = staff("clerk-elsewhere", Role.CLERK, hall=ServiceHallFactory())
    elsewhere.phone = "13900000002"
    elsewhere.save(update_fields=["phone"])
    before = len(_messages(app, applicant_phone))

    warn_day = clock.due_on - dt.timedelta(days=1)
    deadlines_sweep(now=_at(warn_day))
    deadlines_sweep(now=_at(warn_day, 18))
    to_applicant = _messages(app, applicant_phone)[before:]
    assert len(to_applicant) == 1
    assert "容缺材料" in to_applicant[0].body
    assert _messages(app, clerk_phone) == []

    after_due = clock.due_on + dt.timedelta(days=1)
    deadlines_sweep(now=_at(after_due))
    deadlines_sweep(now=_at(after_due, 13))
    to_clerk = _messages(app, clerk_phone)
    assert len(to_clerk) == 1
    assert "逾期" in to_clerk[0].body
    assert len(_messages(app, applicant_phone)[before:]) == 2
    assert _messages(app, "13900000002") == []
    assert clock.deadlines.get(kind=DeadlineKind.DUE).state == DeadlineState.FIRED
    assert not AuditEntry.objects.filter(
        action="applications.tolerance_overdue"
    ).exists()

    deadlines_sweep(now=_at(after_due + dt.timedelta(days=10)))
    assert len(_messages(app, clerk_phone)) == 2
    assert (
        AuditEntry.objects.filter(action="applications.tolerance_overdue").count() == 1
    )


def test_withdrawal_stops_the_clock_and_nothing_fires(make):
    app = make(accepted=True)
    clock = gap_clocks(app).get()
    application_withdraw(application=app, user=app.applicant, reason="不办了")
    clock.refresh_from_db()
    assert clock.state == ClockState.STOPPED
    assert clock.outcome == c.ApplicationStatus.WITHDRAWN
    assert not clock.deadlines.filter(state=DeadlineState.OPEN).exists()
    sent = OutboxMessage.objects.about(app).count()
    deadlines_sweep(now=_at(clock.due_on + dt.timedelta(days=10)))
    assert OutboxMessage.objects.about(app).count() == sent


def test_no_tolerated_material_starts_no_clock(implementation, applicant, clerk):
    version = applicable_version(materials=[{"name": "居民身份证"}])
    impl = implementation_for(version, hall=clerk.staff_profile.hall)
    app = ApplicationFactory(
        implementation=impl, applicant=applicant, clerk=clerk, accepted=True
    )
    assert app.status == c.ApplicationStatus.ACCEPTED
    assert not gap_clocks(app).exists()


def test_explain_access_applicant_and_hall_clerk_only(make, clerk, hall):
    app = make(accepted=True)
    clock = gap_clocks(app).get()
    assert clock_for_user(user=app.applicant, pk=clock.pk) == clock
    assert clock_for_user(user=clerk, pk=clock.pk) == clock
    other_clerk = clerk_at(ServiceHallFactory(), "clerk-other-hall")
    with pytest.raises(NotFoundError):
        clock_for_user(user=other_clerk, pk=clock.pk)
    stranger = staff("stranger-reviewer", Role.REVIEWER)
    with pytest.raises(NotFoundError):
        clock_for_user(user=stranger, pk=clock.pk)


def test_deemed_acceptance_starts_it_from_the_day_materials_arrived(make, reviewer):
    with time_machine.travel(dt.datetime(2026, 9, 30, 2, tzinfo=dt.UTC), tick=False):
        app = make(submitted=True)
    row = app.materials.get(provision=c.Provision.TOLERATED)
    assert not gap_clocks(app).exists()  # submitted, not accepted: nothing yet
    with time_machine.travel(dt.datetime(2026, 10, 14, 2, tzinfo=dt.UTC), tick=False):
        assert applications_deem_overdue() == 1
    app.refresh_from_db()
    assert app.acceptance_deemed
    clock = gap_clocks(app).get()
    assert clock.started_on == timezone.localdate(app.accepted_at)
    assert clock.due_on == row.promised_by


def test_a_decision_stops_the_clock(make, reviewer):
    app = in_review(make(accepted=True), reviewer)
    clock = gap_clocks(app).get()
    assert clock.state == ClockState.RUNNING
    application_decide(
        application=app,
        actor=reviewer,
        outcome=c.DecisionOutcome.REJECTED,
        basis="不符合条件",
    )
    clock.refresh_from_db()
    assert clock.state == ClockState.STOPPED
    assert clock.outcome == c.ApplicationStatus.REJECTED
    assert not clock.deadlines.filter(state=DeadlineState.OPEN).exists()
