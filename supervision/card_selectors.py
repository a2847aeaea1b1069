"""The live card board: uncleared yellow and red cards a supervisor oversees.

Rows come from workflow's cards (workflow.models.Card, raised by workflow's
deadline handlers), narrowed by supervision.scope on the card's department,
with the clock's due date (a subquery: cards name their clock by id), the
task's assignee and whether an open order is about the card. The
responsible person is the task's assignee, else the department's heads
(one query for every department on a page). How long a red card is overdue
is counted in working days on the current calendar: the working days after
the due day up to today (the first working day after it is day 1); a
yellow card shows the working days left. A page costs a fixed number of
queries whatever its length.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Department
from portal import workcalendar
from portal.errors import ServiceError
from portal.models import Clock
from portal.roles import Role
from portal.workdays import Calendar
from workflow.constants import CardColour
from workflow.models import Card

from . import constants as c
from .models import SupervisionOrder
from .scope import SupervisorScope

ONE_DAY = dt.timedelta(days=1)
MAX_COUNT_DAYS = 3660


@dataclass(frozen=True)
class CardFilters:
    colour: str = ""
    department: Department | None = None


def card_filters(
    scope: SupervisorScope, *, colour: str | None, department: str | int | None
) -> CardFilters:
    """Checked filters. Codes: ``card_colour_invalid``, ``department_unknown``
    (an unknown department and one outside the county answer the same)."""
    colour = (colour or "").strip() if isinstance(colour, str) else ""
    if colour and colour not in CardColour.values:
        raise ServiceError(
            "card_colour_invalid", _("颜色只能是黄牌或红牌"), field="colour"
        )
    chosen = None
    if department not in (None, ""):
        try:
            pk = int(department)
        except (TypeError, ValueError):
            pk = 0
        chosen = (
            Department.objects.filter(pk=pk).filter(scope.region_q("region")).first()
            if pk > 0
            else None
        )
        if chosen is None:
            raise ServiceError(
                "department_unknown", _("未找到该部门"), field="department"
            )
    return CardFilters(colour=colour, department=chosen)


def board_cards(scope: SupervisorScope, filters: CardFilters) -> QuerySet[Card]:
    """Uncleared cards in ``scope``: red first, the longest overdue first."""
    qs = (
        Card.objects.filter(cleared_at__isnull=True)
        .filter(scope.region_q("department__region"))
        # A yellow card whose clock has gone red shows as the red one only.
        .exclude(
            Q(colour=CardColour.YELLOW)
            & Q(
                Exists(
                    Card.objects.filter(
                        clock_id=OuterRef("clock_id"),
                        colour=CardColour.RED,
                        cleared_at__isnull=True,
                    )
                )
            )
        )
        .select_related(
            "department",
            "task__assignee",
            "case__application",
        )
        .only(
            "id",
            "colour",
            "clock_kind",
            "clock_id",
            "raised_at",
            "escalated_at",
            "answered_at",
            "department_id",
            "department__name",
            "task_id",
            "task__name",
            "task__assignee_id",
            "task__assignee__username",
            "task__assignee__display_name",
            "case_id",
            "case__application_id",
            "case__application__id",
            "case__application__number",
        )
        .annotate(
            due_on=Subquery(
                Clock.objects.filter(pk=OuterRef("clock_id")).values("due_on")[:1]
            ),
            ordered=Exists(
                SupervisionOrder.objects.filter(card_id=OuterRef("pk")).exclude(
                    state=c.OrderState.CLOSED
                )
            ),
        )
        .order_by("colour", "due_on", "raised_at", "id")
    )
    if filters.colour:
        qs = qs.filter(colour=filters.colour)
    if filters.department is not None:
        qs = qs.filter(department=filters.department)
    return qs


def working_days_between(calendar: Calendar, first: dt.date, last: dt.date) -> int:
    """Working days in (first, last]; 0 when last <= first."""
    count, day, scanned = 0, first, 0
    while day < last and scanned < MAX_COUNT_DAYS:
        day += ONE_DAY
        scanned += 1
        if calendar.day(day).working:
            count += 1
    return count


@dataclass
class BoardRow:
    card: Card
    colour: str
    colour_label: str
    department_id: int | None
    department_name: str
    task_name: str
    responsible: list[str]
    responsible_is_head: bool
    application_id: int | None
    application_number: str
    due_on: dt.date | None
    overdue_days: int  # working days past the due day (red cards)
    days_left: int  # working days left (yellow cards); 0 = due today
    ordered: bool
    extra: dict = field(default_factory=dict)


def _name(user) -> str:
    return (getattr(user, "display_name", "") or user.username) if user else ""


def heads_by_department(department_ids) -> dict[int, list[str]]:
    """Names of the active heads of each department (one query)."""
    rows = (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name=Role.DEPARTMENT_HEAD,
            staff_profile__department_id__in=set(department_ids),
        )
        .order_by("pk")
        .values_list("staff_profile__department_id", "display_name", "username")
        .distinct()
    )
    out: dict[int, list[str]] = {}
    for department_id, display, username in rows:
        out.setdefault(department_id, []).append(display or username)
    return out


def board_rows(cards, *, today: dt.date | None = None) -> list[BoardRow]:
    """Rows for a page of :func:`board_cards` (two queries: heads, calendar)."""
    cards = list(cards)
    today = today or timezone.localdate()
    calendar = workcalendar.current()
    heads = heads_by_department(c.department_id for c in cards if c.department_id)
    rows = []
    for card in cards:
        task = card.task if card.task_id else None
        assignee = task.assignee if task is not None and task.assignee_id else None
        application = card.case.application
        due = card.due_on
        overdue = days_left = 0
        if due is not None:
            if card.colour == CardColour.RED:
                overdue = working_days_between(calendar, due, today)
            else:
                days_left = working_days_between(calendar, today, due)
        rows.append(
            BoardRow(
                card=card,
                colour=card.colour,
                colour_label=str(card.get_colour_display()),
                department_id=card.department_id,
                department_name=card.department.name if card.department_id else "",
                task_name=task.name if task is not None else _("办件整体时限"),
                responsible=[_name(assignee)]
                if assignee
                else heads.get(card.department_id, []),
                responsible_is_head=assignee is None,
                application_id=application.pk,
                application_number=application.number,
                due_on=due,
                overdue_days=overdue,
                days_left=days_left,
                ordered=card.ordered,
            )
        )
    return rows


def scope_departments(scope: SupervisorScope) -> QuerySet[Department]:
    """The departments a supervisor may filter by or order (active ones)."""
    return (
        Department.objects.filter(is_active=True)
        .filter(scope.region_q("region"))
        .only("id", "name")
        .order_by("name", "id")
    )
