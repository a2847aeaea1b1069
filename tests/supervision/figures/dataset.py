"""A hand-built month of applications routed through the real services.

March 2026 (no public holiday; Monday 2 March is the first working day).
Item: one stage, departments A and B in parallel, each step 5 working days;
promised limit 10 working days, statutory 20. Unless said otherwise each is
submitted and accepted on Monday 2 March at 10:00.

  app1  A approves 4 Mar, B 5 Mar: decided 5 Mar, 3 working days, on time.
        Delivered 6 Mar, rated 非常满意 on 6 Mar.
  app2  B approves 9 Mar, A 10 Mar (A's step was due 9 Mar: one late step);
        decided 10 Mar, 6 working days; promised due 16 Mar: on time.
  app3  A asks a supplement on 3 Mar, received 6 Mar: the days 4-6 Mar are
        not counted, every due day moves by 3 working days (promised 19 Mar,
        steps 12 Mar). A and B approve 18 Mar: 9 working days net, on time
        only thanks to the suspension (16 Mar without); both steps late.
  app4  A asks 10 more days on 3 Mar, its head grants it: statutory due
        30 Mar -> 14 Apr (Qingming, Monday 6 Apr, skipped), A's step 9 -> 23 Mar; the promised due stays 16 Mar.
        A and B approve 31 Mar: 21 working days, late against the promise,
        no statutory breach (it would be one without the extension); both
        steps late.
  app5  withdrawn by the applicant on 4 Mar: received, accepted, withdrawn,
        never completed.
  app6  submitted 2 Mar, nobody reviews it, deemed accepted on 10 Mar as of
        2 Mar; still open.
  app7  B rejects on 5 Mar (A's task cancelled): decided 5 Mar, 3 working
        days, on time. Rated 非常不满意 on 6 Mar (a rectification opens).
  visit a counter visit served by A's clerk, rated 满意 on 6 Mar (no application).
  other a Luding (513322) application of a department there, received and
        accepted 2 Mar, open: only the prefecture sees it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import time_machine
from django.utils import timezone

from applications.models import Application
from applications.services.decision import application_deliver
from applications.services.timers import application_deem_accepted
from applications.services.withdrawal import application_withdraw
from catalog.models import Department
from supervision.services.ratings import rating_submit, visit_open, visit_rate
from tests.applications.factories import ApplicationFactory, citizen, clerk_at
from tests.factories import ServiceHallFactory, ganzi_regions
from tests.workflow.factories import (
    accepted,
    case_of,
    department,
    head,
    reviewer,
    routed_item,
)
from workflow.models import Extension
from workflow.services import (
    case_supplement_received,
    extension_approve,
    extension_request,
    task_claim,
    task_decide,
    task_request_supplement,
)

TZ = timezone.get_default_timezone()


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=TZ)


@dataclass
class DataSet:
    a: Department
    b: Department
    luding: Department
    apps: dict[str, Application]
    impl: object
    regions: dict


def _decide(task, actor, outcome="approve", opinion="符合条件", basis=""):
    task_claim(task=task, actor=actor)
    task.refresh_from_db()
    return task_decide(
        task=task, actor=actor, outcome=outcome, opinion=opinion, basis=basis
    )


def build() -> DataSet:
    regions = ganzi_regions()
    kd = regions["513301"]
    a, b = department("甲局", region=kd), department("乙局", region=kd)
    impl = routed_item([[a, b]], lead=a)
    rev_a, rev_b, head_a = reviewer(a), reviewer(b), head(a)
    clerk = clerk_at(impl.hall, "clerk-figures")
    clerk.staff_profile.department = a
    clerk.staff_profile.save()
    ld = regions["513322"]
    luding = department("泸定局", region=ld)
    impl_ld = routed_item([[luding]], lead=luding, hall=ServiceHallFactory(region=ld))
    apps: dict[str, Application] = {}
    people = {n: citizen(f"fig{n}") for n in ("1", "2", "3", "4", "5", "6", "7", "ld")}

    def task(app, dep):
        return case_of(app).tasks.get(department=dep)

    with time_machine.travel(at("2026-03-02"), tick=False):
        for n in ("1", "2", "3", "4", "5", "7"):
            apps[n] = accepted(impl, applicant=people[n], clerk=clerk)
        apps["6"] = ApplicationFactory(
            submitted=True, implementation=impl, applicant=people["6"]
        )
        apps["ld"] = accepted(impl_ld, applicant=people["ld"])
    with time_machine.travel(at("2026-03-03"), tick=False):
        t3 = task(apps["3"], a)
        task_claim(task=t3, actor=rev_a)
        task_request_supplement(task=t3, actor=rev_a, text="请补充经营场所平面图")
        t4 = task(apps["4"], a)
        task_claim(task=t4, actor=rev_a)
        ext = extension_request(task=t4, actor=rev_a, days=10, reason="需要现场核查")
        extension_approve(extension=Extension.objects.get(pk=ext.pk), actor=head_a)
    with time_machine.travel(at("2026-03-04"), tick=False):
        _decide(task(apps["1"], a), rev_a)
        application_withdraw(application=apps["5"], user=people["5"], reason="不再需要")
    with time_machine.travel(at("2026-03-05"), tick=False):
        _decide(task(apps["1"], b), rev_b)
        _decide(
            task(apps["7"], b),
            rev_b,
            outcome="reject",
            opinion="不符合条件",
            basis="《食品经营许可管理办法》第十一条",
        )
    with time_machine.travel(at("2026-03-06"), tick=False):
        case_supplement_received(case=case_of(apps["3"]), clerk=clerk)
        application_deliver(
            application=Application.objects.get(pk=apps["1"].pk),
            actor=clerk,
            method="window",
        )
        rating_submit(
            application=Application.objects.get(pk=apps["1"].pk),
            user=people["1"],
            level=5,
        )
        visit = visit_open(clerk=clerk, reference="A-017")
        visit_rate(visit=visit, clerk=clerk, level=4)
        rating_submit(
            application=Application.objects.get(pk=apps["7"].pk),
            user=people["7"],
            level=1,
            comment="态度不好",
        )
    with time_machine.travel(at("2026-03-09"), tick=False):
        _decide(task(apps["2"], b), rev_b)
    with time_machine.travel(at("2026-03-10"), tick=False):
        _decide(task(apps["2"], a), rev_a)
        application_deem_accepted(application=apps["6"])
    with time_machine.travel(at("2026-03-18"), tick=False):
        t3 = task(apps["3"], a)
        task_decide(task=t3, actor=rev_a, outcome="approve", opinion="符合条件")
        _decide(task(apps["3"], b), rev_b)
    with time_machine.travel(at("2026-03-31"), tick=False):
        t4 = task(apps["4"], a)
        task_decide(task=t4, actor=rev_a, outcome="approve", opinion="符合条件")
        _decide(task(apps["4"], b), rev_b)
    return DataSet(a=a, b=b, luding=luding, apps=apps, impl=impl, regions=regions)
