"""Password reset by a one-time code sent to the registered phone.

The owner of a locked or forgotten account gets back in without the hall:
user name and registered phone → a code by SMS → the code and a new password.
Setting it clears the login lock (portal.lockout.login_lock_clear) and ends
the account's API tokens; sessions end because the password changed.

A request whose user name and phone match no active account is answered
exactly like one that matches: the same row is written (user null), the same
throttles count it, and the code step then says "wrong code".
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from people import constants as c
from people.codes import is_mobile, normalise_mobile
from people.models import OneTimeCode
from people.services import otp_codes
from people.services.outbox import sms_send
from portal.audit import audit_record
from portal.errors import ErrorCollector, ServiceError
from portal.lockout import login_lock_clear
from portal.models import ApiToken, User

logger = logging.getLogger(__name__)

RESET_TEXT = (
    "【甘孜州政务服务网】您正在找回密码，验证码{code}，"
    "{minutes}分钟内有效。如非本人操作请忽略，切勿告诉他人。"
)
DONE_TEXT = (
    "【甘孜州政务服务网】您的账号密码已于刚才重置。"
    "如非本人操作，请立即到政务服务大厅窗口处理。"
)


def _matching_user(username: str, phone: str) -> User | None:
    """The active account with this user name whose registered phone is ``phone``.

    One query whatever the answer, so a miss costs what a hit costs.
    """
    username = User.normalize_username((username or "").strip())
    user = (
        User.objects.select_related("applicant")
        .filter(username__iexact=username, is_active=True)
        .first()
    )
    if user is None or otp_codes.registered_phone(user) != phone:
        return None
    return user


def password_reset_request(
    *, username: str, phone: str, request_ip: str | None = None
) -> int:
    """Send a reset code if the name and phone match; returns the request's id.

    The id (kept in the session) is returned in every case: the caller
    cannot tell, and must not show, whether a code went out. Raises
    ServiceError for a malformed phone or an empty user name (typing
    mistakes, no oracle) and ThrottledError when a budget is spent.
    """
    errors = ErrorCollector()
    if not (username or "").strip():
        errors.add("username_required", _("请填写用户名"), "username")
    phone = normalise_mobile(phone)
    if not is_mobile(phone):
        errors.add(
            "phone_invalid", _("手机号码应为11位中国大陆手机号，以1开头"), "phone"
        )
    errors.raise_if_any("reset_invalid", _("请按提示修改"))
    user = _matching_user(username, phone)
    row = otp_codes.otp_issue(
        purpose=c.CodePurpose.PASSWORD_RESET,
        phone=phone,
        user=user,
        text_template=RESET_TEXT.replace(
            "{minutes}", str(settings.ONE_TIME_CODE_MINUTES)
        ),
        request_ip=request_ip,
    )
    return row.pk


def _check_password(user: User, password: str) -> None:
    errors = ErrorCollector()
    if not password:
        errors.add("password_required", _("请设置新密码"), "password")
    else:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            from people.services.applicants import PASSWORD_MESSAGES

            for err in exc.error_list:
                template = PASSWORD_MESSAGES.get(err.code or "")
                detail = (
                    str(template) % (err.params or {})
                    if template
                    else str(err.message % err.params if err.params else err.message)
                )
                errors.add(err.code or "password_invalid", detail, "password")
    errors.raise_if_any("password_invalid", _("新密码不符合要求"))


def password_reset_complete(
    *, request_id: int, code: str, password: str, request_ip: str | None = None
) -> User:
    """Check the code, set the new password, clear the lock; returns the user.

    The code is checked first (a wrong one counts, committed); a new password
    that fails the rules leaves the code unused so the owner can try another.
    Call outside a transaction.
    """
    row: OneTimeCode = otp_codes.otp_verify(
        purpose=c.CodePurpose.PASSWORD_RESET,
        code=code,
        code_id=request_id,
        request_ip=request_ip,
    )
    user = row.user
    if user is None:  # pragma: no cover - such a row has no code to match
        raise ServiceError("code_invalid", _("验证码错误"), field="code")
    _check_password(user, password)
    with transaction.atomic():
        otp_codes.otp_consume(row=row)
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(password)
        user.save(update_fields=["password"])
        tokens, _rows = ApiToken.objects.filter(user=user).delete()
        audit_record(
            actor=user,
            action="user.password_reset_by_sms",
            obj=user,
            object_repr=f"用户#{user.pk}",
            changes={"api_tokens_ended": tokens},
        )
        phone = otp_codes.registered_phone(user)
        if is_mobile(phone):
            sms_send(phone=phone, text=DONE_TEXT, dedupe_key=f"reset-done:{row.pk}")
        login_lock_clear(username=user.get_username())
    logger.info("password.reset user_id=%s", user.pk)
    return user
