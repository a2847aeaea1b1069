import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _notify_dir(settings, tmp_path):
    """A fresh folder for the SMS file and the development ledgers of message
    ids: outbox ids restart with every test database."""
    settings.NOTIFY_FILE_DIR = tmp_path / "notify"
