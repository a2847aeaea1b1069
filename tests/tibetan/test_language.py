"""Tibetan (bo) beside Chinese and English: the switcher, where the choice is
remembered (session, a citizen's profile), the lang attributes, and unknown
codes falling back to Chinese."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import get_language_info

from people.models import ApplicantProfile
from portal.i18n import fold_digits, html_lang, supported_language, text_lang
from portal.models import AuditEntry
from tests.applications.factories import citizen

pytestmark = pytest.mark.django_db

TIBETAN_SITE = "དཀར་མཛེས་ཁུལ་གཞུང་དོན་ཞབས་ཞུའི་དྲ་ཚིགས"


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_bo_is_a_language_with_its_name_in_tibetan_left_to_right():
    assert ("bo", "བོད་ཡིག") in settings.LANGUAGES
    info = get_language_info("bo")
    assert info["name_local"] == "བོད་ཡིག" and info["bidi"] is False
    assert supported_language("bo") == "bo"
    assert supported_language("bo-CN") == "bo"
    assert supported_language("xx") is None and supported_language("") is None
    assert supported_language("b" * 200) is None
    assert html_lang("zh-hans") == "zh-Hans" and html_lang("bo") == "bo"


def test_switcher_names_each_language_in_its_own_script(client):
    home = page(client.get("/"))
    assert 'value="zh-hans" lang="zh-Hans" aria-pressed="true">中文</button>' in home
    assert 'value="bo" lang="bo" aria-pressed="false">བོད་ཡིག</button>' in home
    assert 'value="en" lang="en" aria-pressed="false">English</button>' in home
    assert '<html lang="zh-Hans"' in home


def test_switching_to_tibetan_is_remembered_for_the_session(client):
    r = client.post("/i18n/setlang/", {"language": "bo", "next": "/items/"})
    assert r.status_code == 302 and r["Location"] == "/items/"
    home = client.get("/")
    text = page(home)
    assert '<html lang="bo"' in text
    assert home["Content-Language"] == "bo"
    assert TIBETAN_SITE in text
    assert 'value="bo" lang="bo" aria-pressed="true"' in text
    # the session remembers it even when the cookie goes
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert '<html lang="bo"' in page(client.get("/items/"))


@pytest.mark.parametrize("code", ["xx", "bo'><script>", "", "zh-hant-xx-yy"])
def test_an_unknown_code_posted_falls_back_to_chinese(client, code):
    client.post("/i18n/setlang/", {"language": "bo", "next": "/"})
    client.post("/i18n/setlang/", {"language": code, "next": "/"})
    assert '<html lang="zh-Hans"' in page(client.get("/"))


def test_an_unknown_code_in_the_cookie_falls_back_to_chinese():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx-evil"
    assert '<html lang="zh-Hans"' in page(client.get("/"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bo"
    assert '<html lang="bo"' in page(client.get("/"))


def test_lang_in_the_url_opens_tibetan_and_an_unknown_one_is_ignored(client):
    assert '<html lang="zh-Hans"' in page(client.get("/?lang=xx"))
    assert '<html lang="zh-Hans"' in page(client.get("/?lang=<b>"))
    r = client.get("/items/?lang=bo")
    assert '<html lang="bo"' in page(r)
    assert r.cookies[settings.LANGUAGE_COOKIE_NAME].value == "bo"
    fresh = Client()
    fresh.cookies = client.cookies  # the session without ?lang=
    assert '<html lang="bo"' in page(fresh.get("/"))
    assert '<html lang="bo"' in page(client.get("/?lang=xx"))  # ignored


def test_a_citizens_choice_is_kept_on_the_profile_and_follows_the_login():
    user = citizen("dorje", full_name="རྡོ་རྗེ་")
    phone = Client()
    phone.force_login(user)
    phone.post("/i18n/setlang/", {"language": "bo", "next": "/"})
    profile = ApplicantProfile.objects.get(user=user)
    assert profile.language == "bo"
    entry = AuditEntry.objects.filter(action="applicant.set_language").last()
    assert entry is not None and entry.changes == {"language": ["", "bo"]}
    computer = Client()  # another device, no cookie
    computer.force_login(user)
    assert '<html lang="bo"' in page(computer.get("/my/applications/"))
    phone.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    profile.refresh_from_db()
    assert profile.language == ""  # the default is stored as blank


def test_a_user_without_profile_switches_without_error(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="staffer"))
    client.post("/i18n/setlang/", {"language": "bo", "next": "/"})
    assert '<html lang="bo"' in page(client.get("/"))


def test_a_tibetan_name_in_a_chinese_page_carries_lang_bo(client):
    user = citizen("tashi", full_name="བཀྲ་ཤིས་")
    user.display_name = "བཀྲ་ཤིས་"
    user.save()
    client.force_login(user)
    home = page(client.get("/"))
    assert '<span lang="bo">བཀྲ་ཤིས་</span>' in home
    client.post("/i18n/setlang/", {"language": "bo", "next": "/"})
    home = page(client.get("/"))
    assert '<span lang="bo">' not in home and "བཀྲ་ཤིས་" in home


def test_lang_span_escapes_and_wraps_by_script():
    from portal.templatetags.portal_ui import lang_span

    with translation.override("zh-hans"):
        assert lang_span("<b>ཀ</b>") == '<span lang="bo">&lt;b&gt;ཀ&lt;/b&gt;</span>'
        assert lang_span("扎西") == "扎西"
    with translation.override("bo"):
        assert lang_span("扎西") == '<span lang="zh-Hans">扎西</span>'
        assert lang_span("12") == "12"


def test_script_and_digit_helpers():
    assert text_lang("བཀྲ་ཤིས") == "bo" and text_lang("扎西") == "zh-hans"
    assert text_lang("12 ab") is None
    assert fold_digits("༡༢３4") == "1234"
    assert fold_digits("ཀ༠") == "ཀ0"
