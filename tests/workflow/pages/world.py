"""A small routed world for the workflow pages: one hall, a two-stage process
across two departments, and the wrong users the pages must answer 404.

Everything goes through the real services: the application is submitted and
accepted by the hall's clerk, and acceptance opens the case (workflow's
on_accepted handler), so the pages see what production would.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catalog.models import Material, ProcessStage, ProcessStep
from people.codes import make_credit_code
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

ITEM_NAME = "餐饮店开办"


@dataclass
class World:
    hall: object
    other_hall: object
    market: object  # 市场监督管理局: stage 1 and the stage 2 decision
    fire: object  # 消防救援大队: stage 1, needs a site visit
    outsider: object  # a department with no task on the case
    version: object
    implementation: object
    users: dict = field(default_factory=dict)
    application: object = None
    case: object = None

    def task(self, department):
        return self.case.tasks.get(department=department, stage__order=1)


def _department(name: str, n: int, region, kind: str):
    return DepartmentFactory(
        name=name,
        credit_code=make_credit_code(f"11513301MW{n:07d}"),
        region=region,
        kind=kind,
    )


def restaurant_version(market, fire):
    """A licensing item with two stages: 并联审查 (market + fire), 许可决定 (market)."""
    from catalog.services import version_publish

    version = VersionFactory(
        with_children=False,
        item__name=ITEM_NAME,
        name=ITEM_NAME,
        form_schema=FORM_SCHEMA,
        review_body="康定市人民政府",
        litigation_body="康定市人民法院",
    )
    for i, spec in enumerate(
        [
            {"name": "营业执照"},
            {"name": "经营场所平面图"},
            {"name": "其他补充材料", "necessity": "optional"},
        ],
        start=1,
    ):
        Material.objects.create(version=version, order=i, **spec)
    first = ProcessStage.objects.create(version=version, order=1, name="并联审查")
    ProcessStep.objects.create(
        stage=first, order=1, name="食品经营许可审查", department=market, limit_days=5
    )
    ProcessStep.objects.create(
        stage=first,
        order=2,
        name="消防安全检查",
        department=fire,
        limit_days=5,
        site_inspection=True,
    )
    second = ProcessStage.objects.create(version=version, order=2, name="许可决定")
    ProcessStep.objects.create(
        stage=second, order=1, name="作出许可决定", department=market, limit_days=3
    )
    return version_publish(version=version, actor=UserFactory(username="wf-editor"))


def build_world(*, accept: bool = True) -> World:
    region = RegionFactory()
    hall = ServiceHallFactory(
        name="康定市政务服务中心",
        region=region,
        address="康定市炉城镇光明路1号",
        phone="0836-2812345",
    )
    other_hall = ServiceHallFactory(
        name="泸定县政务服务中心", region=RegionFactory(code="513322", name="泸定县")
    )
    market = _department("康定市市场监督管理局", 1, region, "市场监管")
    fire = _department("康定市消防救援大队", 2, region, "消防")
    outsider = _department("康定市自然资源局", 3, region, "自然资源")
    version = restaurant_version(market, fire)
    implementation = implementation_for(
        version, department=market, region=region, hall=hall
    )
    users = {
        "reviewer": staff("wf-reviewer", Role.REVIEWER, department=market),
        "reviewer2": staff("wf-reviewer2", Role.REVIEWER, department=market),
        "head": staff("wf-head", Role.DEPARTMENT_HEAD, department=market),
        "fire_reviewer": staff("wf-fire", Role.REVIEWER, department=fire),
        "fire_head": staff("wf-fire-head", Role.DEPARTMENT_HEAD, department=fire),
        "other_reviewer": staff("wf-other", Role.REVIEWER, department=outsider),
        "other_head": staff("wf-other-head", Role.DEPARTMENT_HEAD, department=outsider),
        "applicant": citizen("wf-citizen", full_name="扎西次仁"),
        "other_citizen": citizen("wf-citizen2", full_name="卓玛"),
        "clerk": clerk_at(hall, "wf-clerk"),
        "other_clerk": clerk_at(other_hall, "wf-clerk2"),
    }
    for key in ("reviewer", "reviewer2", "head", "fire_reviewer"):
        user = users[key]
        user.display_name = {
            "reviewer": "王审核",
            "reviewer2": "李审核",
            "head": "张科长",
            "fire_reviewer": "赵消防",
        }[key]
        user.save(update_fields=["display_name"])
    world = World(
        hall=hall,
        other_hall=other_hall,
        market=market,
        fire=fire,
        outsider=outsider,
        version=version,
        implementation=implementation,
        users=users,
    )
    world.application = ApplicationFactory(
        stage="accepted" if accept else "submitted",
        implementation=implementation,
        applicant=users["applicant"],
        clerk=users["clerk"],
    )
    if accept:
        world.case = world.application.case
    return world
