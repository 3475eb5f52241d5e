"""PostgreSQL binary COPY of a polars frame: numbers, and text columns that vary in length (codes, levels,
hashes), plus constant columns. Each row's layout depends on its NULL pattern (NaN in a float column is
NULL) and on the byte length of its text cells, so rows are grouped by that pattern: a few groups, each
one numpy structured array, no Python per row. Chunks are queued to a
writer thread, so the server ingests one chunk while the next is packed. Row order inside the table
is by group, which provenance rows do not depend on.
Format: https://www.postgresql.org/docs/current/sql-copy.html ("Binary Format").
"""

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np
import polars as pl
from django.db import connection
from django.db.models import Model

HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
TRAILER = (-1).to_bytes(2, "big", signed=True)
KINDS = {
    "BigAutoField": "i8", "BigIntegerField": "i8", "ForeignKey": "i8", "IntegerField": "i4",
    "PositiveIntegerField": "i4", "SmallIntegerField": "i2", "PositiveSmallIntegerField": "i2",
    "FloatField": "f8", "CharField": "text", "TextField": "text", "DateTimeField": "timestamptz",
    "BinaryField": "bytes", "DateField": "date", "BooleanField": "bool",
}
VARIABLE = ("text", "bytes")
WIRE = {"i8": ">i8", "i4": ">i4", "i2": ">i2", "f8": ">f8"}
NUMPY = {"i8": np.int64, "i4": np.int32, "i2": np.int16, "f8": np.float64}
POSTGRES_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
CHUNK_ROWS = 100_000


def _constant(kind: str, value: Any) -> bytes:
    """One value in the binary wire format (the same for every row)."""
    if kind == "text":
        return str(value).encode()
    if kind == "timestamptz":
        micros = (value - POSTGRES_EPOCH) // dt.timedelta(microseconds=1)
        return int(micros).to_bytes(8, "big", signed=True)
    if kind == "date":
        days: int = (value - POSTGRES_EPOCH.date()).days
        return days.to_bytes(4, "big", signed=True)
    if kind == "bool":
        return b"\x01" if value else b"\x00"
    return np.array([value], dtype=WIRE[kind]).tobytes()


def _layout_columns(frame: pl.DataFrame, kinds: Mapping[str, str]) -> pl.DataFrame:
    """Per row: a NULL flag of every column (NaN in a float column is NULL, whatever the column's kind)
    and the byte length of every text cell."""
    parts = []
    for name, kind in kinds.items():
        column = pl.col(name)
        missing = column.is_null() | column.is_nan() if frame.schema[name].is_float() else column.is_null()
        parts.append(missing.alias(f"null:{name}"))
        if kind == "text":
            parts.append(column.str.len_bytes().fill_null(0).alias(f"len:{name}"))
        elif kind == "bytes":
            parts.append(column.bin.size().fill_null(0).alias(f"len:{name}"))
    return frame.select(parts)


def _block(part: pl.DataFrame, key: Mapping[str, Any], kinds: Mapping[str, str],
           constants: Mapping[str, bytes]) -> bytes:
    """The rows of one layout group as one structured array."""
    fields: list[tuple[str, Any]] = [("count", ">i2")]
    order = [*kinds, *constants]
    for i, name in enumerate(order):
        fields.append((f"l{i}", ">i4"))
        size = _size(name, key, kinds, constants)
        if size > 0:
            fields.append((f"v{i}", f"S{size}" if name in constants or kinds[name] in VARIABLE else WIRE[kinds[name]]))
    block = np.zeros(part.height, dtype=np.dtype(fields))
    block["count"] = len(order)
    for i, name in enumerate(order):
        size = _size(name, key, kinds, constants)
        block[f"l{i}"] = size
        if size <= 0:
            continue
        if name in constants:
            block[f"v{i}"] = constants[name]
        elif kinds[name] in VARIABLE:
            block[f"v{i}"] = np.frombuffer(b"".join(part[name].cast(pl.Binary).to_list()), dtype=f"S{size}")
        else:
            block[f"v{i}"] = part[name].cast(pl.Float64 if kinds[name] == "f8" else pl.Int64).to_numpy().astype(
                NUMPY[kinds[name]])
    return block.tobytes()


def _size(name: str, key: Mapping[str, Any], kinds: Mapping[str, str], constants: Mapping[str, bytes]) -> int:
    """Byte length of the column's value in this group; -1 is NULL."""
    if name in constants:
        return len(constants[name])
    if key[f"null:{name}"]:
        return -1
    if kinds[name] in VARIABLE:
        return int(key[f"len:{name}"])
    return int(np.dtype(WIRE[kinds[name]]).itemsize)


def payload(frame: pl.DataFrame, kinds: Mapping[str, str], constants: Mapping[str, bytes]) -> Iterator[bytes]:
    """The rows of `frame` (no header or trailer) as binary COPY blocks, one per layout group."""
    layout = _layout_columns(frame, kinds)
    keyed = pl.concat([frame, layout], how="horizontal")
    for part in keyed.partition_by(layout.columns, maintain_order=False):
        key = part.row(0, named=True)
        yield _block(part.select(list(kinds)), key, kinds, constants)


class FrameCopy:
    """An open COPY of one table: `write(frame)` as often as needed, in the column order given."""

    def __init__(self, copy: Any, kinds: Mapping[str, str], constants: Mapping[str, bytes]) -> None:
        self.copy, self.kinds, self.constants, self.rows = copy, kinds, constants, 0

    def write(self, frame: pl.DataFrame) -> None:
        for start in range(0, frame.height, CHUNK_ROWS):
            for block in payload(frame.slice(start, CHUNK_ROWS), self.kinds, self.constants):
                self.copy.write(block)
        self.rows += frame.height


@contextmanager
def frame_copy(model: type[Model], columns: list[str], constants: Mapping[str, Any],
               table: str | None = None) -> Iterator[FrameCopy]:
    """Open a binary COPY into `model`'s table (or `table`, of the model's columns) for `columns` (from
    frames) plus `constants` (every row)."""
    from psycopg.copy import QueuedLibpqWriter

    fields = {f.column: f for f in model._meta.concrete_fields}
    kinds = {name: KINDS[fields[name].get_internal_type()] for name in [*columns, *constants]}
    encoded = {name: _constant(kinds[name], value) for name, value in constants.items()}
    quoted = ", ".join(connection.ops.quote_name(c) for c in [*columns, *constants])
    sql = f"COPY {table or model._meta.db_table} ({quoted}) FROM STDIN (FORMAT BINARY)"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(sql, writer=QueuedLibpqWriter(raw)) as copy:
            copy.write(HEADER)
            yield FrameCopy(copy, {c: kinds[c] for c in columns}, encoded)
            copy.write(TRAILER)


def copy_frame(model: type[Model], frame: pl.DataFrame, *, constants: Mapping[str, Any],
               table: str | None = None) -> int:
    """Insert every row of `frame` (columns named as the table's) plus constant columns; one COPY."""
    with frame_copy(model, list(frame.columns), constants, table) as copier:
        copier.write(frame)
    return copier.rows
