import pytest

from tests.factories import RegionFactory

from .factories import department, head, reviewer, routed_item


@pytest.fixture(autouse=True)
def _sms_to_file(settings, tmp_path):
    settings.SMS_BACKEND = "people.outbox.backends.FileSmsBackend"
    settings.NOTIFY_FILE_DIR = tmp_path / "notify"


@pytest.fixture
def region():
    return RegionFactory()


@pytest.fixture
def deps(region):
    """Five departments of Kangding."""
    names = ["市场监管局", "公安局", "税务局", "消防救援大队", "卫生健康局"]
    return [department(n, region=region) for n in names]


@pytest.fixture
def reviewers(deps):
    return [reviewer(d) for d in deps]


@pytest.fixture
def heads(deps):
    return [head(d) for d in deps]


@pytest.fixture
def five_then_one(deps):
    """Stage 1: five departments in parallel; stage 2: the first one again."""
    return routed_item([deps, [deps[0]]], lead=deps[0], law_limits=True)
