"""Recording many indicator values at once: the set-based twin of `collection.services.values_record`.

`values_record` builds one Python object per value; at a million rows that is most of the time. Here
the values arrive as a polars frame (person_id, code, year, quarter, value, level, sample_size) and
the same rows are written: `IndicatorValue` provenance (same source, batch, received time and content
hash as `values_record` computes) with one binary COPY (`core.pgcopy`; `core.bulk.copy_columns` off
PostgreSQL), the yearly values into the value sheets (`feeds.sheets`: the bytes `sheets_update` would
write), and one audit event for the batch, all in one transaction.
"""

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.audit.services import audit_append
from kaohe.collection.models import IndicatorValue
from kaohe.collection.services import values_people_check
from kaohe.core.bulk import copy_columns
from kaohe.core.errors import ApplicationError
from kaohe.core.pgcopy import frame_copy
from kaohe.feeds.sheets import sheets_set
from kaohe.indicators.adapter import library_for_year
from kaohe.indicators.choices import Source

HASH_CHUNK = 100_000
VALUE_SCHEMA: dict[str, Any] = {
    "person_id": pl.Int64, "code": pl.String, "year": pl.Int64, "quarter": pl.Int64, "value": pl.Float64,
    "level": pl.String, "sample_size": pl.Int64,
}


@dataclass(frozen=True)
class Rules:
    """The indicator library of one year as checks need it: every code, and the levels of rubric codes."""

    year: int
    codes: frozenset[str]
    levels: Mapping[str, tuple[str, ...]]


def library_rules(year: int) -> Rules:
    """Codes valid in `year` and the rubric levels (in order: index 0 is the best level)."""
    codes: list[str] = []
    levels: dict[str, tuple[str, ...]] = {}
    for code, kind, params in library_for_year(year).values_list("code", "rule_kind", "rule_params"):
        codes.append(code)
        if kind == "rubric":
            raw = params.get("levels", [])
            levels[code] = tuple(raw) if isinstance(raw, dict) else tuple(level for level, _score in raw)
    return Rules(year, frozenset(codes), levels)


def _value_text(values: pl.Series) -> pl.Series:
    """Each value as Python's `str(float)` writes it ("None" when missing), as `content_hash` sees it."""
    text = values.cast(pl.String)
    small = (values.abs() < 1e-4) & (values != 0)  # Python switches to exponent form here; polars does not
    if bool(small.any()):
        positions = small.arg_true().to_list()
        python = [str(v) for v in values.gather(positions).to_list()]
        text = text.scatter(positions, python)
    return text.fill_null("None")


def content_hashes(frame: pl.DataFrame) -> list[str]:
    """The SHA-256 of each row exactly as `collection.services.content_hash` computes it for a `ValueIn`."""
    lines = frame.select(pl.concat_str([
        pl.col("person_id").cast(pl.String), pl.col("code"), pl.col("year").cast(pl.String),
        pl.col("quarter").cast(pl.String), _value_text(frame["value"]), pl.col("level"),
        pl.col("sample_size").cast(pl.String).fill_null("None"),
    ], separator="|")).to_series()
    sha256 = hashlib.sha256
    return [sha256(line.encode()).hexdigest() for line in lines.to_list()]


def _rubric_table(rules: Mapping[int, Rules]) -> pl.DataFrame:
    rows = [(year, code, level, float(index)) for year, r in rules.items() for code, levels in r.levels.items()
            for index, level in enumerate(levels)]
    return pl.DataFrame(rows, schema={"year": pl.Int64, "code": pl.String, "level": pl.String, "index": pl.Float64},
                        orient="row")


def sheet_numbers(frame: pl.DataFrame, rules: Mapping[int, Rules]) -> pl.Series:
    """What the value sheet stores per row: the rubric level's index, or the number."""
    rubric = frame.select("year", "code", "level").join(_rubric_table(rules), on=["year", "code", "level"],
                                                         how="left", maintain_order="left")
    return rubric["index"].fill_null(frame["value"]).alias("number")


def _check(frame: pl.DataFrame, rules: Mapping[int, Rules]) -> None:
    """Refuse a frame with a code outside its year's library, a wrong level or a missing number."""
    for year, part in frame.select("year", "code", "level", "value").group_by("year"):
        rule = rules[int(year[0])]
        unknown = set(part["code"].unique().to_list()) - rule.codes
        if unknown:
            raise ApplicationError(_("%(code)s is not an indicator of %(year)s.") % {"code": sorted(unknown)[0],
                                                                                    "year": rule.year})
        rubric = part["code"].is_in(list(rule.levels))
        if bool((~rubric & part["value"].is_null()).any()):
            raise ApplicationError(_("A value of a numeric indicator is missing."))
    numbers = sheet_numbers(frame, rules)
    if bool(numbers.is_null().any()):
        raise ApplicationError(_("A rubric level is not one of its indicator's levels."))


def _sheet_updates(frame: pl.DataFrame, numbers: pl.Series) -> dict[int, pl.DataFrame]:
    """Yearly values (quarter 0) per year as (person_id, name, number) rows for `sheets_set`: the code's
    number and, where given, the sample size in "sat_n"; the last row wins, as in `values_record`."""
    yearly = frame.select("person_id", "code", "year", "quarter", "sample_size").with_columns(numbers).filter(
        pl.col("quarter") == 0)
    codes = yearly.select("year", "person_id", pl.col("code").alias("name"), "number")
    samples = yearly.filter(pl.col("sample_size").is_not_null()).select(
        "year", "person_id", pl.lit("sat_n").alias("name"), pl.col("sample_size").cast(pl.Float64).alias("number"))
    both = pl.concat([codes, samples]).unique(["year", "person_id", "name"], keep="last", maintain_order=True)
    return {int(year): part.drop("year") for (year,), part in both.partition_by("year", as_dict=True).items()}


def _provenance(frame: pl.DataFrame, source: str, batch: str, now: Any) -> int:
    """The `IndicatorValue` rows: a binary COPY on PostgreSQL (hashes of one chunk computed while the server
    ingests the previous one), `core.bulk.copy_columns` elsewhere."""
    constants = {"source": source, "batch": batch, "received_at": now}
    if connection.vendor == "postgresql":
        columns = ["person_id", "code", "year", "quarter", "value", "level", "sample_size"]
        with frame_copy(IndicatorValue, [*columns, "content_hash"], constants) as copier:
            for chunk in frame.iter_slices(HASH_CHUNK):
                copier.write(chunk.select(columns).with_columns(pl.Series("content_hash", content_hashes(chunk))))
        return copier.rows
    return copy_columns(IndicatorValue, {
        "person_id": frame["person_id"].to_numpy(), "code": frame["code"].to_numpy().astype(object),
        "year": frame["year"].to_numpy(), "quarter": frame["quarter"].to_numpy(),
        "value": frame["value"].fill_null(np.nan).to_numpy(),
        "level": frame["level"].to_numpy().astype(object),
        "sample_size": frame["sample_size"].cast(pl.Float64).fill_null(np.nan).to_numpy(),
        **constants, "content_hash": np.array(content_hashes(frame), dtype=object),
    })


def values_record_frame(*, actor: User | None, frame: pl.DataFrame, source: str, batch: str,
                        rules: Mapping[int, Rules] | None = None,
                        progress: Callable[[str], None] | None = None) -> int:
    """Append the values of `frame` with their provenance and put the yearly ones into the value sheets.

    Same rows, sheets and audit event as `values_record` with the same values; checked first (codes,
    levels, numbers), nothing is written on a refusal. Call it inside the caller's transaction to tie
    other writes (an import's status) to the values.
    """
    if source not in Source.values:
        raise ApplicationError(_("Unknown data source %(source)s.") % {"source": source})
    frame = frame.select([pl.col(name).cast(dtype) for name, dtype in VALUE_SCHEMA.items()]).with_columns(
        pl.col("level").fill_null(""))
    if frame.height == 0:
        return 0
    rules = dict(rules or {})
    for year in frame["year"].unique().to_list():
        rules.setdefault(year, library_rules(year))
    _check(frame, rules)
    updates = _sheet_updates(frame, sheet_numbers(frame, rules))
    if progress:
        progress("prepared")
    with transaction.atomic():
        values_people_check(frame["person_id"].to_numpy())
        count = _provenance(frame, source, batch, timezone.now())
        for year, rows in updates.items():
            sheets_set(year, rows)
        audit_append(actor=actor, action="collection.values.record", object_type="batch", object_id=batch,
                     detail={"source": source, "values": count})
    return count
