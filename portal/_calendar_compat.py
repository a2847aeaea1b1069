"""TEMPORARY stand-in for the calendar helper's API (portal.workdays.due_date,
portal.workcalendar.current and its hooks), with the signatures of
WORKFLOW_SPEC.md, over the existing portal.workdays.is_working_day.

Removed when branch w/cal is merged; nothing but portal.clocks imports it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .workdays import is_working_day


@dataclass(frozen=True)
class DayInfo:
    working: bool
    provisional: bool
    note: str


@dataclass(frozen=True)
class Calendar:
    revision: int = 0
    entries: Mapping[dt.date, tuple[bool, str]] = field(default_factory=dict)
    confirmed_years: frozenset[int] = frozenset()

    def day(self, d: dt.date) -> DayInfo:
        if d in self.entries:
            working, note = self.entries[d]
            return DayInfo(working, False, note)
        working, provisional = is_working_day(d)
        return DayInfo(working, provisional, "" if working else _("休息日"))


@dataclass(frozen=True)
class Suspension:
    first: dt.date
    last: dt.date | None
    reason: str


@dataclass(frozen=True)
class DueDate:
    due: dt.date | None
    provisional: bool
    revision: int
    counted: tuple[dt.date, ...] = ()
    skipped: tuple[tuple[dt.date, str], ...] = ()
    suspended: tuple[tuple[dt.date, str], ...] = ()

    def explain(self) -> list[str]:
        lines = []
        if self.due is None:
            lines.append(_("计时中止中，到期日待恢复计时后确定。"))
        else:
            lines.append(_("到期日：%(due)s。") % {"due": self.due.isoformat()})
        lines.append(_("计入%(n)s个工作日。") % {"n": len(self.counted)})
        for day, note in self.skipped:
            lines.append(_("%(day)s 不计：%(note)s") % {"day": day, "note": note})
        for day, reason in self.suspended:
            lines.append(_("%(day)s 中止计时：%(r)s") % {"day": day, "r": reason})
        return lines


def due_date(
    calendar: Calendar,
    start: dt.date,
    days: int,
    suspensions: Sequence[Suspension] = (),
    extra_days: int = 0,
) -> DueDate:
    total = days + extra_days
    counted: list[dt.date] = []
    skipped: list[tuple[dt.date, str]] = []
    suspended: list[tuple[dt.date, str]] = []
    provisional = False
    current = start
    while len(counted) < total:
        current += dt.timedelta(days=1)
        hit = next(
            (
                s
                for s in suspensions
                if s.first <= current and (s.last is None or current <= s.last)
            ),
            None,
        )
        if hit is not None:
            if hit.last is None:
                return DueDate(
                    None,
                    provisional,
                    calendar.revision,
                    tuple(counted),
                    tuple(skipped),
                    (*suspended, (current, hit.reason)),
                )
            suspended.append((current, hit.reason))
            continue
        info = calendar.day(current)
        provisional = provisional or info.provisional
        if info.working:
            counted.append(current)
        else:
            skipped.append((current, info.note))
    return DueDate(
        current if total else start,
        provisional,
        calendar.revision,
        tuple(counted),
        tuple(skipped),
        tuple(suspended),
    )


def current() -> Calendar:
    return Calendar()


_guards: list[Callable] = []
_handlers: list[Callable] = []


def register_day_guard(fn: Callable[[set[dt.date]], bool]) -> None:
    if fn not in _guards:
        _guards.append(fn)


def register_change_handler(fn: Callable[[int, set[dt.date]], None]) -> None:
    if fn not in _handlers:
        _handlers.append(fn)
