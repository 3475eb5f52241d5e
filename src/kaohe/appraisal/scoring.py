"""The engine adapter for scoring runs: rows → engine inputs per scheme category → result rows.

A cycle's people are split by scheme category (the engine scores one scheme at a time; quotas
never cross an appraisal group, and a group — the unit — has one scheme). Each partition reads the
wide value sheet (one row a person), the year's personnel records, and quota raises.
"""

import datetime as dt
import functools
import io
import json
import os
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import Any

import numpy as np
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db.models import BooleanField, Case, DateField, Value, When
from django.db.models.functions import Coalesce

from kaohe.appeals.models import Waiver, WaiverStatus
from kaohe.appraisal.models import Cycle, QuotaRaise
from kaohe.collection.sheets import AGGREGATES, SATISFACTION_SAMPLE_MIN, SheetMatrix, cohort_sheets
from kaohe.core.bulk import fetch_columns
from kaohe.core.calendar import work_calendar
from kaohe.engine import scheme as engine
from kaohe.engine.cohort import Cohort, Waivers
from kaohe.indicators.adapter import indicator_spec_from_snapshot, scheme_settings
from kaohe.indicators.choices import category_subject
from kaohe.org.choices import Level
from kaohe.org.models import (
    Accountability,
    CivilServant,
    Investigation,
    Leave,
    Position,
    ProtectedState,
    Sanction,
    Unit,
)

UPPER_POOL_LEVELS = ("inspector_1", "inspector_2", "researcher_1", "researcher_2", "researcher_3", "researcher_4")
HEAVY_SANCTIONS = ("demerit", "major_demerit", "demotion", "removal")


def scheme_category(level: str, category: str) -> str:
    """Townships use the 县乡基层 scheme; other units the scheme of their category."""
    return "grassroots" if level == Level.TOWNSHIP else (category or "general")


@dataclass(frozen=True)
class Partition:
    category: str
    scheme: engine.Scheme
    cohort: Cohort


@dataclass(frozen=True)
class People:
    """The cycle's people as columns, in id order."""

    ids: np.ndarray
    unit_ids: np.ndarray
    categories: np.ndarray
    upper_pool: np.ndarray
    difficulty: np.ndarray
    probation_end: np.ndarray  # days since 1970-01-01 (NO_PROBATION without probation)

    def subset(self, mask: np.ndarray) -> "People":  # a boolean mask or an index array
        return People(*(getattr(self, f.name)[mask] for f in fields(self)))


NO_PROBATION = dt.date(1, 1, 1)  # long before any appraisal year


def cycle_people(cycle: Cycle) -> People:
    """One query for the people (numbers only: the post level's pool and the probation end worked out by
    the database), one for the units' scheme categories and one for the positions' difficulty."""
    units = Unit.objects.filter(path__startswith=cycle.root.path)
    category_of = {uid: scheme_category(level, category)
                   for uid, level, category in units.values_list("id", "level", "category")}
    query = CivilServant.objects.filter(unit__in=units, status="active").order_by().annotate(
        post=Coalesce("position_id", Value(0)),
        upper=Case(When(post_level__in=UPPER_POOL_LEVELS, then=Value(True)), default=Value(False),
                   output_field=BooleanField()),
        probation=Coalesce("probation_end", Value(NO_PROBATION), output_field=DateField()))
    ids, unit_ids, upper, posts, probation = fetch_columns(
        query.values_list("id", "unit_id", "upper", "post", "probation"), ("i8", "i8", "bool", "i8", "date"))
    positions = np.array(Position.objects.values_list("id", "difficulty"), dtype=np.float64).reshape(-1, 2)
    difficulty = np.ones(int(positions[:, 0].max(initial=0)) + 1)  # by position id; 1 without a position
    difficulty[positions[:, 0].astype(np.int64)] = positions[:, 1]
    present, position = np.unique(unit_ids, return_inverse=True)
    people = People(
        ids=ids, unit_ids=unit_ids, upper_pool=upper, difficulty=difficulty[posts],
        categories=np.array([category_of[u] for u in present.tolist()], dtype=object)[position],
        probation_end=probation.astype(np.int64),
    )
    return people.subset(np.argsort(people.ids, kind="stable"))


def engine_scheme_from_snapshot(snapshot: dict[str, Any]) -> engine.Scheme:
    specs = tuple(indicator_spec_from_snapshot(row) for row in snapshot["indicators"])
    return scheme_settings(snapshot["profile"], snapshot["settings"], snapshot["dimension_weights"], specs,
                           category_subject(snapshot["category"]))


@dataclass(frozen=True)
class States:
    """Per-person flags and numbers of the year from the personnel records."""

    warning: set[int]
    heavy: set[int]
    accountability: set[int]
    investigation: set[int]
    protected: set[int]
    leave_days: dict[int, int]
    sanction_months: dict[int, int]
    unit_head_gate: set[int] = field(default_factory=set)  # heads of units graded 一般 or lower
    party_secretary_gate: set[int] = field(default_factory=set)  # party secretaries of units with poor 党建
    quota_ratios: dict[int, Decimal] = field(default_factory=dict)  # unit → its staff's 优秀 ratio
    waivers: dict[tuple[int, str], int] = field(default_factory=dict)  # (person, indicator) → percent waived


def year_states(year: int, as_of: dt.date) -> States:
    """Records bearing on the year (few rows: records are rare); people outside the cohort are ignored."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    under: dict[str, object] = {}
    sanctions = Sanction.objects.filter(**under, start_date__lte=as_of).values_list(
        "person_id", "kind", "start_date", "months")
    warning: set[int] = set()
    heavy: set[int] = set()
    months: dict[int, int] = defaultdict(int)
    for pid, kind, begun, length in sanctions:
        active = _add_months(begun, length) > as_of
        if kind == "warning" and start <= begun <= end:
            warning.add(pid)
        if kind in HEAVY_SANCTIONS and active:
            heavy.add(pid)
        if active:
            months[pid] = max(months[pid], length)
    leave: dict[int, int] = defaultdict(int)
    for pid, days in Leave.objects.filter(**under, start_date__gte=start, start_date__lte=end
                                          ).values_list("person_id", "days"):
        leave[pid] += days
    open_on = {"start_date__lte": as_of}
    return States(
        warning=warning, heavy=heavy, sanction_months=dict(months), leave_days=dict(leave),
        accountability=set(Accountability.objects.filter(**under, date__gte=start, date__lte=end)
                           .values_list("person_id", flat=True)),
        investigation=set(Investigation.objects.filter(**under, **open_on).exclude(end_date__lt=as_of)
                          .values_list("person_id", flat=True)),
        protected=set(ProtectedState.objects.filter(**under, **open_on).exclude(end_date__lt=as_of)
                      .values_list("person_id", flat=True)),
        waivers={(pid, code): int(share or 0) for pid, code, share in Waiver.objects.filter(
            year=year, status=WaiverStatus.APPROVED, person__isnull=False).values_list(
            "person_id", "indicator_code", "share")},
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


def partition_builders(cycle: Cycle, as_of: dt.date) -> list[Callable[[], Partition]]:
    """The reads every partition shares, now; then one builder a scheme category that gathers that
    partition's inputs when called (so a caller can score one partition while it copies the last one's
    results in), the largest partition first."""
    from kaohe.units.quota import staff_effects  # units builds on appraisal; imported here, not at the top

    people = cycle_people(cycle)
    sheets = cohort_sheets(cycle.year, people.ids)
    effects = staff_effects(cycle)
    states = replace(year_states(cycle.year, as_of), quota_ratios=effects.ratios, unit_head_gate=effects.head_gate,
                     party_secretary_gate=effects.secretary_gate)
    raises = {(g, p): e for g, p, e in QuotaRaise.objects.filter(cycle=cycle).values_list("group_id", "pool", "extra")}
    working_days = work_calendar().working_days(dt.date(cycle.year, 1, 1), dt.date(cycle.year, 12, 31))

    def build(category: str) -> Partition:
        group = people.subset(people.categories == category)
        scheme = engine_scheme_from_snapshot(cycle.schemes[category])
        cohort = _cohort(scheme, group, sheets.rows_for(group.ids), states, raises, working_days, as_of)
        return Partition(category, scheme, cohort)

    sizes = Counter(people.categories.tolist())
    # the largest first: its results are copied in while the others are scored
    return [functools.partial(build, category)
            for category in sorted(set(sizes) & set(cycle.schemes), key=lambda c: (-sizes[c], c))]


def _cohort(scheme: engine.Scheme, people: People, sheet: SheetMatrix, states: States,
            raises: dict[tuple[int, int], int], working_days: int, as_of: dt.date) -> Cohort:
    """The engine's columns for one partition, taken from the sheets in one column-major gather."""
    ids = sheet.person_ids
    pools = np.where(people.upper_pool, 1, 2) if scheme.quota.per_post_level_pool else np.zeros_like(ids)
    columns = _sheet_columns(scheme, sheet)
    units = set(people.unit_ids.tolist())
    return Cohort(
        person_ids=ids,
        group_ids=people.unit_ids,
        pool_ids=pools.astype(np.int64),
        values=columns["values"],
        quarter_grades=_ints(columns["quarters"], np.int8),
        special_scores=columns["special"][:, 0],
        rater_count=np.nan_to_num(columns["count"]), rater_sum=np.nan_to_num(columns["total"]),
        rater_min=columns["minimum"], rater_max=columns["maximum"],
        satisfaction=_satisfaction(scheme, columns),
        veto=np.zeros(ids.shape[0], dtype=bool),
        warning_this_year=_flags(ids, states.warning),
        unit_head_gate=_flags(ids, states.unit_head_gate),
        party_secretary_gate=_flags(ids, states.party_secretary_gate),
        accountability_this_year=_flags(ids, states.accountability),
        demerit_or_heavier_active=_flags(ids, states.heavy),
        under_investigation=_flags(ids, states.investigation),
        on_probation=people.probation_end > (as_of - dt.date(1970, 1, 1)).days,
        leave_days=_lookup(ids, states.leave_days),
        working_days=working_days,
        protected=_flags(ids, states.protected),
        history=_ints(columns["history"], np.int8),
        step_credit_years=_ints(columns["step"][:, 0], np.int64),
        level_credit_years=_ints(columns["level"][:, 0], np.int64),
        sanction_months=_lookup(ids, states.sanction_months),
        difficulty=people.difficulty,
        quota_raises=dict(raises),
        group_quota_ratios={u: ratio for u, ratio in states.quota_ratios.items() if u in units},
        waivers=_waivers(scheme, ids, states.waivers),
        as_of=as_of,
    )


def _waivers(scheme: engine.Scheme, ids: np.ndarray, approved: dict[tuple[int, str], int]) -> Waivers:
    """Approved waivers of this partition's people on the scheme's weighted indicators (a waiver of an
    indicator the scheme does not weigh has nothing to give back)."""
    columns = {spec.code: j for j, spec in enumerate(scheme.indicators) if spec.counted and spec.weight > 0}
    rows = _rows_of(ids, np.array([pid for pid, _ in approved], dtype=np.int64)).tolist()
    return Waivers.of((row, columns[code], share)
                      for row, ((_, code), share) in zip(rows, approved.items(), strict=True)
                      if row >= 0 and code in columns)


def _ints(values: np.ndarray, dtype: type) -> np.ndarray:
    converted: np.ndarray = np.nan_to_num(values, nan=0).astype(dtype)
    return converted


def _rows_of(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The row of each `wanted` person in `ids` (sorted, as a partition's people are), −1 if absent."""
    if not ids.shape[0]:
        return np.full(wanted.shape[0], -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(ids, wanted), ids.shape[0] - 1)
    return np.where(ids[at] == wanted, at, -1)


def _lookup(ids: np.ndarray, mapping: dict[int, int]) -> np.ndarray:
    values = np.zeros(ids.shape[0], dtype=np.int64)
    rows = _rows_of(ids, np.fromiter(mapping, dtype=np.int64, count=len(mapping)))
    values[rows[rows >= 0]] = np.fromiter(mapping.values(), dtype=np.int64, count=len(mapping))[rows >= 0]
    return values


def _flags(ids: np.ndarray, members: set[int]) -> np.ndarray:
    return np.isin(ids, np.fromiter(members, dtype=np.int64, count=len(members)))


def _sheet_columns(scheme: engine.Scheme, sheet: SheetMatrix) -> dict[str, np.ndarray]:
    """The slots the partition's cohort takes from its sheets, gathered at once, by part (column-major
    views): values, quarters, special, the 360° aggregates, satisfaction, history, step, level."""
    parts = {
        "values": [spec.code for spec in scheme.indicators],
        "quarters": [f"q{q}" for q in range(1, 5)],
        "special": ["special"],
        **{agg: [f"r.{role}.{agg}" for role in scheme.rater_roles] for agg in AGGREGATES},
        "sat_n": ["sat_n"],
        "history": [f"h{h}" for h in range(1, 6)],
        "step": ["step"],
        "level": ["level"],
    }
    gathered = sheet.columns([name for names in parts.values() for name in names])
    bounds = np.cumsum([0, *(len(names) for names in parts.values())]).tolist()
    return {part: gathered[:, bounds[i]:bounds[i + 1]] for i, part in enumerate(parts)}


def _satisfaction(scheme: engine.Scheme, columns: dict[str, np.ndarray]) -> np.ndarray:
    """The measured public satisfaction: the scheme's QR-rating indicator, NaN below the sample minimum."""
    at = next((j for j, s in enumerate(scheme.indicators) if s.source == "qr_rating" and s.counted), None)
    if at is None:
        return np.full(columns["values"].shape[0], np.nan)
    measured = np.nan_to_num(columns["sat_n"][:, 0]) >= SATISFACTION_SAMPLE_MIN
    return np.where(measured, columns["values"][:, at], np.nan)


COHORT_ARRAYS = tuple(f.name for f in fields(Cohort)
                      if f.name not in ("working_days", "quota_raises", "group_quota_ratios", "waivers", "as_of"))


def snapshot_path(run_id: int, category: str) -> str:
    return f"runs/{run_id}/{category}.npz"


def save_snapshot(run_id: int, part: Partition) -> None:
    """Keep a partition's exact engine inputs, so a result can be explained later as it was scored."""
    buffer = io.BytesIO()
    arrays = {name: getattr(part.cohort, name) for name in COHORT_ARRAYS}
    c = part.cohort
    meta = {"working_days": c.working_days, "as_of": c.as_of.isoformat(),
            "quota_raises": [[g, p, e] for (g, p), e in c.quota_raises.items()],
            "group_quota_ratios": {str(g): str(r) for g, r in c.group_quota_ratios.items()},
            "waivers": [c.waivers.rows.tolist(), c.waivers.columns.tolist(), c.waivers.shares.tolist()]}
    np.savez(buffer, meta=np.array(json.dumps(meta)), **arrays)
    path = snapshot_path(run_id, part.category)
    if default_storage.exists(path):
        default_storage.delete(path)
    buffer.seek(0)
    default_storage.save(path, File(buffer))  # streamed from the buffer: no second copy of a nation's GB


def load_cohort(run_id: int, category: str) -> Cohort:
    """A run's snapshot of a category, read-only. Kept in memory for the last few snapshots read: a person's
    notice re-scores one group from the category's snapshot (57 ms to read for 74,000 people)."""
    name = snapshot_path(run_id, category)
    try:
        stat = os.stat(default_storage.path(name))
    except NotImplementedError:  # pragma: no cover — remote storage: read it each time
        return _read_cohort(name)
    return _cached_cohort(name, stat.st_mtime_ns, stat.st_size)  # a rewritten file is a new key


@functools.lru_cache(maxsize=4)
def _cached_cohort(name: str, _mtime_ns: int, _size: int) -> Cohort:
    cohort = _read_cohort(name)
    for value in vars(cohort).values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False  # shared by every caller of this process
    return cohort


def _read_cohort(name: str) -> Cohort:
    with default_storage.open(name, "rb") as handle:
        data = np.load(io.BytesIO(handle.read()), allow_pickle=False)
        meta = json.loads(str(data["meta"]))
        n = int(data["person_ids"].shape[0])
        # snapshots from before the unit-head and party-secretary gates lack those flags: they were all off
        arrays = {name: data[name] if name in data else np.zeros(n, dtype=bool) for name in COHORT_ARRAYS}
    rows, columns, shares = meta.get("waivers", [[], [], []])
    return Cohort(**arrays, working_days=meta["working_days"], as_of=dt.date.fromisoformat(meta["as_of"]),
                  quota_raises={(g, p): e for g, p, e in meta["quota_raises"]},
                  group_quota_ratios={int(g): Decimal(r) for g, r in meta.get("group_quota_ratios", {}).items()},
                  waivers=Waivers.of(zip(rows, columns, shares, strict=True)))


def cohort_subset(cohort: Cohort, mask: np.ndarray) -> Cohort:
    """The people of `mask` only (an appraisal group scores alone: quotas never cross groups)."""
    kept = np.full(cohort.size, -1, dtype=np.int64)
    kept[mask] = np.arange(int(np.count_nonzero(mask)))
    w = cohort.waivers
    waivers = Waivers.of((int(kept[r]), c, s) for r, c, s in zip(w.rows.tolist(), w.columns.tolist(),
                                                                  w.shares.tolist(), strict=True) if kept[r] >= 0)
    return replace(cohort, waivers=waivers, **{name: getattr(cohort, name)[mask] for name in COHORT_ARRAYS})
