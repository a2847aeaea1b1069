import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _evidence_key_dir(settings, tmp_path):
    """Signing keys made by a test (evidence, load_demo) go to its own folder."""
    settings.EVIDENCE_KEY_DIR = tmp_path / "evidence-keys"
    settings.EVIDENCE_SIGNING_KEYS = ""


@pytest.fixture(autouse=True)
def _notify_dir(settings, tmp_path):
    """A fresh folder for the SMS file and the development ledgers of message
    ids: outbox ids restart with every test database."""
    settings.NOTIFY_FILE_DIR = tmp_path / "notify"


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language: a request in English leaves
    English active in the thread (LocaleMiddleware does not reset it), and
    translated messages would then depend on the order tests run in."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
