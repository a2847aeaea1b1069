"""The portal's citizen pages in Tibetan: notices and FAQ (their Tibetan
fields, the marked fallback to Chinese), activation, password reset, the
login's lock-out and the second factor (their texts, labels and errors)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from catalog.demo import articles as demo_articles
from catalog.demo.loader import Tally, _articles
from people.services.password_reset import _check_password
from portal.errors import ServiceError
from portal.models import Article, ArticleKind, User
from tests.factories import UserFactory
from tests.security.otp import enrol

pytestmark = pytest.mark.django_db

MARKER = "（རྒྱ་ཡིག་ཁོ་ན།）"
HAN = re.compile(r"[\u4e00-\u9fff]")
PASSWORD = "Demo-pass-2026"
IP = "192.0.2.77"


def _bo(client: Client | None = None) -> Client:
    client = client or Client()
    client.post("/i18n/setlang/", {"language": "bo", "next": "/"})
    return client


def _main(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def _tibetan_page(response, *texts: str) -> str:
    """The page is Tibetan: lang="bo", the texts present, no Chinese left in
    its main part (an untranslated label or message would be Chinese)."""
    html = response.content.decode()
    assert '<html lang="bo"' in html
    for text in texts:
        assert text in html, text
    main = _main(html)
    assert HAN.findall(main) == [], main
    return html


def _article(**kwargs) -> Article:
    values = {
        "kind": ArticleKind.NOTICE,
        "title": "关于窗口延时服务的公告",
        "slug": "late-hours",
        "summary": "每周六上午开放。",
        "body": "第一段。\n\n第二段。",
        "published_on": dt.date(2026, 3, 1),
        "issuer": "甘孜州政务服务管理局",
    }
    return Article.objects.create(**{**values, **kwargs})


# --- notices and FAQ -----------------------------------------------------------


def test_a_tibetan_notice_shows_its_tibetan_on_a_tibetan_page():
    _article(
        title_bo="སྒེའུ་ཁུང་དུས་འགྱངས་ཞབས་ཞུའི་གསལ་བསྒྲགས།",
        summary_bo="གཟའ་སྤེན་པའི་སྔ་དྲོ་ཁ་ཕྱེ་ཡོད།",
        body_bo="དུམ་མཚམས་དང་པོ།\n\nདུམ་མཚམས་གཉིས་པ།",
    )
    html = _bo().get("/notices/late-hours/").content.decode()
    assert '<html lang="bo"' in html
    assert "<h1>སྒེའུ་ཁུང་དུས་འགྱངས་ཞབས་ཞུའི་གསལ་བསྒྲགས།</h1>" in html
    assert "<title>སྒེའུ་ཁུང་དུས་འགྱངས་ཞབས་ཞུའི་གསལ་བསྒྲགས། ·" in html
    assert "གཟའ་སྤེན་པའི་སྔ་དྲོ་ཁ་ཕྱེ་ཡོད།" in html
    assert (
        '<div class="article-body"><p>དུམ་མཚམས་དང་པོ།</p>\n\n<p>དུམ་མཚམས་གཉིས་པ།</p></div>'
        in html
    )
    assert "第一段" not in html and "关于窗口延时服务的公告" not in html
    assert MARKER not in html
    # the issuer has no Tibetan: Chinese, marked as such for screen readers
    assert '<span lang="zh-Hans">甘孜州政务服务管理局</span>' in html
    assert "གསལ་བསྒྲགས་ཚེས་གྲངས།" in html  # 发布日期

    # the list and the home page show the Tibetan title too
    listing = _bo().get("/notices/").content.decode()
    assert "སྒེའུ་ཁུང་དུས་འགྱངས་ཞབས་ཞུའི་གསལ་བསྒྲགས།" in listing
    home = _bo().get("/").content.decode()
    assert "སྒེའུ་ཁུང་དུས་འགྱངས་ཞབས་ཞུའི་གསལ་བསྒྲགས།" in home


def test_the_chinese_page_shows_the_chinese_of_a_tibetan_notice():
    _article(title_bo="སྒེའུ་ཁུང་དུས་འགྱངས།", body_bo="དུམ་མཚམས་དང་པོ།")
    html = Client().get("/notices/late-hours/").content.decode()
    assert "<h1>关于窗口延时服务的公告</h1>" in html and "第一段" in html
    assert "སྒེའུ་ཁུང་དུས་འགྱངས" not in _main(html) and MARKER not in html


def test_a_notice_without_tibetan_falls_back_to_chinese_with_the_marker():
    _article()
    html = _bo().get("/notices/late-hours/").content.decode()
    assert (
        '<h1><span lang="zh-Hans">关于窗口延时服务的公告</span> '
        f'<small class="lang-fallback">{MARKER}</small></h1>'
    ) in html
    # the summary is marked once, by the title; the body has its own marker
    assert '<p class="lead"><span lang="zh-Hans">每周六上午开放。</span></p>' in html
    assert f'<p class="lang-fallback">{MARKER}</p>' in html
    assert '<div class="article-body" lang="zh-Hans"><p>第一段。</p>' in html
    assert "<title>关于窗口延时服务的公告 ·" in html  # plain text in the title


def test_a_tibetan_title_with_a_chinese_body_marks_the_body():
    _article(title_bo="སྒེའུ་ཁུང་དུས་འགྱངས།")
    html = _bo().get("/notices/late-hours/").content.decode()
    assert "<h1>སྒེའུ་ཁུང་དུས་འགྱངས།</h1>" in html
    assert (
        '<p class="lead"><span lang="zh-Hans">每周六上午开放。</span> '
        f'<small class="lang-fallback">{MARKER}</small></p>'
    ) in html
    assert '<div class="article-body" lang="zh-Hans">' in html
    listing = _bo().get("/notices/").content.decode()
    assert (
        '<span lang="zh-Hans">每周六上午开放。</span> '
        f'<small class="lang-fallback">{MARKER}</small>'
    ) in listing


def test_the_faq_in_tibetan_with_one_answer_still_chinese():
    _article(
        kind=ArticleKind.FAQ,
        slug="faq-track",
        title="如何查询办件进度？",
        summary="",
        body="输入办件编号和查询码。",
        title_bo="ཞུ་ཡིག་གི་མྱུར་ཚད་ཇི་ལྟར་འཚོལ་དགོས་སམ།",
        body_bo="ཞུ་ཡིག་ཨང་རྟགས་དང་འཚོལ་ཞིབ་ཨང་གྲངས་འབྲི་རོགས།",
    )
    _article(
        kind=ArticleKind.FAQ,
        slug="faq-agent",
        title="住在偏远乡镇怎么办？",
        summary="",
        body="可到便民服务中心。",
    )
    html = _bo().get("/faq/").content.decode()
    assert '<html lang="bo"' in html
    assert "<summary>ཞུ་ཡིག་གི་མྱུར་ཚད་ཇི་ལྟར་འཚོལ་དགོས་སམ།</summary>" in html
    assert (
        '<div class="answer-body"><p>ཞུ་ཡིག་ཨང་རྟགས་དང་འཚོལ་ཞིབ་ཨང་གྲངས་འབྲི་རོགས།</p></div>'
        in html
    )
    assert "如何查询办件进度" not in html and "输入办件编号" not in html
    assert (
        '<summary><span lang="zh-Hans">住在偏远乡镇怎么办？</span> '
        f'<small class="lang-fallback">{MARKER}</small></summary>'
    ) in html
    assert (
        '<div class="answer-body" lang="zh-Hans"><p>可到便民服务中心。</p></div>'
        in html
    )
    assert "རྒྱུན་མཐོང་དྲི་བ།" in html  # 常见问题
    detail = _bo().get("/faq/faq-track/").content.decode()
    assert "<h1>ཞུ་ཡིག་གི་མྱུར་ཚད་ཇི་ལྟར་འཚོལ་དགོས་སམ།</h1>" in detail


def test_the_supervision_page_in_tibetan():
    _article(
        kind=ArticleKind.SUPERVISION,
        slug="channels",
        title_bo="ལམ་ཁ།",
        summary_bo="ཁ་པར་དང་སྒེའུ་ཁུང་།",
    )
    _tibetan_page(
        _bo().get("/supervision/"),
        "ལྟ་སྐུལ་དང་ཞུ་གཏུག་གི་ལམ་ཁ།",
        "ཞུ་གཏུག་འབུལ་བ།",
        "ལམ་ཁ།",
    )


def test_the_demo_gives_the_notices_and_faq_tibetan_and_a_rerun_fills_old_rows():
    slugs = {a["slug"]: a for a in demo_articles.ARTICLES}
    assert set(demo_articles.TIBETAN) <= set(slugs)
    for kind in ("notice", "faq"):
        assert all(
            demo_articles.TIBETAN.get(slug, {}).get("title_bo")
            for slug, a in slugs.items()
            if a["kind"] == kind
        ), kind
    # rows loaded before the Tibetan existed, one already edited by hand
    _articles(Tally())
    Article.objects.update(title_bo="", summary_bo="", body_bo="")
    Article.objects.filter(slug="faq-one-thing").update(title_bo="ཞུ་དག་པ།")
    _articles(Tally())
    track = Article.objects.get(slug="faq-track-application")
    assert track.title_bo == demo_articles.TIBETAN[track.slug]["title_bo"]
    assert track.body_bo.startswith("ཞུ་ཡིག་ཕུལ་རྗེས")
    assert Article.objects.get(slug="faq-one-thing").title_bo == "ཞུ་དག་པ།"
    policy = Article.objects.filter(kind=ArticleKind.POLICY).first()
    assert policy.title_bo == ""  # the policy documents stay Chinese
    page = _bo().get("/notices/2026-spring-festival-hours/").content.decode()
    assert "<h1>༢༠༢༦ ལོའི་ལོ་གསར་དུས་ཚིགས་རིང་" in page


# --- activation, password reset, login ------------------------------------------


def test_the_activation_pages_are_tibetan_and_so_is_a_bad_id_number():
    client = _bo()
    _tibetan_page(
        client.get("/accounts/activate/"),
        "དྲ་ཐོག་རྩིས་ཐོ་སྒོ་འབྱེད།",
        "སྡོད་དམངས་ཐོབ་ཐང་ལག་ཁྱེར་ཨང་གྲངས།",
    )
    r = client.post(
        "/accounts/activate/",
        {"id_number": "5133011990", "phone": "12345"},
        REMOTE_ADDR=IP,
    )
    _tibetan_page(
        r,
        "ཐོབ་ཐང་ལག་ཁྱེར་ཨང་གྲངས་ལ་ཨང་ཀི་ 18 དགོས། དངོས་སུ་ 10 འདུག",
        "ཁ་པར་ཨང་གྲངས་ནི་ཀྲུང་གོའི་ནང་ས་ཁུལ་གྱི་ཨང་གྲངས་ 11 ཅན་ཡིན་དགོས།",
    )
    r = client.post("/accounts/activate/", {"id_number": "", "phone": ""})
    _tibetan_page(r, "ཐོབ་ཐང་ལག་ཁྱེར་ཨང་གྲངས་འབྲི་རོགས།", "ཁ་པར་ཨང་གྲངས་འབྲི་རོགས།")


def test_the_password_reset_pages_are_tibetan_and_so_are_their_errors():
    client = _bo()
    _tibetan_page(client.get("/accounts/password-reset/"), "གསང་ཨང་ཕྱིར་ལེན།")
    r = client.post("/accounts/password-reset/", {"username": "", "phone": ""})
    _tibetan_page(r, "སྤྱོད་མཁན་གྱི་མིང་འབྲི་རོགས།", "ཁ་པར་ཨང་གྲངས་འབྲི་རོགས།")
    # the same answer whether or not the name and phone match: the code step
    r = client.post(
        "/accounts/password-reset/",
        {"username": "nobody", "phone": "13800009999"},
        REMOTE_ADDR=IP,
    )
    assert r.status_code == 302
    page = client.get(r["Location"])
    _tibetan_page(page, "གསང་ཨང་གསར་པ་གཏན་འཁེལ།", "སྐར་མ་ ", "འཕྲིན་ཐུང་ར་སྤྲོད་ཨང་གྲངས།")
    r = client.post(
        r["Location"],
        {"code": "", "password1": "Abc-12345-x", "password2": "Abc-12345-y"},
    )
    _tibetan_page(r, "ར་སྤྲོད་ཨང་གྲངས་འབྲི་རོགས།", "ཐེངས་གཉིས་ལ་བཀང་བའི་གསང་ཨང་མི་མཐུན།")


def test_a_short_new_password_says_its_minimum_length():
    user = User(username="someone")
    with pytest.raises(ServiceError) as caught:
        _check_password(user, "a1-b")
    details = [e.detail for e in caught.value.errors]
    assert any("8" in d and "%(" not in d for d in details), details


def test_the_login_form_in_tibetan_and_a_wrong_password():
    UserFactory(username="zhaxi-bo", roles=["applicant"])
    client = _bo()
    _tibetan_page(client.get("/accounts/login/"), "སྤྱོད་མཁན་གྱི་མིང་།", "གསང་ཨང་།")
    r = client.post(
        "/accounts/login/",
        {"username": "zhaxi-bo", "password": "wrong-one"},
        REMOTE_ADDR=IP,
    )
    _tibetan_page(r, "སྤྱོད་མཁན་གྱི་མིང་ངམ་གསང་ཨང་ནོར་འདུག")
    r = client.post("/accounts/login/", {"username": "", "password": ""})
    _tibetan_page(r, "སྤྱོད་མཁན་གྱི་མིང་འབྲི་རོགས།", "གསང་ཨང་འབྲི་རོགས།")


def test_the_lock_out_page_in_tibetan():
    UserFactory(username="zhaxi-bo", roles=["applicant"])
    client = _bo()
    for _ in range(5):
        r = client.post(
            "/accounts/login/",
            {"username": "zhaxi-bo", "password": "wrong-one"},
            REMOTE_ADDR=IP,
        )
    assert r.status_code == 429
    _tibetan_page(
        r,
        "རྩིས་ཐོ་གནས་སྐབས་སྒོ་བརྒྱབ་ཟིན།",
        "སྐར་མ་ 30 རྗེས་ཡང་བསྐྱར་ཚོད་ལྟ་",
        "ཐོ་འགོད་བྱས་པའི་ཁ་པར་གྱིས་གསང་ཨང་ཕྱིར་ལེན་ནས་སྒོ་བརྒྱབ་པ་གྲོལ་བ།",
    )


# --- the second factor ----------------------------------------------------------


def test_the_second_factor_pages_in_tibetan():
    citizen = UserFactory(username="citizen-bo", roles=["applicant"])
    client = _bo()
    client.force_login(citizen)
    html = _tibetan_page(
        client.get("/accounts/two-factor/"),
        "གོམ་པ་གཉིས་ཀྱི་ར་སྤྲོད་སྤྱོད་འགོ་འཛུགས།",
        "ལག་པས་འབྲི་བའི་གསང་ལྡེ།",
        "ཉེར་སྤྱོད་ནང་མངོན་པའི་ཨང་གྲངས་ 6 ཅན་གྱི་ར་སྤྲོད་ཨང་གྲངས།",
    )
    assert "<title>གོམ་པ་གཉིས་ཀྱི་ར་སྤྲོད་ཀྱི་ཕྱོགས་གཉིས་ཨང་རྟགས།</title>" in html
    r = client.post("/accounts/two-factor/", {"action": "enable", "enable-code": ""})
    _tibetan_page(r, "ར་སྤྲོད་ཨང་གྲངས་འབྲི་རོགས།")
    r = client.post(
        "/accounts/two-factor/", {"action": "enable", "enable-code": "000000"}
    )
    _tibetan_page(r, "ར་སྤྲོད་ཨང་གྲངས་ནོར་བའམ་བེད་སྤྱད་ཟིན།")

    enrol(citizen)
    _tibetan_page(
        client.get("/accounts/two-factor/"),
        "ལྷག་མའི་སླར་གསོའི་ཨང་རྟགས། 3",
        "གོམ་པ་གཉིས་ཀྱི་ར་སྤྲོད་མཚམས་འཇོག",
    )


def test_the_login_code_step_in_tibetan():
    clerk = UserFactory(username="clerk-bo", roles=["clerk"])
    enrol(clerk)
    client = _bo()
    r = client.post(
        "/accounts/login/",
        {"username": "clerk-bo", "password": PASSWORD},
        REMOTE_ADDR=IP,
    )
    assert r.status_code == 302 and r["Location"] == "/accounts/login/verify/"
    _tibetan_page(
        client.get("/accounts/login/verify/"),
        "གསང་ཨང་ཡང་དག་རེད།",
        "ར་སྤྲོད་བྱས་ནས་ནང་འཛུལ།",
    )
    r = client.post("/accounts/login/verify/", {"code": "zzzz-9999"}, REMOTE_ADDR=IP)
    _tibetan_page(r, "ར་སྤྲོད་ཨང་གྲངས་ནོར་བའམ་བེད་སྤྱད་ཟིན།")
