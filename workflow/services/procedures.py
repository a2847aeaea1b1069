"""Special procedures of a task (特别程序, 行政许可法 Art. 45): not counted.

A hearing, testing, appraisal, expert review or tender needed by one
department's task suspends that task's clock and the case's statutory clock
with the procedure's typed reason (portal.models.SuspensionReason); the
procedure's end resumes them. The case's clock resumes only when no other
task of the case is still in a special procedure (one open segment each).
The log of segments is the record: the timeline and the explanation read it.
Joint site inspections have their own service (inspections), supplements
theirs (supplements).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from portal import clocks
from portal.audit import audit_record
from portal.errors import PermissionDeniedError, ServiceError
from portal.models import Clock, ClockSegment, ClockState, SegmentState
from portal.models import SuspensionReason as R

from .. import constants as c
from ..models import Task
from .common import (
    case_clock,
    clean_text,
    lock_task,
    require_department_staff,
    require_open_case,
    require_open_task,
    sync_task_dates,
    today,
)

SPECIAL_REASONS = (
    R.HEARING,
    R.TESTING,
    R.APPRAISAL,
    R.EXPERT_REVIEW,
    R.TENDER_AUCTION,
    R.OTHER,
)


def _open_special(clock_ids) -> dict[int, str]:
    """clock id -> reason of its open special-procedure segment."""
    return dict(
        ClockSegment.objects.filter(
            clock_id__in=list(clock_ids),
            state=SegmentState.SUSPENDED,
            last__isnull=True,
            reason__in=SPECIAL_REASONS,
        ).values_list("clock_id", "reason")
    )


def _claimed(task: Task, actor, verb: str) -> None:
    if task.assignee_id != actor.pk:
        raise PermissionDeniedError(
            "task_not_claimed_by_you",
            _("请先认领该任务；只有认领人可以%(verb)s") % {"verb": verb},
        )


def task_special_procedure_start(*, task: Task, actor, reason: str, note: str) -> Task:
    """The claimant starts a special procedure: the task's and case's clocks stop counting."""
    if reason not in SPECIAL_REASONS:
        raise ServiceError(
            "special_reason_invalid", _("请选择特别程序的种类"), field="reason"
        )
    note = clean_text(
        note,
        field="note",
        code="special_note_required",
        label=_("特别程序说明"),
        required=True,
    )[:500]
    with transaction.atomic():
        case, locked = lock_task(task, user=actor)
        require_department_staff(locked, actor)
        require_open_case(case)
        require_open_task(locked)
        _claimed(locked, actor, _("启动特别程序"))
        clock = Clock.objects.filter(pk=locked.clock_id).first()
        if clock is None or clock.state != ClockState.RUNNING:
            raise ServiceError(
                "special_procedure_open",
                _("该任务的计时已中止，不能再启动特别程序"),
                status=409,
            )
        on = today()
        suspended = [clock.pk]
        clocks.clock_suspend(clock, reason=reason, note=note, on=on, actor=actor)
        statutory = case_clock(case, c.CLOCK_CASE_STATUTORY)
        if statutory is not None and statutory.state == ClockState.RUNNING:
            clocks.clock_suspend(
                statutory,
                reason=reason,
                note=f"{locked.department.name}：{note}"[:500],
                on=max(on, statutory.started_on),
                actor=actor,
            )
            suspended.append(statutory.pk)
        sync_task_dates([locked])
        audit_record(
            actor=actor,
            action="workflow.special_procedure_started",
            obj=locked,
            changes={"reason": reason, "clocks": suspended},
        )
    return locked


def task_special_procedure_end(*, task: Task, actor) -> Task:
    """The procedure ended: the task's clock resumes (the case's, when no other is on)."""
    with transaction.atomic():
        case, locked = lock_task(task, user=actor)
        require_department_staff(locked, actor)
        require_open_task(locked)
        _claimed(locked, actor, _("结束特别程序"))
        if locked.clock_id not in _open_special([locked.clock_id]):
            raise ServiceError(
                "no_special_procedure",
                _("该任务没有进行中的特别程序"),
                status=409,
            )
        on = today()
        clock = Clock.objects.get(pk=locked.clock_id)
        clocks.clock_resume(clock, on=on, actor=actor)
        resumed = [clock.pk]
        others = set(
            case.tasks.filter(state=c.TaskState.OPEN, clock_id__isnull=False)
            .exclude(pk=locked.pk)
            .values_list("clock_id", flat=True)
        )
        statutory = case_clock(case, c.CLOCK_CASE_STATUTORY)
        if (
            statutory is not None
            and statutory.pk in _open_special([statutory.pk])
            and not _open_special(others)
        ):
            clocks.clock_resume(statutory, on=on, actor=actor)
            resumed.append(statutory.pk)
        sync_task_dates([locked])
        audit_record(
            actor=actor,
            action="workflow.special_procedure_ended",
            obj=locked,
            changes={"clocks": resumed},
        )
    return locked
