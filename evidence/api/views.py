"""The evidence API: verification and keys (public), the caller's certificates."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from people.codes import CodeError
from portal.api.errors import ApiErrorSerializer
from portal.errors import ServiceError

from .. import selectors
from ..throttling import VerifyThrottle
from .serializers import (
    EvidenceCertificateSerializer,
    EvidenceKeySerializer,
    EvidenceVerifySerializer,
)

ERRORS = {
    400: "请求参数有误（如电子证照标识格式或校验位错误）",
    401: "未登录或令牌无效",
    429: "请求过于频繁",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    return {
        s: OpenApiResponse(ApiErrorSerializer, description=ERRORS[s]) for s in statuses
    }


@extend_schema(tags=["evidence"])
class EvidenceVerifyView(APIView):
    """Whether a certificate exists and is valid, and whether signature and file check out.

    Malformed identifiers answer 400 with the identifier's problem
    (``identifier_check``, ``identifier_shape``...); an unknown one answers
    200 with ``exists: false``, ``valid: false``.
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [VerifyThrottle]

    @extend_schema(responses={200: EvidenceVerifySerializer, **errors(400, 429)})
    def get(self, request, identifier: str):
        try:
            result = selectors.verify(identifier)
        except CodeError as exc:
            raise ServiceError(exc.code, exc.message, field="identifier") from exc
        return Response(EvidenceVerifySerializer(result.as_dict()).data)


@extend_schema(tags=["evidence"])
class EvidenceKeyListView(generics.ListAPIView):
    """Every department's public Ed25519 key with its validity (not paginated)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    pagination_class = None
    serializer_class = EvidenceKeySerializer

    def get_queryset(self):
        return selectors.public_keys()


@extend_schema(tags=["evidence"])
class EvidenceCertificateListView(generics.ListAPIView):
    """The caller's certificates and their enterprises'."""

    permission_classes = [IsAuthenticated]
    serializer_class = EvidenceCertificateSerializer

    @extend_schema(
        responses={200: EvidenceCertificateSerializer(many=True), **errors(400, 401)}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.certificates_for_user(user=self.request.user)
