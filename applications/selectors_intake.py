"""Reads for the two assisted desks: the hall clerk's and the township agent's.

Every queryset starts from :func:`applications.selectors.application_list_for_user`
(what the user may see at all) and narrows further, so a clerk never sees
another hall's queue and an agent only the applications they filed themself.
"""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from catalog import constants as cc
from catalog.models import Implementation, ServiceHall, StaffProfile
from people.privacy import (
    IdNumberError,
    id_number_hash,
    normalise_id_number,
    validate_id_number,
)
from portal.roles import Role, user_roles

from . import constants as c
from .models import AgentAuthorization, Application, SupplementNotice
from .selectors import application_list_for_user, staff_hall_id
from .visibility import agent_acting_q, agent_filed_q, authorization_in_force_q

S = c.ApplicationStatus
INTAKE_EDITABLE = (S.DRAFT, S.SUPPLEMENT_REQUESTED)
SEARCH_LIMIT = 30


def clerk_hall(*, user) -> ServiceHall | None:
    """The hall of a clerk (by role and staff profile), else None."""
    if Role.CLERK not in user_roles(user):
        return None
    hall_id = staff_hall_id(user)
    if hall_id is None:
        return None
    return ServiceHall.objects.select_related("region").filter(pk=hall_id).first()


def acceptance_queue_for_clerk(*, clerk) -> QuerySet[Application]:
    """Applications awaiting acceptance at the clerk's hall, most urgent first.

    ``resubmitted`` is true for an application sent back after a one-time
    notice. Everything the list shows is joined in: the query count does not
    grow with the page.
    """
    hall_id = staff_hall_id(clerk) if Role.CLERK in user_roles(clerk) else None
    if hall_id is None:
        return Application.objects.none()
    return (
        application_list_for_user(user=clerk)
        .filter(hall_id=hall_id, status__in=c.AWAITING_ACCEPTANCE)
        .select_related("applicant__applicant")
        .annotate(
            resubmitted=Exists(
                SupplementNotice.objects.filter(application=OuterRef("pk"))
            )
        )
        .order_by(F("acceptance_due").asc(nulls_last=True), "submitted_at", "pk")
    )


def counter_drafts_for_clerk(*, clerk) -> QuerySet[Application]:
    """Counter intakes of the clerk's hall not yet (re)submitted."""
    hall_id = staff_hall_id(clerk) if Role.CLERK in user_roles(clerk) else None
    if hall_id is None:
        return Application.objects.none()
    return (
        application_list_for_user(user=clerk)
        .filter(
            hall_id=hall_id,
            channel=c.IntakeChannel.COUNTER,
            status__in=INTAKE_EDITABLE,
        )
        .select_related("applicant__applicant")
        .order_by("-updated_at", "-pk")
    )


def agent_applications(*, agent) -> QuerySet[Application]:
    """The applications an agent filed for citizens and may still act on."""
    if Role.AGENT not in user_roles(agent):
        return Application.objects.none()
    return (
        application_list_for_user(user=agent)
        .filter(submitted_by=agent, channel=c.IntakeChannel.AGENT)
        .select_related("applicant__applicant")
    )


def agent_application_entries(*, agent) -> QuerySet[Application]:
    """Every application the agent filed, each with ``acting``: the authorisation holds.

    Where it no longer holds (revoked, expired) the entry may show its number,
    item and state and nothing else (issue 7 item 1): the applicant's profile
    is not loaded, and the application itself is no longer visible to the
    agent (applications.visibility).
    """
    if Role.AGENT not in user_roles(agent):
        return Application.objects.none()
    return (
        Application.objects.filter(agent_filed_q(agent))
        .annotate(
            acting=Case(
                When(agent_acting_q(agent), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("version")
        .only(
            "pk",
            "number",
            "status",
            "created_at",
            "submitted_at",
            "channel",
            "submitted_by_id",
            "applicant_id",
            "version__name",
        )
    )


def _applicable() -> QuerySet[Implementation]:
    return Implementation.objects.filter(
        is_active=True,
        item__current_version__status=cc.VersionStatus.PUBLISHED,
        item__current_version__item_type__in=cc.APPLICABLE_ITEM_TYPES,
    ).select_related("item__current_version", "department", "region", "hall")


def _search(qs: QuerySet[Implementation], query: str) -> QuerySet[Implementation]:
    query = (query or "").strip()
    if query:
        code = query.upper()
        qs = qs.filter(
            Q(item__current_version__name__icontains=query)
            | Q(item__name__icontains=query)
            | Q(item__keywords__icontains=query)
            | Q(code__startswith=code)
            | Q(item__basic_code__startswith=code)
        )
    return qs.order_by("item__name", "code")


def implementations_for_hall(*, hall: ServiceHall, query: str = "") -> QuerySet:
    """Items a hall can take in: implemented in its region or handled there."""
    qs = _applicable().filter(Q(region_id=hall.region_id) | Q(hall=hall))
    return _search(qs, query).distinct()


def implementations_for_agent(*, agent, query: str = "") -> QuerySet:
    """Items an agent's service point can apply for.

    An agent bound to a township (StaffProfile.region) sees its county's and
    the prefecture's implementations plus those listing the township as a
    service point; an agent with no region set sees every implementation.
    """
    qs = _applicable()
    region = StaffProfile.objects.filter(user=agent).select_related("region").first()
    region = region.region if region else None
    if region is not None:
        code = region.code
        codes = {code, code[:6], code[:4] + "00"}
        qs = qs.filter(Q(region__code__in=codes) | Q(service_points=region))
    return _search(qs, query).distinct()


def agent_authorizations_for_citizen(*, agent, citizen) -> QuerySet:
    """The agent's authorisations from this citizen that hold today
    (applications.visibility.authorization_in_force_q: confirmed, unrevoked,
    unexpired)."""
    if Role.AGENT not in user_roles(agent):
        return AgentAuthorization.objects.none()
    return AgentAuthorization.objects.filter(
        authorization_in_force_q(agent=agent), citizen=citizen
    ).select_related("item")


# The clerk's hall lists (beside the review queue): a state, or today's intake.
HALL_LISTS = {
    "supplement": Q(status=S.SUPPLEMENT_REQUESTED),
    "accepted": Q(accepted_at__isnull=False),
    "refused": Q(status=S.REFUSED) | Q(status=S.CLOSED, refusal_reason__gt=""),
    "today": None,  # submitted today (filtered by date below)
    "all": Q(),
}


def hall_applications_for_clerk(
    *, clerk, listing: str = "all", query: str = "", today=None
) -> QuerySet[Application]:
    """Any application of the clerk's hall, by list and search, newest first.

    ``query``: an ID number (exact, through the keyed hash; never compared
    in plain text), an application number (its start), or the applicant's
    name (a part of it). Drafts are not the hall's yet and are left out.
    Everything the list shows is joined in: a flat query count.
    """
    hall_id = staff_hall_id(clerk) if Role.CLERK in user_roles(clerk) else None
    if hall_id is None or listing not in HALL_LISTS:
        return Application.objects.none()
    qs = (
        application_list_for_user(user=clerk)
        .filter(hall_id=hall_id)
        .exclude(status=S.DRAFT)
        .select_related("applicant__applicant", "enterprise", "version")
    )
    if listing == "today":
        qs = qs.filter(submitted_at__date=today or timezone.localdate())
    else:
        qs = qs.filter(HALL_LISTS[listing])
    query = (query or "").strip()
    if query:
        number = normalise_id_number(query)
        try:
            validate_id_number(number)
        except IdNumberError:
            number = ""
        if number:
            qs = qs.filter(applicant__applicant__id_number_hash=id_number_hash(number))
        elif query.isascii() and query.isalnum():
            qs = qs.filter(number__istartswith=query)
        else:
            qs = qs.filter(applicant__applicant__full_name__icontains=query)
    return qs.order_by("-submitted_at", "-pk")
