"""The security settings: the demo bypass is development-only; 429s say when."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from applications import throttling
from applications.api import views as api_views

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "ci-only-not-a-real-secret-key-0123456789abcdef",
    "ID_HASH_KEY": "ci-hash-key",
    "ID_ENCRYPTION_KEY": "ci-enc-key",
    "DJANGO_ALLOWED_HOSTS": "portal.example",
}


def _settings_value(module: str, name: str, **env) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "OTP_"))
    }
    environment.update(env)
    code = (
        "import importlib, sys; "
        f"m = importlib.import_module({module!r}); "
        f"print(getattr(m, {name!r}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_the_demo_bypass():
    r = _settings_value(
        "portal.settings.production",
        "OTP_DEMO_BYPASS",
        **PRODUCTION_ENV,
        OTP_DEMO_BYPASS="1",
    )
    assert r.returncode != 0
    assert "ImproperlyConfigured" in r.stderr and "OTP_DEMO_BYPASS" in r.stderr


@pytest.mark.parametrize("debug", ["1", "0"])
def test_production_has_no_bypass_whatever_debug_says(debug):
    r = _settings_value(
        "portal.settings.production",
        "OTP_DEMO_BYPASS",
        **PRODUCTION_ENV,
        DJANGO_DEBUG=debug,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DJANGO_DEBUG": "1"}, "True"),  # make run: demo users skip it
        ({"DJANGO_DEBUG": "0"}, "False"),
        ({"DJANGO_DEBUG": "1", "OTP_DEMO_BYPASS": "0"}, "False"),
        ({"DJANGO_DEBUG": "0", "OTP_DEMO_BYPASS": "1"}, "True"),
    ],
)
def test_development_bypass_follows_debug_unless_set(env, expected):
    r = _settings_value("portal.settings.dev", "OTP_DEMO_BYPASS", **env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == expected


def test_the_suite_runs_with_the_real_second_factor(settings):
    assert settings.OTP_DEMO_BYPASS is False


@pytest.mark.django_db
def test_drf_throttles_send_retry_after(monkeypatch):
    monkeypatch.setattr(api_views.TrackThrottle, "rate", "2/min")
    monkeypatch.setattr(throttling.TrackThrottle, "rate", "2/min")
    address = "198.51.100.250"
    cache.delete(f"throttle_track_{address}")
    client = Client()
    try:
        codes = []
        for n in range(3):
            r = client.get(
                f"/api/v1/track/X{n}/", {"query_code": "ABCDEFGH"}, REMOTE_ADDR=address
            )
            codes.append(r.status_code)
    finally:
        cache.delete(f"throttle_track_{address}")
    assert codes[-1] == 429
    assert r.json()["code"] == "throttled"
    assert 0 < int(r["Retry-After"]) <= 60
