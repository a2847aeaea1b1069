"""Account activation from the login page (people.services.activation).

Step 1 (``/accounts/activate/``): ID number and the phone the counter
recorded. The answer is the same whether they match a walk-in's account or
not; the session keeps the request's id, never the user. Step 2
(``/accounts/activate/code/``): the SMS code, a user name and a password.
A refusal for too many tries is 429 with Retry-After.
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

from people.services.activation import (
    account_activation_complete,
    account_activation_request,
)
from portal.errors import ServiceError, ThrottledError
from portal.forms import apply_service_error
from portal.request_context import client_ip
from portal.responses import render_page

from .password_reset import LabelsAboveForm, ResetCompleteForm
from .pending_code import pending_forget, pending_id, pending_remember

PENDING = "_activation"


class ActivationRequestForm(LabelsAboveForm):
    id_number = forms.CharField(
        label=gettext_lazy("居民身份证号码"),
        max_length=18,
        error_messages={"required": gettext_lazy("请填写身份证号码")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("在窗口登记的手机号码"),
        max_length=20,
        error_messages={"required": gettext_lazy("请填写手机号码")},
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}
        ),
    )


class ActivationCompleteForm(ResetCompleteForm):
    username = forms.CharField(
        label=gettext_lazy("设置用户名"),
        max_length=150,
        error_messages={"required": gettext_lazy("请填写用户名")},
        help_text=gettext_lazy("3至150个字符，可用字母、数字和 @ . + - _，用于登录"),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    field_order = ["code", "username", "password1", "password2"]


@never_cache
@require_http_methods(["GET", "POST"])
def activate_request(request: HttpRequest) -> HttpResponse:
    form = ActivationRequestForm(request.POST or None)
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            request_id = account_activation_request(
                id_number=form.cleaned_data["id_number"],
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
            return redirect("portal:activate_code")
    return render_page(
        request, "portal/activate.html", {"form": form}, retry_after=retry_after
    )


@never_cache
@require_http_methods(["GET", "POST"])
def activate_code(request: HttpRequest) -> HttpResponse:
    request_id = pending_id(request, PENDING)
    if request_id is None:
        messages.info(request, _("验证码已失效，请重新获取。"))
        return redirect("portal:activate")
    form = ActivationCompleteForm(request.POST or None)
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            account_activation_complete(
                request_id=request_id,
                code=form.cleaned_data["code"],
                username=form.cleaned_data["username"],
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
            messages.success(request, _("账号已开通，请用您设置的用户名和密码登录。"))
            return redirect(settings.LOGIN_URL)
    return render_page(
        request,
        "portal/activate_code.html",
        {"form": form, "minutes": settings.ONE_TIME_CODE_MINUTES},
        retry_after=retry_after,
    )
