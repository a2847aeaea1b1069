from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户与用户")

    def ready(self) -> None:
        from .roles import ensure_role_groups

        # Groups and their model permissions exist after every migrate.
        post_migrate.connect(
            ensure_role_groups, dispatch_uid="portal.ensure_role_groups"
        )
