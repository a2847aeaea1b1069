"""The department desks in Chromium: a reviewer signs in with two factors,
claims a task and approves it; the pages of issue 9 are looked at (inbox,
task with materials, decision, head's desk, timeline, explain) at both sizes,
with every console error and CSP violation failing the test (conftest)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from portal.clocks import deadlines_sweep
from tests.applications.factories import ApplicationFactory, citizen
from tests.security.otp import enrol, totp_code
from tests.workflow.pages.world import build_world
from workflow.models import Task
from workflow.services.extensions import extension_request
from workflow.services.tasks import task_claim, task_comment, task_decide

from .conftest import shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, user) -> None:
    """A staff session for ``user`` in the browser, without the login pages."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": page.base_url,
            }
        ]
    )


def test_a_reviewer_claims_and_approves_a_task(page):
    world = build_world()
    reviewer = world.users["reviewer"]
    reviewer.set_password("Gz-review-pass-2026")
    reviewer.save()
    device = enrol(reviewer)

    page.goto(f"{page.base_url}/accounts/login/?next=/desk/tasks/")
    page.fill("#id_username", reviewer.username)
    page.fill("#id_password", "Gz-review-pass-2026")
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url("**/accounts/login/verify/")
    page.fill("#id_code", totp_code(device))
    page.get_by_role("button", name="验证并登录").click()
    page.wait_for_url("**/desk/tasks/")

    row = page.locator("table.inbox tbody tr").filter(has_text="食品经营许可审查")
    assert "未认领" in row.inner_text()
    row.get_by_role("button", name="认领").click()
    page.wait_for_url("**/desk/tasks/")
    assert page.get_by_text("已认领，可以开始审查").count() == 1
    row = page.locator("table.inbox tbody tr").filter(has_text="食品经营许可审查")
    row.get_by_role("link", name="办理").click()

    page.get_by_label("同意", exact=True).check()
    page.get_by_role("textbox", name="审查意见").fill("食品经营条件符合规定，同意")
    page.get_by_role("button", name="提交审查决定").click()
    page.wait_for_url(re.compile(r".*/desk/tasks/\d+/#decision$"))
    assert page.get_by_text("审查决定已提交").count() == 1
    task = world.task(world.market)
    task.refresh_from_db()
    assert task.state == "approved" and task.decided_by == reviewer


def _busy_world():
    """The world, plus cases accepted earlier: overdue, due soon, on time."""
    world = build_world()
    now = timezone.now()
    for days_ago in (14, 9, 6, 2):
        with time_machine.travel(now - dt.timedelta(days=days_ago), tick=False):
            ApplicationFactory(
                stage="accepted",
                implementation=world.implementation,
                applicant=citizen(f"wf-shot-{days_ago}"),
                clerk=world.users["clerk"],
            )
    deadlines_sweep()  # the beat's sweep: yellow and red cards of the old cases
    users = world.users
    fire_task = world.task(world.fire)
    task_claim(task=fire_task, actor=users["fire_reviewer"])
    task_comment(
        task=fire_task, actor=users["fire_reviewer"], text="疏散指示标志需在开业前补齐"
    )
    task_decide(
        task=fire_task,
        actor=users["fire_reviewer"],
        outcome="approve",
        opinion="消防设施、疏散通道符合要求，同意",
    )
    task = world.task(world.market)
    task_claim(task=task, actor=users["reviewer"])
    other = Task.objects.filter(department=world.market, state="open").exclude(
        pk=task.pk
    )[0]
    task_claim(task=other, actor=users["reviewer2"])
    extension_request(
        task=other, actor=users["reviewer2"], days=5, reason="需赴现场核实经营场所"
    )
    return world, task


def test_the_workflow_pages_look_right(page):
    world, task = _busy_world()
    _sign_in(page, world.users["reviewer"])
    base = page.base_url
    app = world.application
    if page.size_name == "desktop":
        page.goto(f"{base}/desk/tasks/")
        assert page.locator("tr.red").count() >= 1
        assert page.get_by_text("已超期").count() >= 1
        shot(page, "wf-inbox")
        page.goto(f"{base}/desk/tasks/{task.pk}/")
        shot(page, "wf-task")
        page.problems.expect(r"/decide/: Failed to load resource: .* 400")
        page.get_by_label("不同意", exact=True).check()
        page.get_by_role("textbox", name="审查意见").fill("经营场所与平面图不符")
        page.get_by_role("button", name="提交审查决定").click()
        page.wait_for_load_state()
        assert page.get_by_text("不同意的，须写明法律依据").count() == 1
        shot(page, "wf-decision-error")
        page.goto(f"{base}/desk/applications/{app.pk}/timeline/")
        shot(page, "wf-timeline-staff")
        page.goto(f"{base}/deadlines/{task.clock_id}/")
        shot(page, "wf-explain")
        _sign_in(page, world.users["head"])
        page.goto(f"{base}/desk/head/")
        assert page.get_by_text("需赴现场核实经营场所").count() == 1
        assert page.locator("#escalations li").count() >= 1
        shot(page, "wf-head")
        page.goto(f"{base}/desk/tasks/{task.pk}/")
        shot(page, "wf-task-head")
    _sign_in(page, world.users["applicant"])
    page.goto(f"{base}/my/applications/{app.pk}/timeline/")
    assert page.get_by_text("消防设施、疏散通道符合要求，同意").count() == 1
    assert page.get_by_text("疏散指示标志需在开业前补齐").count() == 0
    shot(page, "wf-timeline-applicant")
    page.get_by_role("link", name="查看期限如何计算").first.click()
    page.wait_for_load_state()
    shot(page, "wf-explain-applicant")
