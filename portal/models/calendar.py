"""The working-day calendar: days, years and the revision log.

A :class:`CalendarDay` overrides the weekday rule for one date (a holiday on a
weekday, a make-up working weekend, a local holiday). A confirmed
:class:`CalendarYear` is authoritative: its other days follow the weekday
rule. A year not confirmed follows the provisional rule of portal.workdays
plus its entries, and every date computed from it is flagged provisional.
Every edit (portal.workcalendar.calendar_days_set) appends one
:class:`CalendarRevision`; the current revision is the highest number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarSource(models.TextChoices):
    STATE_COUNCIL = "state_council", _("国务院放假通知")
    LOCAL = "local", _("本地规定")
    ADMIN = "admin", _("管理员调整")


class CalendarDay(models.Model):
    day = models.DateField(_("日期"), unique=True)
    working = models.BooleanField(_("工作日"))
    source = models.CharField(
        _("来源"),
        max_length=16,
        choices=CalendarSource.choices,
        default=CalendarSource.ADMIN,
    )
    note = models.CharField(_("说明"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("更新人"),
    )

    class Meta:
        ordering = ["day"]
        verbose_name = _("日历日")
        verbose_name_plural = _("日历日")

    def __str__(self) -> str:
        kind = _("工作日") if self.working else _("休息日")
        return f"{self.day.isoformat()} {kind} {self.note}".strip()


class CalendarYear(models.Model):
    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    confirmed = models.BooleanField(
        _("已确认"),
        default=False,
        help_text=_("已按国务院放假通知录入全年安排；未确认的年份按法定节假日暂定"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("日历年份")
        verbose_name_plural = _("日历年份")

    def __str__(self) -> str:
        return str(self.year)


class CalendarRevision(models.Model):
    """Append-only: one row per calendar edit; the current revision is the max."""

    number = models.BigAutoField(_("版本号"), primary_key=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    summary = models.CharField(_("摘要"), max_length=200)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("日历版本")
        verbose_name_plural = _("日历版本")

    def __str__(self) -> str:
        return f"#{self.number} {self.summary}"
