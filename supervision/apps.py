from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("监督评价")

    def ready(self) -> None:
        from applications import hooks

        from .services.deadlines import register_clock_handlers
        from .visibility import supervisor_visibility_rule

        # Rectification, complaint and order deadlines act through portal's clocks.
        register_clock_handlers()
        # A supervisor sees the applications of the part they oversee.
        hooks.register_visibility_rule(supervisor_visibility_rule)
