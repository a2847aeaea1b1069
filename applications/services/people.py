"""Applicants, enterprises and agent authorisations: every state change.

Each function validates everything first (so the user hears every problem at
once), then writes inside one ``transaction.atomic()`` with the audit entry.
ID numbers and phones never reach the audit chain or the logs: audit entries
carry the masked forms only (DOMAIN.md, Privacy).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications import constants as c
from applications.models import (
    AgentAuthorization,
    ApplicantProfile,
    Enterprise,
    EnterpriseMember,
)
from applications.privacy import (
    IdNumberError,
    decrypt_id_number,
    id_number_hash,
    mask_name,
    normalise_id_number,
    reveal_reason,
    stored_id_number_fields,
    validate_id_number,
)
from applications.uploads import AUTHORIZATION_DOCUMENT, check_upload
from catalog.codes import CodeError, validate_credit_code
from portal.audit import audit_record
from portal.errors import (
    ErrorCollector,
    NotFoundError,
    PermissionDeniedError,
    ServiceError,
)
from portal.models import User
from portal.roles import Role, user_has_role, user_roles

PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")
# Names: letters of any script (with their combining marks, as Tibetan needs),
# the middle dot of transliterated names (扎西·次仁) and single spaces.
NAME_SEPARATORS = set(" ·•．.")
# The Tibetan syllable marks (tsheg, non-breaking tsheg) end every syllable,
# the last one included, so they may close a name but not open it.
TSHEG = set("\u0f0b\u0f0c")
NAME_MAX = 64
STATEMENT_MIN = 10
AUTH_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# Content sniffing (applications.uploads): the bytes decide, never the name.
AUTH_DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
}

PASSWORD_MESSAGES = {
    "password_too_short": "密码太短，至少需要{min_length}个字符",
    "password_too_common": "这个密码太常见，容易被猜到，请换一个",
    "password_entirely_numeric": "密码不能全部是数字，请加入字母或符号",
    "password_too_similar": "密码与用户名、姓名或电子邮箱太相似",
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


def _check_full_name(errors: ErrorCollector, full_name: str) -> str:
    full_name = (full_name or "").strip()
    if not full_name:
        errors.add("full_name_required", "请填写姓名", "full_name")
    elif len(full_name) > NAME_MAX:
        errors.add("full_name_length", f"姓名最多{NAME_MAX}个字符", "full_name")
    elif not _name_ok(full_name):
        errors.add(
            "full_name_chars",
            "姓名只能包含文字，少数民族姓名可用“·”分隔，不能含数字或符号",
            "full_name",
        )
    return full_name


def _check_phone(errors: ErrorCollector, phone: str, *, required: bool) -> str:
    # NFKC: full-width digits from a Chinese input method become ASCII.
    phone = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", phone or ""))
    if not phone:
        if required:
            errors.add("phone_required", "请填写手机号码", "phone")
    elif not PHONE_RE.match(phone):
        errors.add("phone_invalid", "手机号码应为11位中国大陆手机号，以1开头", "phone")
    return phone


def _check_username(errors: ErrorCollector, username: str) -> str:
    # NFKC like the login form (UsernameField), so "ｚｈａｘｉ" is stored as the
    # "zhaxi" its owner will log in with, and cannot shadow an existing "zhaxi".
    username = User.normalize_username((username or "").strip())
    if not username:
        errors.add("username_required", "请填写用户名", "username")
        return username
    if len(username) < 3 or len(username) > 150:
        errors.add("username_length", "用户名长度应为3至150个字符", "username")
        return username
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        errors.add(
            "username_chars",
            "用户名只能包含字母、数字和 @ . + - _ 符号",
            "username",
        )
        return username
    if User.objects.filter(username__iexact=username).exists():
        errors.add("username_taken", "该用户名已被使用，请换一个", "username")
    return username


def _check_password(errors: ErrorCollector, password: str, user: User) -> None:
    if not password:
        errors.add("password_required", "请设置密码", "password")
        return
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        for err in exc.error_list:
            template = PASSWORD_MESSAGES.get(err.code or "")
            if template:
                detail = template.format(**(err.params or {}))
            else:
                detail = str(err.message % err.params if err.params else err.message)
            errors.add(err.code or "password_invalid", detail, "password")


def _check_email(errors: ErrorCollector, email: str) -> str:
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.add("email_invalid", "电子邮箱格式不正确", "email")
    return email


def _check_id_unused(errors: ErrorCollector, id_number: str) -> None:
    if ApplicantProfile.objects.filter(
        id_number_hash=id_number_hash(id_number)
    ).exists():
        errors.add(
            "id_number_registered",
            "该身份证号码已注册，请直接登录；如忘记密码请到政务服务大厅窗口办理",
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
            )
            group, _ = Group.objects.get_or_create(name=Role.APPLICANT.value)
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
                "该身份证号码已注册，请直接登录",
                field="id_number",
            ) from exc
        raise ServiceError(
            "username_taken", "该用户名已被使用，请换一个", field="username"
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
) -> User:
    """A citizen registers online; returns the new user (role 'applicant')."""
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
    errors.raise_if_any("registration_invalid", "注册信息有误，请按提示修改")
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
    )


def applicant_register_at_counter(
    *, clerk: User, full_name: str, id_number: str, phone: str
) -> User:
    """One-window intake: a clerk registers a walk-in citizen.

    The account gets an unusable password; the citizen sets one later at the
    counter or through a reset. ``registered_by`` records the clerk.
    """
    if not user_has_role(clerk, Role.CLERK):
        raise PermissionDeniedError("not_clerk", "只有综合窗口人员可以代为登记申请人")
    errors = ErrorCollector()
    full_name = _check_full_name(errors, full_name)
    birth_date = _check_id_number(errors, id_number)
    phone = _check_phone(errors, phone, required=True)
    if birth_date is not None:
        _check_id_unused(errors, id_number)
    errors.raise_if_any("registration_invalid", "登记信息有误，请按提示修改")
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
    )


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
        raise PermissionDeniedError("reveal_forbidden", "无权查看完整身份证号码")
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


# --------------------------------------------------------------------------
# Enterprises


def _legal_rep_membership(*, enterprise: Enterprise, user: User) -> EnterpriseMember:
    membership = EnterpriseMember.objects.filter(
        enterprise=enterprise,
        user=user,
        role=c.EnterpriseRole.LEGAL_REPRESENTATIVE,
        revoked_at__isnull=True,
    ).first()
    if membership is None:
        raise PermissionDeniedError(
            "not_legal_representative", "只有企业的法定代表人可以管理经办人"
        )
    return membership


def enterprise_register(
    *,
    user: User,
    name: str,
    credit_code: str,
    legal_representative: str,
    region=None,
    address: str = "",
) -> Enterprise:
    """Register a legal person; ``user`` becomes its legal-representative member."""
    errors = ErrorCollector()
    name = (name or "").strip()
    credit_code = (credit_code or "").strip().upper()
    legal_representative = (legal_representative or "").strip()
    address = (address or "").strip()
    if not name:
        errors.add("enterprise_name_required", "请填写单位名称", "name")
    elif len(name) > 200:
        errors.add("enterprise_name_length", "单位名称最多200个字符", "name")
    try:
        validate_credit_code(credit_code)
    except CodeError as exc:
        errors.add(exc.code, exc.message, "credit_code")
    else:
        if Enterprise.objects.filter(credit_code=credit_code).exists():
            errors.add(
                "enterprise_registered",
                "该统一社会信用代码已注册，请联系该企业的法定代表人将您添加为经办人",
                "credit_code",
            )
    if not legal_representative:
        errors.add(
            "legal_representative_required", "请填写法定代表人", "legal_representative"
        )
    elif len(legal_representative) > NAME_MAX:
        errors.add(
            "legal_representative_length",
            f"法定代表人姓名最多{NAME_MAX}个字符",
            "legal_representative",
        )
    if len(address) > 200:
        errors.add("address_length", "住所最多200个字符", "address")
    errors.raise_if_any("enterprise_invalid", "企业信息有误，请按提示修改")
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.create(
                name=name,
                credit_code=credit_code,
                legal_representative=legal_representative,
                region=region,
                address=address,
            )
            EnterpriseMember.objects.create(
                enterprise=enterprise,
                user=user,
                role=c.EnterpriseRole.LEGAL_REPRESENTATIVE,
                added_by=user,
            )
            audit_record(
                actor=user,
                action="enterprise.register",
                obj=enterprise,
                changes={"credit_code": credit_code, "name": name},
            )
    except IntegrityError as exc:
        raise ServiceError(
            "enterprise_registered",
            "该统一社会信用代码已注册",
            field="credit_code",
        ) from exc
    return enterprise


def enterprise_add_member(
    *,
    enterprise: Enterprise,
    actor: User,
    user: User,
    role: str = c.EnterpriseRole.HANDLER,
) -> EnterpriseMember:
    """The legal representative lets ``user`` act for the enterprise.

    A member revoked earlier is re-activated (one row per person and
    enterprise).
    """
    if role not in c.EnterpriseRole.values:
        raise ServiceError("member_role_invalid", "经办人身份无效", field="role")
    if role == c.EnterpriseRole.LEGAL_REPRESENTATIVE:
        raise ServiceError(
            "member_role_invalid",
            "法定代表人在企业注册时确定，不能另行添加",
            field="role",
        )
    with transaction.atomic():
        Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        _legal_rep_membership(enterprise=enterprise, user=actor)
        if not ApplicantProfile.objects.filter(user=user).exists():
            raise ServiceError(
                "member_not_registered", "经办人须先实名注册为申请人", field="user"
            )
        member = (
            EnterpriseMember.objects.select_for_update()
            .filter(enterprise=enterprise, user=user)
            .first()
        )
        if member is not None and member.revoked_at is None:
            raise ServiceError("member_exists", "此人已是该企业的经办人", field="user")
        if member is None:
            member = EnterpriseMember.objects.create(
                enterprise=enterprise, user=user, role=role, added_by=actor
            )
        else:
            member.role = role
            member.added_by = actor
            member.added_at = timezone.now()
            member.revoked_at = None
            member.save(update_fields=["role", "added_by", "added_at", "revoked_at"])
        audit_record(
            actor=actor,
            action="enterprise.add_member",
            obj=enterprise,
            changes={"member_id": member.pk, "user_id": user.pk, "role": role},
        )
    return member


def enterprise_revoke_member(
    *, member: EnterpriseMember, actor: User
) -> EnterpriseMember:
    """The legal representative withdraws a handler's right to act; at once."""
    with transaction.atomic():
        member = (
            EnterpriseMember.objects.select_for_update()
            .select_related("enterprise")
            .get(pk=member.pk)
        )
        _legal_rep_membership(enterprise=member.enterprise, user=actor)
        if member.role == c.EnterpriseRole.LEGAL_REPRESENTATIVE:
            raise ServiceError(
                "cannot_revoke_legal_representative", "不能撤销法定代表人本人"
            )
        if member.revoked_at is not None:
            raise ServiceError("member_already_revoked", "该经办人已被撤销")
        member.revoked_at = timezone.now()
        member.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="enterprise.revoke_member",
            obj=member.enterprise,
            changes={"member_id": member.pk, "user_id": member.user_id},
        )
    return member


# --------------------------------------------------------------------------
# Agent authorisations


def sniff_document(document: File) -> str:
    """Return the extension the content proves (pdf/jpg/png) or raise.

    The upload policy's ``authorization_document`` profile decides
    (applications.uploads): size, type by content, image and PDF checks.
    """
    checked = check_upload(document, AUTHORIZATION_DOCUMENT)
    return checked.extension.lstrip(".")


def agent_authorization_grant(
    *,
    agent: User,
    citizen: User,
    valid_until: dt.date,
    item=None,
    document: File | None = None,
    signed_statement: str = "",
    actor: User,
) -> AgentAuthorization:
    """Record a citizen's authorisation of a township agent.

    Evidence is either an uploaded document (checked by content) or the
    statement text the citizen signed. Recorded by the agent themself or by a
    hall clerk.
    """
    if Role.AGENT.value not in user_roles(agent):
        raise ServiceError("not_agent", "被授权人不是登记在册的代办员", field="agent")
    if actor.pk != agent.pk and not user_has_role(actor, Role.CLERK):
        raise PermissionDeniedError(
            "grant_forbidden", "只有代办员本人或窗口人员可以登记代办授权"
        )
    errors = ErrorCollector()
    if citizen.pk == agent.pk:
        errors.add("citizen_is_agent", "代办员不能为自己登记授权", "citizen")
    elif not ApplicantProfile.objects.filter(user=citizen).exists():
        errors.add("citizen_not_registered", "委托人尚未登记为申请人", "citizen")
    today = timezone.localdate()
    if valid_until is None:
        errors.add("valid_until_required", "请填写授权有效期", "valid_until")
    elif valid_until < today:
        errors.add("valid_until_past", "授权有效期不能早于今天", "valid_until")
    signed_statement = (signed_statement or "").strip()
    ext = None
    if document:
        try:
            ext = sniff_document(document)
        except ServiceError as exc:
            errors.add(exc.code, exc.detail, exc.field)
    if signed_statement and len(signed_statement) < STATEMENT_MIN:
        errors.add(
            "statement_too_short",
            f"授权声明过短（至少{STATEMENT_MIN}个字），请写明委托事项和期限",
            "signed_statement",
        )
    if not document and not signed_statement:
        errors.add(
            "authorization_evidence_missing",
            "请上传委托人签字的授权书，或录入委托人签署的授权声明",
            "document",
        )
    errors.raise_if_any("authorization_invalid", "授权信息有误，请按提示修改")
    with transaction.atomic():
        authorization = AgentAuthorization(
            agent=agent,
            citizen=citizen,
            item=item,
            signed_statement=signed_statement,
            signed_at=timezone.now(),
            valid_until=valid_until,
        )
        if document and ext:
            # Stored names never come from the user.
            authorization.document.save(
                f"{uuid.uuid4().hex}.{ext}", document, save=False
            )
        authorization.save()
        audit_record(
            actor=actor,
            action="agent_authorization.grant",
            obj=authorization,
            object_repr=f"代办授权#{authorization.pk}",
            changes={
                "agent_id": agent.pk,
                "citizen_id": citizen.pk,
                "item_id": getattr(item, "pk", None),
                "valid_until": valid_until.isoformat(),
                "evidence": "document" if document else "statement",
            },
        )
    return authorization


def agent_authorization_revoke(
    *, authorization: AgentAuthorization, by: User
) -> AgentAuthorization:
    """The citizen (or a supervisor) withdraws an authorisation; it stops at once."""
    with transaction.atomic():
        authorization = AgentAuthorization.objects.select_for_update().get(
            pk=authorization.pk
        )
        if by.pk != authorization.citizen_id and not user_has_role(by, Role.SUPERVISOR):
            if by.pk == authorization.agent_id:
                raise PermissionDeniedError(
                    "revoke_forbidden", "授权只能由委托人本人撤销"
                )
            raise NotFoundError("authorization_not_found", "未找到该代办授权")
        if authorization.revoked_at is not None:
            raise ServiceError("authorization_already_revoked", "该授权已撤销")
        authorization.revoked_at = timezone.now()
        authorization.revoked_by = by
        authorization.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=by,
            action="agent_authorization.revoke",
            obj=authorization,
            object_repr=f"代办授权#{authorization.pk}",
            changes={"agent_id": authorization.agent_id},
        )
    return authorization
