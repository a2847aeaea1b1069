"""The Tibetan catalogue of the citizen-facing strings (locale/bo).

Citizen-facing is defined in scripts/bo_messages.py: the templates in
CITIZEN_TEMPLATES and the messages of CITIZEN_MODULES. Every one of their
messages has a Tibetan msgstr (compiled into the .mo), every citizen template
is either covered or listed as PENDING, the header says the translation awaits
review, and the glossary's terms are used the same way everywhere."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from applications.models import Application
from tests.applications.factories import (
    GOOD_FORM,
    applicable_version,
    citizen,
    hall_and_implementation,
)

ROOT = Path(settings.BASE_DIR)
TIBETAN = re.compile(r"[\u0f00-\u0fff]")
HAN = re.compile(r"[\u4e00-\u9fff]")
# Messages whose Tibetan needs no Tibetan letter (a number and its unit).
NEUTRAL = {"%(value)s个%(unit)s"}


def _scope():
    spec = importlib.util.spec_from_file_location(
        "bo_messages", ROOT / "scripts" / "bo_messages.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bo = _scope()


def test_the_header_says_the_translation_awaits_review():
    header, _entries = bo.read_catalog()
    assert "Language: bo" in header
    assert "AWAITS REVIEW by the prefecture's translation office" in header
    assert "GLOSSARY.md" in header


def test_every_citizen_template_is_covered_or_listed_pending():
    templates = {str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")}
    covered, pending = set(bo.CITIZEN_TEMPLATES), set(bo.PENDING)
    assert covered <= templates and pending <= templates
    assert not covered & pending
    staff = {t for t in templates if t.startswith(bo.STAFF_PREFIXES)}
    unclassified = sorted(templates - covered - pending - staff)
    assert unclassified == []


def test_every_citizen_facing_message_has_its_tibetan():
    keys = bo.citizen_messages()
    assert len(keys) > 250
    _header, entries = bo.read_catalog()
    missing = sorted(k for k in keys if not entries.get(k))
    assert missing == []
    not_tibetan = sorted(
        k
        for k in keys
        if HAN.search(k) and not TIBETAN.search(entries[k]) and k not in NEUTRAL
    )
    assert not_tibetan == []
    plurals = bo.citizen_plurals()
    with translation.override("bo"):
        for key in keys:
            if "\x04" in key:
                context, msgid = key.split("\x04", 1)
                compiled = translation.pgettext(context, msgid)
            elif key in plurals:  # blocktranslate count: only ngettext finds it
                compiled = translation.ngettext(key, plurals[key], 2)
            else:
                compiled = translation.gettext(key)
            assert compiled == entries[key], f"{key!r}: run scripts/bo_messages.py"


def test_placeholders_are_kept():
    _header, entries = bo.read_catalog()
    wrong = [
        k
        for k, v in entries.items()
        if sorted(re.findall(r"%\(\w+\)[sd]", k))
        != sorted(re.findall(r"%\(\w+\)[sd]", v))
    ]
    assert wrong == []


def _glossary() -> dict[str, list[str]]:
    text = (ROOT / "locale" / "bo" / "GLOSSARY.md").read_text(encoding="utf-8")
    pairs = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and TIBETAN.search(cells[1]):
            chinese = [c.strip() for c in cells[0].split("/")]
            tibetan = [c.strip().rstrip("།").strip() for c in cells[1].split("/")]
            if len(chinese) == len(tibetan):
                pairs.update({z: [t] for z, t in zip(chinese, tibetan, strict=True)})
    return pairs


def test_the_glossary_has_the_key_terms():
    terms = _glossary()
    for term in (
        "事项",
        "受理",
        "办件编号",
        "查询码",
        "一次性告知",
        "容缺后补",
        "告知承诺",
        "承诺时限",
        "补正",
        "电子证照",
        "办事指南",
        "受理审查期限",
        "法定时限",
    ):
        assert term in terms, term


@pytest.mark.parametrize(
    "term",
    [
        "办件编号",
        "查询码",
        "一次性告知",
        "容缺后补",
        "告知承诺",
        "补正",
        "电子证照",
        "办事指南",
        "受理审查期限",
        "承诺办结日期",
    ],
)
def test_a_glossary_term_is_translated_the_same_everywhere(term):
    tibetan = _glossary()[term][0]
    _header, entries = bo.read_catalog()
    using = {k: v for k, v in entries.items() if term in k}
    assert using, term
    wrong = {k: v for k, v in using.items() if tibetan not in v}
    assert wrong == {}


# --- the pages ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_language_is_kept_across_the_apply_wizard():
    version = applicable_version(
        materials=[{"name": "居民身份证", "necessity": "required"}]
    )
    _hall, implementation = hall_and_implementation(version)
    user = citizen("pema", full_name="པདྨ་སྒྲོལ་མ")
    client = Client()
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "bo", "next": "/"})

    def tibetan_page(url, *texts):
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        html = r.content.decode()
        assert '<html lang="bo"' in html, url
        for text in texts:
            assert text in html, (url, text)
        return html

    html = tibetan_page(f"/items/{version.item.basic_code}/", "ལས་དོན་ལམ་སྟོན")
    html = tibetan_page(f"/apply/{implementation.code}/", "ཞུ་ཡིག་རེའུ་མིག")
    token = re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)
    r = client.post(
        f"/apply/{implementation.code}/",
        {**GOOD_FORM, "action": "next", "token": token},
    )
    app = Application.objects.get(applicant=user)
    assert r.status_code == 302
    tibetan_page(f"/my/applications/{app.pk}/materials/", "ཡིག་ཆ་འབུལ་བ")
    tibetan_page(f"/my/applications/{app.pk}/review/", "གཏན་འཁེལ་བྱས་ནས་འབུལ་བ")
    tibetan_page("/my/applications/", "ངའི་ཞུ་ཡིག")
    tibetan_page(f"/my/applications/{app.pk}/", "ཞུ་ཡིག་གི་ཆ་འཕྲིན")
    tibetan_page("/track/", "ཞུ་ཡིག་ཨང་རྟགས", "འཚོལ་ཞིབ་ཨང་གྲངས")
    # the citizen's name (Tibetan) on a Tibetan page needs no extra lang
    assert '<span lang="bo">པདྨ' not in tibetan_page("/")
