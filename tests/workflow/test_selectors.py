"""The inbox (filters, marks, one query), the timeline, inspections, immediate items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications import constants as ac
from applications.models import Application
from people.models import OutboxMessage
from portal.errors import ServiceError
from portal.models import AuditEntry, ClockSegment
from tests.applications.factories import clerk_at
from tests.factories import ServiceHallFactory
from workflow import constants as c
from workflow.models import Task
from workflow.selectors import inbox_for, timeline_for
from workflow.services import (
    case_decide_immediately,
    inspection_record_finding,
    inspection_schedule,
    task_claim,
    task_comment,
    task_decide,
)

from .factories import accepted, case_of, department, head, reviewer, routed_item

pytestmark = pytest.mark.django_db


def test_the_inbox_is_one_query_nearest_due_first(region):
    a = department("甲局", region=region)
    rev = reviewer(a)
    impl = routed_item([[{"department": a, "limit_days": 9}]], lead=a)
    impl2 = routed_item([[{"department": a, "limit_days": 3}]], lead=a)
    slow = accepted(impl)
    fast = accepted(impl2)
    more = [accepted(impl) for _ in range(3)]
    inbox_for(rev).count()  # warm the user's caches
    with CaptureQueriesContext(connection) as ctx:
        rows = list(inbox_for(rev))
        # What a page shows: no query per row.
        shown = [
            (r.case.application.number, r.department.name, r.mark, r.stage.name)
            for r in rows
        ]
    assert len(ctx.captured_queries) == 1
    assert len(shown) == 5
    assert rows[0].case.application_id == fast.pk
    assert {r.case.application_id for r in rows} == {slow.pk, fast.pk} | {
        m.pk for m in more
    }
    fast.refresh_from_db()
    by_number = list(inbox_for(rev, {"number": fast.number}))
    assert [r.case.application_id for r in by_number] == [fast.pk]
    by_item = list(inbox_for(rev, {"item": impl2.item_id}))
    assert [r.case.application_id for r in by_item] == [fast.pk]
    assert list(inbox_for(rev, {"mark": "red"})) == []
    task_claim(task=rows[0], actor=rev)
    assert [t.pk for t in inbox_for(rev, {"mine": "1"})] == [rows[0].pk]
    # Nonsense filters fall back to the defaults.
    assert inbox_for(rev, {"state": "nonsense", "item": "x"}).count() == 5
    # Someone of another department, a citizen: an empty inbox.
    assert inbox_for(reviewer(department("乙局", region=region))).count() == 0
    assert inbox_for(fast.applicant).count() == 0


def test_the_timeline_for_staff_and_for_the_applicant(region):
    a, b = department("甲局", region=region), department("乙局", region=region)
    rev_a, rev_b = reviewer(a), reviewer(b)
    app = accepted(routed_item([[a], [b]], lead=a))
    case = case_of(app)
    ta = case.tasks.get(department=a)
    task_comment(task=ta, actor=rev_a, text="内部：注意核对租赁期限")
    task_claim(task=ta, actor=rev_a)
    task_decide(task=ta, actor=rev_a, outcome="approve", opinion="材料齐全")
    staff_view = timeline_for(app, rev_a)
    assert staff_view.staff_view is True
    assert [s.state for s in staff_view.stages] == ["done", "open"]
    ops = staff_view.stages[0].tasks[0].opinions
    assert [o.outcome for o in ops] == ["comment", "approve"]
    assert ops[1].author
    assert {k.kind for k in staff_view.clocks} >= {"task", "case_statutory"}
    assert all(k.id for k in staff_view.clocks)
    mine = timeline_for(app, app.applicant)
    assert mine.staff_view is False
    ops = mine.stages[0].tasks[0].opinions
    assert [o.outcome for o in ops] == ["approve"]
    assert ops[0].author == "" and mine.stages[0].tasks[0].decided_by == ""
    outsider = reviewer(department("丙局", region=region))
    with pytest.raises(ServiceError) as exc:
        timeline_for(app, outsider)
    assert exc.value.status == 404
    assert timeline_for(app, rev_b).staff_view is True


def test_a_joint_inspection_suspends_the_task_clocks_as_one_event(region):
    a, b, x = (department(n, region=region) for n in ("甲局", "乙局", "丙局"))
    impl = routed_item(
        [
            [
                {"department": a, "site_inspection": True},
                {"department": b, "site_inspection": True},
            ]
        ],
        lead=a,
    )
    app = accepted(impl)
    case = case_of(app)
    ta, tb = case.tasks.get(department=a), case.tasks.get(department=b)
    before = {ta.pk: ta.due_on, tb.pk: tb.due_on}
    rev_a, rev_b, rev_x = reviewer(a), reviewer(b), reviewer(x)
    day = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ServiceError) as exc:
        inspection_schedule(case=case, actor=rev_x, on=day, place="工地")
    assert exc.value.status == 404
    with pytest.raises(ServiceError) as exc:
        inspection_schedule(
            case=case, actor=rev_a, on=day - dt.timedelta(days=2), place="工地"
        )
    assert exc.value.code == "inspection_date_past"
    inspection = inspection_schedule(
        case=case, actor=rev_a, on=day, days=2, place="康定市榆林路8号"
    )
    assert set(inspection.tasks.values_list("pk", flat=True)) == {ta.pk, tb.pk}
    for task in (ta, tb):
        segs = ClockSegment.objects.filter(clock_id=task.clock_id, state="suspended")
        assert [s.reason for s in segs] == ["inspection"]
        task.refresh_from_db()
        assert task.due_on >= before[task.pk]
    told = OutboxMessage.objects.filter(dedupe_key__startswith="wf:inspection:")
    assert told.exists()
    assert told.values("channel").distinct().count() == told.count()  # once each
    inspection_record_finding(inspection=inspection, task=ta, actor=rev_a, text="符合")
    with pytest.raises(ServiceError) as exc:
        inspection_record_finding(
            inspection=inspection, task=ta, actor=rev_a, text="again"
        )
    assert exc.value.code == "finding_exists"
    with pytest.raises(ServiceError) as exc:
        inspection_record_finding(inspection=inspection, task=ta, actor=rev_b, text="x")
    assert exc.value.code == "not_task_department"
    with pytest.raises(ServiceError) as exc:
        inspection_record_finding(inspection=inspection, task=ta, actor=rev_x, text="x")
    assert exc.value.status == 404
    assert AuditEntry.objects.filter(
        action="workflow.inspection_finding_refused"
    ).exists()


def test_an_immediate_item_is_decided_at_the_counter(region):
    a = department("甲局", region=region)
    impl = routed_item([[a]], lead=a, is_immediate=True, promised_limit_value=1)
    clerk = clerk_at(impl.hall, "counter-clerk")
    app = accepted(impl, clerk=clerk)
    case = case_of(app)
    assert case.immediate and case.tasks.get().limit_days == 1
    other_clerk = clerk_at(ServiceHallFactory(region=impl.hall.region), "other-clerk")
    with pytest.raises(ServiceError) as exc:
        case_decide_immediately(
            application=app, clerk=other_clerk, outcome="approve", opinion="当场办结"
        )
    assert exc.value.status == 404
    case_decide_immediately(
        application=app, clerk=clerk, outcome="approve", opinion="当场办结"
    )
    assert Application.objects.get(pk=app.pk).status == ac.ApplicationStatus.APPROVED
    assert Task.objects.get(case=case).state == c.TaskState.APPROVED


def test_an_ordinary_item_is_not_decided_at_the_counter(region):
    a = department("甲局", region=region)
    impl = routed_item([[a]], lead=a)
    clerk = clerk_at(impl.hall, "counter-clerk")
    app = accepted(impl, clerk=clerk)
    with pytest.raises(ServiceError) as exc:
        case_decide_immediately(
            application=app, clerk=clerk, outcome="approve", opinion="当场办结"
        )
    assert exc.value.code == "not_immediate_item"
    assert head(a)  # the department still decides it from its inbox
