"""A routed joint case and the people around it, for the workflow API tests.

Item: stage 1 in parallel by 市场监管 (dept A) and 公安 (dept B), stage 2 by
税务 (dept D). One application accepted at hall 1 (the routing hook opens
stage 1's two tasks). People: reviewers and heads of A and B, a reviewer of
D, a reviewer and a head of dept C (no task on the case), the applicant,
another citizen, the clerk of hall 1 and the clerk of hall 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from applications.models import Application
from applications.services.acceptance import application_accept
from catalog.models import Material, ProcessStage, ProcessStep
from catalog.services import version_publish
from portal.roles import Role
from tests.applications.factories import (
    FORM_SCHEMA,
    ApplicationFactory,
    citizen,
    clerk_at,
)
from tests.factories import (
    DepartmentFactory,
    RegionFactory,
    ServiceHallFactory,
    UserFactory,
    VersionFactory,
    implementation_for,
    staff,
)
from workflow.models import Task


@pytest.fixture(autouse=True)
def _sms_to_file(settings, tmp_path):
    settings.SMS_BACKEND = "people.outbox.backends.FileSmsBackend"
    settings.NOTIFY_FILE_DIR = tmp_path / "notify"


@dataclass
class Desk:
    app: Application
    task_a: Task
    task_b: Task
    users: dict
    departments: dict
    impl: object

    def client(self, who: str) -> APIClient:
        client = APIClient()
        if who != "anon":
            client.force_authenticate(self.users[who])
        return client


def joint_version(dept_a, dept_b, dept_d, *, statutory: int = 20):
    version = VersionFactory(
        with_children=False,
        form_schema=FORM_SCHEMA,
        statutory_limit_value=statutory,
    )
    Material.objects.create(version=version, order=1, name="居民身份证")
    first = ProcessStage.objects.create(version=version, order=1, name="并联审查")
    ProcessStep.objects.create(
        stage=first, order=1, name="市场监管审查", department=dept_a, limit_days=3
    )
    ProcessStep.objects.create(
        stage=first, order=2, name="公安审查", department=dept_b, limit_days=5
    )
    second = ProcessStage.objects.create(version=version, order=2, name="出具结果")
    ProcessStep.objects.create(
        stage=second, order=1, name="涉税事项", department=dept_d, limit_days=1
    )
    return version_publish(version=version, actor=UserFactory(username="wf-editor"))


def build_desk() -> Desk:
    region = RegionFactory(code="513301", name="康定市")
    dept_a = DepartmentFactory(name="康定市市场监督管理局", region=region)
    dept_b = DepartmentFactory(name="康定市公安局", region=region, kind="公安")
    dept_c = DepartmentFactory(name="康定市民政局", region=region, kind="民政")
    hall1 = ServiceHallFactory(name="康定市政务服务中心", region=region)
    hall2 = ServiceHallFactory(
        name="泸定县政务服务中心", region=RegionFactory(code="513322", name="泸定县")
    )
    dept_d = DepartmentFactory(name="康定市税务局", region=region, kind="税务")
    version = joint_version(dept_a, dept_b, dept_d)
    impl = implementation_for(version, department=dept_a, region=region, hall=hall1)
    users = {
        "reviewer_a": staff("reviewer-a", Role.REVIEWER, department=dept_a),
        "reviewer_a2": staff("reviewer-a2", Role.REVIEWER, department=dept_a),
        "head_a": staff("head-a", Role.DEPARTMENT_HEAD, department=dept_a),
        "reviewer_b": staff("reviewer-b", Role.REVIEWER, department=dept_b),
        "head_b": staff("head-b", Role.DEPARTMENT_HEAD, department=dept_b),
        "reviewer_c": staff("reviewer-c", Role.REVIEWER, department=dept_c),
        "head_c": staff("head-c", Role.DEPARTMENT_HEAD, department=dept_c),
        "reviewer_d": staff("reviewer-d", Role.REVIEWER, department=dept_d),
        "applicant": citizen("citizen-a", full_name="扎西"),
        "citizen_b": citizen("citizen-b", full_name="卓玛"),
        "clerk1": clerk_at(hall1, "clerk-1"),
        "clerk2": clerk_at(hall2, "clerk-2"),
        "nobody": UserFactory(username="nobody"),
    }
    app = ApplicationFactory(
        accepted=True,
        implementation=impl,
        applicant=users["applicant"],
        clerk=users["clerk1"],
    )
    tasks = {
        t.department_id: t
        for t in Task.objects.filter(case__application=app, stage__order=1)
    }
    assert set(tasks) == {dept_a.pk, dept_b.pk}, "routing opened stage 1"
    return Desk(
        app=app,
        task_a=tasks[dept_a.pk],
        task_b=tasks[dept_b.pk],
        users=users,
        departments={"a": dept_a, "b": dept_b, "c": dept_c, "d": dept_d},
        impl=impl,
    )


@pytest.fixture
def desk(db) -> Desk:
    return build_desk()


def more_applications(desk: Desk, n: int) -> list[Application]:
    """``n`` more accepted applications of the same item (tasks for A and B)."""
    out = []
    for _ in range(n):
        app = ApplicationFactory(
            submitted=True,
            implementation=desk.impl,
            applicant=desk.users["applicant"],
        )
        out.append(application_accept(application=app, clerk=desk.users["clerk1"]))
    return out
