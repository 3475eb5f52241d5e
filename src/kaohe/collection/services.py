"""Recording indicator values: provenance rows plus the value sheets scoring reads, in one transaction."""

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.audit.services import audit_append
from kaohe.collection.models import IndicatorValue
from kaohe.collection.sheets import sheets_update
from kaohe.core.bulk import copy_columns, missing_ids
from kaohe.core.errors import ApplicationError
from kaohe.indicators.adapter import library_for_year
from kaohe.indicators.choices import Source
from kaohe.org.models import CivilServant


@dataclass(frozen=True)
class ValueIn:
    """One received value: a number, or a rubric level (好/较好/…) in `level`. Quarter 0 = the year."""

    person_id: int
    code: str
    year: int
    value: float | None = None
    level: str = ""
    quarter: int = 0
    sample_size: int | None = None


def content_hash(item: ValueIn) -> str:
    text = f"{item.person_id}|{item.code}|{item.year}|{item.quarter}|{item.value}|{item.level}|{item.sample_size}"
    return hashlib.sha256(text.encode()).hexdigest()


def _sheet_number(item: ValueIn, levels: dict[str, tuple[str, ...]]) -> float:
    """What the sheet stores: the number, or the rubric level's index."""
    if item.code in levels:
        if item.level not in levels[item.code]:
            raise ApplicationError(_("%(level)s is not a level of %(code)s (levels: %(levels)s).") % {
                "level": item.level, "code": item.code, "levels": "、".join(levels[item.code])})
        return float(levels[item.code].index(item.level))
    if item.value is None:
        raise ApplicationError(_("%(code)s needs a number.") % {"code": item.code})
    return float(item.value)


def values_people_check(person_ids: np.ndarray) -> None:
    """Refuse values for people who do not exist. The provenance table has no database key on the
    person (ADR 0012), so every writer of values calls this (one anti-join query on PostgreSQL)."""
    missing = missing_ids(CivilServant, person_ids)
    if missing.shape[0]:
        raise ApplicationError(_("No civil servant has the id %(id)s: nothing was recorded.") % {
            "id": int(missing[0])})


def values_record(*, actor: User | None, values: Sequence[ValueIn], source: str, batch: str = "") -> int:
    """Append the values with their provenance and put the yearly ones into the value sheets.

    Validated first (codes in the library of their year, rubric levels, numbers); one audit event
    for the batch. Raises ApplicationError naming the first bad value; nothing is written then.
    """
    if source not in Source.values:
        raise ApplicationError(_("Unknown data source %(source)s.") % {"source": source})
    levels: dict[int, dict[str, tuple[str, ...]]] = {}
    updates: dict[int, dict[int, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for item in values:
        year_levels = levels.setdefault(item.year, _rubric_levels(item.year))
        if item.code not in year_levels["__codes__"]:
            raise ApplicationError(_("%(code)s is not an indicator of %(year)s.") % {"code": item.code,
                                                                                    "year": item.year})
        number = _sheet_number(item, year_levels)
        if item.quarter == 0:
            updates[item.year][item.person_id][item.code] = number
            if item.sample_size is not None:
                updates[item.year][item.person_id]["sat_n"] = float(item.sample_size)
    now = timezone.now()
    with transaction.atomic():
        values_people_check(np.array([item.person_id for item in values], dtype=np.int64))
        copy_columns(IndicatorValue, _provenance_columns(values, source, batch, now))
        for year, by_person in updates.items():
            sheets_update(year, by_person)
        audit_append(actor=actor, action="collection.values.record", object_type="batch", object_id=batch,
                     detail={"source": source, "values": len(values)})
    return len(values)


def _rubric_levels(year: int) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    codes: list[str] = []
    for code, kind, params in library_for_year(year).values_list("code", "rule_kind", "rule_params"):
        codes.append(code)
        if kind == "rubric":
            raw = params.get("levels", [])
            found[code] = tuple(raw) if isinstance(raw, dict) else tuple(level for level, _score in raw)
    found["__codes__"] = tuple(codes)
    return found


def _provenance_columns(values: Sequence[ValueIn], source: str, batch: str, now: object) -> dict[str, object]:
    return {
        "person_id": np.array([v.person_id for v in values], dtype=np.int64),
        "code": np.array([v.code for v in values], dtype=object),
        "year": np.array([v.year for v in values], dtype=np.int64),
        "quarter": np.array([v.quarter for v in values], dtype=np.int64),
        "value": np.array([np.nan if v.value is None else v.value for v in values], dtype=np.float64),
        "level": np.array([v.level for v in values], dtype=object),
        "sample_size": np.array([np.nan if v.sample_size is None else v.sample_size for v in values]),
        "source": source, "batch": batch, "received_at": now,
        "content_hash": np.array([content_hash(v) for v in values], dtype=object),
    }
