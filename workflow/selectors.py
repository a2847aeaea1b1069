"""Reads of workflow, already narrowed to what the user may see.

- :func:`task_visible_to`: the tasks a user may open (their department's,
  their consultations', every task for a superuser).
- :func:`inbox_for`: a reviewer's inbox, one indexed query with the marks.
- :func:`head_desk_for`: a head's desk (pending extensions, red cards and
  escalations, the overdue list).
- :func:`timeline_for`: the history of one application's case for a user;
  the applicant sees decisions and reasons, not internal comments nor names.
- :func:`supplements_for_hall`: open supplement requests a hall clerk passes on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Case as CaseWhen
from django.db.models import CharField, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from applications.visibility import (
    is_department_staff,
    staff_department_id,
    staff_hall_id,
)
from portal.errors import NotFoundError
from portal.models import Clock, ClockSegment, SegmentState
from portal.roles import Role, user_is_staff, user_roles

from . import constants as c
from .models import (
    Card,
    Case,
    CaseUserObjectPermission,
    Extension,
    Inspection,
    Opinion,
    SupplementRequest,
    Task,
)

INBOX_RELATED = (
    "case__application__version",
    "department",
    "stage",
    "assignee",
)
# A list row: the task and the few columns a list shows of what it joins,
# never the application's form or the version's guide (wide JSON, the same
# version detoasted on every row). Pages that need more read the one task.
INBOX_ONLY = (
    *(f.name for f in Task._meta.concrete_fields),
    "case__state",
    "case__joint",
    "case__application",
    "case__application__number",
    "case__application__status",
    "case__application__hall",
    "case__application__promised_date",
    "case__application__version",
    "case__application__version__name",
    "case__application__version__item",
    "department__name",
    "department__short_name",
    "stage__name",
    "stage__order",
    "stage__state",
    "assignee__username",
    "assignee__display_name",
)


def _consulted_case_ids(user):
    return CaseUserObjectPermission.objects.filter(
        user_id=user.pk, permission__codename="consult_case"
    ).values("content_object_id")


def task_visible_to(user) -> QuerySet[Task]:
    """Tasks ``user`` may open: their department's and their consultations'."""
    qs = Task.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    q = Q(case_id__in=_consulted_case_ids(user))
    if {Role.REVIEWER, Role.DEPARTMENT_HEAD} & user_roles(user):
        department_id = staff_department_id(user)
        if department_id is not None:
            q |= Q(department_id=department_id)
    return qs.filter(q)


def task_for_user(*, user, pk) -> Task:
    """One visible task with what its page shows, or 404."""
    task = (
        task_visible_to(user)
        .select_related(*INBOX_RELATED, "case__application__implementation")
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise NotFoundError("task_not_found", _("任务不存在或您无权查看"))
    return task


def with_marks(qs: QuerySet[Task], today: dt.date | None = None) -> QuerySet[Task]:
    """Annotate ``mark``: red past the due day, yellow from the warning day."""
    today = today or timezone.localdate()
    return qs.annotate(
        mark=CaseWhen(
            When(state=c.TaskState.OPEN, due_on__lt=today, then=Value(c.Mark.RED)),
            When(state=c.TaskState.OPEN, warn_on__lte=today, then=Value(c.Mark.YELLOW)),
            default=Value(c.Mark.NONE),
            output_field=CharField(),
        )
    )


@dataclass(frozen=True)
class InboxFilters:
    state: str = c.TaskState.OPEN  # a TaskState value, or "" for all
    mark: str = ""  # "yellow" (yellow or red) / "red" / "" (all)
    item: int | None = None  # catalog ServiceItem id
    number: str = ""  # application number, or its tail
    mine: bool = False  # only tasks the user claimed

    @classmethod
    def from_mapping(cls, data: Mapping | None) -> InboxFilters:
        data = data or {}
        state = str(data.get("state", c.TaskState.OPEN) or "")
        if state and state not in c.TaskState.values:
            state = c.TaskState.OPEN
        mark = str(data.get("mark") or "")
        if mark not in {"", c.Mark.YELLOW, c.Mark.RED}:
            mark = ""
        try:
            item = int(data.get("item")) if data.get("item") not in (None, "") else None
        except (TypeError, ValueError):
            item = None
        mine = str(data.get("mine") or "").lower() in {"1", "true", "yes", "on"}
        number = str(data.get("number") or "").strip()[:47]
        return cls(state=state, mark=mark, item=item, number=number, mine=mine)


def inbox_for(user, filters: InboxFilters | Mapping | None = None) -> QuerySet[Task]:
    """The department's tasks, nearest due first, with ``mark`` (one query).

    Only a reviewer's or head's own department (consultations are not an
    inbox). ``filters``: an :class:`InboxFilters` or a mapping of the same
    names (query parameters): unknown values fall back to the default.
    """
    if not isinstance(filters, InboxFilters):
        filters = InboxFilters.from_mapping(filters)
    department_id = staff_department_id(user)
    if department_id is None or not is_department_staff(user, department_id):
        return Task.objects.none()
    today = timezone.localdate()
    qs = Task.objects.filter(department_id=department_id)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.mark == c.Mark.RED:
        qs = qs.filter(state=c.TaskState.OPEN, due_on__lt=today)
    elif filters.mark == c.Mark.YELLOW:
        qs = qs.filter(state=c.TaskState.OPEN, warn_on__lte=today)
    if filters.item:
        qs = qs.filter(case__application__version__item_id=filters.item)
    if filters.number:
        qs = qs.filter(case__application__number__endswith=filters.number)
    if filters.mine:
        qs = qs.filter(assignee_id=user.pk)
    return (
        with_marks(qs, today)
        .select_related(*INBOX_RELATED)
        .only(*INBOX_ONLY)
        .order_by(F("due_on").asc(nulls_last=True), "id")
    )


@dataclass
class HeadDesk:
    department_id: int | None
    pending_extensions: QuerySet[Extension]
    red_cards: QuerySet[Card]
    overdue: QuerySet[Task]


def head_desk_for(user) -> HeadDesk:
    """A head's desk; empty querysets for anyone who heads no department."""
    department_id = staff_department_id(user)
    if (
        department_id is None
        or Role.DEPARTMENT_HEAD not in user_roles(user)
        or not is_department_staff(user, department_id)
    ):
        return HeadDesk(
            None, Extension.objects.none(), Card.objects.none(), Task.objects.none()
        )
    today = timezone.localdate()
    return HeadDesk(
        department_id=department_id,
        pending_extensions=Extension.objects.filter(
            department_id=department_id, state=c.ExtensionState.REQUESTED
        )
        .select_related("case__application__version", "task", "requested_by")
        .order_by("requested_at", "id"),
        red_cards=Card.objects.filter(
            department_id=department_id,
            colour=c.CardColour.RED,
            cleared_at__isnull=True,
            answered_at__isnull=True,
        )
        .select_related("case__application__version", "task")
        .order_by("-raised_at", "id"),
        overdue=with_marks(
            Task.objects.filter(
                department_id=department_id, state=c.TaskState.OPEN, due_on__lt=today
            ),
            today,
        )
        .select_related(*INBOX_RELATED)
        .only(*INBOX_ONLY)
        .order_by("due_on", "id"),
    )


def supplements_for_hall(user) -> QuerySet[SupplementRequest]:
    """Open supplement requests of the clerk's hall's applications."""
    hall_id = staff_hall_id(user)
    if hall_id is None or Role.CLERK not in user_roles(user):
        return SupplementRequest.objects.none()
    return (
        SupplementRequest.objects.filter(
            received_at__isnull=True,
            case__state=c.CaseState.SUSPENDED,
            case__application__hall_id=hall_id,
        )
        .select_related("case__application__version", "task__department")
        .order_by("requested_at", "id")
    )


# --- timeline ----------------------------------------------------------------------


@dataclass
class TimelineOpinion:
    outcome: str
    text: str
    basis: str
    at: dt.datetime
    author: str  # empty for the applicant's view


@dataclass
class TimelineTask:
    id: int
    name: str
    department: str
    state: str
    due_on: dt.date | None
    decided_at: dt.datetime | None
    decided_by: str
    clock_id: int | None
    opinions: list[TimelineOpinion] = field(default_factory=list)


@dataclass
class TimelineStage:
    order: int
    name: str
    state: str
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    tasks: list[TimelineTask] = field(default_factory=list)


@dataclass
class TimelineClock:
    id: int
    kind: str
    label: str
    state: str
    due_on: dt.date | None
    provisional: bool
    subject_type: str
    subject_id: int


@dataclass
class TimelineSuspension:
    clock_id: int
    reason: str
    note: str
    first: dt.date
    last: dt.date | None


@dataclass
class Timeline:
    case: Case | None
    staff_view: bool
    stages: list[TimelineStage]
    clocks: list[TimelineClock]
    suspensions: list[TimelineSuspension]
    extensions: list[Extension]
    inspections: list[Inspection]
    supplements: list[SupplementRequest]


def _staff_view(user, case: Case) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    if not user_is_staff(user):
        return False
    department_id = staff_department_id(user)
    return (
        (
            department_id is not None
            and case.tasks.filter(department_id=department_id).exists()
        )
        or CaseUserObjectPermission.objects.filter(
            user_id=user.pk, content_object=case
        ).exists()
        or Role.CLERK in user_roles(user)
        or Role.SUPERVISOR in user_roles(user)
    )


def timeline_for(application: Application, user) -> Timeline:
    """The case's history as ``user`` may see it; 404 if the application is not visible.

    A fixed number of queries whatever the number of stages and tasks. The
    applicant's view (anyone who is not staff of the case) leaves out
    internal comments and the names of who acted.
    """
    app_id = getattr(application, "pk", application)
    if not Application.objects.visible_to(user).filter(pk=app_id).exists():
        raise NotFoundError("application_not_found", _("办件不存在或您无权查看"))
    case = Case.objects.filter(application_id=app_id).first()
    if case is None:
        return Timeline(None, False, [], [], [], [], [], [])
    staff = _staff_view(user, case)
    tasks = list(
        case.tasks.select_related("department", "decided_by").order_by(
            "stage__order", "department__name", "pk"
        )
    )
    opinions = Opinion.objects.filter(task__case=case).select_related("author")
    if not staff:
        opinions = opinions.exclude(outcome=c.OpinionOutcome.COMMENT)
    by_task: dict[int, list[TimelineOpinion]] = {}
    for op in opinions.order_by("at", "pk"):
        by_task.setdefault(op.task_id, []).append(
            TimelineOpinion(
                outcome=op.outcome,
                text=op.text,
                basis=op.basis,
                at=op.at,
                author=(op.author.display_name or op.author.username) if staff else "",
            )
        )
    stages = []
    for stage in case.stages.order_by("order"):
        stages.append(
            TimelineStage(
                order=stage.order,
                name=stage.name,
                state=stage.state,
                opened_at=stage.opened_at,
                closed_at=stage.closed_at,
                tasks=[
                    TimelineTask(
                        id=t.pk,
                        name=t.name,
                        department=t.department.name,
                        state=t.state,
                        due_on=t.due_on,
                        decided_at=t.decided_at,
                        decided_by=(
                            (t.decided_by.display_name or t.decided_by.username)
                            if staff and t.decided_by
                            else ""
                        ),
                        clock_id=t.clock_id,
                        opinions=by_task.get(t.pk, []),
                    )
                    for t in tasks
                    if t.stage_id == stage.pk
                ],
            )
        )
    clock_rows = list(
        Clock.objects.filter(
            Q(subject_type=c.SUBJECT_CASE, subject_id=case.pk)
            | Q(subject_type=c.SUBJECT_TASK, subject_id__in=[t.pk for t in tasks])
        ).order_by("pk")
    )
    suspensions = [
        TimelineSuspension(
            clock_id=s.clock_id,
            reason=s.reason,
            note=s.note,
            first=s.first,
            last=s.last,
        )
        for s in ClockSegment.objects.filter(
            clock__in=clock_rows, state=SegmentState.SUSPENDED
        ).order_by("first", "pk")
    ]
    return Timeline(
        case=case,
        staff_view=staff,
        stages=stages,
        clocks=[
            TimelineClock(
                id=k.pk,
                kind=k.kind,
                label=k.label,
                state=k.state,
                due_on=k.due_on,
                provisional=k.provisional,
                subject_type=k.subject_type,
                subject_id=k.subject_id,
            )
            for k in clock_rows
        ],
        suspensions=suspensions,
        extensions=list(case.extensions.order_by("requested_at", "pk")),
        inspections=list(case.inspections.order_by("on", "pk")),
        supplements=list(case.supplements.order_by("requested_at", "pk")),
    )
