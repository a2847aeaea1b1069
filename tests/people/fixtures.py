"""Fixtures shared by the people and applications/people tests (conftests import them)."""

import pytest

from portal.roles import Role
from tests.factories import UserFactory, ganzi_regions, staff
from tests.people.factories import applicant


@pytest.fixture
def citizen():
    return applicant("zhaxi", full_name="扎西", first17="51330119900101123")


@pytest.fixture
def other_citizen():
    return applicant(
        "dolma", full_name="卓玛", first17="51332219850615224", phone="13900000002"
    )


@pytest.fixture
def agent():
    regions = ganzi_regions()
    return staff("agent-lucheng", Role.AGENT, region=regions["513301100"])


@pytest.fixture
def clerk():
    return staff("clerk-kd", Role.CLERK)


@pytest.fixture
def supervisor():
    return UserFactory(username="supervisor", roles=[Role.SUPERVISOR])
