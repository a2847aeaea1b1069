"""Deadline handlers (cards, messages) through the real sweep, and explain access."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from people.models import OutboxMessage
from portal import clocks
from portal.errors import ServiceError
from portal.roles import Role
from tests.factories import staff
from workflow import constants as c
from workflow.models import Card
from workflow.selectors import head_desk_for, inbox_for
from workflow.services import task_claim, task_decide

from .factories import accepted, case_of, department, head, reviewer, routed_item

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()


def at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(
        dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=TZ
    )


@pytest.fixture
def routed(region):
    a, b = department("甲局", region=region), department("乙局", region=region)
    rev_a, head_a = reviewer(a), head(a)
    head_a.email = "head@example.cn"
    head_a.save(update_fields=["email"])
    supervisor = staff("supervisor", Role.SUPERVISOR)
    supervisor.email = "sup@example.cn"
    supervisor.save(update_fields=["email"])
    with time_machine.travel(at("2026-03-02"), tick=False):
        app = accepted(routed_item([[a, b]], lead=a))
    case = case_of(app)
    return {
        "app": app,
        "case": case,
        "task": case.tasks.get(department=a),
        "other": case.tasks.get(department=b),
        "rev_a": rev_a,
        "head_a": head_a,
        "rev_b": reviewer(b),
        "supervisor": supervisor,
    }


def test_warning_due_and_escalation_act_once_each(routed):
    task = routed["task"]
    assert task.due_on == dt.date(2026, 3, 9)
    assert task.warn_on == dt.date(2026, 3, 6)
    with time_machine.travel(at("2026-03-06", 9), tick=False):
        clocks.deadlines_sweep()
        clocks.deadlines_sweep()  # a second run finds nothing to do
        card = Card.objects.get(task=task)
        assert card.colour == c.CardColour.YELLOW
        marks = {t.pk: t.mark for t in inbox_for(routed["rev_a"])}
        assert marks[task.pk] == c.Mark.YELLOW
    with time_machine.travel(at("2026-03-10", 0, 5), tick=False):
        clocks.deadlines_sweep()
        red = Card.objects.get(task=task, colour=c.CardColour.RED)
        assert red.escalated_at is None
        to_head = OutboxMessage.objects.filter(recipient="head@example.cn")
        assert to_head.count() == 1
        assert {t.pk: t.mark for t in inbox_for(routed["rev_a"])}[task.pk] == "red"
        desk = head_desk_for(routed["head_a"])
        assert list(desk.red_cards) == [red]
        assert [t.pk for t in desk.overdue] == [task.pk]
    with time_machine.travel(at("2026-03-11", 0, 5), tick=False):
        clocks.deadlines_sweep()
        clocks.deadlines_sweep()
        red.refresh_from_db()
        assert red.escalated_at is not None
        # Both tasks are overdue: the supervisor hears once about each.
        to_sup = OutboxMessage.objects.filter(recipient="sup@example.cn")
        assert to_sup.count() == 2
        assert to_sup.about(task).count() == 1
        assert OutboxMessage.objects.filter(recipient="head@example.cn").count() == 2
    assert Card.objects.filter(task=task).count() == 2
    # Deciding clears the task's cards.
    with time_machine.travel(at("2026-03-11", 10), tick=False):
        task_claim(task=task, actor=routed["rev_a"])
        task_decide(task=task, actor=routed["rev_a"], outcome="approve", opinion="同意")
    assert not Card.objects.filter(task=task, cleared_at__isnull=True).exists()
    assert head_desk_for(routed["head_a"]).overdue.count() == 0


def test_the_statutory_due_raises_a_red_card_on_the_case(routed):
    case = routed["case"]
    statutory = clocks.clocks_for(c.SUBJECT_CASE, case.pk).get(
        kind=c.CLOCK_CASE_STATUTORY
    )
    due = statutory.due_on
    with time_machine.travel(
        dt.datetime.combine(due + dt.timedelta(days=1), dt.time(0, 5), tzinfo=TZ),
        tick=False,
    ):
        clocks.deadlines_sweep()
    card = Card.objects.get(case=case, task__isnull=True, colour=c.CardColour.RED)
    # The implementing department's head sees it on the desk.
    assert card in head_desk_for(routed["head_a"]).red_cards


def test_who_may_read_a_deadline_explanation(routed):
    task = routed["task"]
    case_clock = clocks.clocks_for(c.SUBJECT_CASE, routed["case"].pk).first()
    assert clocks.clock_for_user(user=routed["rev_a"], pk=task.clock_id)
    assert clocks.clock_for_user(user=routed["app"].applicant, pk=case_clock.pk)
    outsider = reviewer(department("丙局"))
    for user, pk in (
        (outsider, task.clock_id),
        (outsider, case_clock.pk),
        (routed["rev_b"], task.clock_id),  # the other department's task
    ):
        with pytest.raises(ServiceError) as exc:
            clocks.clock_for_user(user=user, pk=pk)
        assert exc.value.status == 404


def test_a_calendar_edit_moves_a_tasks_provisional_due_date(region):
    from portal.workcalendar import calendar_days_set

    a = department("甲局", region=region)
    # 2027 is provisional (no State Council notice entered yet).
    with time_machine.travel(at("2027-03-01"), tick=False):
        case = case_of(accepted(routed_item([[a]], lead=a)))
        task = case.tasks.get()
        assert task.due_on == dt.date(2027, 3, 8)
        calendar_days_set(
            actor=head(a),
            entries=[(dt.date(2027, 3, 3), False, "local", "地方假日")],
            summary="test",
        )
        task.refresh_from_db()
        assert task.due_on == dt.date(2027, 3, 9)
        assert task.warn_on == dt.date(2027, 3, 8)
