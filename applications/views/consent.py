"""Agent authorisations coming into force by the citizen (pages).

- the citizen grants one from their own account, and confirms or declines
  (accounts:authorization_revoke) an agent's pending request;
- the agent types the one-time code the citizen received on their
  registered phone (and may have a new one sent);
- a hall clerk records the citizen's signed paper, as witness.

Thin: reads through applications.selectors_people (narrowed to the user:
anything else is a 404) and changes state only through
applications.services.people. A ThrottledError answers 429 with Retry-After.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from applications.forms_people import (
    AuthorizationCodeForm,
    CitizenGrantForm,
    PaperAuthorizationForm,
)
from applications.selectors_people import authorizations_for_user
from applications.services import people as authorizations
from catalog.models import ServiceItem
from people.privacy import mask_name, mask_phone, same_name
from people.services.applicants import applicant_find_by_id_number
from people.services.otp_codes import registered_phone
from portal.errors import NotFoundError, ServiceError, ThrottledError
from portal.forms import apply_service_error
from portal.models import User
from portal.request_context import client_ip
from portal.responses import render_page
from portal.roles import Role, user_roles

NOT_FOUND_CITIZEN = gettext_lazy(
    "未找到与该身份证号码和姓名相符的申请人，请委托人先注册或到窗口登记"
)
NOT_FOUND_AGENT = gettext_lazy("未找到该代办员账号，请核对")


def _agent_by_username(form, username: str) -> User | None:
    agent = User.objects.filter(
        username__iexact=User.normalize_username((username or "").strip()),
        is_active=True,
        groups__name=Role.AGENT.value,
    ).first()
    if agent is None:
        form.add_error("agent_username", NOT_FOUND_AGENT)
    return agent


def _item(form, code: str):
    if not code:
        return None, True
    item = ServiceItem.objects.filter(basic_code=code.strip()).first()
    if item is None:
        form.add_error("item_code", _("未找到该基本编码对应的事项"))
        return None, False
    return item, True


def _limits() -> dict:
    today = timezone.localdate()
    return {"today": today, "latest": authorizations.latest_valid_until(today)}


# --------------------------------------------------------------------------
# The citizen


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def citizen_grant(request):
    """The citizen authorises an agent, in force at once."""
    form = CitizenGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agent = _agent_by_username(form, data["agent_username"])
        item, item_ok = _item(form, data["item_code"])
        if agent is not None and item_ok:
            try:
                authorizations.agent_authorization_grant(
                    citizen=request.user,
                    agent=agent,
                    valid_until=data["valid_until"],
                    item=item,
                )
            except ServiceError as exc:
                apply_service_error(form, exc, form.field_map)
            else:
                messages.success(request, _("授权已生效，我们已发短信告知您。"))
                return redirect("accounts:authorizations")
    return render(
        request,
        "applications/accounts/authorization_grant.html",
        {"form": form, **_limits()},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def citizen_confirm(request, pk: int):
    """The citizen confirms an agent's pending request from their account."""
    authorization = get_object_or_404(authorizations_for_user(user=request.user), pk=pk)
    try:
        authorizations.agent_authorization_confirm(
            authorization=authorization, citizen=request.user
        )
    except NotFoundError as exc:
        raise Http404 from exc
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("授权已生效，代办员可以为您代办。"))
    return redirect("accounts:authorizations")


# --------------------------------------------------------------------------
# The agent


def _agents_own(request, pk: int):
    authorization = get_object_or_404(
        authorizations_for_user(user=request.user), pk=pk, agent=request.user
    )
    if Role.AGENT.value not in user_roles(request.user):
        raise Http404
    return authorization


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def agent_code(request, pk: int):
    """The agent types the code the citizen received; or has a new one sent."""
    authorization = _agents_own(request, pk)
    state = authorization.state_on(timezone.localdate())
    form = AuthorizationCodeForm(
        request.POST if request.POST.get("action") != "resend" else None
    )
    retry_after = None
    if request.method == "POST" and state == "pending":
        try:
            if request.POST.get("action") == "resend":
                authorizations.agent_authorization_send_code(
                    authorization=authorization,
                    agent=request.user,
                    request_ip=client_ip(request),
                )
                messages.info(request, _("已向委托人的注册手机号重新发送验证码。"))
                return redirect("accounts:authorization_code", pk=authorization.pk)
            if form.is_valid():
                authorizations.agent_authorization_confirm_code(
                    authorization=authorization,
                    agent=request.user,
                    code=form.cleaned_data["code"],
                    request_ip=client_ip(request),
                )
                messages.success(request, _("委托人已确认，授权生效。"))
                return redirect("accounts:authorizations")
        except ThrottledError as exc:
            retry_after = exc.retry_after
            messages.error(request, exc.detail)
        except NotFoundError as exc:
            raise Http404 from exc
        except ServiceError as exc:
            apply_service_error(form, exc)
    citizen = authorization.citizen
    return render_page(
        request,
        "applications/accounts/authorization_code.html",
        {
            "authorization": authorization,
            "state": state,
            "form": form,
            "citizen_name": mask_name(
                getattr(getattr(citizen, "applicant", None), "full_name", "")
                or str(citizen)
            ),
            "masked_phone": mask_phone(registered_phone(citizen)),
        },
        retry_after=retry_after,
    )


# --------------------------------------------------------------------------
# The hall clerk


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def counter_paper(request):
    """A hall clerk records a citizen's signed authorisation paper, as witness."""
    if Role.CLERK.value not in user_roles(request.user):
        raise PermissionDenied
    form = PaperAuthorizationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and _record_paper(request, form):
        return redirect("applications:counter_authorization_new")
    return render(
        request,
        "applications/counter/authorization_paper.html",
        {"form": form, **_limits()},
        status=400 if form.errors else 200,
    )


def _record_paper(request, form: PaperAuthorizationForm) -> bool:
    data = form.cleaned_data
    agent = _agent_by_username(form, data["agent_username"])
    item, item_ok = _item(form, data["item_code"])
    try:
        profile = applicant_find_by_id_number(id_number=data["citizen_id_number"])
        if profile is None or not same_name(
            profile.full_name, data["citizen_full_name"]
        ):
            form.add_error("citizen_id_number", NOT_FOUND_CITIZEN)
            return False
        if agent is None or not item_ok:
            return False
        authorizations.agent_authorization_record_paper(
            clerk=request.user,
            agent=agent,
            citizen=profile.user,
            valid_until=data["valid_until"],
            document=data["document"],
            item=item,
        )
    except ServiceError as exc:
        apply_service_error(form, exc, form.field_map)
        return False
    messages.success(
        request,
        _("签字授权书已登记，授权生效，已短信告知委托人 %(name)s。")
        % {"name": mask_name(profile.full_name)},
    )
    return True
