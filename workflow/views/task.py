"""The task page: the application, its materials, every department's opinions,
the deadlines, and the reviewer's decision forms.

What the page reads comes from workflow.selectors (the task through
task_visible_to, the case's record through timeline_for) and applications'
display helpers (form rows, materials); the files open through applications'
own permission-checked, audited file view (applications:file), which a
reviewer reaches only while their department has or had a task on the case
(workflow's visibility rule). Every form posts to one workflow service; its
ServiceError is shown beside the field it names, in Chinese, with the
service's status code.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.views.common import form_rows, person_name
from portal.errors import NotFoundError, ServiceError
from portal.forms import apply_service_error
from portal.responses import render_page

from .. import constants as c
from ..forms import (
    CommentForm,
    ConsultationForm,
    DecisionForm,
    ExtensionRequestForm,
    FindingForm,
    InspectionForm,
    ReassignForm,
    SpecialProcedureForm,
    SupplementRequestForm,
)
from ..models import Inspection, Task
from ..selectors import timeline_for
from ..services.common import is_head_of
from ..services.extensions import extension_request
from ..services.inspections import inspection_record_finding
from ..services.procedures import (
    SPECIAL_REASONS,
    task_special_procedure_end,
    task_special_procedure_start,
)
from ..services.supplements import task_request_supplement
from ..services.tasks import task_comment, task_decide
from .common import (
    department_colleagues,
    error_text,
    mark_of,
    not_found,
    task_for,
)

ACTIONS = {
    "procedure": "task_special_procedure_start",
    "decision": "task_decide",
    "supplement": "task_request_supplement",
    "extension": "extension_request",
    "comment": "task_comment",
}
FORMS = {
    "procedure": SpecialProcedureForm,
    "decision": DecisionForm,
    "supplement": SupplementRequestForm,
    "extension": ExtensionRequestForm,
    "comment": CommentForm,
}


def _inspections(task: Task, timeline) -> list[Inspection]:
    """The case's joint inspections (from the timeline); each says whether it
    covers this task and whether this task's finding is in."""
    rows = list(timeline.inspections)
    prefetch_related_objects(rows, "tasks", "findings__task__department")
    for inspection in rows:
        inspection.covers_task = any(t.pk == task.pk for t in inspection.tasks.all())
        inspection.has_finding = any(
            f.task_id == task.pk for f in inspection.findings.all()
        )
    return rows


def render_task(
    request, task: Task, *, bound: dict | None = None, error: str = "", status=200
):
    """The task page; ``bound`` holds a posted form to show again with its errors."""
    bound = bound or {}
    case = task.case
    application = case.application
    forms = {name: bound.get(name) or cls(prefix=name) for name, cls in FORMS.items()}
    timeline = timeline_for(application, request.user)
    mine = task.assignee_id == request.user.pk
    is_head = is_head_of(request.user, task.department_id)
    profile = getattr(application.applicant, "applicant", None)
    context = {
        "task": task,
        "case": case,
        "application": application,
        "applicant_name": person_name(application.applicant),
        "applicant_id_masked": profile.id_number_masked if profile else "",
        "timeline": timeline,
        "deadlines": [
            k
            for k in timeline.clocks
            if k.subject_type == c.SUBJECT_CASE or k.id == task.clock_id
        ],
        "form_rows": form_rows(application),
        "materials": application.materials.select_related("material")
        .prefetch_related("files")
        .order_by("material__order", "material_id"),
        "inspections": _inspections(task, timeline),
        "mark": mark_of(task),
        "mine": mine,
        "special": next(
            (
                s
                for s in timeline.suspensions
                if s.clock_id == task.clock_id
                and s.last is None
                and s.reason in SPECIAL_REASONS
            ),
            None,
        ),
        "can_decide": mine and task.is_open and case.state == c.CaseState.OPEN,
        "suspended": case.state == c.CaseState.SUSPENDED,
        "forms": forms,
        "finding_form": bound.get("finding") or FindingForm(prefix="finding"),
        "blank_finding": FindingForm(prefix="finding"),
        "finding_for": bound.get("finding_for"),
        "is_head": is_head,
        "error": error,
    }
    if is_head:
        context.update(
            reassign_form=ReassignForm(
                staff=department_colleagues(task.department_id), prefix="reassign"
            ),
            consult_form=bound.get("consult") or ConsultationForm(prefix="consult"),
            inspection_form=bound.get("inspection")
            or InspectionForm(tasks=inspection_tasks(task), prefix="inspection"),
        )
    return render_page(request, "workflow/task.html", context, status=status)


def inspection_tasks(task: Task):
    """The open tasks of the case's open stage: the inspection form's choices."""
    return (
        Task.objects.filter(
            case_id=task.case_id,
            state=c.TaskState.OPEN,
            stage__state=c.StageState.OPEN,
        )
        .select_related("department")
        .order_by("department__name", "pk")
    )


@login_required
def task_page(request, pk: int):
    return render_task(request, task_for(request, pk))


def _post(request, pk, name, call, *, field_map=None, done=""):
    """Bind the named form, call the service with its data, or re-render."""
    task = task_for(request, pk, action=ACTIONS[name])
    form = FORMS[name](request.POST, prefix=name)
    if not form.is_valid():
        return render_task(request, task, bound={name: form}, status=400)
    try:
        call(task, form)
    except NotFoundError as exc:
        raise not_found(exc) from exc
    except ServiceError as exc:
        apply_service_error(form, exc, field_map)
        task = task_for(request, pk)  # what the service saw, for the page
        # A refusal about the task as a whole (not claimed, already decided,
        # the case suspended) goes to the top of the page too: the form it
        # came from may not be shown any more.
        error = error_text(exc) if form.non_field_errors() else ""
        return render_task(
            request, task, bound={name: form}, error=error, status=exc.status
        )
    messages.success(request, done)
    return redirect(reverse("workflow:task", args=[pk]) + "#" + name)


@login_required
@require_POST
def decide(request, pk: int):
    def call(task, form):
        d = form.cleaned_data
        task_decide(
            task=task,
            actor=request.user,
            outcome=d["outcome"],
            opinion=d["opinion"],
            basis=d["basis"],
        )

    return _post(request, pk, "decision", call, done=_("审查决定已提交"))


@login_required
@require_POST
def request_supplement(request, pk: int):
    def call(task, form):
        task_request_supplement(task=task, actor=request.user, text=form.text())

    return _post(
        request,
        pk,
        "supplement",
        call,
        field_map={"text": "items"},
        done=_("补正要求已提交受理大厅，本案中止计时"),
    )


@login_required
@require_POST
def request_extension(request, pk: int):
    def call(task, form):
        d = form.cleaned_data
        extension_request(
            task=task, actor=request.user, days=d["days"], reason=d["reason"]
        )

    return _post(request, pk, "extension", call, done=_("延期申请已提交科室负责人审批"))


@login_required
@require_POST
def procedure_start(request, pk: int):
    def call(task, form):
        d = form.cleaned_data
        task_special_procedure_start(
            task=task, actor=request.user, reason=d["reason"], note=d["note"]
        )

    return _post(
        request, pk, "procedure", call, done=_("特别程序已开始，其间不计入办理期限")
    )


@login_required
@require_POST
def procedure_end(request, pk: int):
    task = task_for(request, pk, action="task_special_procedure_end")
    try:
        task_special_procedure_end(task=task, actor=request.user)
    except NotFoundError as exc:
        raise not_found(exc) from exc
    except ServiceError as exc:
        return render_task(request, task, error=error_text(exc), status=exc.status)
    messages.success(request, _("特别程序已结束，恢复计时"))
    return redirect(reverse("workflow:task", args=[pk]) + "#procedure")


@login_required
@require_POST
def comment(request, pk: int):
    def call(task, form):
        task_comment(task=task, actor=request.user, text=form.cleaned_data["text"])

    return _post(request, pk, "comment", call, done=_("意见已保存"))


def _inspection(task: Task, inspection_id: int) -> Inspection:
    """An inspection of the task's case, else 404 (the service checks the rest)."""
    inspection = Inspection.objects.filter(
        pk=inspection_id, case_id=task.case_id
    ).first()
    if inspection is None:
        raise not_found()
    return inspection


@login_required
@require_POST
def record_finding(request, pk: int, inspection_id: int):
    """The department's findings of a joint site inspection, on its task."""
    task = task_for(request, pk, action="inspection_record_finding")
    form = FindingForm(request.POST, prefix="finding")
    bound = {"finding": form, "finding_for": inspection_id}
    if not form.is_valid():
        return render_task(request, task, bound=bound, status=400)
    try:
        inspection_record_finding(
            inspection=_inspection(task, inspection_id),
            task=task,
            actor=request.user,
            text=form.cleaned_data["text"],
        )
    except NotFoundError as exc:
        raise not_found(exc) from exc
    except ServiceError as exc:
        apply_service_error(form, exc)
        return render_task(request, task, bound=bound, status=exc.status)
    messages.success(request, _("踏勘意见已记录"))
    return redirect(reverse("workflow:task", args=[pk]) + "#inspections")
