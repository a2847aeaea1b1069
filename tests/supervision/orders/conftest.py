"""Orders and the card board: real workflow cases with cards, two counties.

Unlike the rest of tests/supervision (applications alone), cards need
workflow's routing and deadline handlers, so its hooks stay registered.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from portal import clocks
from portal.roles import Role
from tests.factories import ganzi_regions, staff
from tests.workflow.factories import accepted, case_of, department, routed_item

TZ = timezone.get_default_timezone()


def at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(
        dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=TZ
    )


@pytest.fixture(autouse=True)
def _applications_alone():
    """Overrides tests/supervision's fixture: workflow's hooks stay on here."""


def _with_email(user, email):
    user.email = email
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def world():
    regions = ganzi_regions()
    kd, ld = regions["513301"], regions["513322"]
    dep_kd = department("康定市市场监管局", region=kd)
    dep_ld = department("泸定县市场监管局", region=ld)
    head_kd = _with_email(
        staff("head-kd", Role.DEPARTMENT_HEAD, department=dep_kd), "head-kd@x.cn"
    )
    head_ld = _with_email(
        staff("head-ld", Role.DEPARTMENT_HEAD, department=dep_ld), "head-ld@x.cn"
    )
    reviewer_kd = staff("rev-kd", Role.REVIEWER, department=dep_kd)
    sup = _with_email(
        staff("sup-gz", Role.SUPERVISOR, region=regions["513300"]), "sup-gz@x.cn"
    )
    sup_kd = _with_email(staff("sup-kd", Role.SUPERVISOR, region=kd), "sup-kd@x.cn")
    sup_ld = _with_email(staff("sup-ld", Role.SUPERVISOR, region=ld), "sup-ld@x.cn")
    with time_machine.travel(at("2026-03-02"), tick=False):
        app_kd = accepted(routed_item([[dep_kd]], lead=dep_kd))
        app_ld = accepted(routed_item([[dep_ld]], lead=dep_ld))
    return {
        "kd": kd,
        "ld": ld,
        "dep_kd": dep_kd,
        "dep_ld": dep_ld,
        "head_kd": head_kd,
        "head_ld": head_ld,
        "reviewer_kd": reviewer_kd,
        "sup": sup,
        "sup_kd": sup_kd,
        "sup_ld": sup_ld,
        "app_kd": app_kd,
        "app_ld": app_ld,
        "case_kd": case_of(app_kd),
        "case_ld": case_of(app_ld),
    }


@pytest.fixture
def carded(world):
    """Both tasks (5 working days from 2026-03-02, due 03-09) red by 03-12."""
    with time_machine.travel(at("2026-03-12", 0, 5), tick=False):
        clocks.deadlines_sweep()
    return world
