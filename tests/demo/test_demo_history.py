"""load_demo's history (supervision.demo.history): months of applications
lived through the real services under time travel, each kind of event there,
backdated, through the services (audit entries, clocks, cards from the real
sweep), nothing sent, and a second load_demo adds and changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from applications.models import Application, StatusChange, SupplementNotice
from people.constants import OutboxStatus
from people.models import OutboxMessage
from portal.audit import audit_verify
from portal.models import AuditEntry, Clock, ClockSegment, Deadline
from supervision.demo import load_history_demo
from supervision.demo.history import MUTED_NOTE, USERNAME_PREFIX
from supervision.models import (
    Appeal,
    Complaint,
    Rating,
    Rectification,
    SupervisionOrder,
    Visit,
)
from tests.demo.fixtures import (  # noqa: F401
    HISTORY_DAYS,
    demo_history,
    demo_key_dir,
    demo_keys,
)
from workflow.models import Card, Case, Extension, SupplementRequest, Task

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_history", "demo_key_dir"),
]

HISTORY_MODELS = [
    Application,
    StatusChange,
    SupplementNotice,
    Case,
    Task,
    Card,
    Extension,
    SupplementRequest,
    Clock,
    ClockSegment,
    Deadline,
    Rating,
    Visit,
    Rectification,
    Appeal,
    Complaint,
    SupervisionOrder,
    OutboxMessage,
    AuditEntry,
]


def _counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in HISTORY_MODELS}


def _statuses() -> Counter:
    return Counter(Application.objects.values_list("status", flat=True))


def test_the_history_spans_the_weeks_back_from_today(demo_history):  # noqa: F811
    assert "Demo history:" in demo_history
    today = timezone.localdate()
    first = timezone.localdate(
        Application.objects.order_by("submitted_at").first().submitted_at
    )
    last = timezone.localdate(
        Application.objects.order_by("-submitted_at").first().submitted_at
    )
    assert (
        today - dt.timedelta(days=HISTORY_DAYS)
        <= first
        <= today - dt.timedelta(days=HISTORY_DAYS - 3)
    )
    assert last >= today - dt.timedelta(days=7)
    assert Application.objects.count() >= 15
    # every application is a history applicant's, across halls and channels
    assert not Application.objects.exclude(
        applicant__username__startswith=USERNAME_PREFIX
    ).exists()
    assert Application.objects.values("hall").distinct().count() >= 3
    assert {"online", "counter"} <= set(
        Application.objects.values_list("channel", flat=True)
    )
    assert Application.objects.values("implementation__item").distinct().count() >= 10


def test_each_kind_of_event_is_there():
    statuses = _statuses()
    for status in ("delivered", "rejected", "refused", "withdrawn"):
        assert statuses[status] >= 1, status
    assert Application.objects.filter(acceptance_deemed=True).exists()
    assert SupplementNotice.objects.exists()  # the hall's one-time notice
    request = SupplementRequest.objects.filter(received_at__isnull=False).first()
    assert request is not None  # a department's supplement, received again
    assert Extension.objects.filter(state="approved").exists()
    assert Card.objects.filter(colour="yellow").exists()
    assert Card.objects.filter(colour="red").exists()
    assert Card.objects.filter(escalated_at__isnull=False).exists()
    assert Card.objects.filter(answered_at__isnull=False).exists()
    levels = set(Rating.objects.values_list("level", flat=True))
    assert {1, 2} & levels and {4, 5} & levels
    assert Visit.objects.filter(rating__isnull=False).exists()
    done = Rectification.objects.filter(
        callback_at__isnull=False, reviewed_at__isnull=False, state="done"
    )
    assert done.exists()
    assert Appeal.objects.filter(decided_at__isnull=False).exists()
    assert Complaint.objects.filter(state="answered").exists()
    # 督办 about a red card: issued by the supervisor, answered by the head
    # of the card's department, closed
    order = SupervisionOrder.objects.filter(state="closed").first()
    assert order is not None and order.card_id is not None
    assert order.department_id == order.card.department_id
    assert order.answered_by.staff_profile.department_id == order.department_id
    # still going at the end: the supervisor's dashboard has open work
    assert Application.objects.filter(
        status__in=["submitted", "accepted", "in_review", "approved"]
    ).exists()


def test_it_went_through_the_services():
    ok, broken = audit_verify()
    assert broken is None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "applications.create",
        "applications.provide_material",
        "applications.submitted",
        "applications.accepted",
        "applications.delivered",
        "workflow.case_opened",
        "workflow.task_claimed",
        "workflow.task_decided",
        "workflow.supplement_requested",
        "workflow.supplement_received",
        "workflow.extension_approved",
        "workflow.card_answered",
        "clocks.suspended",
        "clocks.resumed",
        "clocks.extended",
        "clocks.deadline_fired",
        "supervision.rated",
        "supervision.rectification_opened",
        "supervision.rectification_callback",
        "supervision.rectification_reviewed",
        "supervision.appeal_decided",
        "supervision.complaint_answered",
        "supervision.order_issued",
    } <= actions
    # each application's life is in its status history, from its submission on
    for app in Application.objects.annotate(n=Count("history")):
        assert app.n >= 1, app.number
        assert app.number and app.query_code
    # the suspension of a department's supplement is on the clocks
    request = SupplementRequest.objects.filter(received_at__isnull=False).first()
    assert ClockSegment.objects.filter(
        clock__subject_type="workflow.case",
        clock__subject_id=request.case_id,
        state="suspended",
        reason="supplement",
        last__isnull=False,
    ).exists()


def test_it_is_backdated_by_the_services_own_clock():
    """Rows carry the simulated days: the audit chain's times go with it,
    and red cards were raised by the sweep on the day after a due date."""
    today = timezone.localdate()
    entries = AuditEntry.objects.filter(action="applications.submitted")
    assert timezone.localdate(entries.order_by("at").first().at) < today - dt.timedelta(
        days=30
    )
    red = Card.objects.filter(colour="red", task__isnull=False).select_related("task")
    assert red.exists()
    for card in red:
        clock = Clock.objects.get(pk=card.clock_id)
        fired = Deadline.objects.get(clock=clock, kind="due", state="fired")
        assert fired.fire_at <= card.raised_at < timezone.now() - dt.timedelta(hours=1)
    deemed = Application.objects.filter(acceptance_deemed=True).first()
    assert deemed.accepted_by.username == "system"


def test_nothing_is_sent():
    history = OutboxMessage.objects.filter(
        subject_type="applications.application"
    ).exclude(status=OutboxStatus.FAILED)
    assert not history.exists()
    assert OutboxMessage.objects.filter(last_error=MUTED_NOTE).count() > 50
    assert not OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists()
    assert mail.outbox == []


def test_a_second_load_demo_adds_and_changes_nothing():
    before = _counts()
    hashes = list(AuditEntry.objects.order_by("pk").values_list("hash", flat=True))
    statuses = _statuses()
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=out)
    assert "0 created, 0 updated" in out.getvalue()
    assert "Demo history:" not in out.getvalue()
    assert _counts() == before
    assert _statuses() == statuses
    assert (
        list(AuditEntry.objects.order_by("pk").values_list("hash", flat=True)) == hashes
    )


def test_no_history_when_asked_for_none():
    before = _counts()
    result = load_history_demo(days=0)
    assert result.skipped and result.created() == 0
    assert _counts() == before
