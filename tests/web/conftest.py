import pytest

from tests.web.data import build_sample


@pytest.fixture
def sample(db):
    return build_sample()
