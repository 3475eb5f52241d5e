"""Inputs of the statistics pages, read within a scope-checked subtree, handed to the pure `stats` modules.

Per-unit figures come from the roll-ups; rater figures (quarterly grades by supervisors, 360° peer
aggregates) come from the run's own input snapshot, i.e. exactly what was scored. Only 360° aggregates
of at least the anonymity minimum are used: no ballot and no voter is ever visible here.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.accounts.models import User
from kaohe.accounts.scope import scope_for
from kaohe.analytics.models import UnitRollup
from kaohe.analytics.selectors import (
    Member,
    Subtree,
    group_names,
    groups,
    names_visible,
    subtree_departments,
    subtree_members,
)
from kaohe.analytics.stats.correlation import Correlation, pearson, spearman
from kaohe.analytics.stats.dea import ccr_input
from kaohe.analytics.stats.kmeans import kmeans
from kaohe.analytics.stats.leniency import Leniency, RaterMean, leniency
from kaohe.analytics.stats.mutual import MutualReport, PairAggregate, mutual_high_scoring
from kaohe.appraisal import selectors as appraisal_selectors
from kaohe.appraisal.scoring import engine_scheme_from_snapshot, load_cohort
from kaohe.core.masking import mask_name
from kaohe.engine.codes import DIMENSIONS, QUARTER_LEVELS, RATER_ROLES, Gate

PEER = RATER_ROLES.index("peer")
GATE_MASK = (1 << len(Gate)) - 1


def gate_people(user: User, tree: Subtree, limit: int = 20) -> list[dict[str, Any]]:
    """People of the unit's own group failing a gate to 优秀 (for the warning board), names masked
    unless the viewer's role shows names."""
    show = names_visible(scope_for(user))
    rows = (appraisal_selectors.results_visible(user, tree.run).filter(group_id=tree.unit.pk)
            .alias(failed=F("gates").bitand(GATE_MASK)).filter(failed__gt=0)
            .select_related("person").order_by("person_id")[:limit])
    return [{"person_id": r.person_id, "name": r.person.name if show else mask_name(r.person.name),
             "gates": r.gates & GATE_MASK, "grade": r.grade} for r in rows]


@dataclass(frozen=True)
class Snapshot:
    """The run's engine inputs for the subtree's people, by person id."""

    person_ids: np.ndarray
    quarter_grades: np.ndarray
    rater_sum: np.ndarray
    rater_count: np.ndarray
    rubric: dict[int, float]

    def rows(self, ids: Sequence[int]) -> np.ndarray:
        where = np.searchsorted(self.person_ids, np.asarray(ids, dtype=np.int64))
        where = np.minimum(where, max(self.person_ids.shape[0] - 1, 0))
        found = self.person_ids[where] == np.asarray(ids, dtype=np.int64) if self.person_ids.size else where < 0
        return np.where(found, where, -1)


def _snapshot(tree: Subtree) -> Snapshot:
    cohorts = [load_cohort(tree.run.pk, c) for c in sorted(tree.run.cycle.schemes)
               if _has_snapshot(tree, c)]
    if not cohorts:
        empty = np.zeros((0, len(RATER_ROLES)))
        return Snapshot(np.zeros(0, dtype=np.int64), np.zeros((0, 4)), empty, empty, {})
    ids = np.concatenate([c.person_ids for c in cohorts])
    order = np.argsort(ids, kind="stable")
    scheme = engine_scheme_from_snapshot(next(iter(tree.run.cycle.schemes.values())))
    rubric = {i + 1: float(scheme.quarter_rubric[level]) for i, level in enumerate(QUARTER_LEVELS)}
    return Snapshot(ids[order], np.concatenate([c.quarter_grades for c in cohorts])[order],
                    np.concatenate([c.rater_sum for c in cohorts])[order],
                    np.concatenate([c.rater_count for c in cohorts])[order], rubric)


def _has_snapshot(tree: Subtree, category: str) -> bool:
    from django.core.files.storage import default_storage

    from kaohe.appraisal.scoring import snapshot_path

    return bool(default_storage.exists(snapshot_path(tree.run.pk, category)))


@dataclass(frozen=True)
class LeniencyResult:
    supervisors: list[Leniency]
    peer_groups: list[Leniency]
    unit_names: dict[int, str]


def leniency_of(tree: Subtree, minimum: int = 5) -> LeniencyResult:
    """Supervisors (heads of departments, by the quarterly grades they gave their department) and
    department peer groups (360° peer aggregates of at least `minimum` ballots), standardised per unit."""
    members, snap, departments = subtree_members(tree), _snapshot(tree), subtree_departments(tree)
    rows = snap.rows([m.person_id for m in members])
    by_department: dict[int, list[tuple[Member, int]]] = defaultdict(list)
    for member, row in zip(members, rows.tolist(), strict=True):
        if member.department_id is not None and row >= 0:
            by_department[member.department_id].append((member, row))
    supervisors, peers = [], []
    points = np.array([np.nan, *(snap.rubric.get(g, np.nan) for g in range(1, 5))])
    for department, people in sorted(by_department.items()):
        head = min((m for m, _ in people if m.leading), key=lambda m: m.person_id, default=None)
        label = departments.get(department, str(department))
        unit = people[0][0].unit_id
        if head is not None:
            given = snap.quarter_grades[[r for m, r in people if m.person_id != head.person_id]].astype(np.int64)
            scores = points[np.clip(given, 0, 4)].ravel()
            scores = scores[~np.isnan(scores)]
            if scores.size:
                supervisors.append(RaterMean(f"{label} · {head.name}", unit, float(scores.mean()), int(scores.size)))
        count = snap.rater_count[[r for _, r in people], PEER]
        total = snap.rater_sum[[r for _, r in people], PEER]
        shown = count >= minimum
        if shown.any():
            peers.append(RaterMean(label, unit, float(total[shown].sum() / count[shown].sum()),
                                   int(count[shown].sum())))
    return LeniencyResult(leniency(supervisors), leniency(peers), group_names(tree))


def _roster_pairs(tree: Subtree, members: dict[int, Member]) -> dict[tuple[int, str], int]:
    """{(ratee, role): voters' department} where every voter of that cell sits in one department
    (from the ballot rounds' rosters, if the ballots app has them); empty otherwise."""
    try:
        from kaohe.ballots.models import RaterAssignment
    except ImportError:  # pragma: no cover
        return {}
    rows = RaterAssignment.objects.filter(round__year=tree.run.cycle.year, ratee__unit__path__startswith=tree.unit.path
                                          ).values_list("ratee_id", "role", "voter__department_id")
    voters: dict[tuple[int, str], set[int | None]] = defaultdict(set)
    for ratee, role, department in rows:
        voters[(ratee, role)].add(department)
    single = {key: next(iter(deps)) for key, deps in voters.items() if len(deps) == 1 and key[0] in members}
    return {key: dep for key, dep in single.items() if dep is not None}


def mutual_of(tree: Subtree, *, threshold: float, minimum: int) -> MutualReport:
    """Pairs of departments rating each other: peers rate their own department (rater = ratee group);
    cells whose roster voters all sit in another department count as that department rating this one."""
    members = {m.person_id: m for m in subtree_members(tree)}
    snap, departments = _snapshot(tree), subtree_departments(tree)
    totals: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0])
    ids = sorted(members)
    rows = snap.rows(ids)
    attributed = _roster_pairs(tree, members)
    for pid, row in zip(ids, rows.tolist(), strict=True):
        ratee_dep = members[pid].department_id
        if row < 0 or ratee_dep is None:
            continue
        for r, role in enumerate(RATER_ROLES):
            count = float(snap.rater_count[row, r])
            rater_dep = attributed.get((pid, role), ratee_dep if r == PEER else None)
            if rater_dep is None or count < minimum:
                continue
            key = (departments.get(rater_dep, str(rater_dep)), departments.get(ratee_dep, str(ratee_dep)))
            totals[key][0] += count
            totals[key][1] += float(snap.rater_sum[row, r])
    pairs = [PairAggregate(a, b, int(n), total) for (a, b), (n, total) in sorted(totals.items())]
    return mutual_high_scoring(pairs, threshold=threshold, minimum=minimum)


@dataclass(frozen=True)
class Pair:
    x_label: str
    y_label: str
    pearson: Correlation
    spearman: Correlation


@dataclass(frozen=True)
class CorrelationResult:
    units: list[dict[str, Any]]
    pairs: list[Pair]
    chart: dict[str, Any]


def _complaints_rate(row: UnitRollup) -> float:
    return 100 * row.complaints / row.people if row.people and row.complaints is not None else float("nan")


def correlations_of(tree: Subtree) -> CorrelationResult:
    """Internal composite against public satisfaction and hotline complaints, one point per unit."""
    rows = list(groups(tree))
    table = [{"unit": r.unit.name, "composite": r.composite_mean, "satisfaction": r.satisfaction,
              "complaints": round(_complaints_rate(r), 2) if r.people and r.complaints is not None else None}
             for r in rows]

    def column(name: str) -> np.ndarray:
        return np.array([np.nan if t[name] is None else t[name] for t in table], dtype=np.float64)

    measures = {"composite": _("Mean composite"), "satisfaction": _("Public satisfaction"),
                "complaints": _("Hotline complaints per 100 staff")}
    pairs = [Pair(str(measures[a]), str(measures[b]), pearson(column(a), column(b)), spearman(column(a), column(b)))
             for a, b in (("composite", "satisfaction"), ("composite", "complaints"), ("satisfaction", "complaints"))]
    chart = {"kind": "scatter", "title": _("Internal score against public satisfaction"), "unit": _("points"),
             "x_unit": _("points"), "x_label": str(measures["composite"]), "y_label": str(measures["satisfaction"]),
             "labels": [t["unit"] for t in table],
             "series": [{"name": _("Units"), "points": [[t["composite"], t["satisfaction"], t["unit"]] for t in table
                                                         if t["composite"] is not None
                                                         and t["satisfaction"] is not None]}]}
    return CorrelationResult(table, pairs, chart)


@dataclass(frozen=True)
class ClusterResult:
    features: list[str]
    units: list[dict[str, Any]]
    centres: list[list[float]]
    left_out: list[str]
    k: int


def clusters_of(tree: Subtree, *, k: int, features: str) -> ClusterResult:
    """k-means of the subtree's units by their five dimension means or by indicator means."""
    rows = list(groups(tree))
    if features == "indicators":
        common = sorted(set.intersection(*(set(r.indicators) for r in rows))) if rows else []
        names, values = common, [[r.indicators.get(c) for c in common] for r in rows]
    else:
        names = [str(_dimension(d)) for d in DIMENSIONS]
        values = [list(r.dimensions) for r in rows]
    complete = [i for i, v in enumerate(values) if v and None not in v]
    left_out = [rows[i].unit.name for i in range(len(rows)) if i not in set(complete)]
    if not complete or not names:
        return ClusterResult(names, [], [], left_out, 0)
    k = max(1, min(k, len(complete)))
    found = kmeans(np.array([values[i] for i in complete], dtype=np.float64), k, seed=1)
    units = [{"unit": rows[i].unit.name, "cluster": int(found.labels[j]) + 1, "values": values[i]}
             for j, i in enumerate(complete)]
    return ClusterResult(names, units, [[round(float(v), 2) for v in c] for c in found.centres], left_out, k)


def _dimension(code: str) -> Any:
    from kaohe.appraisal.messages import DIMENSION_WORDS

    return DIMENSION_WORDS[code]


MEASURES: dict[str, tuple[Any, Callable[[UnitRollup], float | None]]] = {
    "people": (gettext_lazy("Staff (people)"), lambda r: float(r.people)),
    "competent_or_better": (gettext_lazy("People graded 称职 or better"), lambda r: float(r.grade_1 + r.grade_2)),
    "excellent": (gettext_lazy("People graded 优秀"), lambda r: float(r.grade_1)),
    "composite_points": (gettext_lazy("Composite points in total"),
                         lambda r: None if r.composite_mean is None else r.composite_mean * r.people),
    "satisfaction": (gettext_lazy("Public satisfaction (points)"), lambda r: r.satisfaction),
    "complaints": (gettext_lazy("Hotline complaints"), lambda r: r.complaints),
}
DEA_DEFAULT_INPUTS = ("people",)
DEA_DEFAULT_OUTPUTS = ("competent_or_better", "composite_points")


def measure_names() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, (label, _f) in MEASURES.items()]


@dataclass(frozen=True)
class DeaOutcome:
    inputs: list[str]
    outputs: list[str]
    units: list[dict[str, Any]]
    left_out: list[str]
    chart: dict[str, Any]


def _positive(x: Sequence[float | None], y: Sequence[float | None]) -> bool:
    """Inputs all positive, outputs all present and not negative, one of them positive."""
    xs, ys = [v for v in x if v is not None], [v for v in y if v is not None]
    return len(xs) == len(x) and len(ys) == len(y) and min(xs) > 0 and min(ys) >= 0 and max(ys) > 0


def dea_of(tree: Subtree, chosen_inputs: Sequence[str], chosen_outputs: Sequence[str]) -> DeaOutcome:
    """CCR input-oriented efficiency of the subtree's units for the chosen measures."""
    ins = [m for m in chosen_inputs if m in MEASURES] or list(DEA_DEFAULT_INPUTS)
    outs = [m for m in chosen_outputs if m in MEASURES and m not in ins] or list(DEA_DEFAULT_OUTPUTS)
    rows = list(groups(tree))
    table = [([MEASURES[m][1](r) for m in ins], [MEASURES[m][1](r) for m in outs]) for r in rows]
    usable = [i for i, (x, y) in enumerate(table) if _positive(x, y)]
    left_out = [rows[i].unit.name for i in range(len(rows)) if i not in set(usable)]
    units: list[dict[str, Any]] = []
    if usable:
        result = ccr_input(np.array([table[i][0] for i in usable], dtype=np.float64),
                           np.array([table[i][1] for i in usable], dtype=np.float64))
        names = [rows[i].unit.name for i in usable]
        for j, i in enumerate(usable):
            units.append({"unit": names[j], "efficiency": round(float(result.efficiency[j]), 4),
                          "inputs": table[i][0], "outputs": table[i][1],
                          "peers": [names[p] for p in result.peers[j] if p != j]})
    units.sort(key=lambda u: -u["efficiency"])
    chart = {"kind": "bars", "title": _("DEA efficiency (CCR, input-oriented)"), "unit": _("efficiency (0–1)"),
             "labels": [u["unit"] for u in units], "series": [{"name": _("Efficiency"),
                                                              "values": [u["efficiency"] for u in units]}]}
    return DeaOutcome([str(MEASURES[m][0]) for m in ins], [str(MEASURES[m][0]) for m in outs], units, left_out, chart)
