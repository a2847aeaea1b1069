"""Applications API (mobile app, kiosks): thin views over services and selectors.

Objects the user may not see answer 404. Errors come out of
portal.api.errors as {"code", "detail", "field"?, "errors"?}.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import constants as c
from applications.models import Application
from applications.selectors import (
    application_detail_for_user,
    application_get_for_user,
    application_list_for_user,
    application_track,
)
from applications.services.acceptance import (
    application_accept,
    application_refuse,
    application_request_supplement,
)
from applications.services.drafts import application_save_draft
from applications.services.materials import application_provide_material
from applications.services.submission import application_start, application_submit
from applications.services.withdrawal import application_withdraw
from applications.throttling import TrackThrottle
from applications.uploads import install_size_limit, request_too_large, too_large_error
from people.selectors import enterprises_for_user
from portal.api.errors import ApiErrorSerializer
from portal.errors import NotFoundError
from portal.idempotency import request_fingerprint

from .serializers import (
    ApplicationCreateSerializer,
    ApplicationDetailSerializer,
    ApplicationDraftSerializer,
    ApplicationListSerializer,
    ApplicationMaterialInputSerializer,
    ApplicationRefuseSerializer,
    ApplicationSupplementSerializer,
    ApplicationWithdrawSerializer,
    TrackResultSerializer,
)

ERRORS = {
    400: "请求参数有误",
    401: "未登录或令牌无效",
    403: "没有权限",
    404: "未找到（或无权查看）",
    409: "办件当前状态不允许该操作",
    413: "文件过大",
    422: "Idempotency-Key 已用于内容不同的请求",
    429: "请求过于频繁",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    return {
        s: OpenApiResponse(ApiErrorSerializer, description=ERRORS[s]) for s in statuses
    }


IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="同一用户用同一键重复请求只产生一个结果（1–100个字母、数字或 ._:-）",
)


def _detail(request, pk: int) -> dict:
    application = application_get_for_user(user=request.user, pk=pk)
    return ApplicationDetailSerializer(application, context={"request": request}).data


def _body(data) -> dict:
    return data.dict() if hasattr(data, "dict") else dict(data)


@extend_schema(tags=["applications"])
class ApplicationListCreateView(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ApplicationListSerializer
    filter_backends: list = []
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[Application]:
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        return application_list_for_user(user=self.request.user)

    @extend_schema(
        summary="我的办件（按可见范围）",
        responses={200: ApplicationListSerializer(many=True), **errors(400, 401, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="新建办件（可同时提交）",
        description=(
            "以本人名义在某实施清单上新建办件草稿，锁定现行事项版本。"
            "materials 可同时提供不需上传文件的材料（电子证照、容缺后补、告知承诺），"
            "submit 为 true 时立即提交。全部成功或全部不保存。"
            "带 Idempotency-Key 时，同一键的重复请求返回第一次的结果（200）。"
        ),
        parameters=[IDEMPOTENCY_HEADER],
        request=ApplicationCreateSerializer,
        responses={
            201: ApplicationDetailSerializer,
            200: ApplicationDetailSerializer,
            **errors(400, 401, 403, 404, 409, 422),
        },
    )
    def post(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        serializer = ApplicationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        enterprise = None
        if data.get("enterprise") is not None:
            # Missing and not the user's answer alike: an id reveals nothing.
            enterprise = (
                enterprises_for_user(user=request.user)
                .filter(pk=data["enterprise"])
                .prefetch_related(None)
                .first()
            )
            if enterprise is None:
                raise NotFoundError(
                    "enterprise_not_found",
                    _("未找到该企业，或您不是该企业的经办人"),
                    field="enterprise",
                )
        application, replayed = application_start(
            user=request.user,
            implementation_code=data["implementation"],
            channel=c.IntakeChannel.API,
            enterprise=enterprise,
            form_data=data.get("form_data") or {},
            materials=[dict(m) for m in data.get("materials", [])],
            submit=data["submit"],
            idempotency_key=key,
            fingerprint=request_fingerprint(_body(request.data)),
        )
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        detail = application_detail_for_user(user=request.user, application=application)
        return Response(
            ApplicationDetailSerializer(detail, context={"request": request}).data,
            status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED,
            headers=headers,
        )


@extend_schema(tags=["applications"])
class ApplicationDetailView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        summary="办件详情",
        responses={200: ApplicationDetailSerializer, **errors(401, 404)},
    )
    def get(self, request, pk: int):
        return Response(_detail(request, pk))

    @extend_schema(
        summary="保存草稿",
        description="随填随存；申请表在提交时才按事项的申请表定义校验。",
        request=ApplicationDraftSerializer,
        responses={200: ApplicationDetailSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def patch(self, request, pk: int):
        application = application_get_for_user(user=request.user, pk=pk)
        serializer = ApplicationDraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application_save_draft(
            application=application,
            user=request.user,
            form_data=serializer.validated_data["form_data"],
        )
        return Response(_detail(request, pk))


@extend_schema(tags=["applications"])
class ApplicationMaterialView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def initial(self, request, *args, **kwargs):
        # Before authentication: the CSRF check of session auth parses the body.
        if request_too_large(request._request):
            raise too_large_error()
        install_size_limit(request._request)
        super().initial(request, *args, **kwargs)

    @extend_schema(
        summary="提供材料（上传文件或其他方式）",
        description=(
            "multipart/form-data：material 为材料ID；provision 为 upload（默认，附 file）、"
            "certificate（附 certificate_ref 与 certificate_consent=true，可选的证照见 certificate-offers/）、tolerated（附 promise_text 和 promised_by）"
            "或 commitment（附 promise_text）。文件按内容识别，只接受 PDF、JPG、PNG、OFD。"
        ),
        request={"multipart/form-data": ApplicationMaterialInputSerializer},
        responses={
            201: ApplicationDetailSerializer,
            **errors(400, 401, 403, 404, 409, 413),
        },
    )
    def post(self, request, pk: int):
        application = application_get_for_user(user=request.user, pk=pk)
        body = request.data  # parsed here, through the size-limit handler
        if getattr(request._request, "upload_too_large", False):
            raise too_large_error()
        serializer = ApplicationMaterialInputSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        application_provide_material(
            application=application,
            user=request.user,
            material=data["material"],
            provision=data["provision"],
            file=data.get("file"),
            promise_text=data.get("promise_text", ""),
            promised_by=data.get("promised_by"),
            certificate_ref=data.get("certificate_ref", ""),
            certificate_consent=data.get("certificate_consent", False),
        )
        return Response(_detail(request, pk), status=status.HTTP_201_CREATED)


class _ActionView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]
    input_serializer = None

    def post(self, request, pk: int):
        application = application_get_for_user(user=request.user, pk=pk)
        data = {}
        if self.input_serializer is not None:
            serializer = self.input_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        self.act(request, application, data)
        return Response(_detail(request, pk))

    def act(self, request, application: Application, data: dict) -> None:
        raise NotImplementedError


@extend_schema(
    tags=["applications"],
    summary="提交办件",
    description="校验申请表和材料，分配办件编号和查询码。补正后再次调用即为重新提交。",
    parameters=[IDEMPOTENCY_HEADER],
    request=None,
    responses={
        200: ApplicationDetailSerializer,
        **errors(400, 401, 403, 404, 409, 422),
    },
)
class ApplicationSubmitView(_ActionView):
    def act(self, request, application, data):
        application_submit(
            application=application,
            user=request.user,
            idempotency_key=request.headers.get("Idempotency-Key"),
        )


@extend_schema(
    tags=["applications"],
    summary="撤回办件",
    description="作出决定前，申请人可撤回。",
    request=ApplicationWithdrawSerializer,
    responses={200: ApplicationDetailSerializer, **errors(400, 401, 403, 404, 409)},
)
class ApplicationWithdrawView(_ActionView):
    input_serializer = ApplicationWithdrawSerializer

    def act(self, request, application, data):
        application_withdraw(
            application=application, user=request.user, reason=data.get("reason", "")
        )


@extend_schema(
    tags=["applications"],
    summary="受理（窗口人员）",
    description="仅办件所属大厅的综合窗口人员可操作，其他人返回404。",
    request=None,
    responses={200: ApplicationDetailSerializer, **errors(401, 404, 409)},
)
class ApplicationAcceptView(_ActionView):
    def act(self, request, application, data):
        application_accept(application=application, clerk=request.user)


@extend_schema(
    tags=["applications"],
    summary="一次性告知补正（窗口人员）",
    description="一次列明全部缺少或有问题的材料及问题。",
    request=ApplicationSupplementSerializer,
    responses={200: ApplicationDetailSerializer, **errors(400, 401, 404, 409)},
)
class ApplicationNotifySupplementView(_ActionView):
    input_serializer = ApplicationSupplementSerializer

    def act(self, request, application, data):
        application_request_supplement(
            application=application,
            clerk=request.user,
            items=[dict(i) for i in data["items"]],
            due_date=data.get("due_date"),
        )


@extend_schema(
    tags=["applications"],
    summary="不予受理（窗口人员）",
    description="须写明理由和法律依据。",
    request=ApplicationRefuseSerializer,
    responses={200: ApplicationDetailSerializer, **errors(400, 401, 404, 409)},
)
class ApplicationRefuseView(_ActionView):
    input_serializer = ApplicationRefuseSerializer

    def act(self, request, application, data):
        application_refuse(
            application=application,
            clerk=request.user,
            reason=data["reason"],
            legal_basis=data["legal_basis"],
        )


@extend_schema(
    tags=["applications"],
    summary="办件查询（公开）",
    description=(
        "凭办件编号和查询码查询办理进度：事项名称、当前状态、时间线和承诺办结日期，"
        "不含个人信息。编号不存在与查询码错误返回相同的404。"
    ),
    parameters=[
        OpenApiParameter(
            "query_code", OpenApiTypes.STR, required=True, description="8位查询码"
        )
    ],
    responses={200: TrackResultSerializer, **errors(404, 429)},
)
class TrackView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [TrackThrottle]

    def get(self, request, number: str):
        result = application_track(
            number=number, query_code=request.query_params.get("query_code", "")
        )
        return Response(TrackResultSerializer(result).data)
