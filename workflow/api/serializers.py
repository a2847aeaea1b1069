"""Serializers of the workflow API (tasks, extensions, the timeline).

Every class name starts with ``Task``, ``Extension`` or ``Timeline`` so the
OpenAPI component names stay unique. Output serializers read only what the
selectors load (select_related / prefetch), so the inbox keeps a flat query
count. Input serializers only parse; the rules (who, when, how much) live in
workflow.services and come back as their error codes.
"""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.reverse import reverse

from applications.api.serializers import _FieldsOnce
from workflow import constants as c
from workflow.models import Extension, Opinion, SupplementRequest, Task

# --- output ------------------------------------------------------------------------


class TaskPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class TaskDepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TaskApplicationSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)
    item_name = serializers.CharField(source="version.name")
    status = serializers.CharField()


class TaskListSerializer(_FieldsOnce, serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    mark = serializers.SerializerMethodField(
        help_text="yellow：临近到期（已到预警日）；red：已超期；空：正常或已办结"
    )
    stage_name = serializers.CharField(source="stage.name", read_only=True)
    stage_order = serializers.IntegerField(source="stage.order", read_only=True)
    department = TaskDepartmentSerializer(read_only=True)
    application = TaskApplicationSummarySerializer(
        source="case.application", read_only=True
    )
    case_state = serializers.CharField(source="case.state", read_only=True)
    assignee = TaskPersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "url",
            "name",
            "state",
            "state_label",
            "mark",
            "due_on",
            "warn_on",
            "limit_days",
            "opened_at",
            "stage_name",
            "stage_order",
            "department",
            "application",
            "case_state",
            "assignee",
            "claimed_at",
            "decided_at",
            "site_inspection",
            "special_procedure",
        ]

    def get_url(self, obj: Task) -> str:
        return reverse(
            "workflow_api:task-detail",
            kwargs={"pk": obj.pk},
            request=self.context.get("request"),
        )

    def get_mark(self, obj: Task) -> str:
        return task_mark(obj)


def task_mark(task: Task) -> str:
    """The mark the selectors annotate (workflow.selectors.with_marks)."""
    return getattr(task, "mark", "")


class TaskOpinionSerializer(_FieldsOnce, serializers.ModelSerializer):
    author = TaskPersonSerializer(read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    task_id = serializers.IntegerField(read_only=True)
    department_name = serializers.CharField(
        source="task.department.name", read_only=True
    )

    class Meta:
        model = Opinion
        fields = [
            "id",
            "task_id",
            "department_name",
            "author",
            "outcome",
            "outcome_label",
            "text",
            "basis",
            "at",
        ]


class ExtensionSerializer(_FieldsOnce, serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    requested_by = TaskPersonSerializer(read_only=True)
    decided_by = TaskPersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Extension
        fields = [
            "id",
            "task_id",
            "days",
            "reason",
            "state",
            "state_label",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class TaskSupplementSerializer(_FieldsOnce, serializers.ModelSerializer):
    class Meta:
        model = SupplementRequest
        fields = ["id", "task_id", "text", "requested_at", "received_at"]


class TaskCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=c.CaseState.choices)
    state_label = serializers.CharField(source="get_state_display")
    joint = serializers.BooleanField()
    statutory_days = serializers.IntegerField()
    promised_days = serializers.IntegerField(allow_null=True)
    opened_on = serializers.DateField()


class TaskDetailSerializer(TaskListSerializer):
    """One task with its case, the case's opinions, extensions and supplements.

    ``application`` is the application as its detail endpoint shows it (form
    with ID numbers masked, materials with their permission-checked file
    URLs, history), read through applications' selector for this user.
    """

    case = TaskCaseSerializer(read_only=True)
    application = serializers.SerializerMethodField()
    opinions = serializers.SerializerMethodField()
    extensions = serializers.SerializerMethodField()
    supplements = serializers.SerializerMethodField()
    explain_url = serializers.SerializerMethodField(
        help_text="本任务时限的计算说明（GET /api/v1/deadlines/{id}/explain/）"
    )

    class Meta(TaskListSerializer.Meta):
        fields = [
            *TaskListSerializer.Meta.fields,
            "case",
            "decided_by",
            "clock_id",
            "explain_url",
            "opinions",
            "extensions",
            "supplements",
        ]

    def get_application(self, obj: Task) -> dict:
        from applications.api.serializers import ApplicationDetailSerializer

        return ApplicationDetailSerializer(
            self.context["application"], context=self.context
        ).data

    def get_opinions(self, obj: Task) -> list[dict]:
        return TaskOpinionSerializer(self.context["opinions"], many=True).data

    def get_extensions(self, obj: Task) -> list[dict]:
        return ExtensionSerializer(self.context["extensions"], many=True).data

    def get_supplements(self, obj: Task) -> list[dict]:
        return TaskSupplementSerializer(self.context["supplements"], many=True).data

    def get_explain_url(self, obj: Task) -> str | None:
        return _explain_url(obj.clock_id)


# --- input -----------------------------------------------------------------------------


# The inbox's state filter: a task state, or every state.
INBOX_STATES = [*c.TaskState.values, "all"]


class TaskInboxQuerySerializer(serializers.Serializer):
    """The inbox's filters (query string); unknown values are refused, not ignored."""

    state = serializers.ChoiceField(
        choices=INBOX_STATES,
        required=False,
        help_text="任务状态；默认 open（待办），all 为全部",
    )
    mark = serializers.ChoiceField(
        choices=["yellow", "red"],
        required=False,
        help_text="yellow 已到预警日（含已超期），red 已超期",
    )
    item = serializers.IntegerField(
        required=False, min_value=1, help_text="事项ID（catalog 的事项）"
    )
    q = serializers.CharField(
        required=False, max_length=47, help_text="办件编号，或其末尾几位"
    )
    mine = serializers.BooleanField(
        required=False, default=False, help_text="true 时只列我认领的任务"
    )


class TaskDecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=["approve", "reject"], help_text="approve 同意，reject 不同意"
    )
    opinion = serializers.CharField(
        allow_blank=True, max_length=2000, help_text="审查意见（必填）"
    )
    basis = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="不予许可的法律依据（reject 时必填）",
    )


class TaskSupplementRequestSerializer(serializers.Serializer):
    text = serializers.CharField(
        allow_blank=True, max_length=2000, help_text="需申请人补正的内容（必填）"
    )


class ExtensionRequestSerializer(serializers.Serializer):
    days = serializers.IntegerField(
        min_value=1, max_value=365, help_text="延长的工作日数（不超过法定上限）"
    )
    reason = serializers.CharField(
        allow_blank=True, max_length=2000, help_text="延期理由（告知申请人）"
    )


class ExtensionDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField(
        required=False, default=True, help_text="true 批准（默认），false 不批准"
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="审批意见；不批准时必填",
    )


class TaskReassignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(help_text="改派给本部门的工作人员（用户ID）")


# --- timeline ------------------------------------------------------------------------


class TimelineOpinionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=c.OpinionOutcome.choices)
    text = serializers.CharField()
    basis = serializers.CharField(allow_blank=True)
    at = serializers.DateTimeField()
    author = serializers.CharField(
        allow_blank=True, help_text="办理人姓名；申请人视图为空"
    )


class TimelineTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    department = serializers.CharField()
    state = serializers.ChoiceField(choices=c.TaskState.choices)
    due_on = serializers.DateField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.CharField(
        allow_blank=True, help_text="办理人姓名；申请人视图为空"
    )
    explain_url = serializers.SerializerMethodField(
        help_text="时限计算说明；只有能查看该任务的人（本部门、会商人）才有"
    )
    opinions = TimelineOpinionSerializer(many=True)

    def get_explain_url(self, obj) -> str | None:
        if obj.id not in self.context.get("task_ids", ()):
            return None
        return _explain_url(obj.clock_id)


class TimelineStageSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()
    state = serializers.ChoiceField(choices=c.StageState.choices)
    opened_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    tasks = TimelineTaskSerializer(many=True)


class TimelineClockSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(
        help_text="task 环节，case_promised 承诺，case_statutory 法定，delivery 送达"
    )
    label = serializers.CharField()
    state = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    provisional = serializers.BooleanField(
        help_text="依据的工作日历年度尚未确认（临时规则推算）"
    )
    task_id = serializers.SerializerMethodField()
    explain_url = serializers.SerializerMethodField(
        help_text="时限计算说明；任务时限只对能查看该任务的人给出"
    )

    def get_task_id(self, obj) -> int | None:
        return obj.subject_id if obj.subject_type == c.SUBJECT_TASK else None

    def get_explain_url(self, obj) -> str | None:
        # A case's clocks: whoever sees the application (the timeline's own
        # rule); a task's: whoever may see the task, as the explain endpoint
        # decides (workflow's registered subject access), so no link is a 404.
        if obj.subject_type == c.SUBJECT_TASK and obj.subject_id not in (
            self.context.get("task_ids", ())
        ):
            return None
        return _explain_url(obj.id)


class TimelineSuspensionSerializer(serializers.Serializer):
    clock_id = serializers.IntegerField()
    reason = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    first = serializers.DateField()
    last = serializers.DateField(allow_null=True, help_text="为空表示仍在中止计时")


class TimelineExtensionSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    reason = serializers.CharField()
    state = serializers.ChoiceField(choices=c.ExtensionState.choices)
    requested_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField(allow_blank=True)


class TimelineInspectionSerializer(serializers.Serializer):
    on = serializers.DateField()
    last_day = serializers.DateField()
    place = serializers.CharField()
    note = serializers.CharField(allow_blank=True)


class TimelineSupplementSerializer(serializers.Serializer):
    text = serializers.CharField()
    requested_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(allow_null=True)


class TimelineSerializer(serializers.Serializer):
    """The case's history; empty lists while the application has no case yet.

    Context ``task_ids``: the case's tasks the user may see (explain links).
    """

    case_state = serializers.SerializerMethodField()
    staff_view = serializers.BooleanField(
        help_text="true：工作人员视图（含内部意见和办理人）；false：申请人视图"
    )
    stages = TimelineStageSerializer(many=True)
    clocks = TimelineClockSerializer(many=True)
    suspensions = TimelineSuspensionSerializer(many=True)
    extensions = TimelineExtensionSerializer(many=True)
    inspections = TimelineInspectionSerializer(many=True)
    supplements = TimelineSupplementSerializer(many=True)

    def get_case_state(self, obj) -> str | None:
        return obj.case.state if obj.case is not None else None


def _explain_url(clock_id: int | None) -> str | None:
    """The path of "explain this deadline" for a clock (portal.api.clocks)."""
    if clock_id is None:
        return None
    return reverse("api-deadline-explain", kwargs={"pk": clock_id})
