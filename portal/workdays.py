"""Working-day arithmetic over a calendar snapshot (pure; no ORM).

A :class:`Calendar` is an immutable snapshot of the editable calendar table
(portal.models.calendar, read by :func:`portal.workcalendar.current`): the
days whose status differs from the weekday rule, each with a note, and the
years whose days are authoritative (confirmed). A day of any other year
follows the **provisional rule** of 全国年节及纪念日放假办法 (as amended,
in force 2025): weekends off plus the fixed statutory holidays, the lunar
ones computed with ``lunardate`` and Qingming from the solar terms of
``chinese_calendar``; make-up working weekends (调休) cannot be guessed.
Every such day is flagged provisional.

:func:`due_date` is the one due-date computation (docs/domain.md, Calendar):
the start day is not counted, day 1 is the next counted working day, and the
deadline ends at the end of its due day. Suspended days (a clock's suspended
segments) are not counted; an open suspension leaves the due date unknown.

:func:`add_working_days` and :func:`is_working_day` keep the signatures
applications has always used and read the current calendar through the
source registered by portal.apps (portal.workcalendar.current); without one
(scripts, data migrations) they use :func:`package_calendar`, the
State Council notices as the ``chinesecalendar`` package ships them.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import chinese_calendar
from chinese_calendar import constants as cc_constants
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from lunardate import LunarDate

ONE_DAY = dt.timedelta(days=1)
# A due date further than this from its start means the calendar has no
# working days left (every day marked rest): refuse instead of looping.
MAX_SCAN_DAYS = 366 * 10
MEMO_SIZE = 4096

# Chinese names of the holidays chinesecalendar names in English.
PACKAGE_HOLIDAY_NAMES = {
    "New Year's Day": gettext_noop("元旦"),
    "Spring Festival": gettext_noop("春节"),
    "Tomb-sweeping Day": gettext_noop("清明节"),
    "Labour Day": gettext_noop("劳动节"),
    "Dragon Boat Festival": gettext_noop("端午节"),
    "National Day": gettext_noop("国庆节"),
    "Mid-autumn Festival": gettext_noop("中秋节"),
    "Anti-Fascist 70th Day": gettext_noop("抗战胜利70周年纪念日"),
}
# The note of a make-up working day (调休上班) of each holiday.
PACKAGE_MAKE_UP_NAMES = {
    "New Year's Day": gettext_noop("元旦调休上班"),
    "Spring Festival": gettext_noop("春节调休上班"),
    "Tomb-sweeping Day": gettext_noop("清明节调休上班"),
    "Labour Day": gettext_noop("劳动节调休上班"),
    "Dragon Boat Festival": gettext_noop("端午节调休上班"),
    "National Day": gettext_noop("国庆节调休上班"),
    "Mid-autumn Festival": gettext_noop("中秋节调休上班"),
    "Anti-Fascist 70th Day": gettext_noop("抗战胜利70周年纪念日调休上班"),
}


@dataclass(frozen=True)
class DayInfo:
    working: bool
    provisional: bool
    note: str  # the holiday's name, "星期六"…, or "" for an ordinary working day


def _weekday_note(day: dt.date) -> str:
    return _("星期六") if day.weekday() == 5 else _("星期日")


# --- the provisional rule ---------------------------------------------------


def _lunar(year: int, month: int, day: int) -> dt.date | None:
    """The solar date of a lunar date, None outside lunardate's range."""
    try:
        return LunarDate(year, month, day).to_solar_date()
    except ValueError:
        return None


def _qingming(year: int) -> dt.date | None:
    try:
        terms = chinese_calendar.get_solar_terms(
            dt.date(year, 4, 1), dt.date(year, 4, 10)
        )
    except NotImplementedError:  # outside the package's 1900-2100
        return None
    return next((day for day, name in terms if name == "清明"), None)


@functools.lru_cache(maxsize=256)
def provisional_holidays(year: int) -> Mapping[dt.date, str]:
    """The fixed statutory holidays of ``year`` (date -> Chinese name, msgid).

    全国年节及纪念日放假办法 (amended 2024, in force 2025), Art. 2: New
    Year's Day; Spring Festival eve and lunar 1-1..1-3; Qingming; 1-2 May;
    Dragon Boat (lunar 5-5); Mid-Autumn (lunar 8-15); 1-3 October. A lunar
    holiday outside lunardate's range (solar years 1900-2099), or Qingming
    outside the solar-term tables (1900-2100), is left out: that year counts
    the fixed solar dates and weekends only (still provisional).
    """
    days: dict[dt.date, str] = {}
    if not 1 <= year <= 9999:
        return days
    days[dt.date(year, 1, 1)] = gettext_noop("元旦")
    new_year = _lunar(year, 1, 1)
    if new_year is not None:
        days[new_year - ONE_DAY] = gettext_noop("春节（除夕）")
        for offset in range(3):
            days[new_year + offset * ONE_DAY] = gettext_noop("春节")
    qingming = _qingming(year)
    if qingming is not None:
        days[qingming] = gettext_noop("清明节")
    days[dt.date(year, 5, 1)] = gettext_noop("劳动节")
    days[dt.date(year, 5, 2)] = gettext_noop("劳动节")
    for month, day, name in (
        (5, 5, gettext_noop("端午节")),
        (8, 15, gettext_noop("中秋节")),
    ):
        solar = _lunar(year, month, day)
        if solar is not None:
            days[solar] = name
    for day in (1, 2, 3):
        days[dt.date(year, 10, day)] = gettext_noop("国庆节")
    return days


# --- the snapshot -----------------------------------------------------------


@dataclass(frozen=True)
class Calendar:
    """An immutable snapshot of the calendar at one revision."""

    revision: int
    entries: Mapping[dt.date, tuple[bool, str]]  # day -> (working, note)
    confirmed_years: frozenset[int]
    # Results of add_working_days on this snapshot (a snapshot never changes).
    _memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def day(self, d: dt.date) -> DayInfo:
        entry = self.entries.get(d)
        if d.year in self.confirmed_years:
            if entry is not None:
                return DayInfo(entry[0], False, _(entry[1]) if entry[1] else "")
            if d.weekday() >= 5:
                return DayInfo(False, False, _weekday_note(d))
            return DayInfo(True, False, "")
        if entry is not None:
            return DayInfo(entry[0], True, _(entry[1]) if entry[1] else "")
        holiday = provisional_holidays(d.year).get(d)
        if holiday is not None:
            return DayInfo(False, True, _(holiday))
        if d.weekday() >= 5:
            return DayInfo(False, True, _weekday_note(d))
        return DayInfo(True, True, "")


def package_seed() -> tuple[list[tuple[dt.date, bool, str]], list[int]]:
    """The rows chinesecalendar's notices give: ((day, working, note) …), years.

    Only days whose status differs from the weekday rule: holidays on a
    weekday (rest, named) and make-up working days on a weekend. The years
    are those the package covers (all of them confirmed).
    """
    rows: list[tuple[dt.date, bool, str]] = []
    for day, name in sorted(cc_constants.holidays.items()):
        if day.weekday() < 5:
            rows.append((day, False, PACKAGE_HOLIDAY_NAMES.get(str(name), str(name))))
    for day, name in sorted(cc_constants.workdays.items()):
        if day.weekday() >= 5:
            rows.append((day, True, PACKAGE_MAKE_UP_NAMES.get(str(name), str(name))))
    rows.sort()
    years = sorted({day.year for day in cc_constants.holidays})
    return rows, years


@functools.lru_cache(maxsize=1)
def package_calendar() -> Calendar:
    """The calendar as shipped by chinesecalendar (revision 0): no edits."""
    rows, years = package_seed()
    return Calendar(
        revision=0,
        entries={day: (working, note) for day, working, note in rows},
        confirmed_years=frozenset(years),
    )


# --- due dates ---------------------------------------------------------------


@dataclass(frozen=True)
class Suspension:
    """Days not counted (a suspended clock segment), inclusive of both ends."""

    first: dt.date
    last: dt.date | None  # None: still suspended (open)
    reason: str

    def covers(self, day: dt.date) -> bool:
        return self.first <= day and (self.last is None or day <= self.last)


def _fmt(day: dt.date) -> str:
    return _("%(year)d年%(month)d月%(day)d日") % {
        "year": day.year,
        "month": day.month,
        "day": day.day,
    }


def _runs(items: Iterable[tuple[dt.date, str]]) -> list[tuple[dt.date, dt.date, str]]:
    """Consecutive days with the same note as (first, last, note) runs."""
    runs: list[tuple[dt.date, dt.date, str]] = []
    for day, note in items:
        if runs and runs[-1][2] == note and runs[-1][1] + ONE_DAY == day:
            runs[-1] = (runs[-1][0], day, note)
        else:
            runs.append((day, day, note))
    return runs


def _span(first: dt.date, last: dt.date) -> str:
    if first == last:
        return _fmt(first)
    return _("%(first)s至%(last)s") % {"first": _fmt(first), "last": _fmt(last)}


@dataclass(frozen=True)
class DueDate:
    due: dt.date | None  # None while an open suspension blocks counting
    provisional: bool
    revision: int
    counted: tuple[dt.date, ...]  # the working days counted, in order
    skipped: tuple[tuple[dt.date, str], ...]  # rest days passed over, with note
    suspended: tuple[tuple[dt.date, str], ...]  # days inside suspensions, with reason
    start: dt.date | None = None
    days: int = 0
    extra_days: int = 0
    # Counted days with a note (make-up working weekends, 调休上班).
    noted: tuple[tuple[dt.date, str], ...] = ()

    def explain(self) -> list[str]:
        """The computation in plain sentences (the active language; msgids Chinese)."""
        lines: list[str] = []
        total = self.days + self.extra_days
        if self.start is not None:
            lines.append(
                _("自%(start)s起算（当日不计入），计%(days)d个工作日。")
                % {"start": _fmt(self.start), "days": self.days}
            )
        if self.extra_days:
            lines.append(
                _("延长%(extra)d个工作日，共计%(total)d个工作日。")
                % {"extra": self.extra_days, "total": total}
            )
        if self.counted:
            lines.append(
                _("计入的工作日（%(n)d天）：%(days)s。")
                % {
                    "n": len(self.counted),
                    "days": "、".join(
                        _span(first, last)
                        for first, last, _note in _runs((d, "") for d in self.counted)
                    ),
                }
            )
        if self.noted:
            lines.append(
                _("调休上班：%(days)s。")
                % {
                    "days": "；".join(
                        f"{_span(first, last)} {note}"
                        for first, last, note in _runs(self.noted)
                    )
                }
            )
        if self.skipped:
            lines.append(
                _("跳过的节假日和休息日（%(n)d天）：%(days)s。")
                % {
                    "n": len(self.skipped),
                    "days": "；".join(
                        f"{_span(first, last)} {note}"
                        for first, last, note in _runs(self.skipped)
                    ),
                }
            )
        if self.suspended:
            lines.append(
                _("不计入的中止期间（%(n)d天）：%(days)s。")
                % {
                    "n": len(self.suspended),
                    "days": "；".join(
                        f"{_span(first, last)} {reason}"
                        for first, last, reason in _runs(self.suspended)
                    ),
                }
            )
        if self.due is None:
            lines.append(_("计时已中止，恢复后重新计算截止日期。"))
        else:
            lines.append(
                _("截止日期：%(due)s（当日结束前）。") % {"due": _fmt(self.due)}
            )
        lines.append(_("依据工作日历第%(revision)d版。") % {"revision": self.revision})
        if self.provisional:
            lines.append(
                _(
                    "其中有尚未公布放假安排的年份，按法定节假日推算（不含调休），"
                    "日期为暂定，以国务院公布的安排为准。"
                )
            )
        return lines


def due_date(
    calendar: Calendar,
    start: dt.date,
    days: int,
    suspensions: Sequence[Suspension] = (),
    extra_days: int = 0,
) -> DueDate:
    """The due day ``days`` (+ ``extra_days``) counted working days after ``start``.

    ``provisional`` is True exactly when a day whose status came from the
    provisional rule (counted or skipped) was used. Raises ValueError for a
    negative count, a calendar with no working day within ten years, or a
    count running past the last representable date.
    """
    total = days + extra_days
    if days < 0 or extra_days < 0:
        raise ValueError("days must be >= 0")
    counted: list[dt.date] = []
    noted: list[tuple[dt.date, str]] = []
    skipped: list[tuple[dt.date, str]] = []
    suspended: list[tuple[dt.date, str]] = []
    provisional = False
    current = start
    due: dt.date | None = start
    scanned = 0
    while len(counted) < total:
        scanned += 1
        if scanned > MAX_SCAN_DAYS + total:
            raise ValueError("no working day found: check the calendar")
        try:
            current += ONE_DAY
        except OverflowError:
            raise ValueError("the due date is beyond the last date") from None
        suspension = next((s for s in suspensions if s.covers(current)), None)
        if suspension is not None:
            suspended.append((current, suspension.reason))
            if suspension.last is None:
                due = None
                break
            continue
        info = calendar.day(current)
        provisional = provisional or info.provisional
        if info.working:
            counted.append(current)
            if info.note:
                noted.append((current, info.note))
        else:
            skipped.append((current, info.note))
    if due is not None:
        due = current
    return DueDate(
        due=due,
        provisional=provisional,
        revision=calendar.revision,
        counted=tuple(counted),
        skipped=tuple(skipped),
        suspended=tuple(suspended),
        start=start,
        days=days,
        extra_days=extra_days,
        noted=tuple(noted),
    )


# --- the calls applications makes --------------------------------------------

CalendarSource = Callable[[], Calendar]
_source: list[CalendarSource] = [package_calendar]


def set_calendar_source(source: CalendarSource) -> None:
    """Where add_working_days / is_working_day read the current calendar.

    portal.apps registers portal.workcalendar.current at start-up.
    """
    _source[0] = source


def current_calendar() -> Calendar:
    return _source[0]()


def is_working_day(day: dt.date, calendar: Calendar | None = None) -> tuple[bool, bool]:
    """(working?, provisional?) for one date, on the current calendar."""
    info = (calendar or current_calendar()).day(day)
    return info.working, info.provisional


def add_working_days(
    start: dt.date, days: int, calendar: Calendar | None = None
) -> tuple[dt.date, bool]:
    """(due date, provisional?) ``days`` working days after ``start``.

    The start day is not counted. Memoised per calendar snapshot, so an edit
    (a new snapshot) is never answered from an old result.
    """
    if days < 0:
        raise ValueError("days must be >= 0")
    calendar = calendar or current_calendar()
    key = (start, days)
    hit = calendar._memo.get(key)
    if hit is not None:
        return hit
    result = due_date(calendar, start, days)
    answer = (result.due, result.provisional)
    if len(calendar._memo) >= MEMO_SIZE:
        calendar._memo.clear()
    calendar._memo[key] = answer
    return answer
