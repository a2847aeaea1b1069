"""A supplement during review, asked for through the hall (审查中补正).

The claimant of a task asks (:func:`task_request_supplement`): the case is
suspended and every running clock of it (the case's and its open tasks')
gets a suspended segment with reason ``supplement`` from today; the
applicant is told through the outbox; the hall clerk sees the open request
(workflow.selectors.supplements_for_hall). The hall records what arrived
(:func:`case_supplement_received`): the clocks resume from that day, the due
dates move by the working days the case waited, the case is open again. One
open request per case (a constraint).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal import clocks
from portal.audit import audit_record
from portal.errors import PermissionDeniedError, ServiceError
from portal.models import ClockSegment, ClockState, SegmentState, SuspensionReason

from .. import constants as c
from ..models import Case, Opinion, SupplementRequest, Task
from .common import (
    case_clocks,
    clean_text,
    lock_case,
    lock_task,
    require_department_staff,
    require_hall_clerk,
    require_open_case,
    require_open_task,
    sync_task_dates,
    today,
)
from .notify import applicant_notify


def _open_task_clock_ids(case: Case) -> set[int]:
    return set(
        case.tasks.filter(state=c.TaskState.OPEN, clock_id__isnull=False).values_list(
            "clock_id", flat=True
        )
    )


def _running_clocks(case: Case):
    """The case's own running clocks (not delivery) and its open tasks' clocks."""
    task_clocks = _open_task_clock_ids(case)
    for clock in case_clocks(case):
        if clock.state != ClockState.RUNNING:
            continue
        if clock.subject_type == c.SUBJECT_TASK and clock.pk not in task_clocks:
            continue
        if clock.kind == c.CLOCK_DELIVERY:
            continue
        yield clock


def task_request_supplement(*, task: Task, actor, text: str) -> SupplementRequest:
    """Ask the applicant, through the hall, for a supplement; suspend the case."""
    text = clean_text(
        text,
        field="text",
        code="supplement_text_required",
        label=_("需补正的材料和问题"),
        required=True,
    )
    with transaction.atomic():
        case, locked = lock_task(task, user=actor)
        require_department_staff(locked, actor)
        require_open_case(case)
        require_open_task(locked)
        if locked.assignee_id != actor.pk:
            raise PermissionDeniedError(
                "task_not_claimed_by_you",
                _("请先认领该任务；只有认领人可以要求补正"),
            )
        now = timezone.now()
        on = today()
        request = SupplementRequest.objects.create(
            case=case, task=locked, requested_by=actor, requested_at=now, text=text
        )
        Opinion.objects.create(
            task=locked,
            author=actor,
            outcome=c.OpinionOutcome.SUPPLEMENT,
            text=text,
            at=now,
        )
        suspended = []
        for clock in _running_clocks(case):
            clocks.clock_suspend(
                clock,
                reason=SuspensionReason.SUPPLEMENT,
                note=_("审查中要求补正（%(dep)s）") % {"dep": locked.department.name},
                on=max(on, clock.started_on),
                actor=actor,
            )
            suspended.append(clock.pk)
        case.state = c.CaseState.SUSPENDED
        case.save(update_fields=["state"])
        sync_task_dates(list(case.tasks.filter(state=c.TaskState.OPEN)))
        audit_record(
            actor=actor,
            action="workflow.supplement_requested",
            obj=case,
            changes={"task": locked.pk, "request": request.pk, "clocks": suspended},
        )
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("审查中补正材料通知")
            body = _(
                "审查部门要求补正：%(text)s。请携带或提交补正材料到受理大厅，"
                "补正期间办理时限中止计算。"
            ) % {"text": text}
        applicant_notify(
            application=case.application,
            event="supplement",
            ref=request.pk,
            subject=subject,
            body=body,
        )
    return request


def case_supplement_received(*, case: Case, clerk, note: str = "") -> SupplementRequest:
    """The hall recorded the supplement: clocks resume, the case reopens."""
    note = clean_text(
        note, field="note", code="note_required", label=_("说明"), required=False
    )[:500]
    with transaction.atomic():
        locked = lock_case(case)
        require_hall_clerk(locked, clerk)
        request = (
            SupplementRequest.objects.select_for_update()
            .filter(case=locked, received_at__isnull=True)
            .first()
        )
        if request is None or locked.state != c.CaseState.SUSPENDED:
            raise ServiceError(
                "no_supplement_pending",
                _("该案卷没有待补正的要求"),
                status=409,
            )
        on = today()
        suspended_ids = set(
            ClockSegment.objects.filter(
                clock_id__in=[k.pk for k in case_clocks(locked)],
                state=SegmentState.SUSPENDED,
                reason=SuspensionReason.SUPPLEMENT,
                last__isnull=True,
            ).values_list("clock_id", flat=True)
        )
        resumed = []
        for clock in case_clocks(locked):
            if clock.pk in suspended_ids and clock.state == ClockState.SUSPENDED:
                clocks.clock_resume(clock, on=on, actor=clerk)
                resumed.append(clock.pk)
        request.received_at = timezone.now()
        request.received_by = clerk
        request.received_note = note
        request.save(update_fields=["received_at", "received_by", "received_note"])
        locked.state = c.CaseState.OPEN
        locked.save(update_fields=["state"])
        sync_task_dates(list(locked.tasks.filter(state=c.TaskState.OPEN)))
        audit_record(
            actor=clerk,
            action="workflow.supplement_received",
            obj=locked,
            changes={"request": request.pk, "clocks": resumed},
        )
    return request
