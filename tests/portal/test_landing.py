"""Staff land where they work, with a menu of their role's pages; the 403
and 404 pages are the site's own, in the page's language, with a way back."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from portal.landing import desk_links, landing_url
from tests.factories import UserFactory
from tests.security.otp import enrol, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "Demo-pass-2026"


def _sign_in(user, next_url: str = "") -> str:
    """Password, then the code (staff); returns where the login sends them."""
    device = enrol(user)
    client = Client()
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    r = client.post("/accounts/login/", data)
    assert r.status_code == 302
    r = client.post(r["Location"], {"code": totp_code(device)})
    assert r.status_code == 302
    return r["Location"]


@pytest.mark.parametrize(
    ("role", "staff", "lands"),
    [
        ("clerk", False, "/counter/"),
        ("reviewer", False, "/desk/tasks/"),
        ("department_head", False, "/desk/head/"),
        ("supervisor", True, "/oversight/dashboard/"),
        ("catalog_editor", True, "/admin/catalog/"),
    ],
)
def test_each_role_lands_on_its_desk(role, staff, lands):
    user = UserFactory(username=f"{role}-1", roles=[role], is_staff=staff)
    assert _sign_in(user) == lands


@override_settings(ROOT_URLCONF="tests.portal.landing_urls")
def test_before_the_workflow_desks_exist_the_fallback_is_used():
    reviewer = UserFactory(username="reviewer-2", roles=["reviewer"])
    assert landing_url(reviewer) is None  # the site's default: the home page
    assert _sign_in(reviewer) == "/"
    head = UserFactory(username="head-2", roles=["department_head"], is_staff=True)
    assert landing_url(head) == "/admin/"


def test_a_page_asked_for_wins_over_the_desk():
    clerk = UserFactory(username="clerk-3", roles=["clerk"])
    assert _sign_in(clerk, next_url="/items/") == "/items/"


def test_a_citizen_still_lands_on_the_home_page():
    citizen = UserFactory(username="citizen-3", roles=["applicant"])
    r = Client().post(
        "/accounts/login/", {"username": "citizen-3", "password": PASSWORD}
    )
    assert r["Location"] == "/"
    assert desk_links(citizen) == []


def test_the_menu_offers_the_roles_pages():
    clerk = UserFactory(username="clerk-4", roles=["clerk"])
    client = Client()
    client.force_login(clerk)
    html = client.get("/").content.decode()
    nav = html.split('id="site-nav"')[1].split("</nav>")[0]
    assert 'href="/counter/"' in nav and "受理工作台" in nav
    assert 'href="/counter/intake/"' in nav and "一窗受理" in nav
    editor = UserFactory(username="editor-4", roles=["catalog_editor"], is_staff=True)
    labels = [d.label for d in desk_links(editor)]
    assert labels == ["事项管理", "通知公告管理"]


def test_the_403_page_speaks_the_page_language_and_leads_back(settings):
    citizen = UserFactory(username="citizen-5", roles=["applicant"])
    client = Client()
    client.force_login(citizen)
    r = client.get("/counter/")
    assert r.status_code == 403
    html = r.content.decode()
    assert "无权访问" in html and 'href="/"' in html and "返回首页" in html
    assert "Your account may not do this" not in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = client.get("/counter/")
    html = r.content.decode()
    assert r.status_code == 403 and 'lang="en"' in html
    assert "无权访问" not in html and "Back to home" in html


def test_the_404_page_speaks_the_page_language_and_leads_back(settings):
    client = Client()
    r = client.get("/items/000000000000/")
    assert r.status_code == 404
    html = r.content.decode()
    assert "页面不存在" in html and "返回首页" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/items/000000000000/").content.decode()
    assert "页面不存在" not in html
