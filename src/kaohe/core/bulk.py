"""Set-based reads and writes at the edges: COPY on PostgreSQL, one executemany elsewhere.

The number of statements does not grow with the number of rows (the scoring benchmark counts them).
"""

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.db.models import Model, QuerySet

from kaohe.core.pgcopy import KINDS, copy_frame


def _adapt(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def bulk_insert(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
                json_columns: Sequence[int] = (), table: str | None = None) -> int:
    """Insert rows (values in `columns` order, database column names) in one statement; returns the count.

    Values must be plain numbers, strings, bytes or None; `json_columns` are positions serialised as JSON.
    `table` is another table of the model's columns (a partition being loaded); by default the model's.
    """
    table = table or model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    if json_columns:
        rows = ([_adapt(v) if i in json_columns else v for i, v in enumerate(row)] for row in rows)
    if connection.vendor == "postgresql":
        count = 0
        sql = f"COPY {table} ({quoted}) FROM STDIN"

        def write() -> None:
            nonlocal count
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1

        with connection.cursor() as cursor:
            _run_recorded(cursor, sql, None, write)
        return count
    data = list(rows)
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        # table and columns come from model metadata, never from input
        cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})", data)  # noqa: S608  # nosec B608
    return len(data)


def fetch_all(queryset: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """All rows of a `values_list` query in one round trip (Django's iterator fetches 100 at a time).

    Only for columns that need no conversion (numbers, text, dates, bytes).
    """
    sql, params = queryset.query.sql_with_params()
    if connection.vendor == "postgresql":
        return _fetch_binary(sql, params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [_plain(row) for row in cursor.fetchall()]


def _fetch_binary(sql: str, params: Any) -> list[tuple[Any, ...]]:
    """PostgreSQL: bound server-side, so results come back binary (no text parsing of numbers, arrays
    and bytea), and parameters go out binary (an array of 110,000 ids as one value)."""
    import psycopg

    with connection.cursor() as cursor, psycopg.Cursor(connection.connection) as raw:
        _run_recorded(cursor, sql, params, lambda: raw.execute(sql, params, binary=True))
        return list(raw.fetchall())


#: PostgreSQL's binary wire format of the column kinds `fetch_columns` reads (a date is days since 2000)
WIRE_OUT = {"i8": ">i8", "f8": ">f8", "bool": "|b1", "date": ">i4"}
COPY_TRAILER = b"\xff\xff"  # a field count of -1: no more rows
LOCAL = {"i8": "i8", "f8": "f8", "bool": "?", "date": "datetime64[D]"}
PG_DATE_EPOCH = np.datetime64("2000-01-01", "D")


class RaggedRowsError(ValueError):
    """`fetch_columns` met rows that are not fixed-width (a bytea of another length)."""


def fetch_columns(queryset: QuerySet[Any, Any], kinds: Sequence[str]) -> list[np.ndarray]:
    """The columns of a `values_list` query as numpy arrays, for a nation's millions of rows.

    `kinds` per column: "i8", "f8", "bool", "date" (datetime64[D]) or "f8xN" (a bytea of N little-endian
    doubles, read as an N-wide float matrix). No NULLs (coalesce them in the query). PostgreSQL: one
    binary COPY whose rows numpy reads as fixed-width records, no Python object per row (raises
    `RaggedRowsError` if a bytea has another length). Elsewhere: `fetch_all`.
    """
    if connection.vendor != "postgresql":
        rows = fetch_all(queryset)
        return [_column_of(list(values), kind) for values, kind in
                zip(zip(*rows, strict=True) if rows else [()] * len(kinds), kinds, strict=True)]
    sql, params = queryset.query.sql_with_params()
    body = bytearray()
    with connection.cursor() as cursor:
        def copy_out() -> None:
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT BINARY)", params) as copy:
                # libpq hands over one message a row; psycopg's reader costs 1.2 µs a row in Python, this
                # loop 0.3 µs. It stops after the trailer, and psycopg reads the end of the COPY. The first
                # message holds the header and the first row, or the trailer when there is no row.
                get_copy_data = cursor.cursor.connection.pgconn.get_copy_data
                nbytes, data = get_copy_data(0)  # blocking
                if nbytes >= 0:
                    body.extend(data)
                    if not _no_rows(body):
                        while nbytes != 2:  # the trailer: a row has at least one field, so 2 bytes are −1
                            nbytes, data = get_copy_data(0)
                            if nbytes < 0:  # ended before its trailer (an error): psycopg raises below
                                break
                            body.extend(data)
                while copy.read():
                    pass
        _run_recorded(cursor, sql, params, copy_out)
    return _fixed_records(body, kinds)


def _no_rows(first_message: bytearray) -> bool:
    """Whether the COPY's first message is its header and trailer only."""
    header = 19 + int.from_bytes(first_message[15:19], "big") if len(first_message) >= 19 else -1
    return len(first_message) == header + 2 and bytes(first_message[-2:]) == COPY_TRAILER


def _column_of(values: list[Any], kind: str) -> np.ndarray:
    if kind.startswith("f8x"):
        return unpack_doubles(values, int(kind[3:]))
    return np.array(values, dtype=np.dtype(LOCAL[kind]))


def _fixed_records(body: bytearray, kinds: Sequence[str]) -> list[np.ndarray]:
    """Binary COPY output (header, rows, trailer) as columns, if every row has the fixed widths."""
    start = 19 + int.from_bytes(body[15:19], "big")  # signature, flags, header extension
    fields: list[tuple[str, Any]] = [("count", ">i2")]
    sizes = []
    for i, kind in enumerate(kinds):
        wire = np.dtype(("<f8", (int(kind[3:]),))) if kind.startswith("f8x") else np.dtype(WIRE_OUT[kind])
        fields += [(f"l{i}", ">i4"), (f"v{i}", wire)]
        sizes.append(wire.itemsize)
    record = np.dtype(fields)
    rows_bytes = len(body) - start - 2  # the trailer: -1 as a field count
    if rows_bytes % record.itemsize:
        raise RaggedRowsError(kinds)
    records = np.frombuffer(body, dtype=record, count=rows_bytes // record.itemsize, offset=start)
    if np.any(records["count"] != len(kinds)) or any(
            np.any(records[f"l{i}"] != size) for i, size in enumerate(sizes)):
        raise RaggedRowsError(kinds)
    columns = []
    for i, kind in enumerate(kinds):
        values = records[f"v{i}"]
        if kind == "date":
            values = PG_DATE_EPOCH + values.astype(np.int64)
        elif not kind.startswith("f8x"):  # the matrix stays a view of the copied bytes: 4 GB for a nation
            values = values.astype(LOCAL[kind])
        columns.append(values)
    return columns


def unpack_doubles(blobs: list[bytes], width: int) -> np.ndarray:
    """Packed little-endian doubles as one matrix of `width` columns; shorter rows are padded with NaN."""
    if set(map(len, blobs)) == {width * 8}:
        return np.frombuffer(b"".join(blobs), dtype="<f8").reshape(len(blobs), width).copy()
    matrix = np.full((len(blobs), width), np.nan)
    for i, blob in enumerate(blobs):
        row = np.frombuffer(blob, dtype="<f8")
        matrix[i, : row.shape[0]] = row
    return matrix


#: rows per chunk of `fetch_chunks`: a few MB of Python objects at a time
FETCH_CHUNK = 65_536


def fetch_chunks(queryset: QuerySet[Any, Any]) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of a `values_list` query a chunk at a time, from one statement: a nation's rows never
    sit in memory as Python objects all at once. PostgreSQL: a binary server-side cursor in its own
    transaction, planned for reading every row; elsewhere `fetchmany`. Same columns as `fetch_all`."""
    sql, params = queryset.query.sql_with_params()
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1")
            with connection.connection.cursor("kaohe_chunks", binary=True) as raw:
                _run_recorded(cursor, sql, params, lambda: raw.execute(sql, params))
                while rows := raw.fetchmany(FETCH_CHUNK):
                    yield rows
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH_CHUNK):
            yield [_plain(row) for row in rows]


def _plain(row: Sequence[Any]) -> tuple[Any, ...]:
    """A row with bytes where the driver gave a memoryview."""
    return tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)


#: ids per `IN (…)` query off PostgreSQL: SQLite binds at most 32,766 parameters.
ID_CHUNK = 30_000


def missing_ids(model: type[Model], ids: np.ndarray) -> np.ndarray:
    """The ids among `ids` that are not primary keys of `model`'s table, sorted. PostgreSQL: one anti-join
    with the ids sent as one binary array (0.15 s for 110,000); elsewhere one `IN` query per 30,000 ids."""
    wanted = np.unique(np.asarray(ids, dtype=np.int64))
    table, key = (connection.ops.quote_name(name) for name in (model._meta.db_table, model._meta.pk.column))
    if connection.vendor == "postgresql":
        sql = (f"SELECT w.id FROM unnest(%s::int8[]) AS w(id) "  # noqa: S608  # nosec B608
               f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.{key} = w.id) ORDER BY 1")
        return np.array([row[0] for row in _fetch_binary(sql, [wanted.tolist()])], dtype=np.int64)
    found: list[int] = []
    for start in range(0, wanted.shape[0], ID_CHUNK):
        part = wanted[start:start + ID_CHUNK].tolist()
        found += model._default_manager.filter(pk__in=part).values_list("pk", flat=True)
    return np.setdiff1d(wanted, np.array(found, dtype=np.int64))


def copy_columns(model: type[Model], columns: Mapping[str, Any], *, table: str | None = None) -> int:
    """Insert whole columns in one statement: numpy arrays, or one value for every row.

    PostgreSQL, 100 rows or more, numeric and text arrays and constant numbers, text, dates, times and
    booleans: one binary COPY built with numpy (NaN in a float column is NULL). Otherwise (few rows, date
    arrays, other databases) one row-wise COPY or executemany. NaN becomes NULL everywhere. Returns the
    number of rows. `table` as in `bulk_insert`.
    """
    fields = {f.column: f for f in model._meta.concrete_fields}
    kinds = {c: KINDS.get(fields[c].get_internal_type(), "other") for c in columns}
    n = int(next(v.shape[0] for v in columns.values() if isinstance(v, np.ndarray)))
    binary = connection.vendor == "postgresql" and n >= BINARY_MIN_ROWS and all(
        _binary_ready(kinds[c], v) for c, v in columns.items())
    if binary:
        frame = pl.DataFrame({c: v.astype(np.int64) if v.dtype.kind == "b" else v
                              for c, v in columns.items() if isinstance(v, np.ndarray)})
        constants = {c: v for c, v in columns.items() if not isinstance(v, np.ndarray)}
        sql = f"COPY {table or model._meta.db_table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
        with connection.cursor() as cursor:
            _run_recorded(cursor, sql, None, lambda: copy_frame(model, frame, constants=constants, table=table))
        return n
    lists = [_python_column(v, n, integer=kinds[c] in ("i8", "i4", "i2")) for c, v in columns.items()]
    return bulk_insert(model, list(columns), zip(*lists, strict=True), table=table)


WIRE_KINDS = ("i8", "i4", "i2", "f8")
#: Fewer rows go row by row: setting up the frame costs more than it saves (a group commit of 16 ratings).
BINARY_MIN_ROWS = 100


def _binary_ready(kind: str, value: Any) -> bool:
    """Whether `pgcopy` can write this column: numbers, text (arrays of str or one str), and constant
    dates, times and booleans."""
    if isinstance(value, np.ndarray):
        return (value.dtype.kind in "iufb" and kind in WIRE_KINDS) or (value.dtype.kind in "OU" and kind == "text")
    if isinstance(value, dt.datetime):
        return kind == "timestamptz" and value.tzinfo is not None
    if isinstance(value, dt.date):
        return kind == "date"
    if isinstance(value, bool):
        return kind == "bool"
    return (isinstance(value, str) and kind == "text") or (isinstance(value, int | float) and kind in WIRE_KINDS)


def _python_column(value: Any, n: int, *, integer: bool) -> list[Any]:
    """A column as Python values for a row-wise insert; NaN becomes None (NULL)."""
    if not isinstance(value, np.ndarray):
        return [value] * n
    if value.dtype.kind != "f":
        return list(value.tolist())
    missing = np.isnan(value)
    column = (np.where(missing, 0, value).astype(np.int64) if integer else value).astype(object)
    column[missing] = None
    return list(column.tolist())


def _run_recorded(cursor: Any, sql: str, params: Any, run: "Callable[[], object]") -> None:
    """Run a raw psycopg operation so that it is seen like any other statement: by execute
    wrappers (statement counts in benchmarks) and by the query log of tests and DEBUG."""
    def executor(sql: str, params: Any, many: bool, context: Any) -> None:
        run()

    if hasattr(cursor, "debug_sql"):
        with cursor.debug_sql(sql, params):
            cursor._execute_with_wrappers(sql, params, False, executor)
    else:
        cursor._execute_with_wrappers(sql, params, False, executor)
