"""Value sheets: each person's year of scoring inputs as one packed float64 row.

Reading a city is one query and one `np.frombuffer`; writers go through `sheets_update`, which
reads, changes and rewrites the affected rows in bulk. Slots, in order:

    q1..q4          quarterly grades (0 none, 1 好, 2 较好, 3 一般, 4 较差)
    special         专项 score 0–100
    sat_n           number of ratings behind the satisfaction value
    r.<role>.<agg>  360° aggregates per rater role: count, total, minimum, maximum
    h1..h5          grades of the five previous years, most recent first
    step, level     qualifying years toward the next pay step and 级别
    <code>...       one slot per indicator code (`SheetColumn`), a rubric as its level index
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Max, QuerySet

from kaohe.collection.models import SheetColumn, ValueSheet
from kaohe.core.bulk import RaggedRowsError, bulk_insert, fetch_chunks, fetch_columns, unpack_doubles
from kaohe.engine.codes import RATER_ROLES

AGGREGATES = ("count", "total", "minimum", "maximum")
#: people a block when a partition's sheets are turned column-major (at most 78 slots × 8 bytes × 4,096: 2.5 MB)
GATHER_ROWS = 4096
SATISFACTION_SAMPLE_MIN = 100  # ratings before public satisfaction counts as measured (sat_n ≥ this)
FIXED = (
    "q1", "q2", "q3", "q4", "special", "sat_n",
    *(f"r.{role}.{agg}" for role in RATER_ROLES for agg in AGGREGATES),
    "h1", "h2", "h3", "h4", "h5", "step", "level",
)


def layout(codes: Iterable[str] = ()) -> dict[str, int]:
    """Slot of every fixed name and indicator code; unknown `codes` get new slots at the end."""
    known = dict(SheetColumn.objects.values_list("code", "position"))
    missing = [c for c in dict.fromkeys(codes) if c not in known]
    if missing:
        with transaction.atomic():
            last = SheetColumn.objects.select_for_update().aggregate(m=Max("position"))["m"]
            start = 0 if last is None else last + 1
            SheetColumn.objects.bulk_create([SheetColumn(code=c, position=start + i) for i, c in enumerate(missing)])
        known = dict(SheetColumn.objects.values_list("code", "position"))
    slots = {name: i for i, name in enumerate(FIXED)}
    slots.update({code: len(FIXED) + position for code, position in known.items()})
    return slots


@dataclass(frozen=True)
class SheetMatrix:
    """Sheets of many people: `person_ids[i]`'s values are row `rows[i]` of `matrix` (row i without
    `rows`; -1: no sheet, all NaN); `slots` names the columns."""

    person_ids: np.ndarray
    matrix: np.ndarray
    slots: Mapping[str, int]
    rows: np.ndarray | None = None

    def column(self, name: str) -> np.ndarray:
        """One slot of every person (a view when the sheets are in person order: do not write to it)."""
        slot = self.slots.get(name)
        if slot is not None and self.rows is None:
            return self.matrix[:, slot]
        return self.columns([name])[:, 0]

    def columns(self, names: Sequence[str]) -> np.ndarray:
        """Those slots of every person: people × names, column-major (each name's values contiguous), NaN
        for a name without a slot and a person without a sheet. Only the slots named are gathered, a
        block of people at a time, so each block is turned in cache (a nation's 4.8 million people, 47
        of 78 slots: 9.1–9.8 s to build its cohort, against 11.7–13.0 s gathering all slots and then
        `np.column_stack` the ones used)."""
        n = self.person_ids.shape[0]
        out = np.full((n, len(names)), np.nan, order="F")
        known = [(j, self.slots[name]) for j, name in enumerate(names) if name in self.slots]
        if not known or not self.matrix.shape[0]:
            return out
        targets, slots = (np.array(column, dtype=np.int64) for column in zip(*known, strict=True))
        every = np.arange(n) if self.rows is None else self.rows
        for start in range(0, n, GATHER_ROWS):
            rows = every[start:start + GATHER_ROWS]
            block = self.matrix[np.maximum(rows, 0)[:, np.newaxis], slots]
            block[rows < 0] = np.nan
            out[start:start + rows.shape[0], targets] = block
        return out

    def rows_for(self, person_ids: np.ndarray) -> "SheetMatrix":
        """The sheets of `person_ids`, in that order, without copying the matrix."""
        own = np.arange(self.person_ids.shape[0]) if self.rows is None else self.rows
        order = np.argsort(self.person_ids, kind="stable")
        known = self.person_ids[order]
        at = np.minimum(np.searchsorted(known, person_ids), max(known.shape[0] - 1, 0))
        found = known[at] == person_ids if known.shape[0] else np.zeros(person_ids.shape[0], dtype=bool)
        rows = np.where(found, own[order[at]], -1) if known.shape[0] else np.full(person_ids.shape[0], -1)
        return SheetMatrix(person_ids, self.matrix, self.slots, rows)

    def dense(self) -> np.ndarray:
        """The people's rows as one matrix (a copy)."""
        if self.rows is None:
            return self.matrix.copy()
        missing = self.rows < 0
        if missing.all():  # also: no sheet read at all
            return np.full((self.rows.shape[0], self.matrix.shape[1]), np.nan)
        values: np.ndarray = self.matrix[np.where(missing, 0, self.rows)]
        values[missing] = np.nan
        return values


def sheet_matrix(year: int, *, root_path: str = "/", person_ids: Iterable[int] | None = None) -> SheetMatrix:
    """The sheets of `year` for everyone under `root_path` (or the given people), in person order: one
    query, read and unpacked a chunk at a time."""
    rows = ValueSheet.objects.filter(year=year)
    rows = rows.filter(person_id__in=list(person_ids)) if person_ids is not None else rows.filter(
        person__unit__path__startswith=root_path)
    return _read(rows.order_by("person_id"), layout())


def cohort_sheets(year: int, person_ids: np.ndarray) -> SheetMatrix:
    """The sheets of `person_ids` (sorted, many), row i for person i (NaN without a sheet): the year's
    sheets between the first and the last id in one pass, no join and no sort in the database; on
    PostgreSQL one binary COPY read by numpy (a nation's 7 million sheets: 4 GB in about 6 s)."""
    slots = layout()
    width = max(slots.values()) + 1
    if not person_ids.shape[0]:
        return SheetMatrix(person_ids, np.empty((0, width)), slots)
    rows = ValueSheet.objects.filter(year=year, person_id__gte=int(person_ids[0]), person_id__lte=int(person_ids[-1]))
    try:
        ids, matrix = fetch_columns(rows.order_by().values_list("person_id", "data"), ("i8", f"f8x{width}"))
        sheets = SheetMatrix(ids, matrix, slots)
    except RaggedRowsError:  # sheets of an older, shorter layout among them
        sheets = _read(rows.order_by(), slots)
    return sheets.rows_for(person_ids)


def _read(rows: QuerySet[ValueSheet], slots: Mapping[str, int]) -> SheetMatrix:
    width = max(slots.values()) + 1
    ids, parts = [np.empty(0, dtype=np.int64)], [np.empty((0, width))]
    for chunk in fetch_chunks(rows.values_list("person_id", "data")):
        ids.append(np.fromiter((pid for pid, _ in chunk), dtype=np.int64, count=len(chunk)))
        parts.append(unpack_doubles([data for _, data in chunk], width))
    return SheetMatrix(np.concatenate(ids), parts[1] if len(parts) == 2 else np.concatenate(parts), slots)


#: people per read and write: the queries bind one parameter per person (SQLite allows 32,766).
UPDATE_CHUNK = 30_000


def sheets_update(year: int, updates: Mapping[int, Mapping[str, float]]) -> int:
    """Set named slots of many people's sheets, a chunk at a time (inside the caller's transaction)."""
    people = sorted(updates)
    return sum(_sheets_update_chunk(year, {pid: updates[pid] for pid in people[start:start + UPDATE_CHUNK]})
               for start in range(0, len(people), UPDATE_CHUNK))


def _sheets_update_chunk(year: int, updates: Mapping[int, Mapping[str, float]]) -> int:
    slots = layout(name for values in updates.values() for name in values if name not in FIXED)
    ids = np.array(sorted(updates), dtype=np.int64)
    current = sheet_matrix(year, person_ids=ids.tolist()).rows_for(ids)
    matrix = current.dense()
    for i, pid in enumerate(ids.tolist()):
        for name, value in updates[pid].items():
            matrix[i, slots[name]] = value
    ValueSheet.objects.filter(year=year, person_id__in=ids.tolist()).delete()
    return bulk_insert(ValueSheet, ("person_id", "year", "data"),
                       ([pid, year, matrix[i].astype("<f8").tobytes()] for i, pid in enumerate(ids.tolist())))
