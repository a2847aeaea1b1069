from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("办件")

    def ready(self):
        from .services.tolerance import register_tolerance_handlers

        # Tolerated gaps' promise dates act through portal's clocks.
        register_tolerance_handlers()
