"""Building blocks of the dashboard tests (also used by tests/e2e)."""

from __future__ import annotations

from dataclasses import dataclass

from applications import constants as c
from applications.services.decision import application_decide, application_deliver
from portal.roles import Role
from tests.applications.factories import ApplicationFactory, clerk_at
from tests.applications.lifecycle.helpers import in_review
from tests.factories import (
    DepartmentFactory,
    ServiceHallFactory,
    implementation_for,
    staff,
)

BASIS = "《食品经营许可管理办法》第十条，经审查符合条件"


@dataclass
class County:
    region: object
    department: object
    implementation: object
    clerk: object
    reviewer: object


def county(region, version, tag: str) -> County:
    hall = ServiceHallFactory(region=region)
    department = DepartmentFactory(region=region)
    implementation = implementation_for(version, department=department, hall=hall)
    clerk = clerk_at(hall, f"clerk-{tag}")
    reviewer = staff(f"reviewer-{tag}", Role.REVIEWER, department=department)
    return County(region, department, implementation, clerk, reviewer)


def delivered(app, reviewer):
    app = in_review(app, reviewer)
    app = application_decide(
        application=app,
        actor=reviewer,
        outcome=c.DecisionOutcome.APPROVED,
        basis=BASIS,
    )
    return application_deliver(
        application=app, actor=reviewer, method=c.DeliveryMethod.WINDOW
    )


def applications(one: County, applicant, *, submitted=0, accepted=0, delivered_=0):
    """Applications in ``one`` county taken through the real services."""
    made = []
    for stage, count in (("submitted", submitted), ("accepted", accepted)):
        for _ in range(count):
            made.append(
                ApplicationFactory(
                    implementation=one.implementation,
                    applicant=applicant,
                    clerk=one.clerk,
                    stage=stage,
                )
            )
    for _ in range(delivered_):
        app = ApplicationFactory(
            implementation=one.implementation,
            applicant=applicant,
            clerk=one.clerk,
            accepted=True,
        )
        made.append(delivered(app, one.reviewer))
    return made
