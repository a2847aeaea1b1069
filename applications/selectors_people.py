"""Reads about agent authorisations (applicants and enterprises: people.selectors).

Every function returns rows already narrowed to what the user may see, so
views and other apps never filter for permission themselves.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from applications.models import AgentAuthorization
from portal.roles import Role, user_roles


def active_authorization(*, agent, citizen, item=None) -> AgentAuthorization | None:
    """The authorisation that lets ``agent`` act for ``citizen`` today, if any.

    Not revoked, valid_until on or after today, and either for ``item`` or for
    any item (blank). With ``item=None`` only an unrestricted authorisation
    counts. An item-specific one wins over a blank one. The agent must still
    hold the agent role: taking the role away stops every authorisation.
    """
    qs = AgentAuthorization.objects.filter(
        agent=agent,
        citizen=citizen,
        revoked_at__isnull=True,
        valid_until__gte=timezone.localdate(),
        agent__groups__name=Role.AGENT.value,
    )
    if item is None:
        qs = qs.filter(item__isnull=True)
    else:
        qs = qs.filter(Q(item=item) | Q(item__isnull=True))
    return qs.order_by(F("item").asc(nulls_last=True), "-created_at").first()


def authorization_in_force(authorization: AgentAuthorization | None, *, agent) -> bool:
    """Whether an authorisation already attached to an application still holds.

    The same rule as :func:`active_authorization`: not revoked, not expired,
    held by ``agent``, who still has the agent role.
    """
    return bool(
        authorization is not None
        and authorization.agent_id == agent.pk
        and authorization.revoked_at is None
        and authorization.valid_until >= timezone.localdate()
        and Role.AGENT.value in user_roles(agent)
    )


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
