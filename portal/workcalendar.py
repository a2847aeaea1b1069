"""The calendar table's ORM side: the current snapshot and the one edit service.

:func:`current` answers the calendar as of the latest revision. It reads the
latest revision row on every call (one query on the primary key) and keeps
one snapshot per process keyed by that row's number and time, so an edit
committed in any process is seen by the next call everywhere; nothing is
served stale. A database whose calendar was never written (no revision
row: a test database flushed after a transactional test) serves the
package's calendar, and its first edit seeds the table first.

:func:`calendar_days_set` is the only way the table changes (admin, imports,
tests). The clock engine plugs in through two registries: day guards (may a
past day still change?) and change handlers (recompute what the edit moved),
both called inside the edit's transaction.

Portal's base: no app import.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_record
from .errors import ErrorCollector, ServiceError
from .models import CalendarDay, CalendarRevision, CalendarSource, CalendarYear
from .workdays import Calendar, package_calendar, package_seed

DayGuard = Callable[[set[dt.date]], bool]
ChangeHandler = Callable[[int, set[dt.date]], None]

_day_guards: list[DayGuard] = []
_change_handlers: list[ChangeHandler] = []

PACKAGE_NOTE = "国务院放假通知（chinesecalendar 1.11.0）"
SEED_SUMMARY = "导入国务院放假通知（chinesecalendar 1.11.0，%(first)d–%(last)d年）"
NOTE_MAX = 100


def register_day_guard(fn: DayGuard) -> None:
    """``fn(days) -> True`` when some closed deadline counted one of these past days.

    Any guard saying True refuses the edit (``calendar_day_in_use``).
    Registering the same function twice keeps one.
    """
    if fn not in _day_guards:
        _day_guards.append(fn)


def register_change_handler(fn: ChangeHandler) -> None:
    """``fn(revision, days)`` runs inside the edit's transaction, after the writes.

    ``days`` are the dates whose status, note or provisional flag changed.
    An exception rolls the whole edit back.
    """
    if fn not in _change_handlers:
        _change_handlers.append(fn)


# --- the current snapshot ---------------------------------------------------

_lock = threading.Lock()
_cached: tuple[tuple[int, dt.datetime], Calendar] | None = None


def _latest_key() -> tuple[int, dt.datetime] | None:
    return (
        CalendarRevision.objects.order_by("-number").values_list("number", "at").first()
    )


def _build(revision: int) -> Calendar:
    entries = {
        day: (working, note)
        for day, working, note in CalendarDay.objects.values_list(
            "day", "working", "note"
        )
    }
    years = frozenset(
        CalendarYear.objects.filter(confirmed=True).values_list("year", flat=True)
    )
    return Calendar(revision=revision, entries=entries, confirmed_years=years)


def current() -> Calendar:
    """The calendar as of the latest revision (never a stale copy).

    One indexed query when the process already holds that revision; the
    snapshot is rebuilt (three more) after an edit anywhere.
    """
    global _cached
    calendar: Calendar | None = None
    for _attempt in range(3):
        key = _latest_key()
        if key is None:
            return package_calendar()
        cached = _cached
        if cached is not None and cached[0] == key:
            return cached[1]
        calendar = _build(key[0])
        # The rows read belong to this revision only if no edit committed
        # while they were read (every edit adds a revision).
        if _latest_key() == key:
            with _lock:
                _cached = (key, calendar)
            return calendar
    assert calendar is not None
    return calendar  # edits keep arriving: answer the latest read, uncached


def forget_cached() -> None:
    """Drop this process's snapshot (tests)."""
    global _cached
    with _lock:
        _cached = None


# --- seeding ------------------------------------------------------------------


def seed_package_rows(
    *, day_model=CalendarDay, year_model=CalendarYear, revision_model=CalendarRevision
) -> int:
    """chinesecalendar's notices as rows (source state_council), years confirmed.

    Adds what is missing (an existing day or year is left as it is) and one
    revision. Used by migration 0009 (historical models) and before the
    first edit of a never-seeded database. Returns the revision number.
    """
    rows, years = package_seed()
    have = set(day_model.objects.values_list("day", flat=True))
    now = timezone.now()
    day_model.objects.bulk_create(
        [
            day_model(
                day=day,
                working=working,
                source=CalendarSource.STATE_COUNCIL.value,
                note=note,
                updated_at=now,
            )
            for day, working, note in rows
            if day not in have
        ],
        batch_size=500,
    )
    have_years = set(year_model.objects.values_list("year", flat=True))
    year_model.objects.bulk_create(
        [
            year_model(year=year, confirmed=True, note=PACKAGE_NOTE)
            for year in years
            if year not in have_years
        ]
    )
    revision = revision_model.objects.create(
        at=now, summary=SEED_SUMMARY % {"first": years[0], "last": years[-1]}
    )
    return revision.number


# --- the edit service ---------------------------------------------------------

Entry = tuple[dt.date, bool, str, str]  # (day, working, source, note)
YearEntry = tuple[int, bool, str]  # (year, confirmed, note)


def _fmt(day: dt.date) -> str:
    return day.isoformat()


def _normalise(
    entries: Iterable[Entry], remove: Iterable[dt.date]
) -> tuple[dict[dt.date, tuple[bool, str, str]], set[dt.date]]:
    errors = ErrorCollector()
    wanted: dict[dt.date, tuple[bool, str, str]] = {}
    sources = set(CalendarSource.values)
    for i, (day, working, source, note) in enumerate(entries):
        note = (note or "").strip()
        if source not in sources:
            errors.add(
                "calendar_source_invalid",
                _("来源无效：%(source)s") % {"source": source},
                f"entries[{i}].source",
            )
            continue
        if len(note) > NOTE_MAX:
            errors.add(
                "calendar_note_too_long",
                _("说明不能超过%(n)d个字") % {"n": NOTE_MAX},
                f"entries[{i}].note",
            )
            continue
        value = (bool(working), source, note)
        previous = wanted.get(day)
        if previous is not None and previous[0] != value[0]:
            errors.add(
                "calendar_day_conflict",
                _("%(day)s 在同一次调整中既被设为工作日又被设为休息日")
                % {"day": _fmt(day)},
                f"entries[{i}].day",
            )
            continue
        wanted[day] = value
    removed = set(remove)
    for day in sorted(removed & set(wanted)):
        errors.add(
            "calendar_day_conflict",
            _("%(day)s 在同一次调整中既被设置又被删除") % {"day": _fmt(day)},
            "remove",
        )
    errors.raise_if_any("calendar_edit_invalid", _("日历调整有多处错误"))
    return wanted, removed


def _year_days(year: int) -> Iterable[dt.date]:
    day = dt.date(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


def calendar_days_set(
    *,
    actor,
    entries: Iterable[Entry] = (),
    summary: str,
    remove: Iterable[dt.date] = (),
    years: Iterable[YearEntry] = (),
    today: dt.date | None = None,
) -> int:
    """Set days (and remove entries, confirm years) in one audited revision.

    ``entries``: (day, working, source, note) overriding the weekday rule;
    ``remove``: days that go back to the rule; ``years``: (year, confirmed,
    note). Refuses ``calendar_day_conflict`` (a day both working and rest,
    or set and removed, in one edit), ``calendar_day_in_use`` (a day before
    ``today`` whose status changes while a registered guard says a closed
    deadline used it), ``calendar_year_empty`` (confirming a year with no
    entered day). An edit that changes nothing writes nothing and returns
    the current revision. Returns the revision number.
    """
    summary = (summary or "").strip()
    if not summary:
        raise ServiceError(
            "calendar_summary_missing", _("请填写本次调整的摘要"), field="summary"
        )
    wanted, removed = _normalise(entries, remove)
    year_items = {
        int(year): (bool(confirmed), note or "") for year, confirmed, note in years
    }
    if not wanted and not removed and not year_items:
        raise ServiceError("calendar_edit_empty", _("没有要调整的日期或年份"))
    today = today or timezone.localdate()

    with transaction.atomic():
        # The latest revision's row serialises edits (and the guards' view).
        latest = (
            CalendarRevision.objects.select_for_update().order_by("-number").first()
        )
        if latest is None:
            seed_package_rows()
            latest = (
                CalendarRevision.objects.select_for_update().order_by("-number").first()
            )
        before = current()
        rows = {
            row.day: row
            for row in CalendarDay.objects.select_for_update().filter(
                day__in=set(wanted) | removed
            )
        }
        year_rows = {
            row.year: row
            for row in CalendarYear.objects.select_for_update().filter(
                year__in=set(year_items)
            )
        }

        set_days = {
            day: value
            for day, value in wanted.items()
            if day not in rows
            or (rows[day].working, rows[day].source, rows[day].note) != value
        }
        removed_days = {day for day in removed if day in rows}
        year_changes = {
            year: value
            for year, value in year_items.items()
            if year not in year_rows
            or (year_rows[year].confirmed, year_rows[year].note) != value
        }
        if not set_days and not removed_days and not year_changes:
            return latest.number

        new_entries = dict(before.entries)
        for day in removed_days:
            new_entries.pop(day, None)
        for day, (working, _source, note) in set_days.items():
            new_entries[day] = (working, note)
        confirmed = set(before.confirmed_years)
        for year, (is_confirmed, _note) in year_changes.items():
            (confirmed.add if is_confirmed else confirmed.discard)(year)
        for year in year_changes:
            if year in confirmed and not any(d.year == year for d in new_entries):
                raise ServiceError(
                    "calendar_year_empty",
                    _("%(year)d年还没有录入任何放假安排，不能确认") % {"year": year},
                    field="years",
                )
        after = Calendar(
            revision=before.revision,
            entries=new_entries,
            confirmed_years=frozenset(confirmed),
        )
        candidates = set(set_days) | removed_days
        for year in year_changes:
            if (year in before.confirmed_years) != (year in confirmed):
                candidates.update(_year_days(year))
        changed = {day for day in candidates if before.day(day) != after.day(day)}
        moved_past = {
            day
            for day in changed
            if day < today and before.day(day).working != after.day(day).working
        }
        if moved_past and any(guard(set(moved_past)) for guard in _day_guards):
            raise ServiceError(
                "calendar_day_in_use",
                _("%(days)s 已被已结束的期限计算使用，不能再修改")
                % {"days": "、".join(_fmt(d) for d in sorted(moved_past))},
                status=409,
            )

        now = timezone.now()
        user = actor if getattr(actor, "pk", None) is not None else None
        for day, (working, source, note) in set_days.items():
            row = rows.get(day) or CalendarDay(day=day)
            row.working, row.source, row.note = working, source, note
            row.updated_at, row.updated_by = now, user
            row.save()
        if removed_days:
            CalendarDay.objects.filter(day__in=removed_days).delete()
        for year, (is_confirmed, note) in year_changes.items():
            CalendarYear.objects.update_or_create(
                year=year, defaults={"confirmed": is_confirmed, "note": note}
            )
        revision = CalendarRevision.objects.create(
            at=now, actor=user, summary=summary[:200]
        )
        audit_record(
            actor=actor,
            action="calendar.edit",
            obj=revision,
            changes=_audit_changes(
                summary, set_days, removed_days, year_changes, changed
            ),
        )
        for handler in list(_change_handlers):
            handler(revision.number, set(changed))
    return revision.number


def _audit_changes(
    summary: str,
    set_days: Mapping[dt.date, tuple[bool, str, str]],
    removed_days: set[dt.date],
    year_changes: Mapping[int, tuple[bool, str]],
    changed: set[dt.date],
) -> dict[str, Any]:
    return {
        "summary": summary,
        "set": {
            _fmt(day): {"working": working, "source": source, "note": note}
            for day, (working, source, note) in sorted(set_days.items())
        },
        "removed": [_fmt(day) for day in sorted(removed_days)],
        "years": {
            str(year): {"confirmed": confirmed, "note": note}
            for year, (confirmed, note) in sorted(year_changes.items())
        },
        "days_changed": len(changed),
    }
