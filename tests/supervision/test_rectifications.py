"""Rectification: call-back, measures, the supervisor's review, appeals, deadlines."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from people.models import OutboxMessage
from portal.clocks import deadlines_sweep
from portal.errors import ServiceError
from portal.models import AuditEntry, Clock
from supervision import constants as sc
from supervision.models import Rectification
from supervision.services.ratings import appeal_decide, appeal_file, rating_submit
from supervision.services.rectifications import (
    rectification_callback,
    rectification_review,
    rectification_submit,
)

pytestmark = pytest.mark.django_db

R = sc.RectificationState
LOCAL = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def rect(delivered, applicant):
    rating = rating_submit(application=delivered, user=applicant, level=1)
    return rating.rectification


def test_the_head_calls_back_reports_and_the_supervisor_accepts(rect, head, supervisor):
    rectification_callback(rectification=rect, user=head, note="已电话回访申请人")
    rectification_submit(rectification=rect, user=head, measures="已对窗口人员培训")
    rect.refresh_from_db()
    assert rect.state == R.SUBMITTED
    assert rect.callback_by == head
    done = rectification_review(
        rectification=rect, supervisor=supervisor, outcome="accepted", note="整改到位"
    )
    assert done.state == R.DONE
    clock = Clock.objects.get(pk=rect.clock_id)
    assert (clock.state, clock.outcome) == ("stopped", "done")
    assert not clock.deadlines.filter(state="open").exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "supervision.rectification_callback",
        "supervision.rectification_submitted",
        "supervision.rectification_reviewed",
    } <= actions


def test_a_returned_rectification_is_open_again_and_its_clock_runs_on(
    rect, head, supervisor
):
    rectification_callback(rectification=rect, user=head, note="已回访")
    rectification_submit(rectification=rect, user=head, measures="措施")
    back = rectification_review(
        rectification=rect, supervisor=supervisor, outcome="returned", note="措施不具体"
    )
    assert back.state == R.OPEN
    assert Clock.objects.get(pk=rect.clock_id).state == "running"


def test_measures_need_a_call_back_first(rect, head):
    with pytest.raises(ServiceError) as exc:
        rectification_submit(rectification=rect, user=head, measures="措施")
    assert (exc.value.code, exc.value.status) == ("rectification_callback_missing", 409)


def test_another_departments_head_and_a_supervisor_cannot_act_as_the_head(
    rect, other_head, supervisor
):
    for user in (other_head, supervisor):
        with pytest.raises(ServiceError) as exc:
            rectification_callback(rectification=rect, user=user, note="回访")
        assert exc.value.status == 404


def test_only_a_supervisor_reviews_and_only_what_was_submitted(rect, head, supervisor):
    with pytest.raises(ServiceError) as exc:
        rectification_review(
            rectification=rect, supervisor=supervisor, outcome="accepted", note="好"
        )
    assert exc.value.code == "rectification_state"
    rectification_callback(rectification=rect, user=head, note="已回访")
    rectification_submit(rectification=rect, user=head, measures="措施")
    with pytest.raises(ServiceError) as exc:
        rectification_review(
            rectification=rect, supervisor=head, outcome="accepted", note="好"
        )
    assert exc.value.status == 404
    with pytest.raises(ServiceError) as exc:
        rectification_review(
            rectification=rect, supervisor=supervisor, outcome="maybe", note="x"
        )
    assert exc.value.code == "review_outcome_invalid"
    with pytest.raises(ServiceError) as exc:
        rectification_review(
            rectification=rect, supervisor=supervisor, outcome="accepted", note=" "
        )
    assert exc.value.code == "review_note_invalid"


def test_empty_call_back_and_measures_are_refused(rect, head):
    with pytest.raises(ServiceError) as exc:
        rectification_callback(rectification=rect, user=head, note="")
    assert exc.value.code == "callback_note_invalid"
    rectification_callback(rectification=rect, user=head, note="已回访")
    with pytest.raises(ServiceError) as exc:
        rectification_submit(rectification=rect, user=head, measures="x" * 2001)
    assert exc.value.code == "measures_invalid"


# --- appeals ------------------------------------------------------------------------


def test_an_upheld_appeal_keeps_the_rating_marked_and_voids_the_rectification(
    rect, head, supervisor
):
    appeal = appeal_file(rating=rect.rating, user=head, reason="申请人评价与本部门无关")
    rect.rating.refresh_from_db()
    assert rect.rating.appeal_state == sc.AppealState.PENDING
    appeal_decide(appeal=appeal, supervisor=supervisor, upheld=True, note="核实属实")
    rating = type(rect.rating).objects.get(pk=rect.rating_id)
    assert rating.level == 1  # kept as given
    assert rating.appeal_state == sc.AppealState.UPHELD
    rect.refresh_from_db()
    assert rect.state == R.VOIDED
    assert Clock.objects.get(pk=rect.clock_id).outcome == "voided"


def test_a_dismissed_appeal_leaves_the_rectification_running(rect, head, supervisor):
    appeal = appeal_file(rating=rect.rating, user=head, reason="评价不实")
    appeal_decide(appeal=appeal, supervisor=supervisor, upheld=False, note="评价属实")
    rect.refresh_from_db()
    assert rect.state == R.OPEN
    assert rect.rating.appeal_state == sc.AppealState.DISMISSED
    with pytest.raises(ServiceError) as exc:
        appeal_decide(appeal=appeal, supervisor=supervisor, upheld=True, note="再议")
    assert exc.value.code == "appeal_decided"


def test_appeal_refusals(rect, head, other_head, supervisor, make, applicant):
    with pytest.raises(ServiceError) as exc:
        appeal_file(rating=rect.rating, user=other_head, reason="不实")
    assert exc.value.status == 404
    with pytest.raises(ServiceError) as exc:
        appeal_file(rating=rect.rating, user=head, reason="  ")
    assert exc.value.code == "appeal_reason_invalid"
    appeal = appeal_file(rating=rect.rating, user=head, reason="不实")
    with pytest.raises(ServiceError) as exc:
        appeal_file(rating=rect.rating, user=head, reason="再次")
    assert exc.value.code == "appeal_exists"
    with pytest.raises(ServiceError) as exc:
        appeal_decide(appeal=appeal, supervisor=head, upheld=True, note="x")
    assert exc.value.status == 404
    with pytest.raises(ServiceError) as exc:
        appeal_decide(appeal=appeal, supervisor=supervisor, upheld="yes", note="x")
    assert exc.value.code == "appeal_outcome_invalid"
    good = rating_submit(application=make(refused=True), user=applicant, level=5)
    with pytest.raises(ServiceError) as exc:
        appeal_file(rating=good, user=head, reason="不实")
    assert exc.value.code == "appeal_not_bad"


# --- deadlines ----------------------------------------------------------------------


def test_the_warning_tells_the_head_and_the_due_date_marks_it_overdue(
    make, applicant, head, supervisor
):
    with time_machine.travel(dt.datetime(2026, 9, 30, 2, tzinfo=dt.UTC), tick=False):
        rating = rating_submit(application=make(refused=True), user=applicant, level=2)
    rect = rating.rectification
    assert rect.due_on == dt.date(2026, 10, 27)
    before = OutboxMessage.objects.count()
    # Warning: 08:30 on the 3rd counted day before the due day (22 October).
    deadlines_sweep(now=dt.datetime(2026, 10, 23, 9, 0, tzinfo=LOCAL))
    warned = OutboxMessage.objects.filter(pk__gt=0).count() - before
    assert warned == 1  # the head's e-mail (the supervisor is not warned)
    assert OutboxMessage.objects.filter(
        recipient="head@example.cn", subject="差评整改即将到期"
    ).exists()
    rect.refresh_from_db()
    assert not rect.overdue
    # Due: at the end of 27 October.
    assert deadlines_sweep(now=dt.datetime(2026, 10, 28, 0, 5, tzinfo=LOCAL)) == 1
    rect.refresh_from_db()
    assert rect.overdue
    assert OutboxMessage.objects.filter(
        recipient="sup@example.cn", subject="差评整改已超期"
    ).exists()
    assert OutboxMessage.objects.filter(
        recipient="head@example.cn", subject="差评整改已超期"
    ).exists()
    # Acted on once: another sweep does nothing more.
    count = OutboxMessage.objects.count()
    deadlines_sweep(now=dt.datetime(2026, 10, 28, 0, 10, tzinfo=LOCAL))
    assert OutboxMessage.objects.count() == count


def test_a_done_rectification_fires_no_deadline(rect, head, supervisor):
    rectification_callback(rectification=rect, user=head, note="已回访")
    rectification_submit(rectification=rect, user=head, measures="措施")
    rectification_review(
        rectification=rect, supervisor=supervisor, outcome="accepted", note="好"
    )
    assert deadlines_sweep(now=dt.datetime(2030, 1, 1, tzinfo=LOCAL)) == 0
    assert not Rectification.objects.get(pk=rect.pk).overdue
