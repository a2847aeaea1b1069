"""Pages for applicants and the public: rating, the hall kiosk, complaints."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from applications.selectors import application_get_for_user
from applications.throttling import track_lookup_retry_after
from portal.errors import NotFoundError, ServiceError
from portal.forms import apply_service_error
from portal.responses import render_page

from ..forms import ComplaintForm, ComplaintTrackForm, RatingForm, VisitForm
from ..models import Rating, Visit
from ..selectors import rating_of_application
from ..services.complaints import complaint_file, complaint_track
from ..services.people import clerk_hall_id
from ..services.ratings import is_completed, rating_submit, visit_open, visit_rate


def _own_application(user, pk):
    """The user's own application (as its applicant), else 404."""
    try:
        application = application_get_for_user(user=user, pk=pk)
    except NotFoundError as exc:
        raise Http404 from exc
    if application.applicant_id != user.pk:
        raise Http404
    return application


@login_required
def rate(request, pk: int):
    """The applicant rates a completed application (phone first)."""
    application = _own_application(request.user, pk)
    rating = rating_of_application(application.pk)
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST" and rating is None and form.is_valid():
        try:
            rating = rating_submit(
                application=application,
                user=request.user,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
                tags=form.cleaned_data["tags"],
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = exc.status
        else:
            return redirect("supervision:rate", pk=application.pk)
    elif request.method == "POST" and rating is None:
        status = 400
    return render(
        request,
        "supervision/rate.html",
        {
            "application": application,
            "rating": rating,
            "completed": is_completed(application),
            "form": form,
        },
        status=status,
    )


def _hall_or_404(user) -> int:
    hall_id = clerk_hall_id(user)
    if hall_id is None:
        raise Http404
    return hall_id


@never_cache
@login_required
def kiosk_start(request):
    """The hall tablet (signed in as a clerk): the clerk types the visit's ticket."""
    _hall_or_404(request.user)
    form = VisitForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            visit = visit_open(
                clerk=request.user, reference=form.cleaned_data["reference"]
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = exc.status
        else:
            return redirect("supervision:kiosk_rate", pk=visit.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request, "supervision/kiosk_start.html", {"form": form}, status=status
    )


@never_cache
@login_required
def kiosk_rate(request, pk: int):
    """Five large buttons for the applicant at the counter, then thanks."""
    hall_id = _hall_or_404(request.user)
    visit = Visit.objects.filter(pk=pk, hall_id=hall_id).select_related("hall").first()
    if visit is None:
        raise Http404
    rating = Rating.objects.filter(visit=visit).first()
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST" and rating is None and form.is_valid():
        try:
            rating = visit_rate(
                visit=visit,
                clerk=request.user,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
                tags=form.cleaned_data["tags"],
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = exc.status
    elif request.method == "POST" and rating is None:
        status = 400
    return render(
        request,
        "supervision/kiosk_rate.html",
        {"visit": visit, "rating": rating, "form": form},
        status=status,
    )


def complaint_new(request):
    """The public complaint form; the same answer whatever number is given."""
    form = ComplaintForm(request.POST or None)
    filed = None
    status = 200
    retry_after = None
    if request.method == "POST" and form.is_valid():
        retry_after = track_lookup_retry_after(request)
        if retry_after is None:
            try:
                filed = complaint_file(
                    application_number=form.cleaned_data["application_number"],
                    department_id=form.cleaned_data["department"] or None,
                    content=form.cleaned_data["content"],
                    contact_name=form.cleaned_data["contact_name"],
                    contact_phone=form.cleaned_data["contact_phone"],
                    user=request.user,
                )
            except ServiceError as exc:
                apply_service_error(form, exc)
                status = exc.status
        else:
            form.add_error(None, _("提交过于频繁，请稍后再试"))
    elif request.method == "POST":
        status = 400
    return render_page(
        request,
        "supervision/complaint_new.html",
        {"form": form, "filed": filed},
        status=status,
        retry_after=retry_after,
    )


def complaint_track_page(request):
    """The complainant checks with the complaint number and query code (POST)."""
    form = ComplaintTrackForm(request.POST or None)
    result = None
    error = None
    status = 200
    retry_after = None
    if request.method == "POST" and form.is_valid():
        retry_after = track_lookup_retry_after(request)
        if retry_after is not None:
            error = _("查询过于频繁，请稍后再试")
        else:
            try:
                result = complaint_track(
                    number=form.cleaned_data["number"],
                    query_code=form.cleaned_data["query_code"],
                )
            except ServiceError as exc:
                error = exc.detail
                status = exc.status
    return render_page(
        request,
        "supervision/complaint_track.html",
        {"form": form, "result": result, "error": error},
        status=status,
        retry_after=retry_after,
    )
