"""The hall clerk's intake desk (一窗受理): a walk-in applies at the counter.

Step 0 finds the applicant by ID number or registers the walk-in; the apply
steps are the intake desk's (views.desk.Desk), for the items of the clerk's
hall, through the counter channel. A submitted application goes to the
clerk's review (views.counter), to be decided on the spot. A user who is not
a clerk gets 403; a draft of another hall or channel answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from people.services.applicants import (
    applicant_find_by_id_number,
    applicant_register_at_counter,
)
from portal.errors import ServiceError
from portal.forms import apply_service_error

from .. import constants as c
from ..forms_counter import ApplicantLookupForm, WalkInForm
from ..selectors import is_hall_clerk
from ..selectors_intake import clerk_hall, implementations_for_hall
from .desk import Desk


class CounterDesk(Desk):
    key = "counter"
    channel = c.IntakeChannel.COUNTER
    title = gettext_lazy("一窗受理")
    home_label = gettext_lazy("受理工作台")
    home_url_name = "applications:counter_queue"
    submitted_message = gettext_lazy(
        "已代申请人提交。请当场审查，作出受理、一次性告知或不予受理决定。"
    )
    url_names = {"review": "counter_submit"}
    templates = {"review": "applications/desk/counter/review.html"}

    def require(self, request):
        hall = clerk_hall(user=request.user)
        if hall is None:
            raise PermissionDenied(_("只有在大厅工作的综合窗口人员可以使用受理工作台"))
        return hall

    def implementations(self, request, place, query):
        return implementations_for_hall(hall=place, query=query)

    def owns(self, request, application):
        return application.channel == c.IntakeChannel.COUNTER and is_hall_clerk(
            request.user, application.hall_id
        )

    def after_submit_url(self, application):
        return reverse("applications:counter_review", args=[application.pk])

    def start_context(self, request, applicant, implementation):
        return {"hall": clerk_hall(user=request.user)}


COUNTER = CounterDesk()


@login_required
def intake(request):
    """Step 0: find the applicant by ID number, or register the walk-in."""
    hall = COUNTER.require(request)
    lookup = ApplicantLookupForm(prefix="find")
    register = None
    if request.method == "POST" and request.POST.get("action") == "register":
        register = WalkInForm(request.POST, prefix="walkin")
        if register.is_valid():
            try:
                user = applicant_register_at_counter(
                    clerk=request.user, **register.cleaned_data
                )
            except ServiceError as exc:
                apply_service_error(register, exc)
            else:
                COUNTER.remember(request, user)
                messages.success(request, _("申请人已登记。请选择要办理的事项。"))
                return redirect("applications:counter_items")
    elif request.method == "POST":
        lookup = ApplicantLookupForm(request.POST, prefix="find")
        if lookup.is_valid():
            id_number = lookup.cleaned_data["id_number"]
            try:
                profile = applicant_find_by_id_number(id_number=id_number)
            except ServiceError as exc:
                apply_service_error(lookup, exc)
            else:
                if profile is not None:
                    COUNTER.remember(request, profile.user)
                    return redirect("applications:counter_items")
                register = WalkInForm(prefix="walkin", initial={"id_number": id_number})
                messages.info(
                    request, _("该身份证号码尚未登记，请核对后为申请人登记。")
                )
    status = 400 if (lookup.errors or (register and register.errors)) else 200
    return render(
        request,
        "applications/counter/intake_find.html",
        {
            "hall": hall,
            "desk": COUNTER,
            "lookup": lookup,
            "register": register or WalkInForm(prefix="walkin"),
            "show_register": register is not None,
        },
        status=status,
    )


@login_required
def counter_items(request):
    return COUNTER.step_items(request)


@login_required
@require_POST
def counter_language(request):
    return COUNTER.step_language(request)


@login_required
def counter_start(request, code: str):
    return COUNTER.step_start(request, code)


@login_required
def counter_form(request, pk: int):
    return COUNTER.step_form(request, pk)


@login_required
def counter_materials(request, pk: int):
    return COUNTER.step_materials(request, pk)


@csrf_exempt  # checked inside, once the upload size limit is in place
@login_required
def counter_provide(request, pk: int, material_id: int):
    return COUNTER.step_provide(request, pk, material_id)


@login_required
@require_POST
def counter_remove_file(request, pk: int, file_id: int):
    return COUNTER.step_remove_file(request, pk, file_id)


@login_required
def counter_submit(request, pk: int):
    return COUNTER.step_review(request, pk)
