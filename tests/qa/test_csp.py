"""Templates carry no inline style or script: the Content-Security-Policy
(portal/settings/base.py) allows only the site's own files, without
'unsafe-inline'. tests/e2e/test_csp_pages.py checks the pages in Chromium;
this catches a template change before any browser runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
COMMENT = re.compile(
    r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}|<!--.*?-->", re.S
)
INLINE = {
    "<style> element": re.compile(r"<style[\s>]", re.I),
    "<script> with a body": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*[^<\s]", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "on* handler": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_templates_are_found():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_style_or_script(path):
    text = COMMENT.sub("", path.read_text(encoding="utf-8"))
    found = [name for name, pattern in INLINE.items() if pattern.search(text)]
    assert not found, f"{path.relative_to(ROOT)}: {found}"


@pytest.mark.parametrize(
    "sample",
    [
        '<div style="color:red">',
        "<style>p{}</style>",
        "<script>alert(1)</script>",
        '<button onclick="go()">',
        '<a href="javascript:go()">',
    ],
)
def test_the_check_finds_inline_code(sample):
    assert any(p.search(sample) for p in INLINE.values())


def test_script_with_src_and_json_data_are_fine():
    assert not INLINE["<script> with a body"].search(
        '<script src="/static/js/site.js"></script>'
    )


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/track/", "/accounts/login/", "/no-such-page/"])
def test_html_pages_carry_the_policy(url):
    response = Client().get(url)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
