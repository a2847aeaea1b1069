"""Ratings (好差评) with their rectifications and appeals; counter visits; complaints."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import constants as c

USER = settings.AUTH_USER_MODEL


class Visit(models.Model):
    """One counter visit in a hall, identified by the hall and its visit reference.

    The reference is what the hall already hands out (the queue ticket, 取号).
    The rated department is the serving clerk's department, when they have one.
    """

    hall = models.ForeignKey(
        "catalog.ServiceHall", on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("来访编号"), max_length=40)
    department = models.ForeignKey(
        "catalog.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("办理部门"),
    )
    served_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("窗口来访")
        verbose_name_plural = _("窗口来访")
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "reference"], name="supervision_visit_unique_ref"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hall_id}:{self.reference}"


class Rating(models.Model):
    """One rating of one application or one counter visit (never both)."""

    application = models.OneToOneField(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    visit = models.OneToOneField(
        Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="rating"
    )
    channel = models.CharField(max_length=16, choices=c.RatingChannel.choices)
    department = models.ForeignKey(
        "catalog.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("被评价部门"),
    )
    rater = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=c.Level.choices)
    comment = models.CharField(_("评价内容"), max_length=500, blank=True)
    # A JSON list of RatingTag values, checked by the services (clean_tags):
    # JSON rather than an ARRAY so make run's SQLite database takes it too.
    tags = models.JSONField(_("评价标签"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    appeal_state = models.CharField(
        _("申诉状态"),
        max_length=16,
        choices=c.AppealState.choices,
        default=c.AppealState.NONE,
        blank=True,
    )

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        indexes = [
            models.Index(fields=["department", "created_at"], name="supv_rating_dept")
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(application__isnull=False, visit__isnull=True)
                    | Q(application__isnull=True, visit__isnull=False)
                ),
                name="supervision_rating_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5),
                name="supervision_rating_level_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} #{self.pk}"

    @property
    def is_bad(self) -> bool:
        return self.level in c.BAD_LEVELS


class Rectification(models.Model):
    """差评整改: the handling department's answer to a bad rating, on a clock."""

    rating = models.OneToOneField(
        Rating, on_delete=models.PROTECT, related_name="rectification"
    )
    department = models.ForeignKey(
        "catalog.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        max_length=16,
        choices=c.RectificationState.choices,
        default=c.RectificationState.OPEN,
    )
    clock = models.ForeignKey(
        "portal.Clock", null=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("整改期限"), null=True)
    overdue = models.BooleanField(_("已超期"), default=False)
    callback_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    callback_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    callback_note = models.TextField(_("回访记录"), blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_outcome = models.CharField(
        max_length=16, choices=c.ReviewOutcome.choices, blank=True
    )
    review_note = models.TextField(_("复核意见"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        indexes = [
            models.Index(
                fields=["department", "state", "created_at"], name="supv_rect_dept"
            )
        ]

    def __str__(self) -> str:
        return f"rectification #{self.pk}"


class Appeal(models.Model):
    """申诉: the department asks a supervisor to re-check a rating it finds unfair."""

    rating = models.OneToOneField(
        Rating, on_delete=models.PROTECT, related_name="appeal"
    )
    filed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField()
    reason = models.TextField(_("申诉理由"))
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("复核结论"), blank=True)

    class Meta:
        verbose_name = _("差评申诉")
        verbose_name_plural = _("差评申诉")

    def __str__(self) -> str:
        return f"appeal #{self.pk}"


class Complaint(models.Model):
    """投诉: public, about an application number or a department, on its own clock."""

    number = models.CharField(_("投诉编号"), max_length=20, unique=True)
    query_code = models.CharField(_("查询码"), max_length=8)
    application_number = models.CharField(_("所涉办件编号"), max_length=47, blank=True)
    application = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "catalog.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("承办部门"),
    )
    content = models.TextField(_("投诉内容"))
    contact_name = models.CharField(_("联系人"), max_length=40)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    filed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        max_length=16,
        choices=c.ComplaintState.choices,
        default=c.ComplaintState.RECEIVED,
    )
    clock = models.ForeignKey(
        "portal.Clock", null=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("办理期限"), null=True)
    overdue = models.BooleanField(_("已超期"), default=False)
    assigned_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reply = models.TextField(_("答复内容"), blank=True)
    outcome = models.CharField(
        max_length=16, choices=c.ComplaintOutcome.choices, blank=True
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")
        indexes = [
            models.Index(
                fields=["department", "state", "created_at"], name="supv_complaint_dept"
            )
        ]

    def __str__(self) -> str:
        return self.number


class SupervisionOrder(models.Model):
    """督办: a supervisor's order to a department, on portal's clocks.

    Optionally about a card (its application is then the card's) or an
    application. ``clock`` is the current round's clock (kind
    ``supervision_order``); a returned order gets a new one. A missed
    deadline escalates (``escalation_count`` +1), and again every further
    working day the order stays unanswered (supervision.services.orders).
    """

    department = models.ForeignKey(
        "catalog.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("被督办部门"),
    )
    card = models.ForeignKey(
        "workflow.Card",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("所涉预警牌"),
    )
    application = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所涉办件"),
    )
    note = models.TextField(_("督办事项和要求"))
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=c.OrderState.choices,
        default=c.OrderState.OPEN,
    )
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("下达时间"))
    # The deadline as given: a number of working days, or a date (moved to
    # the first working day on or after it when it is a rest day).
    limit_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"))
    requested_on = models.DateField(_("要求完成日期"), null=True, blank=True)
    clock = models.ForeignKey(
        "portal.Clock", null=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("办理期限"), null=True)
    overdue = models.BooleanField(_("已超期"), default=False)
    escalation_count = models.PositiveSmallIntegerField(_("升级督办次数"), default=0)
    escalated_at = models.DateTimeField(_("最近升级时间"), null=True, blank=True)
    answer = models.TextField(_("办理情况"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField(_("审核意见"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rounds = models.PositiveSmallIntegerField(_("办理轮次"), default=1)

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        indexes = [
            models.Index(
                fields=["department", "state", "issued_at"], name="supv_order_dept"
            ),
            models.Index(fields=["state", "due_on"], name="supv_order_state_due"),
        ]

    def __str__(self) -> str:
        return f"order #{self.pk}"

    @property
    def number(self) -> str:
        """The reference shown on pages and messages (督办单号)."""
        return f"DB{self.issued_at:%Y%m%d}-{self.pk:05d}" if self.pk else ""


class SupervisionOrderEvent(models.Model):
    """One step of an order's history: issued, escalated, answered, returned, closed."""

    order = models.ForeignKey(
        SupervisionOrder, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=16, choices=c.OrderEventKind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(blank=True)
    due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")

    def __str__(self) -> str:
        return f"{self.kind} #{self.order_id}"
