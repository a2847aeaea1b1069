"""Levels, tags, states and what counts as a completed application."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.constants import ApplicationStatus as S


class Level(models.IntegerChoices):
    """好差评's five levels; the code is the national interface's score (5 best)."""

    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASICALLY_SATISFIED = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


# 差评: the two lowest levels open a rectification.
BAD_LEVELS = frozenset({Level.DISSATISFIED, Level.VERY_DISSATISFIED})


class RatingTag(models.TextChoices):
    FAST = "fast", _("办理快")
    FRIENDLY = "friendly", _("态度好")
    CLEAR_GUIDE = "clear_guide", _("指南清楚")
    SLOW = "slow", _("办理慢")
    UNFRIENDLY = "unfriendly", _("态度差")
    MANY_TRIPS = "many_trips", _("多次跑腿")
    UNCLEAR = "unclear", _("一次性告知不清")


class RatingChannel(models.TextChoices):
    ONLINE = "online", _("网上评价")
    COUNTER = "counter", _("窗口评价")


class AppealState(models.TextChoices):
    NONE = "", _("未申诉")
    PENDING = "pending", _("申诉待复核")
    UPHELD = "upheld", _("申诉成立")
    DISMISSED = "dismissed", _("申诉不成立")


class RectificationState(models.TextChoices):
    OPEN = "open", _("整改中")
    SUBMITTED = "submitted", _("待复核")
    DONE = "done", _("整改完成")
    VOIDED = "voided", _("申诉成立，免于整改")


class ReviewOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("整改合格")
    RETURNED = "returned", _("退回重新整改")


class ComplaintState(models.TextChoices):
    RECEIVED = "received", _("已收到，待分派")
    ASSIGNED = "assigned", _("已分派，办理中")
    ANSWERED = "answered", _("已答复")


class ComplaintOutcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("投诉属实")
    PARTLY = "partly", _("部分属实")
    UNSUBSTANTIATED = "unsubstantiated", _("投诉不属实")


# Completed = the applicant has the outcome in hand (documented in domain.md):
# delivered (an approval is finished only once delivered), rejected, refused
# at acceptance, and archived unless the applicant withdrew it.
RATEABLE_STATUSES = frozenset({S.DELIVERED, S.REJECTED, S.REFUSED, S.CLOSED})

# Clock kinds and subject types on portal's clocks.
RECTIFICATION_CLOCK = "rectification"
COMPLAINT_CLOCK = "complaint"
RECTIFICATION_SUBJECT = "supervision.rectification"
COMPLAINT_SUBJECT = "supervision.complaint"


class OrderState(models.TextChoices):
    """督办's states: open (the department owes an answer), answered (a
    supervisor owes a review), closed (accepted). Sending an answer back
    opens the order again with a new deadline."""

    OPEN = "open", _("督办中")
    ANSWERED = "answered", _("已答复，待审核")
    CLOSED = "closed", _("已办结")


class OrderEventKind(models.TextChoices):
    ISSUED = "issued", _("下达督办")
    ESCALATED = "escalated", _("超期升级督办")
    ANSWERED = "answered", _("部门答复")
    RETURNED = "returned", _("退回重办")
    CLOSED = "closed", _("审核通过，办结")


ORDER_CLOCK = "supervision_order"
ORDER_SUBJECT = "supervision.order"
