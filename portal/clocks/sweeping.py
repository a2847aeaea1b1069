"""The beat sweep: each due open deadline acted on once, in its own transaction."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from ..audit import audit_record
from ..models import (
    Clock,
    ClockState,
    Deadline,
    DeadlineState,
)
from ..sweep import Drain
from ..system import system_user
from . import hooks

logger = logging.getLogger(__name__)


SWEEP_BATCH = 50
SWEEP_BUDGET_SECONDS = 45.0


def _fire_one(pk: int, clock_id: int, now: dt.datetime, actor) -> bool:
    """Act on one due deadline in the caller's transaction; False if skipped."""
    clock = (
        Clock.objects.select_for_update(skip_locked=True).filter(pk=clock_id).first()
    )
    if clock is None:
        return False  # another sweep or a service holds the clock
    deadline = (
        Deadline.objects.select_for_update(skip_locked=True)
        .filter(pk=pk, state=DeadlineState.OPEN, fire_at__lte=now)
        .first()
    )
    if deadline is None:
        return False  # fired, cancelled or moved meanwhile
    if clock.state != ClockState.RUNNING:  # services cancel these; be safe
        deadline.state = DeadlineState.CANCELLED
        deadline.cancelled_at = timezone.now()
        deadline.save(update_fields=["state", "cancelled_at"])
        return False
    # Marked fired before the handler runs: a handler that stops, suspends
    # or extends the clock (cancelling its open deadlines, planning new ones)
    # leaves this one as what it is, fired; an exception undoes both.
    deadline.state = DeadlineState.FIRED
    deadline.fired_at = timezone.now()
    deadline.save(update_fields=["state", "fired_at"])
    handler = hooks._deadline_handlers.get((clock.kind, deadline.kind))
    if handler is not None:
        handler(clock, deadline)
    else:
        logger.warning(
            "clocks.deadline_no_handler deadline_id=%s clock_kind=%s kind=%s",
            pk,
            clock.kind,
            deadline.kind,
        )
    audit_record(
        actor=actor,
        action="clocks.deadline_fired",
        obj=clock,
        changes={
            "deadline": deadline.pk,
            "kind": deadline.kind,
            "fire_at": deadline.fire_at,
            "handled": handler is not None,
        },
    )
    return True


def deadlines_sweep(
    now: dt.datetime | None = None,
    budget: float = SWEEP_BUDGET_SECONDS,
    *,
    batch: int = SWEEP_BATCH,
    limit: int | None = None,
) -> int:
    """Act once on every open deadline whose fire_at has passed; the count acted on.

    Due ids come from the partial index in ``batch``-sized reads, oldest first;
    each is claimed and acted on in its own transaction (:func:`_fire_one`).
    One that was skipped (locked elsewhere) or failed is not read again in
    this run. Stops when nothing is due or ``budget`` seconds are spent.
    """
    now = now or timezone.now()
    clock_of: dict[int, int] = {}

    def fetch(exclude: set[int], take: int) -> list[int]:
        due = Deadline.objects.filter(state=DeadlineState.OPEN, fire_at__lte=now)
        if exclude:
            due = due.exclude(pk__in=exclude)
        rows = list(due.order_by("fire_at").values_list("pk", "clock_id")[:take])
        clock_of.update(rows)
        return [pk for pk, _clock in rows]

    drain = Drain(fetch, batch=batch, budget_seconds=budget, limit=limit)
    actor = None
    done = 0
    for pk in drain:
        if actor is None:
            actor = system_user()
        try:
            with transaction.atomic():
                acted = _fire_one(pk, clock_of.pop(pk), now, actor)
        except Exception as exc:
            logger.error(
                "clocks.deadline_failed deadline_id=%s error=%s", pk, type(exc).__name__
            )
            acted = False
            drain.exclude.add(pk)
            continue
        if acted:
            done += 1
        else:
            drain.exclude.add(pk)
    if done:
        logger.info("clocks.deadlines_swept count=%s", done)
    return done
