"""Token login for app clients (mobile app, hall kiosks).

Every attempt goes through django-axes like the web login does: after
AXES_FAILURE_LIMIT failures the user name is locked for AXES_COOLOFF_TIME and
even the right password gets ``account_locked`` (429). Axes' own lockout page
is HTML, so this view answers the lockout itself and clears axes' request flag
to keep AxesMiddleware from swapping the JSON body for that page.
"""

from __future__ import annotations

import logging

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import parsers, renderers, serializers
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.errors import error_responses
from portal.errors import ServiceError

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


class ApiTokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="放在请求头中使用：Authorization: Token <token>"
    )


def _locked_error() -> ServiceError:
    return ServiceError(
        "account_locked",
        "登录失败次数过多，账户已暂时锁定，请稍后再试",
        status=429,
    )


@extend_schema(
    tags=["auth"],
    summary="获取 API 令牌",
    description=(
        "用用户名和密码换取令牌（应用客户端使用）。连续失败5次后该用户名暂时锁定。"
    ),
    request=ApiTokenObtainSerializer,
    responses={
        200: OpenApiResponse(ApiTokenSerializer, description="令牌"),
        **error_responses(400),
        429: error_responses(429)[429],
    },
    auth=[],
)
class TokenObtainView(APIView):
    """POST username + password; returns {"token": ...}. Lockout rules apply."""

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
        credentials = {"username": username}
        if AxesProxyHandler.is_locked(http_request, credentials):
            raise _locked_error()
        user = authenticate(http_request, username=username, password=password)
        if user is None:
            locked = getattr(http_request, "axes_locked_out", False)
            if locked or AxesProxyHandler.is_locked(http_request, credentials):
                # Answered here as JSON; AxesMiddleware would render HTML.
                http_request.axes_locked_out = False
                logger.info("api.token_locked")
                raise _locked_error()
            raise ServiceError(
                "invalid_credentials", "用户名或密码不正确", field="password"
            )
        # A token login is a login: axes resets the failure count (AXES_RESET_ON
        # _SUCCESS) and logs access, Django records last_login.
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        logger.info("api.token_issued user_id=%s", user.pk)
        return Response(ApiTokenSerializer({"token": token.key}).data)
