"""The case timeline (staff and applicant), "explain this deadline", and the
decision document.

The timeline is workflow.selectors.timeline_for(application, user): it
decides what the user may see (staff: every opinion and who acted; the
applicant: decisions and their reasons, not internal comments). The
explanation is portal.clocks' (clock_for_user answers 404, audited, for a
deadline of someone else's case; clock_explain gives the days counted,
skipped and suspended). Both pages are phone-first.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.http import (
    content_disposition_header,
    url_has_allowed_host_and_scheme,
)
from django.utils.translation import gettext as _

from applications.documents import tracking_query
from applications.selectors import issued_certificates
from applications.views.common import get_visible
from applications.views.common import timeline as status_timeline
from portal import clocks
from portal.errors import NotFoundError
from portal.responses import render_page
from portal.roles import user_is_staff

from .. import documents
from ..constants import SUBJECT_CASE
from ..models import Case
from ..selectors import task_visible_to, timeline_for
from .common import not_found


def _case_of(application) -> Case:
    case = Case.objects.filter(application=application).first()
    if case is None:
        raise Http404(_("该办件尚未进入审批流程"))
    return case


def _timeline(request, pk: int, *, audience: str):
    application = get_visible(request.user, pk)
    try:
        timeline = timeline_for(application, request.user)
    except NotFoundError as exc:
        raise not_found(exc) from exc
    if timeline.case is None:
        raise Http404(_("该办件尚未进入审批流程"))
    labels = {k.id: k.label for k in timeline.clocks}
    own = (
        set(
            task_visible_to(request.user)
            .filter(case=timeline.case)
            .values_list("pk", flat=True)
        )
        if audience == "staff"
        else set()
    )
    return render_page(
        request,
        "workflow/timeline.html",
        {
            "application": application,
            "timeline": timeline,
            "audience": audience,
            "case_clocks": [
                k for k in timeline.clocks if k.subject_type == SUBJECT_CASE
            ],
            "suspensions": [
                {
                    "reason": s.reason,
                    "note": s.note,
                    "first": s.first,
                    "last": s.last,
                    "what": labels.get(s.clock_id, ""),
                }
                for s in timeline.suspensions
            ],
            "own_task_ids": own,
            "events": status_timeline(application),
            "certificates": issued_certificates(application),
            "decision_url": reverse("workflow:decision_pdf", args=[application.pk])
            if documents.decision_available(timeline.case)
            else "",
        },
    )


@login_required
def staff_timeline(request, pk: int):
    """The staff's page of the timeline (the applicant has their own, below)."""
    if not user_is_staff(request.user):
        raise not_found()
    return _timeline(request, pk, audience="staff")


@login_required
def my_timeline(request, pk: int):
    return _timeline(request, pk, audience="applicant")


def _safe_back(request) -> str:
    """The page the explanation was opened from, if it is on this site."""
    back = request.GET.get("back", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return ""


@login_required
def explain(request, pk: int):
    try:
        clock = clocks.clock_for_user(user=request.user, pk=pk)
    except NotFoundError as exc:
        raise not_found(exc) from exc
    due = clocks.clock_explain(clock)
    return render_page(
        request,
        "workflow/explain.html",
        {
            "clock": clock,
            "due": due,
            "lines": clocks.clock_explain_lines(clock, due),
            "back": _safe_back(request),
        },
    )


@login_required
def decision_pdf(request, pk: int):
    """The decision document, for whoever may see the application (else 404)."""
    application = get_visible(request.user, pk)
    case = _case_of(application)
    if not documents.decision_available(case):
        raise Http404(_("该办件尚未作出决定"))
    tracking_url = (
        request.build_absolute_uri(reverse("applications:track"))
        + "?"
        + tracking_query(application)
    )
    data = documents.decision_pdf(case, tracking_url=tracking_url)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"{documents.title_of(case)}-{application.number}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
