import pytest

from supervision import figures
from tests.integration.conftest import (  # noqa: F401 - the real worker's fixtures
    celery_worker_process,
    real_celery,
)

from . import dataset


@pytest.fixture(autouse=True)
def _applications_alone():
    """The figures are about routed cases: workflow's hooks stay ON here
    (overrides tests/supervision/conftest.py's fixture of the same name)."""
    yield


@pytest.fixture
def march():
    """The hand-built data set (tests/supervision/figures/dataset.py), refreshed."""
    data = dataset.build()
    figures.refresh_pending()
    return data
