"""Seams to later apps (docs/architecture.md: dependencies point one way).

Later apps register their callables at start-up in ``AppConfig.ready()``;
until they do, acceptance simply records the application as accepted and
visibility is applications' own rule. No import of workflow here (nor of
applications.models: the models module imports visibility, which imports
this one). Evidence sits below applications, which asks it directly
(applications.certificates): there is no certificate seam.

Every seam is typed and says when it runs and what a failure does. Two kinds
of lifecycle hook (:class:`Hook`):

- **in the transaction** (``Phase.IN_TRANSACTION``): called by the service
  inside its ``transaction.atomic()``, with the application row locked and
  after the status change, its StatusChange row, audit entry and outbox rows
  are written. The handler may write (routing closes its tasks in the same
  transaction, so there is never a withdrawn application with a running
  clock). An exception propagates: the whole use case rolls back, nothing of
  it is left, and the caller gets the exception (a ServiceError reaches the
  user as such; a timer logs it and tries that application again next run).
- **after commit** (``Phase.AFTER_COMMIT``): queued with
  ``transaction.on_commit(..., robust=True)``; called only if the change
  committed, with an event of ids and values (never a locked row). For
  work that must not hold up or undo the change (roll-ups, exports). An
  exception is logged by Django and swallowed: the change stays, the other
  handlers still run. A handler that must not be lost enqueues a task or an
  outbox row of its own.

Lifecycle hooks (the event class is the argument of every handler):

=============================== ================ =============================
hook                            phase            fired by
=============================== ================ =============================
``on_accepted``                 in transaction   acceptance by a clerk, deemed
                                                 acceptance by the system
``on_withdrawn_after_acceptance`` in transaction withdrawal from accepted or
                                                 in review (routing stops its
                                                 tasks and clocks)
``on_decided``                  in transaction   decision.application_decide
``on_delivered``                in transaction   decision.application_deliver
                                                 (routing stops the delivery
                                                 clock)
``on_closed``                   after commit     every close: archive, lapsed
                                                 supplement
=============================== ================ =============================

Other seams:

- the progress provider is called while public tracking answers (the page
  and the API), outside any lock, read only; it gives the current stage and
  the promised date as the running clock has it. An exception propagates.
- visibility rules are called whenever a queryset of visible applications is
  built (``Application.objects.visible_to``); they must not write, should cost
  at most a cached lookup, and return a Q over Application (or None for
  "nothing extra"), OR-ed into applications' own rule: a rule only ever
  widens what a user sees. An exception propagates (a rule that cannot decide
  must not silently widen or narrow what a user sees).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import transaction
from django.db.models import Q

if TYPE_CHECKING:
    from .models import Application

logger = logging.getLogger(__name__)

E = TypeVar("E")


class Phase(enum.Enum):
    IN_TRANSACTION = "in_transaction"
    AFTER_COMMIT = "after_commit"


class Hook(Generic[E]):
    """A named list of handlers ``handler(event: E) -> None`` and when they run.

    ``fire`` runs them in registration order (in the transaction) or queues
    each after commit, according to the hook's phase; see the module doc for
    what a failure does in each phase.
    """

    def __init__(self, name: str, phase: Phase) -> None:
        self.name = name
        self.phase = phase
        self._handlers: list[Callable[[E], Any]] = []

    def register(self, handler: Callable[[E], Any]) -> Callable[[E], Any]:
        """Add ``handler`` (once); returns it, so it works as a decorator."""
        if handler not in self._handlers:
            self._handlers.append(handler)
        return handler

    def unregister(self, handler: Callable[[E], Any]) -> None:
        """For tests that register a handler of their own."""
        if handler in self._handlers:
            self._handlers.remove(handler)

    @property
    def handlers(self) -> tuple[Callable[[E], Any], ...]:
        return tuple(self._handlers)

    def fire(self, event: E) -> None:
        """Run or queue every handler; must be called inside the transaction."""
        if self.phase is Phase.IN_TRANSACTION:
            for handler in list(self._handlers):
                handler(event)
            return
        for handler in list(self._handlers):
            transaction.on_commit(
                functools.partial(self._after_commit, handler, event), robust=True
            )

    def _after_commit(self, handler: Callable[[E], Any], event: E) -> None:
        try:
            handler(event)
        except Exception:
            # Logged with the hook's name (ids only), then swallowed: the
            # change has committed and the other handlers still run.
            logger.exception(
                "hooks.after_commit_failed hook=%s handler=%s",
                self.name,
                getattr(handler, "__qualname__", repr(handler)),
            )

    def __repr__(self) -> str:
        return f"<Hook {self.name} ({self.phase.value}), {len(self._handlers)}>"


# --- events --------------------------------------------------------------------


@dataclass(frozen=True)
class Accepted:
    """The application was accepted (受理), by a clerk or deemed by the system.

    ``application`` is the locked row, its status ACCEPTED; ``accepted_on``
    the day handling time counts from (for a deemed acceptance the day the
    materials arrived, Art. 32).
    """

    application: Application
    actor: Any
    accepted_on: dt.date
    deemed: bool


@dataclass(frozen=True)
class WithdrawnAfterAcceptance:
    """An accepted application (accepted or in review) was withdrawn.

    ``application`` is the locked row, its status WITHDRAWN; ``from_status``
    where it was. Routing stops its tasks and clocks here, in the same
    transaction.
    """

    application: Application
    from_status: str
    actor: Any
    at: dt.datetime
    reason: str


@dataclass(frozen=True)
class Decided:
    """The decision was recorded (approved or rejected, with its basis)."""

    application: Application
    outcome: str
    basis: str
    decided_at: dt.datetime
    actor: Any


@dataclass(frozen=True)
class Delivered:
    """The result reached the applicant (送达, Art. 44): how and when."""

    application: Application
    method: str
    delivered_at: dt.datetime
    actor: Any


@dataclass(frozen=True)
class Closed:
    """The application was closed (archived, or ended for a lapsed supplement).

    After commit: ids and values only.
    """

    application_id: int
    number: str
    from_status: str
    reason: str
    actor_id: int | None
    by_system: bool
    at: dt.datetime


on_accepted: Hook[Accepted] = Hook("on_accepted", Phase.IN_TRANSACTION)
on_withdrawn_after_acceptance: Hook[WithdrawnAfterAcceptance] = Hook(
    "on_withdrawn_after_acceptance", Phase.IN_TRANSACTION
)
on_decided: Hook[Decided] = Hook("on_decided", Phase.IN_TRANSACTION)
on_delivered: Hook[Delivered] = Hook("on_delivered", Phase.IN_TRANSACTION)
on_closed: Hook[Closed] = Hook("on_closed", Phase.AFTER_COMMIT)

LIFECYCLE_HOOKS: tuple[Hook, ...] = (
    on_accepted,
    on_withdrawn_after_acceptance,
    on_decided,
    on_delivered,
    on_closed,
)


# --- acceptance (the older interface: the handler takes the locked row) -------

_acceptance_handlers: dict[Callable, Callable[[Accepted], Any]] = {}


def register_acceptance_handler(handler: Callable) -> None:
    """handler(application) runs inside the acceptance transaction.

    The same as ``on_accepted.register(lambda event: handler(event.application))``.
    """
    if handler not in _acceptance_handlers:
        _acceptance_handlers[handler] = on_accepted.register(
            lambda event: handler(event.application)
        )


def unregister_acceptance_handler(handler: Callable) -> None:
    wrapped = _acceptance_handlers.pop(handler, None)
    if wrapped is not None:
        on_accepted.unregister(wrapped)


# --- visibility ----------------------------------------------------------------

_visibility_rules: list[Callable[..., Q | None]] = []


def register_visibility_rule(rule: Callable[..., Q | None]) -> None:
    """rule(user) -> Q over Application of what else ``user`` may see, or None.

    Workflow registers "a department with a task on the application",
    supervision "a supervisor of the application's region". The Q is OR-ed
    into applications' own rule (applications.visibility.visible_q), so it
    reaches every list, detail page, document and API answer at once.
    """
    if rule not in _visibility_rules:
        _visibility_rules.append(rule)


def unregister_visibility_rule(rule: Callable[..., Q | None]) -> None:
    """For tests that register a rule of their own."""
    if rule in _visibility_rules:
        _visibility_rules.remove(rule)


def visibility_rules(user) -> Iterator[Q]:
    """The extra Q of every registered rule that grants ``user`` something."""
    for rule in list(_visibility_rules):
        extra = rule(user)
        if extra is not None:
            yield extra


# --- progress after acceptance (public tracking) ---------------------------------


@dataclass(frozen=True)
class Progress:
    """Where an accepted application stands, as public tracking may show it.

    No personal data: the current stage's name (办理阶段) and the promised
    completion date as the running clock has it now (moved by suspensions and
    an approved extension), with ``provisional`` when it rests on holiday
    arrangements not yet published.
    """

    stage: str
    promised_date: dt.date | None
    provisional: bool


_progress_provider: Callable[[Application], Progress | None] | None = None


def register_progress_provider(
    provider: Callable[[Application], Progress | None] | None,
) -> None:
    """provider(application) -> Progress or None (nothing known beyond applications').

    Workflow registers one (the case's current stage and its promised clock).
    Called while the tracking page or API answers, outside any lock; it must
    only read. An exception propagates (the page shows a server error rather
    than a wrong date). ``None`` removes it (tests).
    """
    global _progress_provider
    _progress_provider = provider


def progress_of(application: Application) -> Progress | None:
    if _progress_provider is None:
        return None
    return _progress_provider(application)
