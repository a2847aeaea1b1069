"""Roles are Django groups; this module names them and answers "has role?"."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    AGENT = "agent", _("代办员")
    CLERK = "clerk", _("综合窗口人员")
    REVIEWER = "reviewer", _("部门审核人员")
    DEPARTMENT_HEAD = "department_head", _("科室负责人")
    SUPERVISOR = "supervisor", _("监督人员")
    CATALOG_EDITOR = "catalog_editor", _("事项管理员")


STAFF_ROLES = {
    Role.CLERK,
    Role.REVIEWER,
    Role.DEPARTMENT_HEAD,
    Role.SUPERVISOR,
    Role.CATALOG_EDITOR,
}


def user_roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_cache = cached
    return cached


def user_has_role(user, *roles: str) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return bool(user_roles(user) & {str(r) for r in roles})


def user_is_staff(user) -> bool:
    """Staff for the security rules: a staff role, admin access or superuser.

    They sign in with two factors (portal.twofactor) and their sessions and
    API tokens end sooner (portal.session_policy).
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    # Not through user_roles: login-time callers must not leave a role cache
    # on the caller's user object.
    names = getattr(user, "_role_cache", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
    return bool(names & {str(role) for role in STAFF_ROLES})


# Model permissions each role's group holds (app_label.codename prefix match).
ROLE_MODEL_PERMISSIONS: dict[str, list[str]] = {
    Role.CATALOG_EDITOR: [
        "catalog.*",
        "portal.add_article",
        "portal.change_article",
        "portal.view_article",
        "portal.delete_article",
        "portal.view_auditentry",
        # The evidence office's reference data and the certificate import.
        "evidence.view_*",
        "evidence.add_certificatespec",
        "evidence.change_certificatespec",
        "evidence.add_sharingrule",
        "evidence.change_sharingrule",
        "evidence.delete_sharingrule",
    ],
    Role.SUPERVISOR: [
        "catalog.view_*",
        "portal.view_auditentry",
        "evidence.view_sharingrule",
        "evidence.view_accesslogentry",
    ],
}


def ensure_role_groups(sender=None, **kwargs) -> None:
    """Create the role groups and give them their model permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        patterns = ROLE_MODEL_PERMISSIONS.get(role, [])
        if not patterns:
            continue
        perms = []
        for perm in Permission.objects.select_related("content_type"):
            full = f"{perm.content_type.app_label}.{perm.codename}"
            for pattern in patterns:
                if (
                    pattern.endswith("*")
                    and full.startswith(pattern[:-1])
                    or full == pattern
                ):
                    perms.append(perm)
                    break
        group.permissions.add(*perms)
