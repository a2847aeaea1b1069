"""Admin of the working-day calendar: days, years, revisions.

Every change goes through portal.workcalendar.calendar_days_set (one
revision, one audit entry, the clock engine's guards and handlers), never a
plain model save. Who may edit: a superuser or a catalog editor
(事项管理员, portal.roles); supervisors may look. Revisions are read-only.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .admin import ReadOnlyAdminMixin, ServiceErrorAdminMixin, service_error_messages
from .errors import ServiceError
from .models import CalendarDay, CalendarRevision, CalendarYear
from .roles import Role, user_has_role
from .workcalendar import calendar_days_set


def may_edit_calendar(user) -> bool:
    return bool(getattr(user, "is_active", False)) and user_has_role(
        user, Role.CATALOG_EDITOR
    )


def may_view_calendar(user) -> bool:
    return may_edit_calendar(user) or (
        bool(getattr(user, "is_active", False)) and user_has_role(user, Role.SUPERVISOR)
    )


class CalendarPermissionMixin:
    def has_module_permission(self, request) -> bool:
        return may_view_calendar(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return may_view_calendar(request.user)

    def has_add_permission(self, request) -> bool:
        return may_edit_calendar(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return may_edit_calendar(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return may_edit_calendar(request.user)

    def run_edit(self, request, **kwargs) -> int | None:
        """calendar_days_set for an action: messages instead of an error page."""
        try:
            return calendar_days_set(actor=request.user, **kwargs)
        except ServiceError as exc:
            for line in service_error_messages(exc):
                self.message_user(request, line, messages.ERROR)
            return None


@admin.register(CalendarDay)
class CalendarDayAdmin(
    CalendarPermissionMixin, ServiceErrorAdminMixin, admin.ModelAdmin
):
    list_display = ("day", "working", "source", "note", "updated_at", "updated_by")
    list_filter = ("working", "source")
    search_fields = ("note",)
    date_hierarchy = "day"
    fields = ("day", "working", "source", "note")
    list_select_related = ("updated_by",)
    actions = ["remove_days"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        # A plain delete would bypass the revision, the audit and the guards.
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change) -> None:
        remove = []
        if change and "day" in form.changed_data and form.initial.get("day"):
            remove = [form.initial["day"]]
        calendar_days_set(
            actor=request.user,
            entries=[(obj.day, obj.working, obj.source, obj.note)],
            remove=remove,
            summary=gettext("管理后台设置 %(day)s") % {"day": obj.day.isoformat()},
        )
        # The row the service wrote (the admin's redirect and log need its id).
        obj.pk = CalendarDay.objects.only("pk").get(day=obj.day).pk

    def delete_model(self, request, obj) -> None:
        calendar_days_set(
            actor=request.user,
            remove=[obj.day],
            summary=gettext("管理后台删除 %(day)s，恢复按星期计算")
            % {"day": obj.day.isoformat()},
        )

    @admin.action(description=_("删除所选日期（恢复按星期计算）"))
    def remove_days(self, request, queryset) -> None:
        days = sorted(queryset.values_list("day", flat=True))
        if not days:
            return
        revision = self.run_edit(
            request,
            remove=days,
            summary=gettext("管理后台删除 %(n)d 个日期") % {"n": len(days)},
        )
        if revision is not None:
            self.message_user(
                request,
                gettext("已删除 %(n)d 个日期（日历第%(revision)d版）")
                % {"n": len(days), "revision": revision},
            )


@admin.register(CalendarYear)
class CalendarYearAdmin(
    CalendarPermissionMixin, ServiceErrorAdminMixin, admin.ModelAdmin
):
    list_display = ("year", "confirmed", "note")
    list_filter = ("confirmed",)
    fields = ("year", "confirmed", "note")
    actions = ["confirm_years"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # unconfirm instead: a year row says whether it is settled

    def get_readonly_fields(self, request, obj=None):
        return ("year",) if obj is not None else ()

    def save_model(self, request, obj, form, change) -> None:
        calendar_days_set(
            actor=request.user,
            years=[(obj.year, obj.confirmed, obj.note)],
            summary=gettext("管理后台设置 %(year)d 年") % {"year": obj.year},
        )
        obj.pk = CalendarYear.objects.only("pk").get(year=obj.year).pk

    @admin.action(description=_("确认所选年份（已按国务院通知录入）"))
    def confirm_years(self, request, queryset) -> None:
        rows = list(queryset.order_by("year"))
        revision = self.run_edit(
            request,
            years=[(row.year, True, row.note) for row in rows],
            summary=gettext("管理后台确认 %(years)s 年")
            % {"years": "、".join(str(row.year) for row in rows)},
        )
        if revision is not None:
            self.message_user(
                request,
                gettext("已确认 %(n)d 个年份（日历第%(revision)d版）")
                % {"n": len(rows), "revision": revision},
            )


@admin.register(CalendarRevision)
class CalendarRevisionAdmin(
    ReadOnlyAdminMixin, CalendarPermissionMixin, admin.ModelAdmin
):
    list_display = ("number", "at", "actor", "summary")
    list_select_related = ("actor",)
    fields = ("number", "at", "actor", "summary")
    readonly_fields = fields
