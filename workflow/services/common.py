"""What every workflow service shares: locks, who may act, the clocks' copy on tasks.

Lock order, everywhere: the application row, then the case row, then task
rows, then clock rows (portal.clocks locks those). Acceptance and withdrawal
arrive with the application locked by applications; every other service
takes the application's lock first too, so two services on one case never
wait on each other in opposite orders. Case and task rows are locked FOR NO
KEY UPDATE: the sweep's deadline handlers insert cards referencing them (a
KEY SHARE lock) while a service may be waiting on the same clock.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.services.status import lock_for_update
from applications.visibility import is_department_staff, is_hall_clerk
from portal import clocks
from portal.audit import audit_record
from portal.errors import NotFoundError, PermissionDeniedError, ServiceError
from portal.models import Clock, ClockState, Deadline, DeadlineKind, DeadlineState
from portal.roles import Role, user_roles

from .. import constants as c
from ..models import Case, CaseUserObjectPermission, Task

TEXT_MAX = 2000


def task_not_found() -> NotFoundError:
    return NotFoundError("task_not_found", _("任务不存在或您无权查看"))


def case_not_found() -> NotFoundError:
    return NotFoundError("case_not_found", _("案卷不存在或您无权查看"))


def is_head_of(user, department_id: int | None) -> bool:
    """A department head (by role) of this department."""
    return Role.DEPARTMENT_HEAD in user_roles(user) and is_department_staff(
        user, department_id
    )


def is_consultant(user, case_id: int) -> bool:
    return CaseUserObjectPermission.objects.filter(
        user_id=getattr(user, "pk", None),
        content_object_id=case_id,
        permission__codename="consult_case",
    ).exists()


def lock_case(case_or_id: Case | int) -> Case:
    """The application row, then the case row, locked until commit."""
    case_id = case_or_id.pk if isinstance(case_or_id, Case) else case_or_id
    application_id = (
        Case.objects.filter(pk=case_id).values_list("application_id", flat=True).first()
    )
    if application_id is None:
        raise case_not_found()
    application = lock_for_update(_Ref(application_id))
    case = Case.objects.select_for_update(no_key=True).get(pk=case_id)
    case.application = application
    return case


class _Ref:
    """Just a primary key, for applications.services.status.lock_for_update."""

    def __init__(self, pk: int) -> None:
        self.pk = pk


def lock_task(task_or_id: Task | int, *, user) -> tuple[Case, Task]:
    """Lock the task's case (application first) and the task.

    404 unless ``user`` may see the task: a reviewer or head of its
    department, a consultant invited on its case, a superuser.
    """
    task_id = task_or_id.pk if isinstance(task_or_id, Task) else task_or_id
    row = Task.objects.filter(pk=task_id).values("case_id", "department_id").first()
    if row is None:
        raise task_not_found()
    if not (
        getattr(user, "is_superuser", False)
        or is_department_staff(user, row["department_id"])
        or is_consultant(user, row["case_id"])
    ):
        raise task_not_found()
    case = lock_case(row["case_id"])
    task = (
        Task.objects.select_for_update(no_key=True, of=("self",))
        .select_related("department", "stage")
        .get(pk=task_id)
    )
    task.case = case
    return case, task


def require_department_staff(task: Task, user) -> None:
    """403 for someone who may see the task (a consultant) but not act on it."""
    if not is_department_staff(user, task.department_id):
        raise PermissionDeniedError(
            "not_task_department", _("只有该任务所属部门的工作人员可以办理此操作")
        )


def require_open_case(case: Case, *, not_suspended: bool = True) -> None:
    if case.state in c.ENDED_CASE_STATES:
        raise ServiceError("case_closed", _("案卷已办结，不能再办理"), status=409)
    if not_suspended and case.state == c.CaseState.SUSPENDED:
        raise ServiceError(
            "case_suspended",
            _("案卷正在等待申请人补正，计时已中止，暂不能办理"),
            status=409,
        )


def require_open_task(task: Task) -> None:
    if task.state == c.TaskState.WAITING:
        raise ServiceError(
            "task_not_open",
            _("该任务所在阶段尚未开始，前一阶段办结后才能办理"),
            status=409,
        )
    if task.state != c.TaskState.OPEN:
        raise ServiceError(
            "task_already_decided",
            _("该任务已办结（%(state)s），不能再次办理")
            % {"state": c.TaskState(task.state).label},
            status=409,
        )


def require_hall_clerk(case: Case, user) -> None:
    """404 unless a clerk of the application's hall (or who may see it: 403)."""
    from applications.models import Application

    if is_hall_clerk(user, case.application.hall_id):
        return
    if Application.objects.visible_to(user).filter(pk=case.application_id).exists():
        raise PermissionDeniedError(
            "not_hall_clerk", _("只有受理大厅的窗口人员可以办理此操作")
        )
    raise case_not_found()


def clean_text(value, *, field: str, code: str, label: str, required: bool) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else ""
    if required and not text:
        raise ServiceError(code, _("请填写%(label)s") % {"label": label}, field=field)
    if len(text) > TEXT_MAX:
        raise ServiceError(
            f"{field}_too_long",
            _("%(label)s不超过%(limit)s字") % {"label": label, "limit": TEXT_MAX},
            field=field,
        )
    return text


def today() -> dt.date:
    return timezone.localdate()


# --- clocks ------------------------------------------------------------------------


def case_clocks(case: Case) -> list[Clock]:
    """Every clock of the case and of its tasks, oldest first."""
    task_ids = list(case.tasks.values_list("pk", flat=True))
    return list(
        Clock.objects.filter(
            Q(subject_type=c.SUBJECT_CASE, subject_id=case.pk)
            | Q(subject_type=c.SUBJECT_TASK, subject_id__in=task_ids)
        ).order_by("pk")
    )


def case_clock(case: Case, kind: str) -> Clock | None:
    return (
        Clock.objects.filter(subject_type=c.SUBJECT_CASE, subject_id=case.pk, kind=kind)
        .exclude(state=ClockState.STOPPED)
        .order_by("-pk")
        .first()
    )


def stop_clock(clock_or_id: Clock | int | None, *, outcome: str, actor) -> None:
    """Stop a clock that is not stopped yet (a no-op otherwise)."""
    if clock_or_id is None:
        return
    clock = (
        clock_or_id
        if isinstance(clock_or_id, Clock)
        else Clock.objects.filter(pk=clock_or_id).first()
    )
    if clock is None or clock.state == ClockState.STOPPED:
        return
    on = max(today(), _open_segment_first(clock))
    clocks.clock_stop(clock, on=on, outcome=outcome, actor=actor)


def _open_segment_first(clock: Clock) -> dt.date:
    first = (
        clock.segments.filter(last__isnull=True).values_list("first", flat=True).first()
    )
    return first or clock.started_on


def sync_task_dates(tasks: list[Task]) -> None:
    """Copy each task clock's due day and warning day onto the task (two queries).

    The inbox orders and marks by these copies; every service that changes a
    task clock calls this after it.
    """
    ids = [t.clock_id for t in tasks if t.clock_id]
    if not ids:
        return
    due = dict(Clock.objects.filter(pk__in=ids).values_list("pk", "due_on"))
    warn = {
        clock_id: timezone.localdate(at)
        for clock_id, at in Deadline.objects.filter(
            clock_id__in=ids, kind=DeadlineKind.WARNING, state=DeadlineState.OPEN
        ).values_list("clock_id", "fire_at")
    }
    for task in tasks:
        if task.clock_id:
            task.due_on = due.get(task.clock_id)
            task.warn_on = warn.get(task.clock_id) if task.due_on else None
    Task.objects.bulk_update(tasks, ["due_on", "warn_on"])


def task_access_or_audit(task_or_id: Task | int, user, *, action: str) -> None:
    """404 for a user who may not see the task, with an audit entry of the try.

    Called before the use case's transaction (a refused attempt on another
    department's task is a security matter; its audit entry must not roll
    back with the refusal). The locked re-check in :func:`lock_task` stays.
    """
    task_id = task_or_id.pk if isinstance(task_or_id, Task) else task_or_id
    row = Task.objects.filter(pk=task_id).values("case_id", "department_id").first()
    if row is None:
        raise task_not_found()
    if (
        getattr(user, "is_superuser", False)
        or is_department_staff(user, row["department_id"])
        or is_consultant(user, row["case_id"])
    ):
        return
    with transaction.atomic():
        audit_record(
            actor=user,
            action=f"workflow.{action}_refused",
            object_type="workflow.task",
            object_id=str(task_id),
            changes={"department": row["department_id"]},
        )
    raise task_not_found()
