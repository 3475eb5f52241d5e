"""QR codes (segno) and the printable A4 sheet of a unit's codes (reportlab).

The sheet's lettering is Noto Sans CJK SC from Debian's fonts-noto-cjk. ReportLab embeds only
TrueType outlines and Noto CJK has PostScript (CFF) outlines, so each label is rendered by FreeType
(Pillow) at 600 dpi and placed as an image: the print looks like Noto CJK wherever it is opened.
The same text is laid over it invisibly (text render mode 3) in the standard CID font STSong-Light,
so the names can be searched, selected and extracted. QR codes are drawn as vector squares.
"""

import datetime as dt
import io
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import segno
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from kaohe.core.errors import ApplicationError

FONT_FAMILY = "Noto Sans CJK SC"
TEXT_LAYER_FONT = "STSong-Light"
DPI = 600
COLUMNS, ROWS = 3, 4
MARGIN = 12 * mm
HEADER = 14 * mm
QR_SIZE = 40 * mm


class FontMissingError(ApplicationError):
    """Noto Sans CJK SC is not installed: the sheet cannot be lettered."""

    status = 503


@dataclass(frozen=True)
class Label:
    """One code on the sheet: where it leads and the lines printed under it."""

    url: str
    title: str
    subtitle: str


def qr_svg(url: str, *, title: str = "") -> bytes:
    """An SVG image of the QR code for `url` (error correction M, 4-module quiet zone)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="svg", scale=6, border=4, xmldecl=False,
                                                   svgns=True, title=title or None, dark="#000", light="#fff")
    return buffer.getvalue()


def font_file() -> tuple[str, int]:
    """(file, face index) of Noto Sans CJK SC, found through fontconfig."""
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}|%{index}|%{family}", FONT_FAMILY],  # noqa: S603, S607
                               capture_output=True, text=True, timeout=10, check=True).stdout
        path, index, family = found.split("|", 2)
    except (OSError, subprocess.SubprocessError, ValueError):
        path, index, family = "", "0", ""
    if FONT_FAMILY not in family or not Path(path).is_file():
        raise FontMissingError(_("The font Noto Sans CJK SC is not installed (Debian package fonts-noto-cjk); "
                                 "the QR sheet cannot be printed without it."))
    return path, int(index or 0)


@cache
def _font(path: str, index: int, points: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, round(points * DPI / 72), index=index)


@cache
def _lettering(text: str, path: str, index: int, points: float) -> Image.Image:
    font = _font(path, index, points)
    left, top, right, bottom = font.getbbox(text)
    image = Image.new("L", (max(1, int(right - left)), max(1, int(bottom - top))), 255)
    ImageDraw.Draw(image).text((-left, -top), text, font=font, fill=0)
    return image


def _register_text_layer() -> None:
    if TEXT_LAYER_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(TEXT_LAYER_FONT))


class _Sheet:
    def __init__(self, canvas: Canvas, font: tuple[str, int]) -> None:
        self.canvas, self.font = canvas, font

    def text(self, text: str, *, centre_x: float, baseline: float, points: float) -> None:
        """Noto lettering centred on `centre_x`, its invisible text twin on the same line."""
        if not text:
            return
        image = _lettering(text, self.font[0], self.font[1], points)
        width, height = image.width * 72 / DPI, image.height * 72 / DPI
        x = centre_x - width / 2
        self.canvas.drawImage(ImageReader(image), x, baseline - 0.2 * points, width, height)
        layer = self.canvas.beginText(x, baseline)
        layer.setFont(TEXT_LAYER_FONT, points)
        layer.setTextRenderMode(3)
        layer.textOut(text)
        self.canvas.drawText(layer)

    def qr(self, url: str, *, x: float, y: float, size: float) -> None:
        matrix = segno.make(url, error="m", micro=False).matrix
        module = size / len(matrix)
        self.canvas.setFillColorRGB(0, 0, 0)
        for r, row in enumerate(matrix):
            c = 0
            while c < len(row):
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < len(row) and row[c]:
                    c += 1
                self.canvas.rect(x + start * module, y + size - (r + 1) * module, (c - start) * module, module,
                                 stroke=0, fill=1)

    def cell(self, label: Label, *, left: float, top: float, width: float) -> None:
        centre = left + width / 2
        self.qr(label.url, x=centre - QR_SIZE / 2, y=top - 4 * mm - QR_SIZE, size=QR_SIZE)
        self.text(label.title, centre_x=centre, baseline=top - QR_SIZE - 11 * mm, points=12)
        self.text(label.subtitle, centre_x=centre, baseline=top - QR_SIZE - 16 * mm, points=8)
        self.text(_("Scan to rate this service"), centre_x=centre, baseline=top - QR_SIZE - 20.5 * mm, points=8)


def sheet_pdf(*, unit_name: str, labels: Sequence[Label], on: dt.date) -> bytes:
    """An A4 PDF with a 3 × 4 grid of codes a page, each with its lines, and a heading per page."""
    font = font_file()
    _register_text_layer()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, invariant=1)
    canvas.setTitle(_("%(unit)s: QR codes for public rating") % {"unit": unit_name})
    sheet = _Sheet(canvas, font)
    per_page = COLUMNS * ROWS
    pages = max(1, -(-len(labels) // per_page))
    width, height = A4
    cell_w = (width - 2 * MARGIN) / COLUMNS
    cell_h = (height - 2 * MARGIN - HEADER) / ROWS
    for page in range(pages):
        heading = _("%(unit)s: QR codes for public rating") % {"unit": unit_name}
        sheet.text(heading, centre_x=width / 2, baseline=height - MARGIN - 7 * mm, points=13)
        sheet.text(_("Printed %(date)s · page %(page)s of %(pages)s") % {
            "date": on.isoformat(), "page": page + 1, "pages": pages}, centre_x=width / 2,
            baseline=height - MARGIN - 12 * mm, points=7)
        for i, label in enumerate(labels[page * per_page:(page + 1) * per_page]):
            row, column = divmod(i, COLUMNS)
            top = height - MARGIN - HEADER - row * cell_h
            canvas.setStrokeColorRGB(0.75, 0.75, 0.75)
            canvas.setDash(2, 2)
            canvas.rect(MARGIN + column * cell_w, top - cell_h, cell_w, cell_h, stroke=1, fill=0)
            canvas.setDash()
            sheet.cell(label, left=MARGIN + column * cell_w, top=top, width=cell_w)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
