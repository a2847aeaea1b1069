"""The API over the figures: the supervisor's summary and the public monthly report."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.errors import error_responses

from .. import dashboard as d
from ..scope import supervisor_scope

# --- serializers (the documented shape; the views build plain dicts) ------------


class MetricSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="指标代码（稳定）")
    label = serializers.CharField()
    definition = serializers.CharField(help_text="口径")
    kind = serializers.CharField(
        help_text="count 件数；rate、share 为 0–1 的比率；days 为工作日数"
    )
    drill = serializers.BooleanField(help_text="是否可下钻到办件清单")


class ValueSerializer(serializers.Serializer):
    value = serializers.FloatField(
        allow_null=True, help_text="数值；null 表示尚未计量（见 note）"
    )
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    drilldown = serializers.URLField(
        allow_null=True,
        help_text=(
            "该数字背后的办件清单（页面）：件数的清单件数等于 value，"
            "比率的清单为其分子（件数等于 numerator）"
        ),
    )


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()


class SummaryRowSerializer(serializers.Serializer):
    department = DepartmentRefSerializer()
    values = serializers.DictField(child=ValueSerializer(), help_text="按指标代码")


class SummarySerializer(serializers.Serializer):
    period = serializers.DictField(help_text="{from, to}，含首尾两天")
    region = serializers.CharField(allow_null=True)
    department = serializers.IntegerField(allow_null=True)
    as_of = serializers.DateTimeField(help_text="数据截至")
    metrics = MetricSerializer(many=True)
    rows = SummaryRowSerializer(many=True)
    totals = SummaryRowSerializer()


def _metric(m) -> dict:
    return {
        "key": m.key,
        "label": str(m.label),
        "definition": str(m.definition),
        "kind": str(m.kind),
        "drill": bool(m.drill),
    }


def _row(request, table_row, metrics) -> dict:
    values = {}
    for metric, cell in zip(metrics, table_row.cells, strict=True):
        number = cell.number
        values[metric.key] = {
            "value": number,
            "numerator": cell.numerator,
            "denominator": cell.denominator,
            "note": cell.note,
            "drilldown": request.build_absolute_uri(cell.url) if cell.url else None,
        }
    return {
        "department": {"id": table_row.key, "name": table_row.label},
        "values": values,
    }


QUERY_PARAMETERS = [
    OpenApiParameter(
        "from", OpenApiTypes.DATE, description="开始日期（含），默认30天前"
    ),
    OpenApiParameter("to", OpenApiTypes.DATE, description="结束日期（含），默认今天"),
    OpenApiParameter("region", OpenApiTypes.STR, description="区划代码"),
    OpenApiParameter("department", OpenApiTypes.INT, description="部门 id"),
]


@extend_schema(
    tags=["supervision"],
    summary="监督汇总（监督人员）",
    description=(
        "统计期间内每个部门的各项指标和合计，每个件数附下钻清单的地址（清单件数与该数相同）。"
        "州级监督人员看全州，县级监督人员只看本县。"
        "期间错误返回400（period_invalid 日期格式错误、period_reversed 开始晚于结束、"
        "period_too_long 超过五年）；区划或部门不存在或不在本人监督范围内返回同样的404"
        "（region_unknown、department_unknown）；不是监督人员返回403。"
    ),
    parameters=QUERY_PARAMETERS,
    responses={200: SummarySerializer, **error_responses(400, 401, 403, 404)},
)
class SummaryView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        scope = supervisor_scope(request.user)
        if scope is None:
            raise PermissionDenied
        query = d.parse_query(scope, request.query_params)
        table, as_of = d.summary_table(query, "department")
        metrics = table.metrics
        body_rows = [_row(request, r, metrics) for r in table.rows if not r.total]
        totals = _row(request, table.rows[-1], metrics)
        totals["department"]["id"] = None
        return Response(
            {
                "period": {"from": query.params["from"], "to": query.params["to"]},
                "region": query.params.get("region"),
                "department": (
                    int(query.params["department"])
                    if "department" in query.params
                    else None
                ),
                "as_of": as_of,
                "metrics": [_metric(m) for m in metrics],
                "rows": body_rows,
                "totals": totals,
            }
        )


class PublicValueSerializer(serializers.Serializer):
    value = serializers.FloatField(
        allow_null=True, help_text="数值；比率为0–1；null 表示不予公布（样本不足5件）"
    )
    denominator = serializers.IntegerField(
        allow_null=True, help_text="比率的分母（件数）"
    )
    suppressed = serializers.BooleanField(help_text="样本不足5件，不予公布")


class PublicRowSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    department = DepartmentRefSerializer()
    values = serializers.DictField(
        child=PublicValueSerializer(), help_text="按指标代码"
    )


class PublicMetricSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    definition = serializers.CharField()
    kind = serializers.CharField(help_text="count 件数；rate、share 为 0–1 的比率")


class MonthlySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField(allow_null=True, help_text="null：全年各月")
    suppress_below = serializers.IntegerField(help_text="小于该件数的数字不予公布")
    metrics = PublicMetricSerializer(many=True)
    rows = PublicRowSerializer(many=True)


@extend_schema(
    tags=["supervision"],
    summary="政务服务绩效月报（公开）",
    description=(
        "各部门每月的收件、办结、按时办结率、好评率、网上申请占比、差评整改率。"
        "不含个人信息；基于不足5件办件的数字不予公布（value 为 null，suppressed 为 true）。"
        "不给年份和月份时为上一个完整月；只给年份时为该年各月。"
        "年份或月份无效返回400（period_invalid）。"
    ),
    parameters=[
        OpenApiParameter("year", OpenApiTypes.INT, description="年份，如 2026"),
        OpenApiParameter("month", OpenApiTypes.INT, description="月份 1–12"),
    ],
    responses={200: MonthlySerializer, **error_responses(400, 429)},
)
class PerformanceMonthlyView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get(self, request):
        report = d.public_report(
            request.query_params.get("year"), request.query_params.get("month")
        )
        rows = []
        for month, table_rows in report.months:
            for row in table_rows:
                rows.append(
                    {
                        "month": month.strftime("%Y-%m"),
                        "department": {"id": row.key, "name": row.label},
                        "values": {
                            m.key: {
                                "value": cell.number,
                                "denominator": (
                                    cell.denominator
                                    if m.kind in d.PERCENT_KINDS
                                    else None
                                ),
                                "suppressed": cell.suppressed,
                            }
                            for m, cell in zip(report.metrics, row.cells, strict=True)
                        },
                    }
                )
        return Response(
            {
                "year": report.year,
                "month": report.month,
                "suppress_below": d.SUPPRESS_BELOW,
                "metrics": [
                    {k: v for k, v in _metric(m).items() if k != "drill"}
                    for m in report.metrics
                ],
                "rows": rows,
            }
        )
