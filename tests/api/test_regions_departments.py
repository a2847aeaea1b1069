"""GET /api/v1/catalog/regions/ and /departments/."""

from __future__ import annotations

import pytest

from catalog import constants as c
from catalog.models import Department, Region
from tests.factories import DepartmentFactory

from .conftest import credit

pytestmark = pytest.mark.django_db

REGIONS = "/api/v1/catalog/regions/"
DEPARTMENTS = "/api/v1/catalog/departments/"


def region_codes(response) -> list[str]:
    return [r["code"] for r in response.json()["results"]]


def test_regions_list_in_code_order(api, catalog):
    response = api.get(REGIONS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert region_codes(response) == [
        "510000",
        "513300",
        "513301",
        "513301100",
        "513322",
    ]
    assert body["results"][2] == {
        "code": "513301",
        "name": "康定市",
        "level": "county",
        "level_display": "县级",
        "parent_code": "513300",
        "order": 0,
    }
    assert body["results"][0]["parent_code"] is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"parent": "513300"}, ["513301", "513322"]),
        ({"parent": "513301"}, ["513301100"]),
        ({"parent": "513322"}, []),
        ({"level": "county"}, ["513301", "513322"]),
        ({"level": "township"}, ["513301100"]),
        ({"parent": "510000", "level": "prefecture"}, ["513300"]),
        ({"parent": "510000", "level": "county"}, []),
    ],
)
def test_region_filters(api, catalog, params, expected):
    response = api.get(REGIONS, params)
    assert response.status_code == 200
    assert region_codes(response) == expected


@pytest.mark.parametrize(
    ("path", "params", "code", "field"),
    [
        (REGIONS, {"parent": "999999"}, "unknown_region", "parent"),
        (REGIONS, {"parent": "' OR 1=1 --"}, "unknown_region", "parent"),
        (REGIONS, {"level": "city"}, "invalid_level", "level"),
        (REGIONS, {"region": "513300"}, "unknown_filter", "region"),
        (REGIONS, {"page_size": "1000"}, "invalid_page_size", "page_size"),
        (DEPARTMENTS, {"region": "123456"}, "unknown_region", "region"),
        (DEPARTMENTS, {"parent": "513300"}, "unknown_filter", "parent"),
        (DEPARTMENTS, {"page_size": "x"}, "invalid_page_size", "page_size"),
        (DEPARTMENTS, {"kind": "税\x00务"}, "invalid_character", "kind"),
    ],
)
def test_bad_input_gets_400_with_a_specific_code(
    api, catalog, path, params, code, field
):
    response = api.get(path, params)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["field"] == field


@pytest.mark.parametrize("path", [REGIONS, DEPARTMENTS])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_405(api, catalog, path, method):
    response = getattr(api, method)(path, {}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_departments_list(api, catalog):
    Department.objects.filter(pk=catalog.ld_civil.pk).update(is_active=False)
    response = api.get(DEPARTMENTS)
    assert response.status_code == 200
    results = response.json()["results"]
    # Inactive bodies are not listed.
    assert [d["credit_code"] for d in results if d["name"] == "泸定县民政局"] == []
    market = next(d for d in results if d["name"] == "康定市市场监督管理局")
    assert market == {
        "credit_code": catalog.kd_market.credit_code,
        "name": "康定市市场监督管理局",
        "short_name": "",
        "region": {"code": "513301", "name": "康定市"},
        "parent_credit_code": None,
        "level": "4",
        "level_display": "县级",
        "nature": "statutory",
        "nature_display": "法定机关",
        "kind": "市场监管",
        "phone": "",
        "address": "",
    }


def test_department_filters(api, catalog):
    child = DepartmentFactory(
        name="康定市市场监督管理局炉城所",
        credit_code=credit("513301", 3),
        region=catalog.regions["513301"],
        parent=catalog.kd_market,
    )
    response = api.get(DEPARTMENTS, {"region": "513322"})
    assert [d["name"] for d in response.json()["results"]] == ["泸定县民政局"]
    response = api.get(DEPARTMENTS, {"kind": "民政"})
    assert [d["name"] for d in response.json()["results"]] == ["泸定县民政局"]
    response = api.get(DEPARTMENTS, {"region": "513301", "kind": "市场监管"})
    names = [d["name"] for d in response.json()["results"]]
    assert "康定市市场监督管理局" in names and child.name in names
    assert "泸定县民政局" not in names
    row = next(d for d in response.json()["results"] if d["name"] == child.name)
    assert row["parent_credit_code"] == catalog.kd_market.credit_code
    assert api.get(DEPARTMENTS, {"kind": "不存在"}).json()["count"] == 0


def test_regions_query_count_is_flat(api, catalog, django_assert_num_queries):
    kd = catalog.regions["513301"]
    Region.objects.bulk_create(
        Region(
            code=f"513301{200 + i:03d}",
            name=f"乡镇{i}",
            level=c.RegionLevel.TOWNSHIP,
            parent=kd,
        )
        for i in range(60)
    )
    for size in (5, 50):
        with django_assert_num_queries(2):  # count + page
            response = api.get(REGIONS, {"page_size": size})
        assert len(response.json()["results"]) == size
        with django_assert_num_queries(3):  # + parent lookup
            response = api.get(REGIONS, {"page_size": size, "parent": "513301"})
        assert len(response.json()["results"]) == size


def test_departments_query_count_is_flat(api, catalog, django_assert_num_queries):
    kd = catalog.regions["513301"]
    Department.objects.bulk_create(
        Department(
            name=f"康定市局{i}",
            credit_code=credit("513301", 100 + i),
            region=kd,
            parent=catalog.kd_market,
            level=c.AuthorityLevel.COUNTY,
            kind="市场监管",
        )
        for i in range(60)
    )
    for size in (5, 50):
        with django_assert_num_queries(2):
            response = api.get(DEPARTMENTS, {"page_size": size})
        assert len(response.json()["results"]) == size
        with django_assert_num_queries(3):
            response = api.get(
                DEPARTMENTS, {"page_size": size, "region": "513301", "kind": "市场监管"}
            )
        assert len(response.json()["results"]) == size
