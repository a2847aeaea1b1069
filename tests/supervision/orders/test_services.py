"""督办: issue, answer, close, return, and the clock that escalates until answered."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from people.models import OutboxMessage
from portal import clocks
from portal.errors import ServiceError
from portal.models import AuditEntry, Clock, Deadline
from supervision import constants as sc
from supervision.models import SupervisionOrder
from supervision.services.orders import (
    order_answer,
    order_close,
    order_deadline,
    order_issue,
    order_return,
    supervisors_over,
)
from workflow.constants import CardColour
from workflow.models import Card

from .conftest import at

pytestmark = pytest.mark.django_db

S = sc.OrderState


def issue(world, *, on="2026-03-12", user="sup", **kw):
    kw.setdefault("department_id", world["dep_kd"].pk)
    kw.setdefault("note", "请说明该办件超期原因并限期办结")
    if "due_date" not in kw:
        kw.setdefault("working_days", 2)
    with time_machine.travel(at(on), tick=False):
        return order_issue(supervisor=world[user], **kw)


def sweep(day: str, hour: int = 0, minute: int = 5, times: int = 2) -> None:
    with time_machine.travel(at(day, hour, minute), tick=False):
        for _ in range(times):
            clocks.deadlines_sweep()


def count(order) -> int:
    order.refresh_from_db()
    return order.escalation_count


def to(email: str, order) -> int:
    return OutboxMessage.objects.filter(recipient=email).about(order).count()


def test_issue_starts_a_working_day_clock_and_tells_the_heads(world):
    order = issue(world)
    assert order.state == S.OPEN
    assert order.due_on == dt.date(2026, 3, 16)  # Fri 13 and Mon 16
    clock = Clock.objects.get(pk=order.clock_id)
    assert (clock.kind, clock.subject_type, clock.subject_id) == (
        sc.ORDER_CLOCK,
        sc.ORDER_SUBJECT,
        order.pk,
    )
    assert to("head-kd@x.cn", order) == 1
    assert to("head-ld@x.cn", order) == 0
    assert order.number.startswith("DB20260312-")
    assert AuditEntry.objects.filter(action="supervision.order_issued").count() == 1
    assert [e.kind for e in order.events.all()] == ["issued"]


def test_a_date_on_a_rest_day_runs_to_the_next_working_day(world):
    # Saturday 2026-03-14: the first working day on or after it is Mon 16.
    order = issue(world, due_date="2026-03-14")
    assert order.requested_on == dt.date(2026, 3, 14)
    assert order.due_on == dt.date(2026, 3, 16)
    assert order.limit_days == 2


def test_a_missed_order_escalates_once_a_working_day_until_answered(world):
    order = issue(world)
    sweep("2026-03-13", 9)  # the warning: the heads only
    assert count(order) == 0
    assert to("head-kd@x.cn", order) == 2
    assert to("sup-gz@x.cn", order) == 0
    sweep("2026-03-16", 23, 50)  # still the due day: nothing
    assert count(order) == 0
    sweep("2026-03-17")  # the due day ended: first escalation, run twice
    assert count(order) == 1
    order.refresh_from_db()
    assert order.overdue and order.escalated_at is not None
    # The heads and the supervisors over the department, not Luding's.
    assert to("head-kd@x.cn", order) == 3
    assert to("sup-gz@x.cn", order) == 1
    assert to("sup-kd@x.cn", order) == 1
    assert to("sup-ld@x.cn", order) == 0
    sweep("2026-03-18")
    assert count(order) == 2
    sweep("2026-03-18", 15)  # a later run the same day: nothing new
    assert count(order) == 2
    sweep("2026-03-19")
    sweep("2026-03-20")
    sweep("2026-03-21")  # end of Friday the 20th
    assert count(order) == 5
    sweep("2026-03-22", 12)  # the weekend: no escalation
    sweep("2026-03-23", 12)
    assert count(order) == 5
    sweep("2026-03-24")  # end of Monday the 23rd
    assert count(order) == 6
    assert to("sup-gz@x.cn", order) == 6
    assert AuditEntry.objects.filter(action="supervision.order_escalated").count() == 6
    # Exactly one escalation planned ahead at any time.
    clock = Clock.objects.get(pk=order.clock_id)
    assert clock.deadlines.filter(state="open").count() == 1
    with time_machine.travel(at("2026-03-24", 10), tick=False):
        order_answer(order=order, user=world["head_kd"], answer="已办结，并约谈经办人")
    clock.refresh_from_db()
    assert (clock.state, clock.outcome) == ("stopped", "answered")
    assert not clock.deadlines.filter(state="open").exists()
    sweep("2026-03-25")
    sweep("2026-03-26")
    assert count(order) == 6
    order.refresh_from_db()
    assert order.state == S.ANSWERED
    kinds = [e.kind for e in order.events.all()]
    assert kinds == ["issued"] + ["escalated"] * 6 + ["answered"]


def test_an_order_answered_in_time_never_escalates(world):
    order = issue(world)
    with time_machine.travel(at("2026-03-13", 11), tick=False):
        order_answer(order=order, user=world["head_kd"], answer="已办理完毕")
    for day in ("2026-03-16", "2026-03-17", "2026-03-18", "2026-03-19"):
        sweep(day)
    order.refresh_from_db()
    assert (order.escalation_count, order.overdue) == (0, False)
    assert to("sup-gz@x.cn", order) == 1  # the issuer told of the answer only
    assert not Deadline.objects.filter(clock_id=order.clock_id, state="open").exists()


def test_a_returned_order_runs_a_new_round_and_can_then_be_closed(world):
    order = issue(world)
    with time_machine.travel(at("2026-03-13", 11), tick=False):
        order_answer(order=order, user=world["head_kd"], answer="已办理")
        back = order_return(
            order=order, supervisor=world["sup"], note="未说明原因", working_days=1
        )
    assert (back.state, back.rounds, back.due_on) == (S.OPEN, 2, dt.date(2026, 3, 16))
    assert back.clock_id != order.clock_id
    assert Clock.objects.get(pk=order.clock_id).state == "stopped"
    sweep("2026-03-17")
    assert count(back) == 1
    with time_machine.travel(at("2026-03-17", 9), tick=False):
        order_answer(order=back, user=world["head_kd"], answer="原因：系统故障")
        done = order_close(order=back, supervisor=world["sup_kd"], note="同意")
    assert done.state == S.CLOSED and done.closed_by == world["sup_kd"]
    with pytest.raises(ServiceError) as exc:
        order_close(order=done, supervisor=world["sup"])
    assert (exc.value.code, exc.value.status) == ("order_state", 409)


def test_an_order_about_a_card_takes_its_department_and_application(carded):
    card = Card.objects.get(task__department=carded["dep_kd"], colour=CardColour.RED)
    with time_machine.travel(at("2026-03-12"), tick=False):
        order = order_issue(
            supervisor=carded["sup_kd"],
            card_id=card.pk,
            note="红牌督办",
            due_date="2026-03-20",
        )
    assert order.department == carded["dep_kd"]
    assert order.application == carded["app_kd"]
    assert order.card == card


def test_an_order_about_an_application(world):
    order = issue(world, application_id=world["app_kd"].pk)
    assert order.application == world["app_kd"]


# --- bad input -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "code", "field"),
    [
        ({"due_date": "2026-03-12"}, "order_deadline_past", "due_date"),
        ({"due_date": "2026-03-11"}, "order_deadline_past", "due_date"),
        ({"due_date": "2026-13-01"}, "order_deadline_invalid", "due_date"),
        ({"due_date": "2026-12-31"}, "order_deadline_too_far", "due_date"),
        ({"working_days": 0}, "order_deadline_invalid", "working_days"),
        ({"working_days": 61}, "order_deadline_invalid", "working_days"),
        ({"working_days": "3"}, "order_deadline_invalid", "working_days"),
        ({"working_days": True}, "order_deadline_invalid", "working_days"),
        ({"working_days": None}, "order_deadline_missing", "working_days"),
        (
            {"working_days": 3, "due_date": "2026-03-20"},
            "order_deadline_ambiguous",
            "working_days",
        ),
        ({"note": "  "}, "order_note_invalid", "note"),
        ({"note": "x" * 2001}, "order_note_invalid", "note"),
        ({"department_id": 999999}, "order_department_unknown", "department"),
        ({"department_id": "abc"}, "order_department_unknown", "department"),
        ({"department_id": None}, "order_department_unknown", "department"),
        ({"application_id": 999999}, "order_application_unknown", "application"),
        ({"card_id": 999999}, "order_card_unknown", "card"),
    ],
)
def test_bad_input_is_refused_with_a_code_and_nothing_written(world, kw, code, field):
    with pytest.raises(ServiceError) as exc:
        issue(world, **kw)
    assert (exc.value.code, exc.value.field, exc.value.status) == (code, field, 400)
    assert not SupervisionOrder.objects.exists()
    assert not Clock.objects.filter(kind=sc.ORDER_CLOCK).exists()


def test_a_county_supervisor_cannot_order_another_county(carded):
    # A department, an application and a card of Luding read as unknown.
    card_ld = Card.objects.get(task__department=carded["dep_ld"], colour="red")
    for kw, code in (
        ({"department_id": carded["dep_ld"].pk}, "order_department_unknown"),
        ({"application_id": carded["app_ld"].pk}, "order_application_unknown"),
        ({"card_id": card_ld.pk, "department_id": None}, "order_card_unknown"),
    ):
        with pytest.raises(ServiceError) as exc:
            issue(carded, user="sup_kd", **kw)
        assert exc.value.code == code
    # The prefecture's supervisor may.
    assert (
        issue(carded, department_id=carded["dep_ld"].pk).department == carded["dep_ld"]
    )


def test_a_card_of_another_department_is_refused(carded):
    card_ld = Card.objects.get(task__department=carded["dep_ld"], colour="red")
    with pytest.raises(ServiceError) as exc:
        issue(carded, card_id=card_ld.pk)
    assert exc.value.code == "order_card_department"


def test_the_deadline_rule_on_its_own():
    today = dt.date(2026, 9, 30)
    # The National Day holiday: 2026-10-01..07 rest, the 8th the first working day.
    assert order_deadline(due_date="2026-10-03", today=today) == (
        1,
        dt.date(2026, 10, 3),
    )
    assert order_deadline(working_days=5, today=today) == (5, None)


# --- the wrong user --------------------------------------------------------------


def test_only_a_supervisor_issues(world):
    for user in ("head_kd", "reviewer_kd"):
        with pytest.raises(ServiceError) as exc:
            issue(world, user=user)
        assert (exc.value.code, exc.value.status) == ("order_not_found", 404)


def test_only_the_ordered_departments_head_answers(world):
    order = issue(world)
    for user in (world["head_ld"], world["reviewer_kd"], world["sup"]):
        with pytest.raises(ServiceError) as exc:
            order_answer(order=order, user=user, answer="已办理")
        assert exc.value.status == 404
    with pytest.raises(ServiceError) as exc:
        order_answer(order=order, user=world["head_kd"], answer="")
    assert exc.value.code == "order_answer_invalid"
    order_answer(order=order, user=world["head_kd"], answer="已办理")
    with pytest.raises(ServiceError) as exc:
        order_answer(order=order, user=world["head_kd"], answer="再答一次")
    assert (exc.value.code, exc.value.status) == ("order_state", 409)


def test_another_countys_supervisor_cannot_close_or_return(world):
    order = issue(world)
    order_answer(order=order, user=world["head_kd"], answer="已办理")
    for fn, kw in (
        (order_close, {}),
        (order_return, {"note": "退回", "working_days": 2}),
    ):
        for user in (world["sup_ld"], world["head_kd"]):
            with pytest.raises(ServiceError) as exc:
                fn(order=order, supervisor=user, **kw)
            assert exc.value.status == 404


def test_supervisors_over_a_department(world):
    names = set(supervisors_over(world["dep_kd"]).values_list("username", flat=True))
    assert names == {"sup-gz", "sup-kd"}
