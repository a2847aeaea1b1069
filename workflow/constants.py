"""Statuses and names of the workflow app (stored values never change)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    OPEN = "open", _("办理中")
    SUSPENDED = "suspended", _("中止计时（待补正）")
    APPROVED = "approved", _("准予许可")
    REJECTED = "rejected", _("不予许可")
    WITHDRAWN = "withdrawn", _("已撤回")


class StageState(models.TextChoices):
    WAITING = "waiting", _("未开始")
    OPEN = "open", _("办理中")
    DONE = "done", _("已完成")


class TaskState(models.TextChoices):
    """A task of a stage not opened yet is WAITING (not in any inbox, not actionable)."""

    WAITING = "waiting", _("未开始")
    OPEN = "open", _("待办")
    APPROVED = "approved", _("同意")
    REJECTED = "rejected", _("不同意")
    CANCELLED = "cancelled", _("已取消")


class OpinionOutcome(models.TextChoices):
    APPROVE = "approve", _("同意")
    REJECT = "reject", _("不同意")
    COMMENT = "comment", _("内部意见")
    SUPPLEMENT = "supplement", _("要求补正")


class ExtensionState(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")


class CardColour(models.TextChoices):
    YELLOW = "yellow", _("黄牌")
    RED = "red", _("红牌")


class Mark(models.TextChoices):
    """The inbox mark of an open task, computed from its stored dates."""

    NONE = "", _("正常")
    YELLOW = "yellow", _("临近到期")
    RED = "red", _("已超期")


# Clock kinds workflow starts (portal.clocks; subject types below).
CLOCK_TASK = "task"
CLOCK_CASE_PROMISED = "case_promised"
CLOCK_CASE_STATUTORY = "case_statutory"
CLOCK_DELIVERY = "delivery"

SUBJECT_TASK = "workflow.task"
SUBJECT_CASE = "workflow.case"

# Administrative Licensing Law Art. 42: 20 working days, +10 with the head's
# approval; joint or centralised handling across departments 45, +15.
STATUTORY_DAYS = 20
STATUTORY_DAYS_JOINT = 45
EXTENSION_CAP = 10
EXTENSION_CAP_JOINT = 15
DELIVERY_DAYS = 10  # Art. 44

OPEN_CASE_STATES = {CaseState.OPEN, CaseState.SUSPENDED}
ENDED_CASE_STATES = {CaseState.APPROVED, CaseState.REJECTED, CaseState.WITHDRAWN}
