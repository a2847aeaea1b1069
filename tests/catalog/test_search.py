"""Search ranking on the demo catalog, plus the pure query helpers."""

import pytest

from catalog import constants as c
from catalog.models import Department, Region, ServiceItem
from catalog.search import build_search_text, pinyin_forms, plan_query
from catalog.selectors import item_search, validate_query
from portal.errors import ServiceError
from tests.demo.fixtures import demo_data, demo_keys  # noqa: F401
from tests.factories import VersionFactory

PASSPORT = "普通护照签发"


def names(q: str, **filters) -> list[str]:
    return list(item_search(q=q, **filters).values_list("name", flat=True))


# --- pure helpers ---------------------------------------------------------------


def test_pinyin_forms_drop_punctuation():
    assert pinyin_forms("普通护照签发") == ("putonghuzhaoqianfa", "pthzqf")
    assert pinyin_forms('新生儿出生"一件事"') == (
        "xinshengerchushengyijianshi",
        "xsecsyjs",
    )
    assert pinyin_forms("普通护照换发、补发")[1] == "pthzhfbf"


def test_search_text_holds_every_form_and_keyword_pinyin():
    text = build_search_text(
        name="最低生活保障审批",
        basic_code="000115012000",
        keywords="低保 困难救助",
        implementation_codes=["11513301MB1611846X4000115012000"],
    )
    for part in ["最低生活保障审批", "zuidishenghuobaozhangshenpi", "zdshbzsp"]:
        assert part in text
    assert "000115012000" in text
    assert "dibao" in text and "低保" in text
    assert "11513301mb1611846x4000115012000" in text


@pytest.mark.parametrize(
    ("q", "terms", "compact", "code"),
    [
        ("护照", ("护照",), "护照", ""),
        ("hu zhao", ("huzhao",), "huzhao", "HUZHAO"),
        ("护照 签发", ("护照", "签发"), "护照签发", ""),
        ("000172020000", ("000172020000",), "000172020000", "000172020000"),
        ("' or 1=1 --", ("'or1=1--",), "'or1=1--", ""),
    ],
)
def test_plan_query(q, terms, compact, code):
    plan = plan_query(q)
    assert (plan.terms, plan.compact, plan.code) == (terms, compact, code)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("护", "query_too_short"),
        ("%", "query_too_short"),
        ("   a   ", "query_too_short"),
        ("护" * 51, "query_too_long"),
        ("x" * 500, "query_too_long"),
    ],
)
def test_validate_query_refuses_bad_lengths(raw, code):
    with pytest.raises(ServiceError) as exc:
        validate_query(raw)
    assert exc.value.code == code
    assert exc.value.field == "q"
    assert "搜索词" in exc.value.detail


def test_validate_query_normalises():
    assert validate_query("  HuZhao \t  签发 ") == "huzhao 签发"
    assert validate_query("护" * 50) == "护" * 50


# --- ranking on the demo catalog -------------------------------------------------


@pytest.mark.parametrize("q", ["护照", "huzhao", "HuZhao", "hu zhao", "000172020000"])
@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
def test_passport_is_the_best_match(q):
    assert names(q)[0] == PASSPORT


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
def test_initials_find_passport_in_top_five():
    found = names("hz")
    assert PASSPORT in found[:5]
    assert "机动车驾驶证换证" in found  # initials ...hz also match


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
def test_implementation_code_finds_its_item_first():
    item = ServiceItem.objects.get(name=PASSPORT)
    code = item.implementations.order_by("code").first().code
    assert names(code)[0] == PASSPORT
    assert names(code.lower())[0] == PASSPORT


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
def test_exact_name_beats_hotter_partial_matches():
    # 企业开办 appears in the keywords of hotter items; the exact name wins.
    assert names("企业开办")[0] == "企业开办"
    assert names("qiyekaiban")[0] == "企业开办"
    assert names("食品经营许可")[0] == "食品经营许可"
    assert names("jmsfzhl")[0] == "居民身份证换领"


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
def test_keywords_and_their_pinyin_match_but_rank_below_names():
    assert names("低保")[0] == "最低生活保障审批"
    assert names("dibao")[0] == "最低生活保障审批"
    found = names("公积金")
    assert found[:3] == [
        "住房公积金提取",
        "住房公积金个人住房贷款",
        "住房公积金单位缴存登记",
    ]
    assert "企业开办" in found[3:]


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
def test_multi_word_query_needs_every_word():
    assert names("护照 签发") == [PASSPORT]
    assert names("护照 补发") == ["普通护照换发、补发"]
    assert names("护照 结婚") == []


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
@pytest.mark.parametrize(
    "q", ["' OR 1=1 --", ".*[(", "%%", "__", "100%", "a_b", "护照%", "\\\\", "'; DROP"]
)
def test_sql_and_regex_characters_are_literal(q):
    found = names(q)
    # None of these characters occur in the catalog's search text.
    assert found == []


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
def test_each_item_appears_once_whatever_its_implementations():
    qs = item_search(q="护照")
    assert len(list(qs)) == len({i.pk for i in qs})
    passport = ServiceItem.objects.get(name=PASSPORT)
    assert passport.implementations.count() >= 3


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
def test_filters_narrow_without_duplicates():
    luding = Region.objects.get(code="513322")
    in_luding = list(item_search(region=luding))
    assert len(in_luding) == len(set(in_luding)) > 5
    assert all(
        i.implementations.filter(region__code="513322").exists() for i in in_luding
    )
    assert names("护照", region=luding) == [PASSPORT]
    prefecture = Region.objects.get(code="513300")
    assert len(list(item_search(region=prefecture))) == ServiceItem.objects.count()

    tax = Department.objects.get(name="国家税务总局康定市税务局")
    by_tax = list(item_search(q="发票", department=tax))
    assert "新办纳税人涉税事项综合办理" in [i.name for i in by_tax]
    for i in by_tax:
        assert (
            i.lead_department_id == tax.pk
            or i.implementations.filter(department=tax).exists()
        )
    assert names("护照", department=tax) == []
    assert names("护照", item_type=c.ItemType.LICENSING)[0] == PASSPORT
    assert names("护照", item_type=c.ItemType.PUBLIC_SERVICE) == []
    assert names("护照", theme="travel")[0] == PASSPORT
    assert names("护照", theme="startup") == []
    assert names("护照", depth=c.OnlineDepth.FULLY_ONLINE) == []
    assert names("huzhao", depth=c.OnlineDepth.ONLINE)[0] == PASSPORT


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
def test_unpublished_items_are_not_found():
    VersionFactory(item__name="护照测试草稿", name="护照测试草稿")
    assert "护照测试草稿" not in names("护照")


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
def test_no_query_lists_by_popularity():
    listed = list(item_search().values_list("hot", flat=True))
    assert listed == sorted(listed, reverse=True)
    assert listed[0] == ServiceItem.objects.get(name=PASSPORT).hot


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
def test_search_is_one_query(django_assert_num_queries):
    luding = Region.objects.get(code="513322")
    with django_assert_num_queries(1):
        list(item_search(q="护照", region=luding, theme="travel"))
    with django_assert_num_queries(1):
        list(item_search(q="000172020000"))
