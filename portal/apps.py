from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户与用户")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import workcalendar, workdays
        from .clocks import register_calendar_hooks
        from .roles import ensure_role_groups
        from .session_policy import stamp_login

        # add_working_days / is_working_day read the calendar table.
        workdays.set_calendar_source(workcalendar.current)

        # Every login path (views, admin, force_login) starts the session's
        # clocks; infrastructure like axes' receivers, not business logic.
        user_logged_in.connect(stamp_login, dispatch_uid="portal.stamp_login")

        # Clocks guard the calendar days they counted and follow its edits.
        register_calendar_hooks()

        # Groups and their model permissions exist after every migrate.
        post_migrate.connect(
            ensure_role_groups, dispatch_uid="portal.ensure_role_groups"
        )
