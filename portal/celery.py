"""The one Celery app, configured from Django settings (CELERY_* names)."""

import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def _redact_worker_logs(**kwargs) -> None:
    """The worker replaces the root logger's handlers set up from LOGGING;
    the new ones get the redacting filter too (portal.logging)."""
    from portal.logging import install_on_all_handlers

    install_on_all_handlers()
