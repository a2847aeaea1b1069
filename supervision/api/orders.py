"""The API of the card board and 督办 (supervisors; the department head answers).

Every endpoint narrows by supervision.scope: a county supervisor sees and
acts on their county's departments only; an order outside answers 404, a
department outside reads as unknown (400, the same as one that does not
exist). Errors have the API's one shape ({"code", "detail", "field"?}).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.errors import ApiErrorSerializer, error_responses
from portal.errors import PermissionDeniedError
from workflow.constants import CardColour
from workflow.models import Card

from .. import constants as c
from ..card_selectors import BoardRow, board_cards, board_rows, card_filters
from ..models import SupervisionOrder
from ..order_selectors import orders_for
from ..scope import supervisor_scope
from ..selectors import get_or_404
from ..services.orders import order_answer, order_issue, order_not_found

# --- serializers -------------------------------------------------------------------


class CardQuerySerializer(serializers.Serializer):
    colour = serializers.CharField(
        required=False, allow_blank=True, help_text="yellow（黄牌）或 red（红牌）"
    )
    department = serializers.CharField(
        required=False, allow_blank=True, help_text="部门编号（须在本人监督范围内）"
    )


class BoardDepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="department_id", allow_null=True)
    name = serializers.CharField(source="department_name")


class BoardApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="application_id")
    number = serializers.CharField(source="application_number")
    timeline_url = serializers.SerializerMethodField()

    def get_timeline_url(self, row: BoardRow) -> str:
        return reverse("workflow:timeline", args=[row.application_id])


class BoardCardSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="card.pk")
    colour = serializers.ChoiceField(choices=CardColour.choices)
    colour_label = serializers.CharField()
    task = serializers.CharField(source="task_name")
    department = BoardDepartmentSerializer(source="*")
    responsible = serializers.ListField(
        child=serializers.CharField(),
        help_text="责任人：任务的经办人；无人认领时为部门的科室负责人",
    )
    responsible_is_head = serializers.BooleanField()
    application = BoardApplicationSerializer(source="*")
    due_on = serializers.DateField(allow_null=True)
    overdue_working_days = serializers.IntegerField(
        source="overdue_days", help_text="红牌：到期日之后至今天的工作日数"
    )
    working_days_left = serializers.IntegerField(
        source="days_left", help_text="黄牌：至到期日剩余的工作日数（0为今日到期）"
    )
    raised_at = serializers.DateTimeField(source="card.raised_at")
    escalated_at = serializers.DateTimeField(
        source="card.escalated_at", allow_null=True
    )
    answered_at = serializers.DateTimeField(source="card.answered_at", allow_null=True)
    ordered = serializers.BooleanField(help_text="是否已有未办结的督办")


class OrderInputSerializer(serializers.Serializer):
    department = serializers.IntegerField(
        required=False, allow_null=True, help_text="被督办部门；就预警牌督办时可省略"
    )
    card = serializers.IntegerField(required=False, allow_null=True)
    application = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(max_length=2000, allow_blank=True)
    working_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="办理时限（1–60个工作日），与 due_date 二选一",
    )
    due_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="截止日期，须晚于今天；遇节假日顺延至其后第一个工作日",
    )


class OrderAnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=2000, allow_blank=True)


class OrderEventSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=c.OrderEventKind.choices)
    at = serializers.DateTimeField()
    text = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)


class OrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    department = serializers.IntegerField(source="department_id")
    department_name = serializers.CharField(source="department.name")
    card = serializers.IntegerField(source="card_id", allow_null=True)
    application = serializers.IntegerField(source="application_id", allow_null=True)
    application_number = serializers.SerializerMethodField()
    note = serializers.CharField()
    state = serializers.ChoiceField(choices=c.OrderState.choices)
    state_label = serializers.CharField(source="get_state_display")
    issued_at = serializers.DateTimeField()
    limit_days = serializers.IntegerField()
    requested_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    escalation_count = serializers.IntegerField()
    escalated_at = serializers.DateTimeField(allow_null=True)
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    rounds = serializers.IntegerField()
    closed_at = serializers.DateTimeField(allow_null=True)

    def get_application_number(self, order) -> str | None:
        return order.application.number if order.application_id else None


class OrderDetailSerializer(OrderSerializer):
    events = serializers.SerializerMethodField()
    review_note = serializers.CharField()

    def get_events(self, order) -> list[dict]:
        return OrderEventSerializer(order.events.all(), many=True).data


class OrderQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=c.OrderState.choices, required=False, allow_blank=True
    )


CONFLICT = {
    409: OpenApiResponse(ApiErrorSerializer, description="督办当前状态不允许此操作")
}

# --- views -------------------------------------------------------------------------


def _scope(request):
    scope = supervisor_scope(request.user)
    if scope is None:
        raise PermissionDeniedError("not_supervisor", _("只有监督人员可以查看"))
    return scope


@extend_schema(tags=["supervision"])
class CardBoardView(generics.ListAPIView):
    """The live card board (supervisors, scoped)."""

    permission_classes = [IsAuthenticated]
    serializer_class = BoardCardSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Card.objects.none()
        scope = _scope(self.request)
        query = CardQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        return board_cards(
            scope,
            card_filters(
                scope, colour=data.get("colour"), department=data.get("department")
            ),
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            BoardCardSerializer(board_rows(page), many=True).data
        )

    @extend_schema(
        summary="预警牌看板（监督人员）",
        description=(
            "未撤销的黄牌、红牌，红牌在前、超期最久的在前；每张牌的责任部门、责任人"
            "（经办人，无人认领时为科室负责人）、办件编号和办理过程链接、期限、"
            "超期工作日数。县级监督人员只看到本县部门的预警牌。非监督人员返回403；"
            "颜色无效返回400 card_colour_invalid；部门不存在或不在监督范围内返回"
            "400 department_unknown。"
        ),
        parameters=[CardQuerySerializer],
        responses={
            200: BoardCardSerializer(many=True),
            **error_responses(400, 401, 403),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["supervision"])
class OrderListCreateView(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]
    serializer_class = OrderSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SupervisionOrder.objects.none()
        query = OrderQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return orders_for(
            self.request.user, state=query.validated_data.get("state", "")
        )

    @extend_schema(
        summary="督办列表",
        description=(
            "监督人员：监督范围内部门的督办；科室负责人：本部门的督办；其他人为空列表。"
            "可按状态筛选（open 督办中、answered 待审核、closed 已办结）。"
        ),
        parameters=[OrderQuerySerializer],
        responses={200: OrderSerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="下达督办（监督人员）",
        description=(
            "向监督范围内的一个部门下达督办，可关联一张预警牌（部门默认为牌的责任部门）"
            "或一个办件；写明督办事项，期限为工作日数（working_days，1–60）或截止日期"
            "（due_date，须晚于今天）二选一。到期未答复即升级督办，并在其后每个工作日"
            "再次升级，直至答复。非监督人员返回404；错误代码：order_deadline_past、"
            "order_deadline_missing、order_deadline_ambiguous、order_deadline_invalid、"
            "order_deadline_too_far、order_department_unknown、order_card_unknown、"
            "order_card_department、order_application_unknown、order_note_invalid。"
        ),
        request=OrderInputSerializer,
        responses={201: OrderDetailSerializer, **error_responses(400, 401, 404)},
    )
    def post(self, request):
        serializer = OrderInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order = order_issue(
            supervisor=request.user,
            department_id=data.get("department"),
            note=data["note"],
            working_days=data.get("working_days"),
            due_date=data.get("due_date"),
            card_id=data.get("card"),
            application_id=data.get("application"),
        )
        order = get_or_404(orders_for(request.user), order.pk)
        return Response(
            OrderDetailSerializer(order).data, status=status.HTTP_201_CREATED
        )


@extend_schema(tags=["supervision"])
class OrderDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="督办详情",
        description="督办及其记录（下达、升级、答复、退回、办结）。无权查看返回404。",
        responses={200: OrderDetailSerializer, **error_responses(401, 404)},
    )
    def get(self, request, pk: int):
        order = orders_for(request.user).filter(pk=pk).first()
        if order is None:
            raise order_not_found()
        return Response(OrderDetailSerializer(order).data)


@extend_schema(tags=["supervision"])
class OrderAnswerView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        summary="答复督办（被督办部门的科室负责人）",
        description=(
            "写明办理情况；答复后计时停止，不再升级督办，等待监督人员审核。"
            "不是该部门的科室负责人返回404；已答复或已办结返回409 order_state；"
            "内容为空返回400 order_answer_invalid。"
        ),
        request=OrderAnswerInputSerializer,
        responses={
            200: OrderDetailSerializer,
            **error_responses(400, 401, 404),
            **CONFLICT,
        },
    )
    def post(self, request, pk: int):
        order = orders_for(request.user).filter(pk=pk).first()
        if order is None:
            raise order_not_found()
        serializer = OrderAnswerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order_answer(
            order=order, user=request.user, answer=serializer.validated_data["answer"]
        )
        order = get_or_404(orders_for(request.user), order.pk)
        return Response(OrderDetailSerializer(order).data)
