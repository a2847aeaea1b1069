"""Browser tests: Playwright driving Debian's Chromium (never a downloaded build)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between page actions are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (make e2e-deps installs it)")
    from playwright.sync_api import sync_playwright

    user_data = tempfile.mkdtemp(prefix="e2e-chromium-")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()
    shutil.rmtree(user_data, ignore_errors=True)


@pytest.fixture(params=["phone", "desktop"])
def page(request, browser, live_server):
    size = PHONE if request.param == "phone" else DESKTOP
    context = browser.new_context(
        viewport=size, locale="zh-CN", is_mobile=request.param == "phone"
    )
    page = context.new_page()
    page.base_url = live_server.url
    page.size_name = request.param
    yield page
    context.close()


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}-{page.size_name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
