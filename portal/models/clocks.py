"""Clocks and their durable deadlines (portal base; no app imports).

A :class:`Clock` times one thing the law or a promise times (a task, a case's
promised or statutory limit, delivery, a tolerated gap's promise date). It is
a log of :class:`ClockSegment` rows, running and suspended (with a typed
reason), so its due date moves when it stops and restarts; ``due_on`` is the
stored result of portal.workdays.due_date over that log (None while a
suspension is open). A :class:`Deadline` is one moment something must happen
(warning, due, escalation); the beat sweep (portal.clocks.deadlines_sweep)
claims the open ones whose ``fire_at`` has passed through a partial index and
acts once on each (docs/adr/0009-durable-deadlines.md).

``subject_type``/``subject_id`` name what is timed (``"workflow.task"``, 42)
without a foreign key, so the base does not import the apps that use it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ClockUnit(models.TextChoices):
    WORKING = "working", _("工作日")
    NATURAL = "natural", _("自然日")


class ClockState(models.TextChoices):
    RUNNING = "running", _("计时中")
    SUSPENDED = "suspended", _("已中止计时")
    STOPPED = "stopped", _("已停止")


class SegmentState(models.TextChoices):
    RUNNING = "running", _("计时")
    SUSPENDED = "suspended", _("中止计时")


class SuspensionReason(models.TextChoices):
    """Why a clock does not count (行政许可法 Art. 45, and the applicant's supplement)."""

    SUPPLEMENT = "supplement", _("申请人补正材料")
    HEARING = "hearing", _("听证")
    TESTING = "testing", _("检验、检测、检疫")
    APPRAISAL = "appraisal", _("鉴定")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    INSPECTION = "inspection", _("现场勘验")
    TENDER_AUCTION = "tender_auction", _("招标、拍卖")
    OTHER = "other", _("其他特别程序")


class DeadlineKind(models.TextChoices):
    WARNING = "warning", _("预警")
    DUE = "due", _("到期")
    ESCALATION = "escalation", _("超期督办")


class DeadlineState(models.TextChoices):
    OPEN = "open", _("待触发")
    FIRED = "fired", _("已触发")
    CANCELLED = "cancelled", _("已取消")


class Clock(models.Model):
    subject_type = models.CharField(_("计时对象类型"), max_length=64)
    subject_id = models.BigIntegerField(_("计时对象编号"))
    kind = models.CharField(_("时限种类"), max_length=32)
    label = models.CharField(_("计时事项"), max_length=200, blank=True)
    unit = models.CharField(
        _("计时单位"),
        max_length=8,
        choices=ClockUnit.choices,
        default=ClockUnit.WORKING,
    )
    limit_days = models.PositiveIntegerField(_("时限天数"))
    extension_days = models.PositiveIntegerField(_("延长天数"), default=0)
    warn_days = models.PositiveSmallIntegerField(_("提前预警天数"), default=1)
    started_on = models.DateField(_("起算日"))
    state = models.CharField(
        _("状态"), max_length=16, choices=ClockState.choices, default=ClockState.RUNNING
    )
    due_on = models.DateField(_("到期日"), null=True, blank=True)
    provisional = models.BooleanField(_("到期日为暂定"), default=False)
    calendar_revision = models.PositiveIntegerField(_("日历版本"), default=0)
    stopped_on = models.DateField(_("停止日"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("停止时间"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("计时")
        verbose_name_plural = _("计时")
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id"], name="portal_clock_subject"
            ),
            # The calendar change handler: open clocks on provisional days.
            models.Index(
                fields=["started_on"],
                condition=Q(provisional=True) & ~Q(state="stopped"),
                name="portal_clock_open_provisional",
            ),
            # The day guard: stopped clocks by the days they counted.
            models.Index(
                fields=["stopped_on", "started_on"],
                condition=Q(state="stopped"),
                name="portal_clock_stopped_days",
            ),
        ]
        constraints = [
            # One clock per timed thing: a new one only once the last stopped.
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "kind"],
                condition=~Q(state="stopped"),
                name="portal_clock_one_open_per_subject_kind",
            ),
            models.CheckConstraint(
                condition=Q(state="stopped", stopped_on__isnull=False)
                | (~Q(state="stopped") & Q(stopped_on__isnull=True)),
                name="portal_clock_stopped_on_iff_stopped",
            ),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.subject_type}#{self.subject_id} {self.kind}"


class ClockSegment(models.Model):
    """One stretch of a clock: running, or suspended for a typed reason.

    Dates are the days the events happened: a running segment from the start
    (or resumption) day, a suspended one from the day it was suspended to the
    day it resumed (``last`` None while open). portal.clocks turns them into
    the days not counted (the suspension day still counts, the resumption day
    does not: it is a new start, Art. 82's "start day not counted").
    """

    clock = models.ForeignKey(
        Clock, on_delete=models.CASCADE, related_name="segments", verbose_name=_("计时")
    )
    state = models.CharField(_("状态"), max_length=16, choices=SegmentState.choices)
    reason = models.CharField(
        _("中止原因"), max_length=32, choices=SuspensionReason.choices, blank=True
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    first = models.DateField(_("起"))
    last = models.DateField(_("止"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["first", "pk"]
        verbose_name = _("计时段")
        verbose_name_plural = _("计时段")
        constraints = [
            models.UniqueConstraint(
                fields=["clock"],
                condition=Q(last__isnull=True),
                name="portal_clocksegment_one_open",
            ),
            models.CheckConstraint(
                condition=Q(state="running", reason="")
                | (Q(state="suspended") & ~Q(reason="")),
                name="portal_clocksegment_reason_iff_suspended",
            ),
            models.CheckConstraint(
                condition=Q(last__isnull=True) | Q(last__gte=models.F("first")),
                name="portal_clocksegment_last_after_first",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.state} {self.first}–{self.last or ''}"


class Deadline(models.Model):
    clock = models.ForeignKey(
        Clock,
        on_delete=models.CASCADE,
        related_name="deadlines",
        verbose_name=_("计时"),
    )
    kind = models.CharField(_("种类"), max_length=16, choices=DeadlineKind.choices)
    fire_at = models.DateTimeField(_("触发时间"))
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=DeadlineState.choices,
        default=DeadlineState.OPEN,
    )
    calendar_revision = models.PositiveIntegerField(_("日历版本"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    fired_at = models.DateTimeField(_("触发于"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消于"), null=True, blank=True)

    class Meta:
        verbose_name = _("期限")
        verbose_name_plural = _("期限")
        indexes = [
            # The sweep's only index: it holds open deadlines alone, so the
            # claim (state='open' AND fire_at <= now ORDER BY fire_at LIMIT n)
            # reads the due head of it however many fired rows pile up.
            models.Index(
                fields=["fire_at"],
                condition=Q(state="open"),
                name="portal_deadline_open_fire_at",
            ),
            models.Index(fields=["clock", "kind"], name="portal_deadline_clock_kind"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["clock", "kind"],
                condition=Q(state="open"),
                name="portal_deadline_one_open_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(state="fired", fired_at__isnull=False) | ~Q(state="fired"),
                name="portal_deadline_fired_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.fire_at:%Y-%m-%d %H:%M} ({self.state})"
