"""Public pages answer 200 with their content, 404 in Chinese when they should."""

import datetime as dt

import pytest
from django.urls import reverse

from catalog import services
from catalog.models import ServiceItem
from portal.models import Article, ArticleKind
from tests.factories import UserFactory, VersionFactory, published_version
from tests.web.data import PASSPORT_CODE

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_home_shows_search_themes_hot_items_browse_and_notices(client, sample):
    page = text(client.get("/"))
    assert 'role="search"' in page and 'name="q"' in page
    assert "个人办事" in page and "法人办事" in page
    assert "出境入境" in page and "企业开办" in page  # one theme of each group
    # popular items by hot, best first
    assert page.index("普通护照签发") < page.index("居民身份证换领")
    assert "按事项类型" in page and "?type=01" in page
    assert reverse("catalog:region_detail", args=["513322"]) in page
    assert sample["police"].name in page
    assert "关于2026年春节期间政务服务大厅办公时间的通知" in page


def test_base_layout_is_accessible(client, sample):
    page = text(client.get("/"))
    assert 'class="skip-link" href="#main"' in page
    assert '<main id="main"' in page
    assert 'aria-label="主导航"' in page
    assert "<footer" in page
    assert 'action="/i18n/setlang/"' in page
    assert 'lang="zh-Hans"' in page
    for label in ("首页", "办事服务", "按部门", "按区划", "通知公告", "政策文件"):
        assert f">{label}</a>" in page
    for label in ("常见问题", "中介服务", "监督投诉", "登录"):
        assert f">{label}</a>" in page
    # the current section is marked for assistive technology
    assert 'href="/" aria-current="page"' in page


def test_nav_shows_user_name_and_logout_when_logged_in(client, sample):
    user = UserFactory(username="citizen", display_name="卓玛")
    client.force_login(user)
    page = text(client.get("/"))
    assert "卓玛" in page
    assert reverse("portal:logout") in page and "退出" in page
    assert ">登录</a>" not in page


def test_login_page_labels_inputs(client):
    page = text(client.get(reverse("portal:login")))
    assert '<label for="id_username">' in page
    assert '<label for="id_password">' in page


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/departments/", "康定市公安局"),
        ("/regions/", "泸定县"),
        ("/regions/513301/", "康定市政务服务中心"),
        ("/themes/", "社会救助"),
        ("/themes/travel/", "普通护照签发"),
        ("/types/", "行政许可"),
        ("/intermediaries/", "甘孜州测绘院"),
        ("/notices/", "春节期间"),
        ("/notices/holiday-2026/", "第二段正文"),
        ("/policies/", "甘府办发〔2026〕1号"),
        ("/policies/policy-once/", "一网通办"),
        ("/faq/", "如何注册个人账户？"),
        ("/faq/faq-account/", "如何注册个人账户？"),
        ("/supervision/", "12345"),
        ("/supervision/sup-rating/", "好差评"),
    ],
)
def test_browse_and_content_pages(client, sample, url, expected):
    response = client.get(url)
    assert response.status_code == 200
    assert expected in text(response)


def test_department_page_lists_its_items(client, sample):
    url = reverse("catalog:department_detail", args=[sample["market"].credit_code])
    page = text(client.get(url))
    assert "康定市市场监督管理局" in page
    assert "企业开办" in page
    assert "普通护照签发" not in page


def test_region_page_lists_items_implemented_there(client, sample):
    page = text(client.get("/regions/513322/"))
    assert "普通护照签发" in page  # implemented by 泸定县公安局
    assert "企业开办" not in page
    assert "共找到 1 个事项" in page


def test_type_page_redirects_to_filtered_list(client, sample):
    response = client.get("/types/05/")
    assert response.status_code == 302
    assert response["Location"] == "/items/?type=05"
    page = text(client.get(response["Location"]))
    assert "最低生活保障审批" in page and "普通护照签发" not in page


@pytest.mark.parametrize(
    "url",
    [
        "/items/NOSUCHCODE00/",
        "/items/NOSUCHCODE00/print/",
        "/items/NOSUCHCODE00/guide.pdf",
        f"/items/{PASSPORT_CODE}X/",
        "/departments/11513301MB0000099X/",
        "/departments/<script>/",
        "/regions/999999/",
        "/regions/abc/",
        "/themes/nope/",
        "/types/99/",
        "/notices/no-such-notice/",
        "/notices/policy-once/",  # a policy is not a notice
        "/faq/holiday-2026/",
    ],
)
def test_unknown_objects_answer_404_in_chinese(client, sample, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "页面不存在" in text(response)


def test_draft_and_retired_items_are_not_public(client, sample):
    draft = VersionFactory(item__basic_code="000111000777", name="草稿事项")
    assert client.get(f"/items/{draft.item.basic_code}/").status_code == 404
    assert "共找到 0 个事项" in text(client.get("/items/?q=草稿事项"))
    version = published_version(item__basic_code="000111000888", name="将废止事项")
    assert client.get("/items/000111000888/").status_code == 200
    services.version_retire(version=version, actor=sample["editor"], reason="职能调整")
    assert client.get("/items/000111000888/").status_code == 404
    assert client.get("/items/000111000888/guide.pdf").status_code == 404


def test_unpublished_article_is_hidden(client, sample):
    Article.objects.create(
        kind=ArticleKind.NOTICE,
        slug="hidden-notice",
        title="未发布通知",
        body="内部",
        published_on=dt.date(2026, 2, 1),
        is_published=False,
    )
    assert "未发布通知" not in text(client.get("/notices/"))
    assert client.get("/notices/hidden-notice/").status_code == 404


def test_article_body_is_escaped(client, sample):
    Article.objects.create(
        kind=ArticleKind.POLICY,
        slug="xss-policy",
        title="<b>标题</b>",
        body='<script>alert("x")</script>\n<img src=x onerror=alert(1)>',
        published_on=dt.date(2026, 2, 1),
    )
    page = text(client.get("/policies/xss-policy/"))
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;标题&lt;/b&gt;" in page


def test_pages_refuse_post(client, sample):
    assert client.post("/items/").status_code == 405
    assert client.post(f"/items/{PASSPORT_CODE}/guide.pdf").status_code == 405


def test_intermediary_lists_only_published_items(client, sample):
    passport_item = ServiceItem.objects.get(basic_code=PASSPORT_CODE)
    draft = VersionFactory(item__basic_code="000111000999", name="未发布关联事项")
    passport_item.intermediary_services.first().items.add(draft.item)
    page = text(client.get("/intermediaries/"))
    assert "普通护照签发" in page
    assert "未发布关联事项" not in page


def test_language_switch_to_english_and_back(client, sample):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": f"/items/{PASSPORT_CODE}/"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/items/{PASSPORT_CODE}/"
    page = text(client.get(f"/items/{PASSPORT_CODE}/"))
    assert '<html lang="en"' in page
    for english in ("Ganzi Government Services", "Basic information", "Materials"):
        assert english in page
    assert "Level III: online handling" in page
    assert "普通护照签发" in page  # catalog data stays as published
    home = text(client.get("/"))
    assert "Popular services" in home and "Skip to main content" in home
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "热门事项" in text(client.get("/"))


def test_english_pdf_still_renders_chinese_data(client, sample):
    import io

    from pypdf import PdfReader

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get(f"/items/{PASSPORT_CODE}/guide.pdf")
    reader = PdfReader(io.BytesIO(response.content))
    text_ = "\n".join(p.extract_text() for p in reader.pages)
    assert "Basic information" in text_ and "普通护照签发" in text_


def test_server_error_page_renders_without_context():
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "服务暂时不可用" in page and "12345" in page
