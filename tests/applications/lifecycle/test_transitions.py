"""The transition table: every edge says why it exists and which service takes it."""

import datetime as dt

import pytest
import time_machine

from applications import constants as c
from applications.services.decision import application_decide, application_deliver
from applications.services.timers import applications_deem_overdue

from .helpers import in_review

S = c.ApplicationStatus


def test_every_edge_has_a_note_and_every_note_an_edge():
    edges = {(a, b) for a, targets in c.TRANSITIONS.items() for b in targets}
    assert set(c.TRANSITION_NOTES) == edges
    assert all(note.strip() for note in c.TRANSITION_NOTES.values())


def test_archivable_and_under_handling_are_table_edges():
    assert all(S.CLOSED in c.TRANSITIONS[s] for s in c.ARCHIVABLE)
    assert all(S.WITHDRAWN in c.TRANSITIONS[s] for s in c.UNDER_HANDLING)


@pytest.mark.django_db
def test_scenario_submitted_deemed_reviewed_approved_delivered(make, reviewer):
    with time_machine.travel(dt.datetime(2026, 9, 30, 2, tzinfo=dt.UTC), tick=False):
        app = make(submitted=True)
    with time_machine.travel(dt.datetime(2026, 10, 14, 2, tzinfo=dt.UTC), tick=False):
        assert applications_deem_overdue() == 1
        app = in_review(app, reviewer)
        app = application_decide(
            application=app,
            actor=reviewer,
            outcome=c.DecisionOutcome.APPROVED,
            basis="符合条件",
        )
        app = application_deliver(
            application=app, actor=reviewer, method=c.DeliveryMethod.ELECTRONIC
        )
    path = list(app.history.order_by("at", "id").values_list("to_status", flat=True))
    assert path == [S.SUBMITTED, S.ACCEPTED, S.IN_REVIEW, S.APPROVED, S.DELIVERED]
