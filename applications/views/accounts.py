"""Account pages: registration, own profile, enterprises, agent authorisations.

Thin: each view reads through people.selectors and
applications.selectors_people (already narrowed to what the user may see;
anything else is a 404) and changes state only through people's services
(applicants, enterprises) and applications.services.people (authorisations).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from applications.forms_people import (
    AuthorizationGrantForm,
    EnterpriseForm,
    MemberAddForm,
    RegisterForm,
)
from applications.selectors_people import authorizations_for_user
from applications.services import people as authorizations
from applications.throttling import register_retry_after
from catalog.models import ServiceItem
from people.privacy import mask_phone, same_name
from people.selectors import (
    applicant_profile_for_user,
    enterprise_is_legal_representative,
    enterprises_for_user,
)
from people.services.applicants import (
    applicant_find_by_id_number,
    applicant_register_online,
    applicant_reveal_id_number,
)
from people.services.enterprises import (
    enterprise_add_member,
    enterprise_register,
    enterprise_revoke_member,
)
from portal.errors import NotFoundError, ServiceError, ThrottledError
from portal.forms import apply_service_error
from portal.request_context import client_ip
from portal.responses import render_page
from portal.roles import Role, user_roles

NOT_FOUND_CITIZEN = gettext_lazy(
    "未找到与该身份证号码和姓名相符的申请人，请委托人先注册或到窗口登记"
)


def _service_message(request, exc: ServiceError) -> None:
    if isinstance(exc, NotFoundError):
        raise Http404(exc.detail) from exc
    for item in exc.errors or [exc]:
        messages.error(request, item.detail)


# --------------------------------------------------------------------------
# Registration and profile


@never_cache
@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegisterForm(request.POST or None)
    next_url = _safe_next(request)
    retry_after = register_retry_after(request) if request.method == "POST" else None
    if retry_after is not None:
        messages.error(request, _("注册请求过于频繁，请稍后再试"))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # None when the number is registered already: answered alike.
            user = applicant_register_online(
                username=data["username"],
                password=data["password1"],
                full_name=data["full_name"],
                id_number=data["id_number"],
                phone=data["phone"],
                email=data["email"],
                language=translation.get_language() or "",
            )
        except ServiceError as exc:
            apply_service_error(form, exc, form.field_map)
        else:
            return _registered(request, user, next_url=next_url)
    return render_page(
        request,
        "applications/accounts/register.html",
        {"form": form, "next": next_url},
        retry_after=retry_after,
    )


def _safe_next(request) -> str:
    """Where to go after login: a path on this site, else nothing."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return candidate
    return ""


def _registered(request, user, *, next_url: str = "") -> HttpResponse:
    """The same answer whether an account was made or the number was taken.

    No one is logged in here: doing so only for a new account would tell a
    visitor that the ID number they typed was registered already.
    """
    messages.success(
        request,
        _(
            "注册申请已提交。如信息无误，账号即已开通，请用您设置的用户名和密码登录；"
            "如有问题，我们会发短信到您填写的手机号码。"
        ),
    )
    login = reverse("portal:login")
    if next_url:
        login += "?" + urlencode({"next": next_url})
    return redirect(login)


def _profile_context(request, *, revealed: str | None = None) -> dict:
    profile = applicant_profile_for_user(user=request.user)
    return {
        "profile": profile,
        "masked_phone": mask_phone(profile.phone if profile else request.user.phone),
        "revealed_id_number": revealed,
        "is_agent": Role.AGENT.value in user_roles(request.user),
    }


@never_cache
@login_required
@require_http_methods(["GET"])
def profile(request):
    return render(
        request, "applications/accounts/profile.html", _profile_context(request)
    )


@never_cache
@login_required
@require_POST
def profile_reveal(request):
    """Show the full ID number once, in this response only (never stored)."""
    profile = applicant_profile_for_user(user=request.user)
    if profile is None:
        raise Http404
    revealed = applicant_reveal_id_number(
        viewer=request.user, profile=profile, reason="本人查看"
    )
    return render(
        request,
        "applications/accounts/profile.html",
        _profile_context(request, revealed=revealed),
    )


# --------------------------------------------------------------------------
# Enterprises


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_list(request):
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = enterprise_register(user=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("企业已登记，您是该企业的法定代表人。"))
            return redirect("accounts:enterprise_detail", pk=enterprise.pk)
    enterprises = list(enterprises_for_user(user=request.user))
    for enterprise in enterprises:
        enterprise.my_role = (
            enterprise.my_memberships[0].get_role_display()
            if enterprise.my_memberships
            else ""
        )
    return render(
        request,
        "applications/accounts/enterprise_list.html",
        {"form": form, "enterprises": enterprises},
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_detail(request, pk: int):
    enterprise = get_object_or_404(enterprises_for_user(user=request.user), pk=pk)
    is_legal_rep = enterprise_is_legal_representative(
        enterprise=enterprise, user=request.user
    )
    form = MemberAddForm(request.POST or None)
    if request.method == "POST":
        if not is_legal_rep:
            raise PermissionDenied
        if form.is_valid() and _add_member(request, enterprise, form):
            return redirect("accounts:enterprise_detail", pk=enterprise.pk)
    return render(
        request,
        "applications/accounts/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "is_legal_rep": is_legal_rep,
            "my_role": enterprise.my_memberships[0].get_role_display(),
            "members": enterprise.active_members if is_legal_rep else [],
            "form": form,
        },
    )


def _add_member(request, enterprise, form: MemberAddForm) -> bool:
    data = form.cleaned_data
    try:
        profile = applicant_find_by_id_number(id_number=data["id_number"])
        if profile is None or not same_name(profile.full_name, data["full_name"]):
            form.add_error(
                "id_number",
                _("未找到与该身份证号码和姓名相符的注册用户，请确认对方已实名注册"),
            )
            return False
        enterprise_add_member(
            enterprise=enterprise, actor=request.user, user=profile.user
        )
    except ServiceError as exc:
        if isinstance(exc, NotFoundError):
            raise Http404 from exc
        apply_service_error(form, exc, form.field_map)
        return False
    messages.success(request, _("已添加经办人：%(name)s") % {"name": profile.full_name})
    return True


@login_required
@require_POST
def enterprise_member_revoke(request, pk: int, member_pk: int):
    enterprise = get_object_or_404(enterprises_for_user(user=request.user), pk=pk)
    member = next((m for m in enterprise.active_members if m.pk == member_pk), None)
    if member is None:
        raise Http404
    try:
        enterprise_revoke_member(member=member, actor=request.user)
    except ServiceError as exc:
        _service_message(request, exc)
    else:
        messages.success(request, _("已撤销该经办人的代理权限。"))
    return redirect("accounts:enterprise_detail", pk=enterprise.pk)


# --------------------------------------------------------------------------
# Agent authorisations


STATE_LABELS = {
    "pending": gettext_lazy("待委托人确认"),
    "active": gettext_lazy("有效"),
    "expired": gettext_lazy("已过期"),
    "revoked": gettext_lazy("已撤销"),
    "declined": gettext_lazy("已拒绝"),
}


def _status(authorization, today) -> tuple[str, str]:
    state = authorization.state_on(today)
    return state, str(STATE_LABELS[state])


@login_required
@require_http_methods(["GET"])
def authorization_list(request):
    today = timezone.localdate()
    given, held = [], []
    for authorization in authorizations_for_user(user=request.user):
        authorization.state, authorization.state_label = _status(authorization, today)
        if authorization.citizen_id == request.user.pk:
            given.append(authorization)
        if authorization.agent_id == request.user.pk:
            held.append(authorization)
    return render(
        request,
        "applications/accounts/authorization_list.html",
        {
            "given": given,
            "held": held,
            "is_agent": Role.AGENT.value in user_roles(request.user),
        },
    )


@login_required
@require_POST
def authorization_revoke(request, pk: int):
    authorization = get_object_or_404(authorizations_for_user(user=request.user), pk=pk)
    try:
        authorizations.agent_authorization_revoke(
            authorization=authorization, by=request.user
        )
    except ServiceError as exc:
        _service_message(request, exc)
    else:
        messages.success(request, _("授权已撤销，代办员即刻不能再为您代办。"))
    return redirect("accounts:authorizations")


@login_required
@require_http_methods(["GET"])
def authorization_document(request, pk: int):
    authorization = get_object_or_404(authorizations_for_user(user=request.user), pk=pk)
    if not authorization.document:
        raise Http404
    response = FileResponse(
        authorization.document.open("rb"),
        as_attachment=False,
        filename=f"authorization-{authorization.pk}"
        + authorization.document.name[authorization.document.name.rfind(".") :],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def authorization_new(request):
    if Role.AGENT.value not in user_roles(request.user):
        raise PermissionDenied
    form = AuthorizationGrantForm(request.POST or None, request.FILES or None)
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            authorization = _grant(request, form)
        except ThrottledError as exc:
            authorization, retry_after = None, exc.retry_after
            form.add_error(None, exc.detail)
        if authorization is not None:  # pending: the citizen confirms by code
            return redirect("accounts:authorization_code", pk=authorization.pk)
    return render_page(
        request,
        "applications/accounts/authorization_new.html",
        {
            "form": form,
            "today": timezone.localdate(),
            "latest": authorizations.latest_valid_until(),
        },
        retry_after=retry_after,
    )


def _grant(request, form: AuthorizationGrantForm):
    """The agent's request; pending until the citizen confirms (views.consent)."""
    data = form.cleaned_data
    item = None
    if data["item_code"]:
        item = ServiceItem.objects.filter(basic_code=data["item_code"].strip()).first()
        if item is None:
            form.add_error("item_code", _("未找到该基本编码对应的事项"))
            return None
    try:
        profile = applicant_find_by_id_number(id_number=data["citizen_id_number"])
        if profile is None or not same_name(
            profile.full_name, data["citizen_full_name"]
        ):
            form.add_error("citizen_id_number", NOT_FOUND_CITIZEN)
            return None
        authorization = authorizations.agent_authorization_request(
            agent=request.user,
            citizen=profile.user,
            valid_until=data["valid_until"],
            item=item,
            document=data["document"],
            signed_statement=data["signed_statement"],
            request_ip=client_ip(request),
        )
    except ThrottledError:
        raise
    except ServiceError as exc:
        apply_service_error(form, exc, form.field_map)
        return None
    messages.success(request, _("授权申请已登记，验证码已发送到委托人的注册手机号。"))
    return authorization
