"""Reads about applicants, enterprises and agent authorisations.

Every function returns rows already narrowed to what the user may see, so
views and other apps never filter for permission themselves.
"""

from __future__ import annotations

from django.db.models import Case, F, Prefetch, Q, QuerySet, Value, When

from applications import constants as c
from applications.models import (
    AgentAuthorization,
    ApplicantProfile,
    Enterprise,
    EnterpriseMember,
)
from applications.visibility import (  # noqa: F401 - authorization_in_force re-exported
    authorization_in_force,
    authorization_in_force_q,
)
from portal.roles import Role, user_roles

LEGAL_REP_FIRST = Case(
    When(role=c.EnterpriseRole.LEGAL_REPRESENTATIVE, then=Value(0)), default=Value(1)
)


def applicant_profile_for_user(*, user) -> ApplicantProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ApplicantProfile.objects.filter(user=user).first()


def active_authorization(*, agent, citizen, item=None) -> AgentAuthorization | None:
    """The authorisation that lets ``agent`` act for ``citizen`` today, if any.

    In force (applications.visibility.authorization_in_force_q) and either for
    ``item`` or for any item (blank). With ``item=None`` only an unrestricted
    authorisation counts. An item-specific one wins over a blank one.
    """
    qs = AgentAuthorization.objects.filter(
        authorization_in_force_q(agent=agent), citizen=citizen
    )
    if item is None:
        qs = qs.filter(item__isnull=True)
    else:
        qs = qs.filter(Q(item=item) | Q(item__isnull=True))
    return qs.order_by(F("item").asc(nulls_last=True), "-created_at").first()


def authorizations_for_user(*, user) -> QuerySet[AgentAuthorization]:
    """A citizen sees the authorisations they gave; an agent those they hold."""
    if not getattr(user, "is_authenticated", False):
        return AgentAuthorization.objects.none()
    condition = Q(citizen=user)
    if Role.AGENT.value in user_roles(user):
        condition |= Q(agent=user)
    return (
        AgentAuthorization.objects.filter(condition)
        .select_related("agent", "citizen", "citizen__applicant", "item")
        .order_by("-created_at", "-pk")
    )


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
