import pytest


@pytest.fixture(autouse=True)
def _evidence_keys(settings, tmp_path):
    """Each test has its own private-key folder and no keys in the environment."""
    settings.EVIDENCE_KEY_DIR = tmp_path / "evidence-keys"
    settings.EVIDENCE_SIGNING_KEYS = ""
    settings.PUBLIC_BASE_URL = "https://zwfw.example.gov.cn"
