"""The township agent's desk (代办): own cases, and applying for a citizen.

An agent finds the citizen by ID number and name, and may go on only with
an authorisation that holds today for the chosen item
(selectors_people.active_authorization); without one the page says so and
links to recording one. The apply steps are the intake desk's
(views.desk.Desk), through the agent channel with the authorisation
attached; the service checks the authorisation again on every change.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from people.privacy import mask_name, same_name
from people.services.applicants import applicant_find_by_id_number
from portal.errors import ServiceError
from portal.forms import apply_service_error
from portal.roles import Role, user_roles

from .. import constants as c
from ..forms_counter import CitizenLookupForm
from ..selectors_intake import (
    agent_application_entries,
    agent_applications,
    agent_authorizations_for_citizen,
    implementations_for_agent,
)
from ..selectors_people import active_authorization, authorization_in_force
from .common import form_rows, person_name, timeline
from .desk import Desk

NOT_FOUND_CITIZEN = "未找到与该身份证号码和姓名相符的申请人，请委托人先注册或到窗口登记"


class AgentDesk(Desk):
    key = "agent"
    channel = c.IntakeChannel.AGENT
    title = gettext_lazy("代办申请")
    home_label = gettext_lazy("代办工作台")
    home_url_name = "applications:agent_home"
    submitted_message = gettext_lazy(
        "已代委托人提交，窗口将在5个工作日内作出受理决定；委托人可在“我的办件”中查看。"
    )
    url_names = {"review": "agent_submit"}
    templates = {
        "items": "applications/desk/agent/items.html",
        "review": "applications/desk/agent/review.html",
    }

    def require(self, request):
        if Role.AGENT.value not in user_roles(request.user):
            raise PermissionDenied(_("只有代办员可以使用代办工作台"))
        return None

    def implementations(self, request, place, query):
        return implementations_for_agent(agent=request.user, query=query)

    def owns(self, request, application):
        return (
            application.channel == c.IntakeChannel.AGENT
            and application.submitted_by_id == request.user.pk
        )

    def can_continue(self, request, application):
        return authorization_in_force(
            application.agent_authorization, agent=request.user
        )

    def after_submit_url(self, application):
        return reverse("applications:agent_detail", args=[application.pk])

    def start_context(self, request, applicant, implementation):
        authorization = active_authorization(
            agent=request.user, citizen=applicant, item=implementation.item
        )
        if authorization is None:
            return None
        return {"agent_authorization": authorization}

    def refused_response(self, request, applicant, implementation):
        return _not_authorized(request, applicant, implementation)

    def items_context(self, request, applicant, implementations) -> dict:
        held = list(
            agent_authorizations_for_citizen(agent=request.user, citizen=applicant)
        )
        return {
            "authorized_all": any(a.item_id is None for a in held),
            "authorized_items": {a.item_id for a in held if a.item_id},
        }


AGENT = AgentDesk()


def _not_authorized(request, applicant, implementation=None):
    return render(
        request,
        "applications/agent/not_authorized.html",
        {
            "desk": AGENT,
            "applicant_name": mask_name(person_name(applicant)),
            "implementation": implementation,
        },
        status=403,
    )


@login_required
def home(request):
    """The agent's own cases (only those they filed) and a start button."""
    AGENT.require(request)
    page = Paginator(
        agent_application_entries(agent=request.user).order_by("-created_at", "-pk"), 20
    ).get_page(request.GET.get("page"))
    acting = {app.pk for app in page.object_list if app.acting}
    # Applicant names only for the cases the agent may still act on.
    names = {
        app.pk: mask_name(person_name(app.applicant))
        for app in agent_applications(agent=request.user)
        .filter(pk__in=acting)
        .select_related(None)
        .select_related("applicant__applicant")
    }
    rows = [
        {
            "app": app,
            "acting": app.acting,
            "applicant_name": names.get(app.pk, ""),
            "editable": app.acting and app.status in c.EDITABLE,
        }
        for app in page.object_list
    ]
    return render(
        request,
        "applications/agent/home.html",
        {"desk": AGENT, "page": page, "rows": rows},
    )


@login_required
def find(request):
    """Step 0: the citizen, by ID number and name, who has authorised the agent."""
    AGENT.require(request)
    form = CitizenLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            profile = applicant_find_by_id_number(id_number=data["id_number"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            if profile is None or not same_name(profile.full_name, data["full_name"]):
                form.add_error("id_number", NOT_FOUND_CITIZEN)
            elif not agent_authorizations_for_citizen(
                agent=request.user, citizen=profile.user
            ).exists():
                return _not_authorized(request, profile.user)
            else:
                AGENT.remember(request, profile.user)
                return redirect("applications:agent_items")
    return render(
        request,
        "applications/agent/find.html",
        {"desk": AGENT, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def detail(request, pk: int):
    """One of the agent's cases: where it stands, and the way back in if open."""
    AGENT.require(request)
    application = AGENT.application(request, pk)
    authorization = application.agent_authorization
    authorization_ok = authorization_in_force(authorization, agent=request.user)
    return render(
        request,
        "applications/agent/detail.html",
        {
            "desk": AGENT,
            "urls": AGENT.urls(application),
            "application": application,
            "applicant_name": mask_name(person_name(application.applicant)),
            "form_rows": form_rows(application),
            "events": timeline(application),
            "authorization": authorization,
            "authorization_ok": authorization_ok,
            "editable": application.status in c.EDITABLE and authorization_ok,
        },
    )


@login_required
def items(request):
    return AGENT.step_items(request)


@login_required
@require_POST
def language(request):
    return AGENT.step_language(request)


@login_required
def start(request, code: str):
    return AGENT.step_start(request, code)


@login_required
def form(request, pk: int):
    return AGENT.step_form(request, pk)


@login_required
def materials(request, pk: int):
    return AGENT.step_materials(request, pk)


@csrf_exempt  # checked inside, once the upload size limit is in place
@login_required
def provide(request, pk: int, material_id: int):
    return AGENT.step_provide(request, pk, material_id)


@login_required
@require_POST
def remove_file(request, pk: int, file_id: int):
    return AGENT.step_remove_file(request, pk, file_id)


@login_required
def submit(request, pk: int):
    return AGENT.step_review(request, pk)
