"""The public working-day calculator: GET /api/v1/calendar/working-days/.

Answers the due date ``days`` working days after ``from`` on the current
calendar (portal.workcalendar.current), whether it rests on provisional
days, the calendar revision and the explanation the deadline pages show.
Thin: parsing here, the computation in portal.workdays.due_date.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.errors import ServiceError
from portal.workcalendar import current
from portal.workdays import due_date

from .errors import error_responses
from .throttling import CalendarThrottle

MAX_DAYS = 365
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DAYS = re.compile(r"^\d{1,4}$")


class CalendarSkippedDaySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="跳过的日期")
    note = serializers.CharField(help_text="节假日名称或星期几")


class CalendarWorkingDaysSerializer(serializers.Serializer):
    days = serializers.IntegerField(help_text="工作日数")
    due = serializers.DateField(help_text="截止日期（当日结束前），YYYY-MM-DD")
    provisional = serializers.BooleanField(
        help_text="是否用到尚未公布放假安排的年份（按法定节假日暂定，不含调休）"
    )
    revision = serializers.IntegerField(help_text="所依据的工作日历版本号")
    explanation = serializers.ListField(
        child=serializers.CharField(), help_text="计算说明，逐行"
    )
    counted = serializers.ListField(
        child=serializers.DateField(), help_text="计入的工作日，按顺序"
    )
    skipped = CalendarSkippedDaySerializer(many=True, help_text="跳过的节假日和休息日")

    def get_fields(self):
        # "from" is a Python keyword: declared here rather than as an attribute.
        return {
            "from": serializers.DateField(source="start", help_text="起算日（不计入）"),
            **super().get_fields(),
        }


def _parse_from(raw: str | None) -> dt.date:
    if raw and _DATE.match(raw):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    raise ServiceError(
        "invalid_date", _("起算日应为有效日期，格式 YYYY-MM-DD"), field="from"
    )


def _parse_days(raw: str | None) -> int:
    if raw and _DAYS.match(raw) and int(raw) <= MAX_DAYS:
        return int(raw)
    raise ServiceError(
        "invalid_days",
        _("工作日数应为 0 至 %(max)d 的整数") % {"max": MAX_DAYS},
        field="days",
    )


@extend_schema(
    tags=["calendar"],
    summary="工作日计算（公开）",
    description=(
        "按当前工作日历计算起算日之后第N个工作日（起算日不计入，截止日当日结束前有效），"
        "跳过法定节假日和休息日、计入调休上班日。未公布放假安排的年份按法定节假日暂定，"
        "结果标记 provisional。办事指南据此显示“今日申请，承诺于……前办结”。"
    ),
    parameters=[
        OpenApiParameter(
            "from",
            OpenApiTypes.DATE,
            required=True,
            description="起算日，YYYY-MM-DD（不计入）",
        ),
        OpenApiParameter(
            "days", OpenApiTypes.INT, required=True, description="工作日数，0–365"
        ),
    ],
    responses={200: CalendarWorkingDaysSerializer, **error_responses(400, 429)},
)
class WorkingDaysView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [CalendarThrottle]

    def get(self, request):
        start = _parse_from(request.query_params.get("from"))
        days = _parse_days(request.query_params.get("days"))
        try:
            result = due_date(current(), start, days)
        except ValueError:
            raise ServiceError(
                "invalid_date",
                _("起算日过晚，无法计算截止日期"),
                field="from",
            ) from None
        data = {
            "start": start,
            "days": days,
            "due": result.due,
            "provisional": result.provisional,
            "revision": result.revision,
            "explanation": result.explain(),
            "counted": list(result.counted),
            "skipped": [{"date": day, "note": note} for day, note in result.skipped],
        }
        return Response(CalendarWorkingDaysSerializer(data).data)
