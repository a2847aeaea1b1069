"""The owner's API token endpoints: list, revoke, refresh, logout.

Authentication itself is portal.api.authentication (kept apart: DRF imports it
while loading its settings, before views can be imported).
"""

from __future__ import annotations

from django.contrib.auth import logout as session_logout
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import tokens
from portal.api.authentication import ApiTokenAuthentication
from portal.api.errors import error_responses
from portal.errors import ServiceError
from portal.models import ApiToken


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        }


class ApiTokenInfoSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(help_text="是否为本次请求所用的令牌")

    class Meta:
        model = ApiToken
        fields = ["id", "created", "expiry", "ends_at", "client", "current"]
        read_only_fields = fields

    def get_current(self, obj: ApiToken) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == obj.pk


class ApiTokenExpirySerializer(serializers.Serializer):
    expiry = serializers.DateTimeField(help_text="不再使用时于此时失效")
    ends_at = serializers.DateTimeField(help_text="无论是否使用，最迟于此时失效")


@extend_schema_view(
    list=extend_schema(
        tags=["auth"],
        summary="我的 API 令牌",
        description="本人尚未失效的令牌（每次登录一个），最新的在前。",
        responses={
            200: ApiTokenInfoSerializer(many=True),
            **error_responses(400, 401, 404),
        },
    ),
    destroy=extend_schema(
        tags=["auth"],
        summary="撤销令牌",
        description="撤销本人的一个令牌；他人的令牌或不存在的令牌答 404。",
        responses={204: None, **error_responses(401, 404)},
    ),
)
class ApiTokenViewSet(
    mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = ApiTokenInfoSerializer
    permission_classes = [permissions.IsAuthenticated]

    queryset = ApiToken.objects.none()  # the schema's model; real rows below

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return tokens.api_tokens_for_user(user=self.request.user)

    def destroy(self, request, *args, **kwargs) -> Response:
        try:
            token_id = int(kwargs["pk"])
        except (TypeError, ValueError) as exc:
            raise exceptions.NotFound() from exc
        tokens.api_token_revoke(user=request.user, token_id=token_id)
        return Response(status=204)


@extend_schema(
    tags=["auth"],
    summary="延长令牌",
    description=(
        "用令牌本身调用：把失效时间推到一个闲置期之后（默认工作人员30分钟，"
        "其他用户2小时），但不超过登录时定下的最迟失效时间；之后须重新登录。"
    ),
    request=None,
    responses={
        200: OpenApiResponse(ApiTokenExpirySerializer, description="新的失效时间"),
        **error_responses(400, 401),
    },
)
class TokenRefreshView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def post(self, request, *args, **kwargs) -> Response:
        if not isinstance(request.auth, ApiToken):
            raise ServiceError("token_required", _("请使用 API 令牌调用此接口"))
        token = tokens.api_token_slide(token=request.auth, force=True)
        return Response(ApiTokenExpirySerializer(token).data)


@extend_schema(
    tags=["auth"],
    summary="退出登录",
    description="本次请求所用的令牌立即失效（以会话登录时结束会话）。",
    request=None,
    responses={204: None, **error_responses(401)},
)
class LogoutView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def post(self, request, *args, **kwargs) -> Response:
        if isinstance(request.auth, ApiToken):
            tokens.api_token_end(token=request.auth)
        else:
            session_logout(request._request)
        return Response(status=204)
