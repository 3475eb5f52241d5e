"""Noto Sans CJK embedded in reportlab PDFs.

Debian's fonts-noto-cjk ships OpenType collections with CFF outlines, which reportlab's `TTFont` refuses
("postscript outlines are not supported"). `NotoCjkFont` is a reportlab dynamic font that embeds, per
document, a CID-keyed CFF subset of the glyphs used (`analytics.cff`) as a Type0 font (Identity-H,
CIDFontType0, FontFile3/CIDFontType0C) with a ToUnicode map, so the text can be searched and copied.
"""

import random
import shutil
import subprocess  # nosec B404 — fc-match with a fixed argument list, no shell
from functools import lru_cache
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from django.utils.translation import gettext as _
from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, pdfmetrics

from kaohe.analytics.cff import Face, collection_faces, face_family, load_face
from kaohe.core.errors import ApplicationError

FONT_NAME = "NotoSansCJKsc"
FAMILY = "Noto Sans CJK SC"
FALLBACK_PATHS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",)


def font_path() -> Path:
    """The Noto Sans CJK file, found with fontconfig (or at Debian's path); a clear error when missing."""
    found = ""
    matcher = shutil.which("fc-match")
    if matcher:
        result = subprocess.run([matcher, "-f", "%{file}", FAMILY], capture_output=True, text=True,  # noqa: S603
                                timeout=10, check=False)
        found = result.stdout.strip()
    candidates = [p for p in (found, *FALLBACK_PATHS) if p and "NotoSansCJK" in Path(p).name]
    for candidate in candidates:
        if Path(candidate).is_file():
            return Path(candidate)
    raise ApplicationError(_("The PDF font Noto Sans CJK SC is not installed on the server: install Debian's "
                             "package fonts-noto-cjk (apt-get install fonts-noto-cjk)."))


@lru_cache(maxsize=1)
def noto_face() -> Face:
    """The Simplified Chinese face of the collection (loaded once per process)."""
    data = font_path().read_bytes()
    for offset in collection_faces(data):
        if face_family(data, offset) == FAMILY:
            return load_face(data, offset)
    raise ApplicationError(_("The font file has no %(family)s face.") % {"family": FAMILY})


class _Metrics:
    """What reportlab asks of a dynamic font's `face` (widths in 1/1000 em, ascent, descent)."""

    def __init__(self, face: Face) -> None:
        scale = 1000 / face.units_per_em
        self.name = FONT_NAME.encode()
        self.ascent = round(face.ascent * scale)
        self.descent = round(face.descent * scale)
        self.unitsPerEm = 1000
        self.defaultWidth = 1000
        self.charWidths = {code: face.advance(gid) * scale for code, gid in face.cmap.items()}


class _DocState:
    def __init__(self) -> None:
        self.glyphs: dict[int, int] = {}  # glyph id → Unicode code point
        self.name: str | None = None


class NotoCjkFont:
    """A reportlab font drawing with Noto Sans CJK SC; text is written as 2-byte glyph ids."""

    _dynamicFont = 1
    _multiByte = 1
    shapable = False

    def __init__(self) -> None:
        self.fontName = FONT_NAME
        self.face_data = noto_face()
        self.face = _Metrics(self.face_data)
        self.encoding = None
        self.substitutionFonts: list[Any] = []
        self.state: WeakKeyDictionary[Any, _DocState] = WeakKeyDictionary()

    def stringWidth(self, text: str | bytes, size: float, encoding: str = "utf8") -> float:
        if isinstance(text, bytes):
            text = text.decode(encoding)
        widths = self.face.charWidths
        return sum(widths.get(ord(c), 1000) for c in text) * size / 1000

    def _state(self, doc: Any) -> _DocState:
        state = self.state.get(doc)
        if state is None:
            state = self.state[doc] = _DocState()
        return state

    def splitString(self, text: str | bytes, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        if isinstance(text, bytes):
            text = text.decode(encoding)
        cmap, glyphs = self.face_data.cmap, self._state(doc).glyphs
        out = bytearray()
        for char in text:
            code = 32 if char == "\xa0" else ord(char)
            gid = cmap.get(code, 0)
            glyphs.setdefault(gid, code)
            out += gid.to_bytes(2, "big")
        return [(0, bytes(out))]

    def getSubsetInternalName(self, subset: int, doc: Any) -> str:
        state = self._state(doc)
        if state.name is None:
            state.name = f"F{len(doc.fontMapping) + 1}"
            doc.fontMapping[self.fontName] = "/" + state.name
            doc.delayedFonts.append(self)
        return "/" + state.name

    def addObjects(self, doc: Any) -> None:
        """Write the Type0 font, its CIDFont, descriptor, CFF subset and ToUnicode map."""
        state = self._state(doc)
        name = state.name or self.getSubsetInternalName(0, doc)[1:]
        glyphs = dict(sorted(state.glyphs.items()))
        tag = "".join(random.Random(",".join(map(str, glyphs))).choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ", k=6))  # noqa: S311
        base = f"{tag}+{self.face_data.name}"
        program = pdfdoc.PDFStream(pdfdoc.PDFDictionary({"Subtype": pdfdoc.PDFName("CIDFontType0C")}),
                                   self.face_data.cff.subset(glyphs, base))
        if doc.compression:
            program.filters = [pdfdoc.PDFZCompress]
        descriptor = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("FontDescriptor"), "FontName": pdfdoc.PDFName(base), "Flags": 4,
            "FontBBox": pdfdoc.PDFArray(list(self.face_data.bbox)), "ItalicAngle": 0,
            "Ascent": self.face.ascent, "Descent": self.face.descent,
            "CapHeight": self.face_data.cap_height, "StemV": 80,
            "FontFile3": doc.Reference(program, f"fontFile:{base}"),
        })
        widths = _Raw(_width_array(glyphs, self.face_data))
        descendant = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("Font"), "Subtype": pdfdoc.PDFName("CIDFontType0"),
            "BaseFont": pdfdoc.PDFName(base),
            "CIDSystemInfo": pdfdoc.PDFDictionary({"Registry": pdfdoc.PDFString("Adobe"),
                                                   "Ordering": pdfdoc.PDFString("Identity"), "Supplement": 0}),
            "FontDescriptor": doc.Reference(descriptor, f"fontDescriptor:{base}"), "DW": 1000,
            "W": widths,
        })
        to_unicode = pdfdoc.PDFStream(content=_to_unicode(glyphs))
        if doc.compression:
            to_unicode.filters = [pdfdoc.PDFZCompress]
        font = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("Font"), "Subtype": pdfdoc.PDFName("Type0"), "BaseFont": pdfdoc.PDFName(base),
            "Encoding": pdfdoc.PDFName("Identity-H"), "DescendantFonts": pdfdoc.PDFArray([doc.Reference(descendant)]),
            "ToUnicode": doc.Reference(to_unicode, f"toUnicode:{base}"),
        })
        doc.idToObject["BasicFonts"].dict[name] = doc.Reference(font, name)
        del self.state[doc]


class _Raw(pdfdoc.PDFObject):  # type: ignore[misc]
    """A PDF value written as prepared (reportlab formats big number arrays slowly, one object each)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def format(self, document: Any) -> bytes:
        return self.text.encode("ascii")


def _width_array(glyphs: dict[int, int], face: Face) -> str:
    """The CIDFont's W array: runs of consecutive glyph ids as `first [w1 w2 …]`."""
    parts: list[str] = []
    run: list[int] = []
    first = previous = -2
    for gid in glyphs:
        if gid != previous + 1 and run:
            parts.append(f"{first} [{' '.join(map(str, run))}]")
            run = []
        if not run:
            first = gid
        run.append(face.advance(gid))
        previous = gid
    if run:
        parts.append(f"{first} [{' '.join(map(str, run))}]")
    return "[" + " ".join(parts) + "]"


def _to_unicode(glyphs: dict[int, int]) -> bytes:
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    items = [(gid, code) for gid, code in glyphs.items() if code > 0]
    for start in range(0, len(items), 100):
        chunk = items[start: start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{gid:04X}> <{_utf16(code)}>" for gid, code in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode()


def _utf16(code: int) -> str:
    return chr(code).encode("utf-16-be").hex().upper()


@lru_cache(maxsize=1)
def register() -> str:
    """Register the font with reportlab once per process; returns its name for styles."""
    rl_config.useA85 = 0  # binary compressed streams: a quarter smaller than ASCII85 (every PDF reader takes them)
    font = NotoCjkFont()
    pdfmetrics._fonts[FONT_NAME] = font
    pdfmetrics.registerFontFamily(FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME,
                                  boldItalic=FONT_NAME)
    return FONT_NAME
