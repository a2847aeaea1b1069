"""The vendored Tibetan font: licence beside it, used by the pages' CSS and by
the PDFs, where stacks are shaped and the text can still be extracted."""

from __future__ import annotations

import io
import re

from django.conf import settings
from pypdf import PdfReader

from portal import pdf

FONTS = settings.BASE_DIR / "static" / "fonts"


def squeeze(text: str) -> str:
    """pypdf puts spaces around zero-width vowel signs: compare without them."""
    return re.sub(r"\s+", "", text)


def test_the_font_is_vendored_with_its_ofl_licence():
    font = settings.TIBETAN_FONT_PATH
    assert font.exists() and font.parent == FONTS
    assert font.read_bytes()[:4] == b"\x00\x01\x00\x00"  # TrueType outlines
    licence = (FONTS / "NotoSerifTibetan-LICENSE.txt").read_text()
    assert "SIL OPEN FONT LICENSE" in licence.upper() and "Google" in licence


def test_the_pages_css_declares_it_for_the_tibetan_block_only():
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    face = css[css.index('font-family: "GanziTibetan"') :][:300]
    assert "NotoSerifTibetan-Regular.ttf" in face
    assert "unicode-range: U+0F00-0FFF" in face
    stack = css[css.index("--font:") :][:600]
    assert stack.index('"GanziCJK"') < stack.index('"GanziTibetan"')
    assert stack.index('"GanziTibetan"') < stack.index("sans-serif")


def _pdf(story) -> bytes:
    return pdf.build(title="t", story=story, header="甘孜州 དཀར་མཛེས།", footer="x")


def test_a_pdf_with_tibetan_embeds_the_font_and_keeps_stacks_extractable():
    text = "བཀྲ་ཤིས་བདེ་ལེགས། ཞུ་ཡིག་ ཕྱོགས་ རྒྱ་བསྒྲུབས། ཧཱུྃ།"
    data = _pdf([pdf.para(text), pdf.para("受理回执 123")])
    assert b"NotoSerifTibetan" in data
    extracted = squeeze(
        "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    )
    # stacks (བཀྲ, རྒྱ, བསྒྲུབས) and vowel ligatures (ཞུ, ཧཱུྃ) come out as typed
    for syllable in ("བཀྲ", "ཤིས", "ཞུ", "ཕྱོགས", "རྒྱ", "བསྒྲུབས", "ཧཱུྃ"):
        assert syllable in extracted
    assert "受理回执123" in extracted and "དཀར་མཛེས" in extracted


def test_tibetan_paragraphs_are_shaped_and_never_mix_fonts_in_a_word():
    chinese = pdf.para("申请人：扎西5号")
    assert not chinese.style.shaping and chinese.style.fontName == pdf.CJK_FONT
    mixed = pdf.para("申请人：བཀྲ་ཤིས5号")
    assert mixed.style.shaping == 1 and mixed.style.fontName == pdf.TIBETAN_FONT
    markup = pdf.markup("申请人：བཀྲ་ཤིས5号")
    assert markup == (
        '<font face="GanziCJK">申请人： </font>'
        '<font face="GanziTibetan">བཀྲ་ཤིས </font>'
        '<font face="Helvetica">5 </font><font face="GanziCJK">号</font>'
    )
    assert pdf.markup("扎西5号") == '扎西<font face="Helvetica">5</font>号'


def test_bilingual_prints_tibetan_above_chinese_or_chinese_alone():
    both = pdf.bilingual("ཞུ་ཡིག", "申请")
    assert [p.style.fontName for p in both] == [pdf.TIBETAN_FONT, pdf.CJK_FONT]
    assert len(pdf.bilingual("", "申请")) == 1
    assert len(pdf.bilingual("申请", "申请")) == 1
