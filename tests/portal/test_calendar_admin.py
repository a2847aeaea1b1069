"""The calendar in the admin: every edit through calendar_days_set, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse

from portal import workcalendar
from portal.models import (
    AuditEntry,
    CalendarDay,
    CalendarRevision,
    CalendarSource,
    CalendarYear,
)
from portal.roles import Role
from portal.workdays import add_working_days, is_working_day
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calendar_seeded")]

D = dt.date
DAYS = reverse("admin:portal_calendarday_changelist")
ADD_DAY = reverse("admin:portal_calendarday_add")
YEARS = reverse("admin:portal_calendaryear_changelist")
REVISIONS = reverse("admin:portal_calendarrevision_changelist")


def staff(username: str, roles=(), superuser=False):
    user = UserFactory(username=username, roles=list(roles))
    user.is_staff = True
    user.is_superuser = superuser
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


@pytest.fixture(autouse=True)
def _fresh_hooks(monkeypatch):
    monkeypatch.setattr(workcalendar, "_day_guards", [])
    monkeypatch.setattr(workcalendar, "_change_handlers", [])
    workcalendar.forget_cached()


@pytest.fixture
def editor(client):
    user = staff("calendar-editor", [Role.CATALOG_EDITOR])
    client.force_login(user)
    return user


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def add_day(client, day: dt.date, working=False, note="藏历新年"):
    data = {"day": day.isoformat(), "source": CalendarSource.LOCAL, "note": note}
    if working:
        data["working"] = "on"
    return client.post(ADD_DAY, data)


def test_an_editor_adds_a_local_holiday_audited(client, editor):
    assert add_working_days(D(2027, 2, 4), 1) == (D(2027, 2, 9), True)
    response = add_day(client, D(2027, 2, 9))
    assert response.status_code == 302, response.content
    row = CalendarDay.objects.get(day=D(2027, 2, 9))
    assert (row.working, row.source, row.note, row.updated_by) == (
        False,
        "local",
        "藏历新年",
        editor,
    )
    revision = CalendarRevision.objects.order_by("-number")[0]
    assert revision.actor == editor and "2027-02-09" in revision.summary
    entry = AuditEntry.objects.get(action="calendar.edit", object_id=str(revision.pk))
    assert entry.actor == editor
    assert entry.changes["set"]["2027-02-09"]["note"] == "藏历新年"
    assert add_working_days(D(2027, 2, 4), 1) == (D(2027, 2, 10), True)


def test_an_editor_changes_a_day_and_moves_it(client, editor):
    add_day(client, D(2027, 2, 9))
    row = CalendarDay.objects.get(day=D(2027, 2, 9))
    url = reverse("admin:portal_calendarday_change", args=[row.pk])
    response = client.post(
        url,
        {"day": "2027-02-10", "source": "local", "note": "藏历新年（调整）"},
    )
    assert response.status_code == 302, response.content
    assert not CalendarDay.objects.filter(day=D(2027, 2, 9)).exists()
    assert CalendarDay.objects.get(day=D(2027, 2, 10)).note == "藏历新年（调整）"
    assert is_working_day(D(2027, 2, 9)) == (True, True)
    entry = AuditEntry.objects.filter(action="calendar.edit").order_by("-id")[0]
    assert entry.changes["removed"] == ["2027-02-09"]


def test_a_refused_edit_shows_the_reason_and_writes_nothing(client, editor):
    workcalendar.register_day_guard(lambda days: True)
    revisions = CalendarRevision.objects.count()
    response = add_day(client, D(2026, 11, 20))  # before today, "in use"
    assert response.status_code == 302
    assert any("已被已结束的期限计算使用" in m for m in messages_of(response))
    assert not CalendarDay.objects.filter(day=D(2026, 11, 20)).exists()
    assert CalendarRevision.objects.count() == revisions


def test_deleting_a_day_goes_back_to_the_weekday_rule(client, editor):
    add_day(client, D(2027, 2, 9))
    row = CalendarDay.objects.get(day=D(2027, 2, 9))
    url = reverse("admin:portal_calendarday_delete", args=[row.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=row.pk).exists()
    entry = AuditEntry.objects.filter(action="calendar.edit").order_by("-id")[0]
    assert entry.changes["removed"] == ["2027-02-09"]


def test_the_remove_action_is_one_revision(client, editor):
    add_day(client, D(2027, 2, 9))
    add_day(client, D(2027, 2, 10))
    rows = CalendarDay.objects.filter(day__in=[D(2027, 2, 9), D(2027, 2, 10)])
    before = CalendarRevision.objects.count()
    response = client.post(
        DAYS,
        {"action": "remove_days", ACTION_CHECKBOX_NAME: [r.pk for r in rows]},
        follow=True,
    )
    assert response.status_code == 200, messages_of(response)
    assert not CalendarDay.objects.filter(pk__in=[r.pk for r in rows]).exists()
    assert CalendarRevision.objects.count() == before + 1
    # The plain bulk delete (no revision, no audit) is not offered.
    page = client.get(DAYS).content.decode()
    assert "delete_selected" not in page


def test_confirm_year_action(client, editor):
    add_day(client, D(2027, 1, 1), note="元旦")
    year = CalendarYear.objects.create(year=2027, confirmed=False)
    response = client.post(
        YEARS,
        {"action": "confirm_years", ACTION_CHECKBOX_NAME: [year.pk]},
        follow=True,
    )
    assert response.status_code == 200
    year.refresh_from_db()
    assert year.confirmed is True
    assert add_working_days(D(2026, 12, 30), 5) == (D(2027, 1, 7), False)
    entry = AuditEntry.objects.filter(action="calendar.edit").order_by("-id")[0]
    assert entry.changes["years"] == {"2027": {"confirmed": True, "note": ""}}


def test_confirming_an_empty_year_is_refused_with_a_message(client, editor):
    year = CalendarYear.objects.create(year=2029, confirmed=False)
    response = client.post(
        YEARS,
        {"action": "confirm_years", ACTION_CHECKBOX_NAME: [year.pk]},
        follow=True,
    )
    assert any("不能确认" in m for m in messages_of(response))
    year.refresh_from_db()
    assert year.confirmed is False


def test_revisions_are_read_only(client, editor):
    revision = CalendarRevision.objects.order_by("-number")[0]
    assert client.get(REVISIONS).status_code == 200
    url = reverse("admin:portal_calendarrevision_change", args=[revision.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert client.post(url, {"summary": "改写"}).status_code == 403
    delete = reverse("admin:portal_calendarrevision_delete", args=[revision.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:portal_calendarrevision_add")).status_code == 403
    revision.refresh_from_db()
    assert revision.summary != "改写"


def test_a_supervisor_may_look_but_not_edit(client):
    client.force_login(staff("supervisor", [Role.SUPERVISOR]))
    assert client.get(DAYS).status_code == 200
    assert client.get(ADD_DAY).status_code == 403
    assert add_day(client, D(2027, 2, 9)).status_code == 403
    assert not CalendarDay.objects.filter(day=D(2027, 2, 9)).exists()


@pytest.mark.parametrize("role", [Role.CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD])
def test_other_staff_may_not_see_or_edit_the_calendar(client, role):
    client.force_login(staff(f"staff-{role}", [role]))
    assert client.get(DAYS).status_code == 403
    assert client.get(YEARS).status_code == 403
    assert client.get(REVISIONS).status_code == 403
    assert add_day(client, D(2027, 2, 9)).status_code == 403
    assert not CalendarDay.objects.filter(day=D(2027, 2, 9)).exists()


def test_a_superuser_may_edit(client):
    client.force_login(staff("root", superuser=True))
    assert add_day(client, D(2027, 2, 9)).status_code == 302
    assert CalendarDay.objects.filter(day=D(2027, 2, 9)).exists()


def test_the_day_list_keeps_a_flat_query_count(
    client, editor, django_assert_max_num_queries
):
    client.get(DAYS)
    with django_assert_max_num_queries(12):
        response = client.get(DAYS)
    assert response.status_code == 200
