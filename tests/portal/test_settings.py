import re
from pathlib import Path

from portal.settings.env import VARIABLES

ROOT = Path(__file__).resolve().parents[2]


def test_env_example_lists_every_variable():
    text = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^([A-Z_]+)=", text, flags=re.MULTILINE))
    assert listed == set(VARIABLES)


def test_no_settings_module_reads_os_environ_directly():
    for path in (ROOT / "portal" / "settings").glob("*.py"):
        if path.name == "env.py":
            continue
        assert "os.environ" not in path.read_text(), path.name
