"""Pages for department heads (their department) and supervisors (everything)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from people.privacy import mask_phone
from portal.errors import ServiceError

from ..forms import AnswerForm, AppealDecideForm, AssignForm, ReviewForm, TextForm
from ..selectors import appeals_for, complaints_for, get_or_404, rectifications_for
from ..services.complaints import complaint_answer, complaint_assign
from ..services.people import head_department_id, is_supervisor
from ..services.ratings import appeal_decide, appeal_file
from ..services.rectifications import (
    rectification_callback,
    rectification_review,
    rectification_submit,
)


def _staff_or_404(user) -> None:
    if not (is_supervisor(user) or head_department_id(user) is not None):
        raise Http404


def _page(request, qs):
    return Paginator(qs, 30).get_page(request.GET.get("page"))


def _done(request, exc: ServiceError | None, target, *args):
    if exc is None:
        messages.success(request, _("已保存"))
    else:
        messages.error(request, exc.detail)
    return redirect(target, *args)


def _invalid(form) -> ServiceError:
    first = next(iter(form.errors.values()))[0]
    return ServiceError("form_invalid", first)


@login_required
def rectification_list(request):
    _staff_or_404(request.user)
    return render(
        request,
        "supervision/rectification_list.html",
        {
            "page": _page(request, rectifications_for(request.user)),
            "supervisor": is_supervisor(request.user),
        },
    )


@login_required
def rectification_detail(request, pk: int):
    _staff_or_404(request.user)
    rect = get_or_404(rectifications_for(request.user), pk)
    appeal = getattr(rect.rating, "appeal", None) if rect.rating.appeal_state else None
    head = head_department_id(request.user) == rect.department_id
    return render(
        request,
        "supervision/rectification_detail.html",
        {
            "rect": rect,
            "rating": rect.rating,
            "appeal": appeal,
            "head": head,
            "supervisor": is_supervisor(request.user),
            "text_form": TextForm(),
            "review_form": ReviewForm(),
        },
    )


@login_required
@require_POST
def rectification_act(request, pk: int, action: str):
    _staff_or_404(request.user)
    rect = get_or_404(rectifications_for(request.user), pk)
    form = ReviewForm(request.POST) if action == "review" else TextForm(request.POST)
    error = None
    try:
        if not form.is_valid():
            raise _invalid(form)
        data = form.cleaned_data
        if action == "callback":
            rectification_callback(
                rectification=rect, user=request.user, note=data["text"]
            )
        elif action == "submit":
            rectification_submit(
                rectification=rect, user=request.user, measures=data["text"]
            )
        elif action == "review":
            rectification_review(
                rectification=rect,
                supervisor=request.user,
                outcome=data["outcome"],
                note=data["note"],
            )
        elif action == "appeal":
            appeal_file(rating=rect.rating, user=request.user, reason=data["text"])
        else:
            raise Http404
    except ServiceError as exc:
        if exc.status == 404:
            raise Http404 from exc
        error = exc
    return _done(request, error, "supervision:rectification_detail", rect.pk)


@login_required
def appeal_list(request):
    _staff_or_404(request.user)
    return render(
        request,
        "supervision/appeal_list.html",
        {
            "page": _page(request, appeals_for(request.user)),
            "supervisor": is_supervisor(request.user),
            "form": AppealDecideForm(),
        },
    )


@login_required
@require_POST
def appeal_decide_view(request, pk: int):
    if not is_supervisor(request.user):
        raise Http404
    appeal = get_or_404(appeals_for(request.user), pk)
    form = AppealDecideForm(request.POST)
    error = None
    try:
        if not form.is_valid():
            raise _invalid(form)
        appeal_decide(
            appeal=appeal,
            supervisor=request.user,
            upheld=form.cleaned_data["upheld"],
            note=form.cleaned_data["note"],
        )
    except ServiceError as exc:
        error = exc
    return _done(request, error, "supervision:appeal_list")


@login_required
def complaint_list(request):
    _staff_or_404(request.user)
    return render(
        request,
        "supervision/complaint_list.html",
        {
            "page": _page(request, complaints_for(request.user)),
            "supervisor": is_supervisor(request.user),
        },
    )


@login_required
def complaint_detail(request, pk: int):
    _staff_or_404(request.user)
    complaint = get_or_404(complaints_for(request.user), pk)
    return render(
        request,
        "supervision/complaint_detail.html",
        {
            "complaint": complaint,
            "contact_phone": mask_phone(complaint.contact_phone),
            "head": head_department_id(request.user) == complaint.department_id,
            "supervisor": is_supervisor(request.user),
            "assign_form": AssignForm(),
            "answer_form": AnswerForm(),
        },
    )


@login_required
@require_POST
def complaint_act(request, pk: int, action: str):
    _staff_or_404(request.user)
    complaint = get_or_404(complaints_for(request.user), pk)
    form = AssignForm(request.POST) if action == "assign" else AnswerForm(request.POST)
    error = None
    try:
        if not form.is_valid():
            raise _invalid(form)
        if action == "assign":
            complaint_assign(
                complaint=complaint,
                supervisor=request.user,
                department_id=form.cleaned_data["department"],
            )
        elif action == "answer":
            complaint_answer(
                complaint=complaint,
                user=request.user,
                reply=form.cleaned_data["reply"],
                outcome=form.cleaned_data["outcome"],
            )
        else:
            raise Http404
    except ServiceError as exc:
        if exc.status == 404:
            raise Http404 from exc
        error = exc
    return _done(request, error, "supervision:complaint_detail", complaint.pk)
