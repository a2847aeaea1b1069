"""The rating page at phone size and the hall kiosk at tablet size, in Chromium.

Each is reached by its own links and buttons, passes the Content-Security-
Policy (the conftest watch), and is photographed before and after a rating
(tests/e2e/screenshots, or SUPERVISION_SHOTS when set).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from applications import constants as c
from applications.services.decision import application_decide, application_deliver
from portal.roles import Role
from supervision.models import Rating, Rectification
from tests.applications.factories import (
    ApplicationFactory,
    citizen,
    clerk_at,
    hall_and_implementation,
)
from tests.applications.lifecycle.helpers import in_review
from tests.factories import staff
from tests.security.otp import enrol

from .conftest import SCREENSHOTS, BrowserProblems, watch
from .test_csp_pages import PASSWORD, settle, sign_in, visit

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures(
        "without_workflow"
    ),  # applications alone, as in tests/supervision
]

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1180, "height": 820}
SHOTS = Path(os.environ.get("SUPERVISION_SHOTS") or SCREENSHOTS)


def _page(browser, live_server, size, *, mobile: bool):
    context = browser.new_context(viewport=size, locale="zh-CN", is_mobile=mobile)
    problems = BrowserProblems()
    watch(context, problems)
    page = context.new_page()
    page.base_url = live_server.url
    return context, page, problems


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _done(context, page, problems) -> None:
    page.evaluate("1")
    context.close()
    assert not problems.unexpected(), problems.unexpected()


def test_the_applicant_rates_on_a_phone(browser, live_server):
    hall, implementation = hall_and_implementation()
    applicant = citizen("rater-e2e", full_name="扎西次仁")
    applicant.set_password(PASSWORD)
    applicant.save()
    reviewer = staff(
        "reviewer-e2e", Role.REVIEWER, department=implementation.department
    )
    app = in_review(
        ApplicationFactory(
            implementation=implementation, applicant=applicant, accepted=True
        ),
        reviewer,
    )
    app = application_decide(
        application=app,
        actor=reviewer,
        outcome=c.DecisionOutcome.APPROVED,
        basis="符合条件",
    )
    application_deliver(application=app, actor=reviewer, method=c.DeliveryMethod.WINDOW)

    context, page, problems = _page(browser, live_server, PHONE, mobile=True)
    sign_in(page, "rater-e2e")
    visit(page, f"/my/applications/{app.pk}/")
    page.get_by_role("link", name="评价本次服务").click()
    settle(page)
    _shot(page, "rating-phone")
    page.get_by_label("不满意", exact=True).check()
    page.get_by_label("办理慢").check()
    page.fill("#id_comment", "跑了两次才办好")
    page.get_by_role("button", name="提交评价").click()
    settle(page)
    assert "感谢您的评价" in page.content()
    _shot(page, "rating-phone-done")
    _done(context, page, problems)
    rating = Rating.objects.get(application=app)
    assert (rating.level, rating.tags) == (2, ["slow"])
    assert Rectification.objects.filter(rating=rating).exists()


def test_the_hall_kiosk_on_a_tablet(browser, live_server):
    hall, implementation = hall_and_implementation()
    clerk = clerk_at(hall, "kiosk-e2e")
    clerk.set_password(PASSWORD)
    clerk.save()
    device = enrol(clerk)

    context, page, problems = _page(browser, live_server, TABLET, mobile=False)
    sign_in(page, "kiosk-e2e", device=device)
    visit(page, "/ratings/kiosk/")
    page.fill("#id_reference", "A017")
    page.get_by_role("button", name="开始评价").click()
    settle(page)
    _shot(page, "kiosk-tablet")
    page.get_by_role("button", name="非常满意").click()
    settle(page)
    assert "感谢您的评价" in page.content()
    _shot(page, "kiosk-tablet-done")
    _done(context, page, problems)
    assert Rating.objects.get(visit__reference="A017").level == 5
