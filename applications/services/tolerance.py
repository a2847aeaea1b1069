"""Tolerated gaps (容缺受理): a clock on each promised material, from acceptance.

When an application is accepted (:func:`accept_locked`, the clerk's and the
deemed acceptance alike) each material provided as "tolerated" gets a clock
of kind ``tolerance`` on subject ``applications.material`` (the
ApplicationMaterial row), counting natural days from the acceptance day to
the promised date, with a warning the day before. The handlers, registered at
start-up (ApplicationsConfig.ready), run inside the clock sweep's transaction
and only read rows and write outbox rows (and an audit entry): they never lock
the application, so the sweep (clock first) and a service (application
first, then clock) cannot deadlock.

- warning: the applicant is reminded of the promised date;
- due: the hall's clerks and the applicant are told the promise lapsed;
- escalation (one more day): the same again, and an audit entry.

A material cannot be replaced after acceptance (materials are editable in a
draft or a supplement only), so a gap's clock stops when the application
leaves handling: decided, withdrawn, refused or closed
(:func:`tolerance_clocks_stop`, called by transition_locked).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from applications import constants as c
from applications.models import Application, ApplicationMaterial
from people.services.outbox import outbox_enqueue, outbox_message
from portal.audit import audit_record
from portal.clocks import (
    clock_start,
    clock_stop,
    register_deadline_handler,
    register_subject_access,
)
from portal.models import Clock, ClockState, ClockUnit, Deadline, DeadlineKind
from portal.roles import Role

from ..visibility import is_hall_clerk
from .notify import application_recipients, contact_recipients, sms_prefix

logger = logging.getLogger(__name__)

SUBJECT = "applications.material"
KIND = "tolerance"
S = c.ApplicationStatus
# Leaving handling for good: a tolerated gap no longer matters.
STOPPING_STATUSES = frozenset(
    {S.APPROVED, S.REJECTED, S.REFUSED, S.WITHDRAWN, S.CLOSED}
)


def tolerance_clocks_start(application: Application, *, accepted_on: dt.date, actor):
    """One clock per tolerated material of a LOCKED application being accepted."""
    rows = application.materials.filter(
        provision=c.Provision.TOLERATED, promised_by__isnull=False
    ).select_related("material")
    started = []
    for row in rows.order_by("pk"):
        started.append(
            clock_start(
                subject_type=SUBJECT,
                subject_id=row.pk,
                kind=KIND,
                # A promise date already past by the acceptance day is due now.
                limit_days=max(0, (row.promised_by - accepted_on).days),
                start=accepted_on,
                unit=ClockUnit.NATURAL,
                warn_days=1,
                label=row.material.name,
                actor=actor,
            )
        )
    return started


def tolerance_clocks_stop(
    application: Application, *, on: dt.date, outcome: str, actor
):
    """Stop the running gap clocks of a LOCKED application (returns how many)."""
    stopped = 0
    for clock in gap_clocks(application).exclude(state=ClockState.STOPPED):
        clock_stop(
            clock, on=max(on, clock.started_on), outcome=outcome[:32], actor=actor
        )
        stopped += 1
    return stopped


def gap_clocks(application: Application):
    """The gap clocks of an application's materials, oldest first."""
    material_ids = application.materials.values_list("pk", flat=True)
    return Clock.objects.filter(
        subject_type=SUBJECT, subject_id__in=material_ids, kind=KIND
    ).order_by("pk")


# --- handlers ------------------------------------------------------------------------


def hall_clerks(hall_id):
    return get_user_model().objects.filter(
        groups__name=Role.CLERK, staff_profile__hall_id=hall_id, is_active=True
    )


def _row(clock: Clock) -> ApplicationMaterial | None:
    return (
        ApplicationMaterial.objects.select_related("material", "application")
        .filter(pk=clock.subject_id)
        .first()
    )


def _send(*, row, deadline: Deadline, applicant: bool, clerks: bool, subject, body):
    application = row.application
    targets: list[tuple[str, list]] = []
    if applicant:
        targets.append(
            (
                f"a{application.applicant_id}",
                application_recipients(application=application),
            )
        )
    if clerks:
        contacts = (
            hall_clerks(application.hall_id)
            .distinct()
            .order_by("pk")
            .values_list("pk", "email", "phone", "applicant__email", "applicant__phone")
        )
        for pk, *contact in contacts:
            targets.append((f"s{pk}", contact_recipients(*contact)))
    rows = []
    for who, recipients in targets:
        for i, recipient in enumerate(recipients):
            text = body if recipient.channel == "email" else sms_prefix() + body
            message = outbox_message(
                channel=recipient.channel,
                recipient=recipient.address,
                subject=subject,
                body=text,
                dedupe_key=f"tolerance:{deadline.pk}:{who}:{recipient.channel}:{i}",
                about=application,
                reference=application.number or "",
            )
            if message is not None:
                rows.append(message)
    created = outbox_enqueue(messages=rows) if rows else []
    logger.info(
        "tolerance.notify application_id=%s deadline_id=%s new=%s",
        application.pk,
        deadline.pk,
        len(created),
    )
    return created


def _words(row: ApplicationMaterial, clock: Clock) -> dict:
    return {
        "number": row.application.number,
        "material": row.material.name,
        "due": clock.due_on.isoformat() if clock.due_on else "—",
    }


def tolerance_warning(clock: Clock, deadline: Deadline) -> None:
    row = _row(clock)
    if row is None:
        return
    _send(
        row=row,
        deadline=deadline,
        applicant=True,
        clerks=False,
        subject=_("容缺材料补交提醒"),
        body=_(
            "办件 %(number)s 的容缺材料“%(material)s”承诺于%(due)s前补交，"
            "请按时到大厅补交。"
        )
        % _words(row, clock),
    )


def tolerance_due(clock: Clock, deadline: Deadline) -> None:
    row = _row(clock)
    if row is None:
        return
    _send(
        row=row,
        deadline=deadline,
        applicant=True,
        clerks=True,
        subject=_("容缺材料逾期未补交"),
        body=_(
            "办件 %(number)s 的容缺材料“%(material)s”承诺于%(due)s前补交，已逾期未补交。"
        )
        % _words(row, clock),
    )


def tolerance_escalation(clock: Clock, deadline: Deadline) -> None:
    row = _row(clock)
    if row is None:
        return
    audit_record(
        actor=None,
        action="applications.tolerance_overdue",
        obj=row.application,
        changes={
            "material": row.material_id,
            "promised_by": row.promised_by.isoformat() if row.promised_by else None,
            "clock": clock.pk,
        },
    )
    _send(
        row=row,
        deadline=deadline,
        applicant=True,
        clerks=True,
        subject=_("容缺材料逾期未补交（督办）"),
        body=_(
            "办件 %(number)s 的容缺材料“%(material)s”承诺于%(due)s前补交，"
            "逾期已超过一个工作日，请大厅跟进处理。"
        )
        % _words(row, clock),
    )


def may_read_gap(user, subject_id: int) -> bool:
    """The applicant, and the clerks of the application's hall."""
    row = (
        ApplicationMaterial.objects.filter(pk=subject_id)
        .values_list("application__applicant_id", "application__hall_id")
        .first()
    )
    if row is None or not getattr(user, "is_authenticated", False):
        return False
    applicant_id, hall_id = row
    if user.pk == applicant_id:
        return True
    return is_hall_clerk(user, hall_id)


def register_tolerance_handlers() -> None:
    register_deadline_handler(KIND, DeadlineKind.WARNING, tolerance_warning)
    register_deadline_handler(KIND, DeadlineKind.DUE, tolerance_due)
    register_deadline_handler(KIND, DeadlineKind.ESCALATION, tolerance_escalation)
    register_subject_access(SUBJECT, may_read_gap)


__all__ = [
    "KIND",
    "SUBJECT",
    "gap_clocks",
    "may_read_gap",
    "register_tolerance_handlers",
    "tolerance_clocks_start",
    "tolerance_clocks_stop",
]
