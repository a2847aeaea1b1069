"""GET /api/v1/catalog/items/ and /items/{basic_code}/."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import services
from tests.factories import UserFactory

from .conftest import bulk_items, rich_guide

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/catalog/items/"


def codes(response) -> list[str]:
    return [r["basic_code"] for r in response.json()["results"]]


def test_list_shows_published_items_with_their_summary(api, catalog):
    response = api.get(ITEMS)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    assert body["next"] is None and body["previous"] is None
    # Draft-only items are not in the public catalog; most popular first.
    assert codes(response) == ["000111000001", "000105000002"]
    passport = body["results"][0]
    assert passport == {
        "url": "http://testserver/api/v1/catalog/items/000111000001/",
        "basic_code": "000111000001",
        "name": "普通护照签发",
        "item_type": "01",
        "item_type_display": "行政许可",
        "depth": 3,
        "depth_display": "Ⅲ级 网上办理（最多跑一次）",
        "served_parties": ["natural"],
        "served_parties_display": ["自然人"],
        "lead_department_name": "康定市市场监督管理局",
        "lead_department_credit_code": catalog.kd_market.credit_code,
        "is_applicable": True,
    }
    allowance = body["results"][1]
    assert allowance["lead_department_name"] is None
    assert allowance["served_parties_display"] == ["自然人", "法人"]
    assert api.get(passport["url"]).status_code == 200


@pytest.mark.parametrize("q", ["护照", "huzhao", "hz", "000111000001"])
def test_search_finds_the_passport_item_first(api, catalog, q):
    response = api.get(ITEMS, {"q": q})
    assert response.status_code == 200
    assert codes(response)[0] == "000111000001"


def test_search_finds_by_implementation_code(api, catalog):
    code = catalog.passport.item.implementations.get().code
    response = api.get(ITEMS, {"q": code})
    assert codes(response) == ["000111000001"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "513301"}, ["000111000001"]),
        ({"region": "513322"}, ["000105000002"]),
        # The prefecture covers the items implemented in its counties.
        ({"region": "513300"}, ["000111000001", "000105000002"]),
        ({"region": "513301100"}, []),
        ({"type": "05"}, ["000105000002"]),
        ({"type": "02"}, []),
        ({"theme": "birth"}, ["000111000001"]),
        ({"theme": "business"}, []),
        ({"depth": "4"}, ["000105000002"]),
        ({"depth": "3"}, ["000111000001"]),
        ({"region": "513300", "type": "01", "depth": "3"}, ["000111000001"]),
        ({"q": "护照", "region": "513322"}, []),
        ({"q": "", "region": ""}, ["000111000001", "000105000002"]),
    ],
)
def test_filters(api, catalog, params, expected):
    response = api.get(ITEMS, params)
    assert response.status_code == 200, response.json()
    assert codes(response) == expected
    assert response.json()["count"] == len(expected)


def test_department_filter_matches_implementing_and_lead_department(api, catalog):
    response = api.get(ITEMS, {"department": catalog.ld_civil.credit_code})
    assert codes(response) == ["000105000002"]
    # Lower-case input is the same code.
    response = api.get(ITEMS, {"department": catalog.kd_market.credit_code.lower()})
    assert codes(response) == ["000111000001"]


def test_pagination_links_and_page_size(api, catalog):
    bulk_items(
        30, department=catalog.kd_market, region=catalog.regions["513301"], start=1
    )
    body = api.get(ITEMS, {"page_size": 10}).json()
    assert body["count"] == 32
    assert len(body["results"]) == 10
    assert "page=2" in body["next"] and "page_size=10" in body["next"]
    page4 = api.get(ITEMS, {"page_size": 10, "page": 4}).json()
    assert len(page4["results"]) == 2 and page4["next"] is None
    last = api.get(ITEMS, {"page_size": 10, "page": "last"}).json()
    assert last["results"] == page4["results"]
    assert len(api.get(ITEMS).json()["results"]) == 20  # default
    assert len(api.get(ITEMS, {"page_size": 100}).json()["results"]) == 32


def test_region_and_search_filters_do_not_duplicate_items(api, catalog):
    # Two implementations in two counties of the prefecture: still one row.
    from tests.factories import implementation_for

    implementation_for(
        catalog.passport, department=catalog.ld_civil, region=catalog.regions["513322"]
    )
    response = api.get(ITEMS, {"region": "513300", "q": "护照"})
    assert codes(response) == ["000111000001"]
    assert response.json()["count"] == 1


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"foo": "1"}, "unknown_filter", "foo"),
        ({"regoin": "513301"}, "unknown_filter", "regoin"),
        ({"region": "999999"}, "unknown_region", "region"),
        ({"region": "康定"}, "unknown_region", "region"),
        ({"region": "5" * 500}, "unknown_region", "region"),
        ({"department": "11513301MB0000099X"}, "unknown_department", "department"),
        ({"department": "abc"}, "unknown_department", "department"),
        ({"type": "99"}, "invalid_type", "type"),
        ({"type": "1"}, "invalid_type", "type"),
        ({"theme": "no-such-theme"}, "unknown_theme", "theme"),
        ({"theme": "x" * 300}, "unknown_theme", "theme"),
        ({"depth": "0"}, "invalid_depth", "depth"),
        ({"depth": "5"}, "invalid_depth", "depth"),
        ({"depth": "abc"}, "invalid_depth", "depth"),
        ({"depth": "3.0"}, "invalid_depth", "depth"),
        ({"page_size": "101"}, "invalid_page_size", "page_size"),
        ({"page_size": "abc"}, "invalid_page_size", "page_size"),
        ({"page_size": "0"}, "invalid_page_size", "page_size"),
        ({"page_size": "-5"}, "invalid_page_size", "page_size"),
        ({"page_size": "1_0"}, "invalid_page_size", "page_size"),
        ({"page_size": "１０"}, "invalid_page_size", "page_size"),
        ({"page": "abc"}, "invalid_page", "page"),
        ({"page": "0"}, "invalid_page", "page"),
        ({"q": "护"}, "query_too_short", "q"),
        ({"q": "护" * 500}, "query_too_long", "q"),
        ({"q": "a\x00b"}, "invalid_character", "q"),
        ({"region": "5133\x0001"}, "invalid_character", "region"),
    ],
)
def test_bad_input_gets_400_with_a_specific_code(api, catalog, params, code, field):
    response = api.get(ITEMS, params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code
    assert body["field"] == field
    assert body["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])  # Chinese


def test_unknown_filter_names_each_unknown_parameter(api, catalog):
    body = api.get(ITEMS, {"foo": "1", "bar": "2", "q": "护照"}).json()
    assert body["code"] == "unknown_filter"
    assert "foo" in body["detail"] and "bar" in body["detail"]
    assert [e["field"] for e in body["errors"]] == ["foo", "bar"]


def test_page_beyond_the_end_is_404_with_a_code(api, catalog):
    response = api.get(ITEMS, {"page": "9"})
    assert response.status_code == 404
    assert response.json()["code"] == "page_out_of_range"


@pytest.mark.parametrize(
    "q", ["' OR 1=1 --", ".*[(", "%_", "%%", "\\\\", "'; DROP TABLE x; --", "a" * 50]
)
def test_sql_and_regex_characters_are_plain_text(api, catalog, q):
    response = api.get(ITEMS, {"q": q})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_percent_and_underscore_do_not_act_as_wildcards(api, catalog):
    assert api.get(ITEMS, {"q": "护_"}).json()["count"] == 0
    assert api.get(ITEMS, {"q": "护%"}).json()["count"] == 0


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", [ITEMS, ITEMS + "000111000001/"])
def test_writes_are_405_with_a_code(api, catalog, method, path):
    response = getattr(api, method)(path, {"name": "x"}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_writes_are_405_for_a_logged_in_user_too(api, catalog):
    api.force_authenticate(UserFactory(username="writer", roles=["catalog_editor"]))
    response = api.post(ITEMS, {"name": "x"}, format="json")
    assert response.status_code == 405


@pytest.mark.parametrize(
    "params", [{}, {"q": "批量"}, {"region": "513300"}, {"department": "DEP"}]
)
def test_list_query_count_is_flat(api, catalog, django_assert_num_queries, params):
    bulk_items(55, department=catalog.kd_market, region=catalog.regions["513301"])
    if params.get("department"):
        params = {"department": catalog.kd_market.credit_code}
    # Lookups of the filter values, then count + page, whatever the page size.
    expected = 2 + sum(1 for k in params if k in {"region", "department"})
    for size in (5, 50):
        with django_assert_num_queries(expected):
            response = api.get(ITEMS, {**params, "page_size": size})
        assert len(response.json()["results"]) == size


# --- detail -----------------------------------------------------------------


def test_detail_is_the_full_guide(api, catalog, settings):
    version = rich_guide(
        basic_code="000111000010",
        materials=2,
        stages=2,
        steps_per_stage=2,
        implementations=1,
        regions=catalog.regions,
    )
    response = api.get(ITEMS + "000111000010/")
    assert response.status_code == 200
    guide = response.json()
    assert guide["basic_code"] == "000111000010"
    assert guide["url"] == "http://testserver/api/v1/catalog/items/000111000010/"
    assert guide["version"] == 1 and guide["status"] == "published"
    assert guide["item_type"] == "01" and guide["item_type_display"] == "行政许可"
    # Every guide element of the version is there.
    for field in [
        "legal_bases",
        "power_source",
        "authority_level",
        "implementing_nature",
        "entrusting_body",
        "co_handling_bodies",
        "acceptance_conditions",
        "served_parties",
        "statutory_limit_value",
        "statutory_limit_unit",
        "statutory_limit_note",
        "promised_limit_value",
        "promised_limit_unit",
        "promised_limit_note",
        "is_immediate",
        "special_procedures",
        "channels",
        "fees",
        "results",
        "result_by_post",
        "place",
        "hours",
        "appointment",
        "appointment_quota",
        "courier",
        "self_service",
        "depth",
        "depth_flags",
        "visits",
        "visits_reason",
        "consult_channels",
        "complaint_channels",
        "review_body",
        "litigation_body",
        "faq",
        "form_schema",
        "keywords",
        "effective_from",
        "published_at",
    ]:
        assert field in guide, field
    assert guide["legal_bases"] == version.legal_bases
    assert guide["statutory_limit_value"] == 20
    assert guide["promised_limit_unit_display"] == "工作日"
    assert guide["channels_display"] == ["窗口办理", "网上办理"]
    assert guide["depth_flags_display"][0] == "在线咨询"
    assert guide["form_schema"]["required"] == ["contact_phone"]
    assert guide["themes"] == [
        {
            "code": "birth",
            "name": "生育收养",
            "audience": "personal",
            "audience_display": "个人办事",
        }
    ]

    material = guide["materials"][0]
    assert material["name"] == "材料0"
    assert material["necessity"] == "required"
    assert material["necessity_display"] == "必要"
    assert material["certificate_type"] == {
        "code": version.materials.first().certificate_type.code,
        "name": "居民身份证",
    }
    assert material["blank_form_url"].startswith("http://testserver/media/")
    assert material["blank_form_url"].endswith(".docx")
    assert material["sample_url"].endswith(".pdf")

    assert [s["order"] for s in guide["stages"]] == [1, 2]
    steps = guide["stages"][0]["steps"]
    assert len(steps) == 2  # parallel within the stage
    assert steps[0]["department"]["credit_code"]
    assert steps[0]["department"]["name"]
    assert steps[0]["site_inspection"] is True
    assert steps[0]["limit_days"] == 2
    assert steps[1]["department"] is None
    assert steps[1]["department_kind"] == "税务"

    (impl,) = guide["implementations"]
    assert impl["region"] == {"code": "513301", "name": "康定市"}
    assert len(impl["implementation_code"]) == 31
    assert impl["implementation_code"].endswith("000111000010")
    assert impl["department"]["credit_code"] == impl["implementation_code"][:18]
    assert impl["hall"]["name"].startswith("康定市政务服务中心")
    assert impl["windows"] == [
        {"number": "1", "name": "综合窗口", "is_comprehensive": True}
    ]
    assert impl["service_points"] == [{"code": "513301100", "name": "炉城街道"}]
    assert impl["variances"] == [
        {
            "field": "promised_limit_value",
            "field_display": "承诺时限",
            "standard_value": 10,
            "local_value": 5,
            "reason": "高原县路远，压缩时限",
            "approved_on": "2026-03-01",
        }
    ]


def test_detail_lead_department_and_missing_parts(api, catalog):
    guide = api.get(ITEMS + "000111000001/").json()
    assert guide["lead_department"] == {
        "credit_code": catalog.kd_market.credit_code,
        "name": "康定市市场监督管理局",
    }
    assert guide["materials"][0]["certificate_type"] is None
    assert guide["materials"][0]["blank_form_url"] is None
    assert guide["implementations"][0]["hall"] is None
    assert api.get(ITEMS + "000105000002/").json()["lead_department"] is None


@pytest.mark.parametrize(
    "code",
    [
        "999999999999",  # unknown
        "000111000003",  # draft only, never published
        "abc",  # malformed
        "00011100000１",  # full-width digit
        "000111000001%00",  # NUL
        "0" * 300,
    ],
)
def test_detail_unknown_or_unpublished_is_404(api, catalog, code):
    response = api.get(ITEMS + code + "/")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found"
    assert body["detail"]


def test_detail_of_a_retired_item_is_404(api, catalog):
    editor = UserFactory(username="retirer", roles=["catalog_editor"])
    services.version_retire(version=catalog.passport, actor=editor, reason="取消")
    assert api.get(ITEMS + "000111000001/").json()["code"] == "not_found"
    assert "000111000001" not in codes(api.get(ITEMS))


def test_other_paths_under_the_catalog_api_are_json_404(api, catalog):
    for path in ["/api/v1/catalog/nothing/", ITEMS + "000111000001/extra/"]:
        response = api.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_detail_query_count_does_not_grow_with_the_guide(api, catalog):
    small = dict(materials=1, stages=1, steps_per_stage=1, implementations=1)
    big = dict(materials=6, stages=3, steps_per_stage=4, implementations=3)
    rich_guide(basic_code="000111000020", regions=catalog.regions, **small)
    rich_guide(basic_code="000111000021", regions=catalog.regions, **big)
    counts = []
    for code in ("000111000020", "000111000021"):
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(ITEMS + code + "/")
        assert response.status_code == 200
        counts.append(len(ctx))
    assert len(response.json()["materials"]) == 6
    assert sum(len(s["steps"]) for s in response.json()["stages"]) == 12
    assert len(response.json()["implementations"]) == 3
    # item, version, themes, materials, stages, steps, implementations,
    # windows, service points, variances.
    assert counts == [10, 10]
