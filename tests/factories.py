"""Shared factories: fixed defaults, named traits, no random statuses."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from catalog import constants as c
from catalog.models import (
    Department,
    Implementation,
    Material,
    ProcessStage,
    ProcessStep,
    Region,
    ServiceHall,
    ServiceItem,
    ServiceItemVersion,
    StaffProfile,
    Theme,
)
from people.codes import make_credit_code
from portal.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("Demo-pass-2026")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            group, _ = Group.objects.get_or_create(name=str(role))
            self.groups.add(group)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "513301"
    name = "康定市"
    level = c.RegionLevel.COUNTY


def ganzi_regions() -> dict[str, Region]:
    """Sichuan > Ganzi > Kangding, Luding, with one township."""
    sc = RegionFactory(code="510000", name="四川省", level=c.RegionLevel.PROVINCE)
    gz = RegionFactory(
        code="513300", name="甘孜藏族自治州", level=c.RegionLevel.PREFECTURE, parent=sc
    )
    kd = RegionFactory(
        code="513301", name="康定市", level=c.RegionLevel.COUNTY, parent=gz
    )
    ld = RegionFactory(
        code="513322", name="泸定县", level=c.RegionLevel.COUNTY, parent=gz
    )
    lc = RegionFactory(
        code="513301100", name="炉城街道", level=c.RegionLevel.TOWNSHIP, parent=kd
    )
    return {"510000": sc, "513300": gz, "513301": kd, "513322": ld, "513301100": lc}


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("credit_code",)

    name = factory.Sequence(lambda n: f"康定市测试局{n}")
    credit_code = factory.Sequence(lambda n: make_credit_code(f"11513301MB{n:07d}"))
    region = factory.SubFactory(RegionFactory)
    level = c.AuthorityLevel.COUNTY
    kind = "市场监管"


class ServiceHallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceHall

    name = factory.Sequence(lambda n: f"康定市政务服务中心{n}")
    region = factory.SubFactory(RegionFactory)
    address = "康定市炉城镇光明路1号"
    hours = "周一至周五 9:00-12:00, 14:00-17:30"


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("code",)

    code = "birth"
    name = "生育收养"
    audience = c.ThemeAudience.PERSONAL


GOOD_VERSION_FIELDS = dict(
    legal_bases=[{"law": "《中华人民共和国行政许可法》", "article": "第二十九条"}],
    power_source="法定本级行使",
    authority_level="县级",
    acceptance_conditions=["申请人为中国公民"],
    served_parties=[c.ServedParty.NATURAL],
    statutory_limit_value=20,
    promised_limit_value=10,
    channels=[c.Channel.WINDOW, c.Channel.ONLINE],
    depth=c.OnlineDepth.ONLINE,
    depth_flags=[1, 2, 3, 4, 5, 6],
    visits=1,
    visits_reason="领取证件需本人到场",
    consult_channels="0836-2812345",
    complaint_channels="12345政务服务便民热线",
    results=[{"type": "证照", "name": "许可证"}],
    place="康定市政务服务中心",
    hours="工作日 9:00-17:30",
    form_schema={
        "type": "object",
        "required": ["contact_phone"],
        "properties": {"contact_phone": {"type": "string", "title": "联系电话"}},
    },
)


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItem
        django_get_or_create = ("basic_code",)

    basic_code = factory.Sequence(lambda n: f"00011{n:07d}")
    name = factory.Sequence(lambda n: f"测试事项{n}")
    item_type = c.ItemType.LICENSING


class VersionFactory(factory.django.DjangoModelFactory):
    """A complete draft that passes every guide rule (traits: published)."""

    class Meta:
        model = ServiceItemVersion
        skip_postgeneration_save = True

    item = factory.SubFactory(ServiceItemFactory)
    version = 1
    name = factory.LazyAttribute(lambda o: o.item.name)
    item_type = factory.LazyAttribute(lambda o: o.item.item_type)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        fields = dict(GOOD_VERSION_FIELDS)
        fields.update(kwargs)
        version = super()._create(model_class, *args, **fields)
        return version

    @factory.post_generation
    def with_children(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        department = kwargs.get("department") or DepartmentFactory()
        Material.objects.create(version=self, order=1, name="居民身份证")
        Material.objects.create(
            version=self, order=2, name="申请表", medium=c.MaterialMedium.ELECTRONIC
        )
        stage = ProcessStage.objects.create(version=self, order=1, name="审查")
        ProcessStep.objects.create(
            stage=stage, order=1, name="审核", department=department, limit_days=5
        )


def published_version(**kwargs) -> ServiceItemVersion:
    """Create an item and publish its first version through the real service."""
    from catalog.services import version_publish

    editor = UserFactory(username="factory-editor")
    version = VersionFactory(**kwargs)
    return version_publish(version=version, actor=editor)


def staff(username: str, role: str, *, department=None, hall=None, region=None) -> User:
    user = UserFactory(username=username, roles=[role])
    StaffProfile.objects.update_or_create(
        user=user, defaults={"department": department, "hall": hall, "region": region}
    )
    return user


def implementation_for(
    version: ServiceItemVersion, *, department=None, region=None, hall=None
) -> Implementation:
    from catalog.services import implementation_create

    department = department or DepartmentFactory()
    region = region or department.region
    return implementation_create(
        item=version.item,
        region=region,
        department=department,
        code=department.credit_code + "4" + version.item.basic_code,
        actor=UserFactory(username="factory-editor"),
        hall=hall,
    )
