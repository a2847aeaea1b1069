"""Token login for app clients (mobile app, hall kiosks).

The same rules as the web login (portal.public.login): the lockout of
portal.lockout (user name and address together, plus the address budget)
answers 429 ``account_locked`` / ``address_throttled`` with ``Retry-After``;
staff, and users who turned the second factor on, give ``otp_code`` too (a
TOTP code or a recovery code; a wrong one counts as a failed login). Each
login gets a new token (portal.tokens); an old one is never handed back.
Axes' own lockout page is HTML, so this view answers the lockout itself and
clears axes' request flag to keep AxesMiddleware from swapping the body.
"""

from __future__ import annotations

import logging

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import parsers, renderers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import lockout, tokens, twofactor
from portal.api.errors import error_responses
from portal.errors import PermissionDeniedError, ServiceError, ThrottledError

logger = logging.getLogger(__name__)

_REQUIRED = {"required": "请填写此项", "blank": "请填写此项", "null": "请填写此项"}


class ApiTokenObtainSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, error_messages=_REQUIRED)
    password = serializers.CharField(
        max_length=128,
        trim_whitespace=False,
        style={"input_type": "password"},
        error_messages=_REQUIRED,
    )
    otp_code = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text=(
            "两步验证码：身份验证器应用显示的6位数字，或一个恢复码。"
            "工作人员（以及开启了两步验证的用户）必填。"
        ),
    )


class ApiTokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="放在请求头中使用：Authorization: Token <token>（只显示这一次）"
    )
    id = serializers.IntegerField(help_text="令牌编号（用于查看和撤销）")
    expiry = serializers.DateTimeField(help_text="不再使用时于此时失效；使用即顺延")
    ends_at = serializers.DateTimeField(help_text="无论是否使用，最迟于此时失效")


def _blocked(block: lockout.LoginBlock) -> ThrottledError:
    return ThrottledError(block.code, block.detail(), retry_after=block.retry_after)


@extend_schema(
    tags=["auth"],
    summary="获取 API 令牌",
    description=(
        "用用户名和密码（工作人员另加两步验证码）换取一个新令牌（应用客户端使用）。"
        "同一用户名在同一地址连续失败5次后暂时锁定，同一地址失败过多时暂时限制；"
        "429 答复带 Retry-After（秒）。令牌闲置（默认工作人员30分钟、其他用户2小时）"
        "或到最迟失效时间即失效，须重新登录。"
    ),
    request=ApiTokenObtainSerializer,
    responses={
        200: OpenApiResponse(ApiTokenSerializer, description="新令牌"),
        **error_responses(400, 403),
        429: error_responses(429)[429],
    },
    auth=[],
)
class TokenObtainView(APIView):
    """POST username + password (+ otp_code); returns a new token."""

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []
    parser_classes = [parsers.JSONParser, parsers.FormParser, parsers.MultiPartParser]
    renderer_classes = [renderers.JSONRenderer]

    def post(self, request, *args, **kwargs) -> Response:
        serializer = ApiTokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        password = serializer.validated_data["password"]
        http_request = request._request
        block = lockout.login_block(http_request, username)
        if block is not None:
            raise _blocked(block)
        user = authenticate(http_request, username=username, password=password)
        if user is None:
            self._raise_if_locked(http_request, username)
            raise ServiceError(
                "invalid_credentials", _("用户名或密码不正确"), field="password"
            )
        self._second_factor(
            http_request, user, serializer.validated_data.get("otp_code", "")
        )
        # A token login is a login: axes resets the pair's failures (AXES_RESET
        # _ON_SUCCESS) and logs access, Django records last_login.
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)
        token, key = tokens.api_token_issue(
            user=user, client=http_request.META.get("HTTP_USER_AGENT", "")
        )
        return Response(
            ApiTokenSerializer(
                {
                    "token": key,
                    "id": token.pk,
                    "expiry": token.expiry,
                    "ends_at": token.ends_at,
                }
            ).data
        )

    def _raise_if_locked(self, http_request, username: str) -> None:
        if getattr(http_request, "axes_locked_out", False):
            # Answered here as JSON; AxesMiddleware would answer its own page.
            http_request.axes_locked_out = False
            block = lockout.login_block(http_request, username)
            if block is not None:
                logger.info("api.token_locked code=%s", block.code)
                raise _blocked(block)

    def _second_factor(self, http_request, user, code: str) -> None:
        step = twofactor.login_second_step(user)
        if step == twofactor.SecondStep.NONE:
            return
        if step == twofactor.SecondStep.ENROL:
            raise PermissionDeniedError(
                "otp_enrolment_required",
                _("工作人员账号须先在网页登录时设置两步验证，再使用 API"),
            )
        if not code.strip():
            raise ServiceError("otp_required", _("请填写两步验证码"), field="otp_code")
        try:
            twofactor.otp_verify(user=user, code=code)
        except ThrottledError:
            raise
        except ServiceError:
            # A wrong code is a failed login: it counts towards the lockout.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": user.get_username()},
                request=http_request,
            )
            self._raise_if_locked(http_request, user.get_username())
            raise
