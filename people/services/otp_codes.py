"""One-time codes sent by SMS to a person's registered phone.

A code proves that the holder of the registered phone agrees to one thing
(a password reset, an agent authorisation). What is promised:

- **Only a keyed hash is stored** (HMAC over the row's id and the code), and
  neither the code nor the phone number reaches a log, an audit entry, a task
  argument or, once sent, the outbox row (``erase_after_send``).
- **It expires** (ONE_TIME_CODE_MINUTES), **is used at most once** (a
  conditional update: a replay finds it used), **dies after OTP_MAX_ATTEMPTS
  wrong guesses**, and a newer code for the same thing replaces the older.
- **Throttled**: per phone (OTP_RESEND_SECONDS between two codes, at most
  OTP_PHONE_LIMIT an hour) and per client address (OTP_ADDRESS_LIMIT codes an
  hour; OTP_VERIFY_ADDRESS_LIMIT wrong codes per OTP_VERIFY_WINDOW_SECONDS).
  Every refusal is a ThrottledError (429 with Retry-After).
- **The same for a number that matches nobody**: :func:`otp_issue` takes
  ``user=None`` then and writes the same row (it counts for the throttles),
  and the request's work is the same; the code is generated and sent by the
  task after commit (:func:`otp_deliver`), which finds nobody to send to.

Callers verify with :func:`otp_verify` *outside* their own transaction (a
wrong guess is committed even though it raises), then consume the code with
:func:`otp_consume` inside the transaction of the change it allows.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from people import constants as c
from people.codes import is_mobile, normalise_mobile
from people.models import OneTimeCode, subject_of
from people.services.outbox import sms_send
from portal.errors import ServiceError, ThrottledError

logger = logging.getLogger(__name__)

CODE_DIGITS = 6
CODE_PLACEHOLDER = "{code}"
WINDOW = dt.timedelta(hours=1)


def phone_hash(phone: str) -> str:
    """Keyed hash of a normalised mobile number (what the throttles count by)."""
    return salted_hmac(
        "people.otp_codes.phone",
        normalise_mobile(phone),
        secret=settings.ID_HASH_KEY,
        algorithm="sha256",
    ).hexdigest()


def _code_hash(code_id: int, code: str) -> str:
    return salted_hmac(
        "people.otp_codes.code", f"{code_id}:{code}", algorithm="sha256"
    ).hexdigest()


def registered_phone(user) -> str:
    """The phone a person registered: the applicant profile's, else the user's."""
    profile = getattr(user, "applicant", None) if user is not None else None
    try:
        phone = profile.phone if profile is not None else ""
    except AttributeError:  # pragma: no cover - a profile always has a phone field
        phone = ""
    return normalise_mobile(phone or getattr(user, "phone", "") or "")


def _retry_after(oldest: dt.datetime, window: dt.timedelta, now: dt.datetime) -> int:
    return max(1, int((oldest + window - now).total_seconds()) + 1)


def _check_issue_throttles(*, phone_key: str, request_ip: str | None) -> None:
    now = timezone.now()
    recent = list(
        OneTimeCode.objects.filter(phone_hash=phone_key, created_at__gte=now - WINDOW)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
    )
    resend = dt.timedelta(seconds=settings.OTP_RESEND_SECONDS)
    if recent and recent[0] > now - resend:
        raise ThrottledError(
            "code_too_soon",
            _("验证码已发送，请稍后再重新获取"),
            retry_after=_retry_after(recent[0], resend, now),
        )
    if len(recent) >= settings.OTP_PHONE_LIMIT:
        raise ThrottledError(
            "code_phone_limit",
            _("该手机号获取验证码次数过多，请一小时后再试"),
            retry_after=_retry_after(recent[-1], WINDOW, now),
        )
    if request_ip:
        from_address = list(
            OneTimeCode.objects.filter(
                requested_from=request_ip, created_at__gte=now - WINDOW
            )
            .order_by("created_at")
            .values_list("created_at", flat=True)[: settings.OTP_ADDRESS_LIMIT]
        )
        if len(from_address) >= settings.OTP_ADDRESS_LIMIT:
            raise ThrottledError(
                "code_address_limit",
                _("此网络地址获取验证码次数过多，请稍后再试"),
                retry_after=_retry_after(from_address[0], WINDOW, now),
            )


def otp_issue(
    *,
    purpose: str,
    phone: str,
    user,
    text_template: str,
    about: models.Model | None = None,
    request_ip: str | None = None,
) -> OneTimeCode:
    """Record a code request and send the code after commit; returns the row.

    ``phone``: the registered number the code goes to (for ``user=None``, the
    number that was typed). ``text_template`` holds ``{code}`` once; it is
    what the person reads. Raises ThrottledError when a budget is spent.
    Earlier live codes for the same purpose, user and subject stop working.
    """
    if purpose not in c.CodePurpose.values:
        raise ValueError(f"unknown purpose {purpose!r}")
    if text_template.count(CODE_PLACEHOLDER) != 1:
        raise ValueError("text_template must hold {code} once")
    phone = normalise_mobile(phone)
    if not is_mobile(phone):
        raise ServiceError(
            "phone_invalid", _("手机号码应为11位中国大陆手机号，以1开头"), field="phone"
        )
    key = phone_hash(phone)
    subject_type, subject_id = subject_of(about) if about is not None else ("", "")
    now = timezone.now()
    with transaction.atomic():
        _check_issue_throttles(phone_key=key, request_ip=request_ip)
        OneTimeCode.objects.filter(
            purpose=purpose,
            user=user,
            subject_type=subject_type,
            subject_id=subject_id,
            used_at__isnull=True,
            expires_at__gt=now,
        ).update(expires_at=now)
        row = OneTimeCode.objects.create(
            purpose=purpose,
            user=user,
            subject_type=subject_type,
            subject_id=subject_id,
            phone_hash=key,
            requested_from=request_ip,
            text_template=text_template,
            expires_at=now + dt.timedelta(minutes=settings.ONE_TIME_CODE_MINUTES),
        )
        transaction.on_commit(partial(_queue_delivery, row.pk))
    logger.info("otp.issued code_id=%s purpose=%s", row.pk, purpose)
    return row


def _queue_delivery(code_id: int) -> None:
    """After commit: the task generates and sends the code (never raises)."""
    from people.tasks import deliver_one_time_code

    try:
        deliver_one_time_code.delay(code_id)
    except Exception as exc:  # noqa: BLE001 - broker down: the person asks again
        logger.error(
            "otp.delivery_not_queued code_id=%s error=%s", code_id, type(exc).__name__
        )


def otp_deliver(*, code_id: int) -> bool:
    """Generate the code, store its hash and send it; True if sent now.

    Idempotent: a code already generated, a row used or expired, or nobody to
    send to (``user`` null, or the registered phone changed meanwhile) sends
    nothing. The code exists only in this function and in the SMS.
    """
    with transaction.atomic():
        row = (
            OneTimeCode.objects.select_for_update(of=("self",))
            .select_related("user", "user__applicant")
            .filter(pk=code_id)
            .first()
        )
        if (
            row is None
            or row.code_hash
            or row.used_at is not None
            or row.expires_at <= timezone.now()
            or row.user is None
        ):
            return False
        phone = registered_phone(row.user)
        if not is_mobile(phone) or phone_hash(phone) != row.phone_hash:
            logger.warning("otp.phone_changed code_id=%s", row.pk)
            return False
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        row.code_hash = _code_hash(row.pk, code)
        row.save(update_fields=["code_hash"])
        sms_send(
            phone=phone,
            text=row.text_template.replace(CODE_PLACEHOLDER, code),
            dedupe_key=f"otp:{row.pk}",
            erase_after_send=True,
        )
    logger.info("otp.delivered code_id=%s", row.pk)
    return True


# --- verify -------------------------------------------------------------------------


def _failure_key(request_ip: str) -> str:
    return f"otp:verify-failures:{request_ip}"


def _check_verify_throttle(request_ip: str | None) -> None:
    if not request_ip:
        return
    try:
        state = cache.get(_failure_key(request_ip))
    except Exception as exc:  # noqa: BLE001 - a guard, not the service
        logger.warning("otp.throttle_unavailable error=%s", type(exc).__name__)
        return
    if state and state["n"] >= settings.OTP_VERIFY_ADDRESS_LIMIT:
        started = dt.datetime.fromtimestamp(state["since"], tz=dt.UTC)
        window = dt.timedelta(seconds=settings.OTP_VERIFY_WINDOW_SECONDS)
        raise ThrottledError(
            "code_attempts_address",
            _("验证码错误次数过多，请稍后再试"),
            retry_after=_retry_after(started, window, timezone.now()),
        )


def _count_verify_failure(request_ip: str | None) -> None:
    if not request_ip:
        return
    key = _failure_key(request_ip)
    try:
        state = cache.get(key) or {"n": 0, "since": timezone.now().timestamp()}
        state["n"] += 1
        left = settings.OTP_VERIFY_WINDOW_SECONDS - int(
            timezone.now().timestamp() - state["since"]
        )
        cache.set(key, state, timeout=max(1, left))
    except Exception as exc:  # noqa: BLE001
        logger.warning("otp.throttle_unavailable error=%s", type(exc).__name__)


INVALID = ("code_invalid", "验证码错误，请核对短信中的6位数字")
EXPIRED = ("code_expired", "验证码已失效，请重新获取")


def _invalid(kind=INVALID) -> ServiceError:
    return ServiceError(kind[0], kind[1], field="code")


def otp_verify(
    *,
    purpose: str,
    code: str,
    code_id: int | None = None,
    about: models.Model | None = None,
    request_ip: str | None = None,
) -> OneTimeCode:
    """The live code row that ``code`` matches, not yet consumed; or raise.

    The row is the one with ``code_id`` or the newest for ``about``, of
    ``purpose`` either way: a code proves nothing about another row, another
    purpose or another subject. A wrong code counts against the row (it dies
    after OTP_MAX_ATTEMPTS) and against the address; that count is committed
    here, so call this outside any transaction of your own.
    """
    _check_verify_throttle(request_ip)
    code = normalise_mobile(code or "")  # full-width digits, spaces: as typed
    with transaction.atomic():
        rows = OneTimeCode.objects.select_for_update().filter(purpose=purpose)
        if code_id is not None:
            rows = rows.filter(pk=code_id)
        elif about is not None:
            subject_type, subject_id = subject_of(about)
            rows = rows.filter(
                subject_type=subject_type, subject_id=subject_id
            ).order_by("-created_at", "-pk")
        else:
            raise ValueError("code_id or about is required")
        row = rows.first()
        if row is None:
            failure = INVALID
        elif (
            row.expires_at <= timezone.now()
            or row.used_at is not None
            or row.attempts >= settings.OTP_MAX_ATTEMPTS
        ):
            failure = EXPIRED
        elif row.code_hash and constant_time_compare(
            _code_hash(row.pk, code), row.code_hash
        ):
            return row
        else:
            row.attempts += 1
            row.save(update_fields=["attempts"])
            failure = EXPIRED if row.attempts >= settings.OTP_MAX_ATTEMPTS else INVALID
    _count_verify_failure(request_ip)
    logger.info(
        "otp.verify_failed code_id=%s reason=%s",
        getattr(row, "pk", None),
        failure[0],
    )
    raise _invalid(failure)


def otp_consume(*, row: OneTimeCode) -> None:
    """Use the code up; call inside the transaction of the change it allows.

    A conditional update, so of two requests with the same code only one
    gets through (the other, and any replay, hears "expired").
    """
    now = timezone.now()
    used = OneTimeCode.objects.filter(
        pk=row.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if used != 1:
        raise _invalid(EXPIRED)
    row.used_at = now
