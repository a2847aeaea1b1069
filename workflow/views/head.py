"""The department head's desk: extensions, escalations (red cards), the
overdue list and the department's open tasks to reassign; on a task's page
the head also reassigns, invites a consultant and schedules a joint site
inspection.

The desk's lists come from workflow.selectors (head_desk_for, inbox_for);
every button posts to one workflow service, which checks that the user heads
the department concerned. Anyone who may not see the object gets 404, a head
of another department included.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.models import Department
from portal.errors import NotFoundError, ServiceError
from portal.forms import apply_service_error
from portal.responses import render_page
from portal.roles import Role, user_has_role

from ..forms import (
    ConsultationForm,
    ExtensionDecisionForm,
    InspectionForm,
    ReassignForm,
)
from ..models import Card, Extension
from ..selectors import head_desk_for, inbox_for
from ..services.consultations import consultation_invite
from ..services.escalations import card_answer
from ..services.extensions import extension_approve, extension_refuse
from ..services.inspections import inspection_schedule
from ..services.tasks import task_reassign
from .common import (
    department_colleagues,
    error_text,
    mark_of,
    not_found,
    require_desk,
    task_for,
)
from .task import inspection_tasks, render_task

PAGE_SIZE = 20


@login_required
def head_desk(request):
    department_id = require_desk(request, Role.DEPARTMENT_HEAD)
    desk = head_desk_for(request.user)
    today = timezone.localdate()
    page = Paginator(inbox_for(request.user, {}), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render_page(
        request,
        "workflow/head.html",
        {
            "department": Department.objects.filter(pk=department_id).first(),
            "desk": desk,
            "extensions": list(desk.pending_extensions),
            "red_cards": list(desk.red_cards),
            "overdue": [{"task": t, "mark": mark_of(t, today)} for t in desk.overdue],
            "page": page,
            "open_rows": [
                {"task": t, "mark": mark_of(t, today)} for t in page.object_list
            ],
            "colleagues": list(department_colleagues(department_id)),
            "decision_form": ExtensionDecisionForm(prefix="ext"),
            "is_head": True,
        },
    )


@login_required
@require_POST
def reassign(request, pk: int):
    task = task_for(request, pk, action="task_reassign")
    form = ReassignForm(
        request.POST, staff=department_colleagues(task.department_id), prefix="reassign"
    )
    if form.is_valid():
        try:
            task_reassign(
                task=task, actor=request.user, assignee=form.cleaned_data["assignee"]
            )
        except NotFoundError as exc:
            raise not_found(exc) from exc
        except ServiceError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("任务已改派"))
    else:
        messages.error(request, " ".join(form.errors.get("assignee", [])))
    back = request.POST.get("from") == "head"
    if back:
        return redirect(reverse("workflow:head") + "#open")
    return redirect(reverse("workflow:task", args=[pk]) + "#head")


def _extension(request, pk: int, *, approve: bool):
    extension = Extension.objects.filter(pk=pk).first()
    if extension is None:
        raise not_found()
    form = ExtensionDecisionForm(request.POST, prefix="ext")
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if approve:
            extension_approve(extension=extension, actor=request.user, note=note)
        else:
            extension_refuse(extension=extension, actor=request.user, note=note)
    except NotFoundError as exc:
        raise not_found(exc) from exc
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            _("已批准延期，已告知申请人") if approve else _("已不予批准延期"),
        )
    if user_has_role(request.user, Role.DEPARTMENT_HEAD) or not extension.task_id:
        return redirect(reverse("workflow:head") + "#extensions")
    return redirect(reverse("workflow:task", args=[extension.task_id]) + "#extension")


@login_required
@require_POST
def card_answer_view(request, pk: int):
    """A head answers a red card; it then leaves the desk's list."""
    card = Card.objects.filter(pk=pk).first()
    if card is None:
        raise not_found()
    try:
        card_answer(
            card=card, actor=request.user, note=request.POST.get("answer-note", "")
        )
    except NotFoundError as exc:
        raise not_found(exc) from exc
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("已答复督办"))
    return redirect(reverse("workflow:head") + "#escalations")


@login_required
@require_POST
def extension_approve_view(request, pk: int):
    return _extension(request, pk, approve=True)


@login_required
@require_POST
def extension_refuse_view(request, pk: int):
    return _extension(request, pk, approve=False)


@login_required
@require_POST
def invite_consultant(request, pk: int):
    """Invite a named staff user outside the department to consult on the case."""
    task = task_for(request, pk, action="consultation_invite")
    form = ConsultationForm(request.POST, prefix="consult")
    if form.is_valid():
        user = (
            get_user_model()
            .objects.filter(username=form.cleaned_data["username"], is_active=True)
            .first()
        )
        try:
            consultation_invite(
                case=task.case,
                actor=request.user,
                user=user,
                note=form.cleaned_data["note"],
            )
        except NotFoundError as exc:
            raise not_found(exc) from exc
        except ServiceError as exc:
            apply_service_error(form, exc, {"user": "username"})
            return render_task(
                request, task, bound={"consult": form}, status=exc.status
            )
        messages.success(request, _("已邀请会商，对方可查看此一件"))
        return redirect(reverse("workflow:task", args=[pk]) + "#head")
    return render_task(request, task, bound={"consult": form}, status=400)


@login_required
@require_POST
def schedule_inspection(request, pk: int):
    """One joint site inspection for several tasks of the task's case."""
    task = task_for(request, pk, action="inspection_schedule")
    form = InspectionForm(
        request.POST, tasks=inspection_tasks(task), prefix="inspection"
    )
    if form.is_valid():
        d = form.cleaned_data
        try:
            inspection_schedule(
                case=task.case,
                actor=request.user,
                on=d["on"],
                days=d["days"] or 1,
                place=d["place"],
                note=d["note"],
                tasks=list(d["tasks"]) or None,
            )
        except NotFoundError as exc:
            raise not_found(exc) from exc
        except ServiceError as exc:
            apply_service_error(form, exc)
            return render_task(
                request, task, bound={"inspection": form}, status=exc.status
            )
        messages.success(request, _("已安排集中踏勘，申请人将收到一次通知"))
        return redirect(reverse("workflow:task", args=[pk]) + "#inspections")
    return render_task(request, task, bound={"inspection": form}, status=400)
