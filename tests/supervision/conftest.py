import pytest

from applications import constants as c
from applications.services.decision import application_decide, application_deliver
from portal.roles import Role
from tests.applications.factories import (
    ApplicationFactory,
    citizen,
    clerk_at,
    hall_and_implementation,
)
from tests.applications.lifecycle.helpers import in_review
from tests.factories import DepartmentFactory, staff

BASIS = "《食品经营许可管理办法》第十条，经审查符合条件"


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
def department(implementation):
    return implementation.department


@pytest.fixture
def clerk(hall, department):
    user = clerk_at(hall, "clerk-sv")
    user.staff_profile.department = department
    user.staff_profile.save()
    return user


@pytest.fixture
def applicant():
    return citizen("zhaxi", full_name="扎西次仁")


@pytest.fixture
def reviewer(department):
    return staff("reviewer-sv", Role.REVIEWER, department=department)


@pytest.fixture
def head(department):
    user = staff("head-sv", Role.DEPARTMENT_HEAD, department=department)
    user.email = "head@example.cn"
    user.save()
    return user


@pytest.fixture
def other_head():
    return staff("head-other", Role.DEPARTMENT_HEAD, department=DepartmentFactory())


@pytest.fixture
def supervisor():
    user = staff("supervisor-sv", Role.SUPERVISOR)
    user.email = "sup@example.cn"
    user.save()
    return user


@pytest.fixture
def make(implementation, applicant, clerk):
    def build(**traits):
        return ApplicationFactory(
            implementation=implementation, applicant=applicant, clerk=clerk, **traits
        )

    return build


@pytest.fixture
def delivered(make, reviewer):
    """A completed application: approved and delivered."""
    app = in_review(make(accepted=True), reviewer)
    app = application_decide(
        application=app, actor=reviewer, outcome=c.DecisionOutcome.APPROVED, basis=BASIS
    )
    return application_deliver(
        application=app, actor=reviewer, method=c.DeliveryMethod.WINDOW
    )


@pytest.fixture(autouse=True)
def _applications_alone(without_workflow):
    """Supervision's tests complete applications with applications' own
    lifecycle services (in review, decide, deliver), as a lower layer is
    without workflow's routing; what routing adds is tested in tests/workflow."""
