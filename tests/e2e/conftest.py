"""Browser tests: Playwright driving Debian's Chromium (never a downloaded build)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between page actions are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# E2E_SCREENSHOTS: where shots go (default: tests/e2e/screenshots).
SCREENSHOTS = Path(
    os.environ.get("E2E_SCREENSHOTS") or Path(__file__).parent / "screenshots"
)
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


# Every page of every browser test is watched: a console error (a failed
# load, an uncaught exception, anything the Content-Security-Policy refused)
# or a securitypolicyviolation event fails the test. The event is reported
# from the page through an exposed function, so none is lost to a navigation.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__e2eViolation(JSON.stringify({
    page: location.href, directive: e.violatedDirective, blocked: e.blockedURI,
    source: e.sourceFile, line: e.lineNumber, sample: e.sample
  }));
}, true);
"""


class BrowserProblems:
    """What the pages of one test reported, minus what the test expects."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.expected: list[re.Pattern] = []

    def expect(self, pattern: str) -> None:
        """Allow console errors matching ``pattern`` (a test asking for a 404)."""
        self.expected.append(re.compile(pattern))

    def add(self, text: str) -> None:
        self.seen.append(text)

    def unexpected(self) -> list[str]:
        return [p for p in self.seen if not any(e.search(p) for e in self.expected)]


def watch(context, problems: BrowserProblems) -> None:
    context.expose_function(
        "__e2eViolation", lambda data: problems.add(f"CSP violation {data}")
    )
    context.add_init_script(CSP_WATCH)

    def attach(page):
        page.on(
            "console",
            lambda m: (
                m.type == "error"
                and problems.add(f"console error on {page.url}: {m.text} {m.location}")
            ),
        )
        page.on("pageerror", lambda e: problems.add(f"page error on {page.url}: {e}"))

    context.on("page", attach)


@pytest.fixture(params=["phone", "desktop"])
def page(request, browser, live_server):
    size = PHONE if request.param == "phone" else DESKTOP
    context = browser.new_context(
        viewport=size, locale="zh-CN", is_mobile=request.param == "phone"
    )
    problems = BrowserProblems()
    watch(context, problems)
    page = context.new_page()
    page.base_url = live_server.url
    page.size_name = request.param
    page.problems = problems
    yield page
    # Late reports (an event after the last action) arrive with this round trip.
    if not page.is_closed():
        page.evaluate("1")
    context.close()
    unexpected = problems.unexpected()
    assert not unexpected, "the browser reported:\n" + "\n".join(unexpected)


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}-{page.size_name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
