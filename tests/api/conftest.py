"""Catalog data for the API tests, built with the shared factories."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from catalog import constants as c
from catalog import services
from catalog.models import (
    CertificateType,
    Department,
    Implementation,
    Material,
    ProcessStage,
    ProcessStep,
    Region,
    ServiceItem,
    ServiceItemVersion,
    Theme,
    Window,
)
from people.codes import make_credit_code
from tests.factories import (
    DepartmentFactory,
    ServiceHallFactory,
    ThemeFactory,
    UserFactory,
    VersionFactory,
    ganzi_regions,
    implementation_for,
    published_version,
)


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def credit(region_code: str, n: int) -> str:
    return make_credit_code(f"11{region_code}MA{n:07d}")


@dataclass
class Catalog:
    regions: dict[str, Region]
    kd_market: Department  # 康定市市场监督管理局
    ld_civil: Department  # 泸定县民政局
    birth: Theme
    passport: ServiceItemVersion  # 普通护照签发: implemented in 康定, theme birth
    allowance: ServiceItemVersion  # 最低生活保障审批: implemented in 泸定, depth 4
    draft: ServiceItemVersion  # never published


def make_catalog() -> Catalog:
    regions = ganzi_regions()
    kd, ld = regions["513301"], regions["513322"]
    kd_market = DepartmentFactory(
        name="康定市市场监督管理局", credit_code=credit("513301", 1), region=kd
    )
    ld_civil = DepartmentFactory(
        name="泸定县民政局", credit_code=credit("513322", 2), region=ld, kind="民政"
    )
    birth = ThemeFactory(code="birth", name="生育收养")
    ThemeFactory(code="business", name="企业开办", audience="enterprise")
    passport = published_version(
        item__basic_code="000111000001",
        item__name="普通护照签发",
        item__lead_department=kd_market,
        item__hot=10,
    )
    passport.item.themes.add(birth)
    implementation_for(passport, department=kd_market, region=kd)
    allowance = published_version(
        item__basic_code="000105000002",
        item__name="最低生活保障审批",
        item__item_type=c.ItemType.BENEFIT,
        served_parties=[c.ServedParty.NATURAL, c.ServedParty.LEGAL],
        depth=c.OnlineDepth.FULLY_ONLINE,
        visits=0,
        visits_reason="",
    )
    implementation_for(allowance, department=ld_civil, region=ld)
    draft = VersionFactory(
        item__basic_code="000111000003", item__name="草稿事项护照", with_children=False
    )
    return Catalog(
        regions=regions,
        kd_market=kd_market,
        ld_civil=ld_civil,
        birth=birth,
        passport=passport,
        allowance=allowance,
        draft=draft,
    )


@pytest.fixture
def catalog(db) -> Catalog:
    return make_catalog()


def certificate_type(n: int = 1, name: str = "居民身份证") -> CertificateType:
    return CertificateType.objects.get_or_create(
        code=credit("110000", 900 + n) + f"{n:03d}",
        defaults={
            "name": name,
            "issuing_authority": "公安",
            "holder_kind": c.ServedParty.NATURAL,
        },
    )[0]


def rich_guide(
    *,
    basic_code: str,
    materials: int,
    stages: int,
    steps_per_stage: int,
    implementations: int,
    regions: dict[str, Region],
) -> ServiceItemVersion:
    """A published item with the given numbers of children, each fully filled."""
    editor = UserFactory(username="guide-editor")
    version = VersionFactory(
        item__basic_code=basic_code,
        item__name=f"联办事项{basic_code}",
        with_children=False,
    )
    cert = certificate_type()
    for i in range(materials):
        Material.objects.create(
            version=version,
            order=i,
            name=f"材料{i}",
            necessity=c.MaterialNecessity.REQUIRED,
            certificate_type=cert,
            blank_form=ContentFile(b"form", name=f"form{i}.docx"),
            sample=ContentFile(b"sample", name=f"sample{i}.pdf"),
        )
    for s in range(stages):
        stage = ProcessStage.objects.create(
            version=version, order=s + 1, name=f"阶段{s}"
        )
        for k in range(steps_per_stage):
            ProcessStep.objects.create(
                stage=stage,
                order=k,
                name=f"环节{s}-{k}",
                department=DepartmentFactory() if k % 2 == 0 else None,
                department_kind="" if k % 2 == 0 else "税务",
                limit_days=2,
                site_inspection=k == 0,
            )
    version = services.version_publish(version=version, actor=editor)
    version.item.themes.add(ThemeFactory(code="birth"))
    kd = regions["513301"]
    township = regions["513301100"]
    for n in range(implementations):
        hall = ServiceHallFactory(region=kd)
        window = Window.objects.create(hall=hall, number="1", name="综合窗口")
        impl = implementation_for(version, region=kd, hall=hall)
        impl.windows.add(window)
        impl.service_points.add(township)
        services.variance_record(
            implementation=impl,
            field="promised_limit_value",
            local_value=5 + n,
            reason="高原县路远，压缩时限",
            approved_by=editor,
            approved_on=dt.date(2026, 3, 1),
        )
    return version


def bulk_items(count: int, *, department: Department, region: Region, start: int = 0):
    """Many published items cheaply (bulk rows; the service path is tested elsewhere)."""
    items = ServiceItem.objects.bulk_create(
        ServiceItem(
            basic_code=f"0009{start + i:08d}",
            name=f"批量事项{start + i}",
            item_type=c.ItemType.LICENSING,
            depth=c.OnlineDepth.ONLINE,
            served_parties=[c.ServedParty.NATURAL],
            lead_department=department,
            search_text=f"批量事项{start + i} | piliangshixiang | plsx",
        )
        for i in range(count)
    )
    versions = ServiceItemVersion.objects.bulk_create(
        ServiceItemVersion(
            item=item,
            version=1,
            status=c.VersionStatus.PUBLISHED,
            name=item.name,
            item_type=item.item_type,
        )
        for item in items
    )
    for item, version in zip(items, versions, strict=True):
        item.current_version = version
    ServiceItem.objects.bulk_update(items, ["current_version"])
    Implementation.objects.bulk_create(
        Implementation(
            item=item,
            region=region,
            department=department,
            code=department.credit_code + "4" + item.basic_code,
        )
        for item in items
    )
    return items
