"""Real-name applicants: registration online and at the counter, lookup, reveal.

Each function validates everything first (so the user hears every problem at
once), then writes inside one ``transaction.atomic()`` with the audit entry.
ID numbers and phones never reach the audit chain or the logs: audit entries
carry the masked forms only.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
import uuid

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from people.codes import is_mobile, normalise_mobile
from people.constants import Language
from people.models import ApplicantProfile
from people.privacy import (
    IdNumberError,
    decrypt_id_number,
    id_number_hash,
    mask_name,
    normalise_id_number,
    reveal_reason,
    stored_id_number_fields,
    validate_id_number,
)
from people.services.outbox import sms_send
from portal.audit import audit_record
from portal.errors import ErrorCollector, PermissionDeniedError, ServiceError
from portal.i18n import has_han, has_tibetan
from portal.models import User
from portal.roles import Role, user_has_role
from portal.system import SYSTEM_USERNAME

logger = logging.getLogger(__name__)

# Names: letters of any script (with their combining marks, as Tibetan needs),
# the middle dot of transliterated names (扎西·次仁) and single spaces.
NAME_SEPARATORS = set(" ·•．.")
# The Tibetan syllable marks (tsheg, non-breaking tsheg) end every syllable,
# the last one included, so they may close a name but not open it.
TSHEG = set("\u0f0b\u0f0c")
NAME_MAX = 64

PASSWORD_MESSAGES = {
    "password_too_short": gettext_lazy("密码太短，至少需要%(min_length)s个字符"),
    "password_too_common": gettext_lazy("这个密码太常见，容易被猜到，请换一个"),
    "password_entirely_numeric": gettext_lazy("密码不能全部是数字，请加入字母或符号"),
    "password_too_similar": gettext_lazy("密码与用户名、姓名或电子邮箱太相似"),
}


# --------------------------------------------------------------------------
# Field checks (each adds to a collector so every problem is reported at once)


def _check_id_number(
    errors: ErrorCollector, id_number: str, field: str = "id_number"
) -> dt.date | None:
    try:
        return validate_id_number(id_number)
    except IdNumberError as exc:
        errors.add(exc.code, exc.message, field)
        return None


def _name_ok(name: str) -> bool:
    if name[0] in NAME_SEPARATORS | TSHEG or name[-1] in NAME_SEPARATORS:
        return False
    for ch in name:
        if ch in NAME_SEPARATORS or ch in TSHEG:
            continue
        if unicodedata.category(ch)[0] not in ("L", "M"):
            return False
    return True


def _mixed_scripts(name: str) -> bool:
    """Tibetan and Han letters in one name: two ways of writing it typed into
    one field (a name is written in Tibetan or in Chinese characters, as on
    the ID card; a Chinese transliteration is not asked for)."""
    return has_tibetan(name) and has_han(name)


def _check_full_name(errors: ErrorCollector, full_name: str) -> str:
    full_name = unicodedata.normalize("NFC", " ".join((full_name or "").split()))
    if not full_name:
        errors.add("full_name_required", _("请填写姓名"), "full_name")
    elif len(full_name) > NAME_MAX:
        errors.add(
            "full_name_length",
            _("姓名最多%(max)s个字符") % {"max": NAME_MAX},
            "full_name",
        )
    elif not _name_ok(full_name):
        errors.add(
            "full_name_chars",
            _("姓名只能包含文字，少数民族姓名可用“·”分隔，不能含数字或符号"),
            "full_name",
        )
    elif _mixed_scripts(full_name):
        errors.add(
            "full_name_mixed_scripts",
            _("姓名请只用一种文字填写：藏文姓名直接用藏文，不必另附汉字译名"),
            "full_name",
        )
    return full_name


def _check_phone(errors: ErrorCollector, phone: str, *, required: bool) -> str:
    phone = normalise_mobile(phone)
    if not phone:
        if required:
            errors.add("phone_required", _("请填写手机号码"), "phone")
    elif not is_mobile(phone):
        errors.add(
            "phone_invalid", _("手机号码应为11位中国大陆手机号，以1开头"), "phone"
        )
    return phone


def _check_username(errors: ErrorCollector, username: str) -> str:
    # NFKC like the login form (UsernameField), so "ｚｈａｘｉ" is stored as the
    # "zhaxi" its owner will log in with, and cannot shadow an existing "zhaxi".
    username = User.normalize_username((username or "").strip())
    if not username:
        errors.add("username_required", _("请填写用户名"), "username")
        return username
    if len(username) < 3 or len(username) > 150:
        errors.add("username_length", _("用户名长度应为3至150个字符"), "username")
        return username
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        errors.add(
            "username_chars",
            _("用户名只能包含字母、数字和 @ . + - _ 符号"),
            "username",
        )
        return username
    # The system actor's name is taken even before its row exists (portal.system).
    if username.lower() == SYSTEM_USERNAME or (
        User.objects.filter(username__iexact=username).exists()
    ):
        errors.add("username_taken", _("该用户名已被使用，请换一个"), "username")
    return username


def _check_password(errors: ErrorCollector, password: str, user: User) -> None:
    if not password:
        errors.add("password_required", _("请设置密码"), "password")
        return
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        for err in exc.error_list:
            template = PASSWORD_MESSAGES.get(err.code or "")
            if template:
                detail = str(template) % (err.params or {})
            else:
                detail = str(err.message % err.params if err.params else err.message)
            errors.add(err.code or "password_invalid", detail, "password")


def _check_email(errors: ErrorCollector, email: str) -> str:
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.add("email_invalid", _("电子邮箱格式不正确"), "email")
    return email


def _check_id_unused(errors: ErrorCollector, id_number: str) -> None:
    if ApplicantProfile.objects.filter(
        id_number_hash=id_number_hash(id_number)
    ).exists():
        errors.add(
            "id_number_registered",
            _("该身份证号码已注册，请直接登录；如忘记密码请到政务服务大厅窗口办理"),
            "id_number",
        )


def _profile_repr(profile: ApplicantProfile) -> str:
    return f"{mask_name(profile.full_name)}（{profile.id_number_masked}）"


def _create_applicant(
    *,
    username: str,
    password: str | None,
    full_name: str,
    id_number: str,
    phone: str,
    email: str,
    registered_by: User | None,
    action: str,
    actor: User | None,
    language: str = "",
) -> User:
    """Write user, profile and role; on a lost race, nothing stays written."""
    id_number = normalise_id_number(id_number)
    try:
        with transaction.atomic():
            user = User(
                username=username,
                display_name=full_name,
                phone=phone,
                email=email,
            )
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save()
            profile = ApplicantProfile.objects.create(
                user=user,
                full_name=full_name,
                **stored_id_number_fields(id_number),
                phone=phone,
                email=email,
                registered_by=registered_by,
                language=_profile_language(language),
            )
            group, _created = Group.objects.get_or_create(name=Role.APPLICANT.value)
            user.groups.add(group)
            audit_record(
                actor=actor or user,
                action=action,
                obj=profile,
                object_repr=_profile_repr(profile),
                changes={"user_id": user.pk, "username": username},
            )
    except IntegrityError as exc:
        # A concurrent registration won the unique constraint.
        if ApplicantProfile.objects.filter(
            id_number_hash=id_number_hash(id_number)
        ).exists():
            raise ServiceError(
                "id_number_registered",
                _("该身份证号码已注册，请直接登录"),
                field="id_number",
            ) from exc
        raise ServiceError(
            "username_taken", _("该用户名已被使用，请换一个"), field="username"
        ) from exc
    return user


# --------------------------------------------------------------------------
# Applicants


def applicant_register(
    *,
    username: str,
    password: str,
    full_name: str,
    id_number: str,
    phone: str,
    email: str = "",
    language: str = "",
) -> User:
    """A citizen registers online; returns the new user (role 'applicant').

    ``language``: the page's language at registration (kept on the profile
    for the pages after login, the documents and the messages)."""
    errors = ErrorCollector()
    username = _check_username(errors, username)
    full_name = _check_full_name(errors, full_name)
    birth_date = _check_id_number(errors, id_number)
    phone = _check_phone(errors, phone, required=True)
    email = _check_email(errors, email)
    if birth_date is not None:
        _check_id_unused(errors, id_number)
    _check_password(
        errors,
        password,
        User(username=username, display_name=full_name, email=email),
    )
    errors.raise_if_any("registration_invalid", _("注册信息有误，请按提示修改"))
    return _create_applicant(
        username=username,
        password=password,
        full_name=full_name,
        id_number=id_number,
        phone=phone,
        email=email,
        registered_by=None,
        action="applicant.register",
        actor=None,
        language=language,
    )


DUPLICATE_TEXT = (
    "【甘孜州政务服务网】您填写的身份证号码已在本网注册，本次注册未生效。"
    "如是本人账号，请直接登录或用注册手机号找回密码；如非本人注册，"
    "请携身份证到政务服务大厅窗口处理。"
)


def applicant_register_online(
    *,
    username: str,
    password: str,
    full_name: str,
    id_number: str,
    phone: str,
    email: str = "",
    language: str = "",
) -> User | None:
    """The registration page's service: never tells whether a number is taken.

    Every other problem is reported as by :func:`applicant_register`. When
    the ID number is registered already (or a concurrent registration takes
    it), nothing is created, the answer is the same as for a new account
    (the caller shows "registered, please log in" either way) and the phone
    that was typed is told by SMS: only the holder of that phone learns it.
    The password is hashed on that path too, so both take as long. Returns
    the new user, or None for a taken number.
    """
    try:
        return applicant_register(
            username=username,
            password=password,
            full_name=full_name,
            id_number=id_number,
            phone=phone,
            email=email,
            language=language,
        )
    except ServiceError as exc:
        codes = {item.code for item in exc.errors or [exc]}
        if codes != {"id_number_registered"}:
            if "id_number_registered" in codes:
                # Other problems too: report those, and not this one.
                items = [i for i in exc.errors if i.code != "id_number_registered"]
                collector = ErrorCollector(items=items)
                collector.raise_if_any(exc.code, exc.detail)
            raise
    make_password(password)  # the time a new account's hashing takes
    sms_send(phone=phone, text=DUPLICATE_TEXT)
    logger.info("applicant.register_number_taken")
    return None


def applicant_register_at_counter(
    *, clerk: User, full_name: str, id_number: str, phone: str, language: str = ""
) -> User:
    """One-window intake: a clerk registers a walk-in citizen.

    The account gets an unusable password; the citizen sets one later at the
    counter or through a reset. ``registered_by`` records the clerk.
    ``language``: the one the citizen reads (COUNTER_LANGUAGES; blank:
    Chinese), for their documents and messages.
    """
    if not user_has_role(clerk, Role.CLERK):
        raise PermissionDeniedError(
            "not_clerk", _("只有综合窗口人员可以代为登记申请人")
        )
    errors = ErrorCollector()
    full_name = _check_full_name(errors, full_name)
    birth_date = _check_id_number(errors, id_number)
    phone = _check_phone(errors, phone, required=True)
    language = _check_counter_language(errors, language)
    if birth_date is not None:
        _check_id_unused(errors, id_number)
    errors.raise_if_any("registration_invalid", _("登记信息有误，请按提示修改"))
    return _create_applicant(
        username=f"c{uuid.uuid4().hex[:16]}",
        password=None,
        full_name=full_name,
        id_number=id_number,
        phone=phone,
        email="",
        registered_by=clerk,
        action="applicant.register_at_counter",
        actor=clerk,
        language=language,
    )


def _profile_language(language: str) -> str:
    """A code of people.constants.Language, or "" (Chinese, the default)."""
    language = (language or "").strip().lower()
    if language == settings.LANGUAGE_CODE or language not in Language.values:
        return ""
    return language


def applicant_set_language(*, user: User, language: str) -> bool:
    """Keep the language a citizen chose on their profile (the switcher).

    Unknown codes are stored as the default (""). Returns whether the user
    has a profile (staff and enterprise-only accounts have none)."""
    if not getattr(user, "is_authenticated", False):
        return False
    stored = _profile_language(language)
    with transaction.atomic():
        profile = ApplicantProfile.objects.select_for_update().filter(user=user).first()
        if profile is None:
            return False
        if profile.language != stored:
            before = profile.language
            profile.language = stored
            profile.save(update_fields=["language"])
            audit_record(
                actor=user,
                action="applicant.set_language",
                obj=profile,
                object_repr=_profile_repr(profile),
                changes={"language": [before, stored]},
            )
    return True


# The languages a clerk or an agent records for a citizen without an online
# account (the documents print bilingual for Tibetan; English has no documents).
COUNTER_LANGUAGES = (Language.ZH_HANS.value, Language.BO.value)


def _check_counter_language(errors: ErrorCollector, language: str) -> str:
    """The stored form of a language recorded at the counter ("" for Chinese)."""
    value = (language or "").strip().lower()
    if value and value not in COUNTER_LANGUAGES:
        errors.add("language_invalid", _("语言只能选择中文或藏文"), field="language")
        return ""
    return _profile_language(value)


def applicant_record_language(*, actor: User, user: User, language: str) -> None:
    """A clerk or an agent records the language of a citizen who has no
    online account yet (registered at the counter: no password), so that the
    documents and messages follow it. A citizen with an account chooses for
    themselves (:func:`applicant_set_language`). Whom an agent may act for
    is the caller's check (applications.services.people)."""
    if not (user_has_role(actor, Role.CLERK) or user_has_role(actor, Role.AGENT)):
        raise PermissionDeniedError(
            "not_intake_staff", _("只有综合窗口人员或代办员可以登记申请人的语言")
        )
    errors = ErrorCollector()
    stored = _check_counter_language(errors, language)
    errors.raise_if_any("language_invalid", _("语言只能选择中文或藏文"))
    with transaction.atomic():
        profile = ApplicantProfile.objects.select_for_update().filter(user=user).first()
        if profile is None:
            raise ServiceError(
                "applicant_not_registered", _("该用户不是已登记的申请人")
            )
        if User.objects.get(pk=user.pk).has_usable_password():
            raise ServiceError(
                "applicant_has_account",
                _("申请人已开通网上账号，语言由本人在网上选择"),
                field="language",
            )
        if profile.language == stored:
            return
        before = profile.language
        profile.language = stored
        profile.save(update_fields=["language"])
        audit_record(
            actor=actor,
            action="applicant.record_language",
            obj=profile,
            object_repr=_profile_repr(profile),
            changes={"language": [before, stored]},
        )


def applicant_language(profile: ApplicantProfile | None) -> str:
    """The language to write to this applicant in (settings.LANGUAGE_CODE
    when none was chosen)."""
    language = getattr(profile, "language", "") or ""
    return language if language in Language.values else settings.LANGUAGE_CODE


def applicant_find_by_id_number(*, id_number: str) -> ApplicantProfile | None:
    """Look an applicant up by the keyed hash of the number (never by value).

    A malformed number raises a ServiceError (field ``id_number``) so the
    clerk or agent hears the typing mistake instead of "not registered".
    """
    try:
        validate_id_number(id_number)
    except IdNumberError as exc:
        raise ServiceError(exc.code, exc.message, field="id_number") from exc
    return (
        ApplicantProfile.objects.select_related("user")
        .filter(id_number_hash=id_number_hash(id_number))
        .first()
    )


def applicant_reveal_id_number(
    *, viewer: User, profile: ApplicantProfile, reason: str
) -> str:
    """Decrypt the full number for one display, recording who and why.

    Allowed for the person themself, and for clerks and reviewers who give a
    reason. The audit entry carries the reason, never the number.
    """
    is_self = viewer.is_authenticated and viewer.pk == profile.user_id
    if not is_self and not user_has_role(viewer, Role.CLERK, Role.REVIEWER):
        raise PermissionDeniedError("reveal_forbidden", _("无权查看完整身份证号码"))
    reason = reveal_reason((reason or "").strip() or ("本人查看" if is_self else ""))
    with transaction.atomic():
        audit_record(
            actor=viewer,
            action="privacy.reveal_id_number",
            obj=profile,
            object_repr=_profile_repr(profile),
            changes={"reason": reason},
        )
    return decrypt_id_number(profile.id_number_encrypted)
