"""What the system does when a stored date passes, acting as the system actor.

Two use cases, each taking one edge of ``constants.TRANSITIONS`` and acting
on a date stored when the clock started (never recomputed here, so a
changed setting or calendar does not move a date the applicant was told):

- :func:`application_deem_accepted`: submitted -> accepted. The acceptance
  window (``Application.acceptance_due``, 5 working days, stored at
  submission) ended with no notice, refusal or acceptance: by Art. 32 the
  application counts as accepted as of the day the materials arrived
  (``submitted_at``), and handling time counts from then. ``on_accepted``
  fires as for a clerk's acceptance (routing starts).
- :func:`application_close_lapsed_supplement`: supplement requested ->
  closed. The open one-time notice's stored ``due_date`` passed with no
  supplement; the procedure ends with settings.SUPPLEMENT_LAPSE_WORDING
  (local practice) and the applicant is told.

Both refuse any other state as a forbidden transition (409
``transition_forbidden``, the same as any forbidden edge; e.g. accepted ->
closed is in the table but is not this use case's), and refuse an
application whose date has not passed yet (409). A date ends at the end of
its day: the timer acts from the next day on. StatusChange rows and audit
entries name the system actor (portal.system).

The sweeps (:func:`applications_deem_overdue`, :func:`supplements_close_lapsed`)
are what the beat tasks call: they find due rows by the stored dates
(partial indexes), claim each with ``SKIP LOCKED`` in its own transaction and
call the use case; a row that fails is logged and left for the next run. Run
twice, the second run finds nothing (idempotent).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.errors import ServiceError
from portal.sweep import Drain
from portal.system import system_user

from .. import constants as c
from ..models import Application, SupplementNotice
from .acceptance import accept_locked
from .decision import close_locked
from .notify import supplement_lapse_wording
from .status import lock_for_update, require_from

S = c.ApplicationStatus
logger = logging.getLogger(__name__)

SWEEP_BATCH = 200
SWEEP_BUDGET_SECONDS = 45.0


def application_deem_accepted(
    *, application: Application, today: dt.date | None = None
) -> Application:
    """Deemed acceptance (视为受理, Art. 32) of an application nobody reviewed in time.

    Edge: submitted -> accepted, as the system actor, accepted as of
    ``submitted_at``. Refused: any other state (``transition_forbidden``),
    or a window that has not ended (``acceptance_window_open``).
    """
    actor = system_user()
    with transaction.atomic():
        locked = lock_for_update(application)
        require_from(locked, S.ACCEPTED, {S.SUBMITTED})
        today = today or timezone.localdate()
        due = locked.acceptance_due
        if due is None or due >= today or locked.submitted_at is None:
            raise ServiceError(
                "acceptance_window_open",
                _("受理审查期限尚未届满，不能视为受理（期限至%(due)s）")
                % {"due": date_format(due)}
                if due
                else _("受理审查期限尚未届满，不能视为受理"),
                status=409,
            )
        with translation.override(settings.LANGUAGE_CODE):  # stored text
            reason = str(c.DEEMED_ACCEPTANCE_BASIS)
        accept_locked(
            locked,
            actor=actor,
            accepted_at=locked.submitted_at,
            deemed=True,
            reason=reason,
        )
    logger.info("timers.deemed_accepted application_id=%s", locked.pk)
    return locked


def application_close_lapsed_supplement(
    *, application: Application, today: dt.date | None = None
) -> Application:
    """Close an application whose supplement never came (逾期未补正).

    Edge: supplement requested -> closed, as the system actor, closure
    reason ``supplement_lapsed``; the notice is marked lapsed. Refused: any
    other state (``transition_forbidden``), or an open notice whose due date
    has not passed (``supplement_window_open``).
    """
    actor = system_user()
    with transaction.atomic():
        locked = lock_for_update(application)
        require_from(locked, S.CLOSED, {S.SUPPLEMENT_REQUESTED})
        today = today or timezone.localdate()
        notice = (
            SupplementNotice.objects.select_for_update()
            .filter(
                application=locked, resolved_at__isnull=True, lapsed_at__isnull=True
            )
            .order_by("-issued_at", "-pk")
            .first()
        )
        if notice is None or notice.due_date >= today:
            raise ServiceError(
                "supplement_window_open",
                _("补正期限尚未届满，不能终止办理（期限至%(due)s）")
                % {"due": date_format(notice.due_date)}
                if notice
                else _("补正期限尚未届满，不能终止办理"),
                status=409,
            )
        notice.lapsed_at = timezone.now()
        notice.save(update_fields=["lapsed_at"])
        with translation.override(settings.LANGUAGE_CODE):  # stored text
            text = supplement_lapse_wording(locked)
        close_locked(
            locked,
            actor=actor,
            reason=c.ClosureReason.SUPPLEMENT_LAPSED,
            text=text,
            changes={"notice": notice.pk, "due_date": notice.due_date.isoformat()},
        )
    logger.info("timers.supplement_lapsed application_id=%s", locked.pk)
    return locked


# --- sweeps (the beat tasks' entry points) -----------------------------------------


def _sweep(
    *,
    name: str,
    due_ids: Callable[[], QuerySet],
    claim: Callable[[int], Application | None],
    act: Callable[[Application], object],
    batch: int,
    budget_seconds: float,
) -> int:
    """Handle due rows one transaction each until none is left or time is up.

    ``due_ids()``: ids of due applications, in order; ``claim(pk)``: the row,
    locked with SKIP LOCKED and still due, or None (another worker has it, or
    it changed). A row that was skipped or failed is not tried again in this
    run.
    """
    drain = Drain(
        lambda exclude, take: list(due_ids().exclude(pk__in=exclude)[:take]),
        batch=batch,
        budget_seconds=budget_seconds,
    )
    done = 0
    for pk in drain:
        drain.exclude.add(pk)
        try:
            with transaction.atomic():
                row = claim(pk)
                if row is None:
                    continue
                act(row)
        except Exception:
            logger.exception("timers.%s_failed application_id=%s", name, pk)
            continue
        done += 1
    if done:
        logger.info("timers.%s_swept count=%s", name, done)
    return done


def _overdue_acceptance(today: dt.date) -> QuerySet:
    return Application.objects.filter(status=S.SUBMITTED, acceptance_due__lt=today)


def applications_deem_overdue(
    *,
    today: dt.date | None = None,
    batch: int = SWEEP_BATCH,
    budget_seconds: float = SWEEP_BUDGET_SECONDS,
) -> int:
    """Deem accepted every submitted application whose window has ended."""
    today = today or timezone.localdate()
    return _sweep(
        name="deem_accepted",
        due_ids=lambda: (
            _overdue_acceptance(today)
            .order_by("acceptance_due", "pk")
            .values_list("pk", flat=True)
        ),
        claim=lambda pk: (
            _overdue_acceptance(today)
            .select_for_update(skip_locked=True, of=("self",))
            .filter(pk=pk)
            .first()
        ),
        act=lambda row: application_deem_accepted(application=row, today=today),
        batch=batch,
        budget_seconds=budget_seconds,
    )


def _lapsed(today: dt.date) -> QuerySet:
    open_lapsed = SupplementNotice.objects.filter(
        resolved_at__isnull=True, lapsed_at__isnull=True, due_date__lt=today
    )
    return Application.objects.filter(
        status=S.SUPPLEMENT_REQUESTED,
        pk__in=open_lapsed.values("application_id"),
    )


def supplements_close_lapsed(
    *,
    today: dt.date | None = None,
    batch: int = SWEEP_BATCH,
    budget_seconds: float = SWEEP_BUDGET_SECONDS,
) -> int:
    """Close every application whose open notice's due date has passed."""
    today = today or timezone.localdate()
    return _sweep(
        name="supplement_lapsed",
        due_ids=lambda: _lapsed(today).order_by("pk").values_list("pk", flat=True),
        claim=lambda pk: (
            _lapsed(today)
            .select_for_update(skip_locked=True, of=("self",))
            .filter(pk=pk)
            .first()
        ),
        act=lambda row: application_close_lapsed_supplement(
            application=row, today=today
        ),
        batch=batch,
        budget_seconds=budget_seconds,
    )
