"""Timers acting as the system: deemed acceptance and the lapsed supplement.

Time is moved with time-machine; the dates acted on are the stored ones.
2026-09-30 (Wednesday) + 5 working days = 2026-10-13 (National Day holiday).
"""

import datetime as dt
import logging

import pytest
import time_machine

from applications import constants as c
from applications import hooks
from applications.models import Application, StatusChange, SupplementNotice
from applications.services.materials import application_provide_material
from applications.services.submission import application_submit
from applications.services.timers import (
    application_close_lapsed_supplement,
    application_deem_accepted,
    applications_deem_overdue,
    supplements_close_lapsed,
)
from applications.tasks import close_lapsed_supplements, deem_overdue_acceptances
from portal.errors import ServiceError
from portal.models import AuditEntry
from portal.system import SYSTEM_USERNAME, system_user
from tests.applications.factories import upload

from .helpers import forced, sms_bodies

pytestmark = pytest.mark.django_db

S = c.ApplicationStatus
SUBMIT_AT = dt.datetime(2026, 9, 30, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing
DUE = dt.date(2026, 10, 13)


def at(day: dt.date, hour: int = 9):
    """time-machine at ``hour`` o'clock Beijing time on ``day``."""
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour - 8, tzinfo=dt.UTC), tick=False
    )


@pytest.fixture
def submitted(make):
    with time_machine.travel(SUBMIT_AT, tick=False):
        application = make(submitted=True)
    assert application.acceptance_due == DUE
    return application


@pytest.fixture
def accepted_events(monkeypatch):
    events: list[hooks.Accepted] = []
    monkeypatch.setattr(hooks.on_accepted, "_handlers", [events.append])
    return events


# --- deemed acceptance ---------------------------------------------------------------


def test_nothing_is_deemed_on_the_last_day_of_the_window(submitted):
    with at(DUE, hour=23):
        assert applications_deem_overdue() == 0
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_the_day_after_the_window_the_system_accepts_as_of_submission(
    submitted, accepted_events
):
    with at(DUE + dt.timedelta(days=1)):
        assert deem_overdue_acceptances.apply().result == 1

    app = Application.objects.get(pk=submitted.pk)
    system = system_user()
    assert app.status == S.ACCEPTED
    assert app.acceptance_deemed is True
    assert app.accepted_by == system
    # Art. 32: accepted as of the day the materials arrived.
    assert app.accepted_at == SUBMIT_AT
    assert app.promised_date is not None
    change = StatusChange.objects.get(application=app, to_status=S.ACCEPTED)
    assert change.actor == system
    assert "逾期不告知的，自收到申请材料之日起即为受理" in change.reason
    entry = AuditEntry.objects.filter(action="applications.accepted").latest("id")
    assert entry.actor_id == system.pk
    assert entry.actor_label == SYSTEM_USERNAME
    assert entry.changes["deemed"] is True
    assert entry.changes["accepted_on"] == "2026-09-30"
    # Routing hears of it as of any acceptance, told it was deemed.
    assert [(e.application.pk, e.deemed, e.accepted_on) for e in accepted_events] == [
        (app.pk, True, dt.date(2026, 9, 30))
    ]
    assert any("依法视为已于2026年9月30日受理" in body for body in sms_bodies(app))


def test_promised_date_counts_from_the_day_the_materials_arrived(submitted, make):
    with at(DUE + dt.timedelta(days=1)):
        application_deem_accepted(application=submitted)
    deemed = Application.objects.get(pk=submitted.pk)
    with time_machine.travel(SUBMIT_AT, tick=False):
        by_clerk = make(accepted=True)
    assert deemed.promised_date == by_clerk.promised_date


def test_the_sweep_run_twice_acts_once(submitted):
    with at(DUE + dt.timedelta(days=2)):
        assert applications_deem_overdue() == 1
        assert applications_deem_overdue() == 0
    assert (
        StatusChange.objects.filter(application=submitted, to_status=S.ACCEPTED).count()
        == 1
    )


def test_stored_due_date_is_what_counts_not_a_recomputed_one(submitted):
    # The window was stored at submission; a later calendar or rule change
    # does not move it. Here the stored date is moved to show the timer
    # reads it (and nothing else).
    Application.objects.filter(pk=submitted.pk).update(
        acceptance_due=dt.date(2026, 10, 20)
    )
    with at(dt.date(2026, 10, 15)):
        assert applications_deem_overdue() == 0
    with at(dt.date(2026, 10, 21)):
        assert applications_deem_overdue() == 1


@pytest.mark.parametrize(
    "status",
    [S.DRAFT, S.SUPPLEMENT_REQUESTED, S.ACCEPTED, S.IN_REVIEW, S.REFUSED, S.WITHDRAWN],
)
def test_deeming_any_other_state_is_a_forbidden_transition(submitted, status):
    app = forced(submitted, status)
    with at(DUE + dt.timedelta(days=1)), pytest.raises(ServiceError) as exc:
        application_deem_accepted(application=app)
    assert exc.value.code == "transition_forbidden"
    assert exc.value.status == 409
    app.refresh_from_db()
    assert app.status == status
    assert not StatusChange.objects.filter(
        application=app, to_status=S.ACCEPTED
    ).exists()


def test_deeming_within_the_window_is_refused(submitted):
    with at(DUE), pytest.raises(ServiceError) as exc:
        application_deem_accepted(application=submitted)
    assert exc.value.code == "acceptance_window_open"
    assert "2026年10月13日" in exc.value.detail
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_a_failing_row_is_logged_and_does_not_stop_the_others(
    make, monkeypatch, caplog
):
    with time_machine.travel(SUBMIT_AT, tick=False):
        first = make(submitted=True)
        second = make(submitted=True)

    def routing_fails_for_first(event):
        if event.application.pk == first.pk:
            raise RuntimeError("routing down")

    monkeypatch.setattr(hooks.on_accepted, "_handlers", [routing_fails_for_first])
    with at(DUE + dt.timedelta(days=1)), caplog.at_level(logging.ERROR):
        assert applications_deem_overdue() == 1
    first.refresh_from_db()
    second.refresh_from_db()
    # The failed one rolled back whole and is tried again next run.
    assert (first.status, first.acceptance_deemed) == (S.SUBMITTED, False)
    assert second.status == S.ACCEPTED
    assert f"application_id={first.pk}" in caplog.text

    monkeypatch.setattr(hooks.on_accepted, "_handlers", [])
    with at(DUE + dt.timedelta(days=2)):
        assert applications_deem_overdue() == 1
    first.refresh_from_db()
    assert first.status == S.ACCEPTED


# --- lapsed supplement ---------------------------------------------------------------


@pytest.fixture
def noticed(make):
    """A one-time notice issued 2026-09-30 with the default due date."""
    with time_machine.travel(SUBMIT_AT, tick=False):
        application = make(supplement=True)
    notice = application.supplement_notices.get()
    return application, notice


def test_the_notice_stores_the_default_due_date(noticed, settings):
    _, notice = noticed
    # SUPPLEMENT_DUE_WORKING_DAYS = 10 by default.
    assert notice.due_date == dt.date(2026, 10, 20)
    assert notice.due_provisional is False


def test_nothing_closes_on_the_due_date_itself(noticed):
    application, notice = noticed
    with at(notice.due_date, hour=23):
        assert supplements_close_lapsed() == 0
    application.refresh_from_db()
    assert application.status == S.SUPPLEMENT_REQUESTED


def test_after_the_due_date_the_system_closes_with_the_wording(
    noticed, django_capture_on_commit_callbacks
):
    application, notice = noticed
    closed: list[hooks.Closed] = []
    hooks.on_closed.register(closed.append)
    try:
        with (
            at(notice.due_date + dt.timedelta(days=1)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert close_lapsed_supplements.apply().result == 1
    finally:
        hooks.on_closed.unregister(closed.append)

    app = Application.objects.get(pk=application.pk)
    system = system_user()
    assert app.status == S.CLOSED
    assert app.closure_reason == c.ClosureReason.SUPPLEMENT_LAPSED
    assert app.closed_at is not None
    notice.refresh_from_db()
    assert notice.lapsed_at is not None and notice.resolved_at is None
    change = StatusChange.objects.get(application=app, to_status=S.CLOSED)
    assert change.actor == system
    assert "补正期限（2026年10月20日）内补正材料，本次申请办理程序终止" in change.reason
    entry = AuditEntry.objects.filter(action="applications.closed").latest("id")
    assert entry.actor_label == SYSTEM_USERNAME
    assert entry.changes["closure_reason"] == "supplement_lapsed"
    assert entry.changes["due_date"] == "2026-10-20"
    assert any("办理程序已终止" in body for body in sms_bodies(app))
    assert [(e.application_id, e.by_system, e.reason) for e in closed] == [
        (app.pk, True, "supplement_lapsed")
    ]


def test_lapse_acts_on_the_stored_date_when_the_setting_changes_later(
    noticed, settings
):
    application, notice = noticed
    settings.SUPPLEMENT_DUE_WORKING_DAYS = 2  # would put the date on 2026-10-10
    with at(dt.date(2026, 10, 16)):
        assert supplements_close_lapsed() == 0
    with at(dt.date(2026, 10, 21)):
        assert supplements_close_lapsed() == 1


def test_a_supplement_that_came_is_not_closed(noticed, applicant):
    application, notice = noticed
    with at(dt.date(2026, 10, 15)):
        application_provide_material(
            application=application,
            user=applicant,
            material=notice.items[0]["material_id"],
            provision=c.Provision.UPLOAD,
            file=upload("补正.pdf"),
        )
        application_submit(application=application, user=applicant)
    with at(dt.date(2026, 10, 22)):
        assert supplements_close_lapsed() == 0
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert SupplementNotice.objects.get(pk=notice.pk).resolved_at is not None


def test_the_lapse_sweep_run_twice_acts_once(noticed):
    application, notice = noticed
    with at(notice.due_date + dt.timedelta(days=3)):
        assert supplements_close_lapsed() == 1
        assert supplements_close_lapsed() == 0
    assert (
        StatusChange.objects.filter(application=application, to_status=S.CLOSED).count()
        == 1
    )


@pytest.mark.parametrize(
    "status",
    # accepted -> closed is in the table, but not this use case's edge.
    [S.SUBMITTED, S.ACCEPTED, S.IN_REVIEW, S.WITHDRAWN, S.REFUSED, S.CLOSED],
)
def test_closing_any_other_state_for_lapse_is_a_forbidden_transition(noticed, status):
    application, notice = noticed
    app = forced(application, status)
    with at(notice.due_date + dt.timedelta(days=1)), pytest.raises(ServiceError) as exc:
        application_close_lapsed_supplement(application=app)
    assert exc.value.code == "transition_forbidden"
    assert exc.value.status == 409
    app.refresh_from_db()
    assert app.status == status
    assert app.closure_reason == ""


def test_closing_before_the_due_date_passed_is_refused(noticed):
    application, notice = noticed
    with at(notice.due_date), pytest.raises(ServiceError) as exc:
        application_close_lapsed_supplement(application=application)
    assert exc.value.code == "supplement_window_open"
    assert "2026年10月20日" in exc.value.detail


def test_a_withdrawn_application_with_an_open_notice_is_not_swept(noticed):
    application, notice = noticed
    forced(application, S.WITHDRAWN)
    with at(notice.due_date + dt.timedelta(days=1)):
        assert supplements_close_lapsed() == 0
