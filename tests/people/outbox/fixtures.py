import pytest

FILE_BACKEND = "people.outbox.backends.FileSmsBackend"


@pytest.fixture
def sms_dir(settings, tmp_path):
    """SMS through the file backend into a fresh folder; yields the folder."""
    settings.SMS_BACKEND = FILE_BACKEND
    settings.NOTIFY_FILE_DIR = tmp_path / "notify"
    return settings.NOTIFY_FILE_DIR
