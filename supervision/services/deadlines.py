"""Clock handlers: the warnings and due dates of rectifications and complaints.

Registered at start-up (SupervisionConfig.ready) with portal.clocks; each runs
inside the sweep's transaction with the clock and deadline locked, so it only
writes rows (the overdue flag, outbox rows, an audit entry). A warning goes to
the department's heads (a complaint nobody was assigned: the supervisors);
the due date marks the record overdue and tells the heads and the supervisors.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.clocks import register_deadline_handler, register_subject_access
from portal.models import Clock, Deadline, DeadlineKind

from .. import constants as c
from ..models import Complaint, Rectification
from .people import (
    head_department_id,
    heads_of,
    is_supervisor,
    staff_notify,
    supervisors,
)


def _due(clock: Clock) -> str:
    return clock.due_on.isoformat() if clock.due_on else "—"


def rectification_warning(clock: Clock, deadline: Deadline) -> None:
    rect = Rectification.objects.filter(pk=clock.subject_id).first()
    if rect is None:
        return
    staff_notify(
        users=heads_of(rect.department_id),
        about=rect,
        key=f"rectification:{rect.pk}:deadline:{deadline.pk}",
        subject=_("差评整改即将到期"),
        body=_("差评整改将于%(due)s到期，请尽快完成回访和整改。")
        % {"due": _due(clock)},
    )


def rectification_due(clock: Clock, deadline: Deadline) -> None:
    rect = Rectification.objects.select_for_update().filter(pk=clock.subject_id).first()
    if rect is None:
        return
    rect.overdue = True
    rect.save(update_fields=["overdue"])
    audit_record(actor=None, action="supervision.rectification_overdue", obj=rect)
    staff_notify(
        users=heads_of(rect.department_id) | supervisors(),
        about=rect,
        key=f"rectification:{rect.pk}:deadline:{deadline.pk}",
        subject=_("差评整改已超期"),
        body=_("差评整改已于%(due)s到期未完成。") % {"due": _due(clock)},
    )


def complaint_warning(clock: Clock, deadline: Deadline) -> None:
    complaint = Complaint.objects.filter(pk=clock.subject_id).first()
    if complaint is None:
        return
    users = (
        heads_of(complaint.department_id) if complaint.department_id else supervisors()
    )
    staff_notify(
        users=users,
        about=complaint,
        key=f"complaint:{complaint.pk}:deadline:{deadline.pk}",
        subject=_("投诉办理即将到期"),
        body=_("投诉 %(number)s 将于%(due)s到期，请尽快答复。")
        % {"number": complaint.number, "due": _due(clock)},
    )


def complaint_due(clock: Clock, deadline: Deadline) -> None:
    complaint = (
        Complaint.objects.select_for_update().filter(pk=clock.subject_id).first()
    )
    if complaint is None:
        return
    complaint.overdue = True
    complaint.save(update_fields=["overdue"])
    audit_record(actor=None, action="supervision.complaint_overdue", obj=complaint)
    staff_notify(
        users=heads_of(complaint.department_id) | supervisors(),
        about=complaint,
        key=f"complaint:{complaint.pk}:deadline:{deadline.pk}",
        subject=_("投诉办理已超期"),
        body=_("投诉 %(number)s 已于%(due)s到期未答复。")
        % {"number": complaint.number, "due": _due(clock)},
    )


def _may_read(model):
    def check(user, subject_id: int) -> bool:
        if is_supervisor(user):
            return True
        department_id = head_department_id(user)
        return (
            department_id is not None
            and model.objects.filter(
                pk=subject_id, department_id=department_id
            ).exists()
        )

    return check


def register_clock_handlers() -> None:
    register_deadline_handler(
        c.RECTIFICATION_CLOCK, DeadlineKind.WARNING, rectification_warning
    )
    register_deadline_handler(
        c.RECTIFICATION_CLOCK, DeadlineKind.DUE, rectification_due
    )
    register_deadline_handler(
        c.COMPLAINT_CLOCK, DeadlineKind.WARNING, complaint_warning
    )
    register_deadline_handler(c.COMPLAINT_CLOCK, DeadlineKind.DUE, complaint_due)
    register_subject_access(c.RECTIFICATION_SUBJECT, _may_read(Rectification))
    register_subject_access(c.COMPLAINT_SUBJECT, _may_read(Complaint))
    from .orders import order_due, order_escalation, order_may_read, order_warning

    register_deadline_handler(c.ORDER_CLOCK, DeadlineKind.WARNING, order_warning)
    register_deadline_handler(c.ORDER_CLOCK, DeadlineKind.DUE, order_due)
    register_deadline_handler(c.ORDER_CLOCK, DeadlineKind.ESCALATION, order_escalation)
    register_subject_access(c.ORDER_SUBJECT, order_may_read)
