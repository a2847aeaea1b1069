"""A small prefecture: Kangding and Luding, a department and a hall in each,
the same item implemented in both; supervisors of the prefecture and of
Kangding, and a department head (no supervisor)."""

from __future__ import annotations

import pytest
from django.test import Client

from portal.roles import Role
from supervision import figures
from tests.applications.factories import applicable_version, citizen
from tests.factories import ganzi_regions, staff

from .data import applications, county


@pytest.fixture
def regions():
    return ganzi_regions()


@pytest.fixture
def counties(regions):
    version = applicable_version()
    return {
        "kd": county(regions["513301"], version, "kd"),
        "ld": county(regions["513322"], version, "ld"),
    }


@pytest.fixture
def make_apps(counties):
    """``make_apps("kd", submitted=2, accepted=1, delivered=1)``: applications
    in a county through the real services, then the figures rebuilt."""
    seq = iter(range(1000))

    def build(where: str, *, submitted=0, accepted=0, delivered=0):
        applicant = citizen(f"applicant-{where}-{next(seq)}")
        made = applications(
            counties[where],
            applicant,
            submitted=submitted,
            accepted=accepted,
            delivered_=delivered,
        )
        figures.rebuild()
        return made

    return build


@pytest.fixture
def data(make_apps):
    """Kangding: 2 submitted, 1 accepted, 2 delivered; Luding: 1 accepted."""
    made = make_apps("kd", submitted=2, accepted=1, delivered=2)
    made += make_apps("ld", accepted=1)
    return made


@pytest.fixture
def prefecture_supervisor(regions):
    return staff("sv-pref", Role.SUPERVISOR, region=regions["513300"])


@pytest.fixture
def county_supervisor(regions):
    return staff("sv-kd", Role.SUPERVISOR, region=regions["513301"])


@pytest.fixture
def head(counties):
    return staff("head-kd", Role.DEPARTMENT_HEAD, department=counties["kd"].department)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
