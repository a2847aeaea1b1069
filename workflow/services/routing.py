"""Routing: a case from the pinned process at acceptance, the join, the end.

- :func:`case_open_on_acceptance` (registered on ``applications.hooks.on_accepted``,
  in the acceptance transaction with the application locked): one stage per
  catalog stage; per stage one task per department (a department's steps of
  one stage are grouped, limit = the longest step); the first stage's tasks
  open at once with a task clock each; the case gets its statutory and
  promised clocks; the application moves accepted -> in review. A step whose
  department kind has no department in the implementation's region (nor in
  any region above it) refuses the acceptance (``routing_department_missing``):
  nothing is written and the clerk reads which kind is missing.
- :func:`stage_join_locked` (called by task_decide under the case's lock): a
  stage closes when every task of it is approved and the next opens exactly
  once; one rejection ends the case rejected; the last stage ends it approved.
  Either way the decision goes through applications' decision service.
- :func:`case_withdraw` (registered on ``on_withdrawn_after_acceptance``):
  open tasks cancelled, every clock of the case stopped.
- Immediate items (即办件): the case opens with one task for the implementing
  department (limit 1 working day) and the hall clerk may decide it at the
  counter at once with :func:`case_decide_immediately`; if the clerk does
  not, the department decides it from its inbox like any task.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import constants as ac
from applications import hooks
from applications.models import Application
from applications.services.acceptance import promised_limit
from applications.services.decision import decide_locked
from applications.services.status import application_transition
from catalog.models import Department, ProcessStage, ProcessStep, Region
from portal import clocks
from portal.audit import audit_record
from portal.errors import ServiceError
from portal.models import Clock, ClockState

from .. import constants as c
from ..models import Card, Case, CaseStage, Opinion, Task
from .certificates import certificate_issue_on_approval
from .common import (
    case_clocks,
    require_hall_clerk,
    stop_clock,
    sync_task_dates,
    today,
)

logger = logging.getLogger(__name__)

IMMEDIATE_TASK_DAYS = 1


# --- opening -----------------------------------------------------------------------


def _region_chain(region_id: int) -> list[int]:
    """The region and every region above it, nearest first (one query)."""
    row = (
        Region.objects.filter(pk=region_id)
        .values_list(
            "pk", "parent_id", "parent__parent_id", "parent__parent__parent_id"
        )
        .first()
    )
    return [pk for pk in (row or ()) if pk is not None]


def _resolve_departments(steps: list[ProcessStep], region_id: int) -> dict[int, int]:
    """step id -> department id; a kind resolves in the nearest region that has it."""
    kinds = {s.department_kind for s in steps if not s.department_id}
    by_kind: dict[str, int] = {}
    if kinds:
        chain = _region_chain(region_id)
        rank = {pk: i for i, pk in enumerate(chain)}
        candidates = Department.objects.filter(
            kind__in=kinds, region_id__in=chain, is_active=True
        ).values_list("kind", "region_id", "pk")
        best: dict[str, tuple[int, int]] = {}
        for kind, region, pk in candidates:
            key = (rank[region], pk)
            if kind not in best or key < best[kind]:
                best[kind] = key
                by_kind[kind] = pk
        missing = sorted(kinds - set(by_kind))
        if missing:
            raise ServiceError(
                "routing_department_missing",
                _(
                    "无法分派办理部门：本地及上级区划均没有类别为“%(kinds)s”的部门，"
                    "请联系事项管理员在事项流程中指定办理部门"
                )
                % {"kinds": "、".join(missing)},
                status=409,
            )
    return {s.pk: s.department_id or by_kind[s.department_kind] for s in steps}


def _plan(application: Application) -> list[tuple[str, list[dict]]]:
    """[(stage name, [task spec])]: the process the case will follow."""
    version = application.version
    implementation = application.implementation
    if version.is_immediate:
        return [
            (
                _("即办"),
                [
                    {
                        "department_id": implementation.department_id,
                        "name": version.name,
                        "limit_days": IMMEDIATE_TASK_DAYS,
                        "steps": [],
                        "site_inspection": False,
                        "special_procedure": False,
                    }
                ],
            )
        ]
    stages = list(
        ProcessStage.objects.filter(version=version)
        .order_by("order")
        .prefetch_related(
            Prefetch("steps", queryset=ProcessStep.objects.order_by("order", "pk"))
        )
    )
    steps = [s for stage in stages for s in stage.steps.all()]
    if not steps:
        # No process defined: one task for the implementing department.
        limit = (
            version.promised_limit_value
            or version.statutory_limit_value
            or c.STATUTORY_DAYS
        )
        return [
            (
                _("审查"),
                [
                    {
                        "department_id": implementation.department_id,
                        "name": version.name,
                        "limit_days": min(limit, 365),
                        "steps": [],
                        "site_inspection": False,
                        "special_procedure": False,
                    }
                ],
            )
        ]
    departments = _resolve_departments(steps, implementation.region_id)
    plan = []
    for stage in stages:
        grouped: OrderedDict[int, dict] = OrderedDict()
        for step in stage.steps.all():
            dep = departments[step.pk]
            spec = grouped.setdefault(
                dep,
                {
                    "department_id": dep,
                    "names": [],
                    "limit_days": 0,
                    "steps": [],
                    "site_inspection": False,
                    "special_procedure": False,
                },
            )
            spec["names"].append(step.name)
            spec["steps"].append(step.pk)
            spec["limit_days"] = max(spec["limit_days"], step.limit_days)
            spec["site_inspection"] |= step.site_inspection
            spec["special_procedure"] |= step.special_procedure
        for spec in grouped.values():
            spec["name"] = "、".join(spec.pop("names"))[:300]
        if grouped:
            plan.append((stage.name, list(grouped.values())))
    return plan


def _statutory(version, joint: bool) -> tuple[int, str]:
    """The item's own statutory limit wins; else Art. 42's 20 (45 when joint)."""
    if version.statutory_limit_value:
        return version.statutory_limit_value, version.statutory_limit_unit
    return (c.STATUTORY_DAYS_JOINT if joint else c.STATUTORY_DAYS), "working"


def open_stage_tasks(
    case: Case, stage: CaseStage, tasks: list[Task], *, start: dt.date, actor
) -> None:
    """Open a stage: its tasks get a clock each and their dates copied (locked case)."""
    now = timezone.now()
    stage.state = c.StageState.OPEN
    stage.opened_at = now
    stage.save(update_fields=["state", "opened_at"])
    case.current_stage = stage
    case.save(update_fields=["current_stage"])
    departments = dict(
        Department.objects.filter(pk__in={t.department_id for t in tasks}).values_list(
            "pk", "name"
        )
    )
    for task in tasks:
        clock = clocks.clock_start(
            subject_type=c.SUBJECT_TASK,
            subject_id=task.pk,
            kind=c.CLOCK_TASK,
            limit_days=task.limit_days,
            start=start,
            label=f"{departments.get(task.department_id, '')}：{task.name}"[:200],
            actor=actor,
        )
        task.clock_id = clock.pk
        task.opened_at = now
        task.state = c.TaskState.OPEN
    Task.objects.bulk_update(tasks, ["clock_id", "opened_at", "state"])
    sync_task_dates(tasks)


def case_open_on_acceptance(event: hooks.Accepted) -> Case:
    """Build and open the case of a just-accepted application (see module doc).

    Runs in the acceptance transaction with the application locked; any
    error rolls the acceptance back.
    """
    application = event.application
    actor = event.actor
    start = event.accepted_on
    version = application.version
    plan = _plan(application)
    department_ids = {spec["department_id"] for _n, specs in plan for spec in specs}
    joint = len(department_ids) > 1
    statutory_days, statutory_unit = _statutory(version, joint)
    promised_days, promised_unit = promised_limit(application=application)
    case = Case.objects.create(
        application=application,
        joint=joint,
        statutory_days=statutory_days,
        statutory_unit=statutory_unit,
        promised_days=promised_days,
        promised_unit=promised_unit,
        immediate=version.is_immediate,
        opened_on=start,
    )
    stages = CaseStage.objects.bulk_create(
        [
            CaseStage(case=case, order=i, name=name[:100])
            for i, (name, _specs) in enumerate(plan, start=1)
        ]
    )
    tasks = Task.objects.bulk_create(
        [
            Task(
                case=case,
                stage=stage,
                step_id=(spec["steps"] or [None])[0],
                step_ids=spec["steps"],
                department_id=spec["department_id"],
                name=spec["name"],
                limit_days=spec["limit_days"],
                site_inspection=spec["site_inspection"],
                special_procedure=spec["special_procedure"],
                state=c.TaskState.WAITING,
            )
            for stage, (_name, specs) in zip(stages, plan, strict=True)
            for spec in specs
        ]
    )
    first = stages[0]
    open_stage_tasks(
        case,
        first,
        [t for t in tasks if t.stage_id == first.pk],
        start=start,
        actor=actor,
    )
    clocks.clock_start(
        subject_type=c.SUBJECT_CASE,
        subject_id=case.pk,
        kind=c.CLOCK_CASE_STATUTORY,
        limit_days=statutory_days,
        unit=statutory_unit,
        start=start,
        label=_("法定办结时限：%(item)s") % {"item": version.name},
        actor=actor,
    )
    if promised_days is not None:
        clocks.clock_start(
            subject_type=c.SUBJECT_CASE,
            subject_id=case.pk,
            kind=c.CLOCK_CASE_PROMISED,
            limit_days=promised_days,
            unit=promised_unit,
            start=start,
            label=_("承诺办结时限：%(item)s") % {"item": version.name},
            actor=actor,
        )
    audit_record(
        actor=actor,
        action="workflow.case_opened",
        obj=case,
        changes={
            "application": application.pk,
            "stages": len(stages),
            "tasks": len(tasks),
            "departments": sorted(department_ids),
            "joint": joint,
            "statutory_days": statutory_days,
            "promised_days": promised_days,
            "deemed": event.deemed,
        },
    )
    application_transition(
        application=application,
        to_status=ac.ApplicationStatus.IN_REVIEW,
        actor=actor,
        reason=_("已分送%(n)s个部门办理") % {"n": len(department_ids)},
    )
    logger.info(
        "workflow.case_opened case_id=%s application_id=%s tasks=%s",
        case.pk,
        application.pk,
        len(tasks),
    )
    return case


# --- the join ----------------------------------------------------------------------


def _department_lines(tasks: list[Task], outcome: str) -> list[str]:
    opinions = (
        Opinion.objects.filter(task__in=tasks, outcome=outcome)
        .select_related("task__department")
        .order_by("task__stage__order", "task__department__name", "at")
    )
    lines = []
    for op in opinions:
        basis = f"（{op.basis}）" if op.basis else ""
        lines.append(f"{op.task.department.name}：{op.text}{basis}")
    return lines


def _end_case(case: Case, *, state: str, actor) -> None:
    """Stop every running clock, cancel open and waiting tasks; the case ends as ``state``."""
    open_tasks = list(
        case.tasks.filter(state__in=[c.TaskState.OPEN, c.TaskState.WAITING])
    )
    for task in open_tasks:
        task.state = c.TaskState.CANCELLED
        task.due_on = None
        task.warn_on = None
    Task.objects.bulk_update(open_tasks, ["state", "due_on", "warn_on"])
    for clock in case_clocks(case):
        stop_clock(clock, outcome=state, actor=actor)
    case.state = state
    case.closed_at = timezone.now()
    case.save(update_fields=["state", "closed_at"])
    case.cards.filter(cleared_at__isnull=True).update(cleared_at=case.closed_at)


def stage_join_locked(case: Case, task: Task, *, actor) -> None:
    """After ``task`` was decided, under the case's lock: close, open or end.

    A rejection ends the case at once (the other open tasks cancelled). An
    approval closes the stage only when no task of it is left open; the next
    waiting stage then opens (exactly once: the stage state is checked under
    the lock), or, when none is left, the case ends approved.
    """
    application = case.application
    if task.state == c.TaskState.REJECTED:
        _end_case(case, state=c.CaseState.REJECTED, actor=actor)
        lines = _department_lines(list(case.tasks.all()), c.OpinionOutcome.REJECT)
        decide_locked(
            application,
            actor=actor,
            outcome=ac.DecisionOutcome.REJECTED,
            basis="；".join(lines)[:2000],
        )
        audit_record(
            actor=actor,
            action="workflow.case_rejected",
            obj=case,
            changes={"task": task.pk, "department": task.department_id},
        )
        return
    stage = task.stage
    if case.tasks.filter(stage=stage, state=c.TaskState.OPEN).exists():
        return
    if stage.state != c.StageState.OPEN:
        return
    stage.state = c.StageState.DONE
    stage.closed_at = timezone.now()
    stage.save(update_fields=["state", "closed_at"])
    following = (
        case.stages.filter(state=c.StageState.WAITING, order__gt=stage.order)
        .order_by("order")
        .first()
    )
    audit_record(
        actor=actor,
        action="workflow.stage_closed",
        obj=case,
        changes={"stage": stage.order, "next": following.order if following else None},
    )
    if following is not None:
        open_stage_tasks(
            case, following, list(following.tasks.all()), start=today(), actor=actor
        )
        return
    _case_approve(case, actor=actor)


def _case_approve(case: Case, *, actor) -> None:
    application = case.application
    lines = _department_lines(list(case.tasks.all()), c.OpinionOutcome.APPROVE)
    _end_case(case, state=c.CaseState.APPROVED, actor=actor)
    decide_locked(
        application,
        actor=actor,
        outcome=ac.DecisionOutcome.APPROVED,
        basis=("；".join(lines) or _("各部门审查同意"))[:2000],
    )
    decided_on = timezone.localdate(application.decided_at)
    clocks.clock_start(
        subject_type=c.SUBJECT_CASE,
        subject_id=case.pk,
        kind=c.CLOCK_DELIVERY,
        limit_days=c.DELIVERY_DAYS,
        start=decided_on,
        label=_("送达时限：%(item)s") % {"item": application.version.name},
        actor=actor,
    )
    certificate_issue_on_approval(case=case, actor=actor)
    audit_record(
        actor=actor,
        action="workflow.case_approved",
        obj=case,
        changes={"delivery_due": str(application.delivery_due)},
    )


# --- immediate items ---------------------------------------------------------------


def case_decide_immediately(
    *, application: Application, clerk, outcome: str, opinion: str, basis: str = ""
) -> Case:
    """The hall clerk decides an immediate item (即办件) at the counter.

    Only for a case of an immediate item whose one task is still open; the
    clerk of the application's hall (else 404, or 403 for who may see it).
    ``outcome`` approve or reject, as for a task; the decision, clocks and
    messages follow the ordinary join.
    """
    from .common import lock_case
    from .tasks import decide_task_locked

    case_id = (
        Case.objects.filter(application=application)
        .values_list("pk", flat=True)
        .first()
    )
    if case_id is None:
        raise ServiceError("case_not_found", _("该办件尚未进入办理"), status=404)
    with transaction.atomic():
        case = lock_case(case_id)
        require_hall_clerk(case, clerk)
        if not case.immediate:
            raise ServiceError(
                "not_immediate_item",
                _("该事项不是即办件，须由承办部门审查决定"),
                status=409,
            )
        task = (
            Task.objects.select_for_update(no_key=True, of=("self",))
            .select_related("department", "stage")
            .filter(case=case)
            .first()
        )
        task.case = case
        decide_task_locked(
            case, task, actor=clerk, outcome=outcome, opinion=opinion, basis=basis
        )
    return case


# --- a decision from outside the case ----------------------------------------------


def case_guard_decision(event: hooks.Decided) -> None:
    """Refuse a decision recorded around an open case (registered on ``on_decided``).

    Once routed, an application is decided by the join above (its case has
    ended by the time ``decide_locked`` fires the hook); a direct
    ``application_decide`` while departments are still working would leave
    their tasks and clocks running, so it is refused and rolls back.
    """
    state = (
        Case.objects.filter(application_id=event.application.pk)
        .values_list("state", flat=True)
        .first()
    )
    if state in c.OPEN_CASE_STATES:
        raise ServiceError(
            "case_in_progress",
            _("该办件正在由各部门并联审查，须通过各部门的审查任务作出决定"),
            status=409,
        )


# --- delivery ----------------------------------------------------------------------


def case_delivered(event: hooks.Delivered) -> None:
    """Stop the case's delivery clock on the day of delivery (``on_delivered``)."""
    case_id = (
        Case.objects.filter(application_id=event.application.pk)
        .values_list("pk", flat=True)
        .first()
    )
    if case_id is None:
        return
    clock = (
        Clock.objects.filter(
            subject_type=c.SUBJECT_CASE, subject_id=case_id, kind=c.CLOCK_DELIVERY
        )
        .exclude(state=ClockState.STOPPED)
        .first()
    )
    if clock is not None:
        on = max(timezone.localdate(event.delivered_at), clock.started_on)
        clocks.clock_stop(clock, on=on, outcome="delivered", actor=event.actor)
        Card.objects.filter(clock_id=clock.pk, cleared_at__isnull=True).update(
            cleared_at=timezone.now()
        )


# --- withdrawal --------------------------------------------------------------------


def case_withdraw(event: hooks.WithdrawnAfterAcceptance) -> Case | None:
    """Stop the case of a withdrawn application (in the withdrawal transaction)."""
    case = (
        Case.objects.select_for_update(no_key=True)
        .filter(application=event.application)
        .first()
    )
    if case is None or case.state in c.ENDED_CASE_STATES:
        return case
    case.application = event.application
    _end_case(case, state=c.CaseState.WITHDRAWN, actor=event.actor)
    audit_record(
        actor=event.actor,
        action="workflow.case_withdrawn",
        obj=case,
        changes={"application": event.application.pk, "from": event.from_status},
    )
    return case
