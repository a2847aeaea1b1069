import pytest

from tests.people.fixtures import agent, citizen, clerk, other_citizen, supervisor  # noqa: F401


@pytest.fixture(autouse=True)
def _codes_without_waiting(settings):
    """Several requests to one citizen in a row: no minute between codes here
    (the throttles have their own tests in tests/security)."""
    settings.OTP_RESEND_SECONDS = 0
    settings.OTP_PHONE_LIMIT = 100
