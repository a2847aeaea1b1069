"""The one pagination partial (templates/_pagination.html): links keep the
list's other query parameters, the nav is labelled, the text is translated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

# Five pages of ten; the request carries a search term, a filter given twice
# and the page number, as the item list's form would send them.
QUERY = "q=%E6%8A%A4%E7%85%A7&type=01&type=02&region=513301"


@pytest.fixture(autouse=True)
def chinese():
    """Chinese unless a test says otherwise (an earlier test may leave English)."""
    with translation.override("zh-hans"):
        yield


def render(number: int, *, param: str = "page", **extra) -> str:
    request = RequestFactory().get(f"/items/?{QUERY}&{param}={number}")
    page = Paginator(range(50), 10).get_page(number)
    return render_to_string(
        "_pagination.html", {"page": page, "param": param, **extra}, request=request
    )


def hrefs(html: str) -> dict[str, str]:
    """rel -> href of the previous/next links, unescaped."""
    return {
        rel: href.replace("&amp;", "&")
        for href, rel in re.findall(r'<a href="([^"]*)" rel="(prev|next)">', html)
    }


def test_first_page_links_only_forward_and_keeps_the_filters():
    html = render(1)
    assert 'aria-label="分页"' in html
    assert '<span aria-current="page">第 1 / 5 页</span>' in html
    assert hrefs(html) == {"next": f"?{QUERY}&page=2"}
    assert "上一页" not in html and "下一页" in html


def test_middle_page_links_both_ways_with_the_filters():
    html = render(3)
    assert "第 3 / 5 页" in html
    assert hrefs(html) == {"prev": f"?{QUERY}&page=2", "next": f"?{QUERY}&page=4"}


def test_last_page_links_only_back_and_keeps_the_filters():
    html = render(5)
    assert "第 5 / 5 页" in html
    assert hrefs(html) == {"prev": f"?{QUERY}&page=4"}
    assert "下一页" not in html


def test_the_admin_page_parameter_and_class():
    html = render(2, param="p", nav_class="paginator")
    assert '<nav class="paginator" aria-label="分页">' in html
    assert hrefs(html) == {"prev": f"?{QUERY}&p=1", "next": f"?{QUERY}&p=3"}


def test_link_text_is_english_on_the_english_pages():
    with translation.override("en"):
        html = render(3)
    assert 'aria-label="Pagination"' in html
    assert "Previous" in html and "Next" in html and "Page 3 of 5" in html


def test_markup_in_the_query_string_is_escaped():
    request = RequestFactory().get('/items/?q="><script>&page=2')
    page = Paginator(range(50), 10).get_page(2)
    html = render_to_string("_pagination.html", {"page": page}, request=request)
    assert "<script>" not in html
    assert 'href="?q=%22%3E%3Cscript%3E&amp;page=1"' in html


def test_a_single_page_shows_no_navigation():
    page = Paginator(range(5), 10).get_page(1)
    request = RequestFactory().get("/items/")
    assert "<nav" not in render_to_string(
        "_pagination.html", {"page": page}, request=request
    )


@pytest.mark.parametrize("name", ["has_next", "previous_page_number"])
def test_no_template_has_its_own_copy(name):
    copies = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if name in path.read_text() and path.name != "_pagination.html"
    ]
    assert copies == []
