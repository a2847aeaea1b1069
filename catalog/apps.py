from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("事项目录")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
