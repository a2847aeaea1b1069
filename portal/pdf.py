"""PDF building blocks shared by guides, receipts and notices.

Chinese text is set in the vendored CJK font (``settings.CJK_FONT_PATH``), so a
machine with no CJK font installed still produces correct, searchable PDFs.
That font (Droid Sans Fallback) has no Latin letters or digits, so every piece
of text goes through :func:`markup`, which puts runs the CJK font cannot draw
into Helvetica (one of the PDF base-14 fonts every viewer has) and escapes
markup characters: text from the database is never parsed as reportlab markup.

Tibetan (U+0F00–U+0FFF) is set in the vendored Noto Serif Tibetan
(``settings.TIBETAN_FONT_PATH``, OFL; ADR 0011). Its stacks and vowel signs
need OpenType shaping, which reportlab does with uharfbuzz only outside its
CJK line breaking and one word at a time, with the first font of the word.
So a paragraph with Tibetan in it gets a shaped style (``shaping=1``, lines
broken at spaces), and :func:`markup` puts a space wherever its font
changes, so that no word mixes fonts. Bilingual documents keep their
Tibetan and Chinese in separate paragraphs (:func:`bilingual`).

Typical use::

    from portal import pdf

    s = pdf.styles()
    story = [pdf.para("受理回执", s["title"]), pdf.kv_table([("办件编号", no)])]
    data = pdf.build(title="受理回执", story=story, footer=settings.SITE_NAME)

Only reportlab, segno and settings are imported here, so any app may use this module.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase import ttfonts as reportlab_ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

CJK_FONT = "GanziCJK"
TIBETAN_FONT = "GanziTibetan"
LATIN_FONT = "Helvetica"
LATIN_BOLD_FONT = "Helvetica-Bold"
PAGE_SIZE = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 20 * mm
CONTENT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN_X
GRID_COLOR = colors.HexColor("#9aa5b1")
HEAD_FILL = colors.HexColor("#e8eef5")
ACCENT = colors.HexColor("#a4262c")


_UNI_NAME = re.compile(r"uni((?:[0-9A-F]{4})+)")
_SHAPED_TEXT: dict[str, object] = {}  # face name -> code point -> text


def _glyph_text(font: TTFont):
    """For a shaped font: what each code point of the PDF's ToUnicode map
    stands for. A stack or a vowel ligature is a glyph that reportlab gives a
    private-use code point; its name in Noto (``uni0F5E0F74``, ``uni0F7A.narrow``)
    spells the characters it draws, so text extraction and search get them."""
    names: dict[int, str] = {}

    def text_of(cp: int) -> str | None:
        if not 0xE000 <= cp <= 0xF8FF:
            return None
        gid = font.face.charToGlyph.get(cp)
        if gid is None:
            return None
        if gid not in names:
            names[gid] = font.hbFont(10).glyph_to_string(gid)
        match = _UNI_NAME.match(names[gid].split(".")[0])
        if not match:
            return None
        hexes = match.group(1)
        return "".join(chr(int(hexes[i : i + 4], 16)) for i in range(0, len(hexes), 4))

    return text_of


def _to_unicode_cmap(fontname: str, subset) -> str:
    """reportlab's ToUnicode CMap, with the shaped glyphs' real characters."""
    text_of = next((f for face, f in _SHAPED_TEXT.items() if face in fontname), None)
    cmap = _reportlab_to_unicode(fontname, subset)
    if text_of is None:
        return cmap
    for i, cp in enumerate(subset):
        text = text_of(cp)
        if text:
            utf16 = "".join(f"{ord(c):04X}" for c in text)
            cmap = cmap.replace(f"<{i:02X}> <{cp:04X}>", f"<{i:02X}> <{utf16}>", 1)
    return cmap


_reportlab_to_unicode = reportlab_ttfonts.makeToUnicodeCMap


@cache
def register_fonts() -> str:
    """Register the vendored CJK and Tibetan fonts with reportlab once per process."""
    pdfmetrics.registerFont(
        TTFont(CJK_FONT, str(settings.CJK_FONT_PATH), shapable=False)
    )
    tibetan = TTFont(TIBETAN_FONT, str(settings.TIBETAN_FONT_PATH), shapable=True)
    pdfmetrics.registerFont(tibetan)
    _SHAPED_TEXT[tibetan.face.name.decode("latin-1")] = _glyph_text(tibetan)
    reportlab_ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    return CJK_FONT


def is_tibetan(ch: str) -> bool:
    return "\u0f00" <= ch <= "\u0fff"


def has_tibetan(text: object) -> bool:
    return any(is_tibetan(ch) for ch in str(text or ""))


@cache
def _cjk_chars() -> frozenset[int]:
    register_fonts()
    face = pdfmetrics.getFont(CJK_FONT).face
    return frozenset(cp for cp, glyph in face.charToGlyph.items() if glyph)


def _latin_ok(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


@cache
def _tibetan_chars() -> frozenset[int]:
    register_fonts()
    face = pdfmetrics.getFont(TIBETAN_FONT).face
    return frozenset(
        cp for cp, glyph in face.charToGlyph.items() if glyph and is_tibetan(chr(cp))
    )


def _drawable(ch: str) -> bool:
    return ord(ch) in _cjk_chars() or _latin_ok(ch) or ord(ch) in _tibetan_chars()


def _face_of(ch: str, cjk: frozenset[int], latin: str, font: str) -> str:
    if is_tibetan(ch):
        return TIBETAN_FONT
    return latin if ord(ch) not in cjk and _latin_ok(ch) else font


def drawable_text(text: str) -> str:
    """Replace characters neither font has by their NFKC form when that is drawable.

    E.g. the Roman numeral "Ⅲ" (used by the online-depth levels) becomes "III".
    """
    out = []
    for ch in text:
        if ch in "\n " or _drawable(ch):
            out.append(ch)
            continue
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if all(_drawable(c) for c in folded) else ch)
    return "".join(out)


def markup(text: object, *, bold: bool = False) -> str:
    """Escaped Paragraph markup for ``text`` with per-run font switching.

    Characters the CJK font lacks (Latin letters, digits, ASCII punctuation)
    go to Helvetica, Tibetan to the Tibetan font; everything else stays in the
    CJK font. Newlines become line breaks. In text with Tibetan in it, a space
    is put in wherever the font changes with no space between (see the
    module docstring).
    """
    text = drawable_text("" if text is None else str(text))
    cjk = _cjk_chars()
    latin = LATIN_BOLD_FONT if bold else LATIN_FONT
    out: list[str] = []
    run: list[str] = []
    run_face: str | None = None
    tibetan = has_tibetan(text)  # then the style's font is the Tibetan one

    def flush() -> None:
        if not run:
            return
        chunk = escape("".join(run)).replace("\n", "<br/>")
        if run_face == CJK_FONT and not tibetan:
            out.append(chunk)  # the style's own font
        else:
            out.append(f'<font face="{run_face}">{chunk}</font>')
        run.clear()

    for ch in text:
        if ch == "\n" or ch == " ":
            face = run_face or CJK_FONT  # spaces and breaks join the current run
        else:
            face = _face_of(ch, cjk, latin, CJK_FONT)
        if run and face != run_face:
            if tibetan and run[-1] not in " \n":
                run.append(" ")
            flush()
        run_face = face
        run.append(ch)
    flush()
    return "".join(out)


@cache
def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles, all in the CJK font with CJK line breaking."""
    font = register_fonts()
    base = ParagraphStyle(
        "body",
        fontName=font,
        fontSize=10.5,
        leading=16,
        wordWrap="CJK",
        spaceAfter=3,
    )
    return {
        "body": base,
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontSize=18,
            leading=26,
            alignment=TA_CENTER,
            spaceAfter=6,
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            parent=base,
            fontSize=10,
            leading=14,
            alignment=TA_CENTER,
            textColor=colors.HexColor("#52606d"),
            spaceAfter=10,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontSize=13.5,
            leading=20,
            spaceBefore=10,
            spaceAfter=4,
            textColor=ACCENT,
            keepWithNext=1,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=base,
            fontSize=11.5,
            leading=17,
            spaceBefore=6,
            keepWithNext=1,
        ),
        "small": ParagraphStyle(
            "small",
            parent=base,
            fontSize=8.5,
            leading=12,
            spaceBefore=3,
            textColor=colors.HexColor("#52606d"),
        ),
        "caption": ParagraphStyle(
            "caption",
            parent=base,
            fontSize=9,
            leading=13,
            spaceBefore=4,
            textColor=colors.HexColor("#52606d"),
            keepWithNext=1,
        ),
        "cell": ParagraphStyle(
            "cell", parent=base, fontSize=9, leading=13, spaceAfter=0
        ),
        "cell_head": ParagraphStyle(
            "cell_head", parent=base, fontSize=9, leading=13, spaceAfter=0
        ),
    }


def para(text: object, style: ParagraphStyle | str = "body") -> Paragraph:
    """A Paragraph of plain text (escaped; never interpreted as markup).

    With Tibetan in it, the style's shaped twin (:func:`shaped`)."""
    if isinstance(style, str):
        style = styles()[style]
    if has_tibetan(text):
        style = shaped(style)
    return Paragraph(markup(text), style)


_SHAPED: dict[str, ParagraphStyle] = {}


def shaped(style: ParagraphStyle) -> ParagraphStyle:
    """The style for text with Tibetan: the Tibetan font as base (reportlab
    shapes only when the base font can be shaped), OpenType shaping on, lines
    broken at spaces instead of CJK's anywhere; a little more leading for the
    stacks below the line."""
    twin = _SHAPED.get(style.name)
    if twin is None:
        register_fonts()
        twin = ParagraphStyle(
            f"{style.name}-bo",
            parent=style,
            fontName=TIBETAN_FONT,
            wordWrap=None,
            shaping=1,
            splitLongWords=0,
            leading=style.leading * 1.25,
        )
        _SHAPED[style.name] = twin
    return twin


def bilingual(
    tibetan: object, chinese: object, style: ParagraphStyle | str = "body"
) -> list[Paragraph]:
    """A Tibetan paragraph and below it the Chinese one (prefecture documents
    print both); only the Chinese when there is no Tibetan text."""
    paragraphs = []
    if tibetan and str(tibetan) != str(chinese):
        paragraphs.append(para(tibetan, style))
    paragraphs.append(para(chinese, style))
    return paragraphs


def bullets(lines: Iterable[object], style: str = "body") -> list[Paragraph]:
    return [para(f"{i}. {line}", style) for i, line in enumerate(lines, start=1)]


def table(
    rows: Sequence[Sequence[object]],
    *,
    col_widths: Sequence[float] | None = None,
    header: bool = True,
) -> Table:
    """A grid table of plain-text cells; the first row is a header if ``header``."""
    s = styles()
    body_rows = []
    for r, row in enumerate(rows):
        style = s["cell_head"] if header and r == 0 else s["cell"]
        body_rows.append(
            [c if isinstance(c, Flowable) else para(c, style) for c in row]
        )
    if col_widths is not None:
        total = sum(col_widths)
        col_widths = [CONTENT_WIDTH * w / total for w in col_widths]
    t = Table(body_rows, colWidths=col_widths, repeatRows=1 if header else 0)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID_COLOR),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL))
    t.setStyle(TableStyle(commands))
    return t


def kv_table(pairs: Iterable[tuple[object, object]]) -> Table:
    """Two-column label/value table (receipts, guide basics)."""
    t = table([[k, v] for k, v in pairs], col_widths=[1, 3], header=False)
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), HEAD_FILL)]))
    return t


class QrCode(Flowable):
    """A QR code drawn as vector squares (crisp at any print resolution)."""

    QUIET_ZONE = 4

    def __init__(self, data: str, size: float = 34 * mm) -> None:
        super().__init__()
        self.matrix = segno.make(data, error="m", micro=False).matrix
        self.width = self.height = size

    def draw(self) -> None:
        n = len(self.matrix) + 2 * self.QUIET_ZONE
        module = self.width / n
        canvas = self.canv
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        for row_index, row in enumerate(self.matrix):
            y = self.height - (row_index + self.QUIET_ZONE + 1) * module
            start = None
            for col, dark in enumerate([*row, 0]):
                if dark and start is None:
                    start = col
                elif not dark and start is not None:
                    x = (start + self.QUIET_ZONE) * module
                    # A hair wider so adjacent runs leave no white seams.
                    canvas.rect(x, y, (col - start) * module + 0.1, module + 0.1, 0, 1)
                    start = None


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


def build(
    *,
    title: str,
    story: list[Flowable],
    header: str = "",
    footer: str = "",
    author: str = "",
) -> bytes:
    """Lay out ``story`` on A4 pages with a running header and a page-numbered footer.

    ``title`` goes into the PDF metadata; ``header`` (default: the title) is
    printed at the top of every page, ``footer`` at the bottom left, and
    "第 N 页" at the bottom right.
    """
    font = register_fonts()
    header = header or title
    buf = io.BytesIO()

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        width, height = PAGE_SIZE
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(0.8)
        canvas.line(MARGIN_X, height - 14 * mm, width - MARGIN_X, height - 14 * mm)
        canvas.line(MARGIN_X, 13 * mm, width - MARGIN_X, 13 * mm)
        _draw(canvas, MARGIN_X, height - 12 * mm, header, font, 8.5)
        if footer:
            _draw(canvas, MARGIN_X, 9 * mm, footer, font, 8.5)
        page = f"第 {doc.page} 页"
        w = _width(page, font, 8.5)
        _draw(canvas, width - MARGIN_X - w, 9 * mm, page, font, 8.5)
        canvas.restoreState()

    doc = BaseDocTemplate(
        buf,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=author or header,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="content")
    doc.addPageTemplates([PageTemplate(id="a4", frames=[frame], onPage=decorate)])
    doc.build(story)
    return buf.getvalue()


def _runs(text: str, font: str) -> list[tuple[str, str]]:
    """Split ``text`` into (font, chunk) runs like :func:`markup` does."""
    cjk = _cjk_chars()
    runs: list[tuple[str, str]] = []
    for ch in drawable_text(text):
        face = _face_of(ch, cjk, LATIN_FONT, font)
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + ch)
        else:
            runs.append((face, ch))
    return runs


def _chunk_width(chunk: str, face: str, size: float) -> float:
    if face == TIBETAN_FONT:
        from reportlab.pdfgen.textobject import bidiShapedText

        return bidiShapedText(chunk, "LTR", fontName=face, fontSize=size, shaping=True)[
            1
        ]
    return pdfmetrics.stringWidth(chunk, face, size)


def _width(text: str, font: str, size: float) -> float:
    return sum(_chunk_width(chunk, f, size) for f, chunk in _runs(text, font))


def _draw(canvas, x: float, y: float, text: str, font: str, size: float) -> None:
    for face, chunk in _runs(text, font):
        canvas.setFont(face, size)
        canvas.drawString(x, y, chunk, shaping=face == TIBETAN_FONT)
        x += _chunk_width(chunk, face, size)
