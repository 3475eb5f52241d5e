"""Read an OpenType/CFF font (such as Noto Sans CJK in a .ttc) and write small CID-keyed CFF subsets.

reportlab embeds only TrueType outlines; Debian's Noto CJK has PostScript (CFF) outlines. This module
does what a PDF needs instead: the character map, advance widths and metrics of one face, and a subset
CFF of the glyphs a document uses, with subroutines inlined ("desubroutinised") so the subset needs
none of the font's 15 MB of shared subroutines. Glyph ids of the full font are kept as the subset's CIDs,
so a PDF can address glyphs by their original id (Identity-H).

References: OpenType spec (sfnt, TTC, 'cmap' formats 4 and 12, 'hmtx'); Adobe TN #5176 (CFF) and
TN #5177 (Type 2 charstrings). Pure: stdlib only.
"""

import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property


def _index(data: bytes, pos: int) -> tuple[list[int], int]:
    """Offsets (absolute, count + 1 of them) of a CFF INDEX at `pos`, and the position after it."""
    count = struct.unpack_from(">H", data, pos)[0]
    if count == 0:
        return [], pos + 2
    size = data[pos + 2]
    base = pos + 3 + (count + 1) * size - 1
    offsets = [base + int.from_bytes(data[pos + 3 + i * size: pos + 3 + (i + 1) * size], "big")
               for i in range(count + 1)]
    return offsets, offsets[-1]


def _items(data: bytes, offsets: list[int]) -> list[bytes]:
    return [data[offsets[i]: offsets[i + 1]] for i in range(len(offsets) - 1)]


def _write_index(items: list[bytes]) -> bytes:
    if not items:
        return b"\x00\x00"
    offsets = [1]
    for item in items:
        offsets.append(offsets[-1] + len(item))
    size = 1 if offsets[-1] < 1 << 8 else 2 if offsets[-1] < 1 << 16 else 3 if offsets[-1] < 1 << 24 else 4
    head = struct.pack(">HB", len(items), size) + b"".join(o.to_bytes(size, "big") for o in offsets)
    return head + b"".join(items)


def _operand(data: bytes, pos: int) -> tuple[float, int]:
    """One DICT operand: its value and the position after it."""
    b0 = data[pos]
    if 32 <= b0 <= 246:
        return b0 - 139, pos + 1
    if 247 <= b0 <= 250:
        return (b0 - 247) * 256 + data[pos + 1] + 108, pos + 2
    if 251 <= b0 <= 254:
        return -(b0 - 251) * 256 - data[pos + 1] - 108, pos + 2
    if b0 == 28:
        return struct.unpack_from(">h", data, pos + 1)[0], pos + 3
    if b0 == 29:
        return struct.unpack_from(">i", data, pos + 1)[0], pos + 5
    if b0 == 30:
        end = pos + 1
        while data[end] & 0x0F != 0x0F and data[end] >> 4 != 0x0F:
            end += 1
        return 0.0, end + 1  # real numbers are copied as raw bytes, never needed as values here
    raise ValueError(f"Bad DICT operand byte {b0}")


@dataclass
class DictEntry:
    operator: int  # 0–21, or 1200 + second byte for escaped operators
    operands: list[float]
    raw: bytes  # the operands' original bytes


def _dict(data: bytes) -> list[DictEntry]:
    entries: list[DictEntry] = []
    operands: list[float] = []
    start, pos = 0, 0
    while pos < len(data):
        b0 = data[pos]
        if b0 <= 21:
            operator = 1200 + data[pos + 1] if b0 == 12 else b0
            entries.append(DictEntry(operator, operands, data[start:pos]))
            pos += 2 if b0 == 12 else 1
            operands, start = [], pos
        else:
            value, pos = _operand(data, pos)
            operands.append(value)
    return entries


def _int29(value: int) -> bytes:
    return b"\x1d" + struct.pack(">i", value)


def _operator(op: int) -> bytes:
    return bytes([12, op - 1200]) if op >= 1200 else bytes([op])


def _bias(count: int) -> int:
    return 107 if count < 1240 else 1131 if count < 33900 else 32768


ROS, CHARSET, CHARSTRINGS, PRIVATE, FDARRAY, FDSELECT, SUBRS = 1230, 15, 17, 18, 1236, 1237, 19
STEM_OPS, MASK_OPS = {1, 3, 18, 23}, {19, 20}


@dataclass
class Cff:
    """A CID-keyed CFF font: glyph outlines by glyph id, their font DICT, subsets."""

    data: bytes
    _flat: dict[int, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        d = self.data
        _, pos = _index(d, d[2])  # Name INDEX
        top_offsets, pos = _index(d, pos)
        self.top = {e.operator: e for e in _dict(_items(d, top_offsets)[0])}
        _, pos = _index(d, pos)  # String INDEX
        gsubr_offsets, _ = _index(d, pos)
        self.gsubrs = gsubr_offsets
        if ROS not in self.top:
            raise ValueError("Only CID-keyed CFF fonts are supported.")
        self.charstrings, _ = _index(d, int(self.top[CHARSTRINGS].operands[0]))
        fd_offsets, _ = _index(d, int(self.top[FDARRAY].operands[0]))
        self.fonts = [_dict(item) for item in _items(d, fd_offsets)]
        self.privates: list[list[DictEntry]] = []
        self.local_subrs: list[list[int]] = []
        for font in self.fonts:
            size, offset = (int(v) for v in next(e for e in font if e.operator == PRIVATE).operands)
            private = _dict(d[offset: offset + size])
            self.privates.append(private)
            subrs = next((e for e in private if e.operator == SUBRS), None)
            self.local_subrs.append(_index(d, offset + int(subrs.operands[0]))[0] if subrs else [])

    @property
    def glyph_count(self) -> int:
        return len(self.charstrings) - 1

    @cached_property
    def fd_select(self) -> bytes:
        """The font DICT index of every glyph (formats 0 and 3)."""
        d, pos, n = self.data, int(self.top[FDSELECT].operands[0]), self.glyph_count
        if d[pos] == 0:
            return d[pos + 1: pos + 1 + n]
        ranges = struct.unpack_from(">H", d, pos + 1)[0]
        out = bytearray(n)
        for i in range(ranges):
            first, fd = struct.unpack_from(">HB", d, pos + 3 + 3 * i)
            last = struct.unpack_from(">H", d, pos + 3 + 3 * (i + 1))[0]
            out[first:last] = bytes([fd]) * (last - first)
        return bytes(out)

    def _charstring(self, offsets: list[int], index: int) -> bytes:
        return self.data[offsets[index]: offsets[index + 1]]

    def flat(self, gid: int) -> bytes:
        """The glyph's charstring with every subroutine call inlined (cached)."""
        cached = self._flat.get(gid)
        if cached is None:
            out: list[bytes] = []
            state = {"stems": 0, "args": 0}
            self._inline(self._charstring(self.charstrings, gid), self.fd_select[gid], out, [], state)
            cached = self._flat[gid] = b"".join(out)
        return cached

    def _inline(self, code: bytes, fd: int, out: list[bytes], values: list[int], state: dict[str, int]) -> bool:
        """Copy `code` to `out`, inlining calls; True once endchar is met. `values` are the integer
        operands on the stack (for subroutine numbers); `state` counts stem hints for hintmask bytes."""
        pos = 0
        while pos < len(code):
            b0 = code[pos]
            if b0 >= 32 or b0 == 28:
                size = 1 if b0 <= 246 else 2 if b0 <= 254 else 5
                size = 3 if b0 == 28 else size
                token = code[pos: pos + size]
                out.append(token)
                values.append(int(_operand(token + b"\x00", 0)[0]) if b0 != 255 else 0)
                pos += size
                continue
            pos += 1
            if b0 in (10, 29):  # callsubr, callgsubr: the subroutine number is the last operand
                out.pop()
                number = values.pop()
                subrs = self.local_subrs[fd] if b0 == 10 else self.gsubrs
                body = self._charstring(subrs, number + _bias(len(subrs) - 1))
                if self._inline(body, fd, out, values, state):
                    return True
                continue
            if b0 == 11:  # return
                return False
            if b0 in STEM_OPS:
                state["stems"] += len(values) // 2
            elif b0 in MASK_OPS:
                state["stems"] += len(values) // 2
                mask = (state["stems"] + 7) // 8
                out.append(bytes([b0]) + code[pos: pos + mask])
                pos += mask
                values.clear()
                continue
            if b0 == 12:
                out.append(code[pos - 1: pos + 1])
                pos += 1
            else:
                out.append(bytes([b0]))
            values.clear()
            if b0 == 14:  # endchar
                return True
        return False

    def subset(self, gids: Iterable[int], name: str) -> bytes:
        """A CID-keyed CFF holding .notdef and `gids`, each glyph's CID being its id in this font."""
        kept = sorted({0, *(g for g in gids if 0 < g < self.glyph_count)})
        fds = sorted({self.fd_select[g] for g in kept})
        fd_map = {fd: i for i, fd in enumerate(fds)}
        charstrings = _write_index([self.flat(g) for g in kept])
        charset = b"\x00" + b"".join(struct.pack(">H", g) for g in kept[1:])
        fd_select = b"\x00" + bytes(fd_map[self.fd_select[g]] for g in kept)
        strings = _write_index([b"Adobe", b"Identity"])
        privates = [self._private(fd) for fd in fds]
        header = bytes([1, 0, 4, 4])
        names = _write_index([name.encode("ascii")])
        bbox = self.top[5].raw + _operator(5) if 5 in self.top else b""
        top_size = len(self._top(bbox, 0, 0, 0, 0))
        top_index_size = len(_write_index([b"\x00" * top_size]))
        start = len(header) + len(names) + top_index_size + len(strings) + 2
        at_charset = start
        at_fdselect = at_charset + len(charset)
        at_charstrings = at_fdselect + len(fd_select)
        at_fdarray = at_charstrings + len(charstrings)
        fd_dicts_size = len(_write_index([b"\x00" * (11 + len(self._font_rest(fd))) for fd in fds]))
        at_private = at_fdarray + fd_dicts_size
        fd_dicts, private_blob = [], b""
        for fd, private in zip(fds, privates, strict=True):
            fd_dicts.append(self._font_rest(fd) + _int29(len(private)) + _int29(at_private + len(private_blob))
                            + _operator(PRIVATE))
            private_blob += private
        top = self._top(bbox, at_charset, at_fdselect, at_charstrings, at_fdarray)
        return b"".join([header, names, _write_index([top]), strings, b"\x00\x00", charset, fd_select,
                         charstrings, _write_index(fd_dicts), private_blob])

    def _top(self, bbox: bytes, charset: int, fd_select: int, charstrings: int, fd_array: int) -> bytes:
        ros = _int29(391) + _int29(392) + bytes([139]) + _operator(ROS)
        return (ros + _int29(self.glyph_count) + _operator(1234) + bbox + _int29(charset) + _operator(CHARSET)
                + _int29(fd_select) + _operator(FDSELECT) + _int29(charstrings) + _operator(CHARSTRINGS)
                + _int29(fd_array) + _operator(FDARRAY))

    def _font_rest(self, fd: int) -> bytes:
        """A font DICT's entries other than Private and FontName (their SIDs are not kept)."""
        return b"".join(e.raw + _operator(e.operator) for e in self.fonts[fd] if e.operator not in (PRIVATE, 1238))

    def _private(self, fd: int) -> bytes:
        return b"".join(e.raw + _operator(e.operator) for e in self.privates[fd] if e.operator != SUBRS)


@dataclass(frozen=True)
class Face:
    """One face of an OpenType file or collection: what a PDF needs to show its glyphs."""

    name: str
    units_per_em: int
    ascent: int
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]
    cmap: dict[int, int]
    advances: list[int]
    cff: Cff

    def advance(self, gid: int) -> int:
        return self.advances[min(gid, len(self.advances) - 1)]


def _tables(data: bytes, offset: int) -> dict[str, tuple[int, int]]:
    count = struct.unpack_from(">H", data, offset + 4)[0]
    tables = {}
    for i in range(count):
        tag, _checksum, at, length = struct.unpack_from(">4sIII", data, offset + 12 + 16 * i)
        tables[tag.decode("latin-1")] = (at, length)
    return tables


def _cmap(data: bytes, at: int) -> dict[int, int]:
    """Unicode → glyph id from the best Unicode subtable (format 12, else 4)."""
    count = struct.unpack_from(">H", data, at + 2)[0]
    best: tuple[int, int] | None = None
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, at + 4 + 8 * i)
        fmt = struct.unpack_from(">H", data, at + offset)[0]
        if (platform, encoding) in ((3, 10), (0, 4), (0, 6)) and fmt == 12:
            best = (12, at + offset)
        elif (platform, encoding) in ((3, 1), (0, 3)) and fmt == 4 and best is None:
            best = (4, at + offset)
    if best is None:
        raise ValueError("The font has no Unicode character map.")
    return _format12(data, best[1]) if best[0] == 12 else _format4(data, best[1])


def _format12(data: bytes, at: int) -> dict[int, int]:
    groups = struct.unpack_from(">I", data, at + 12)[0]
    mapping = {}
    for i in range(groups):
        first, last, glyph = struct.unpack_from(">III", data, at + 16 + 12 * i)
        for code in range(first, last + 1):
            mapping[code] = glyph + code - first
    return mapping


def _format4(data: bytes, at: int) -> dict[int, int]:
    segments = struct.unpack_from(">H", data, at + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", data, at + 14)
    starts = struct.unpack_from(f">{segments}H", data, at + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", data, at + 16 + 4 * segments)
    range_at = at + 16 + 6 * segments
    ranges = struct.unpack_from(f">{segments}H", data, range_at)
    mapping = {}
    for s in range(segments):
        for code in range(starts[s], ends[s] + 1):
            if code == 0xFFFF:
                continue
            if ranges[s] == 0:
                glyph = (code + deltas[s]) & 0xFFFF
            else:
                where = range_at + 2 * s + ranges[s] + 2 * (code - starts[s])
                glyph = struct.unpack_from(">H", data, where)[0]
                glyph = (glyph + deltas[s]) & 0xFFFF if glyph else 0
            if glyph:
                mapping[code] = glyph
    return mapping


def _name(data: bytes, at: int, wanted: int) -> str:
    count, strings = struct.unpack_from(">HH", data, at + 2)
    for i in range(count):
        platform, _enc, language, name_id, length, offset = struct.unpack_from(">6H", data, at + 6 + 12 * i)
        if name_id == wanted and platform == 3 and language == 0x409:
            return data[at + strings + offset: at + strings + offset + length].decode("utf-16-be")
    return ""


def collection_faces(data: bytes) -> list[int]:
    """Offsets of the faces of a collection (.ttc), or [0] for a single font."""
    if data[:4] != b"ttcf":
        return [0]
    count = struct.unpack_from(">I", data, 8)[0]
    return list(struct.unpack_from(f">{count}I", data, 12))


def face_family(data: bytes, offset: int) -> str:
    return _name(data, _tables(data, offset)["name"][0], 1)


def load_face(data: bytes, offset: int) -> Face:
    """The face whose table directory starts at `offset` (0 for a single .otf)."""
    tables = _tables(data, offset)
    if "CFF " not in tables:
        raise ValueError("The font has no CFF outlines.")
    head, hhea, hmtx = tables["head"][0], tables["hhea"][0], tables["hmtx"][0]
    units = struct.unpack_from(">H", data, head + 18)[0]
    bbox = struct.unpack_from(">4h", data, head + 36)
    metrics = struct.unpack_from(">H", data, hhea + 34)[0]
    advances = list(struct.unpack_from(f">{2 * metrics}H", data, hmtx)[0::2])
    os2 = tables["OS/2"][0]
    ascent, descent = struct.unpack_from(">hh", data, os2 + 68)
    cap = struct.unpack_from(">h", data, os2 + 88)[0] if struct.unpack_from(">H", data, os2)[0] >= 2 else ascent
    at, length = tables["CFF "]
    return Face(
        name=_name(data, tables["name"][0], 6) or "CJK", units_per_em=units, ascent=ascent, descent=descent,
        cap_height=cap, bbox=(bbox[0], bbox[1], bbox[2], bbox[3]), cmap=_cmap(data, tables["cmap"][0]),
        advances=advances, cff=Cff(data[at: at + length]),
    )
