"""The web login (the admin's too): password, then the second factor.

The session is logged in only after both steps. Between them the session holds
a pending login (user id, backend, time, where to go next; never the
password) for LOGIN_PENDING_SECONDS. A staff user without a device sets one up
on the way (QR code and manual key, confirmed with one code) and is shown
recovery codes once. A wrong code is a failed login for the lockout
(portal.lockout), so codes cannot be guessed faster than passwords.

Signed-in users manage their own second factor at ``/accounts/two-factor/``:
set it up (citizens opt in), renew recovery codes, turn it off (citizens).
"""

from __future__ import annotations

import time
from base64 import b32encode
from dataclasses import dataclass

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import lockout, twofactor
from portal.errors import ServiceError, ThrottledError
from portal.landing import landing_url

PENDING = "_login_pending"


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=32,
        error_messages={"required": gettext_lazy("请填写验证码")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "class": "otp-input",
            }
        ),
        help_text=gettext_lazy(
            "身份验证器应用中的6位数字；手机不在身边时可填一个恢复码。"
        ),
    )


class EnrolCodeForm(OtpCodeForm):
    code = forms.CharField(
        label=gettext_lazy("应用中显示的6位验证码"),
        max_length=32,
        error_messages={"required": gettext_lazy("请填写验证码")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "otp-input",
            }
        ),
    )


# --- the pending login between the two steps --------------------------------------


@dataclass
class Pending:
    user: object
    backend: str
    next_url: str


def _pending_begin(request: HttpRequest, *, user, next_url: str) -> None:
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "at": int(time.time()),
        "next": next_url,
    }


def _pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)


def _pending(request: HttpRequest) -> Pending | None:
    data = request.session.get(PENDING)
    if not isinstance(data, dict):
        return None
    if time.time() - data.get("at", 0) > settings.LOGIN_PENDING_SECONDS:
        _pending_clear(request)
        return None
    user = get_user_model().objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None:
        _pending_clear(request)
        return None
    return Pending(user=user, backend=data["backend"], next_url=data["next"])


def _finish(request: HttpRequest, pending: Pending) -> None:
    auth_login(request, pending.user, backend=pending.backend)
    _pending_clear(request)


def _start_again(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("登录已超时，请重新输入用户名和密码。"))
    return redirect(settings.LOGIN_URL)


def _count_failure(request: HttpRequest, user) -> lockout.LoginBlock | None:
    """A wrong code is a failed login; the block it completed, if any."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username()},
        request=request,
    )
    if getattr(request, "axes_locked_out", False):
        request.axes_locked_out = False  # answered here, not by AxesMiddleware
        return lockout.login_block(request, user.get_username())
    return None


def _throttled(form: forms.Form, exc: ThrottledError) -> int:
    form.add_error("code", exc.detail)
    return exc.retry_after


def _render(request, template, context, *, retry_after: int | None = None):
    response = render(
        request, template, context, status=429 if retry_after is not None else 200
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


# --- step 1: password -----------------------------------------------------------


class LoginForm(AuthenticationForm):
    """Django's login form with the portal's own texts: Django's come from its
    catalogs, which have no Tibetan (a Tibetan page would show them in Chinese)."""

    error_messages = {
        "invalid_login": gettext_lazy(
            "用户名或密码不正确，请重新输入（注意区分大小写）。"
        ),
        "inactive": gettext_lazy("该账号已停用，请到政务服务大厅窗口咨询。"),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username, password = self.fields["username"], self.fields["password"]
        username.label = gettext_lazy("用户名")
        username.error_messages["required"] = gettext_lazy("请填写用户名")
        password.label = gettext_lazy("密码")
        password.error_messages["required"] = gettext_lazy("请填写密码")


class LoginView(auth_views.LoginView):
    """Django's login form; staff (and opted-in users) go on to the code step."""

    template_name = "portal/login.html"
    authentication_form = LoginForm

    def get_default_redirect_url(self):
        """No page asked for: staff land on their desk (portal.landing)."""
        user = getattr(self, "_signing_in", None)
        if user is not None and (url := landing_url(user)):
            return url
        return super().get_default_redirect_url()

    def form_valid(self, form):
        user = form.get_user()
        self._signing_in = user
        step = twofactor.login_second_step(user)
        if step == twofactor.SecondStep.NONE:
            return super().form_valid(form)
        _pending_begin(self.request, user=user, next_url=self.get_success_url())
        if step == twofactor.SecondStep.ENROL:
            return redirect("portal:login_enrol")
        return redirect("portal:login_verify")


# --- step 2: the code -------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def login_verify(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return _start_again(request)
    user = pending.user
    step = twofactor.login_second_step(user)
    if step == twofactor.SecondStep.ENROL:
        return redirect("portal:login_enrol")
    if step == twofactor.SecondStep.NONE:  # device removed meanwhile by an admin
        _finish(request, pending)
        return redirect(pending.next_url)
    block = lockout.login_block(request, user.get_username())
    if block is not None:
        _pending_clear(request)
        return lockout.block_response(request, block)
    form = OtpCodeForm(request.POST or None)
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            twofactor.otp_verify(user=user, code=form.cleaned_data["code"])
        except ThrottledError as exc:
            retry_after = _throttled(form, exc)
        except ServiceError as exc:
            block = _count_failure(request, user)
            if block is not None:
                _pending_clear(request)
                return lockout.block_response(request, block)
            form.add_error("code", exc.detail)
        else:
            _finish(request, pending)
            return redirect(pending.next_url)
    return _render(
        request, "portal/login_verify.html", {"form": form}, retry_after=retry_after
    )


def totp_setup_context(device: TOTPDevice) -> dict:
    """QR code (inline SVG, no data: URI) and the key to type by hand."""
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(scale=5, border=2, omitsize=True, title=_("两步验证二维码"))
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return {
        "qr_svg": mark_safe(svg),  # noqa: S308 - segno's own markup, no user input
        "manual_key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def login_enrol(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return _start_again(request)
    user = pending.user
    step = twofactor.login_second_step(user)
    if step == twofactor.SecondStep.VERIFY:
        return redirect("portal:login_verify")
    if step == twofactor.SecondStep.NONE:
        _finish(request, pending)
        return redirect(pending.next_url)
    device = twofactor.totp_enrol_begin(user=user)
    form = EnrolCodeForm(request.POST or None)
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.totp_enrol_confirm(
                user=user, code=form.cleaned_data["code"]
            )
        except ThrottledError as exc:
            retry_after = _throttled(form, exc)
        except ServiceError as exc:
            form.add_error("code", exc.detail)
        else:
            _finish(request, pending)
            return _recovery_codes_page(request, codes, next_url=pending.next_url)
    context = {"form": form, **totp_setup_context(device)}
    return _render(request, "portal/login_enrol.html", context, retry_after=retry_after)


def _recovery_codes_page(request, codes: list[str], *, next_url: str) -> HttpResponse:
    return render(
        request,
        "portal/recovery_codes.html",
        {
            "codes": [twofactor.format_recovery_code(c) for c in codes],
            "next_url": next_url,
        },
    )


# --- the signed-in user's own second factor ----------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Status and actions: set up, renew recovery codes, turn off (citizens)."""
    user = request.user
    enabled = twofactor.user_has_otp(user)
    action = request.POST.get("action") if request.method == "POST" else None
    forms_by_action = {
        name: (EnrolCodeForm if name == "enable" else OtpCodeForm)(
            request.POST if action == name else None, prefix=name
        )
        for name in ("enable", "renew", "disable")
    }
    retry_after = None
    form = forms_by_action.get(action)
    if form is not None and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            if action == "enable" and not enabled:
                codes = twofactor.totp_enrol_confirm(user=user, code=code)
                messages.success(request, _("两步验证已开启。"))
                return _recovery_codes_page(request, codes, next_url=request.path)
            if action == "renew" and enabled:
                codes = twofactor.recovery_codes_renew(user=user, code=code)
                messages.success(request, _("已生成新的恢复码，原有恢复码作废。"))
                return _recovery_codes_page(request, codes, next_url=request.path)
            if action == "disable" and enabled:
                twofactor.otp_disable(user=user, code=code)
                messages.success(request, _("两步验证已关闭。"))
            return redirect("portal:two_factor")
        except ThrottledError as exc:
            retry_after = _throttled(form, exc)
        except ServiceError as exc:
            form.add_error("code", exc.detail)
    context = {
        "forms": forms_by_action,
        "enabled": enabled,
        "required": twofactor.user_requires_otp(user),
        "recovery_left": twofactor.recovery_codes_left(user=user) if enabled else 0,
    }
    if not enabled:
        context.update(totp_setup_context(twofactor.totp_enrol_begin(user=user)))
    return _render(request, "portal/two_factor.html", context, retry_after=retry_after)
