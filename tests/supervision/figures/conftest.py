import pytest


@pytest.fixture(autouse=True)
def _applications_alone():
    """The figures are about routed cases: workflow's hooks stay ON here
    (overrides tests/supervision/conftest.py's fixture of the same name)."""
    yield
