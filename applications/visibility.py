"""Who may see an application: the one rule, and the seam later apps extend.

``Application.objects.visible_to(user)`` is the only definition of "may see":
lists, detail pages, files, documents and the API all start from it, and an
object outside it answers 404. Who may *act* (edit, withdraw) is narrower and
lives in applications.selectors, but an agent's right to act and to see rest
on the same rule, :func:`authorization_in_force`, so a revoked or expired
authorisation ends both at once (issue 7, item 1).

Later apps (workflow: a department with a task on the application; supervision:
a supervisor of the region) add to the rule through
``hooks.register_visibility_rule`` without this module importing them.

No import of applications.models here: the models module imports this one.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, Q
from django.utils import timezone

from catalog.models import StaffProfile
from people.models import EnterpriseMember
from portal.roles import Role, user_roles

from . import constants as c
from . import hooks


def staff_hall_id(user) -> int | None:
    """The hall a staff user works at (catalog.StaffProfile), cached per user."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_staff_hall_id"):
        user._staff_hall_id = (
            StaffProfile.objects.filter(user=user)
            .values_list("hall_id", flat=True)
            .first()
        )
    return user._staff_hall_id


def staff_department_id(user) -> int | None:
    """The department a staff user works in (catalog.StaffProfile), cached per user."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_staff_department_id"):
        user._staff_department_id = (
            StaffProfile.objects.filter(user=user)
            .values_list("department_id", flat=True)
            .first()
        )
    return user._staff_department_id


def is_department_staff(user, department_id: int | None) -> bool:
    """A reviewer or department head (by role) of this department."""
    return (
        department_id is not None
        and bool({Role.REVIEWER, Role.DEPARTMENT_HEAD} & user_roles(user))
        and staff_department_id(user) == department_id
    )


def is_hall_clerk(user, hall_id: int | None) -> bool:
    """A clerk (by role, not superuser status) working at this hall."""
    return (
        hall_id is not None
        and Role.CLERK in user_roles(user)
        and staff_hall_id(user) == hall_id
    )


# --- the authorisation-in-force rule ----------------------------------------------
# One rule, written twice over the same fields: as a predicate for an
# authorisation in hand and as a filter for querysets. Change both together;
# tests/applications/intake/test_visibility.py checks they agree case by case.


def authorization_in_force(authorization, *, agent) -> bool:
    """Whether ``authorization`` lets ``agent`` act for its citizen today.

    Confirmed by the citizen (``confirmed_at``: one pending confirmation is
    not in force), not revoked, not past ``valid_until`` (local date), held
    by ``agent``, who still has the agent role.
    """
    return bool(
        authorization is not None
        and getattr(agent, "is_authenticated", False)
        and authorization.agent_id == agent.pk
        and authorization.confirmed_at is not None
        and authorization.revoked_at is None
        and authorization.valid_until >= timezone.localdate()
        and Role.AGENT.value in user_roles(agent)
    )


def authorization_in_force_q(*, agent, prefix: str = "") -> Q:
    """The same rule as a filter on AgentAuthorization (``prefix``: the path to it).

    The agent role is read from the database here (the predicate uses the
    user's cached roles), so a role taken away counts at once.
    """
    memberships = get_user_model().groups.through.objects
    holds_role = Exists(
        memberships.filter(user_id=agent.pk, group__name=Role.AGENT.value)
    )
    # An uncorrelated EXISTS, not a join over the agent's groups: a join would
    # repeat every row of an OR-ed visibility filter once per group.
    return Q(
        holds_role,
        **{
            f"{prefix}agent": agent,
            f"{prefix}confirmed_at__isnull": False,
            f"{prefix}revoked_at__isnull": True,
            f"{prefix}valid_until__gte": timezone.localdate(),
        },
    )


def agent_acting_q(agent) -> Q:
    """Applications ``agent`` filed for a citizen under an authorisation in force."""
    return Q(
        channel=c.IntakeChannel.AGENT, submitted_by=agent
    ) & authorization_in_force_q(agent=agent, prefix="agent_authorization__")


def agent_filed_q(agent) -> Q:
    """Every application ``agent`` filed, whatever became of the authorisation.

    Only for the agent's own list of entries (number, item, state): never for
    reading an application (that is :func:`agent_acting_q`).
    """
    return Q(channel=c.IntakeChannel.AGENT, submitted_by=agent)


# --- who may see -------------------------------------------------------------------


def active_enterprise_ids(user):
    """Enterprises ``user`` acts for today (a subquery of ids)."""
    return EnterpriseMember.objects.filter(user=user, revoked_at__isnull=True).values(
        "enterprise_id"
    )


def visible_q(user) -> Q | None:
    """Q of the applications ``user`` may see; None means all (superuser).

    Anyone sees what they applied for themselves or for an enterprise they are
    an active member of; an agent what they filed while the authorisation is
    in force; a clerk the hall's submitted work and the drafts they entered;
    plus whatever the rules registered by later apps grant.
    """
    if getattr(user, "is_superuser", False):
        return None
    q = Q(applicant=user) | Q(enterprise_id__in=active_enterprise_ids(user))
    roles = user_roles(user)
    if Role.AGENT in roles:
        q |= agent_acting_q(user)
    if Role.CLERK in roles:
        hall_id = staff_hall_id(user)
        if hall_id is not None:
            # A citizen's unsubmitted online draft is theirs alone; the clerk
            # sees the hall's submitted work and the drafts they entered.
            q |= Q(hall_id=hall_id) & (
                ~Q(status=c.ApplicationStatus.DRAFT) | Q(submitted_by=user)
            )
    for extra in hooks.visibility_rules(user):
        q |= extra
    return q
