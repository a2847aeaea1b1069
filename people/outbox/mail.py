"""Development e-mail backends that drop a repeat of a Message-ID, as mail
systems do with the outbox's ids (people.outbox.backends.message_id_header).

``FileEmailBackend`` is the development default (portal/settings/dev.py): the
whole message, as a recipient would get it, goes to a file under
``EMAIL_FILE_PATH`` (``var/mail/``), never to the console log, because a
message carries the tracking query code. ``ConsoleEmailBackend`` (the default
of other settings when EMAIL_BACKEND is unset) logs that a message went out,
with its id, a masked address and the body's length, never its subject or
text. ``LocmemEmailBackend`` is for tests that check the promise. A message
without a Message-ID passes through. A dropped repeat counts as sent: the
recipient has it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.core.mail.backends import base, filebased, locmem
from django.utils import timezone

from . import ledger

logger = logging.getLogger(__name__)

EMAIL_LEDGER = "email-message-ids.jsonl"


def mask_email(address: str) -> str:
    """``z***@example.cn``: enough to tell two test addresses apart."""
    local, at, domain = (address or "").rpartition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


class DropRepeatsMixin:
    def send_messages(self, email_messages) -> int:
        fresh = []
        for message in email_messages or []:
            message_id = message.extra_headers.get("Message-ID")
            if message_id and not ledger.accept_once(
                Path(settings.NOTIFY_FILE_DIR) / EMAIL_LEDGER,
                message_id,
                {"at": timezone.now().isoformat()},
            ):
                logger.info("email.repeat_dropped message_id=%s", message_id)
                continue
            fresh.append(message)
        repeats = len(email_messages or []) - len(fresh)
        return repeats + (super().send_messages(fresh) if fresh else 0)


class _LogOnlyEmailBackend(base.BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            logger.info(
                "email.console to=%s length=%s message_id=%s",
                ",".join(mask_email(a) for a in message.recipients()),
                len(message.body or ""),
                message.extra_headers.get("Message-ID", "-"),
            )
        return len(email_messages)


class ConsoleEmailBackend(DropRepeatsMixin, _LogOnlyEmailBackend):
    pass


class FileEmailBackend(DropRepeatsMixin, filebased.EmailBackend):
    """One file per connection (``<time>-<id>.log``) in EMAIL_FILE_PATH."""


class LocmemEmailBackend(DropRepeatsMixin, locmem.EmailBackend):
    pass
