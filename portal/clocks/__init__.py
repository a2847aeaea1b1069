"""Clocks and durable deadlines: the services, the sweep and the hooks.

A clock is started, suspended, resumed, extended and stopped only here; each
service runs in one transaction with the clock's row locked, writes its
segment log, recomputes ``due_on`` with portal.workdays.due_date over the
log, replaces its open deadlines and appends an audit entry. Lock order is
always clock, then its deadlines (the sweep too), so a service and a sweep
never deadlock.

Deadline times (local time, settings.TIME_ZONE):

- warning: 08:30 on the ``warn_days``-th counted day before the due day
  (never on or before the day the clock last started: then the first
  counted day after it);
- due: 00:00 of the day after the due day (a deadline ends at the end of its
  day);
- escalation: 00:00 after the first working day after the due day (one full
  working day overdue).

The sweep (:func:`deadlines_sweep`, the beat task portal.tasks.sweep_deadlines
every 60 s) reads the head of the partial index of open deadlines, and acts on
each due one in its own transaction: clock and deadline locked with SKIP
LOCKED, still open re-checked, the handler registered for (clock kind,
deadline kind) called, the deadline marked fired, all committed together. A
handler that raises rolls its deadline back alone; the next run tries it
again. Nothing is scheduled in the broker (docs/adr/0009-durable-deadlines.md).

Hooks other apps register at start-up (portal's base imports no app):
:func:`register_deadline_handler`, :func:`register_subject_access` and
:func:`register_due_changed`. The clocks register a day guard and a change
handler with the calendar (portal.apps calls :func:`register_calendar_hooks`).

Modules: ``services`` (the use cases), ``computing`` (due dates and deadline
times, no writes), ``sweeping`` (the beat sweep), ``explain`` (the account of
a due date and who may read it), ``hooks`` (the registries),
``calendar_hooks``. Import from ``portal.clocks``.
"""

from __future__ import annotations

from .calendar_hooks import (
    clocks_calendar_changed,
    days_used_by_stopped_clocks,
    register_calendar_hooks,
)
from .computing import WARNING_TIME, deadline_plan
from .explain import clock_explain, clock_explain_lines, clock_for_user
from .hooks import (
    register_deadline_handler,
    register_due_changed,
    register_subject_access,
)
from .services import (
    clock_deadline_again,
    clock_extend,
    clock_resume,
    clock_start,
    clock_stop,
    clock_suspend,
    clocks_for,
)
from .sweeping import SWEEP_BATCH, SWEEP_BUDGET_SECONDS, deadlines_sweep

__all__ = [
    "SWEEP_BATCH",
    "SWEEP_BUDGET_SECONDS",
    "WARNING_TIME",
    "clock_deadline_again",
    "clock_explain",
    "clock_explain_lines",
    "clock_extend",
    "clock_for_user",
    "clock_resume",
    "clock_start",
    "clock_stop",
    "clock_suspend",
    "clocks_calendar_changed",
    "clocks_for",
    "days_used_by_stopped_clocks",
    "deadline_plan",
    "deadlines_sweep",
    "register_calendar_hooks",
    "register_deadline_handler",
    "register_due_changed",
    "register_subject_access",
]
