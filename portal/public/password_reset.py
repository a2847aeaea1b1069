"""Forgotten password or locked out: a one-time code to the registered phone.

Step 1 (``/accounts/password-reset/``): user name and registered phone. The
answer is the same whether they match an account or not ("if they match, a
code was sent"); the session keeps the request's id, never the user. Step 2
(``/accounts/password-reset/code/``): the code and a new password. Setting it
clears the login lock. Rules, throttles and texts: people.services
(password_reset, otp_codes). A refusal for too many tries is 429 with
Retry-After.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from people.services.password_reset import (
    password_reset_complete,
    password_reset_request,
)
from portal.errors import ServiceError, ThrottledError
from portal.forms import apply_service_error
from portal.request_context import client_ip
from portal.responses import render_page

from .pending_code import pending_forget, pending_id, pending_remember

PENDING = "_password_reset"


class LabelsAboveForm(forms.Form):
    """Labels without the trailing colon: the layout puts them above the
    field, and a Tibetan label ends with its shad (as the registration form)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ResetRequestForm(LabelsAboveForm):
    username = forms.CharField(
        label=gettext_lazy("用户名"),
        max_length=150,
        error_messages={"required": gettext_lazy("请填写用户名")},
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("注册时填写的手机号码"),
        max_length=20,
        error_messages={"required": gettext_lazy("请填写手机号码")},
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}
        ),
    )


class ResetCompleteForm(LabelsAboveForm):
    code = forms.CharField(
        label=gettext_lazy("短信验证码"),
        max_length=12,
        error_messages={"required": gettext_lazy("请填写验证码")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )
    password1 = forms.CharField(
        label=gettext_lazy("新密码"),
        strip=False,
        error_messages={"required": gettext_lazy("请设置新密码")},
        help_text=gettext_lazy("至少8个字符，不能全为数字，不能与用户名或姓名相似"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("确认新密码"),
        strip=False,
        error_messages={"required": gettext_lazy("请再输入一次新密码")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致"))
        return data


@never_cache
@require_http_methods(["GET", "POST"])
def reset_request(request: HttpRequest) -> HttpResponse:
    form = ResetRequestForm(request.POST or None)
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            request_id = password_reset_request(
                username=form.cleaned_data["username"],
                phone=form.cleaned_data["phone"],
                request_ip=client_ip(request),
            )
        except ThrottledError as exc:
            retry_after = exc.retry_after
            form.add_error(None, exc.detail)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            pending_remember(request, PENDING, request_id)
            return redirect("portal:password_reset_code")
    return render_page(
        request, "portal/password_reset.html", {"form": form}, retry_after=retry_after
    )


@never_cache
@require_http_methods(["GET", "POST"])
def reset_code(request: HttpRequest) -> HttpResponse:
    request_id = pending_id(request, PENDING)
    if request_id is None:
        messages.info(request, _("验证码已失效，请重新获取。"))
        return redirect("portal:password_reset")
    form = ResetCompleteForm(request.POST or None)
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_complete(
                request_id=request_id,
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password1"],
                request_ip=client_ip(request),
            )
        except ThrottledError as exc:
            retry_after = exc.retry_after
            form.add_error(None, exc.detail)
        except ServiceError as exc:
            apply_service_error(form, exc, {"password": "password1"})
        else:
            pending_forget(request, PENDING)
            messages.success(request, _("密码已重置，请用新密码登录。"))
            return redirect(settings.LOGIN_URL)
    return render_page(
        request,
        "portal/password_reset_code.html",
        {"form": form, "minutes": settings.ONE_TIME_CODE_MINUTES},
        retry_after=retry_after,
    )
