import pytest

from tests.applications.counter.conftest import (  # noqa: F401
    _sms_to_file,
    applicant,
    clerk,
    hall,
    hall_impl,
    implementation,
    other_citizen,
    version,
)
from tests.applications.factories import agent_user


@pytest.fixture
def agent():
    return agent_user("agent-lc")


@pytest.fixture
def other_agent():
    return agent_user("agent-other")
