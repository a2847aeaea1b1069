"""What workflow does when a deadline fires (registered with portal.clocks).

Each handler runs inside the sweep's transaction with the clock and deadline
rows locked (portal.clocks.deadlines_sweep); it writes cards and outbox rows
only, never locks a case or task (lock order: see common), and is
idempotent: a card is unique per (clock, colour), outbox rows per deadline
and user. An exception rolls back that one deadline; the sweep tries again.

============== ============ ================================================
clock kind     deadline     action
============== ============ ================================================
task           warning      yellow card on the task
task           due          red card on the task; message to the heads
task           escalation   message to the heads and the supervisors
case_statutory warning      yellow card on the case
case_statutory due          red card on the case
delivery       due          red card on the case
============== ============ ================================================
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import Application
from portal import clocks, workcalendar
from portal.models import Clock, ClockSegment, Deadline, DeadlineKind, SegmentState

from .. import constants as c
from ..models import Card, Case, Task
from .notify import department_heads, staff_notify, supervisors

logger = logging.getLogger(__name__)


def _task(clock: Clock) -> Task | None:
    task = (
        Task.objects.select_related("case__application__version", "department")
        .filter(pk=clock.subject_id)
        .first()
    )
    if task is None or task.state != c.TaskState.OPEN:
        return None
    return task


def _card(*, case_id, task=None, colour, clock: Clock, department_id=None) -> Card:
    """The card of this clock and colour, raised once (raised again if cleared).

    A task's card belongs to the task's department; a case's card to the
    implementing department, so its head sees it on the desk.
    """
    card, created = Card.objects.get_or_create(
        clock_id=clock.pk,
        colour=colour,
        defaults={
            "case_id": case_id,
            "task": task,
            "department_id": task.department_id if task else department_id,
            "clock_kind": clock.kind,
            "raised_at": timezone.now(),
        },
    )
    if not created and card.cleared_at is not None:
        card.cleared_at = None
        card.raised_at = timezone.now()
        card.save(update_fields=["cleared_at", "raised_at"])
    logger.info("workflow.card clock_id=%s colour=%s new=%s", clock.pk, colour, created)
    return card


def task_warning(clock: Clock, deadline: Deadline) -> None:
    task = _task(clock)
    if task is not None:
        _card(case_id=task.case_id, task=task, colour=c.CardColour.YELLOW, clock=clock)


def _texts(task: Task, kind: str, clock: Clock) -> tuple[str, str]:
    application = task.case.application
    with translation.override(settings.LANGUAGE_CODE):
        if kind == "due":
            subject = _("任务超期（红牌）")
            body = _("%(dep)s的任务“%(task)s”（办件%(number)s）已超过%(due)s的期限。")
        else:
            subject = _("超期督办")
            body = _(
                "%(dep)s的任务“%(task)s”（办件%(number)s）超过%(due)s的期限已满一个"
                "工作日，请督促办理。"
            )
        body = body % {
            "dep": task.department.name,
            "task": task.name,
            "number": application.number,
            "due": clock.due_on.isoformat() if clock.due_on else "",
        }
    return subject, body


def task_due(clock: Clock, deadline: Deadline) -> None:
    task = _task(clock)
    if task is None:
        return
    _card(case_id=task.case_id, task=task, colour=c.CardColour.RED, clock=clock)
    subject, body = _texts(task, "due", clock)
    staff_notify(
        users=department_heads(task.department_id),
        event="task_due",
        ref=deadline.pk,
        subject=subject,
        body=body,
        about=task,
    )


def task_escalation(clock: Clock, deadline: Deadline) -> None:
    task = _task(clock)
    if task is None:
        return
    card = _card(case_id=task.case_id, task=task, colour=c.CardColour.RED, clock=clock)
    if card.escalated_at is None:
        card.escalated_at = timezone.now()
        card.save(update_fields=["escalated_at"])
    subject, body = _texts(task, "escalation", clock)
    users = {u.pk: u for u in department_heads(task.department_id)}
    users.update({u.pk: u for u in supervisors()})
    staff_notify(
        users=list(users.values()),
        event="task_escalation",
        ref=deadline.pk,
        subject=subject,
        body=body,
        about=task,
    )


def _open_case(clock: Clock) -> Case | None:
    return (
        Case.objects.select_related("application__implementation")
        .filter(pk=clock.subject_id)
        .first()
    )


def case_warning(clock: Clock, deadline: Deadline) -> None:
    case = _open_case(clock)
    if case is not None and case.is_open:
        _card(
            case_id=case.pk,
            colour=c.CardColour.YELLOW,
            clock=clock,
            department_id=case.application.implementation.department_id,
        )


def case_due(clock: Clock, deadline: Deadline) -> None:
    case = _open_case(clock)
    if case is not None and (case.is_open or clock.kind == c.CLOCK_DELIVERY):
        _card(
            case_id=case.pk,
            colour=c.CardColour.RED,
            clock=clock,
            department_id=case.application.implementation.department_id,
        )


# --- the task's copy of its due date ------------------------------------------------


def task_due_changed(clock: Clock, old_due) -> None:
    """Keep ``Task.due_on`` / ``warn_on`` in step when a task clock's due date moves.

    Registered with portal.clocks.register_due_changed: runs in the
    transaction that moved it (a suspension, resumption, extension, or a
    calendar edit recomputing a provisional date), before the clock's new
    deadlines are written, so the warning day comes from the same plan.
    """
    warn = None
    if clock.due_on is not None:
        anchor = (
            ClockSegment.objects.filter(clock=clock, state=SegmentState.RUNNING)
            .order_by("-first", "-pk")
            .values_list("first", flat=True)
            .first()
        ) or clock.started_on
        plan = clocks.deadline_plan(
            clock, clock.due_on, workcalendar.current(), anchor=anchor
        )
        if DeadlineKind.WARNING in plan:
            warn = timezone.localdate(plan[DeadlineKind.WARNING])
    Task.objects.filter(pk=clock.subject_id, clock_id=clock.pk).update(
        due_on=clock.due_on, warn_on=warn
    )


# --- who may see a clock's explanation ----------------------------------------------


def task_subject_access(user, subject_id: int) -> bool:
    from ..selectors import task_visible_to

    return task_visible_to(user).filter(pk=subject_id).exists()


def case_subject_access(user, subject_id: int) -> bool:
    """Whoever may see the application: the applicant, its departments, consultants."""
    return Application.objects.visible_to(user).filter(case__pk=subject_id).exists()


def register() -> None:
    """Called from WorkflowConfig.ready()."""
    clocks.register_deadline_handler(c.CLOCK_TASK, "warning", task_warning)
    clocks.register_deadline_handler(c.CLOCK_TASK, "due", task_due)
    clocks.register_deadline_handler(c.CLOCK_TASK, "escalation", task_escalation)
    clocks.register_deadline_handler(c.CLOCK_CASE_STATUTORY, "warning", case_warning)
    clocks.register_deadline_handler(c.CLOCK_CASE_STATUTORY, "due", case_due)
    clocks.register_deadline_handler(c.CLOCK_DELIVERY, "due", case_due)
    clocks.register_subject_access(c.SUBJECT_TASK, task_subject_access)
    clocks.register_due_changed(c.SUBJECT_TASK, task_due_changed)
    clocks.register_subject_access(c.SUBJECT_CASE, case_subject_access)
