import pytest

from catalog import constants as cc
from tests.applications.factories import (
    agent_user,
    applicable_version,
    citizen,
    clerk_at,
    hall_and_implementation,
)
from tests.factories import RegionFactory, ServiceHallFactory


@pytest.fixture
def version():
    return applicable_version()


@pytest.fixture
def hall_impl(version):
    return hall_and_implementation(version)


@pytest.fixture
def hall(hall_impl):
    return hall_impl[0]


@pytest.fixture
def implementation(hall_impl):
    return hall_impl[1]


@pytest.fixture
def optional_implementation():
    """Only optional materials: submits with form data alone (the bench's shape)."""
    version = applicable_version(
        materials=[
            {"name": "补充说明", "necessity": cc.MaterialNecessity.OPTIONAL},
            {"name": "其他材料", "necessity": cc.MaterialNecessity.OPTIONAL},
        ]
    )
    return hall_and_implementation(version)[1]


@pytest.fixture
def applicant():
    return citizen("zhaxi", full_name="扎西")


@pytest.fixture
def other_citizen():
    return citizen("dolma", full_name="卓玛")


@pytest.fixture
def clerk(hall):
    return clerk_at(hall, "clerk-kd")


@pytest.fixture
def other_hall():
    return ServiceHallFactory(
        name="泸定县政务服务中心",
        region=RegionFactory(code="513322", name="泸定县"),
    )


@pytest.fixture
def other_clerk(other_hall):
    return clerk_at(other_hall, "clerk-ld")


@pytest.fixture
def agent():
    return agent_user("agent-lc")
