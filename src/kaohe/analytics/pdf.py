"""PDF documents drawn straight on a reportlab canvas (no flowable layout: a notice takes a few
milliseconds), in Noto Sans CJK SC embedded as a subset (`analytics.pdffont`).

`Writer` keeps a cursor down A4 pages and wraps CJK text by measured width; the documents are the
personal notice (`notice_pdf`), a listing of many rows (`listing_pdf`) and the unit report (`report_pdf`).
"""

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.canvas import Canvas

from kaohe.analytics.pdffont import register

MARGIN = 50.0
NO_LINE_START = frozenset("，。；：、）》」』”’！？%,.;:)!?")  # kept on the line before (禁则)
WIDTH, HEIGHT = A4


class Writer:
    """A cursor on A4 pages: lines, wrapped paragraphs, table rows, rules and page breaks."""

    def __init__(self, title: str, *, compress: bool = True) -> None:
        self.font = register()
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, pageCompression=int(compress), invariant=1)
        self.canvas.setTitle(title)
        self.canvas.setCreator("Kaohe")
        self.y = HEIGHT - MARGIN
        self.page = 1
        self._font = getFont(self.font)
        self._widths = self._font.face.charWidths
        self._ops: list[str] = []  # the page's table text as raw operators (reportlab's text object is slow)
        self._encoded: dict[str, tuple[str, float]] = {}  # text → (glyph ids in hex, width at size 1)
        self.on_new_page: Callable[[], None] | None = None

    def width(self, text: str, size: float) -> float:
        widths: dict[int, float] = self._widths
        return float(sum(widths.get(ord(c), 1000) for c in text)) * size / 1000

    def _flush(self) -> None:
        if self._ops:
            self.canvas.addLiteral("\n".join(["BT", *self._ops, "ET"]))
            self._ops = []

    def _encode(self, text: str) -> tuple[str, float]:
        """Glyph ids (Identity-H, hex) and width at size 1 of a cell's text, registering its glyphs."""
        found = self._encoded.get(text)
        if found is None:
            (_, raw), = self._font.splitString(text, self.canvas._doc)
            found = self._encoded[text] = (raw.hex(), self.width(text, 1.0))
        return found

    def need(self, height: float) -> None:
        if self.y - height < MARGIN:
            self._flush()
            self.canvas.showPage()
            self.page += 1
            self.y = HEIGHT - MARGIN
            if self.on_new_page is not None:
                self.on_new_page()

    def line(self, text: str, size: float = 10.5, *, x: float = MARGIN, gap: float = 1.5, centre: bool = False) -> None:
        self.need(size * gap)
        self._flush()
        glyphs, unit = self._encode(text)
        left = WIDTH / 2 - unit * size / 2 if centre else x
        name = self._font.getSubsetInternalName(0, self.canvas._doc)
        self.canvas.addLiteral(f"BT {name} {size:g} Tf 1 0 0 1 {left:.2f} {self.y - size:.2f} Tm <{glyphs}> Tj ET")
        self.y -= size * gap

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        """Break text into lines no wider than `width` (any character may start a line, as in CJK)."""
        lines, current, used = [], "", 0.0
        widths, scale = self._widths, size / 1000
        for char in text:
            w = widths.get(ord(char), 1000) * scale
            if used + w > width and current and char not in NO_LINE_START:
                lines.append(current)
                current, used = "", 0.0
            current += char
            used += w
        if current:
            lines.append(current)
        return lines

    def paragraph(self, text: str, size: float = 10.5, *, indent: float = 0.0, gap: float = 1.55) -> None:
        for text_line in self.wrap(text, size, WIDTH - 2 * MARGIN - indent):
            self.line(text_line, size, x=MARGIN + indent, gap=gap)

    def rule(self, space: float = 6.0) -> None:
        self.need(space * 2)
        self.y -= space
        self.canvas.setLineWidth(0.5)
        self.canvas.line(MARGIN, self.y, WIDTH - MARGIN, self.y)
        self.y -= space

    def row(self, cells: Sequence[str], widths: Sequence[float], size: float = 9.0, *, header: bool = False,
            right: Sequence[bool] = ()) -> None:
        """One table row on one line (cells clipped to their column), a hairline below it."""
        height = size * 1.7
        self.need(height)
        if not self._ops:
            name = self._font.getSubsetInternalName(0, self.canvas._doc)
            self._ops.append(f"{name} {size:g} Tf")
        x = MARGIN
        base = self.y - size * 1.25
        for i, (cell, w) in enumerate(zip(cells, widths, strict=False)):
            glyphs, unit = self._encode(str(cell))
            if unit * size > w - 4:
                glyphs, unit = self._encode(self._clip(str(cell), size, w - 4))
            left = x + w - 3 - unit * size if i < len(right) and right[i] else x + 2
            self._ops.append(f"1 0 0 1 {left:.2f} {base:.2f} Tm <{glyphs}> Tj")
            x += w
        self.y -= height
        self.canvas.setLineWidth(0.8 if header else 0.25)
        self.canvas.line(MARGIN, self.y, MARGIN + sum(widths), self.y)

    def _clip(self, text: str, size: float, width: float) -> str:
        if self.width(text, size) <= width:
            return text
        while text and self.width(text + "…", size) > width:
            text = text[:-1]
        return text + "…"

    def space(self, height: float) -> None:
        self.y -= height

    def finish(self) -> bytes:
        self._flush()
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


@dataclass(frozen=True)
class NoticeData:
    """Everything a personal notice shows, already in words (the page's language)."""

    title: str
    name: str
    facts: list[tuple[str, str]]
    scores: list[tuple[str, str, str]]  # label, own score, unit mean
    score_headers: tuple[str, str, str]
    grade_line: str
    lost_points_title: str
    lost_points: list[str]
    strengths_title: str
    strengths: list[str]
    plan_title: str
    plan: list[str]
    consequences_title: str
    consequences: list[str]
    signatures: list[str]
    footer: str
    labels: dict[str, str] = field(default_factory=dict)


def notice_pdf(data: NoticeData) -> bytes:
    """One person's written notice of the appraisal result, with lines for signatures."""
    w = Writer(data.title)
    w.line(data.title, 16, centre=True, gap=2.0)
    w.line(data.name, 12, gap=1.8)
    for label, value in data.facts:
        w.line(f"{label}：{value}", 10)
    w.rule()
    w.paragraph(data.grade_line, 11)
    w.space(4)
    w.row(data.score_headers, (200, 120, 120), header=True, right=(False, True, True))
    for label, own, mean in data.scores:
        w.row((label, own, mean), (200, 120, 120), right=(False, True, True))
    for title, items in ((data.lost_points_title, data.lost_points), (data.strengths_title, data.strengths),
                         (data.plan_title, data.plan), (data.consequences_title, data.consequences)):
        if not items:
            continue
        w.space(6)
        w.line(title, 11.5, gap=1.7)
        for i, item in enumerate(items, start=1):
            w.paragraph(f"{i}. {item}", 9.5, indent=8)
    w.space(10)
    w.need(len(data.signatures) * 30 + 20)
    for signature in data.signatures:
        w.line(signature, 10.5, gap=2.6)
    w.line(data.footer, 8, gap=1.4)
    return w.finish()


def listing_pdf(title: str, subtitle: str, headers: Sequence[str], widths: Sequence[float],
                rows: Sequence[Sequence[Any]], right: Sequence[bool] = ()) -> bytes:
    """A long table (thousands of rows), the header repeated on every page."""
    w = Writer(title)
    w.line(title, 14, centre=True, gap=1.8)
    w.line(subtitle, 9, gap=1.6)
    w.row(headers, widths, header=True)
    w.on_new_page = lambda: w.row(headers, widths, header=True)
    for row in rows:
        w.row([_text(v) for v in row], widths, right=right)
    return w.finish()


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def report_pdf(title: str, sections: Sequence[tuple[str, Sequence[str], Sequence[float], Sequence[Sequence[Any]]]],
               intro: Sequence[str]) -> bytes:
    """A unit report: an introduction, then titled tables."""
    w = Writer(title)
    w.line(title, 15, centre=True, gap=2.0)
    for text in intro:
        w.paragraph(text, 10)
    for heading, headers, widths, rows in sections:
        w.space(8)
        w.line(heading, 12, gap=1.7)
        w.row(headers, widths, header=True, right=[False] + [True] * (len(headers) - 1))
        for row in rows:
            w.row([_text(v) for v in row], widths, right=[False] + [True] * (len(headers) - 1))
    return w.finish()
