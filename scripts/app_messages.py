"""Refresh the per-app English catalogs: <app>/locale/en/LC_MESSAGES/django.po.

Usage: .venv/bin/python scripts/app_messages.py [app ...]  (default: all five)

``manage.py makemessages`` run inside an app directory still writes to
LOCALE_PATHS[0] (locale/, the shared catalog) when the setting is present, so
this runs it in each app with LOCALE_PATHS emptied: the app's messages land in
the app's own catalog, which merges apart from other branches. Then:

- entries already in the app's catalog are kept as they are (an app catalog
  may also hold messages of the shared templates, e.g. portal's security
  pages), so nothing translated is lost and nothing is fuzzy-matched;
- new entries take their English from locale/en when it has them;
- the rest come in empty, and tests/portal/test_error_i18n.py fails until
  each has its English; then run this again to write the .mo (kept in git).

Needs GNU gettext (msgcat, msgmerge), as makemessages does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "portal",
    "people",
    "catalog",
    "evidence",
    "applications",
    "workflow",
    "supervision",
)
SHARED = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"


def refresh(app: str, call_command) -> Path:
    app_dir = ROOT / app
    po = app_dir / "locale" / "en" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old.po"
        if po.exists():
            shutil.move(po, old)
        os.chdir(app_dir)
        call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)
        fresh = Path(tmp) / "fresh.po"
        shutil.move(po, fresh)
        merged = Path(tmp) / "merged.po"
        sources = [old, fresh] if old.exists() else [fresh]
        subprocess.run(["msgcat", "--use-first", "-o", merged, *sources], check=True)
        subprocess.run(
            [
                "msgmerge",
                "--quiet",
                "--no-fuzzy-matching",
                "--compendium",
                SHARED,
                "-o",
                po,
                merged,
                merged,
            ],
            check=True,
        )
    # What compilemessages does, for this catalog alone.
    subprocess.run(
        ["msgfmt", "--check-format", "-o", po.with_suffix(".mo"), po], check=True
    )
    return po


def main(apps: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.LOCALE_PATHS = []
    for app in apps:
        print(refresh(app, call_command).relative_to(ROOT))


if __name__ == "__main__":
    main(sys.argv[1:] or list(APPS))
