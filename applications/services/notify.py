"""Notifications to applicants: what applications tell, to whom, on which event.

Flow: a service that changes an application calls :func:`notification_enqueue`
inside its transaction. It builds the texts (:func:`notification_text`), picks
the recipients (:func:`application_recipients`) and writes one outbox row per
recipient through the base outbox (people.services.outbox.outbox_enqueue),
each naming the application as its subject. The rows commit with the change
(or roll back with it) and are sent after commit; sending, retries, the sweep
and the delivery promise (at least once, deduplicated by the message id) are
the outbox's.

Texts hold the item name, the application number, the query code and how to
track; never an ID number (free text typed by staff is scrubbed too), never a
name. Logs hold ids only. They are written in the applicant's language (the
profile's choice, people.services.applicants.applicant_language; the site's,
settings.LANGUAGE_CODE, when none) whoever acts: a clerk on the English pages
sends a Tibetan-reading applicant the Tibetan message, with the item's Tibetan
name where the catalog has one.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import constants as c
from applications.models import Application, StatusChange
from people.constants import OutboxChannel
from people.models import ApplicantProfile, OutboxMessage
from people.privacy import mask_id_number
from people.services.applicants import applicant_language
from people.services.outbox import (
    Recipient,
    outbox_enqueue,
    outbox_message,
    outbox_send_after_commit,
)
from portal.context_processors import site_name

Status = c.ApplicationStatus

logger = logging.getLogger(__name__)

TRACK_HINT = gettext_lazy(
    "您可登录%(site)s“办件查询”，输入办件编号和查询码查看办理进度，无需登录账号。"
)

# Event -> the subject's title. Events are the status the application entered.
EVENT_TITLES: dict[str, str] = {
    Status.SUBMITTED: gettext_lazy("申请已提交"),
    Status.ACCEPTED: gettext_lazy("受理通知"),
    Status.SUPPLEMENT_REQUESTED: gettext_lazy("补正材料一次性告知"),
    Status.REFUSED: gettext_lazy("不予受理通知"),
    Status.APPROVED: gettext_lazy("办理结果通知（准予许可）"),
    Status.REJECTED: gettext_lazy("办理结果通知（不予许可）"),
    Status.WITHDRAWN: gettext_lazy("撤回确认"),
    Status.DELIVERED: gettext_lazy("办理结果送达通知"),
    Status.CLOSED: gettext_lazy("办理终止通知"),
}
EVENTS = frozenset(EVENT_TITLES)

# 18-character resident ID numbers (and 15-digit old ones) inside free text.
_ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")


# --------------------------------------------------------------------------
# Texts


def supplement_lapse_wording(application: Application) -> str:
    """Why an application closed for a lapsed supplement (local practice).

    settings.SUPPLEMENT_LAPSE_WORDING with ``{due}``: the notice's stored due
    date (written as the active language writes dates). Also the StatusChange
    reason the timer writes.
    """
    notice = application.supplement_notices.order_by("-issued_at", "-pk").first()
    due = _date(notice.due_date) if notice is not None else ""
    return settings.SUPPLEMENT_LAPSE_WORDING.format(due=due)


def scrub(text: str) -> str:
    """Mask anything shaped like an ID number (free text typed by staff)."""
    return _ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(1)), text or "")


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return date_format(value)


def notification_wanted(*, application: Application, event: str) -> bool:
    """Whether entering status ``event`` tells the applicant.

    Every status of EVENTS does, except an archive close (办结归档): the
    applicant heard of the result, refusal or withdrawal already. A close
    for a lapsed supplement ends the procedure and is told.
    """
    if event not in EVENTS:
        return False
    if event == Status.CLOSED:
        return application.closure_reason == c.ClosureReason.SUPPLEMENT_LAPSED
    return True


def _supplement_lines(application: Application) -> list[str]:
    notice = application.supplement_notices.order_by("-issued_at", "-pk").first()
    if notice is None or not notice.items:
        return [_("请登录查看一次性告知书，按清单补齐材料后重新提交。")]
    lines = [
        _("请于%(due)s前按以下清单一次性补齐后重新提交：")
        % {"due": _date(notice.due_date)}
    ]
    for index, item in enumerate(notice.items, start=1):
        name = scrub(str(item.get("name") or _("材料")))
        problem = scrub(str(item.get("problem") or "").strip())
        lines.append(f"{index}. {name}：{problem}" if problem else f"{index}. {name}")
    return lines


def _event_lines(application: Application, event: str) -> list[str]:
    if event == Status.SUBMITTED:
        if application.acceptance_due:
            return [
                _("已提交成功，窗口将在%(due)s前完成受理审查。")
                % {"due": _date(application.acceptance_due)}
            ]
        return [
            _("已提交成功，窗口将在%(days)s个工作日内完成受理审查。")
            % {"days": c.ACCEPTANCE_WINDOW_WORKING_DAYS}
        ]
    if event == Status.ACCEPTED:
        if application.acceptance_deemed:
            lines = [
                _("受理审查期限内未收到补正告知，依法视为已于%(date)s受理。")
                % {"date": _date(application.accepted_at)},
                str(c.DEEMED_ACCEPTANCE_BASIS),
            ]
        else:
            lines = [
                _("已于%(date)s受理。")
                % {"date": _date(application.accepted_at or timezone.now())}
            ]
        if application.promised_date:
            lines.append(
                _("承诺办结日期：%(date)s。")
                % {"date": _date(application.promised_date)}
            )
        return lines
    if event == Status.SUPPLEMENT_REQUESTED:
        return [_("需要补正材料。"), *_supplement_lines(application)]
    if event == Status.REFUSED:
        lines = [_("经审查，决定不予受理。")]
        if application.refusal_reason:
            lines.append(
                _("理由：%(reason)s") % {"reason": scrub(application.refusal_reason)}
            )
        if application.refusal_basis:
            lines.append(
                _("依据：%(basis)s") % {"basis": scrub(application.refusal_basis)}
            )
        return lines
    if event == Status.APPROVED:
        return [_("已办结，决定准予许可。请留意办理结果的领取或送达方式。")]
    if event == Status.REJECTED:
        return [
            _("已办结，决定不予许可。"),
            _("如对决定不服，可依法申请行政复议或者提起行政诉讼。"),
        ]
    if event == Status.WITHDRAWN:
        return [_("已撤回，办理程序终止。")]
    if event == Status.DELIVERED:
        method = application.get_delivery_method_display() or _("送达")
        at = application.delivered_at or timezone.now()
        return [
            _("办理结果已于%(date)s%(method)s。")
            % {"date": _date(at), "method": method}
        ]
    if event == Status.CLOSED:
        return [_("办理程序已终止。"), supplement_lapse_wording(application)]
    raise ValueError(f"unknown notification event {event!r}")


def notification_text(
    *,
    application: Application,
    event: str,
    detail: str = "",
    language: str | None = None,
) -> tuple[str, str]:
    """(subject, body) of one event's message; the same words for both channels.

    In ``language`` (default: the site's, settings.LANGUAGE_CODE), whatever
    language the request that changed the application was in.
    """
    title = EVENT_TITLES.get(event)
    if title is None:
        raise ValueError(f"unknown notification event {event!r}")
    with translation.override(language or settings.LANGUAGE_CODE):
        site = site_name()
        subject = _("【%(site)s】%(title)s（%(number)s）") % {
            "site": site,
            "title": title,
            "number": application.number,
        }
        first, *rest = _event_lines(application, event)
        item = application.version.name
        if translation.get_language() == "bo" and application.version.name_bo:
            item = application.version.name_bo
        lines = [
            _("您好！您申请办理的“%(item)s”%(first)s") % {"item": item, "first": first},
            *rest,
        ]
        if detail.strip():
            lines.append(_("说明：%(detail)s") % {"detail": scrub(detail.strip())})
        lines += [
            _("办件编号：%(number)s") % {"number": application.number},
            _("查询码：%(code)s") % {"code": application.query_code},
            TRACK_HINT % {"site": site},
        ]
    return subject, "\n".join(lines)


def sms_prefix(language: str | None = None) -> str:
    """The sender's mark that opens every SMS: 【site name】."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return _("【%(site)s】") % {"site": site_name()}


# --------------------------------------------------------------------------
# Enqueue


def application_recipients(*, application: Application) -> list[Recipient]:
    """The applicant's e-mail (profile, else account) and mobile (same order).

    Read in one query, account and profile together, fresh from the database.
    """
    contact = (
        get_user_model()
        .objects.filter(pk=application.applicant_id)
        .values_list(
            "email",
            "phone",
            "applicant__email",
            "applicant__phone",
            "applicant__language",
        )
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
    profile_language: str | None = None,
) -> list[Recipient]:
    """E-mail and mobile from the real-name profile, else from the account;
    with the profile's language when it was read along (None: unknown)."""
    email = profile_email or user_email or ""
    phone = profile_phone or user_phone or ""
    language = None if profile_language is None else _language_of(profile_language)
    recipients = []
    if email.strip():
        recipients.append(Recipient(OutboxChannel.EMAIL, email.strip(), language))
    if phone.strip():
        recipients.append(Recipient(OutboxChannel.SMS, phone.strip(), language))
    return recipients


def _language_of(stored: str) -> str:
    return applicant_language(SimpleNamespace(language=stored or ""))


def recipients_language(application: Application, recipients) -> str:
    """The language of an application's messages: the applicant's, as read
    with the recipients, else from the profile (one query)."""
    known = [r.language for r in recipients if getattr(r, "language", None)]
    if known:
        return known[0]
    stored = (
        ApplicantProfile.objects.filter(user_id=application.applicant_id)
        .values_list("language", flat=True)
        .first()
    )
    return _language_of(stored or "")


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
        if recipient.channel not in OutboxChannel.values:
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
    # The caller holds the application's row lock (or created the row in this
    # transaction), so no other transaction enqueues for it meanwhile.
    created = outbox_enqueue(messages=messages) if messages else []
    logger.info(
        "notify.enqueued application_id=%s event=%s new=%s",
        application.pk,
        event,
        len(created),
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
    application, event and channel it makes each row's dedupe_key. Each row
    names the application as its subject and its number as the reference.
    """
    recipients = list(recipients)
    language = recipients_language(application, recipients)
    subject, body = notification_text(
        application=application, event=event, detail=detail, language=language
    )
    prefix = sms_prefix(language)
    messages: list[OutboxMessage] = []
    per_channel: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    for recipient in recipients:
        address = recipient.address.strip()
        if not address or (recipient.channel, address) in seen:
            continue
        n = per_channel.get(recipient.channel, 0)
        message = outbox_message(
            channel=recipient.channel,
            recipient=address,
            subject=subject,
            body=f"{prefix}{body}" if recipient.channel == OutboxChannel.SMS else body,
            dedupe_key=f"{application.pk}:{event}:{occurrence}:{recipient.channel}:{n}",
            about=application,
            reference=application.number or "",
            now=now,
        )
        if message is None:  # unusable address (logged by the outbox)
            continue
        seen.add((recipient.channel, address))
        per_channel[recipient.channel] = n + 1
        messages.append(message)
    return messages


def send_after_commit(message_ids: list[int], *, application_id, event: str) -> None:
    """After commit, queue the sending of these outbox rows (none: nothing).

    For rows written without :func:`notification_enqueue` (they are the
    outbox's rows all the same). Call inside the transaction that wrote them.
    """
    logger.info(
        "notify.enqueued application_id=%s event=%s new=%s",
        application_id,
        event,
        len(message_ids),
    )
    outbox_send_after_commit(message_ids)
