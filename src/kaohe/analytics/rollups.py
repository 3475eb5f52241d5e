"""Roll-ups refreshed after each scoring run: per unit (own group and whole subtree) and per scheme
category × unit level.

`rollups_refresh(run)` is set-based: one fetch of the run's result rows, one of the units, the run's
own input snapshots (files, no SQL), numpy group-bys, then one delete and one bulk insert per table.
A scoring run skips the fetch: it hands `rollups_compute` the columns it has just written and its
engine inputs, computes while its result rows are copied in, then calls `rollups_save`.
The number of SQL statements does not depend on the number of people.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction

from kaohe.analytics import grouping
from kaohe.analytics.models import HISTOGRAM_BIN, SegmentRollup, UnitRollup
from kaohe.appraisal.models import RunResult, ScoringRun
from kaohe.appraisal.results import CONSEQUENCES
from kaohe.appraisal.scoring import load_cohort
from kaohe.core.bulk import bulk_insert, fetch_all
from kaohe.engine.codes import DIMENSIONS, Gate
from kaohe.engine.cohort import Cohort
from kaohe.org.models import Unit

BINS = 100 // HISTOGRAM_BIN
DIM_COLUMNS = tuple(f"dim_{d}" for d in DIMENSIONS)
RESULT_COLUMNS = ("group_id", "pool", "category", "composite", *DIM_COLUMNS, "non_grade", "grade", "pool_quota",
                  "pool_participants", "gates", "consequences")
HISTORY_YEARS = 5


@dataclass(frozen=True)
class Units:
    """The cycle's units as columns; `ancestors[i, d]` is the index of unit i's ancestor at depth d."""

    ids: np.ndarray
    paths: list[str]
    levels: list[str]
    depths: np.ndarray
    ancestors: np.ndarray

    def index_of(self, unit_ids: np.ndarray) -> np.ndarray:
        index = np.searchsorted(self.ids, unit_ids)
        index = np.minimum(index, max(self.ids.shape[0] - 1, 0))
        if unit_ids.shape[0] and not np.array_equal(self.ids[index], unit_ids):
            raise ValueError("A result belongs to a unit outside the cycle.")
        return index


def _units(root_path: str) -> Units:
    rows = fetch_all(Unit.objects.filter(path__startswith=root_path).order_by("id")
                     .values_list("id", "path", "level", "depth"))
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    position = {uid: i for i, uid in enumerate(ids.tolist())}
    root_depth = min((r[3] for r in rows), default=0)
    depth = max((r[3] for r in rows), default=0) - root_depth + 1
    ancestors = np.full((ids.shape[0], depth), -1, dtype=np.int64)
    for i, (_uid, path, _level, _d) in enumerate(rows):
        chain = [position[int(p)] for p in path.strip("/").split("/") if int(p) in position]
        ancestors[i, : len(chain)] = chain
    return Units(ids, [r[1] for r in rows], [r[2] for r in rows], np.array([r[3] for r in rows]), ancestors)


def _results(run: ScoringRun, written: Sequence[Mapping[str, Any]] | None) -> dict[str, np.ndarray]:
    """The run's result columns: as the run just wrote them (`written`, one mapping a category), or read back."""
    if written is not None:
        n = [int(part["person_id"].shape[0]) for part in written]
        columns = [[np.broadcast_to(np.asarray(part[name]), (k,)) for part, k in zip(written, n, strict=True)]
                   for name in RESULT_COLUMNS]
    else:
        rows = fetch_all(RunResult.objects.filter(run=run).order_by().values_list(*RESULT_COLUMNS))
        columns = [[np.array(values)] for values in zip(*rows, strict=True)] if rows else [[] for _ in RESULT_COLUMNS]
    columns = [parts or [np.zeros(0)] for parts in columns]
    data: dict[str, np.ndarray] = {}
    for name, parts in zip(RESULT_COLUMNS, columns, strict=True):
        dtype = object if name == "category" else np.float64 if name == "composite" or name.startswith("dim_") \
            else np.int64
        data[name] = np.concatenate([p.astype(dtype) for p in parts])
    return data


def _result_tally(data: dict[str, np.ndarray], keys: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """The additive statistics of the result rows per key (counts and sums): a subtree's are the sum of
    its units' (`_up`), so only the percentiles need the rows of a subtree."""
    grade, non_grade, composite = data["grade"], data["non_grade"], data["composite"]
    first_pool = data["first_pool"]
    gates, consequences = data["gates"], data["consequences"]
    return {
        "people": grouping.counts(keys, n),
        **{f"grade_{g}": grouping.counts(keys, n, (grade == g) & (non_grade == 0)) for g in range(1, 5)},
        "no_grade": grouping.counts(keys, n, (grade == 0) & (non_grade == 0)),
        "non_grade": grouping.counts(keys, n, non_grade > 0),
        "quota": grouping.sums(keys, n, data["pool_quota"] * first_pool),
        "participants": grouping.sums(keys, n, data["pool_participants"] * first_pool),
        "composite": _sum_and_number(keys, n, composite),
        "histogram": grouping.histogram(keys, n, composite, HISTOGRAM_BIN, BINS),
        "dimensions": np.stack([_sum_and_number(keys, n, data[c]) for c in DIM_COLUMNS], axis=1),
        "gates": np.column_stack([grouping.counts(keys, n, (gates >> int(g) & 1) > 0) for g in Gate]),
        "consequences": np.column_stack([grouping.counts(keys, n, (consequences >> i & 1) > 0)
                                         for i in range(len(CONSEQUENCES))]),
    }


def _sum_and_number(keys: np.ndarray, n: int, values: np.ndarray) -> np.ndarray:
    """Sum and number of the non-NaN values per key, shape (n, 2): a mean that adds up."""
    return np.column_stack([grouping.sums(keys, n, values), grouping.counts(keys, n, ~np.isnan(values))])


def _mean(sum_and_number: np.ndarray) -> np.ndarray:
    total, number = sum_and_number[..., 0], sum_and_number[..., 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(number > 0, total / np.maximum(number, 1), np.nan)


def _up(tally: Mapping[str, Any], units: "Units") -> dict[str, Any]:
    """Each unit's figures added to every unit on its path, itself included: the subtree's figures."""
    return {name: _up(value, units) if isinstance(value, Mapping) else grouping.to_ancestors(value, units.ancestors)
            for name, value in tally.items()}


def _result_stats(tally: dict[str, np.ndarray], percentiles: np.ndarray) -> dict[str, Any]:
    """The statistics of `_result_tally` as the roll-up rows show them."""
    stats: dict[str, Any] = dict(tally, percentiles=percentiles)
    stats["quota"] = np.rint(tally["quota"]).astype(np.int64)
    stats["participants"] = np.rint(tally["participants"]).astype(np.int64)
    stats["composite_mean"] = _mean(tally["composite"])
    stats["dimensions"] = _mean(tally["dimensions"])
    return stats


@dataclass(frozen=True)
class Inputs:
    """The run's engine inputs that roll-ups use, joined over the categories (one row a person)."""

    group_ids: np.ndarray
    history: np.ndarray
    satisfaction: np.ndarray
    complaints: np.ndarray
    values: dict[str, np.ndarray]


def _inputs(run: ScoringRun, cohorts: Mapping[str, Cohort]) -> Inputs:
    """History, satisfaction, hotline complaints and raw indicator values from the run's engine inputs."""
    parts = []
    codes: list[str] = []
    for category, cohort in sorted(cohorts.items()):
        meta = run.cycle.schemes[category]["indicators"]
        parts.append((cohort, meta))
        codes += [m["code"] for m in meta if m["code"] not in codes]
    if not parts:
        empty = np.zeros(0)
        return Inputs(np.zeros(0, dtype=np.int64), np.zeros((0, HISTORY_YEARS), dtype=np.int64), empty, empty, {})
    values = {code: np.concatenate([_column(c, meta, code) for c, meta in parts]) for code in codes}
    complaints = np.concatenate([
        np.nansum(np.column_stack([c.values[:, i] for i, m in enumerate(meta) if _is_complaint(m)]
                                  or [np.zeros(c.person_ids.shape[0])]), axis=1) for c, meta in parts])
    return Inputs(
        group_ids=np.concatenate([c.group_ids for c, _ in parts]),
        history=np.concatenate([c.history.astype(np.int64) for c, _ in parts]),
        satisfaction=np.concatenate([c.satisfaction for c, _ in parts]),
        complaints=complaints, values=values,
    )


def _is_complaint(meta: dict[str, Any]) -> bool:
    """Hotline counts where fewer is better (e.g. LI03 substantiated complaints)."""
    return bool(meta["source"] == "hotline" and meta["direction"] == "lower")


def _column(cohort: Any, meta: list[dict[str, Any]], code: str) -> np.ndarray:
    for i, m in enumerate(meta):
        if m["code"] == code:
            column: np.ndarray = cohort.values[:, i].astype(np.float64)
            return column
    return np.full(cohort.person_ids.shape[0], np.nan)


def _input_tally(inputs: Inputs, keys: np.ndarray, n: int, year: int) -> dict[str, Any]:
    """The additive statistics of the engine inputs per key (see `_result_tally`)."""
    return {
        "satisfaction": _sum_and_number(keys, n, inputs.satisfaction),
        "complaints": grouping.sums(keys, n, inputs.complaints),
        "history": {year - 1 - h: np.column_stack([grouping.counts(keys, n, inputs.history[:, h] == g)
                                                   for g in range(5)])
                    for h in range(min(HISTORY_YEARS, inputs.history.shape[1]))},
        "indicators": {code: _sum_and_number(keys, n, column) for code, column in inputs.values.items()},
    }


def _input_stats(tally: dict[str, Any]) -> dict[str, Any]:
    return dict(tally, satisfaction=_mean(tally["satisfaction"]),
                indicators={code: _mean(figures) for code, figures in tally["indicators"].items()})


def _numbers(values: np.ndarray) -> list[Any]:
    """A column's values (or each row's of a matrix) as the rows store them: rounded to 2 places, NaN as
    None; converted to Python numbers at once, not one numpy scalar at a time."""
    rows = values.astype(np.float64).tolist()
    return [_rounded(row) for row in rows] if values.ndim > 1 else _rounded(rows)


def _rounded(values: list[float]) -> list[Any]:
    return [None if v != v else round(v, 2) for v in values]  # NaN ≠ NaN


def _unit_rows(run: ScoringRun, units: Units, tree: bool, stats: dict[str, Any], extra: dict[str, Any],
               categories: dict[int, str]) -> list[list[Any]]:
    kept = np.flatnonzero(stats["people"] > 0)
    indicators = {code: _numbers(means[kept]) for code, means in extra["indicators"].items()}
    history = {str(year): counts[kept].tolist() for year, counts in extra["history"].items()}
    columns = zip(
        kept.tolist(), _common(stats, kept), _numbers(extra["satisfaction"][kept]),
        _numbers(extra["complaints"][kept]), stats["histogram"][kept].tolist(),
        _numbers(stats["dimensions"][kept]), stats["gates"][kept].tolist(), stats["consequences"][kept].tolist(),
        strict=True)
    return [[run.pk, int(units.ids[i]), tree, units.paths[i], int(units.depths[i]), units.levels[i],
             "" if tree else categories.get(i, ""), *common, satisfaction, complaints, histogram, dimensions, gates,
             dict(zip(CONSEQUENCES, consequences, strict=True)),
             {year: counts[j] for year, counts in history.items()},
             {code: means[j] for code, means in indicators.items() if means[j] is not None}]
            for j, (i, common, satisfaction, complaints, histogram, dimensions, gates, consequences)
            in enumerate(columns)]


def _common(stats: dict[str, Any], kept: np.ndarray) -> list[list[Any]]:
    """The figures every roll-up row has, for the `kept` keys."""
    counts = np.column_stack([stats[name][kept] for name in COMMON_FIELDS[:9]]).astype(np.int64).tolist()
    means = _numbers(np.column_stack([stats["composite_mean"][kept], stats["percentiles"][kept]]))
    return [c + m for c, m in zip(counts, means, strict=True)]


COMMON_FIELDS = ("people", "grade_1", "grade_2", "grade_3", "grade_4", "no_grade", "non_grade", "quota",
                 "participants", "composite_mean", "composite_p10", "composite_p25", "composite_p50",
                 "composite_p75", "composite_p90")
UNIT_FIELDS = ("run_id", "unit_id", "tree", "path", "depth", "level", "category", *COMMON_FIELDS, "satisfaction",
               "complaints", "histogram", "dimensions", "gates", "consequences", "history", "indicators")
SEGMENT_FIELDS = ("run_id", "category", "level", *COMMON_FIELDS, "histogram", "dimensions")


def _segments(run: ScoringRun, units: Units, categories: dict[int, str], results: dict[str, np.ndarray],
              own: np.ndarray, composite: np.ndarray) -> list[list[Any]]:
    """The whole run by scheme category × unit level: the units' figures added up by their segment."""
    pairs = np.array([f"{categories.get(i, '')}\x00{level}" for i, level in enumerate(units.levels)], dtype=str)
    names, of_unit = np.unique(pairs, return_inverse=True) if pairs.shape[0] else (pairs, np.zeros(0, np.int64))
    m = names.shape[0]
    tally = {name: grouping.add_by_key(value, of_unit, m) for name, value in results.items()}
    stats = _result_stats(tally, grouping.percentiles(of_unit[own], m, composite))
    kept = np.flatnonzero(stats["people"] > 0)
    rows = []
    for i, common in zip(kept.tolist(), _common(stats, kept), strict=True):
        category, level = str(names[i]).split("\x00")
        rows.append([run.pk, category, level, *common, stats["histogram"][i].tolist(),
                     _numbers(stats["dimensions"][i])])
    return rows


Written = Sequence[tuple[Mapping[str, Any], Cohort]]


@dataclass(frozen=True)
class Rollups:
    """A run's roll-up rows, computed and not yet saved."""

    run: ScoringRun
    units: list[list[Any]]
    segments: list[list[Any]]


def rollups_refresh(run: ScoringRun) -> int:
    """Recompute the run's roll-ups from its saved results and snapshots (replacing earlier ones);
    returns the number of unit roll-ups."""
    run, units = rollups_prepare(run)
    return rollups_save(rollups_compute(run, units, None))


def rollups_prepare(run: ScoringRun) -> tuple[ScoringRun, Units]:
    """The reads a computation needs besides the results: the run with its cycle, and the cycle's units."""
    run = ScoringRun.objects.select_related("cycle__root").get(pk=run.pk)
    return run, _units(run.cycle.root.path)


def rollups_compute(run: ScoringRun, units: Units, written: Written | None) -> Rollups:
    """The roll-up rows. `written` is what a run has just written, per category: its result columns
    and engine inputs; given, the computation runs no SQL (a run computes while its results are
    copied in). `None` reads the results and the snapshots back."""
    data = _results(run, None if written is None else [columns for columns, _ in written])
    own = units.index_of(data["group_id"])
    data["first_pool"] = grouping.first_of_pairs(data["group_id"], data["pool"]).astype(np.int64)
    n = units.ids.shape[0]
    _, first = np.unique(own, return_index=True)  # a unit's people share its category
    categories = dict(zip(own[first].tolist(), data["category"][first].tolist(), strict=True))
    categories_in_use = sorted(set(categories.values()) & set(run.cycle.schemes))
    cohorts = {category: load_cohort(run.pk, category) for category in categories_in_use} if written is None \
        else {str(columns["category"]): cohort for columns, cohort in written}
    inputs = _inputs(run, {category: cohorts[category] for category in categories_in_use})
    input_own = units.index_of(inputs.group_ids)
    year = run.cycle.year
    results, extra = _result_tally(data, own, n), _input_tally(inputs, input_own, n, year)
    composite = data["composite"]
    rows = _unit_rows(run, units, False, _result_stats(results, grouping.percentiles(own, n, composite)),
                      _input_stats(extra), categories)
    tree_percentiles = grouping.subtree_percentiles(own, units.ancestors, composite)
    rows += _unit_rows(run, units, True, _result_stats(_up(results, units), tree_percentiles),
                       _input_stats(_up(extra, units)), categories)
    segments = _segments(run, units, categories, results, own, composite)
    return Rollups(run, rows, segments)


def rollups_save(rollups: Rollups) -> int:
    """Replace the run's roll-ups with `rollups`; returns the number of unit roll-ups."""
    json_unit = tuple(UNIT_FIELDS.index(f) for f in ("histogram", "dimensions", "gates", "consequences", "history",
                                                     "indicators"))
    json_segment = (SEGMENT_FIELDS.index("histogram"), SEGMENT_FIELDS.index("dimensions"))
    with transaction.atomic():
        UnitRollup.objects.filter(run=rollups.run).delete()
        SegmentRollup.objects.filter(run=rollups.run).delete()
        count = bulk_insert(UnitRollup, UNIT_FIELDS, rollups.units, json_columns=json_unit)
        bulk_insert(SegmentRollup, SEGMENT_FIELDS, rollups.segments, json_columns=json_segment)
    return count
