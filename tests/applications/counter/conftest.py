import pytest

from portal.roles import Role
from tests.applications.factories import (
    agent_user,
    citizen,
    clerk_at,
    hall_and_implementation,
)
from tests.factories import RegionFactory, ServiceHallFactory, UserFactory

from .helpers import food_version


@pytest.fixture(autouse=True)
def _sms_to_file(settings, tmp_path):
    settings.SMS_BACKEND = "people.outbox.backends.FileSmsBackend"
    settings.NOTIFY_FILE_DIR = tmp_path / "notify"


@pytest.fixture
def version():
    return food_version()


@pytest.fixture
def hall_impl(version):
    region = RegionFactory()
    hall = ServiceHallFactory(
        name="康定市政务服务中心",
        region=region,
        address="康定市炉城镇光明路1号",
        phone="0836-2812345",
    )
    return hall_and_implementation(version, hall=hall, region=region)


@pytest.fixture
def hall(hall_impl):
    return hall_impl[0]


@pytest.fixture
def implementation(hall_impl):
    return hall_impl[1]


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
def applicant():
    return citizen("zhaxi", full_name="扎西次仁")


@pytest.fixture
def other_citizen():
    return citizen("dolma", full_name="卓玛")


@pytest.fixture
def agent():
    return agent_user("agent-lc")


@pytest.fixture
def reviewer():
    return UserFactory(username="reviewer", roles=[Role.REVIEWER])
