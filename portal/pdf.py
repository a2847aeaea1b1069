"""PDF building blocks shared by guides, receipts and notices.

Chinese text is set in the vendored CJK font (``settings.CJK_FONT_PATH``), so a
machine with no CJK font installed still produces correct, searchable PDFs.
That font (Droid Sans Fallback) has no Latin letters or digits, so every piece
of text goes through :func:`markup`, which puts runs the CJK font cannot draw
into Helvetica (one of the PDF base-14 fonts every viewer has) and escapes
markup characters: text from the database is never parsed as reportlab markup.

Typical use::

    from portal import pdf

    s = pdf.styles()
    story = [pdf.para("受理回执", s["title"]), pdf.kv_table([("办件编号", no)])]
    data = pdf.build(title="受理回执", story=story, footer=settings.SITE_NAME)

Only reportlab, segno and settings are imported here, so any app may use this module.
"""

from __future__ import annotations

import io
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


@cache
def register_fonts() -> str:
    """Register the vendored CJK font with reportlab once per process."""
    pdfmetrics.registerFont(TTFont(CJK_FONT, str(settings.CJK_FONT_PATH)))
    return CJK_FONT


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


def _drawable(ch: str) -> bool:
    return ord(ch) in _cjk_chars() or _latin_ok(ch)


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
    go to Helvetica; everything else stays in the CJK font. Newlines become
    line breaks.
    """
    text = drawable_text("" if text is None else str(text))
    cjk = _cjk_chars()
    latin = LATIN_BOLD_FONT if bold else LATIN_FONT
    out: list[str] = []
    run: list[str] = []
    run_latin: bool | None = None

    def flush() -> None:
        if not run:
            return
        chunk = escape("".join(run)).replace("\n", "<br/>")
        out.append(f'<font face="{latin}">{chunk}</font>' if run_latin else chunk)
        run.clear()

    for ch in text:
        if ch == "\n" or ch == " ":
            is_latin = bool(run_latin)  # spaces and breaks join the current run
        else:
            is_latin = ord(ch) not in cjk and _latin_ok(ch)
        if run and is_latin != run_latin:
            flush()
        run_latin = is_latin
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
    """A Paragraph of plain text (escaped; never interpreted as markup)."""
    if isinstance(style, str):
        style = styles()[style]
    return Paragraph(markup(text), style)


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
        face = LATIN_FONT if ord(ch) not in cjk and _latin_ok(ch) else font
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + ch)
        else:
            runs.append((face, ch))
    return runs


def _width(text: str, font: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(chunk, f, size) for f, chunk in _runs(text, font))


def _draw(canvas, x: float, y: float, text: str, font: str, size: float) -> None:
    for face, chunk in _runs(text, font):
        canvas.setFont(face, size)
        canvas.drawString(x, y, chunk)
        x += pdfmetrics.stringWidth(chunk, face, size)
