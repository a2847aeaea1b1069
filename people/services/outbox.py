"""The outbox: one row per outgoing e-mail or SMS, sent after commit, retried by beat.

Any app sends messages through here, naming what a message is about by
``subject_type``/``subject_id`` (people.models.subject_of), never by a foreign
key:

- :func:`outbox_message` builds a row, :func:`outbox_enqueue` writes rows
  inside the caller's transaction (they commit or roll back with the change)
  and queues their sending after commit (people.outbox.publisher);
- :func:`sms_send` sends one text to a mobile number outside any
  application (a one-time code, say): its own transaction, same path.

Delivery (:func:`outbox_send`), the promise README "Notifications" states:
at least once, deduplicated by the message id. Each attempt is recorded and
committed *before* the backend is called (attempts, ``attempted_at``, and a
lease: ``next_attempt_at`` moved NOTIFY_SEND_LEASE_SECONDS ahead, so no other
sender takes the row meanwhile); the result is recorded after. A sender that
dies in between leaves the row pending; once the lease has run out the
sweep sends it again with the same client message id (``outbox-<pk>``), which
the gateway (and every development backend) drops if it has it already.
Failures stay in the row (attempts, next_attempt_at with backoff,
last_error) and :func:`outbox_sweep`, run by beat each minute, retries what
is due until nothing is left or its time budget is spent.

Logs hold ids, channels and counts only: never a recipient, a text or a code.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people import constants as c
from people.codes import is_mobile, normalise_mobile
from people.models import OutboxMessage, subject_of
from people.outbox import backends, publisher
from portal.errors import ServiceError
from portal.sweep import Drain

logger = logging.getLogger(__name__)

LAST_ERROR_MAX = OutboxMessage._meta.get_field("last_error").max_length
RECIPIENT_MAX = OutboxMessage._meta.get_field("recipient").max_length
SUBJECT_MAX = OutboxMessage._meta.get_field("subject").max_length
REFERENCE_MAX = OutboxMessage._meta.get_field("reference").max_length
SMS_TEXT_MAX = 500


@dataclass(frozen=True)
class Recipient:
    channel: str  # people.constants.OutboxChannel
    address: str  # e-mail address or mobile number
    # The language to write in (a code of settings.LANGUAGES), when the
    # caller read it with the address; None: not known here.
    language: str | None = None


# --------------------------------------------------------------------------
# Write


def outbox_message(
    *,
    channel: str,
    recipient: str,
    body: str,
    dedupe_key: str,
    subject: str = "",
    about: models.Model | None = None,
    reference: str = "",
    now: dt.datetime | None = None,
    erase_after_send: bool = False,
) -> OutboxMessage | None:
    """One unsaved outbox row; None when the address is unusable (logged, by id).

    ``dedupe_key`` makes a second enqueue of the same message a no-op:
    namespace it by what sends it (applications use
    ``<application id>:<event>:<n>:<channel>:<i>``). ``about``: the row the
    message is about (any app's model), or None.
    """
    if channel not in c.OutboxChannel.values:
        raise ValueError(f"unknown channel {channel!r}")
    address = (recipient or "").strip()
    if not address or len(address) > RECIPIENT_MAX:
        # Never fail the caller's change over a contact detail.
        logger.warning(
            "outbox.recipient_unusable channel=%s dedupe_key=%s", channel, dedupe_key
        )
        return None
    subject_type, subject_id = subject_of(about) if about is not None else ("", "")
    return OutboxMessage(
        dedupe_key=dedupe_key,
        channel=channel,
        recipient=address,
        subject=subject[:SUBJECT_MAX],
        body=body,
        subject_type=subject_type,
        subject_id=subject_id,
        reference=(reference or "")[:REFERENCE_MAX],
        next_attempt_at=now or timezone.now(),
        erase_after_send=erase_after_send,
    )


def outbox_enqueue(*, messages: Sequence[OutboxMessage]) -> list[OutboxMessage]:
    """Write the rows whose dedupe_key is not taken yet; send them after commit.

    Call inside the transaction of the change the messages tell about;
    returns the rows this call created (a repeat of the same keys: []).
    Callers that may race on the same keys hold the row lock of what the
    messages are about; were a key taken in between after all, the unique
    constraint fails the caller's change: never two rows for one key.
    """
    created: list[OutboxMessage] = []
    if messages:
        with transaction.atomic(savepoint=False):
            taken = set(
                OutboxMessage.objects.filter(
                    dedupe_key__in=[m.dedupe_key for m in messages]
                ).values_list("dedupe_key", flat=True)
            )
            created = OutboxMessage.objects.bulk_create(
                [m for m in messages if m.dedupe_key not in taken]
            )
    outbox_send_after_commit([m.pk for m in created])
    return created


def outbox_send_after_commit(message_ids: Sequence[int]) -> None:
    """After commit, queue the sending of these rows (none: nothing).

    Call inside the transaction that wrote them. If the broker is down the
    rows stay pending and the beat sweep sends them.
    """
    if message_ids:
        transaction.on_commit(partial(publisher.publish, list(message_ids)))


def sms_send(
    *,
    phone: str,
    text: str,
    dedupe_key: str = "",
    about: models.Model | None = None,
    reference: str = "",
    erase_after_send: bool = False,
) -> OutboxMessage:
    """Send one text to a mainland mobile number, outside any application.

    For one-time codes, password resets, confirmations: ``text`` is what
    the recipient reads (the site's signature included). The row commits in
    its own transaction (or the caller's) and is sent after commit like
    every other message; the text and number never reach a log. A
    ``dedupe_key`` makes a repeat call a no-op (returns the row written
    first); without one every call sends. ``erase_after_send`` (one-time
    codes): the row's text is blanked once it is sent or has failed for good.
    """
    phone = normalise_mobile(phone)
    if not is_mobile(phone):
        raise ServiceError(
            "phone_invalid", _("手机号码应为11位中国大陆手机号，以1开头"), field="phone"
        )
    text = (text or "").strip()
    if not text:
        raise ServiceError("sms_text_required", _("短信内容不能为空"), field="text")
    if len(text) > SMS_TEXT_MAX:
        raise ServiceError(
            "sms_text_length",
            _("短信内容最多%(max)s个字") % {"max": SMS_TEXT_MAX},
            field="text",
        )
    key = dedupe_key or f"sms:{uuid.uuid4().hex}"
    message = outbox_message(
        channel=c.OutboxChannel.SMS,
        recipient=phone,
        body=text,
        dedupe_key=key,
        about=about,
        reference=reference,
        erase_after_send=erase_after_send,
    )
    with transaction.atomic():
        created = outbox_enqueue(messages=[message])
        row = created[0] if created else OutboxMessage.objects.get(dedupe_key=key)
    logger.info(
        "outbox.sms_enqueued message_id=%s new=%s length=%s",
        row.pk,
        bool(created),
        len(text),
    )
    return row


# --------------------------------------------------------------------------
# Send and sweep


class Outcome(enum.Enum):
    SENT = "sent"  # handed to the backend and recorded
    FAILED = "failed"  # the backend raised; the row holds the retry state
    SKIPPED = "skipped"  # not this call's to send (sent, not due, taken, gone)


def retry_delay(attempts: int) -> dt.timedelta:
    """Backoff after the n-th failed attempt: 1, 2, 4 ... minutes, capped."""
    minutes = min(2 ** max(attempts - 1, 0), settings.NOTIFY_RETRY_MAX_MINUTES)
    return dt.timedelta(minutes=minutes)


def _short_error(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    return text[:LAST_ERROR_MAX]


def _claim(message_id: int) -> OutboxMessage | None:
    """Record an attempt and take a lease on the row; committed before sending."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(
                pk=message_id,
                status=c.OutboxStatus.PENDING,
                next_attempt_at__lte=now,
            )
            .first()
        )
        if message is None:
            return None
        if message.attempted_at is not None:
            # The last attempt never recorded its result: its sender died
            # after (perhaps) handing it over. Same id again: the gateway
            # drops it if it has it.
            logger.warning(
                "notify.resend_in_doubt message_id=%s attempts=%s",
                message.pk,
                message.attempts,
            )
        message.attempts += 1
        message.attempted_at = now
        message.next_attempt_at = now + dt.timedelta(
            seconds=settings.NOTIFY_SEND_LEASE_SECONDS
        )
        message.save(update_fields=["attempts", "attempted_at", "next_attempt_at"])
    return message


ERASED_BODY = "（一次性验证码，发送后已清除）"


def _erased(message: OutboxMessage, done: bool) -> dict:
    """The body blanked once a one-time code's row is done with (sent or failed)."""
    return {"body": ERASED_BODY} if done and message.erase_after_send else {}


def _send_one(message_id: int) -> Outcome:
    message = _claim(message_id)
    if message is None:
        return Outcome.SKIPPED
    try:
        backends.deliver(message)
    except Exception as exc:  # any backend failure is retried by beat
        now = timezone.now()
        failed = message.attempts >= settings.NOTIFY_MAX_ATTEMPTS
        # Only while the row is still this attempt's (a sender that overran
        # its lease may find a later attempt's result there).
        OutboxMessage.objects.filter(
            pk=message.pk, status=c.OutboxStatus.PENDING, attempts=message.attempts
        ).update(
            **_erased(message, failed),
            attempted_at=None,
            last_error=_short_error(exc),
            status=c.OutboxStatus.FAILED if failed else c.OutboxStatus.PENDING,
            next_attempt_at=now + retry_delay(message.attempts),
        )
        log = logger.error if failed else logger.warning
        log(
            "notify.%s message_id=%s attempts=%s error=%s",
            "failed" if failed else "retry",
            message.pk,
            message.attempts,
            type(exc).__name__,
        )
        return Outcome.FAILED
    recorded = OutboxMessage.objects.filter(
        pk=message.pk, status=c.OutboxStatus.PENDING
    ).update(
        **_erased(message, True),
        status=c.OutboxStatus.SENT,
        sent_at=timezone.now(),
        last_error="",
    )
    logger.info(
        "notify.sent message_id=%s channel=%s attempts=%s",
        message.pk,
        message.channel,
        message.attempts,
    )
    return Outcome.SENT if recorded else Outcome.SKIPPED


def outbox_send(*, message_id: int) -> bool:
    """Send one due pending message; True if this call sent it.

    False when it is sent or failed already, not due yet (a lease or a
    backoff), being claimed by another sender, or when this attempt failed
    (then the row holds the retry state). An exception that is not a
    backend failure (the process being stopped) leaves the attempt recorded
    and the row pending: the sweep sends it again after the lease.
    """
    return _send_one(message_id) is Outcome.SENT


def outbox_sweep(
    *,
    limit: int | None = None,
    budget_seconds: float | None = None,
    batch_size: int | None = None,
) -> int:
    """Beat: send what is due, oldest first, until none is left; return how many went.

    Works in batches of NOTIFY_SWEEP_BATCH and stops when nothing is due,
    after ``limit`` messages, or when NOTIFY_SWEEP_BUDGET_SECONDS are spent
    (beat starts the next run a minute after), so a backlog of lost send
    tasks (a broker restarted) drains in one run instead of a batch a
    minute. Each message is claimed and sent on its own (outbox_send), so
    one slow or failing message holds no other and two sweeps share the
    work; a failed one is not due again within the run (backoff).
    """
    budget = (
        settings.NOTIFY_SWEEP_BUDGET_SECONDS
        if budget_seconds is None
        else budget_seconds
    )
    drain = Drain(
        lambda exclude, take: list(
            OutboxMessage.objects.filter(
                status=c.OutboxStatus.PENDING, next_attempt_at__lte=timezone.now()
            )
            .exclude(pk__in=exclude)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:take]
        ),
        batch=batch_size or settings.NOTIFY_SWEEP_BATCH,
        budget_seconds=budget,
        limit=limit,
    )
    counts = dict.fromkeys(Outcome, 0)
    done = 0
    for pk in drain:
        outcome = _send_one(pk)
        counts[outcome] += 1
        done += 1
        if outcome is Outcome.SKIPPED:
            drain.exclude.add(pk)
    exhausted = drain.exhausted
    if done:
        log = logger.warning if exhausted else logger.info
        log(
            "notify.sweep sent=%s failed=%s skipped=%s budget_spent=%s",
            counts[Outcome.SENT],
            counts[Outcome.FAILED],
            counts[Outcome.SKIPPED],
            exhausted,
        )
    return counts[Outcome.SENT]
