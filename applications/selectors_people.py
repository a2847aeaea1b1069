"""Reads about agent authorisations (applicants and enterprises: people.selectors).

Every function returns rows already narrowed to what the user may see, so
views and other apps never filter for permission themselves.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from applications.models import AgentAuthorization
from applications.visibility import (  # noqa: F401 - authorization_in_force re-exported
    authorization_in_force,
    authorization_in_force_q,
)
from portal.roles import Role, user_roles


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
