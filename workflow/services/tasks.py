"""A department's work on its task: claim, release, comment, decide, reassign.

Who may act: a reviewer or head of the task's department (anyone who may not
see the task gets 404; a consultant, who may see it, gets 403). Deciding
needs the task claimed by the actor (``task_not_claimed_by_you``), the task
open (``task_already_decided``) and the case not suspended
(``case_suspended``). Each service runs in one transaction under the case's
lock (application row first, see common), writes an audit entry, and the
decision runs the stage join in the same transaction.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.visibility import is_department_staff
from portal.audit import audit_record
from portal.errors import PermissionDeniedError, ServiceError
from portal.models import Clock, ClockState

from .. import constants as c
from ..models import Case, Opinion, Task
from .common import (
    clean_text,
    is_head_of,
    lock_task,
    require_department_staff,
    require_open_case,
    require_open_task,
    stop_clock,
    task_access_or_audit,
)
from .routing import stage_join_locked

DECISIONS = {
    "approve": (c.TaskState.APPROVED, c.OpinionOutcome.APPROVE),
    "reject": (c.TaskState.REJECTED, c.OpinionOutcome.REJECT),
}


def task_claim(*, task: Task, actor) -> Task:
    """Take an open, unclaimed task of one's department (认领)."""
    with transaction.atomic():
        case, locked = lock_task(task, user=actor)
        require_department_staff(locked, actor)
        require_open_case(case, not_suspended=False)
        require_open_task(locked)
        if locked.assignee_id == actor.pk:
            return locked
        if locked.assignee_id is not None:
            raise ServiceError(
                "task_claimed_by_other",
                _("该任务已由其他人员认领"),
                status=409,
            )
        locked.assignee = actor
        locked.claimed_at = timezone.now()
        locked.save(update_fields=["assignee", "claimed_at"])
        audit_record(actor=actor, action="workflow.task_claimed", obj=locked)
    return locked


def task_release(*, task: Task, actor) -> Task:
    """Give a claimed task back to the department (the claimant or a head)."""
    with transaction.atomic():
        case, locked = lock_task(task, user=actor)
        require_department_staff(locked, actor)
        require_open_task(locked)
        if locked.assignee_id is None:
            raise ServiceError("task_not_claimed", _("该任务尚未被认领"), status=409)
        if locked.assignee_id != actor.pk and not is_head_of(
            actor, locked.department_id
        ):
            raise PermissionDeniedError(
                "task_not_claimed_by_you",
                _("该任务不是由您认领的，只有认领人或科室负责人可以退回"),
            )
        previous = locked.assignee_id
        locked.assignee = None
        locked.claimed_at = None
        locked.save(update_fields=["assignee", "claimed_at"])
        audit_record(
            actor=actor,
            action="workflow.task_released",
            obj=locked,
            changes={"assignee": previous},
        )
    return locked


def task_reassign(*, task: Task, actor, assignee) -> Task:
    """A head of the task's department hands it to a reviewer of the department."""
    with transaction.atomic():
        case, locked = lock_task(task, user=actor)
        require_department_staff(locked, actor)
        if not is_head_of(actor, locked.department_id):
            raise PermissionDeniedError(
                "not_department_head", _("只有本部门的科室负责人可以改派任务")
            )
        require_open_case(case, not_suspended=False)
        require_open_task(locked)
        if assignee is None or not is_department_staff(assignee, locked.department_id):
            raise ServiceError(
                "assignee_not_in_department",
                _("只能改派给本部门的审核人员或科室负责人"),
                field="assignee",
            )
        previous = locked.assignee_id
        locked.assignee = assignee
        locked.claimed_at = timezone.now()
        locked.save(update_fields=["assignee", "claimed_at"])
        audit_record(
            actor=actor,
            action="workflow.task_reassigned",
            obj=locked,
            changes={"from": previous, "to": assignee.pk},
        )
    return locked


def task_comment(*, task: Task, actor, text: str) -> Opinion:
    """An internal opinion on a task (the department or an invited consultant).

    Internal: the applicant's timeline does not show comments.
    """
    text = clean_text(
        text, field="text", code="opinion_required", label=_("意见"), required=True
    )
    with transaction.atomic():
        case, locked = lock_task(task, user=actor)
        require_open_case(case, not_suspended=False)
        opinion = Opinion.objects.create(
            task=locked,
            author=actor,
            outcome=c.OpinionOutcome.COMMENT,
            text=text,
            at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="workflow.task_commented",
            obj=locked,
            changes={"opinion": opinion.pk},
        )
    return opinion


def decide_task_locked(
    case: Case, task: Task, *, actor, outcome: str, opinion: str, basis: str
) -> Task:
    """Record a decision on a LOCKED task whose actor may act; run the join."""
    require_open_case(case)
    require_open_task(task)
    if outcome not in DECISIONS:
        raise ServiceError("outcome_invalid", _("请选择同意或不同意"), field="outcome")
    opinion = clean_text(
        opinion,
        field="opinion",
        code="opinion_required",
        label=_("审查意见"),
        required=True,
    )
    basis = clean_text(
        basis,
        field="basis",
        code="basis_required",
        label=_("不予许可的法律依据"),
        required=outcome == "reject",
    )[:500]
    if (
        task.clock_id
        and Clock.objects.filter(pk=task.clock_id, state=ClockState.SUSPENDED).exists()
    ):
        raise ServiceError(
            "special_procedure_open",
            _("该任务正在进行特别程序，请先结束特别程序再作决定"),
            status=409,
        )
    state, opinion_outcome = DECISIONS[outcome]
    now = timezone.now()
    Opinion.objects.create(
        task=task,
        author=actor,
        outcome=opinion_outcome,
        text=opinion,
        basis=basis,
        at=now,
    )
    task.state = state
    task.decided_at = now
    task.decided_by = actor
    task.save(update_fields=["state", "decided_at", "decided_by"])
    stop_clock(task.clock_id, outcome=state, actor=actor)
    task.cards.filter(cleared_at__isnull=True).update(cleared_at=now)
    audit_record(
        actor=actor,
        action="workflow.task_decided",
        obj=task,
        changes={"outcome": outcome, "case": case.pk, "department": task.department_id},
    )
    stage_join_locked(case, task, actor=actor)
    return task


def task_decide(
    *, task: Task, actor, outcome: str, opinion: str, basis: str = ""
) -> Task:
    """Approve or reject one's claimed task, with an opinion (and a basis to reject).

    Refused: not one's department (404, or 403 for a consultant), not
    claimed by the actor, already decided, the case suspended, an unknown
    outcome, no opinion, a rejection without its legal basis. A try on a
    task one may not see is audited (``workflow.task_decide_refused``).
    """
    task_access_or_audit(task, actor, action="task_decide")
    with transaction.atomic():
        case, locked = lock_task(task, user=actor)
        require_department_staff(locked, actor)
        if locked.assignee_id != actor.pk and locked.state == c.TaskState.OPEN:
            raise PermissionDeniedError(
                "task_not_claimed_by_you",
                _("请先认领该任务；只有认领人可以作出审查决定"),
            )
        decide_task_locked(
            case, locked, actor=actor, outcome=outcome, opinion=opinion, basis=basis
        )
    return locked


def department_staff_user(department_id: int, user_id):
    """A reviewer or head of the department by id (for reassignment forms), or None."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not is_department_staff(user, department_id):
        return None
    return user
