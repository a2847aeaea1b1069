"""Account activation: a walk-in registered at the counter sets up online access.

A clerk registers a walk-in (applicant_register_at_counter) with a generated
user name and no usable password. From the login page the citizen activates
the account themself: ID number and the phone the counter recorded → a
one-time code by SMS → the code, a user name of their choosing and a
password. The code is the one password reset uses (people.services.otp_codes:
same expiry, single use, throttles), for its own purpose, so a reset code
never activates and the other way round.

Only an account not yet activated (no usable password) matches. A request
that matches nobody (an unknown number, a wrong phone, an account already
activated) is answered exactly like one that matches: the same row is
written (user null), the same throttles count it, and the code step then
says "wrong code". Activation ends any login lock.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from people import constants as c
from people.codes import is_mobile, normalise_mobile
from people.models import ApplicantProfile, OneTimeCode
from people.privacy import (
    IdNumberError,
    id_number_hash,
    normalise_id_number,
    validate_id_number,
)
from people.services import otp_codes
from people.services.applicants import _check_password, _check_username
from people.services.outbox import sms_send
from portal.audit import audit_record
from portal.errors import ErrorCollector, ServiceError
from portal.lockout import login_lock_clear
from portal.models import User

logger = logging.getLogger(__name__)

ACTIVATE_TEXT = (
    "【甘孜州政务服务网】您正在开通网上办事账号，验证码{code}，"
    "{minutes}分钟内有效。如非本人操作请忽略，切勿告诉他人。"
)
DONE_TEXT = (
    "【甘孜州政务服务网】您的网上办事账号已开通，用户名：{username}。"
    "如非本人操作，请立即到政务服务大厅窗口处理。"
)


def _matching_walk_in(id_number: str, phone: str) -> User | None:
    """The active, not yet activated account of this ID number and phone.

    One query whatever the answer, so a miss costs what a hit costs.
    """
    profile = (
        ApplicantProfile.objects.select_related("user")
        .filter(id_number_hash=id_number_hash(id_number), user__is_active=True)
        .first()
    )
    if profile is None:
        return None
    user = profile.user
    if user.has_usable_password() or otp_codes.registered_phone(user) != phone:
        return None
    return user


def account_activation_request(
    *, id_number: str, phone: str, request_ip: str | None = None
) -> int:
    """Send an activation code if number and phone match a walk-in's account.

    Returns the request's id in every case (the caller keeps it in the
    session and must not show whether a code went out). Raises ServiceError
    for a malformed ID number or phone (typing mistakes, no oracle) and
    ThrottledError when a budget is spent.
    """
    errors = ErrorCollector()
    id_number = normalise_id_number(id_number)
    try:
        validate_id_number(id_number)
    except IdNumberError as exc:
        errors.add(exc.code, exc.message, "id_number")
    phone = normalise_mobile(phone)
    if not is_mobile(phone):
        errors.add(
            "phone_invalid", _("手机号码应为11位中国大陆手机号，以1开头"), "phone"
        )
    errors.raise_if_any("activation_invalid", _("请按提示修改"))
    user = _matching_walk_in(id_number, phone)
    row = otp_codes.otp_issue(
        purpose=c.CodePurpose.ACCOUNT_ACTIVATION,
        phone=phone,
        user=user,
        text_template=ACTIVATE_TEXT.replace(
            "{minutes}", str(settings.ONE_TIME_CODE_MINUTES)
        ),
        request_ip=request_ip,
    )
    return row.pk


def account_activation_complete(
    *,
    request_id: int,
    code: str,
    username: str,
    password: str,
    request_ip: str | None = None,
) -> User:
    """Check the code, then give the account its user name and password.

    The code is checked first (a wrong one counts, committed); a user name
    taken or a password that fails the rules leaves the code unused so the
    owner can try another. Call outside a transaction.
    """
    row: OneTimeCode = otp_codes.otp_verify(
        purpose=c.CodePurpose.ACCOUNT_ACTIVATION,
        code=code,
        code_id=request_id,
        request_ip=request_ip,
    )
    user = row.user
    if user is None:  # pragma: no cover - such a row has no code to match
        raise ServiceError("code_invalid", _("验证码错误"), field="code")
    errors = ErrorCollector()
    username = _check_username(errors, username)
    _check_password(errors, password, User(username=username))
    errors.raise_if_any("activation_invalid", _("请按提示修改"))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.has_usable_password():
            raise ServiceError(
                "already_activated",
                _("该账号已开通，请直接登录；忘记密码请用“找回密码”"),
            )
        otp_codes.otp_consume(row=row)
        old_username = locked.get_username()
        locked.username = username
        locked.set_password(password)
        locked.save(update_fields=["username", "password"])
        audit_record(
            actor=locked,
            action="user.activated_by_sms",
            obj=locked,
            object_repr=f"用户#{locked.pk}",
            changes={"username": username},
        )
        phone = otp_codes.registered_phone(locked)
        if is_mobile(phone):
            sms_send(
                phone=phone,
                text=DONE_TEXT.replace("{username}", username),
                dedupe_key=f"activation-done:{row.pk}",
            )
        login_lock_clear(username=old_username)
    logger.info("account.activated user_id=%s", locked.pk)
    return locked
