"""Facts from their sources: one application's row, its steps, a visit's rating.

Read only; the caller writes the rows (supervision.figures.refresh) in its
transaction. Sources: applications.Application (+ materials, status
history), workflow Case / Task / Card, portal.clocks Clock and ClockSegment
(the promised and statutory due days as the clocks computed them: net of
suspensions, the statutory one with a granted extension), the version's
online depth and supervision's Rating / Rectification.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db.models import Count, Q
from django.utils import timezone

from applications import constants as ac
from applications.models import Application, ApplicationMaterial, StatusChange
from portal.models import Clock, ClockSegment, ClockState
from portal.models.clocks import ClockUnit, SegmentState
from portal.workdays import Calendar, current_calendar
from supervision.models import (
    ApplicationFact,
    Rating,
    StepFact,
    VisitRatingFact,
)
from workflow import constants as wc
from workflow.models import Card, Case, Task

ONE_DAY = dt.timedelta(days=1)
DECIDED_TASK_STATES = (wc.TaskState.APPROVED, wc.TaskState.REJECTED)


def _day(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value is not None else None


def not_counted(
    segments: Iterable[ClockSegment],
) -> list[tuple[dt.date, dt.date | None]]:
    """The days a clock's suspensions take out, as portal.clocks.computing
    counts them: from the day after the suspension to its resumption day."""
    out = []
    for seg in segments:
        if seg.state != SegmentState.SUSPENDED:
            continue
        first = seg.first + ONE_DAY
        if seg.last is not None and seg.last < first:
            continue
        out.append((first, seg.last))
    return out


def counted_days(
    calendar: Calendar,
    start: dt.date,
    end: dt.date,
    gaps: Sequence[tuple[dt.date, dt.date | None]],
    unit: str = ClockUnit.WORKING,
) -> tuple[int, int]:
    """(counted, suspended) days in (start, end]: working (or natural) days
    outside the suspensions, and the working days inside them."""
    counted = suspended = 0
    day = start + ONE_DAY
    while day <= end:
        inside = any(a <= day and (b is None or day <= b) for a, b in gaps)
        working = unit == ClockUnit.NATURAL or calendar.day(day).working
        if inside:
            suspended += 1 if working else 0
        elif working:
            counted += 1
        day += ONE_DAY
    return counted, suspended


class Sources:
    """What the builder reads for a batch of applications, in a few queries."""

    def __init__(self, ids: Sequence[int]) -> None:
        self.apps = {
            a.pk: a
            for a in Application.objects.filter(pk__in=ids).select_related(
                "implementation__region", "version"
            )
        }
        self.cases = {
            c.application_id: c for c in Case.objects.filter(application_id__in=ids)
        }
        case_ids = [c.pk for c in self.cases.values()]
        self.tasks: dict[int, list[Task]] = {}
        for task in Task.objects.filter(case_id__in=case_ids).order_by("pk"):
            self.tasks.setdefault(task.case_id, []).append(task)
        clock_q = Q(subject_type=wc.SUBJECT_CASE, subject_id__in=case_ids)
        task_clock_ids = [
            t.clock_id for ts in self.tasks.values() for t in ts if t.clock_id
        ]
        clock_q |= Q(pk__in=task_clock_ids)
        clocks = list(Clock.objects.filter(clock_q).order_by("pk"))
        self.clock_by_pk = {c.pk: c for c in clocks}
        self.case_clocks: dict[tuple[int, str], Clock] = {}
        for clock in clocks:  # the newest of each kind wins (ordered by pk)
            if clock.subject_type == wc.SUBJECT_CASE:
                self.case_clocks[(clock.subject_id, clock.kind)] = clock
        self.segments: dict[int, list[ClockSegment]] = {}
        for seg in ClockSegment.objects.filter(clock__in=clocks).order_by(
            "first", "pk"
        ):
            self.segments.setdefault(seg.clock_id, []).append(seg)
        self.cards: dict[int, set[str]] = {}
        for case_id, colour in Card.objects.filter(
            case_id__in=case_ids, cleared_at__isnull=True
        ).values_list("case_id", "colour"):
            self.cards.setdefault(case_id, set()).add(colour)
        self.materials = {
            row["application_id"]: row
            for row in ApplicationMaterial.objects.filter(application_id__in=ids)
            .values("application_id")
            .annotate(
                total=Count("pk"),
                cert=Count("pk", filter=Q(provision=ac.Provision.CERTIFICATE)),
            )
        }
        self.refused: dict[int, dt.datetime] = {}
        for app_id, at in StatusChange.objects.filter(
            application_id__in=ids, to_status=ac.ApplicationStatus.REFUSED
        ).values_list("application_id", "at"):
            self.refused.setdefault(app_id, at)
        self.ratings = {
            r.application_id: r
            for r in Rating.objects.filter(application_id__in=ids).select_related(
                "rectification"
            )
        }


def _rect_state(rating: Rating) -> str:
    try:
        return rating.rectification.state
    except Rating.rectification.RelatedObjectDoesNotExist:
        return ""


def build_facts(
    ids: Sequence[int],
    *,
    calendar: Calendar | None = None,
    today: dt.date | None = None,
) -> tuple[list[ApplicationFact], list[StepFact]]:
    """The facts of ``ids`` as the sources say now (drafts and unknown ids: none)."""
    calendar = calendar or current_calendar()
    today = today or timezone.localdate()
    src = Sources(ids)
    facts: list[ApplicationFact] = []
    steps: list[StepFact] = []
    for app in src.apps.values():
        if app.submitted_at is None:
            continue
        impl = app.implementation
        fact = ApplicationFact(
            application_id=app.pk,
            department_id=impl.department_id,
            item_id=impl.item_id,
            region_id=impl.region_id,
            region_code=impl.region.code,
            channel=app.channel,
            depth=app.version.depth or 1,
            submitted_on=_day(app.submitted_at),
            accepted_on=_day(app.accepted_at),
            deemed=app.acceptance_deemed,
            refused_on=_day(src.refused.get(app.pk)),
            withdrawn_on=_day(app.withdrawn_at),
        )
        mats = src.materials.get(app.pk)
        if mats:
            fact.materials_total, fact.materials_certificate = (
                mats["total"],
                mats["cert"],
            )
        if app.decision and app.decided_at is not None and app.withdrawn_at is None:
            fact.decided_on = fact.completed_on = _day(app.decided_at)
            fact.decision = app.decision
        case = src.cases.get(app.pk)
        if case is not None:
            fact.accepted_on = case.opened_on
            _case_figures(fact, case, src, calendar, today, steps, impl.region.code)
        rating = src.ratings.get(app.pk)
        if rating is not None:
            fact.rated_on = _day(rating.created_at)
            fact.rating_level = rating.level
            fact.rectification_state = _rect_state(rating)
        facts.append(fact)
    return facts, steps


def _case_figures(fact, case, src, calendar, today, steps, region_code) -> None:
    promised = src.case_clocks.get((case.pk, wc.CLOCK_CASE_PROMISED))
    statutory = src.case_clocks.get((case.pk, wc.CLOCK_CASE_STATUTORY))
    fact.is_open = case.state in wc.OPEN_CASE_STATES
    colours = src.cards.get(case.pk, set()) if fact.is_open else set()
    fact.card_now = (
        wc.CardColour.RED
        if wc.CardColour.RED in colours
        else (wc.CardColour.YELLOW if colours else "")
    )
    if promised is not None:
        fact.promised_due = promised.due_on
    if statutory is not None:
        fact.statutory_due = statutory.due_on
        fact.extension_days = statutory.extension_days
    done = fact.completed_on
    if done is not None:
        if fact.promised_due is not None:
            fact.on_time = done <= fact.promised_due
        if fact.statutory_due is not None:
            fact.statutory_breach = done > fact.statutory_due
        basis = statutory or promised
        gaps = not_counted(src.segments.get(basis.pk, [])) if basis else []
        fact.working_days, fact.suspended_days = counted_days(
            calendar, case.opened_on, done, gaps
        )
    late = 0
    for task in src.tasks.get(case.pk, []):
        clock = src.clock_by_pk.get(task.clock_id) if task.clock_id else None
        due = clock.due_on if clock is not None else task.due_on
        if task.state in DECIDED_TASK_STATES and task.decided_at is not None:
            done_on = _day(task.decided_at)
            is_late = due is not None and done_on > due
            steps.append(
                StepFact(
                    task_id=task.pk,
                    application_id=fact.application_id,
                    department_id=task.department_id,
                    region_code=region_code,
                    done_on=done_on,
                    due_on=due,
                    late=is_late,
                )
            )
            fact.steps += 1
            late += is_late
        elif (
            task.state == wc.TaskState.OPEN
            and due is not None
            and today > due
            and (clock is None or clock.state != ClockState.SUSPENDED)
        ):
            late += 1
    fact.late_steps = late


def build_visit_ratings(rating_ids: Sequence[int]) -> list[VisitRatingFact]:
    out = []
    for r in Rating.objects.filter(
        pk__in=rating_ids, visit__isnull=False
    ).select_related("visit__hall__region", "rectification"):
        out.append(
            VisitRatingFact(
                rating_id=r.pk,
                department_id=r.department_id,
                region_code=r.visit.hall.region.code,
                rated_on=_day(r.created_at),
                level=r.level,
                rectification_state=_rect_state(r),
            )
        )
    return out
