"""Ratings: who may rate what when, once; a bad rating opens its rectification."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from applications import constants as c
from applications.models import Application
from applications.services.decision import application_decide
from people.models import OutboxMessage
from portal.errors import ServiceError
from portal.models import AuditEntry, Clock, Deadline
from supervision import constants as sc
from supervision.models import Rating, Rectification, Visit
from supervision.services.ratings import rating_submit, visit_open, visit_rate
from tests.applications.factories import citizen, clerk_at
from tests.applications.lifecycle.helpers import in_review
from tests.factories import ServiceHallFactory

from .conftest import BASIS

pytestmark = pytest.mark.django_db

S = c.ApplicationStatus
L = sc.Level


def test_a_good_rating_is_stored_audited_and_opens_nothing(delivered, applicant):
    rating = rating_submit(
        application=delivered,
        user=applicant,
        level=L.VERY_SATISFIED,
        comment="  办得很快 ",
        tags=["fast", "friendly", "fast"],
    )
    rating.refresh_from_db()
    assert (rating.level, rating.comment, rating.tags) == (
        5,
        "办得很快",
        ["fast", "friendly"],
    )
    assert rating.department_id == delivered.implementation.department_id
    assert rating.channel == sc.RatingChannel.ONLINE
    assert not Rectification.objects.exists()
    assert AuditEntry.objects.filter(action="supervision.rated").count() == 1


def test_a_bad_rating_opens_a_rectification_due_in_15_working_days(
    make, reviewer, applicant, head
):
    # 2026-09-30 10:00 in Kangding. Counting from the next day: the National
    # Day holiday (1-7 Oct) is skipped and Saturday 10 Oct is a make-up
    # working day: 8, 9, 10, 12-16, 19-23, 26, 27 October -> the 15th is the 27th.
    with time_machine.travel(dt.datetime(2026, 9, 30, 2, tzinfo=dt.UTC), tick=False):
        app = application_decide(
            application=in_review(make(accepted=True), reviewer),
            actor=reviewer,
            outcome=c.DecisionOutcome.REJECTED,
            basis=BASIS,
        )
        rating = rating_submit(
            application=app,
            user=applicant,
            level=L.VERY_DISSATISFIED,
            comment="跑了三次",
        )
    rect = Rectification.objects.get(rating=rating)
    assert rect.due_on == dt.date(2026, 10, 27)
    assert rect.department_id == app.implementation.department_id
    assert rect.state == sc.RectificationState.OPEN
    clock = Clock.objects.get(pk=rect.clock_id)
    assert (clock.subject_type, clock.subject_id, clock.kind, clock.limit_days) == (
        sc.RECTIFICATION_SUBJECT,
        rect.pk,
        sc.RECTIFICATION_CLOCK,
        15,
    )
    assert clock.due_on == dt.date(2026, 10, 27)
    kinds = set(
        Deadline.objects.filter(clock=clock, state="open").values_list(
            "kind", flat=True
        )
    )
    assert {"warning", "due"} <= kinds
    # The department head is told (e-mail on file), in the same transaction.
    message = OutboxMessage.objects.get(recipient="head@example.cn")
    assert "2026-10-27" in message.body


def test_the_rectification_limit_is_a_setting(delivered, applicant, settings):
    settings.RECTIFICATION_WORKING_DAYS = 3
    rating = rating_submit(application=delivered, user=applicant, level=L.DISSATISFIED)
    assert Clock.objects.get(pk=rating.rectification.clock_id).limit_days == 3


@pytest.mark.parametrize("level", [L.BASICALLY_SATISFIED, L.SATISFIED])
def test_middle_levels_are_not_bad(delivered, applicant, level):
    rating_submit(application=delivered, user=applicant, level=level)
    assert not Rectification.objects.exists()


def test_someone_who_is_not_the_applicant_is_refused(delivered):
    other = citizen("other-sv")
    with pytest.raises(ServiceError) as exc:
        rating_submit(application=delivered, user=other, level=5)
    assert (exc.value.code, exc.value.status) == ("rating_not_applicant", 403)
    assert not Rating.objects.exists()


def test_a_second_rating_is_refused(delivered, applicant):
    rating_submit(application=delivered, user=applicant, level=4)
    with pytest.raises(ServiceError) as exc:
        rating_submit(application=delivered, user=applicant, level=1)
    assert (exc.value.code, exc.value.status) == ("rating_exists", 409)
    assert Rating.objects.get().level == 4
    assert not Rectification.objects.exists()


def test_the_database_holds_one_rating_per_application(delivered, applicant):
    rating_submit(application=delivered, user=applicant, level=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            application=delivered, channel="online", level=3, rater=applicant
        )


def test_a_rating_needs_exactly_one_subject():
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(channel="online", level=3)


@pytest.mark.parametrize("stage", ["draft", "submitted", "accepted", "supplement"])
def test_a_rating_before_completion_is_refused(make, applicant, stage):
    app = make(stage=stage)
    with pytest.raises(ServiceError) as exc:
        rating_submit(application=app, user=applicant, level=5)
    assert (exc.value.code, exc.value.status) == ("rating_not_completed", 409)


def test_approved_but_not_delivered_is_not_completed(make, reviewer, applicant):
    app = application_decide(
        application=in_review(make(accepted=True), reviewer),
        actor=reviewer,
        outcome=c.DecisionOutcome.APPROVED,
        basis=BASIS,
    )
    with pytest.raises(ServiceError) as exc:
        rating_submit(application=app, user=applicant, level=5)
    assert exc.value.code == "rating_not_completed"


def test_a_refused_application_may_be_rated(make, applicant):
    rating = rating_submit(application=make(refused=True), user=applicant, level=3)
    assert rating.pk


def test_a_withdrawn_and_closed_application_is_not_completed(make, applicant):
    app = make(submitted=True)
    Application.objects.filter(pk=app.pk).update(
        status=S.CLOSED, withdrawn_at=app.submitted_at
    )
    app.refresh_from_db()
    with pytest.raises(ServiceError) as exc:
        rating_submit(application=app, user=applicant, level=5)
    assert exc.value.code == "rating_not_completed"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"level": 0}, "rating_level_invalid"),
        ({"level": 6}, "rating_level_invalid"),
        ({"level": "很好"}, "rating_level_invalid"),
        ({"level": None}, "rating_level_invalid"),
        ({"level": True}, "rating_level_invalid"),
        ({"level": 5, "tags": ["nope"]}, "rating_tag_invalid"),
        ({"level": 5, "tags": [3]}, "rating_tag_invalid"),
        ({"level": 5, "comment": "长" * 501}, "rating_comment_invalid"),
        ({"level": 5, "comment": 12}, "rating_comment_invalid"),
    ],
)
def test_bad_input_is_refused_with_its_code(delivered, applicant, kwargs, code):
    with pytest.raises(ServiceError) as exc:
        rating_submit(application=delivered, user=applicant, **kwargs)
    assert exc.value.code == code
    assert exc.value.status == 400
    assert not Rating.objects.exists()


def test_an_id_number_in_a_comment_is_scrubbed(delivered, applicant):
    rating = rating_submit(
        application=delivered,
        user=applicant,
        level=4,
        comment="我的身份证513301199001011234",
    )
    assert "513301199001011234" not in rating.comment


# --- counter visits -----------------------------------------------------------------


def test_a_clerk_opens_a_visit_and_the_kiosk_rates_it_once(clerk, hall, head):
    visit = visit_open(clerk=clerk, reference=" a-017 ")
    assert (visit.hall_id, visit.reference) == (hall.pk, "A-017")
    assert visit.department_id == clerk.staff_profile.department_id
    rating = visit_rate(visit=visit, clerk=clerk, level=L.DISSATISFIED, tags=["slow"])
    assert rating.channel == sc.RatingChannel.COUNTER
    assert rating.rater is None
    assert rating.rectification.department_id == visit.department_id
    with pytest.raises(ServiceError) as exc:
        visit_rate(visit=visit, clerk=clerk, level=5)
    assert exc.value.code == "rating_exists"


def test_a_visit_reference_is_used_once_per_hall(clerk):
    visit_open(clerk=clerk, reference="A017")
    with pytest.raises(ServiceError) as exc:
        visit_open(clerk=clerk, reference="a017")
    assert (exc.value.code, exc.value.status) == ("visit_exists", 409)
    other = clerk_at(ServiceHallFactory(), "clerk-elsewhere")
    assert visit_open(clerk=other, reference="A017").pk  # another hall's A017


@pytest.mark.parametrize("reference", ["", "   ", "A 17", "票号", "x" * 41, None, 17])
def test_a_bad_visit_reference_is_refused(clerk, reference):
    with pytest.raises(ServiceError) as exc:
        visit_open(clerk=clerk, reference=reference)
    assert exc.value.code == "visit_reference_invalid"
    assert not Visit.objects.exists()


def test_a_clerk_of_another_hall_cannot_rate_or_open(clerk, applicant):
    visit = visit_open(clerk=clerk, reference="B1")
    other = clerk_at(ServiceHallFactory(), "clerk-elsewhere")
    with pytest.raises(ServiceError) as exc:
        visit_rate(visit=visit, clerk=other, level=5)
    assert exc.value.status == 404
    with pytest.raises(ServiceError) as exc:
        visit_open(clerk=applicant, reference="B2")
    assert exc.value.status == 404


def test_a_race_lost_to_another_rating_answers_rating_exists(
    delivered, applicant, monkeypatch
):
    """Two requests both pass the check; the one-to-one column stops the second."""
    Rating.objects.create(
        application=delivered, channel="online", level=5, rater=applicant
    )
    real_filter = Rating.objects.filter

    class NoneSeen:
        def exists(self):
            return False

    monkeypatch.setattr(
        Rating.objects,
        "filter",
        lambda *a, **k: NoneSeen() if "application" in k else real_filter(*a, **k),
    )
    with pytest.raises(ServiceError) as exc:
        rating_submit(application=delivered, user=applicant, level=1)
    assert exc.value.code == "rating_exists"
    monkeypatch.undo()
    assert Rating.objects.count() == 1
    assert not Rectification.objects.exists()
