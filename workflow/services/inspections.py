"""Joint site inspection (一次集中踏勘): one appointment for several tasks.

:func:`inspection_schedule`: a reviewer or head of a department with an open
task on the case names the day(s), the place and the tasks it covers
(default: the open tasks that need a site visit); the applicant is told once;
each covered task's clock gets ONE suspended segment with reason
``inspection`` over the inspection days (Art. 45: not counted), recorded at
scheduling with the known days. :func:`inspection_record_finding`: each
department on the inspection records its findings once; a department not on
the case is refused (404, audited), one on the case but not on the
inspection ``inspection_task_not_covered``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.visibility import staff_department_id
from portal import clocks
from portal.audit import audit_record
from portal.errors import NotFoundError, ServiceError
from portal.models import Clock, ClockState, SuspensionReason

from .. import constants as c
from ..models import Case, Inspection, InspectionFinding, Task
from .common import (
    _open_segment_first,
    case_not_found,
    clean_text,
    lock_case,
    require_open_case,
    sync_task_dates,
    today,
)
from .notify import applicant_notify

MAX_DAYS = 30
ONE_DAY = dt.timedelta(days=1)


def inspection_schedule(
    *,
    case: Case,
    actor,
    on: dt.date,
    place: str,
    days: int = 1,
    tasks: list[Task] | None = None,
    note: str = "",
) -> Inspection:
    """Schedule one joint inspection (see module doc)."""
    place = clean_text(
        place, field="place", code="place_required", label=_("踏勘地点"), required=True
    )[:300]
    note = clean_text(
        note, field="note", code="note_required", label=_("说明"), required=False
    )[:500]
    if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
        raise ServiceError("inspection_date_invalid", _("请选择踏勘日期"), field="on")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ServiceError(
            "inspection_days_invalid",
            _("踏勘天数应为1至%(max)s天") % {"max": MAX_DAYS},
            field="days",
        )
    if on < today():
        raise ServiceError(
            "inspection_date_past", _("踏勘日期不能早于今天"), field="on"
        )
    with transaction.atomic():
        locked = lock_case(case)
        department_id = staff_department_id(actor)
        open_tasks = list(
            locked.tasks.select_for_update(no_key=True).filter(state=c.TaskState.OPEN)
        )
        if department_id is None or not any(
            t.department_id == department_id for t in open_tasks
        ):
            if not locked.tasks.filter(department_id=department_id).exists():
                raise case_not_found()
            raise ServiceError(
                "inspection_no_open_task",
                _("本部门在该案卷上没有待办任务，不能安排踏勘"),
                status=409,
            )
        require_open_case(locked)
        by_id = {t.pk: t for t in open_tasks}
        if tasks is None:
            covered = [t for t in open_tasks if t.site_inspection]
        else:
            wanted = {getattr(t, "pk", t) for t in tasks}
            covered = [by_id[pk] for pk in wanted if pk in by_id]
            if len(covered) != len(wanted):
                raise ServiceError(
                    "inspection_task_invalid",
                    _("只能选择本案卷中尚未办结的任务"),
                    field="tasks",
                )
        if not covered:
            raise ServiceError(
                "inspection_tasks_required",
                _("请选择需要现场踏勘的任务"),
                field="tasks",
            )
        last_day = on + ONE_DAY * (days - 1)
        inspection = Inspection.objects.create(
            case=locked,
            on=on,
            last_day=last_day,
            place=place,
            note=note,
            created_by=actor,
            created_at=timezone.now(),
        )
        inspection.tasks.set(covered)
        label = _("集中踏勘 %(on)s %(place)s") % {"on": on.isoformat(), "place": place}
        suspended = []
        for clock in Clock.objects.filter(
            pk__in=[t.clock_id for t in covered if t.clock_id],
            state=ClockState.RUNNING,
        ):
            # The days on..last_day are not counted: suspend the day before
            # (it counts) and resume on the last day (a new start, not counted).
            start = max(on - ONE_DAY, _open_segment_first(clock))
            clocks.clock_suspend(
                clock,
                reason=SuspensionReason.INSPECTION,
                note=label[:500],
                on=start,
                actor=actor,
            )
            clocks.clock_resume(clock, on=last_day, actor=actor)
            suspended.append(clock.pk)
        sync_task_dates(covered)
        audit_record(
            actor=actor,
            action="workflow.inspection_scheduled",
            obj=locked,
            changes={
                "inspection": inspection.pk,
                "on": on.isoformat(),
                "last_day": last_day.isoformat(),
                "tasks": [t.pk for t in covered],
                "clocks": suspended,
            },
        )
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("集中现场踏勘通知")
            body = _(
                "定于%(on)s在%(place)s进行一次集中现场踏勘（%(n)s个部门参加），"
                "请届时到场。踏勘期间不计入办理时限。"
            ) % {"on": date_format(on), "place": place, "n": len(covered)}
        applicant_notify(
            application=locked.application,
            event="inspection",
            ref=inspection.pk,
            subject=subject,
            body=body,
        )
    return inspection


def inspection_record_finding(
    *, inspection: Inspection, task: Task, actor, text: str
) -> InspectionFinding:
    """A department on the inspection records its findings for its task (once)."""
    text = clean_text(
        text, field="text", code="finding_required", label=_("踏勘意见"), required=True
    )
    row = (
        Inspection.objects.filter(pk=getattr(inspection, "pk", None))
        .values("case_id")
        .first()
    )
    department_id = staff_department_id(actor)
    on_case = (
        row is not None
        and department_id is not None
        and Task.objects.filter(
            case_id=row["case_id"], department_id=department_id
        ).exists()
    )
    if not on_case:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="workflow.inspection_finding_refused",
                object_type="workflow.inspection",
                object_id=str(getattr(inspection, "pk", "")),
                changes={"department": department_id},
            )
        raise NotFoundError("inspection_not_found", _("踏勘安排不存在或您无权查看"))
    with transaction.atomic():
        locked = lock_case(row["case_id"])
        task_row = (
            Task.objects.filter(pk=getattr(task, "pk", task), case=locked)
            .values("pk", "department_id")
            .first()
        )
        if task_row is None or task_row["department_id"] != department_id:
            raise ServiceError(
                "not_task_department",
                _("只能为本部门的任务填写踏勘意见"),
                status=403,
            )
        if not Inspection.tasks.through.objects.filter(
            inspection_id=inspection.pk, task_id=task_row["pk"]
        ).exists():
            raise ServiceError(
                "inspection_task_not_covered",
                _("该任务不在本次踏勘范围内"),
                status=409,
            )
        if InspectionFinding.objects.filter(
            inspection_id=inspection.pk, task_id=task_row["pk"]
        ).exists():
            raise ServiceError(
                "finding_exists", _("本部门已填写本次踏勘意见"), status=409
            )
        finding = InspectionFinding.objects.create(
            inspection_id=inspection.pk,
            task_id=task_row["pk"],
            author=actor,
            text=text,
            at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="workflow.inspection_finding",
            obj=locked,
            changes={"inspection": inspection.pk, "finding": finding.pk},
        )
    return finding
