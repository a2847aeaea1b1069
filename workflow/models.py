"""The runtime of an accepted application: a case, its stages and tasks.

A :class:`Case` is opened at acceptance from the pinned item version's
process (``catalog.ProcessStage`` / ``ProcessStep``): one :class:`CaseStage`
per stage, and per stage one :class:`Task` per department (the steps of one
department in a stage are grouped into one task). The tasks of a stage run
in parallel; the stage closes, and the next opens, only in the service that
sees its last task approved, under the case's row lock
(workflow.services.routing). Deadlines are portal.clocks Clocks named by
``(SUBJECT_TASK, task.pk)`` / ``(SUBJECT_CASE, case.pk)``; a task keeps a
copy of its clock's due and warning days (``due_on``, ``warn_on``) so the
inbox is one indexed query with its marks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from . import constants as c

USER = settings.AUTH_USER_MODEL


class Case(models.Model):
    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.PROTECT,
        related_name="case",
        verbose_name=_("办件"),
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=c.CaseState.choices, default=c.CaseState.OPEN
    )
    joint = models.BooleanField(_("多部门联合办理"), default=False)
    statutory_days = models.PositiveIntegerField(_("法定时限"))
    statutory_unit = models.CharField(
        _("法定时限单位"), max_length=8, default="working"
    )
    promised_days = models.PositiveIntegerField(_("承诺时限"), null=True, blank=True)
    promised_unit = models.CharField(_("承诺时限单位"), max_length=8, default="working")
    immediate = models.BooleanField(_("即办件"), default=False)
    opened_on = models.DateField(_("受理日"))
    opened_at = models.DateTimeField(_("立案时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    current_stage = models.ForeignKey(
        "CaseStage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("当前阶段"),
    )

    class Meta:
        verbose_name = _("办理案卷")
        verbose_name_plural = _("办理案卷")
        permissions = [("consult_case", _("受邀会商此案卷"))]

    def __str__(self) -> str:
        return f"{self.application_id}"

    @property
    def is_open(self) -> bool:
        return self.state in c.OPEN_CASE_STATES


class CaseStage(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="stages", verbose_name=_("案卷")
    )
    order = models.PositiveIntegerField(_("顺序"))
    name = models.CharField(_("阶段名称"), max_length=100)
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=c.StageState.choices,
        default=c.StageState.WAITING,
    )
    opened_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["case", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "order"], name="workflow_stage_unique_order"
            )
        ]
        verbose_name = _("办理阶段")
        verbose_name_plural = _("办理阶段")

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    """One department's branch of a stage (the steps it handles in that stage)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("案卷")
    )
    stage = models.ForeignKey(
        CaseStage,
        on_delete=models.CASCADE,
        related_name="tasks",
        verbose_name=_("阶段"),
    )
    step = models.ForeignKey(
        "catalog.ProcessStep",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("环节"),
        help_text=_("该部门在本阶段的第一个环节"),
    )
    step_ids = models.JSONField(_("合并的环节"), default=list, blank=True)
    department = models.ForeignKey(
        "catalog.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("办理部门"),
    )
    name = models.CharField(_("名称"), max_length=300)
    limit_days = models.PositiveSmallIntegerField(_("环节时限（工作日）"))
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=c.TaskState.choices,
        default=c.TaskState.WAITING,
    )
    opened_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    due_on = models.DateField(_("到期日"), null=True, blank=True)
    warn_on = models.DateField(_("预警日"), null=True, blank=True)
    clock_id = models.BigIntegerField(_("计时编号"), null=True, blank=True)
    assignee = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("承办人"),
    )
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("办理人"),
    )
    site_inspection = models.BooleanField(_("需现场勘验"), default=False)
    special_procedure = models.BooleanField(_("特别程序"), default=False)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            # The inbox: a department's tasks by state, nearest due first.
            models.Index(
                fields=["department", "state", "due_on", "id"],
                name="workflow_task_inbox",
            ),
            models.Index(fields=["case", "stage"], name="workflow_task_case"),
        ]
        verbose_name = _("办理任务")
        verbose_name_plural = _("办理任务")

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.state == c.TaskState.OPEN


class Opinion(models.Model):
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("任务")
    )
    author = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("填写人")
    )
    outcome = models.CharField(
        _("类别"), max_length=16, choices=c.OpinionOutcome.choices
    )
    text = models.TextField(_("意见"))
    basis = models.CharField(_("依据"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("审查意见")
        verbose_name_plural = _("审查意见")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} #{self.task_id}"


class Extension(models.Model):
    """A request to extend the case's statutory limit (延期, Art. 42)."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="extensions",
        verbose_name=_("案卷"),
    )
    task = models.ForeignKey(
        Task,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="extensions",
        verbose_name=_("任务"),
    )
    department = models.ForeignKey(
        "catalog.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("申请部门"),
    )
    requested_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    requested_at = models.DateTimeField(_("申请时间"))
    days = models.PositiveSmallIntegerField(_("延长工作日"))
    reason = models.TextField(_("延期理由"))
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=c.ExtensionState.choices,
        default=c.ExtensionState.REQUESTED,
    )
    decided_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            # One extension per case (Art. 42): one pending or granted at most.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(state__in=["requested", "approved"]),
                name="workflow_one_extension_per_case",
            )
        ]
        indexes = [
            models.Index(fields=["department", "state"], name="workflow_extension_desk")
        ]
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")

    def __str__(self) -> str:
        return f"{self.days} #{self.case_id}"


class SupplementRequest(models.Model):
    """A reviewer's request for a supplement, passed on by the hall (补正).

    While one is open (``received_at`` None) the case and its clocks are
    suspended with reason ``supplement``.
    """

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="supplements",
        verbose_name=_("案卷"),
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.CASCADE,
        related_name="supplements",
        verbose_name=_("任务"),
    )
    requested_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("提出人")
    )
    requested_at = models.DateTimeField(_("提出时间"))
    text = models.TextField(_("需补正的内容"))
    received_at = models.DateTimeField(_("补正收到时间"), null=True, blank=True)
    received_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("收件人"),
    )
    received_note = models.CharField(_("收件说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(received_at__isnull=True),
                name="workflow_one_open_supplement",
            )
        ]
        verbose_name = _("补正要求")
        verbose_name_plural = _("补正要求")

    def __str__(self) -> str:
        return f"#{self.case_id} {self.requested_at:%Y-%m-%d}"


class Consultation(models.Model):
    """A named staff user outside the department invited to consult on one case."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="consultations",
        verbose_name=_("案卷"),
    )
    user = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("会商人")
    )
    invited_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("邀请人")
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    at = models.DateTimeField(_("邀请时间"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"], name="workflow_consultation_unique"
            )
        ]
        verbose_name = _("会商邀请")
        verbose_name_plural = _("会商邀请")

    def __str__(self) -> str:
        return f"#{self.case_id} {self.user_id}"


class CaseUserObjectPermission(UserObjectPermissionBase):
    """django-guardian's direct-FK grant on a case (indexed join, no generic FK)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("案卷授权")
        verbose_name_plural = _("案卷授权")


class Inspection(models.Model):
    """One joint site inspection (一次集中踏勘) covering several tasks of a case."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="inspections",
        verbose_name=_("案卷"),
    )
    on = models.DateField(_("踏勘日期"))
    last_day = models.DateField(_("踏勘结束日期"))
    place = models.CharField(_("踏勘地点"), max_length=300)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    tasks = models.ManyToManyField(
        Task, related_name="inspections", verbose_name=_("参加的任务")
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("安排人")
    )
    created_at = models.DateTimeField(_("安排时间"))

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("集中踏勘")
        verbose_name_plural = _("集中踏勘")

    def __str__(self) -> str:
        return f"{self.on} {self.place}"


class InspectionFinding(models.Model):
    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.CASCADE,
        related_name="findings",
        verbose_name=_("踏勘"),
    )
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="+", verbose_name=_("任务")
    )
    author = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("填写人")
    )
    text = models.TextField(_("踏勘意见"))
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "task"], name="workflow_finding_unique"
            )
        ]
        verbose_name = _("踏勘意见")
        verbose_name_plural = _("踏勘意见")

    def __str__(self) -> str:
        return f"#{self.inspection_id} {self.task_id}"


class Card(models.Model):
    """A yellow or red card (预警 / 超期) on a task, or on the case (task None)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="cards", verbose_name=_("案卷")
    )
    task = models.ForeignKey(
        Task,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cards",
        verbose_name=_("任务"),
    )
    department = models.ForeignKey(
        "catalog.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("部门"),
    )
    colour = models.CharField(_("颜色"), max_length=8, choices=c.CardColour.choices)
    clock_kind = models.CharField(_("时限种类"), max_length=32)
    clock_id = models.BigIntegerField(_("计时编号"))
    raised_at = models.DateTimeField(_("亮牌时间"))
    escalated_at = models.DateTimeField(_("督办时间"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("撤牌时间"), null=True, blank=True)
    # A red card's answer by the department head (答复督办), once.
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("答复人"),
    )
    answer = models.TextField(_("督办答复"), blank=True)

    class Meta:
        ordering = ["-raised_at", "id"]
        constraints = [
            # A deadline fires once; a card of a colour is raised once per clock.
            models.UniqueConstraint(
                fields=["clock_id", "colour"], name="workflow_card_once_per_clock"
            )
        ]
        indexes = [
            models.Index(
                fields=["department", "colour"],
                condition=Q(cleared_at__isnull=True),
                name="workflow_card_open",
            )
        ]
        verbose_name = _("预警牌")
        verbose_name_plural = _("预警牌")

    def __str__(self) -> str:
        return f"{self.get_colour_display()} #{self.clock_id}"
