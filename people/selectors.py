"""Reads about applicants and enterprises, for every app above.

Every function returns rows already narrowed to what the user may see, so
views and other apps never filter for permission themselves.
"""

from __future__ import annotations

from django.db.models import Case, Prefetch, QuerySet, Value, When

from people import constants as c
from people.models import ApplicantProfile, Enterprise, EnterpriseMember

LEGAL_REP_FIRST = Case(
    When(role=c.EnterpriseRole.LEGAL_REPRESENTATIVE, then=Value(0)), default=Value(1)
)


def applicant_profile_for_user(*, user) -> ApplicantProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ApplicantProfile.objects.filter(user=user).first()


def enterprises_for_user(*, user) -> QuerySet[Enterprise]:
    """Enterprises the user may act for (active membership), with members.

    Each enterprise carries ``my_memberships`` (the user's own active row) and
    ``active_members`` (every active member with user and profile).
    """
    if not getattr(user, "is_authenticated", False):
        return Enterprise.objects.none()
    active = EnterpriseMember.objects.filter(revoked_at__isnull=True)
    return (
        Enterprise.objects.filter(members__user=user, members__revoked_at__isnull=True)
        .prefetch_related(
            Prefetch(
                "members",
                queryset=active.filter(user=user),
                to_attr="my_memberships",
            ),
            Prefetch(
                "members",
                queryset=active.select_related("user", "user__applicant").order_by(
                    LEGAL_REP_FIRST, "added_at", "pk"
                ),
                to_attr="active_members",
            ),
        )
        .order_by("name", "pk")
        .distinct()
    )


def enterprise_is_legal_representative(*, enterprise: Enterprise, user) -> bool:
    memberships = getattr(enterprise, "my_memberships", None)
    if memberships is None:
        memberships = EnterpriseMember.objects.filter(
            enterprise=enterprise, user=user, revoked_at__isnull=True
        )
    return any(
        m.role == c.EnterpriseRole.LEGAL_REPRESENTATIVE and m.user_id == user.pk
        for m in memberships
    )


def enterprise_members_for_user(*, user) -> QuerySet[EnterpriseMember]:
    """Member rows of the enterprises whose legal representative ``user`` is."""
    if not getattr(user, "is_authenticated", False):
        return EnterpriseMember.objects.none()
    return EnterpriseMember.objects.filter(
        enterprise__members__user=user,
        enterprise__members__role=c.EnterpriseRole.LEGAL_REPRESENTATIVE,
        enterprise__members__revoked_at__isnull=True,
    ).select_related("enterprise", "user")
