import pytest


@pytest.fixture(autouse=True)
def _applications_alone(without_workflow):
    """applications' tests run without workflow's hooks (tests/conftest.py)."""
