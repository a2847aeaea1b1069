"""The site name and the prefecture served are settings (SITE_NAME,
SITE_NAME_EN, PREFECTURE_CODE): every page, PDF and list takes them from
there, and a bad prefecture code fails ``manage.py check``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from catalog import constants as c
from catalog.checks import prefecture_code_check
from portal.settings.env import VARIABLES
from tests.factories import RegionFactory, UserFactory
from tests.web.data import PASSPORT_CODE
from tests.web.test_guide import pdf_text

ROOT = Path(__file__).resolve().parents[2]
OTHER = {"SITE_NAME": "阿坝州政务服务网", "SITE_NAME_EN": "Aba Government Services"}


def test_env_example_gives_every_variable_its_default():
    text = (ROOT / ".env.example").read_text()
    listed = dict(re.findall(r"^([A-Z_]+)=(.*)$", text, flags=re.MULTILINE))
    assert listed == {name: var.default for name, var in VARIABLES.items()}
    assert listed["SITE_NAME"] == "甘孜州政务服务网"
    assert listed["PREFECTURE_CODE"] == "513300"


@pytest.mark.django_db
def test_pages_show_the_configured_name_in_each_language(client, sample):
    with override_settings(**OTHER):
        page = client.get("/").content.decode()
        assert "<title>阿坝州政务服务网 · 首页</title>" in page
        assert '<span class="brand-text">阿坝州政务服务网</span>' in page
        assert "甘孜州政务服务网" not in page
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        page = client.get(f"/items/{PASSPORT_CODE}/").content.decode()
        assert '<span class="brand-text">Aba Government Services</span>' in page
        assert "· Aba Government Services</title>" in page


@pytest.mark.django_db
def test_the_default_name_is_the_ganzi_portal(client, sample):
    page = client.get(f"/items/{PASSPORT_CODE}/").content.decode()
    assert "· 甘孜州政务服务网</title>" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/items/{PASSPORT_CODE}/").content.decode()
    assert "· Ganzi Government Services</title>" in page


@pytest.mark.django_db
def test_the_guide_pdf_names_the_configured_site(client, sample):
    with override_settings(**OTHER):
        text = pdf_text(client.get(f"/items/{PASSPORT_CODE}/guide.pdf").content)
    assert "阿坝州政务服务网" in text and "甘孜州政务服务网" not in text


@pytest.mark.django_db
@pytest.mark.django_db
def test_the_admin_header_names_the_configured_site(client):
    # /admin/login/ leads to the site's two-step login: the header shows on
    # the admin's own pages, for a signed-in administrator.
    client.force_login(
        UserFactory(username="site-admin", is_staff=True, is_superuser=True)
    )
    with override_settings(**OTHER):
        page = client.get("/admin/").content.decode()
        assert "阿坝州政务服务网 管理后台" in page
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        page = client.get("/admin/").content.decode()
        assert "Aba Government Services administration" in page


@pytest.mark.django_db
def test_region_lists_follow_the_prefecture_code(client, sample):
    aba = RegionFactory(
        code="513200", name="阿坝藏族羌族自治州", level=c.RegionLevel.PREFECTURE
    )
    RegionFactory(
        code="513201", name="马尔康市", level=c.RegionLevel.COUNTY, parent=aba
    )
    page = client.get("/regions/").content.decode()
    assert "康定市" in page and "马尔康市" not in page
    with override_settings(PREFECTURE_CODE="513200"):
        page = client.get("/regions/").content.decode()
        assert "马尔康市" in page and "康定市" not in page
        # The search filter offers the prefecture and its counties.
        page = client.get("/items/").content.decode()
        assert '<option value="513201">马尔康市</option>' in page
        assert '<option value="513301">' not in page
        # A county's breadcrumb shows the prefecture when it is not the one
        # the region list stands for.
        page = client.get("/regions/513301/").content.decode()
        assert 'href="/regions/513300/"' in page
    page = client.get("/regions/513301/").content.decode()
    assert 'href="/regions/513300/"' not in page


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("513300", None),
        ("5133", "catalog.E001"),
        ("51330O", "catalog.E001"),
        ("513301", "catalog.E002"),
        ("510000", "catalog.E002"),
    ],
)
def test_a_bad_prefecture_code_fails_the_system_check(code, error):
    with override_settings(PREFECTURE_CODE=code):
        errors = prefecture_code_check()
        assert [e.id for e in errors] == ([error] if error else [])
        if error:
            assert error in {e.id for e in run_checks()}
