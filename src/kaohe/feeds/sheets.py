"""Value sheets written set-based: the rows `collection.sheets.sheets_update` writes, for 100,000 people
in a few statements instead of one Python step per person and value.

On PostgreSQL the current sheets of the people are read with one `= ANY(array)` query, changed as one
numpy matrix (one assignment per slot), deleted with one statement and written back with one binary
COPY. Elsewhere (SQLite: tests, the embedded default) it calls `sheets_update`.
"""

from collections.abc import Mapping

import numpy as np
import polars as pl
from django.db import connection

from kaohe.collection.models import ValueSheet
from kaohe.collection.sheets import FIXED, SheetMatrix, layout, sheets_update
from kaohe.core.bulk import unpack_doubles
from kaohe.core.pgcopy import copy_frame


def _current(year: int, ids: np.ndarray, slots: Mapping[str, int]) -> np.ndarray:
    """The sheets of `ids` (sorted) in that order; NaN rows for people without one."""
    table = connection.ops.quote_name(ValueSheet._meta.db_table)
    sql = f"SELECT person_id, data FROM {table} WHERE year = %s AND person_id = ANY(%s) ORDER BY person_id"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, [year, ids.tolist()])
        rows = cursor.fetchall()
    width = max(slots.values()) + 1
    found = np.array([pid for pid, _data in rows], dtype=np.int64)
    return SheetMatrix(found, unpack_doubles([bytes(data) for _pid, data in rows], width), slots).rows_for(ids).dense()


def _write(year: int, ids: np.ndarray, matrix: np.ndarray) -> int:
    table = connection.ops.quote_name(ValueSheet._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE year = %s AND person_id = ANY(%s)", [year, ids.tolist()])  # noqa: S608  # nosec B608
    packed = np.ascontiguousarray(matrix.astype("<f8"))
    data = [row.tobytes() for row in packed]
    frame = pl.DataFrame({"person_id": ids, "data": pl.Series(data, dtype=pl.Binary)})
    return copy_frame(ValueSheet, frame, constants={"year": year})


def sheets_set(year: int, updates: pl.DataFrame) -> int:
    """Set slots of many people's sheets of `year` (inside the caller's transaction).

    `updates` has one row per person and slot: person_id, name (an indicator code or a fixed slot such
    as "sat_n"), number. Other slots keep their values; people without a sheet get one.
    """
    if updates.height == 0:
        return 0
    if connection.vendor != "postgresql":
        return _sheets_update_rows(year, updates)
    names = updates["name"].unique().to_list()
    slots = layout(name for name in names if name not in FIXED)
    ids = np.unique(updates["person_id"].to_numpy())
    matrix = _current(year, ids, slots)
    for (name,), part in updates.partition_by("name", as_dict=True).items():
        rows = np.searchsorted(ids, part["person_id"].to_numpy())
        matrix[rows, slots[str(name)]] = part["number"].to_numpy()
    return _write(year, ids, matrix)


def _sheets_update_rows(year: int, updates: pl.DataFrame) -> int:
    by_person: dict[int, dict[str, float]] = {}
    for pid, name, number in updates.select("person_id", "name", "number").iter_rows():
        by_person.setdefault(pid, {})[name] = number
    sheets_update(year, by_person)
    return len(by_person)
