"""The registries other apps fill at start-up (portal's base imports no app)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..models import (
    Clock,
    Deadline,
    DeadlineKind,
)

DeadlineHandler = Callable[[Clock, Deadline], object]
SubjectAccess = Callable[[object, int], bool]
DueChanged = Callable[[Clock, "dt.date | None"], object]

_deadline_handlers: dict[tuple[str, str], DeadlineHandler] = {}
_subject_access: dict[str, SubjectAccess] = {}
_due_changed: dict[str, list[DueChanged]] = {}


# --- hooks -------------------------------------------------------------------------


def register_deadline_handler(
    clock_kind: str, deadline_kind: str, handler: DeadlineHandler
) -> None:
    """``handler(clock, deadline)`` acts when a deadline of this kind is due.

    It runs inside the sweep's transaction with the clock and deadline rows
    locked and may write (cards, outbox rows); it must not commit, sleep on
    the network, or catch database errors. An exception rolls back that one
    deadline, which the next sweep tries again. Registering the same pair
    again replaces the handler (app reloads in tests).
    """
    if deadline_kind not in DeadlineKind.values:
        raise ValueError(f"unknown deadline kind {deadline_kind!r}")
    _deadline_handlers[(clock_kind, deadline_kind)] = handler


def register_subject_access(subject_type: str, fn: SubjectAccess) -> None:
    """``fn(user, subject_id) -> bool``: may the user see this subject's clocks?

    Without a registered function nobody sees a clock of that subject type
    through the explain API (404).
    """
    _subject_access[subject_type] = fn


def register_due_changed(subject_type: str, fn: DueChanged) -> None:
    """``fn(clock, old_due_on)`` after a clock of ``subject_type`` got a new ``due_on``.

    Runs inside the transaction that changed it (suspend, resume, extend, a
    calendar edit recomputing a provisional clock), the clock row locked, so a
    copy of the date kept elsewhere (a task's denormalised ``due_on``) moves
    with it; an exception rolls the change back. Not called by clock_start
    (the caller has the new clock) nor clock_stop (the date stays).
    """
    handlers = _due_changed.setdefault(subject_type, [])
    if fn not in handlers:
        handlers.append(fn)


def due_moved(clock: Clock, old: dt.date | None) -> None:
    if clock.due_on != old:
        for fn in _due_changed.get(clock.subject_type, ()):
            fn(clock, old)
