"""One way out for e-mail and SMS: ``send(message)`` picks the backend by channel.

E-mail goes through Django's mail (``settings.EMAIL_BACKEND``: console in
development, locmem in tests, SMTP in production). SMS goes through the class
named by ``settings.SMS_BACKEND``; a real gateway is added later as another
class with the same ``send`` method, named there by its path.

Backends raise on failure and never retry themselves: retry state lives in the
outbox row (applications.services.notify). Logs carry ids, a masked phone and
lengths, never a message text or a full number (DOMAIN.md, Privacy).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.module_loading import import_string

from applications.constants import OutboxChannel
from applications.privacy import mask_phone

if TYPE_CHECKING:
    from applications.models import OutboxMessage

logger = logging.getLogger(__name__)

SMS_FILE_NAME = "sms.jsonl"


class NotificationError(Exception):
    """A message could not be handed over; the outbox records it and retries."""


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str, reference: str) -> None:
        """Hand one text to the gateway; raise on any failure.

        ``reference`` is stable per outbox row, so a gateway that supports a
        client reference can refuse a duplicate on its side too.
        """


class ConsoleSmsBackend:
    """Development: log that a text went out, without the text or the number."""

    def send(self, *, to: str, text: str, reference: str) -> None:
        logger.info(
            "sms.console to=%s length=%s reference=%s",
            mask_phone(to),
            len(text),
            reference,
        )


class FileSmsBackend:
    """Development and tests: append one JSON line per text to a file.

    The file stands in for the gateway (it holds what a gateway would get), so
    it lives under VAR_DIR, never in the logs.
    """

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory or settings.NOTIFY_FILE_DIR)

    @property
    def path(self) -> Path:
        return self.directory / SMS_FILE_NAME

    def send(self, *, to: str, text: str, reference: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {
                "at": timezone.now().isoformat(),
                "reference": reference,
                "to": to,
                "text": text,
            },
            ensure_ascii=False,
        )
        # One write of one whole line in append mode: concurrent workers'
        # lines do not interleave.
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")


def get_sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def message_reference(message: OutboxMessage) -> str:
    return f"outbox-{message.pk}"


def send(message: OutboxMessage) -> None:
    """Send one outbox message through its channel's backend; raise on failure."""
    reference = message_reference(message)
    if message.channel == OutboxChannel.EMAIL:
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={"X-Outbox-Reference": reference},
        )
        if email.send(fail_silently=False) != 1:
            raise NotificationError("e-mail backend accepted no message")
    elif message.channel == OutboxChannel.SMS:
        get_sms_backend().send(
            to=message.recipient, text=message.body, reference=reference
        )
    else:
        raise NotificationError(f"unknown channel {message.channel!r}")
