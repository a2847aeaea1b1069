"""Decision, delivery and archive: edges, wrong states, bad input, who may act."""

import datetime as dt
import logging

import pytest
import time_machine
from django.utils import timezone

from applications import constants as c
from applications import hooks
from applications.models import Application, StatusChange
from applications.services.decision import (
    application_close,
    application_decide,
    application_deliver,
)
from portal.errors import ServiceError
from portal.models import AuditEntry
from tests.applications.factories import clerk_at

from .helpers import forced, in_review, sms_bodies

pytestmark = pytest.mark.django_db

S = c.ApplicationStatus
D = c.DecisionOutcome
BASIS = "《食品经营许可管理办法》第十条，经审查符合条件"


@pytest.fixture
def reviewing(make, reviewer):
    return in_review(make(accepted=True), reviewer)


def decide(application, actor, outcome=D.APPROVED, **kwargs):
    kwargs.setdefault("basis", BASIS)
    return application_decide(
        application=application, actor=actor, outcome=outcome, **kwargs
    )


# --- decide ------------------------------------------------------------------------


def test_approval_records_outcome_basis_time_and_the_delivery_due_date(make, reviewer):
    with time_machine.travel(dt.datetime(2026, 9, 30, 2, tzinfo=dt.UTC), tick=False):
        app = decide(in_review(make(accepted=True), reviewer), reviewer)
        now = timezone.now()

    app = Application.objects.get(pk=app.pk)
    assert app.status == S.APPROVED
    assert (app.decision, app.decision_basis) == (D.APPROVED, BASIS)
    assert app.decided_at == now
    assert app.decided_by == reviewer
    # Art. 44: 10 working days after the decision (National Day in between).
    assert app.delivery_due == dt.date(2026, 10, 20)
    change = StatusChange.objects.get(application=app, to_status=S.APPROVED)
    assert (change.actor, change.reason) == (reviewer, BASIS)
    entry = AuditEntry.objects.filter(action="applications.approved").latest("id")
    assert entry.changes["delivery_due"] == "2026-10-20"
    assert any("准予许可" in body for body in sms_bodies(app))


def test_rejection_with_its_reasons_and_a_chosen_decision_time(make, reviewer):
    start = dt.datetime(2026, 11, 2, 1, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        reviewing = in_review(make(accepted=True), reviewer)
    # Recorded the next day: the decision was signed an hour after acceptance.
    when = start + dt.timedelta(hours=1)
    with time_machine.travel(start + dt.timedelta(days=1), tick=False):
        app = decide(
            reviewing, reviewer, D.REJECTED, basis="不符合第十条", decided_at=when
        )
    app.refresh_from_db()
    assert (app.status, app.decision, app.decided_at) == (S.REJECTED, D.REJECTED, when)
    assert app.delivery_due is None
    assert any("不予许可" in body for body in sms_bodies(app))


@pytest.mark.parametrize(
    "status",
    [S.SUBMITTED, S.SUPPLEMENT_REQUESTED, S.ACCEPTED, S.APPROVED, S.REJECTED, S.CLOSED],
)
@pytest.mark.parametrize("outcome", [D.APPROVED, D.REJECTED])
def test_deciding_outside_review_is_a_forbidden_transition(
    reviewing, reviewer, status, outcome
):
    app = forced(reviewing, status)
    with pytest.raises(ServiceError) as exc:
        decide(app, reviewer, outcome)
    assert exc.value.code == "transition_forbidden"
    assert exc.value.status == 409
    app.refresh_from_db()
    assert (app.status, app.decision) == (status, "")


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"outcome": "maybe"}, "outcome_invalid", "outcome"),
        ({"basis": "  "}, "decision_basis_required", "basis"),
        ({"basis": "依" * 2001}, "decision_basis_too_long", "basis"),
        (
            {"decided_at": timezone.now() + dt.timedelta(days=1)},
            "decided_at_future",
            "decided_at",
        ),
        (
            {"decided_at": timezone.now() - dt.timedelta(days=400)},
            "decided_at_too_early",
            "decided_at",
        ),
    ],
)
def test_decision_bad_input_is_refused_beside_its_field(
    reviewing, reviewer, kwargs, code, field
):
    kwargs = {"outcome": D.APPROVED, **kwargs}
    with pytest.raises(ServiceError) as exc:
        decide(reviewing, reviewer, **kwargs)
    assert exc.value.code == code
    assert exc.value.field == field
    reviewing.refresh_from_db()
    assert reviewing.status == S.IN_REVIEW


def test_all_decision_mistakes_at_once(reviewing, reviewer):
    with pytest.raises(ServiceError) as exc:
        decide(reviewing, reviewer, "maybe", basis="")
    assert exc.value.code == "decision_invalid"
    assert {e.code for e in exc.value.errors} == {
        "outcome_invalid",
        "decision_basis_required",
    }


def test_another_department_gets_404_and_the_applicant_403(
    reviewing, other_reviewer, applicant, clerk
):
    with pytest.raises(ServiceError) as exc:
        decide(reviewing, other_reviewer)
    assert (exc.value.code, exc.value.status) == ("application_not_found", 404)
    # The applicant and the hall's clerk see it but do not decide it.
    for user in (applicant, clerk):
        with pytest.raises(ServiceError) as exc:
            decide(reviewing, user)
        assert (exc.value.code, exc.value.status) == ("not_handling_department", 403)
    reviewing.refresh_from_db()
    assert reviewing.status == S.IN_REVIEW


def test_on_decided_runs_in_the_transaction_and_its_failure_undoes_the_decision(
    reviewing, reviewer, monkeypatch
):
    seen = []

    def handler(event: hooks.Decided):
        # In the transaction: the row is already changed.
        seen.append((event.application.status, event.outcome, event.basis))
        raise RuntimeError("certificate library down")

    monkeypatch.setattr(hooks.on_decided, "_handlers", [handler])
    with pytest.raises(RuntimeError):
        decide(reviewing, reviewer)
    assert seen == [(S.APPROVED, D.APPROVED, BASIS)]
    reviewing.refresh_from_db()
    assert (reviewing.status, reviewing.decision) == (S.IN_REVIEW, "")
    assert not StatusChange.objects.filter(
        application=reviewing, to_status=S.APPROVED
    ).exists()


# --- deliver -----------------------------------------------------------------------


@pytest.fixture
def approved(reviewing, reviewer):
    return decide(reviewing, reviewer)


@pytest.mark.parametrize("by", ["reviewer", "clerk"])
def test_delivery_by_the_department_or_the_hall(approved, request, by):
    actor = request.getfixturevalue(by)
    app = application_deliver(
        application=approved, actor=actor, method=c.DeliveryMethod.POST
    )
    app.refresh_from_db()
    assert app.status == S.DELIVERED
    assert app.delivery_method == c.DeliveryMethod.POST
    assert app.delivered_at is not None
    assert any("邮寄送达" in body for body in sms_bodies(app))


@pytest.mark.parametrize("status", [S.IN_REVIEW, S.REJECTED, S.DELIVERED, S.CLOSED])
def test_delivering_anything_but_an_approval_is_a_forbidden_transition(
    approved, reviewer, status
):
    app = forced(approved, status)
    with pytest.raises(ServiceError) as exc:
        application_deliver(
            application=app, actor=reviewer, method=c.DeliveryMethod.WINDOW
        )
    assert exc.value.code == "transition_forbidden"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"method": "pigeon"}, "delivery_method_invalid"),
        (
            {"delivered_at": timezone.now() - dt.timedelta(days=3)},
            "delivered_at_too_early",
        ),
        (
            {"delivered_at": timezone.now() + dt.timedelta(hours=1)},
            "delivered_at_future",
        ),
    ],
)
def test_delivery_bad_input(approved, reviewer, kwargs, code):
    kwargs = {"method": c.DeliveryMethod.WINDOW, **kwargs}
    with pytest.raises(ServiceError) as exc:
        application_deliver(application=approved, actor=reviewer, **kwargs)
    assert exc.value.code == code
    approved.refresh_from_db()
    assert approved.status == S.APPROVED


def test_a_clerk_of_another_hall_may_not_deliver(approved, other_reviewer):
    from tests.factories import ServiceHallFactory

    stranger = clerk_at(ServiceHallFactory(), "clerk-elsewhere")
    for user in (stranger, other_reviewer):
        with pytest.raises(ServiceError) as exc:
            application_deliver(
                application=approved, actor=user, method=c.DeliveryMethod.WINDOW
            )
        assert exc.value.status == 404


# --- close (archive) ---------------------------------------------------------------


def test_archive_after_delivery_runs_on_closed_after_commit_and_tells_nobody(
    approved, clerk, django_capture_on_commit_callbacks
):
    app = application_deliver(
        application=approved, actor=clerk, method=c.DeliveryMethod.WINDOW
    )
    before = len(sms_bodies(app))
    closed: list[hooks.Closed] = []
    hooks.on_closed.register(closed.append)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            application_close(application=app, actor=clerk)
        assert closed == []  # not before commit
        for callback in callbacks:
            callback()
    finally:
        hooks.on_closed.unregister(closed.append)
    app.refresh_from_db()
    assert (app.status, app.closure_reason) == (S.CLOSED, c.ClosureReason.ARCHIVED)
    assert app.decision == D.APPROVED  # the outcome outlives the status
    assert [(e.application_id, e.from_status, e.by_system) for e in closed] == [
        (app.pk, S.DELIVERED, False)
    ]
    assert len(sms_bodies(app)) == before


def test_a_failing_after_commit_hook_is_logged_and_the_close_stays(
    make, clerk, django_capture_on_commit_callbacks, caplog
):
    refused = make(refused=True)
    later: list[int] = []

    def broken(event):
        raise RuntimeError("export down")

    hooks.on_closed.register(broken)
    hooks.on_closed.register(later.append)
    try:
        with (
            caplog.at_level(logging.ERROR),
            django_capture_on_commit_callbacks(execute=True),
        ):
            application_close(application=refused, actor=clerk)
    finally:
        hooks.on_closed.unregister(broken)
        hooks.on_closed.unregister(later.append)
    refused.refresh_from_db()
    assert refused.status == S.CLOSED
    assert "hooks.after_commit_failed hook=on_closed" in caplog.text
    assert len(later) == 1  # the next handler still ran


@pytest.mark.parametrize("start", ["refused", "withdrawn", "rejected"])
def test_every_ended_state_can_be_archived(make, clerk, reviewer, start, applicant):
    if start == "refused":
        app = make(refused=True)
    elif start == "withdrawn":
        from applications.services.withdrawal import application_withdraw

        app = application_withdraw(application=make(submitted=True), user=applicant)
    else:
        app = decide(in_review(make(accepted=True), reviewer), reviewer, D.REJECTED)
    app = application_close(application=app, actor=clerk)
    assert app.status == S.CLOSED


@pytest.mark.parametrize(
    "status",
    # supplement requested -> closed and accepted -> closed are in the table,
    # but they are the lapse timer's and workflow's, not an archive.
    [
        S.SUPPLEMENT_REQUESTED,
        S.ACCEPTED,
        S.SUBMITTED,
        S.IN_REVIEW,
        S.APPROVED,
        S.CLOSED,
    ],
)
def test_archiving_a_live_application_is_a_forbidden_transition(make, clerk, status):
    app = forced(make(submitted=True), status)
    with pytest.raises(ServiceError) as exc:
        application_close(application=app, actor=clerk)
    assert exc.value.code == "transition_forbidden"
    assert exc.value.status == 409
    app.refresh_from_db()
    assert app.status == status


def test_the_applicant_may_not_archive(make, applicant):
    app = make(refused=True)
    with pytest.raises(ServiceError) as exc:
        application_close(application=app, actor=applicant)
    assert exc.value.status == 403
