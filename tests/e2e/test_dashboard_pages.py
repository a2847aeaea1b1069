"""The supervisor dashboard with its charts, a drill-down reached from a figure,
and the public performance report at phone size, in Chromium.

Each page passes the Content-Security-Policy (the conftest watch: the vendored
Chart.js must draw without inline code), and is photographed
(tests/e2e/screenshots, or SUPERVISION_SHOTS when set).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from portal.roles import Role
from supervision import figures
from supervision.services.ratings import rating_submit
from tests.applications.factories import applicable_version, citizen
from tests.factories import ganzi_regions, staff
from tests.security.otp import enrol
from tests.supervision.dashboard.data import applications, county

from .test_csp_pages import PASSWORD, settle, sign_in, visit
from .test_supervision_pages import PHONE, _done, _page, _shot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("without_workflow"),
]

DESKTOP = {"width": 1366, "height": 900}


# (days ago, Kangding's submitted/accepted/delivered, Luding's delivered):
# four weeks of applications, so the weekly charts have a shape.
HISTORY = ((21, (1, 1, 2), 0), (14, (2, 1, 3), 1), (7, (1, 2, 1), 0), (0, (2, 1, 1), 1))


def _prefecture():
    regions = ganzi_regions()
    version = applicable_version()
    kd = county(regions["513301"], version, "kd")
    ld = county(regions["513322"], version, "ld")
    now = timezone.now()
    n = 0
    for days, (sub, acc, done), ld_done in HISTORY:
        with time_machine.travel(now - timedelta(days=days), tick=True):
            for where, counts in ((kd, (sub, acc, done)), (ld, (0, 0, ld_done))):
                n += 1
                applicant = citizen(f"e2e-{n}")
                made = applications(
                    where,
                    applicant,
                    submitted=counts[0],
                    accepted=counts[1],
                    delivered_=counts[2],
                )
                for level, app in zip(
                    (5, 4, 2), made[-counts[2] :] if counts[2] else [], strict=False
                ):
                    rating_submit(application=app, user=applicant, level=level)
    figures.rebuild()
    return regions


def test_the_dashboard_charts_and_a_drill_down(browser, live_server):
    regions = _prefecture()
    supervisor = staff("sv-e2e", Role.SUPERVISOR, region=regions["513300"])
    supervisor.set_password(PASSWORD)
    supervisor.save()
    device = enrol(supervisor)

    context, page, problems = _page(browser, live_server, DESKTOP, mobile=False)
    sign_in(page, "sv-e2e", device=device)
    # A supervisor lands on the dashboard, and finds it in the menu.
    page.wait_for_url("**/oversight/dashboard/")
    settle(page)
    assert page.locator("#site-nav a[href='/oversight/dashboard/']").count() == 1
    # The charts were drawn (Chart.js sized the canvases) from their tables.
    drawn = page.eval_on_selector_all(
        "canvas[data-chart-for]",
        "cs => cs.map(c => c.width > 0 && !!Chart.getChart(c))",
    )
    assert drawn and all(drawn)
    _shot(page, "dashboard-desktop")
    figure = page.locator("table.figures tr.total td a").first
    count = figure.inner_text().strip()
    figure.click()
    settle(page)
    assert "/oversight/dashboard/drill/" in page.url
    _shot(page, "dashboard-drill")
    # The list shows as many applications as the figure that led to it.
    assert page.locator(".dash-count").inner_text().strip() == f"共 {count} 件"
    _done(context, page, problems)


def test_the_dashboard_on_a_phone(browser, live_server):
    regions = _prefecture()
    supervisor = staff("sv-e2e-phone", Role.SUPERVISOR, region=regions["513301"])
    supervisor.set_password(PASSWORD)
    supervisor.save()
    device = enrol(supervisor)
    context, page, problems = _page(browser, live_server, PHONE, mobile=True)
    sign_in(page, "sv-e2e-phone", device=device)
    visit(page, "/oversight/dashboard/")
    _shot(page, "dashboard-phone")
    # The page itself does not scroll sideways: wide tables scroll in their box.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1
    page.locator("table.figures tbody tr:first-child td a").first.click()
    settle(page)
    assert "/oversight/dashboard/drill/" in page.url
    _shot(page, "dashboard-drill-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    _done(context, page, problems)


def test_the_public_report_on_a_phone(browser, live_server):
    _prefecture()
    context, page, problems = _page(browser, live_server, PHONE, mobile=True)
    # The whole year (of most of the history): Kangding's months with 5 or
    # more applications are published, Luding's (one a month) never are.
    year = (timezone.localdate() - timedelta(days=14)).year
    visit(page, f"/performance/?year={year}")
    assert page.locator(".suppressed").count() > 0
    assert page.locator("table.figures td:not(:has(.suppressed))").count() > 0
    _shot(page, "performance-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1
    _done(context, page, problems)
