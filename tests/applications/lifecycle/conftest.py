import pytest

from portal.roles import Role
from tests.applications.factories import (
    ApplicationFactory,
    citizen,
    clerk_at,
    hall_and_implementation,
)
from tests.factories import staff


@pytest.fixture(autouse=True)
def _sms_to_file(settings, tmp_path):
    settings.SMS_BACKEND = "people.outbox.backends.FileSmsBackend"
    settings.NOTIFY_FILE_DIR = tmp_path / "notify"


@pytest.fixture
def hall_impl():
    return hall_and_implementation()


@pytest.fixture
def hall(hall_impl):
    return hall_impl[0]


@pytest.fixture
def implementation(hall_impl):
    return hall_impl[1]


@pytest.fixture
def clerk(hall):
    return clerk_at(hall, "clerk-lc")


@pytest.fixture
def applicant():
    return citizen("zhaxi", full_name="扎西次仁")


@pytest.fixture
def reviewer(implementation):
    return staff("reviewer-lc", Role.REVIEWER, department=implementation.department)


@pytest.fixture
def other_reviewer():
    from tests.factories import DepartmentFactory

    return staff("reviewer-other", Role.REVIEWER, department=DepartmentFactory())


@pytest.fixture
def make(implementation, applicant, clerk):
    """ApplicationFactory at a stage, sharing this test's item, applicant and clerk."""

    def build(**traits):
        return ApplicationFactory(
            implementation=implementation, applicant=applicant, clerk=clerk, **traits
        )

    return build
