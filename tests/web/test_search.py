"""The item list: filters, pagination and bad input (never a 500)."""

import pytest

from tests.web.data import PASSPORT_CODE, add_items

pytestmark = pytest.mark.django_db


def get(client, **params):
    response = client.get("/items/", params)
    assert response.status_code == 200
    return response.content.decode()


def results(page: str) -> str:
    """Only the result list (the filter form repeats names in its options)."""
    if '<ol class="results"' not in page:
        return ""
    return page.split('<ol class="results"')[1].split("</ol>")[0]


def test_search_finds_passport_first_with_result_facts(client, sample):
    page = get(client, q="护照")
    assert "共找到" in page
    found = results(page)
    first = found.split('<li class="result">')[1]
    assert "普通护照签发" in first
    for fact in (PASSPORT_CODE, "行政许可", "Ⅲ级 网上办理", "自然人", "康定市公安局"):
        assert fact in first


@pytest.mark.parametrize("q", ["huzhao", "hz", PASSPORT_CODE])
def test_search_by_pinyin_initials_and_code(client, sample, q):
    first = results(get(client, q=q)).split('<li class="result">')[1]
    assert "普通护照签发" in first


def test_filters_narrow_results(client, sample):
    page = results(get(client, type="05"))
    assert "最低生活保障审批" in page and "普通护照签发" not in page
    page = results(get(client, theme="start"))
    assert "企业开办" in page and "最低生活保障审批" not in page
    page = results(get(client, department=sample["market"].credit_code))
    assert "企业开办" in page and "普通护照签发" not in page
    page = results(get(client, region="513322"))
    assert "普通护照签发" in page and "企业开办" not in page
    page = results(get(client, depth="3", q="护照"))
    assert "普通护照签发" in page
    page = get(client, depth="4")
    assert "共找到 0 个事项" in page
    assert "没有找到符合条件的事项" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "护"}, "搜索词至少2个字符"),
        ({"q": "a"}, "搜索词至少2个字符"),
        ({"q": "护" * 51}, "搜索词不能超过50个字符"),
        ({"q": "x" * 500}, "搜索词不能超过50个字符"),
        ({"region": "999999"}, "未找到该区划（代码 999999）"),
        ({"region": "abc"}, "区划代码有误"),
        ({"region": "51330"}, "区划代码有误"),
        ({"department": "11513301MB0000099X"}, "部门代码有误"),
        ({"department": "915133000000000000"}, "部门代码有误"),
        ({"type": "99"}, "未知的事项类型"),
        ({"theme": "nope"}, "未找到该主题"),
        ({"depth": "9"}, "网办深度应为Ⅰ至Ⅳ级"),
    ],
)
def test_bad_input_gets_a_specific_chinese_message(client, sample, params, message):
    page = get(client, **params)
    assert message in page
    assert 'role="alert"' in page
    assert '<li class="result">' not in page


def test_unknown_but_valid_department_code(client, sample):
    from people.codes import make_credit_code

    code = make_credit_code("11513301MB9999999")
    page = get(client, department=code)
    assert f"未找到该部门（统一社会信用代码 {code}）" in page


@pytest.mark.parametrize(
    "q",
    [
        "' OR 1=1 --",
        "护照'; DROP TABLE catalog_serviceitem; --",
        "%_%",
        ".*[(",
        "\\\\",
        "<script>alert(1)</script>",
    ],
)
def test_sql_and_regex_characters_are_harmless(client, sample, q):
    page = get(client, q=q)
    assert "<script>alert(1)</script>" not in page
    assert get(client, q="护照").count('<li class="result">') >= 1


def test_a_nul_character_in_the_query_is_a_400_page(client, sample):
    """Refused for every URL by portal.middleware (it used to search)."""
    response = client.get("/items/", {"q": "护照 \x00"})
    assert response.status_code == 400
    assert "查询参数 q 含有不允许的字符" in response.content.decode()
    assert get(client, q="护照").count('<li class="result">') >= 1


def test_whitespace_only_query_lists_everything(client, sample):
    page = get(client, q="   ")
    assert "普通护照签发" in results(page) and 'role="alert"' not in page


def test_pagination_and_bad_page_numbers(client, sample):
    editor, market = sample["editor"], sample["market"]
    add_items(25, start=1, dept=market, editor=editor, region=sample["kangding"])
    page1 = get(client)
    assert "共找到 29 个事项" in page1
    assert page1.count('<li class="result">') == 20
    assert 'href="?page=2"' in page1
    page2 = get(client, page="2")
    assert page2.count('<li class="result">') == 9
    assert 'rel="prev"' in page2
    # nonsense page numbers fall back to a real page
    assert get(client, page="abc").count('<li class="result">') == 20
    assert get(client, page="999").count('<li class="result">') == 9
    # filters survive paging
    page = get(client, theme="start")
    assert "theme=start&amp;page=2" in page


def test_each_item_is_listed_once(client, sample):
    # the passport item has two implementations (Kangding, Luding)
    page = get(client, q="护照")
    assert results(page).count(f"/items/{PASSPORT_CODE}/") == 1
    assert "共找到 1 个事项" in page


def test_implementation_code_search_lists_item_once(client, sample):
    code = "11513322MB0000007W4" + PASSPORT_CODE  # Luding's implementation
    found = results(get(client, q=code))
    assert found.count(f"/items/{PASSPORT_CODE}/") == 1
