"""Just enough PDF reading for tests (no pdftotext here): page count and the text of literal strings."""

import base64
import re
import zlib

STREAM = re.compile(rb"\d+ 0 obj\s*<<(?P<dict>(?:(?!endobj).)*?)>>\s*stream\r?\n(?P<data>.*?)\r?\n?endstream", re.S)
LITERAL = re.compile(rb"\((?P<body>(?:\\.|[^\\)])*)\)\s*Tj", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def _decode_stream(header: bytes, data: bytes) -> bytes:
    if b"/ASCII85Decode" in header:
        data = base64.a85decode(data.strip(), adobe=True)
    if b"/FlateDecode" in header:
        data = zlib.decompress(data)
    return data


def _unescape(body: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(body):
        if body[i:i + 1] != b"\\":
            out += body[i:i + 1]
            i += 1
            continue
        octal = re.match(rb"[0-7]{1,3}", body[i + 1:i + 4])
        if octal:
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
        else:
            out += ESCAPES.get(body[i + 1:i + 2], body[i + 1:i + 2])
            i += 2
    return bytes(out)


def texts(pdf: bytes) -> list[str]:
    """Every string shown with Tj, read as UTF-16BE (the CID text layer) where that decodes."""
    found = []
    for match in STREAM.finditer(pdf):
        if b"/Subtype /Image" in match["dict"]:
            continue
        content = _decode_stream(match["dict"], match["data"])
        for literal in LITERAL.finditer(content):
            raw = _unescape(literal["body"])
            try:
                found.append(raw.decode("utf-16-be"))
            except UnicodeDecodeError:
                found.append(raw.decode("latin-1"))
    return found
