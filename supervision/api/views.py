"""The API: the applicant's rating, and public complaints with their tracking."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.selectors import application_get_for_user
from applications.throttling import TrackThrottle
from portal.api.errors import ApiErrorSerializer

from ..services.complaints import complaint_file, complaint_track
from ..services.ratings import rating_submit
from .serializers import (
    ComplaintFiledSerializer,
    ComplaintInputSerializer,
    ComplaintTrackSerializer,
    RatingInputSerializer,
    RatingSerializer,
)

ERRORS = {
    400: "请求参数有误",
    401: "未登录或令牌无效",
    403: "不是申请人本人",
    404: "未找到（或无权查看）",
    409: "未办结或已评价",
    429: "请求过于频繁",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    return {
        s: OpenApiResponse(ApiErrorSerializer, description=ERRORS[s]) for s in statuses
    }


class ComplaintThrottle(TrackThrottle):
    """Complaints filed per client address share tracking's budget and rate."""


@extend_schema(
    tags=["supervision"],
    summary="评价办件（申请人）",
    description=(
        "办结（已送达、不予许可、不予受理或归档，撤回的除外）后申请人本人评价一次。"
        "不满意、非常不满意自动生成差评整改，整改期限为15个工作日（可配置）。"
        "看不到该办件返回404；能看到但不是申请人返回403；未办结或已评价返回409。"
    ),
    request=RatingInputSerializer,
    responses={201: RatingSerializer, **errors(400, 401, 403, 404, 409)},
)
class ApplicationRatingView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    def post(self, request, pk: int):
        application = application_get_for_user(user=request.user, pk=pk)
        serializer = RatingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rating = rating_submit(
            application=application,
            user=request.user,
            level=data["level"],
            comment=data.get("comment", ""),
            tags=data.get("tags", []),
        )
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["supervision"],
    summary="提交投诉（公开）",
    description=(
        "就一个办件编号或一个部门投诉。无论办件编号是否存在，都返回同样的投诉编号和查询码"
        "（不泄露办件是否存在）。按来源地址限流。"
    ),
    request=ComplaintInputSerializer,
    responses={201: ComplaintFiledSerializer, **errors(400, 429)},
)
class ComplaintCreateView(APIView):
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]
    throttle_classes = [ComplaintThrottle]

    def post(self, request):
        serializer = ComplaintInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        filed = complaint_file(
            application_number=data.get("application_number", ""),
            department_id=data.get("department"),
            content=data["content"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            user=request.user,
        )
        return Response(
            ComplaintFiledSerializer(filed).data, status=status.HTTP_201_CREATED
        )


@extend_schema(
    tags=["supervision"],
    summary="投诉查询（公开）",
    description="凭投诉编号和查询码查询办理状态和答复。编号不存在与查询码错误返回相同的404。",
    parameters=[
        OpenApiParameter(
            "query_code", OpenApiTypes.STR, required=True, description="8位查询码"
        )
    ],
    responses={200: ComplaintTrackSerializer, **errors(404, 429)},
)
class ComplaintTrackView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [TrackThrottle]

    def get(self, request, number: str):
        result = complaint_track(
            number=number, query_code=request.query_params.get("query_code", "")
        )
        return Response(ComplaintTrackSerializer(result).data)
