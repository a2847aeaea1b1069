import pytest

from supervision import figures
from tests.integration.conftest import (  # noqa: F401 - the real worker's fixtures
    celery_worker_process,
    real_celery,
)
from tests.shared_data import built_for_module, fresh

from . import dataset


@pytest.fixture(autouse=True)
def _applications_alone():
    """The figures are about routed cases: workflow's hooks stay ON here
    (overrides tests/supervision/conftest.py's fixture of the same name)."""
    yield


def _built() -> dataset.DataSet:
    data = dataset.build()
    figures.refresh_pending()
    return data


@pytest.fixture(scope="module")
def _module_march(django_db_setup, django_db_blocker):
    """Built once per module through the real services (tests/shared_data.py)."""
    yield from built_for_module(django_db_blocker, _built)


@pytest.fixture
def march(_module_march, db):
    """The hand-built data set (tests/supervision/figures/dataset.py), refreshed."""
    return fresh(_module_march)
