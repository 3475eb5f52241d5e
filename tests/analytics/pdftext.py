"""Text of the PDFs Kaohe draws, read back without poppler (pdftotext is not installed on every machine):
inflate the streams, read the ToUnicode maps (bfchar) and decode the strings shown with Tj (literal or hex)."""

import base64
import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
BFCHAR = re.compile(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>")
SHOWN = re.compile(rb"(?:\(((?:\\.|[^\\)])*)\)|<([0-9A-Fa-f]*)>)\s*Tj", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _streams(data: bytes) -> list[bytes]:
    out = []
    for raw in STREAM.findall(data):
        if raw.rstrip().endswith(b"~>"):
            raw = base64.a85decode(raw.rstrip()[:-2])
        try:
            out.append(zlib.decompressobj().decompress(raw))
        except zlib.error:
            out.append(raw)
    return out


def _unescape(literal: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(literal):
        if literal[i:i + 1] == b"\\":
            octal = re.match(rb"[0-7]{1,3}", literal[i + 1:i + 4])
            if octal:
                out.append(int(octal.group(), 8))
                i += 1 + len(octal.group())
                continue
            out += ESCAPES.get(literal[i + 1:i + 2], literal[i + 1:i + 2])
            i += 2
            continue
        out.append(literal[i])
        i += 1
    return bytes(out)


def pdf_text(data: bytes) -> str:
    """Every string shown on the pages, one per line, through the fonts' ToUnicode maps."""
    streams = _streams(data)
    mapping: dict[int, str] = {}
    for stream in streams:
        if b"beginbfchar" in stream:
            for code, text in BFCHAR.findall(stream):
                mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    lines = []
    for stream in streams:
        for literal, hexed in SHOWN.findall(stream):
            raw = bytes.fromhex(hexed.decode()) if hexed else _unescape(literal)
            lines.append("".join(mapping.get(int.from_bytes(raw[i:i + 2], "big"), "�") for i in range(0, len(raw), 2)))
    return "\n".join(lines)
