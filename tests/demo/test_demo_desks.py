"""Every demo process can be worked by hand: each step routes (as workflow's
routing resolves it) to a department that has a demo reviewer and head."""

from __future__ import annotations

import pytest

from catalog import models as m
from portal.roles import Role
from tests.demo.fixtures import demo_data, demo_keys  # noqa: F401
from workflow.services.routing import _resolve_departments

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]


def _staffed(role: str) -> set[int]:
    return set(
        m.StaffProfile.objects.filter(
            user__groups__name=role, user__is_active=True, department__isnull=False
        ).values_list("department_id", flat=True)
    )


def test_every_step_of_every_demo_implementation_has_a_desk():
    reviewers, heads = _staffed(Role.REVIEWER), _staffed(Role.DEPARTMENT_HEAD)
    routed = 0
    for impl in m.Implementation.objects.select_related("item__current_version"):
        steps = list(
            m.ProcessStep.objects.filter(stage__version=impl.item.current_version)
        )
        if not steps:  # a power that takes no application (penalty, inspection)
            assert impl.item.item_type in {"02", "03", "06"}, impl.code
            continue
        departments = _resolve_departments(steps, impl.region_id)
        for step in steps:
            department = departments[step.pk]
            assert department in reviewers, (impl.code, step.name)
            assert department in heads, (impl.code, step.name)
            routed += 1
    assert routed > 100


def test_the_five_departments_of_enterprise_opening_in_kangding():
    impl = m.Implementation.objects.get(
        item__name="企业开办", department__name="康定市市场监督管理局"
    )
    stages = list(impl.item.current_version.stages.prefetch_related("steps"))
    parallel = list(stages[1].steps.all())
    departments = _resolve_departments(parallel, impl.region_id)
    names = set(
        m.Department.objects.filter(pk__in=departments.values()).values_list(
            "name", flat=True
        )
    )
    assert names == {
        "康定市公安局",
        "国家税务总局康定市税务局",
        "康定市人力资源和社会保障局",
        "甘孜藏族自治州住房公积金管理中心",
        "中国农业银行股份有限公司甘孜分行",
    }
