"""One way out for e-mail and SMS: :func:`deliver` picks the backend by channel.

E-mail goes through Django's mail (``settings.EMAIL_BACKEND``: console in
development, locmem in tests, SMTP in production) with a Message-ID made
from the outbox row's id. SMS goes through the class named by
``settings.SMS_BACKEND``; a real gateway is added later as another class with
the same ``send`` method, named there by its path, and passes ``reference``
as the gateway's client message id.

The promise (README "Notifications"): at least once, deduplicated by the
message id. A sender may die after the gateway accepted a message and before
the outbox recorded it; the outbox then sends it again with the same id, and
the gateway drops the repeat. The development backends here drop repeats by
that id too (people.outbox.ledger), so what they write is what a recipient
would get.

Backends raise on failure and never retry themselves: retry state lives in the
outbox row (people.services.outbox). A dropped repeat is not a failure: the
gateway has the message. Logs carry ids, a masked phone and lengths, never a
message text or a full number.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.module_loading import import_string

from people.constants import OutboxChannel
from people.privacy import mask_phone

from . import ledger

if TYPE_CHECKING:
    from people.models import OutboxMessage

logger = logging.getLogger(__name__)

SMS_FILE_NAME = "sms.jsonl"
CONSOLE_SMS_LEDGER = "sms-console.jsonl"


class NotificationError(Exception):
    """A message could not be handed over; the outbox records it and retries."""


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str, reference: str) -> None:
        """Hand one text to the gateway; raise on any failure.

        ``reference`` is the outbox row's id (``outbox-<pk>``), the same on
        every attempt: pass it as the gateway's client message id, so that
        the gateway drops a repeat. Answer normally when the gateway says it
        has that id already.
        """


class ConsoleSmsBackend:
    """Development: log that a text went out, without the text or the number.

    A repeat of an id already logged is dropped (and logged as such), as a
    gateway would drop it; the ids are kept in NOTIFY_FILE_DIR.
    """

    def send(self, *, to: str, text: str, reference: str) -> None:
        accepted = ledger.accept_once(
            Path(settings.NOTIFY_FILE_DIR) / CONSOLE_SMS_LEDGER,
            reference,
            {"at": timezone.now().isoformat()},
        )
        logger.info(
            "sms.console%s to=%s length=%s reference=%s",
            "" if accepted else ".repeat_dropped",
            mask_phone(to),
            len(text),
            reference,
        )


class FileSmsBackend:
    """Development and tests: append one JSON line per text to a file.

    The file stands in for the gateway (it holds what a gateway would get),
    so it lives under VAR_DIR, never in the logs. Like a gateway it drops a
    repeat of a reference it holds already.
    """

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory or settings.NOTIFY_FILE_DIR)

    @property
    def path(self) -> Path:
        return self.directory / SMS_FILE_NAME

    def send(self, *, to: str, text: str, reference: str) -> None:
        accepted = ledger.accept_once(
            self.path,
            reference,
            {"at": timezone.now().isoformat(), "to": to, "text": text},
        )
        if not accepted:
            logger.info("sms.file.repeat_dropped reference=%s", reference)


def get_sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def message_reference(message: OutboxMessage) -> str:
    """The client message id of a row: the same on every attempt."""
    return f"outbox-{message.pk}"


def message_id_header(message: OutboxMessage) -> str:
    """The e-mail Message-ID of a row (RFC 5322), the same on every attempt."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return f"<{message_reference(message)}@{domain}>"


def deliver(message: OutboxMessage) -> None:
    """Hand one outbox message to its channel's backend; raise on failure."""
    reference = message_reference(message)
    if message.channel == OutboxChannel.EMAIL:
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={
                "Message-ID": message_id_header(message),
                "X-Outbox-Reference": reference,
            },
        )
        if email.send(fail_silently=False) != 1:
            raise NotificationError("e-mail backend accepted no message")
    elif message.channel == OutboxChannel.SMS:
        get_sms_backend().send(
            to=message.recipient, text=message.body, reference=reference
        )
    else:
        raise NotificationError(f"unknown channel {message.channel!r}")
