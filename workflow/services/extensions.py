"""Extending a case's statutory limit (延期, 行政许可法 Art. 42).

A reviewer of a task's department asks with a reason and a number of working
days within the cap (10, or 15 for a joint case); one extension per case (a
second request while one is pending or after one was granted is refused:
``extension_exists``; after a refusal the department may ask again). A head
of THAT department approves or refuses; approval extends the case's
statutory clock and the requesting task's clock, and tells the applicant the
reason. Anyone else who may see the request's task gets 403
(``not_department_head``); anyone else 404.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.visibility import is_department_staff
from portal import clocks
from portal.audit import audit_record
from portal.errors import NotFoundError, PermissionDeniedError, ServiceError
from portal.models import Clock, ClockState

from .. import constants as c
from ..models import Extension, Task
from .common import (
    case_clock,
    clean_text,
    is_head_of,
    lock_case,
    lock_task,
    require_department_staff,
    require_open_case,
    require_open_task,
    sync_task_dates,
)
from .notify import applicant_notify


def extension_cap(case) -> int:
    return c.EXTENSION_CAP_JOINT if case.joint else c.EXTENSION_CAP


def _extension_exists() -> ServiceError:
    return ServiceError(
        "extension_exists",
        _("每个案卷只能延期一次：已有待审批或已批准的延期申请"),
        status=409,
    )


def extension_request(*, task: Task, actor, days: int, reason: str) -> Extension:
    """A reviewer asks to extend the case's limit (refusals: see module doc)."""
    reason = clean_text(
        reason,
        field="reason",
        code="extension_reason_required",
        label=_("延期理由"),
        required=True,
    )
    with transaction.atomic():
        case, locked = lock_task(task, user=actor)
        require_department_staff(locked, actor)
        require_open_case(case, not_suspended=False)
        require_open_task(locked)
        cap = extension_cap(case)
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= cap:
            raise ServiceError(
                "extension_days_invalid",
                _("延长期限应为1至%(cap)s个工作日") % {"cap": cap},
                field="days",
            )
        if case.extensions.exclude(state=c.ExtensionState.REFUSED).exists():
            raise _extension_exists()
        try:
            with transaction.atomic():
                extension = Extension.objects.create(
                    case=case,
                    task=locked,
                    department_id=locked.department_id,
                    requested_by=actor,
                    requested_at=timezone.now(),
                    days=days,
                    reason=reason,
                )
        except IntegrityError as exc:
            raise _extension_exists() from exc
        audit_record(
            actor=actor,
            action="workflow.extension_requested",
            obj=case,
            changes={"extension": extension.pk, "days": days, "task": locked.pk},
        )
    return extension


def _check_head(extension: Extension, actor) -> int:
    """The case id, when ``actor`` heads the requesting department; else refuse.

    Runs before the use case's transaction, so the audit entry of a refused
    attempt (a security matter) is not rolled back with it.
    """
    row = (
        Extension.objects.filter(pk=getattr(extension, "pk", None))
        .values("case_id", "department_id")
        .first()
    )
    if row is None:
        raise _not_found()
    if is_head_of(actor, row["department_id"]):
        return row["case_id"]
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="workflow.extension_decide_refused",
            obj=extension,
            changes={"department": row["department_id"]},
        )
    if is_department_staff(actor, row["department_id"]):
        raise PermissionDeniedError(
            "not_department_head", _("只有申请部门的科室负责人可以审批延期")
        )
    raise _not_found()


def _not_found() -> NotFoundError:
    return NotFoundError("extension_not_found", _("延期申请不存在或您无权查看"))


def _lock_for_head(case_id: int, extension: Extension) -> tuple:
    case = lock_case(case_id)
    locked = Extension.objects.select_for_update().get(pk=extension.pk)
    if locked.state != c.ExtensionState.REQUESTED:
        raise ServiceError(
            "extension_decided",
            _("该延期申请已审批（%(state)s）")
            % {"state": c.ExtensionState(locked.state).label},
            status=409,
        )
    require_open_case(case, not_suspended=False)
    return case, locked


def extension_approve(*, extension: Extension, actor, note: str = "") -> Extension:
    """A head of the requesting department grants it: the clocks move."""
    note = clean_text(
        note, field="note", code="note_required", label=_("审批意见"), required=False
    )[:500]
    case_id = _check_head(extension, actor)
    with transaction.atomic():
        case, locked = _lock_for_head(case_id, extension)
        statutory = case_clock(case, c.CLOCK_CASE_STATUTORY)
        if statutory is not None:
            clocks.clock_extend(
                statutory, days=locked.days, reason=locked.reason, actor=actor
            )
        task = Task.objects.filter(pk=locked.task_id).first()
        if task is not None and task.state == c.TaskState.OPEN and task.clock_id:
            clock = Clock.objects.filter(pk=task.clock_id).first()
            if clock is not None and clock.state != ClockState.STOPPED:
                clocks.clock_extend(
                    clock, days=locked.days, reason=locked.reason, actor=actor
                )
                sync_task_dates([task])
        locked.state = c.ExtensionState.APPROVED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note
        locked.save(
            update_fields=["state", "decided_by", "decided_at", "decision_note"]
        )
        audit_record(
            actor=actor,
            action="workflow.extension_approved",
            obj=case,
            changes={"extension": locked.pk, "days": locked.days},
        )
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("延长办理期限告知")
            body = _("经负责人批准，办理期限延长%(days)s个工作日。理由：%(reason)s") % {
                "days": locked.days,
                "reason": locked.reason,
            }
        applicant_notify(
            application=case.application,
            event="extension",
            ref=locked.pk,
            subject=subject,
            body=body,
        )
    return locked


def extension_refuse(*, extension: Extension, actor, note: str) -> Extension:
    """A head of the requesting department refuses it, with a note."""
    note = clean_text(
        note,
        field="note",
        code="extension_note_required",
        label=_("不予延期的理由"),
        required=True,
    )[:500]
    case_id = _check_head(extension, actor)
    with transaction.atomic():
        case, locked = _lock_for_head(case_id, extension)
        locked.state = c.ExtensionState.REFUSED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note
        locked.save(
            update_fields=["state", "decided_by", "decided_at", "decision_note"]
        )
        audit_record(
            actor=actor,
            action="workflow.extension_refused",
            obj=case,
            changes={"extension": locked.pk},
        )
    return locked
