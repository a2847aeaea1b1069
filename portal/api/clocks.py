"""The deadline explanation API: why a clock's due date is what it is.

``GET /api/v1/deadlines/{id}/explain/`` (id = the clock). Whether the user
may see it is the subject's business: the app that owns the timed thing
registers an access function (portal.clocks.register_subject_access);
without one, or when it says no, the answer is 404 like any object the user
may not see, in the API's one error shape.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.clocks import clock_explain, clock_explain_lines, clock_for_user
from portal.models import ClockSegment, ClockState

from .errors import error_responses


class DeadlineSegmentSerializer(serializers.ModelSerializer):
    reason_label = serializers.CharField(source="get_reason_display")

    class Meta:
        model = ClockSegment
        fields = ["state", "reason", "reason_label", "note", "first", "last"]
        extra_kwargs = {"state": {"help_text": "running 计时 / suspended 中止计时"}}


class DeadlineExplanationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    kind = serializers.CharField(help_text="时限种类（task、case_statutory 等）")
    due = serializers.DateField(allow_null=True, help_text="到期日；中止计时期间为空")
    provisional = serializers.BooleanField(help_text="到期日依据暂定日历计算")
    revision = serializers.IntegerField(help_text="计算所用的日历版本")
    state = serializers.ChoiceField(choices=ClockState.choices)
    explanation = serializers.ListField(child=serializers.CharField())
    segments = DeadlineSegmentSerializer(many=True)
    extension_days = serializers.IntegerField()


def explanation_data(clock) -> dict:
    due = clock_explain(clock)
    return {
        "id": clock.pk,
        "label": clock.label,
        "kind": clock.kind,
        "due": due.due,
        "provisional": due.provisional,
        "revision": due.revision,
        "state": clock.state,
        "explanation": clock_explain_lines(clock, due),
        "segments": list(clock.segments.all()),
        "extension_days": clock.extension_days,
    }


@extend_schema(tags=["deadlines"])
class DeadlineExplainView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="期限说明",
        description=(
            "列出计入的工作日、跳过的休息日和节假日、中止计时的时段及原因、"
            "延长天数和所用日历版本。无权查看的计时回答 404。"
        ),
        responses={200: DeadlineExplanationSerializer, **error_responses(401, 404)},
    )
    def get(self, request, pk: int):
        clock = clock_for_user(user=request.user, pk=pk)
        return Response(DeadlineExplanationSerializer(explanation_data(clock)).data)
