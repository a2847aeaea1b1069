"""督办: a supervisor's order to a department, tracked by portal's clocks.

Issued by a supervisor to a department in their scope (supervision.scope),
optionally about a card (its application then comes with it) or an
application, with a note and a deadline: a number of working days, or a
date after today (a rest day moves to the first working day on or after
it). A clock of kind ``supervision_order`` (subject ``supervision.order``)
times it; its deadlines act through the handlers below:

============ ==========================================================
deadline     action
============ ==========================================================
warning      the department's heads are reminded
due          missed: escalated (count 1), overdue; heads + supervisors
escalation   escalated again (count +1); heads + supervisors; the next
             escalation planned for the end of the next working day
============ ==========================================================

The sweep acts on each deadline once (ADR 0009), so a second run of the
sweep escalates nothing twice; each escalation plans exactly one next
deadline (portal.clocks.clock_deadline_again), so the count grows by one a
working day while the order stays unanswered. The head's answer stops the
clock (no more escalations); a supervisor then closes the order or sends it
back with a new deadline (a new clock: the next round).

Who is told: the department's heads, and the supervisors whose scope covers
the department (the prefecture's and that county's).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from catalog.constants import RegionLevel
from catalog.models import Department
from portal import workcalendar
from portal.audit import audit_record
from portal.clocks import clock_deadline_again, clock_stop
from portal.errors import NotFoundError, ServiceError
from portal.models import Clock, Deadline, DeadlineKind
from workflow.models import Card

from .. import constants as c
from ..models import SupervisionOrder, SupervisionOrderEvent
from ..scope import COUNTY_PREFIX, SupervisorScope, supervisor_scope
from .common import TEXT_MAX, clean_text, start_handling_clock
from .people import head_department_id, heads_of, staff_notify, supervisors

S = c.OrderState
E = c.OrderEventKind

ORDER_MAX_WORKING_DAYS = 60
ORDER_WARN_DAYS = 1
ONE_DAY = dt.timedelta(days=1)
_BELOW_PREFECTURE = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)


# --- reading the deadline ----------------------------------------------------------


def _deadline_error(code: str, message, field: str) -> ServiceError:
    return ServiceError(code, message, field=field)


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        raise _deadline_error("order_deadline_invalid", _("日期无效"), "due_date")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _deadline_error(
        "order_deadline_invalid", _("日期格式应为年-月-日"), "due_date"
    )


def order_deadline(
    *, working_days=None, due_date=None, today: dt.date | None = None
) -> tuple[int, dt.date | None]:
    """(working days to count from today, the date asked for or None).

    Exactly one of ``working_days`` (1..60) and ``due_date`` (after today;
    a rest day counts as the first working day on or after it; at most 60
    working days away). Codes: ``order_deadline_missing``,
    ``order_deadline_ambiguous``, ``order_deadline_invalid``,
    ``order_deadline_past`` (today or earlier), ``order_deadline_too_far``.
    """
    today = today or timezone.localdate()
    days_given = working_days not in (None, "")
    date_given = due_date not in (None, "")
    if not days_given and not date_given:
        raise _deadline_error(
            "order_deadline_missing",
            _("请填写办理时限（工作日数）或截止日期"),
            "working_days",
        )
    if days_given and date_given:
        raise _deadline_error(
            "order_deadline_ambiguous",
            _("办理时限和截止日期只能填写一项"),
            "working_days",
        )
    if days_given:
        if isinstance(working_days, bool) or not isinstance(working_days, int):
            raise _deadline_error(
                "order_deadline_invalid", _("工作日数必须是整数"), "working_days"
            )
        if not 1 <= working_days <= ORDER_MAX_WORKING_DAYS:
            raise _deadline_error(
                "order_deadline_invalid",
                _("办理时限应为1到%(n)s个工作日") % {"n": ORDER_MAX_WORKING_DAYS},
                "working_days",
            )
        return working_days, None
    day = _as_date(due_date)
    if day <= today:
        raise _deadline_error(
            "order_deadline_past",
            _("截止日期必须晚于今天（%(today)s）") % {"today": today.isoformat()},
            "due_date",
        )
    calendar = workcalendar.current()
    counted = 0
    current = today
    # Count the working days after today up to the first working day on or
    # after the date asked for (a deadline on a rest day runs to the next
    # working day).
    while True:
        current += ONE_DAY
        working = calendar.day(current).working
        if working:
            counted += 1
        if counted > ORDER_MAX_WORKING_DAYS:
            raise _deadline_error(
                "order_deadline_too_far",
                _("截止日期最远为%(n)s个工作日之后") % {"n": ORDER_MAX_WORKING_DAYS},
                "due_date",
            )
        if current >= day and working:
            return counted, day


# --- who ---------------------------------------------------------------------------


def supervisors_over(department: Department) -> QuerySet:
    """Active supervisors whose scope covers ``department`` (supervision.scope's rule).

    A supervisor without a region or with one above the county oversees
    everything; one of a county, township or village their county.
    """
    prefix = (department.region.code if department.region_id else "")[:COUNTY_PREFIX]
    return supervisors().filter(
        ~Q(staff_profile__region__level__in=_BELOW_PREFECTURE)
        | Q(staff_profile__region__code__startswith=prefix or "-")
    )


def _scope_or_404(user) -> SupervisorScope:
    scope = supervisor_scope(user)
    if scope is None:
        raise order_not_found()
    return scope


def order_not_found() -> NotFoundError:
    return NotFoundError("order_not_found", _("督办不存在或您无权查看"))


def _pk(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if pk > 0 else None


def _department_in(scope: SupervisorScope, department_id) -> Department:
    pk = _pk(department_id)
    department = (
        Department.objects.select_related("region")
        .filter(pk=pk, is_active=True)
        .filter(scope.region_q("region"))
        .first()
        if pk
        else None
    )
    if department is None:
        # Unknown and outside the supervisor's county read the same.
        raise ServiceError(
            "order_department_unknown", _("请选择有效的部门"), field="department"
        )
    return department


def _card_in(scope: SupervisorScope, card_id) -> Card:
    pk = _pk(card_id)
    card = (
        Card.objects.select_related("case", "department__region")
        .filter(pk=pk, cleared_at__isnull=True)
        .filter(scope.region_q("department__region"))
        .first()
        if pk
        else None
    )
    if card is None:
        raise ServiceError(
            "order_card_unknown", _("该预警牌不存在或已撤牌"), field="card"
        )
    return card


def _application_in(scope: SupervisorScope, application_id) -> Application:
    from ..visibility import supervisor_application_q

    pk = _pk(application_id)
    application = (
        Application.objects.filter(pk=pk)
        .filter(supervisor_application_q(scope))
        .first()
        if pk
        else None
    )
    if application is None:
        raise ServiceError(
            "order_application_unknown", _("该办件不存在"), field="application"
        )
    return application


def _event(order, kind: str, *, by=None, text: str = "", due_on=None) -> None:
    SupervisionOrderEvent.objects.create(
        order=order, kind=kind, at=timezone.now(), by=by, text=text, due_on=due_on
    )


def _start_clock(order: SupervisionOrder, *, limit_days: int, actor) -> Clock:
    return start_handling_clock(
        order,
        subject_type=c.ORDER_SUBJECT,
        kind=c.ORDER_CLOCK,
        limit_days=limit_days,
        warn_days=ORDER_WARN_DAYS,
        label=_("督办 %(number)s") % {"number": order.number},
        actor=actor,
    )


def _due(order: SupervisionOrder) -> str:
    return order.due_on.isoformat() if order.due_on else "—"


# --- use cases ---------------------------------------------------------------------


def order_issue(
    *,
    supervisor,
    department_id=None,
    note: str,
    working_days=None,
    due_date=None,
    card_id=None,
    application_id=None,
) -> SupervisionOrder:
    """A supervisor orders a department to act by a deadline (督办).

    About a card: the department defaults to the card's, the application is
    the card's. Refused: not a supervisor (404 ``order_not_found``); an
    unknown department or one outside the supervisor's county (the same
    ``order_department_unknown``); an unknown or cleared card, or one outside
    the county (``order_card_unknown``); a card of another department
    (``order_card_department``); an application the supervisor does not
    oversee (``order_application_unknown``); no note (``order_note_invalid``);
    a deadline as :func:`order_deadline` refuses it.
    """
    scope = _scope_or_404(supervisor)
    note = clean_text(
        note, field="note", code="order_note_invalid", required=True, maximum=TEXT_MAX
    )
    limit_days, requested_on = order_deadline(
        working_days=working_days, due_date=due_date
    )
    card = _card_in(scope, card_id) if card_id not in (None, "") else None
    if card is not None and department_id in (None, ""):
        department_id = card.department_id
    department = _department_in(scope, department_id)
    if card is not None and card.department_id != department.pk:
        raise ServiceError(
            "order_card_department",
            _("预警牌的责任部门与被督办部门不一致"),
            field="department",
        )
    application = None
    if card is not None:
        application = Application.objects.get(pk=card.case.application_id)
    elif application_id not in (None, ""):
        application = _application_in(scope, application_id)
    with transaction.atomic():
        order = SupervisionOrder.objects.create(
            department=department,
            card=card,
            application=application,
            note=note,
            issued_by=supervisor,
            issued_at=timezone.now(),
            limit_days=limit_days,
            requested_on=requested_on,
        )
        _start_clock(order, limit_days=limit_days, actor=supervisor)
        order.save(update_fields=["clock", "due_on"])
        _event(order, E.ISSUED, by=supervisor, text=note, due_on=order.due_on)
        audit_record(
            actor=supervisor,
            action="supervision.order_issued",
            obj=order,
            changes={
                "department": department.pk,
                "card": card.pk if card else None,
                "application": application.pk if application else None,
                "limit_days": limit_days,
                "due_on": _due(order),
            },
        )
        staff_notify(
            users=heads_of(department.pk),
            about=order,
            key=f"order:{order.pk}:issued:{order.rounds}",
            subject=_("督办通知"),
            body=_("督办 %(number)s：%(note)s 请于%(due)s前办理并答复。")
            % {"number": order.number, "note": note[:200], "due": _due(order)},
        )
    return order


def _lock(order: SupervisionOrder) -> SupervisionOrder:
    locked = (
        SupervisionOrder.objects.select_for_update()
        .filter(pk=getattr(order, "pk", None))
        .first()
    )
    if locked is None:
        raise order_not_found()
    return locked


def _wrong_state() -> ServiceError:
    return ServiceError("order_state", _("督办当前状态不允许此操作"), status=409)


def _lock_for_supervisor(order: SupervisionOrder, supervisor) -> SupervisionOrder:
    scope = _scope_or_404(supervisor)
    locked = _lock(order)
    region = (
        Department.objects.filter(pk=locked.department_id)
        .values_list("region__code", flat=True)
        .first()
    )
    if not scope.covers(region):
        raise order_not_found()
    return locked


def order_answer(*, order: SupervisionOrder, user, answer: str) -> SupervisionOrder:
    """The head of the ordered department answers with what was done; the clock stops.

    Refused: not a head of that department (404), an order not open (409
    ``order_state``), no answer (``order_answer_invalid``).
    """
    answer = clean_text(
        answer,
        field="answer",
        code="order_answer_invalid",
        required=True,
        maximum=TEXT_MAX,
    )
    with transaction.atomic():
        locked = _lock(order)
        department_id = head_department_id(user)
        if department_id is None or locked.department_id != department_id:
            raise order_not_found()
        if locked.state != S.OPEN:
            raise _wrong_state()
        locked.answer = answer
        locked.answered_at = timezone.now()
        locked.answered_by = user
        locked.state = S.ANSWERED
        locked.save(update_fields=["answer", "answered_at", "answered_by", "state"])
        if locked.clock_id:
            clock_stop(
                locked.clock, on=timezone.localdate(), outcome="answered", actor=user
            )
        _event(locked, E.ANSWERED, by=user, text=answer)
        audit_record(
            actor=user,
            action="supervision.order_answered",
            obj=locked,
            changes={"overdue": locked.overdue, "escalations": locked.escalation_count},
        )
        staff_notify(
            users=get_user_model().objects.filter(
                pk=locked.issued_by_id, is_active=True
            ),
            about=locked,
            key=f"order:{locked.pk}:answered:{locked.rounds}",
            subject=_("督办已答复"),
            body=_("督办 %(number)s 已由被督办部门答复，请审核。")
            % {"number": locked.number},
        )
    return locked


def order_close(
    *, order: SupervisionOrder, supervisor, note: str = ""
) -> SupervisionOrder:
    """A supervisor accepts the answer: the order is closed (办结).

    Refused: not a supervisor over the department (404), an order not
    answered (409 ``order_state``).
    """
    note = clean_text(
        note, field="note", code="order_note_invalid", required=False, maximum=TEXT_MAX
    )
    with transaction.atomic():
        locked = _lock_for_supervisor(order, supervisor)
        if locked.state != S.ANSWERED:
            raise _wrong_state()
        locked.state = S.CLOSED
        locked.review_note = note
        locked.closed_at = timezone.now()
        locked.closed_by = supervisor
        locked.save(update_fields=["state", "review_note", "closed_at", "closed_by"])
        _event(locked, E.CLOSED, by=supervisor, text=note)
        audit_record(actor=supervisor, action="supervision.order_closed", obj=locked)
    return locked


def order_return(
    *,
    order: SupervisionOrder,
    supervisor,
    note: str,
    working_days=None,
    due_date=None,
) -> SupervisionOrder:
    """A supervisor sends the answer back with a reason and a new deadline.

    The order is open again on a new clock (the next round); its escalation
    count stays as the record of the order. Refused: not a supervisor over
    the department (404), an order not answered (409), no reason, a
    deadline :func:`order_deadline` refuses.
    """
    note = clean_text(
        note, field="note", code="order_note_invalid", required=True, maximum=TEXT_MAX
    )
    limit_days, requested_on = order_deadline(
        working_days=working_days, due_date=due_date
    )
    with transaction.atomic():
        locked = _lock_for_supervisor(order, supervisor)
        if locked.state != S.ANSWERED:
            raise _wrong_state()
        locked.state = S.OPEN
        locked.review_note = note
        locked.rounds += 1
        locked.limit_days = limit_days
        locked.requested_on = requested_on
        locked.overdue = False
        _start_clock(locked, limit_days=limit_days, actor=supervisor)
        locked.save(
            update_fields=[
                "state",
                "review_note",
                "rounds",
                "limit_days",
                "requested_on",
                "overdue",
                "clock",
                "due_on",
            ]
        )
        _event(locked, E.RETURNED, by=supervisor, text=note, due_on=locked.due_on)
        audit_record(
            actor=supervisor,
            action="supervision.order_returned",
            obj=locked,
            changes={"round": locked.rounds, "due_on": _due(locked)},
        )
        staff_notify(
            users=heads_of(locked.department_id),
            about=locked,
            key=f"order:{locked.pk}:issued:{locked.rounds}",
            subject=_("督办退回重办"),
            body=_(
                "督办 %(number)s 的答复被退回：%(note)s 请于%(due)s前重新办理并答复。"
            )
            % {"number": locked.number, "note": note[:200], "due": _due(locked)},
        )
    return locked


# --- the clock's handlers ----------------------------------------------------------


def _order_of(clock: Clock) -> SupervisionOrder | None:
    order = (
        SupervisionOrder.objects.select_for_update()
        .filter(pk=clock.subject_id, clock_id=clock.pk)
        .first()
    )
    if order is None or order.state != S.OPEN:
        return None
    return order


def order_warning(clock: Clock, deadline: Deadline) -> None:
    order = _order_of(clock)
    if order is None:
        return
    staff_notify(
        users=heads_of(order.department_id),
        about=order,
        key=f"order:{order.pk}:deadline:{deadline.pk}",
        subject=_("督办即将到期"),
        body=_("督办 %(number)s 将于%(due)s到期，请尽快办理并答复。")
        % {"number": order.number, "due": _due(order)},
    )


def next_escalation_at(after: dt.date) -> dt.datetime:
    """The end of the first working day on or after ``after`` (00:00 the next day)."""
    calendar = workcalendar.current()
    day = after
    while not calendar.day(day).working:
        day += ONE_DAY
    return dt.datetime.combine(
        day + ONE_DAY, dt.time(0), tzinfo=timezone.get_default_timezone()
    )


def _escalate(clock: Clock, deadline: Deadline) -> None:
    """Escalate once for this deadline and plan the next escalation."""
    order = _order_of(clock)
    if order is None:
        return
    today = timezone.localdate()
    if (
        order.escalated_at is not None
        and timezone.localdate(order.escalated_at) == today
    ):
        # Once a day at most: a sweep that ran late (the due and the
        # escalation moments both passed) or a calendar edit that moved an
        # escalation into the past does not escalate twice on one day.
        _plan_next(clock, deadline)
        return
    order.overdue = True
    order.escalation_count += 1
    order.escalated_at = timezone.now()
    order.save(update_fields=["overdue", "escalation_count", "escalated_at"])
    _event(order, E.ESCALATED, text=str(order.escalation_count), due_on=order.due_on)
    audit_record(
        actor=None,
        action="supervision.order_escalated",
        obj=order,
        changes={"count": order.escalation_count, "deadline": deadline.pk},
    )
    department = Department.objects.select_related("region").get(pk=order.department_id)
    staff_notify(
        users=heads_of(department.pk) | supervisors_over(department),
        about=order,
        key=f"order:{order.pk}:deadline:{deadline.pk}",
        subject=_("督办超期（第%(n)s次升级督办）") % {"n": order.escalation_count},
        body=_(
            "%(dep)s未在%(due)s前答复督办 %(number)s，已升级督办%(n)s次，请立即办理。"
        )
        % {
            "dep": department.name,
            "due": _due(order),
            "number": order.number,
            "n": order.escalation_count,
        },
    )
    _plan_next(clock, deadline)


def _plan_next(clock: Clock, deadline: Deadline) -> None:
    """The next escalation: the end of the first working day on or after this
    one's moment (or today, when the sweep ran late: no burst of catch-ups).
    A due deadline leaves the clock's own escalation (one working day later)
    as it is: clock_deadline_again returns an open one unchanged."""
    base = max(timezone.localdate(deadline.fire_at), timezone.localdate(timezone.now()))
    clock_deadline_again(
        clock, kind=DeadlineKind.ESCALATION, fire_at=next_escalation_at(base)
    )


def order_due(clock: Clock, deadline: Deadline) -> None:
    """The deadline is missed: the first escalation.

    The clock's own escalation deadline (one working day later) is the
    second; :func:`_escalate` only plans one when none is open.
    """
    _escalate(clock, deadline)


def order_escalation(clock: Clock, deadline: Deadline) -> None:
    _escalate(clock, deadline)


def order_may_read(user, subject_id: int) -> bool:
    """Who may read the order clock's explanation: its supervisors and the heads."""
    from ..order_selectors import orders_for

    return orders_for(user).filter(pk=subject_id).exists()
