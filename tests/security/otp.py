"""Second-factor helpers for the security tests: devices and the codes they show."""

from __future__ import annotations

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY = ["aaaa2222", "bbbb3333", "cccc4444"]


def totp_code(device: TOTPDevice, at: float | None = None) -> str:
    """The code an authenticator app shows for ``device`` now (or at ``at``)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def enrol(user, *, recovery: list[str] | None = None) -> TOTPDevice:
    """A confirmed authenticator and recovery codes, as enrolment leaves them."""
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="recovery")
    for code in recovery if recovery is not None else RECOVERY:
        StaticToken.objects.create(device=static, token=code)
    return device
