"""Bilingual documents for a Tibetan-language applicant: the receipt and the
one-time notice carry both scripts (text extraction), rendered in the shaped
Tibetan font; a Chinese-language applicant's documents stay Chinese."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from applications import documents
from catalog.models import Material, ServiceItemVersion
from people.models import ApplicantProfile
from tests.applications.factories import ApplicationFactory, citizen

pytestmark = pytest.mark.django_db
TIBETAN = re.compile(r"[\u0f00-\u0fff]")


def text_of(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in pages))


def _application(language: str, **state):
    user = citizen("tashi", full_name="བཀྲ་ཤིས་ཚེ་རིང་")
    ApplicantProfile.objects.filter(user=user).update(language=language)
    app = ApplicationFactory(applicant=user, **state)
    ServiceItemVersion.objects.filter(pk=app.version_id).update(
        name_bo="ལེགས་སྐྱེས་ལག་ཁྱེར་སྤྲོད་པ།"
    )
    Material.objects.filter(version_id=app.version_id).update(name_bo="ཐོབ་ཐང་ལག་ཁྱེར།")
    app.refresh_from_db()
    return app


def test_a_tibetan_applicants_receipt_is_bilingual():
    app = _application("bo", accepted=True)
    data = documents.receipt_pdf(app, tracking_url="https://example.cn/track/?n=1")
    text = text_of(data)
    assert b"NotoSerifTibetan" in data
    for tibetan in (
        "ཞུ་ཡིག་ལེན་ཟིན་པའི་བརྡ་ཐོ",
        "ཞུ་ཡིག་ཨང་རྟགས",
        "འཚོལ་ཞིབ་ཨང་གྲངས",
        "ལེགས་སྐྱེས་ལག་ཁྱེར་སྤྲོད་པ",
        "ཐོབ་ཐང་ལག་ཁྱེར",
        "བཀྲ་ཤིས་ཚེ་རིང",  # the applicant's name, printed unmasked
    ):
        assert tibetan in text, tibetan
    for chinese in ("受理通知书", "办件编号", "查询码", "决定予以受理", app.number):
        assert chinese in text, chinese
    assert app.query_code in text


def test_a_tibetan_applicants_one_time_notice_is_bilingual():
    app = _application("bo", supplement=True)
    notice = documents.open_notice(app)
    text = text_of(documents.notice_pdf(app, notice=notice))
    assert "ཐེངས་གཅིག་ལ་བརྡ་ཁྱབ" in text and "一次性告知" in text
    assert "ཁ་སྐོང་བཅོས་སྒྲིག" in text and "补正期限" in text


def test_a_tibetan_applicants_refusal_has_the_tibetan_title():
    app = _application("bo", refused=True)
    text = text_of(documents.refusal_pdf(app))
    assert "ལེན་རྒྱུ་མིན་པའི་བརྡ་ཐོ" in text and "不予受理通知书" in text


def test_a_chinese_applicants_receipt_stays_chinese_but_prints_a_tibetan_name():
    app = _application("", accepted=True)
    text = text_of(documents.receipt_pdf(app, tracking_url="https://example.cn/t"))
    assert "受理通知书" in text and "ཞུ་ཡིག་ཨང་རྟགས" not in text
    assert "བཀྲ་ཤིས་ཚེ་རིང" in text  # a Tibetan name is printed as written
