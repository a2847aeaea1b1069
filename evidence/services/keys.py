"""The departments' signing keys: create/rotate and revoke (public halves only in the DB).

Rotation retires the active key (its ``valid_until`` set: certificates it
signed before still verify) and makes a new one, whose private half goes to
the key folder (evidence.signing.store_private_key). In production the pair
may be made elsewhere instead: pass its ``public_key`` and put the private
half into ``EVIDENCE_SIGNING_KEYS`` under the returned key id.
Revoking a key (compromise) makes every signature by it fail verification.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Department
from portal.audit import audit_record
from portal.errors import NotFoundError, ServiceError
from portal.roles import Role, user_has_role

from .. import signing
from ..models import SigningKey


def _next_key_id(department: Department) -> str:
    """Credit code, sequence and a random tag: a key folder that outlived its
    database never holds a file under a new key's id."""
    count = SigningKey.objects.filter(department=department).count()
    return f"{department.credit_code}-{count + 1:03d}-{secrets.token_hex(2)}"


def active_key(department: Department) -> SigningKey | None:
    return SigningKey.objects.filter(
        department=department, valid_until__isnull=True, revoked_at__isnull=True
    ).first()


def signing_key_rotate(
    *,
    department: Department,
    actor,
    at: dt.datetime | None = None,
    public_key: str | None = None,
) -> SigningKey:
    """A new active key for ``department``; the previous one is retired.

    The private key is written to the key folder after the row is saved and
    before commit: a failed write rolls the new row back, and a key row never
    exists without its private half.
    """
    at = at or timezone.now()
    with transaction.atomic():
        Department.objects.select_for_update().get(pk=department.pk)
        previous = active_key(department)
        if previous is not None:
            previous.valid_until = at
            previous.save(update_fields=["valid_until"])
        private = None
        public = public_key
        if public is None:
            private, public = signing.new_key_pair()
        elif not signing.public_key_valid(public):
            raise ServiceError(
                "public_key_invalid",
                _("公钥应为32字节Ed25519公钥的Base64编码"),
                field="public_key",
            )
        key = SigningKey.objects.create(
            key_id=_next_key_id(department),
            department=department,
            public_key=public,
            valid_from=at,
        )
        if private is not None:
            signing.store_private_key(key.key_id, private)
        audit_record(
            actor=actor,
            action="evidence.key_rotate",
            obj=key,
            changes={"retired": previous.key_id if previous else None},
        )
    return key


def signing_key_revoke(*, key_id: str, reason: str, actor) -> SigningKey:
    """Revoke a key (compromised or issued in error): its signatures fail from now on."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("reason_required", _("吊销密钥须填写原因"), field="reason")
    with transaction.atomic():
        key = SigningKey.objects.select_for_update().filter(key_id=key_id).first()
        if key is None:
            raise NotFoundError("not_found", _("未找到该密钥"), status=404)
        if key.revoked_at is not None:
            raise ServiceError("key_already_revoked", _("该密钥已吊销"), status=409)
        now = timezone.now()
        key.revoked_at = now
        key.revoked_reason = reason[:200]
        if key.valid_until is None:
            key.valid_until = now
        key.save(update_fields=["revoked_at", "revoked_reason", "valid_until"])
        audit_record(
            actor=actor,
            action="evidence.key_revoke",
            obj=key,
            changes={"reason": reason},
        )
    return key


def department_key_rotate(*, actor) -> SigningKey:
    """A department head renews their department's signing key (the desk's button).

    Certificates signed with the old key stay verifiable: it is retired, not
    revoked. Revoking a key (compromise) is the key administrators' act.
    """
    profile = getattr(actor, "staff_profile", None)
    department = profile.department if profile is not None else None
    if department is None or not user_has_role(actor, Role.DEPARTMENT_HEAD):
        raise ServiceError(
            "key_rotate_forbidden",
            _("只有部门的科室负责人可以更换本部门的签名密钥"),
            status=403,
        )
    return signing_key_rotate(department=department, actor=actor)
