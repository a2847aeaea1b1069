"""The second factor: TOTP codes (django-otp) and single-use recovery codes.

Who: staff must (:func:`user_requires_otp`: the staff roles of
``portal.roles.STAFF_ROLES``, ``is_staff`` and superusers); anyone else may turn
it on from their profile. Where: the login flows (web, admin, API token) ask
:func:`login_second_step` after the password and log the session in, or hand
out a token, only after :func:`otp_verify` accepted a code. Nothing checks
sessions afterwards: a session exists only once both steps passed.

django-otp gives the devices: one confirmed ``TOTPDevice`` (an authenticator
app; ``last_t`` refuses a code of a time step already used, so a code cannot
be replayed within its window) and one ``StaticDevice`` holding the recovery
codes (each deleted when used). Both throttle wrong codes exponentially
(1, 2, 4 ... seconds); :func:`otp_verify` reports that as ``otp_throttled``
with the seconds to wait.

``OTP_DEMO_BYPASS`` (development only; production settings refuse it) lets
staff *without* a device in with the password alone: make run's demo users.
A user who has a device is always asked for a code.
"""

from __future__ import annotations

import logging
import math
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record
from .errors import PermissionDeniedError, ServiceError, ThrottledError
from .i18n import fold_digits
from .roles import user_is_staff

logger = logging.getLogger(__name__)

TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"
TOTP_DIGITS = 6
# Recovery codes are 8 base32 characters (StaticToken.random_token).
MAX_CODE_LENGTH = 16


class SecondStep(StrEnum):
    NONE = "none"  # the password is enough
    VERIFY = "verify"  # ask for a code
    ENROL = "enrol"  # staff without a device: set one up first


def user_requires_otp(user) -> bool:
    """Staff and administrators sign in with two factors."""
    return user_is_staff(user)


def user_has_otp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def login_second_step(user) -> SecondStep:
    """What the login asks after a right password."""
    if user_has_otp(user):
        return SecondStep.VERIFY
    if user_requires_otp(user) and not settings.OTP_DEMO_BYPASS:
        return SecondStep.ENROL
    return SecondStep.NONE


def normalise_code(code: str) -> str:
    """Full-width digits from a Chinese input method, Tibetan digits, spaces,
    dashes, case."""
    code = fold_digits(code or "")
    return "".join(ch for ch in code if ch not in " -\t").lower()


def format_recovery_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _invalid(field: str = "otp_code") -> ServiceError:
    return ServiceError("otp_invalid", _("验证码不正确或已使用"), field=field)


def _throttled(locked_until) -> ThrottledError:
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return ThrottledError(
        "otp_throttled",
        _("验证码错误次数过多，请 %(seconds)s 秒后再试") % {"seconds": seconds},
        retry_after=seconds,
    )


def _verify_on(devices, code: str) -> tuple[Device | None, object]:
    """First device accepting ``code``; else (None, the latest throttle end)."""
    locked_until = None
    for device in devices:
        allowed, info = device.verify_is_allowed()
        if not allowed:
            until = (info or {}).get("locked_until")
            if until is not None and (locked_until is None or until > locked_until):
                locked_until = until
            continue
        if device.verify_token(code):
            return device, None
    return None, locked_until


def otp_verify(*, user, code: str, field: str = "otp_code") -> Device:
    """Check a TOTP code or a recovery code of ``user``; consume it.

    Six digits are a TOTP code (refused when its time step, or a later one,
    was used already); anything else is tried as a recovery code (deleted on
    use). The failure counts (django-otp's throttle) are committed even though
    the caller is told ``otp_invalid``.
    """
    code = normalise_code(code)
    if not code or len(code) > MAX_CODE_LENGTH:
        raise _invalid(field)
    is_totp = code.isdigit() and len(code) == TOTP_DIGITS
    with transaction.atomic():
        model = TOTPDevice if is_totp else StaticDevice
        devices = model.objects.select_for_update().filter(user=user, confirmed=True)
        device, locked_until = _verify_on(devices, code)
        if device is not None and not is_totp:
            audit_record(
                actor=user,
                action="otp.recovery_code_used",
                obj=user,
                changes={"left": StaticToken.objects.filter(device=device).count()},
            )
    if device is not None:
        return device
    if locked_until is not None:
        raise _throttled(locked_until)
    raise _invalid(field)


def totp_enrol_begin(*, user) -> TOTPDevice:
    """The unconfirmed authenticator to show as a QR code (kept until confirmed).

    The same key is shown again on a reload, so a scan a minute ago stays
    good; a confirmed device must be turned off before a new one is set up.
    """
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ServiceError("otp_already_enabled", _("已开启两步验证"))
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("id")
            .first()
        )
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name=TOTP_NAME, confirmed=False
            )
    return device


def _recovery_codes_issue(*, user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME)
    codes = [StaticToken.random_token() for _ in range(settings.OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=code) for code in codes
    )
    return codes


def totp_enrol_confirm(*, user, code: str) -> list[str]:
    """Confirm the authenticator with one code; returns new recovery codes.

    The codes are returned once, to be shown once; only django-otp's table
    keeps them afterwards.
    """
    code = normalise_code(code)
    if not (code.isdigit() and len(code) == TOTP_DIGITS):
        raise _invalid()
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("id")
            .first()
        )
        if device is None:
            raise ServiceError(
                "otp_enrolment_missing", _("请重新开始设置两步验证"), field="otp_code"
            )
        device, locked_until = _verify_on([device], code)
        codes: list[str] = []
        if device is not None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            codes = _recovery_codes_issue(user=user)
            audit_record(actor=user, action="otp.enabled", obj=user)
    if device is None:
        if locked_until is not None:
            raise _throttled(locked_until)
        raise _invalid()
    logger.info("otp.enabled user_id=%s", user.pk)
    return codes


def recovery_codes_renew(*, user, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), after a valid code."""
    otp_verify(user=user, code=code)
    with transaction.atomic():
        codes = _recovery_codes_issue(user=user)
        audit_record(actor=user, action="otp.recovery_codes_renewed", obj=user)
    return codes


def otp_disable(*, user, code: str) -> None:
    """Turn the second factor off (citizens only), after a valid code."""
    if user_requires_otp(user):
        raise PermissionDeniedError(
            "otp_required_for_staff", _("工作人员账号必须使用两步验证，不能关闭")
        )
    otp_verify(user=user, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(actor=user, action="otp.disabled", obj=user)
    logger.info("otp.disabled user_id=%s", user.pk)


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user).count()
