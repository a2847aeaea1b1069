"""Workflow API (department desks, the applicant's timeline): thin views.

Each view reads through workflow.selectors and changes state only through
workflow.services; the services check who may act and answer with their
codes. A task the user may not see (a reviewer or head of another
department, a citizen, a hall clerk) is 404 ``task_not_found``, whatever the
method; a wrong action by someone who may see it is 403 (``not_department_head``,
``task_not_claimed_by_you``, ``not_task_department``) or 409 for the wrong
moment (``task_already_decided``, ``case_suspended``, ``extension_exists``).

No Idempotency-Key here: like acceptance and refusal, every action is a state
change that cannot happen twice (a retried decision answers 409
``task_already_decided``, a second extension 409 ``extension_exists``), so a
client that lost an answer reads the task again instead of replaying.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.selectors import application_get_for_user
from portal.api.errors import ApiErrorSerializer
from portal.errors import NotFoundError
from workflow import selectors
from workflow.constants import TaskState
from workflow.models import Extension, Opinion, Task
from workflow.services.common import task_access_or_audit, task_not_found
from workflow.services.extensions import (
    extension_approve,
    extension_refuse,
    extension_request,
)
from workflow.services.supplements import task_request_supplement
from workflow.services.tasks import (
    department_staff_user,
    task_claim,
    task_decide,
    task_reassign,
    task_release,
)

from .serializers import (
    ExtensionDecideSerializer,
    ExtensionRequestSerializer,
    ExtensionSerializer,
    TaskDecideSerializer,
    TaskDetailSerializer,
    TaskInboxQuerySerializer,
    TaskListSerializer,
    TaskReassignSerializer,
    TaskSupplementRequestSerializer,
    TimelineSerializer,
)

ERRORS = {
    400: "请求参数有误",
    401: "未登录或令牌无效",
    403: "可以查看该任务，但无权执行此操作（如非认领人、非本部门科室负责人）",
    404: "未找到（或无权查看）",
    409: "任务或案卷当前状态不允许该操作",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    return {
        s: OpenApiResponse(ApiErrorSerializer, description=ERRORS[s]) for s in statuses
    }


def _task_for_action(request, pk: int, action: str) -> Task:
    """The task if this user may see it; else 404, the try audited.

    Checked before the body is parsed, so a wrong user learns nothing from a
    400 either. A try on an existing task one may not see is a security
    matter: workflow.services.common.task_access_or_audit records it (in its
    own transaction, so the refusal does not roll it back) and answers 404.
    """
    task = selectors.task_visible_to(request.user).filter(pk=pk).first()
    if task is None:
        task_access_or_audit(pk, request.user, action=action)
        raise task_not_found()
    return task


def _detail(request, pk: int) -> dict:
    task = (
        selectors.with_marks(selectors.task_visible_to(request.user))
        .select_related("case", "stage", "department", "assignee", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise task_not_found()
    case = task.case
    application = application_get_for_user(user=request.user, pk=case.application_id)
    return TaskDetailSerializer(
        task,
        context={
            "request": request,
            "application": application,
            "opinions": list(
                Opinion.objects.filter(task__case=case).select_related(
                    "author", "task__department"
                )
            ),
            "extensions": list(
                case.extensions.select_related("requested_by", "decided_by")
            ),
            "supplements": list(case.supplements.all()),
        },
    ).data


@extend_schema(tags=["tasks"])
class TaskListView(generics.ListAPIView):
    """The user's inbox: tasks of their department(s), nearest deadline first."""

    permission_classes = [IsAuthenticated]
    serializer_class = TaskListSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Task]:
        if getattr(self, "swagger_fake_view", False):
            return Task.objects.none()
        query = TaskInboxQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        state = data.get("state", TaskState.OPEN)
        return selectors.inbox_for(
            self.request.user,
            selectors.InboxFilters(
                state="" if state == "all" else state,
                mark=data.get("mark", ""),
                item=data.get("item"),
                number=data.get("q", ""),
                mine=data.get("mine", False),
            ),
        )

    @extend_schema(
        summary="待办任务（本部门收件箱）",
        description=(
            "本部门（审核人员、科室负责人）的任务，到期日最近的在前，"
            "mark 为预警（yellow）或超期（red）标记。默认只列待办（state=open）。"
            "其他人（申请人、窗口人员）得到空列表。"
        ),
        parameters=[TaskInboxQuerySerializer],
        responses={200: TaskListSerializer(many=True), **errors(400, 401, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["tasks"])
class TaskDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="任务详情",
        description=(
            "任务、案卷、办件（申请表、材料、文件链接）、本案各部门意见、"
            "延期申请和补正要求。本部门以外的人返回404。"
        ),
        responses={200: TaskDetailSerializer, **errors(401, 404)},
    )
    def get(self, request, pk: int):
        return Response(_detail(request, pk))


class _TaskActionView(APIView):
    """POST on one task: parse the body, call one service, answer the task."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]
    input_serializer = None
    created = False
    action = ""  # names the audit entry of a refused try: workflow.<action>_refused

    def post(self, request, pk: int, **kwargs):
        task = _task_for_action(request, pk, self.action)
        data = {}
        if self.input_serializer is not None:
            serializer = self.input_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        result = self.act(request, task, data, **kwargs)
        if result is not None:
            return Response(
                result,
                status=status.HTTP_201_CREATED if self.created else status.HTTP_200_OK,
            )
        return Response(_detail(request, pk))

    def act(self, request, task: Task, data: dict, **kwargs) -> dict | None:
        raise NotImplementedError


@extend_schema(
    tags=["tasks"],
    summary="认领任务",
    description="本部门的审核人员认领待办任务；已由他人认领返回409。",
    request=None,
    responses={200: TaskDetailSerializer, **errors(401, 403, 404, 409)},
)
class TaskClaimView(_TaskActionView):
    action = "task_claim"

    def act(self, request, task, data, **kwargs):
        task_claim(task=task, actor=request.user)


@extend_schema(
    tags=["tasks"],
    summary="退回认领",
    description="认领人或本部门科室负责人把任务退回部门待办。",
    request=None,
    responses={200: TaskDetailSerializer, **errors(401, 403, 404, 409)},
)
class TaskReleaseView(_TaskActionView):
    action = "task_release"

    def act(self, request, task, data, **kwargs):
        task_release(task=task, actor=request.user)


@extend_schema(
    tags=["tasks"],
    summary="审查决定",
    description=(
        "认领人作出决定：approve 同意，reject 不同意（须写明法律依据 basis）。"
        "审查意见必填。案卷中止计时（待补正）时不能决定（409 case_suspended）；"
        "已决定的任务再次决定返回409 task_already_decided。"
    ),
    request=TaskDecideSerializer,
    responses={200: TaskDetailSerializer, **errors(400, 401, 403, 404, 409)},
)
class TaskDecideView(_TaskActionView):
    action = "task_decide"
    input_serializer = TaskDecideSerializer

    def act(self, request, task, data, **kwargs):
        task_decide(
            task=task,
            actor=request.user,
            outcome=data["outcome"],
            opinion=data["opinion"],
            basis=data["basis"],
        )


@extend_schema(
    tags=["tasks"],
    summary="要求补正（经窗口告知申请人）",
    description="案卷中止计时，直至窗口登记收到补正材料。",
    request=TaskSupplementRequestSerializer,
    responses={200: TaskDetailSerializer, **errors(400, 401, 403, 404, 409)},
)
class TaskRequestSupplementView(_TaskActionView):
    action = "task_request_supplement"
    input_serializer = TaskSupplementRequestSerializer

    def act(self, request, task, data, **kwargs):
        task_request_supplement(task=task, actor=request.user, text=data["text"])


@extend_schema(
    tags=["tasks"],
    summary="申请延期",
    description=(
        "本部门审核人员申请延长法定办理时限（行政许可法第四十二条：一次，"
        "最多10个工作日，多部门联合办理最多15个工作日），待本部门科室负责人审批。"
        "已有待审批或已批准的延期返回409 extension_exists。"
    ),
    request=ExtensionRequestSerializer,
    responses={201: ExtensionSerializer, **errors(400, 401, 403, 404, 409)},
)
class TaskExtensionRequestView(_TaskActionView):
    action = "extension_request"
    input_serializer = ExtensionRequestSerializer
    created = True

    def act(self, request, task, data, **kwargs):
        extension = extension_request(
            task=task, actor=request.user, days=data["days"], reason=data["reason"]
        )
        return ExtensionSerializer(extension).data


@extend_schema(
    tags=["tasks"],
    summary="审批延期（科室负责人）",
    description=(
        "本部门科室负责人审批该任务的延期申请：approve 为 true（默认）批准，"
        "为 false 不批准（note 写明理由）。批准后延长案卷法定时限和该任务时限，"
        "并告知申请人延期理由。非本部门科室负责人返回403 not_department_head；"
        "已审批的申请返回409。"
    ),
    request=ExtensionDecideSerializer,
    responses={200: ExtensionSerializer, **errors(400, 401, 403, 404, 409)},
)
class TaskExtensionApproveView(_TaskActionView):
    action = "extension_decide"
    input_serializer = ExtensionDecideSerializer

    def act(self, request, task, data, *, ext_id: int, **kwargs):
        extension = Extension.objects.filter(pk=ext_id, task=task).first()
        if extension is None:
            raise NotFoundError("extension_not_found", _("延期申请不存在或您无权查看"))
        if data["approve"]:
            extension = extension_approve(
                extension=extension, actor=request.user, note=data["note"]
            )
        else:
            extension = extension_refuse(
                extension=extension, actor=request.user, note=data["note"]
            )
        return ExtensionSerializer(extension).data


@extend_schema(
    tags=["tasks"],
    summary="改派任务（科室负责人）",
    description="本部门科室负责人把任务交给本部门另一名工作人员（assignee 为用户ID）。",
    request=TaskReassignSerializer,
    responses={200: TaskDetailSerializer, **errors(400, 401, 403, 404, 409)},
)
class TaskReassignView(_TaskActionView):
    action = "task_reassign"
    input_serializer = TaskReassignSerializer

    def act(self, request, task, data, **kwargs):
        task_reassign(
            task=task,
            actor=request.user,
            # Not a staff member of the department (or no such user) is the
            # service's field error assignee_not_in_department alike.
            assignee=department_staff_user(task.department_id, data["assignee"]),
        )


@extend_schema(
    tags=["applications"],
    summary="办理时间线",
    description=(
        "办件受理后的阶段、各部门任务、办理人、意见、中止计时、延期和时限（附计算说明链接）。"
        "申请人看到法律允许其看到的部分（不含内部意见和经办人员姓名）；"
        "本案相关部门的工作人员和受理大厅的窗口人员看到全部。无权查看返回404。"
    ),
    responses={200: TimelineSerializer, **errors(401, 404)},
)
class ApplicationTimelineView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, pk: int):
        timeline = selectors.timeline_for(pk, request.user)
        task_ids = set()
        if timeline.case is not None:
            task_ids = set(
                selectors.task_visible_to(request.user)
                .filter(case=timeline.case)
                .values_list("pk", flat=True)
            )
        return Response(
            TimelineSerializer(timeline, context={"task_ids": task_ids}).data
        )
