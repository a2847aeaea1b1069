"""The hall clerk's desk: acceptance queue and review, decisions, documents.

Thin like every view here: reads go through applications.selectors (and
selectors_intake, which narrows those further), every change through
applications.services. A user who is not a clerk gets 403 on the desk pages;
an application outside the clerk's own hall answers 404, as does a document
the application does not have in its current status.

The counter's intake steps (find or register the walk-in, then apply for
them) are the counter desk's, in views.counter_intake.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from people.privacy import mask_name, mask_phone
from portal.errors import ServiceError
from portal.forms import apply_service_error
from portal.workdays import add_working_days, current_calendar

from .. import constants as c
from .. import documents
from ..forms_counter import HallSearchForm, RefuseForm, SupplementNoticeForm
from ..models import Application
from ..selectors import deemed_acceptance, is_hall_clerk, material_is_satisfied
from ..selectors_intake import (
    acceptance_queue_for_clerk,
    counter_drafts_for_clerk,
    hall_applications_for_clerk,
)
from ..selectors_people import authorization_in_force
from ..services.acceptance import (
    application_accept,
    application_refuse,
    application_request_supplement,
)
from ..services.form_ids import application_reveal_form_id_number
from .common import (
    form_rows,
    get_visible,
    person_name,
    sealed_form_fields,
    service_errors,
    timeline,
)
from .counter_intake import COUNTER

S = c.ApplicationStatus


# --- small shared helpers ----------------------------------------------------------------


def due_state(due, today=None, calendar=None) -> str:
    """'overdue' past the acceptance due date, 'soon' on it or the working day
    before, '' otherwise (and when there is no date). ``calendar``: one
    snapshot for a whole page (else the current calendar, one query)."""
    if due is None:
        return ""
    today = today or timezone.localdate()
    if due < today:
        return "overdue"
    next_working_day, _provisional = add_working_days(today, 1, calendar)
    if due <= next_working_day:
        return "soon"
    return ""


# --- clerk: queue --------------------------------------------------------------------------


@login_required
def queue(request):
    """Applications awaiting acceptance at the clerk's hall, most urgent first."""
    hall = COUNTER.require(request)
    page = Paginator(acceptance_queue_for_clerk(clerk=request.user), 30).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    calendar = current_calendar()  # one calendar read for the whole page
    rows = [
        {
            "app": app,
            "due_state": due_state(app.acceptance_due, today, calendar),
            "applicant_name": mask_name(person_name(app.applicant)),
        }
        for app in page.object_list
    ]
    drafts = [
        {"app": app, "applicant_name": mask_name(person_name(app.applicant))}
        for app in counter_drafts_for_clerk(clerk=request.user)[:10]
    ]
    return render(
        request,
        "applications/counter/queue.html",
        {
            "hall": hall,
            "page": page,
            "rows": rows,
            "drafts": drafts,
            "overdue": sum(1 for r in rows if r["due_state"] == "overdue"),
        },
    )


@login_required
def hall(request):
    """Any application of the clerk's hall: lists by state and today's
    intake, search by number, ID number (exact, keyed hash) or name, and the
    documents the hall issued for each, to print again."""
    hall_ = COUNTER.require(request)
    form = HallSearchForm(request.GET or None)
    listing, query = "all", ""
    if form.is_valid():
        listing = form.cleaned_data["list"] or "all"
        query = form.cleaned_data["q"]
    page = Paginator(
        hall_applications_for_clerk(clerk=request.user, listing=listing, query=query),
        30,
    ).get_page(request.GET.get("page"))
    rows = [
        {"app": app, "applicant_name": mask_name(person_name(app.applicant))}
        for app in page.object_list
    ]
    return render(
        request,
        "applications/counter/hall.html",
        {
            "hall": hall_,
            "form": form,
            "listing": listing,
            "query": query,
            "lists": HallSearchForm.LISTS,
            "page": page,
            "rows": rows,
        },
    )


# --- clerk: review and decisions -------------------------------------------------------------


def _hall_application(request, pk) -> Application:
    """Visible and at the clerk's own hall; anything else is a 404."""
    COUNTER.require(request)
    application = get_visible(request.user, pk)
    if not is_hall_clerk(request.user, application.hall_id):
        raise Http404(_("未找到该办件，或您无权查看"))
    return application


def _render_review(
    request,
    application,
    *,
    notice_form=None,
    refuse_form=None,
    error: str = "",
    revealed: dict | None = None,
    status=200,
):
    materials = list(application.materials.all())
    awaiting = application.status in c.AWAITING_ACCEPTANCE
    profile = getattr(application.applicant, "applicant", None)
    return render(
        request,
        "applications/counter/review.html",
        {
            "application": application,
            "applicant_name": person_name(application.applicant),
            "applicant_id_masked": profile.id_number_masked if profile else "",
            "applicant_phone": mask_phone(profile.phone if profile else ""),
            "form_rows": form_rows(application, revealed=revealed),
            "sealed_fields": sealed_form_fields(application),
            "revealed": bool(revealed),
            "materials": [
                {"row": am, "satisfied": material_is_satisfied(am)} for am in materials
            ],
            "events": timeline(application),
            "deemed": deemed_acceptance(application),
            "awaiting": awaiting,
            "error": error,
            "due_state": due_state(application.acceptance_due) if awaiting else "",
            "resubmitted": any(True for _n in application.supplement_notices.all()),
            "notice_form": notice_form
            or SupplementNoticeForm(materials=materials, prefix="notice"),
            "refuse_form": refuse_form or RefuseForm(prefix="refuse"),
            "can_continue_intake": application.status in c.EDITABLE
            and COUNTER.owns(request, application),
        },
        status=status,
    )


@login_required
def review(request, pk: int):
    application = _hall_application(request, pk)
    return _render_review(request, application)


@never_cache
@login_required
@require_POST
def reveal_form_id_number(request, pk: int):
    """Show one ID number of the form in full, in this response only."""
    application = _hall_application(request, pk)
    field = request.POST.get("field", "")
    try:
        number = application_reveal_form_id_number(
            viewer=request.user,
            application=application,
            field=field,
            reason=request.POST.get("reason", ""),
        )
    except ServiceError as exc:
        return _render_review(request, application, error=exc.detail, status=400)
    return _render_review(request, application, revealed={field: number})


@login_required
@require_POST
def accept(request, pk: int):
    application = _hall_application(request, pk)
    try:
        application_accept(application=application, clerk=request.user)
    except ServiceError as exc:
        if application.status == S.ACCEPTED:  # a second click
            return redirect("applications:counter_review", pk=pk)
        for detail in service_errors(exc):
            messages.error(request, detail)
    else:
        messages.success(
            request, _("已受理。请打印受理通知书交申请人，短信和邮件通知已发送。")
        )
    return redirect(reverse("applications:counter_review", args=[pk]) + "#documents")


@login_required
@require_POST
def notify_supplement(request, pk: int):
    """一次性告知: every material to supplement at once, each with what is wrong."""
    application = _hall_application(request, pk)
    materials = list(application.materials.all())
    form = SupplementNoticeForm(request.POST, materials=materials, prefix="notice")
    if form.is_valid():
        try:
            application_request_supplement(
                application=application,
                clerk=request.user,
                items=form.items,
                due_date=form.cleaned_data.get("due_date"),
            )
        except ServiceError as exc:
            error = _notice_errors(form, exc)
            return _render_review(
                request,
                application,
                notice_form=form,
                error=error,
                status=exc.status,
            )
        messages.success(
            request, _("已出具一次性告知书，请打印交申请人；短信和邮件通知已发送。")
        )
        return redirect(
            reverse("applications:counter_review", args=[pk]) + "#documents"
        )
    return _render_review(request, application, notice_form=form, status=400)


def _notice_errors(form: SupplementNoticeForm, exc: ServiceError) -> str:
    """Service items name ``items[i].field``; put each beside its material.

    An error about the application as a whole (say, its status changed
    meanwhile) is returned for the top of the page instead.
    """
    if exc.field is None and not exc.errors:
        return exc.detail
    for item in exc.errors or [exc]:
        target = None
        field = item.field or ""
        if field.startswith("items[") and "]" in field:
            try:
                index = int(field[6 : field.index("]")])
                material_id = form.items[index]["material_id"]
            except (ValueError, IndexError, KeyError):
                material_id = None
            if material_id is not None:
                kind = "problem" if field.endswith(".problem") else "pick"
                target = f"{kind}_{material_id}"
        elif field == "due_date":
            target = field
        form.add_error(target if target in form.fields else None, item.detail)
    return ""


@login_required
@require_POST
def refuse(request, pk: int):
    """不予受理, with reason and legal basis."""
    application = _hall_application(request, pk)
    form = RefuseForm(request.POST, prefix="refuse")
    if form.is_valid():
        try:
            application_refuse(
                application=application,
                clerk=request.user,
                reason=form.cleaned_data["reason"],
                legal_basis=form.cleaned_data["legal_basis"],
            )
        except ServiceError as exc:
            error = ""
            if exc.field is None and not exc.errors:
                error = exc.detail
            else:
                apply_service_error(form, exc)
            return _render_review(
                request,
                application,
                refuse_form=form,
                error=error,
                status=exc.status,
            )
        messages.success(request, _("已决定不予受理，请打印不予受理通知书交申请人。"))
        return redirect(
            reverse("applications:counter_review", args=[pk]) + "#documents"
        )
    return _render_review(request, application, refuse_form=form, status=400)


# --- documents (clerk of the hall, or the applicant themself) ------------------------------


def _filing_agent_authorized(user, application: Application) -> bool:
    """The township agent who filed may print for the citizen while authorised."""
    return application.submitted_by_id == user.pk and authorization_in_force(
        application.agent_authorization, agent=user
    )


def _document_response(request, pk: int, kind: str) -> HttpResponse:
    application = get_visible(request.user, pk)
    if not (
        request.user.pk == application.applicant_id
        or is_hall_clerk(request.user, application.hall_id)
        or _filing_agent_authorized(request.user, application)
    ):
        raise Http404(_("未找到该文书"))
    if not documents.document_available(application, kind):
        raise Http404(_("该办件当前没有这份文书"))
    if kind == documents.RECEIPT:
        tracking_url = (
            request.build_absolute_uri(reverse("applications:track"))
            + "?"
            + documents.tracking_query(application)
        )
        data = documents.receipt_pdf(application, tracking_url=tracking_url)
    elif kind == documents.NOTICE:
        notice = documents.open_notice(application)
        if notice is None:
            raise Http404(_("该办件当前没有这份文书"))
        data = documents.notice_pdf(application, notice=notice)
    else:
        data = documents.refusal_pdf(application)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"{documents.TITLES[kind]}-{application.number}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def receipt_pdf(request, pk: int):
    return _document_response(request, pk, documents.RECEIPT)


@login_required
def notice_pdf(request, pk: int):
    return _document_response(request, pk, documents.NOTICE)


@login_required
def refusal_pdf(request, pk: int):
    return _document_response(request, pk, documents.REFUSAL)
