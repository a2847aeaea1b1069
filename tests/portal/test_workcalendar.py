"""The calendar table: seeding, current() never stale, the one edit service."""

from __future__ import annotations

import datetime as dt

import pytest

from portal import workcalendar
from portal.errors import ServiceError
from portal.models import (
    AuditEntry,
    CalendarDay,
    CalendarRevision,
    CalendarSource,
    CalendarYear,
)
from portal.workcalendar import calendar_days_set, current
from portal.workdays import add_working_days, due_date, is_working_day
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calendar_seeded")]

D = dt.date
LOCAL = CalendarSource.LOCAL
TODAY = D(2026, 12, 3)


@pytest.fixture(autouse=True)
def _fresh_hooks(monkeypatch):
    """Each test sees only the hooks it registers, and no snapshot of another."""
    monkeypatch.setattr(workcalendar, "_day_guards", [])
    monkeypatch.setattr(workcalendar, "_change_handlers", [])
    workcalendar.forget_cached()
    yield
    workcalendar.forget_cached()


@pytest.fixture
def editor():
    return UserFactory(username="calendar-editor")


def tibetan_new_year(editor, *days):
    return calendar_days_set(
        actor=editor,
        entries=[(day, False, LOCAL, "藏历新年") for day in days],
        summary="州政府公布藏历新年放假",
        today=TODAY,
    )


# --- the seed ---------------------------------------------------------------------------


def test_the_seed_holds_the_package_years():
    years = CalendarYear.objects.filter(confirmed=True)
    assert sorted(years.values_list("year", flat=True)) == list(range(2004, 2027))
    national_day = CalendarDay.objects.get(day=D(2026, 10, 1))
    assert (national_day.working, national_day.source, national_day.note) == (
        False,
        CalendarSource.STATE_COUNCIL,
        "国庆节",
    )
    make_up = CalendarDay.objects.get(day=D(2026, 9, 20))  # a Sunday worked
    assert make_up.working is True and make_up.note == "国庆节调休上班"
    # Only days that differ from the weekday rule: Sat 2026-10-03 has no row.
    assert not CalendarDay.objects.filter(day=D(2026, 10, 3)).exists()
    assert CalendarRevision.objects.exists()


def test_the_applications_calls_read_the_table():
    assert add_working_days(D(2026, 9, 30), 5) == (D(2026, 10, 13), False)
    assert add_working_days(D(2026, 2, 13), 3) == (D(2026, 2, 25), False)
    assert add_working_days(D(2026, 12, 30), 5) == (D(2027, 1, 7), True)
    assert is_working_day(D(2026, 9, 20)) == (True, False)
    assert is_working_day(D(2027, 1, 1)) == (False, True)
    assert current().revision == CalendarRevision.objects.order_by("-number")[0].pk


def test_current_costs_one_query_once_the_revision_is_held(
    django_assert_num_queries,
):
    current()
    with django_assert_num_queries(1):
        calendar = current()
    with django_assert_num_queries(1):
        add_working_days(D(2026, 3, 2), 20)
    assert current() is calendar


# --- an edit takes effect at once ----------------------------------------------------


def test_a_local_holiday_changes_the_result_at_once(editor):
    before = add_working_days(D(2027, 2, 4), 1)
    assert before == (D(2027, 2, 9), True)
    revision = tibetan_new_year(editor, D(2027, 2, 9), D(2027, 2, 10))
    assert add_working_days(D(2027, 2, 4), 1) == (D(2027, 2, 11), True)
    result = due_date(current(), D(2027, 2, 4), 1)
    assert result.revision == revision
    assert (D(2027, 2, 9), "藏历新年") in result.skipped
    assert f"依据工作日历第{revision}版。" in result.explain()


def test_an_edit_made_in_another_process_is_seen_by_the_next_call():
    assert add_working_days(D(2027, 3, 1), 1) == (D(2027, 3, 2), True)
    # Another process writes the rows and its revision; ours holds a snapshot.
    CalendarDay.objects.create(day=D(2027, 3, 2), working=False, note="藏历新年")
    assert add_working_days(D(2027, 3, 1), 1) == (D(2027, 3, 2), True)  # cached
    CalendarRevision.objects.create(summary="另一进程的调整")
    assert add_working_days(D(2027, 3, 1), 1) == (D(2027, 3, 3), True)


def test_a_flushed_table_serves_the_package_and_the_first_edit_seeds_it(editor):
    CalendarRevision.objects.all().delete()
    CalendarDay.objects.all().delete()
    CalendarYear.objects.all().delete()
    assert current().revision == 0
    assert add_working_days(D(2026, 9, 30), 5) == (D(2026, 10, 13), False)
    tibetan_new_year(editor, D(2027, 2, 9))
    assert CalendarYear.objects.filter(year=2026, confirmed=True).exists()
    assert add_working_days(D(2026, 9, 30), 5) == (D(2026, 10, 13), False)
    assert add_working_days(D(2027, 2, 4), 1) == (D(2027, 2, 10), True)


# --- confirming a year ---------------------------------------------------------------------


def test_confirming_a_year_ends_the_provisional_flag(editor):
    calendar_days_set(
        actor=editor,
        entries=[
            (D(2027, 1, 1), False, CalendarSource.STATE_COUNCIL, "元旦"),
            (D(2027, 2, 20), True, CalendarSource.STATE_COUNCIL, "春节调休上班"),
        ],
        years=[(2027, True, "国办发明电〔2026〕号")],
        summary="录入2027年放假通知",
        today=TODAY,
    )
    assert add_working_days(D(2026, 12, 30), 5) == (D(2027, 1, 7), False)
    assert is_working_day(D(2027, 2, 20)) == (True, False)  # a Saturday worked
    # Confirmed: only the entered days are holidays (no provisional rule).
    assert is_working_day(D(2027, 10, 1)) == (True, False)


def test_confirming_a_year_with_nothing_entered_is_refused(editor):
    with pytest.raises(ServiceError) as exc:
        calendar_days_set(
            actor=editor, years=[(2028, True, "")], summary="确认", today=TODAY
        )
    assert exc.value.code == "calendar_year_empty"
    assert not CalendarYear.objects.filter(year=2028).exists()


# --- bad input ------------------------------------------------------------------------------


def test_a_day_both_rest_and_working_in_one_edit_is_refused(editor):
    revision = current().revision
    with pytest.raises(ServiceError) as exc:
        calendar_days_set(
            actor=editor,
            entries=[
                (D(2027, 3, 2), False, LOCAL, "藏历新年"),
                (D(2027, 3, 3), False, LOCAL, "藏历新年"),
                (D(2027, 3, 2), True, LOCAL, "补班"),
            ],
            summary="矛盾的调整",
            today=TODAY,
        )
    assert exc.value.code == "calendar_day_conflict"
    assert "2027-03-02" in str(exc.value.detail)
    assert exc.value.field == "entries[2].day"
    assert not CalendarDay.objects.filter(day__in=[D(2027, 3, 2), D(2027, 3, 3)])
    assert current().revision == revision


def test_a_day_set_and_removed_in_one_edit_is_refused(editor):
    with pytest.raises(ServiceError) as exc:
        calendar_days_set(
            actor=editor,
            entries=[(D(2027, 3, 2), False, LOCAL, "藏历新年")],
            remove=[D(2027, 3, 2)],
            summary="矛盾的调整",
            today=TODAY,
        )
    assert exc.value.code == "calendar_day_conflict"


def test_the_same_value_twice_is_no_conflict(editor):
    entry = (D(2027, 3, 2), False, LOCAL, "藏历新年")
    calendar_days_set(actor=editor, entries=[entry, entry], summary="重复", today=TODAY)
    assert CalendarDay.objects.get(day=D(2027, 3, 2)).working is False


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"entries": [(D(2027, 3, 2), False, "moon", "")]}, "calendar_source_invalid"),
        (
            {"entries": [(D(2027, 3, 2), False, LOCAL, "长" * 101)]},
            "calendar_note_too_long",
        ),
        ({}, "calendar_edit_empty"),
        (
            {"entries": [(D(2027, 3, 2), False, LOCAL, "")], "summary": " "},
            "calendar_summary_missing",
        ),
    ],
)
def test_bad_entries_are_refused(editor, kwargs, code):
    kwargs.setdefault("summary", "调整")
    with pytest.raises(ServiceError) as exc:
        calendar_days_set(actor=editor, today=TODAY, **kwargs)
    assert exc.value.code == code
    assert not CalendarDay.objects.filter(day=D(2027, 3, 2)).exists()


def test_a_past_day_a_closed_deadline_used_is_refused(editor):
    asked = []

    def used(days):
        asked.append(days)
        return D(2026, 11, 20) in days

    workcalendar.register_day_guard(used)
    workcalendar.register_day_guard(lambda days: False)
    revision = current().revision
    with pytest.raises(ServiceError) as exc:
        calendar_days_set(
            actor=editor,
            entries=[
                (D(2026, 11, 20), False, LOCAL, "临时放假"),
                (D(2027, 3, 2), False, LOCAL, "藏历新年"),
            ],
            summary="补录",
            today=TODAY,
        )
    assert exc.value.code == "calendar_day_in_use"
    assert exc.value.status == 409
    assert "2026-11-20" in str(exc.value.detail)
    assert asked == [{D(2026, 11, 20)}]  # only the past day, not the future one
    assert not CalendarDay.objects.filter(day=D(2027, 3, 2)).exists()
    assert current().revision == revision


def test_past_days_no_guard_claims_may_change(editor):
    workcalendar.register_day_guard(lambda days: False)
    calendar_days_set(
        actor=editor,
        entries=[(D(2026, 11, 20), False, LOCAL, "临时放假")],
        summary="补录",
        today=TODAY,
    )
    assert is_working_day(D(2026, 11, 20)) == (False, False)


def test_future_days_never_ask_the_guards(editor):
    workcalendar.register_day_guard(lambda days: pytest.fail("asked"))
    tibetan_new_year(editor, D(2027, 2, 9))


def test_an_edit_that_changes_nothing_writes_nothing(editor):
    revision = tibetan_new_year(editor, D(2027, 2, 9))
    entries = AuditEntry.objects.count()
    assert tibetan_new_year(editor, D(2027, 2, 9)) == revision
    assert AuditEntry.objects.count() == entries


# --- audit and the change handlers --------------------------------------------------------


def test_an_edit_is_one_revision_and_one_audit_entry(editor):
    revision = tibetan_new_year(editor, D(2027, 2, 9), D(2027, 2, 10))
    row = CalendarRevision.objects.get(pk=revision)
    assert (row.actor, row.summary) == (editor, "州政府公布藏历新年放假")
    entry = AuditEntry.objects.get(action="calendar.edit", object_id=str(revision))
    assert entry.actor == editor
    assert entry.changes["set"]["2027-02-09"] == {
        "working": False,
        "source": "local",
        "note": "藏历新年",
    }
    assert entry.changes["days_changed"] == 2
    assert CalendarDay.objects.get(day=D(2027, 2, 9)).updated_by == editor


def test_change_handlers_run_in_the_edit_with_the_changed_days(editor):
    seen = []

    def handler(revision, days):
        # Inside the transaction the new calendar is already current.
        seen.append((revision, days, current().revision))

    workcalendar.register_change_handler(handler)
    workcalendar.register_change_handler(handler)  # once only
    revision = tibetan_new_year(editor, D(2027, 2, 9), D(2027, 2, 10))
    assert seen == [(revision, {D(2027, 2, 9), D(2027, 2, 10)}, revision)]


def test_a_failing_change_handler_rolls_the_edit_back(editor):
    def handler(revision, days):
        raise RuntimeError("clock engine failed")

    workcalendar.register_change_handler(handler)
    revision = current().revision
    with pytest.raises(RuntimeError):
        tibetan_new_year(editor, D(2027, 2, 9))
    assert not CalendarDay.objects.filter(day=D(2027, 2, 9)).exists()
    assert current().revision == revision
    assert add_working_days(D(2027, 2, 4), 1) == (D(2027, 2, 9), True)


def test_confirming_a_year_reports_every_day_whose_flag_changed(editor):
    seen = []
    workcalendar.register_change_handler(lambda revision, days: seen.append(days))
    calendar_days_set(
        actor=editor,
        entries=[(D(2027, 1, 1), False, CalendarSource.STATE_COUNCIL, "元旦")],
        years=[(2027, True, "")],
        summary="录入2027年放假通知",
        today=TODAY,
    )
    assert len(seen[0]) == 365


def test_removing_an_entry_returns_the_day_to_the_rule(editor):
    tibetan_new_year(editor, D(2027, 2, 9))
    calendar_days_set(actor=editor, remove=[D(2027, 2, 9)], summary="撤销", today=TODAY)
    assert is_working_day(D(2027, 2, 9)) == (True, True)
