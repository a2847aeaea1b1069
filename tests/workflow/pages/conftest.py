import pytest
from django.test import Client

from .world import build_world


@pytest.fixture(autouse=True)
def _sms_to_file(settings, tmp_path):
    settings.SMS_BACKEND = "people.outbox.backends.FileSmsBackend"
    settings.NOTIFY_FILE_DIR = tmp_path / "notify"


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def as_user(world):
    def login(key: str) -> Client:
        client = Client()
        client.force_login(world.users[key])
        return client

    return login
