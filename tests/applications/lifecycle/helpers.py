"""Building blocks of the lifecycle tests."""

from __future__ import annotations

from applications import constants as c
from applications.models import Application
from applications.services.status import application_transition

S = c.ApplicationStatus


def in_review(application: Application, actor) -> Application:
    """Accepted -> in review, as workflow will when it routes the application."""
    return application_transition(
        application=application, to_status=S.IN_REVIEW, actor=actor
    )


def forced(application: Application, status: str) -> Application:
    """The row put into ``status`` directly (to test a refusal from there)."""
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    return application


def sms_bodies(application: Application) -> list[str]:
    """The SMS texts written to the outbox about ``application``, oldest first."""
    from people.constants import OutboxChannel
    from people.models import OutboxMessage

    return list(
        OutboxMessage.objects.about(application)
        .filter(channel=OutboxChannel.SMS)
        .order_by("pk")
        .values_list("body", flat=True)
    )
