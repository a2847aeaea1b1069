from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("监督评价")

    def ready(self) -> None:
        from .services.deadlines import register_clock_handlers

        # Rectification and complaint deadlines act through portal's clocks.
        register_clock_handlers()
