"""Notifications to applicants: an outbox row per message, sent after commit.

Flow: a service that changes an application calls :func:`notification_enqueue`
inside its transaction. The rows commit with the change (or roll back with it);
``transaction.on_commit`` then queues one ``send_outbox_messages`` task for the
new rows. :func:`outbox_send` sends under the row's lock, so a task delivered twice,
or a task racing the beat sweep, sends once. Failures stay in the row (attempts,
next_attempt_at, last_error) and :func:`outbox_sweep`, run by beat each minute,
retries what is due.

"Never twice" holds for every path through the database. The one gap left is
the one every outbox has: a backend that accepted the message and a database
that then failed to record it; the row stays pending and is sent again.

Texts hold the item name, the application number, the query code and how to
track; never an ID number (free text typed by staff is scrubbed too), never a
name. Logs hold ids only.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from applications import constants as c
from applications import notifications, outbox_publisher
from applications.models import (
    Application,
    OutboxMessage,
    StatusChange,
)
from applications.privacy import mask_id_number

Status = c.ApplicationStatus

logger = logging.getLogger(__name__)

SENDER = settings.SITE_NAME
TRACK_HINT = (
    f"您可登录{SENDER}“办件查询”，输入办件编号和查询码查看办理进度，无需登录账号。"
)
LAST_ERROR_MAX = OutboxMessage._meta.get_field("last_error").max_length
RECIPIENT_MAX = OutboxMessage._meta.get_field("recipient").max_length

# Event -> the subject's title. Events are the status the application entered.
EVENT_TITLES: dict[str, str] = {
    Status.SUBMITTED: "申请已提交",
    Status.ACCEPTED: "受理通知",
    Status.SUPPLEMENT_REQUESTED: "补正材料一次性告知",
    Status.REFUSED: "不予受理通知",
    Status.APPROVED: "办理结果通知（准予许可）",
    Status.REJECTED: "办理结果通知（不予许可）",
    Status.WITHDRAWN: "撤回确认",
}
EVENTS = frozenset(EVENT_TITLES)

# 18-character resident ID numbers (and 15-digit old ones) inside free text.
_ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")


@dataclass(frozen=True)
class Recipient:
    channel: str  # applications.constants.OutboxChannel
    address: str  # e-mail address or mobile number


# --------------------------------------------------------------------------
# Texts


def scrub(text: str) -> str:
    """Mask anything shaped like an ID number (free text typed by staff)."""
    return _ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(1)), text or "")


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def _supplement_lines(application: Application) -> list[str]:
    notice = application.supplement_notices.order_by("-issued_at", "-pk").first()
    if notice is None or not notice.items:
        return ["请登录查看一次性告知书，按清单补齐材料后重新提交。"]
    lines = ["请按以下清单一次性补齐后重新提交："]
    for index, item in enumerate(notice.items, start=1):
        name = scrub(str(item.get("name") or "材料"))
        problem = scrub(str(item.get("problem") or "").strip())
        lines.append(f"{index}. {name}：{problem}" if problem else f"{index}. {name}")
    return lines


def _event_lines(application: Application, event: str) -> list[str]:
    if event == Status.SUBMITTED:
        if application.acceptance_due:
            return [
                "已提交成功，窗口将在"
                f"{_date(application.acceptance_due)}前完成受理审查。"
            ]
        return [
            "已提交成功，窗口将在"
            f"{c.ACCEPTANCE_WINDOW_WORKING_DAYS}个工作日内完成受理审查。"
        ]
    if event == Status.ACCEPTED:
        lines = [f"已于{_date(application.accepted_at or timezone.now())}受理。"]
        if application.promised_date:
            lines.append(f"承诺办结日期：{_date(application.promised_date)}。")
        return lines
    if event == Status.SUPPLEMENT_REQUESTED:
        return ["需要补正材料。", *_supplement_lines(application)]
    if event == Status.REFUSED:
        lines = ["经审查，决定不予受理。"]
        if application.refusal_reason:
            lines.append(f"理由：{scrub(application.refusal_reason)}")
        if application.refusal_basis:
            lines.append(f"依据：{scrub(application.refusal_basis)}")
        return lines
    if event == Status.APPROVED:
        return ["已办结，决定准予许可。请留意办理结果的领取或送达方式。"]
    if event == Status.REJECTED:
        return [
            "已办结，决定不予许可。",
            "如对决定不服，可依法申请行政复议或者提起行政诉讼。",
        ]
    if event == Status.WITHDRAWN:
        return ["已撤回，办理程序终止。"]
    raise ValueError(f"unknown notification event {event!r}")


def notification_text(
    *, application: Application, event: str, detail: str = ""
) -> tuple[str, str]:
    """(subject, body) of one event's message; the same words for both channels."""
    title = EVENT_TITLES.get(event)
    if title is None:
        raise ValueError(f"unknown notification event {event!r}")
    subject = f"【{SENDER}】{title}（{application.number}）"
    first, *rest = _event_lines(application, event)
    lines = [f"您好！您申请办理的“{application.version.name}”{first}", *rest]
    if detail.strip():
        lines.append(f"说明：{scrub(detail.strip())}")
    lines += [
        f"办件编号：{application.number}",
        f"查询码：{application.query_code}",
        TRACK_HINT,
    ]
    return subject, "\n".join(lines)


# --------------------------------------------------------------------------
# Enqueue


def application_recipients(*, application: Application) -> list[Recipient]:
    """The applicant's e-mail (profile, else account) and mobile (same order).

    Read in one query, account and profile together, fresh from the database.
    """
    contact = (
        get_user_model()
        .objects.filter(pk=application.applicant_id)
        .values_list("email", "phone", "applicant__email", "applicant__phone")
        .first()
    )
    if contact is None:
        return []
    return contact_recipients(*contact)


def contact_recipients(
    user_email: str,
    user_phone: str,
    profile_email: str | None,
    profile_phone: str | None,
) -> list[Recipient]:
    """E-mail and mobile from the real-name profile, else from the account."""
    email = profile_email or user_email or ""
    phone = profile_phone or user_phone or ""
    recipients = []
    if email.strip():
        recipients.append(Recipient(c.OutboxChannel.EMAIL, email.strip()))
    if phone.strip():
        recipients.append(Recipient(c.OutboxChannel.SMS, phone.strip()))
    return recipients


def _occurrence(application: Application, event: str) -> int:
    """Which time the application entered this status (a second 补正 is new).

    Counted from the history rows, so callers record the status change first
    and then enqueue; two calls for the same change count the same.
    """
    return StatusChange.objects.filter(application=application, to_status=event).count()


def notification_enqueue(
    *,
    application: Application,
    event: str,
    recipients: Iterable[Recipient | tuple[str, str]] | None = None,
    detail: str = "",
) -> list[OutboxMessage]:
    """Write one outbox row per recipient for an event; send them after commit.

    Call inside the transaction that changed the application, after its
    StatusChange row is written. Returns the rows created by this call: a
    second call for the same event (same status entered the same number of
    times) finds every dedupe_key taken and returns []. A draft (no number
    yet) has nothing to tell and gets nothing.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown notification event {event!r}")
    if application.pk is None:
        raise ValueError("notification_enqueue needs a saved application")
    if not application.number:
        logger.info("notify.skip_unnumbered application_id=%s", application.pk)
        return []
    if recipients is None:
        wanted = application_recipients(application=application)
    else:
        wanted = [r if isinstance(r, Recipient) else Recipient(*r) for r in recipients]
    for recipient in wanted:
        if recipient.channel not in c.OutboxChannel.values:
            raise ValueError(f"unknown channel {recipient.channel!r}")
    if not wanted:
        logger.info(
            "notify.no_recipient application_id=%s event=%s", application.pk, event
        )
        return []

    occurrence = _occurrence(application, event)
    messages = notification_messages(
        application=application,
        event=event,
        occurrence=occurrence,
        recipients=wanted,
        detail=detail,
        now=timezone.now(),
    )
    created: list[OutboxMessage] = []
    if messages:
        # The caller holds the application's row lock (or created the row in
        # this transaction), so no other transaction enqueues for it meanwhile:
        # the keys not taken yet are inserted as they are. (Were one taken in
        # between after all, the unique key fails the change: never sent twice.)
        with transaction.atomic(savepoint=False):
            taken = set(
                OutboxMessage.objects.filter(
                    dedupe_key__in=[m.dedupe_key for m in messages]
                ).values_list("dedupe_key", flat=True)
            )
            created = OutboxMessage.objects.bulk_create(
                [m for m in messages if m.dedupe_key not in taken]
            )
    send_after_commit(
        [m.pk for m in created], application_id=application.pk, event=event
    )
    return created


def notification_messages(
    *,
    application: Application,
    event: str,
    occurrence: int,
    recipients: Iterable[Recipient],
    now: dt.datetime,
    detail: str = "",
) -> list[OutboxMessage]:
    """The unsaved outbox rows of one event, one per distinct usable recipient.

    ``occurrence``: which time the application entered this status; with the
    application, event and channel it makes each row's dedupe_key.
    """
    subject, body = notification_text(
        application=application, event=event, detail=detail
    )
    messages: list[OutboxMessage] = []
    per_channel: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    for recipient in recipients:
        address = recipient.address.strip()
        if not address or (recipient.channel, address) in seen:
            continue
        if len(address) > RECIPIENT_MAX:
            # Never fail the caller's change over a contact detail.
            logger.warning(
                "notify.recipient_too_long application_id=%s channel=%s",
                application.pk,
                recipient.channel,
            )
            continue
        seen.add((recipient.channel, address))
        n = per_channel.get(recipient.channel, 0)
        per_channel[recipient.channel] = n + 1
        key = f"{application.pk}:{event}:{occurrence}:{recipient.channel}:{n}"
        messages.append(
            OutboxMessage(
                dedupe_key=key,
                channel=recipient.channel,
                recipient=address,
                subject=subject,
                body=f"【{SENDER}】{body}"
                if recipient.channel == c.OutboxChannel.SMS
                else body,
                application=application,
                next_attempt_at=now,
            )
        )
    return messages


def send_after_commit(message_ids: list[int], *, application_id, event: str) -> None:
    """After commit, queue one task that sends these outbox rows (none: nothing).

    Call inside the transaction that wrote the rows. If the broker is down
    the rows stay pending and the beat sweep sends them.
    """
    logger.info(
        "notify.enqueued application_id=%s event=%s new=%s",
        application_id,
        event,
        len(message_ids),
    )
    if message_ids:
        transaction.on_commit(partial(outbox_publisher.publish, list(message_ids)))


# --------------------------------------------------------------------------
# Send and sweep


def retry_delay(attempts: int) -> dt.timedelta:
    """Backoff after the n-th failed attempt: 1, 2, 4 ... minutes, capped."""
    minutes = min(2 ** max(attempts - 1, 0), settings.NOTIFY_RETRY_MAX_MINUTES)
    return dt.timedelta(minutes=minutes)


def _short_error(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    return text[:LAST_ERROR_MAX]


def outbox_send(*, message_id: int) -> bool:
    """Send one due pending message; True if this call sent it.

    The row stays locked (FOR UPDATE SKIP LOCKED) until the result is written,
    so a second worker skips it and a later run finds it sent. Returns False
    when it is sent or failed already, not due yet, locked by another worker,
    or when this attempt failed (then the row holds the retry state).
    """
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
            return False
        message.attempts += 1
        try:
            notifications.send(message)
        except Exception as exc:  # any backend failure is retried by beat
            message.last_error = _short_error(exc)
            if message.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
                message.status = c.OutboxStatus.FAILED
                logger.error(
                    "notify.failed message_id=%s attempts=%s error=%s",
                    message.pk,
                    message.attempts,
                    type(exc).__name__,
                )
            else:
                message.next_attempt_at = now + retry_delay(message.attempts)
                logger.warning(
                    "notify.retry message_id=%s attempts=%s error=%s",
                    message.pk,
                    message.attempts,
                    type(exc).__name__,
                )
            message.save(
                update_fields=["attempts", "last_error", "status", "next_attempt_at"]
            )
            return False
        message.status = c.OutboxStatus.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    logger.info(
        "notify.sent message_id=%s channel=%s attempts=%s",
        message.pk,
        message.channel,
        message.attempts,
    )
    return True


def outbox_sweep(*, limit: int = 100) -> int:
    """Beat: send pending messages that are due, oldest first; return how many went.

    Each message is claimed and sent in its own transaction (outbox_send), so
    one slow or failing message holds no other, and two sweeps share the work.
    """
    due = list(
        OutboxMessage.objects.filter(
            status=c.OutboxStatus.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = sum(1 for pk in due if outbox_send(message_id=pk))
    if due:
        logger.info("notify.sweep due=%s sent=%s", len(due), sent)
    return sent
