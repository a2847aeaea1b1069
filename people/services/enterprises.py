"""Enterprises (legal persons) and the people allowed to act for them.

The user who registers an enterprise becomes its legal-representative
member; only they add and revoke handlers. Each function validates first,
then writes inside one ``transaction.atomic()`` with the audit entry.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people import constants as c
from people.codes import CodeError, validate_credit_code, validate_region_code
from people.models import ApplicantProfile, Enterprise, EnterpriseMember
from portal.audit import audit_record
from portal.errors import ErrorCollector, PermissionDeniedError, ServiceError
from portal.models import User

from .applicants import NAME_MAX


def _legal_rep_membership(*, enterprise: Enterprise, user: User) -> EnterpriseMember:
    membership = EnterpriseMember.objects.filter(
        enterprise=enterprise,
        user=user,
        role=c.EnterpriseRole.LEGAL_REPRESENTATIVE,
        revoked_at__isnull=True,
    ).first()
    if membership is None:
        raise PermissionDeniedError(
            "not_legal_representative", _("只有企业的法定代表人可以管理经办人")
        )
    return membership


def enterprise_register(
    *,
    user: User,
    name: str,
    credit_code: str,
    legal_representative: str,
    region_code: str = "",
    address: str = "",
) -> Enterprise:
    """Register a legal person; ``user`` becomes its legal-representative member.

    ``region_code``: where it is registered (GB/T 2260), optional.
    """
    errors = ErrorCollector()
    name = (name or "").strip()
    credit_code = (credit_code or "").strip().upper()
    legal_representative = (legal_representative or "").strip()
    region_code = (region_code or "").strip()
    address = (address or "").strip()
    if not name:
        errors.add("enterprise_name_required", _("请填写单位名称"), "name")
    elif len(name) > 200:
        errors.add("enterprise_name_length", _("单位名称最多200个字符"), "name")
    try:
        validate_credit_code(credit_code)
    except CodeError as exc:
        errors.add(exc.code, exc.message, "credit_code")
    else:
        if Enterprise.objects.filter(credit_code=credit_code).exists():
            errors.add(
                "enterprise_registered",
                _("该统一社会信用代码已注册，请联系该企业的法定代表人将您添加为经办人"),
                "credit_code",
            )
    if not legal_representative:
        errors.add(
            "legal_representative_required",
            _("请填写法定代表人"),
            "legal_representative",
        )
    elif len(legal_representative) > NAME_MAX:
        errors.add(
            "legal_representative_length",
            _("法定代表人姓名最多%(max)s个字符") % {"max": NAME_MAX},
            "legal_representative",
        )
    if region_code:
        try:
            validate_region_code(region_code)
        except CodeError as exc:
            errors.add(exc.code, exc.message, "region_code")
    if len(address) > 200:
        errors.add("address_length", _("住所最多200个字符"), "address")
    errors.raise_if_any("enterprise_invalid", _("企业信息有误，请按提示修改"))
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.create(
                name=name,
                credit_code=credit_code,
                legal_representative=legal_representative,
                region_code=region_code,
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
            _("该统一社会信用代码已注册"),
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
        raise ServiceError("member_role_invalid", _("经办人身份无效"), field="role")
    if role == c.EnterpriseRole.LEGAL_REPRESENTATIVE:
        raise ServiceError(
            "member_role_invalid",
            _("法定代表人在企业注册时确定，不能另行添加"),
            field="role",
        )
    with transaction.atomic():
        Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        _legal_rep_membership(enterprise=enterprise, user=actor)
        if not ApplicantProfile.objects.filter(user=user).exists():
            raise ServiceError(
                "member_not_registered", _("经办人须先实名注册为申请人"), field="user"
            )
        member = (
            EnterpriseMember.objects.select_for_update()
            .filter(enterprise=enterprise, user=user)
            .first()
        )
        if member is not None and member.revoked_at is None:
            raise ServiceError(
                "member_exists", _("此人已是该企业的经办人"), field="user"
            )
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
                "cannot_revoke_legal_representative", _("不能撤销法定代表人本人")
            )
        if member.revoked_at is not None:
            raise ServiceError("member_already_revoked", _("该经办人已被撤销"))
        member.revoked_at = timezone.now()
        member.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="enterprise.revoke_member",
            obj=member.enterprise,
            changes={"member_id": member.pk, "user_id": member.user_id},
        )
    return member
