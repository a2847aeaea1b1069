"""The card board and a 督办 at desktop and phone size, in Chromium.

A supervisor opens the board, follows an application number to its
timeline, issues an order from a red card and sees the order page; the
department head answers it from their inbox on a phone. Shots go to
tests/e2e/screenshots (or SUPERVISION_SHOTS).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from portal import clocks
from portal.roles import Role
from supervision.models import SupervisionOrder
from tests.factories import ganzi_regions, staff
from tests.security.otp import enrol
from tests.workflow.factories import accepted, department, routed_item

from .conftest import DESKTOP, PHONE, SCREENSHOTS, BrowserProblems, watch
from .test_csp_pages import PASSWORD, settle, sign_in, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

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


def _user(username, role, **kw):
    user = staff(username, role, **kw)
    user.set_password(PASSWORD)
    user.save()
    return user, enrol(user)


@pytest.fixture
def overdue():
    """Three applications accepted two weeks ago, in two counties: red cards now."""
    regions = ganzi_regions()
    dep_kd = department("康定市市场监管局", region=regions["513301"])
    dep_ld = department("泸定县自然资源局", region=regions["513322"])
    started = timezone.now() - dt.timedelta(days=14)
    with time_machine.travel(started, tick=False):
        apps = [
            accepted(routed_item([[dep_kd]], lead=dep_kd)),
            accepted(routed_item([[dep_kd, dep_ld]], lead=dep_kd)),
            accepted(routed_item([[dep_ld]], lead=dep_ld)),
        ]
    clocks.deadlines_sweep()
    supervisor = _user("sup-e2e", Role.SUPERVISOR, region=regions["513300"])
    head = _user("head-e2e", Role.DEPARTMENT_HEAD, department=dep_kd)
    head[0].display_name = "格桑"
    head[0].save(update_fields=["display_name"])
    return {"apps": apps, "dep_kd": dep_kd, "supervisor": supervisor, "head": head}


def test_the_card_board_and_an_order_at_desktop_and_phone(
    browser, live_server, overdue
):
    _, device = overdue["supervisor"]
    context, page, problems = _page(browser, live_server, DESKTOP, mobile=False)
    sign_in(page, "sup-e2e", device=device)
    visit(page, "/oversight/cards/")
    assert "预警牌看板" in page.content()
    assert page.locator("tr.card-red").count() == 4
    assert "超期" in page.content()
    _shot(page, "card-board-desktop")
    number = overdue["apps"][0].number
    page.get_by_role("link", name=number).click()
    settle(page)
    assert "办理过程" in page.content()
    page.go_back()
    settle(page)
    row = page.locator("tr", has_text=number)
    row.get_by_role("link", name="下达督办").click()
    settle(page)
    _shot(page, "order-new-desktop")
    page.fill("#id_note", "该办件已超期，请说明原因并于三个工作日内办结。")
    page.fill("#id_working_days", "3")
    page.get_by_role("button", name="下达督办").click()
    settle(page)
    order = SupervisionOrder.objects.get()
    assert page.url.endswith(f"/oversight/orders/{order.pk}/")
    assert order.number in page.content()
    _shot(page, "order-desktop")
    # The same session at phone size (a second sign-in would reuse the
    # one-time code, which the second factor refuses).
    page.set_viewport_size(PHONE)
    visit(page, "/oversight/cards/")
    assert page.locator("tr.card-red").count() == 4
    _shot(page, "card-board-phone")
    visit(page, f"/oversight/orders/{order.pk}/")
    _shot(page, "order-phone")
    _done(context, page, problems)

    _, head_device = overdue["head"]
    context, page, problems = _page(browser, live_server, PHONE, mobile=True)
    sign_in(page, "head-e2e", device=head_device)
    visit(page, "/desk/head/")
    page.get_by_role("link", name="件督办待答复").click()
    settle(page)
    _shot(page, "order-inbox-phone")
    page.get_by_role("link", name=order.number).click()
    settle(page)
    page.fill("#id_answer", "已约谈经办人，办件已于今日办结。")
    page.get_by_role("button", name="提交答复").click()
    settle(page)
    assert "已答复，待审核" in page.content()
    _shot(page, "order-answered-phone")
    _done(context, page, problems)
    order.refresh_from_db()
    assert order.state == "answered"
