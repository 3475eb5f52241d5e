"""Turn the fast engine's arrays and the reference's outcomes into comparable per-person rows."""

import math
from dataclasses import fields

from kaohe.engine.consequences import Consequences

SCORE_FIELDS = (
    "rater_score",
    "annual_base",
    "bonus_points",
    "annual",
    "regular",
    "special",
    "composite",
    "bonus_factor",
)
EXACT_FIELDS = (
    "veto",
    "annual_reweighted",
    "composite_reweighted",
    "good_quarters",
    "non_grade",
    "participant",
    "candidate",
    "rank",
    "pool_participants",
    "pool_candidates",
    "pool_quota",
    "tie_break",
    "tie_break_previous",
    "grade",
    "weakest_dimension",
)


def _number(value):
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def fast_rows(result):
    s, g = result.scores, result.grading
    columns = {
        "rater_score": s.rater_score,
        "annual_base": s.annual_base,
        "bonus_points": s.bonus_points,
        "annual": s.annual,
        "regular": s.regular,
        "special": s.special,
        "composite": s.composite,
        "bonus_factor": result.bonus_factor,
        "veto": s.veto_triggered,
        "annual_reweighted": s.annual_reweighted,
        "composite_reweighted": s.composite_reweighted,
        "good_quarters": s.good_quarters,
        "weakest_dimension": result.weakest_dimension,
        **{name: getattr(g, name) for name in EXACT_FIELDS if hasattr(g, name)},
    }
    rows = []
    for i in range(result.person_ids.shape[0]):
        row = {"person_id": int(result.person_ids[i])}
        for name in SCORE_FIELDS:
            row[name] = _number(columns[name][i])
        for name in EXACT_FIELDS:
            row[name] = int(columns[name][i])
        row["indicator_scores"] = tuple(_number(v) for v in s.indicator_scores[i])
        row["dimension_scores"] = tuple(_number(v) for v in s.dimension_scores[i])
        row["dimension_reweighted"] = tuple(bool(v) for v in s.dimension_reweighted[i])
        row["gate_applied"] = tuple(bool(v) for v in g.gate_applied[i])
        row["gate_failed"] = tuple(bool(v) for v in g.gate_failed[i])
        row["consequences"] = tuple(
            (f.name, int(getattr(result.consequences, f.name)[i])) for f in fields(Consequences)
        )
        rows.append(row)
    return rows


def reference_rows(outcomes):
    rows = []
    for o in outcomes:
        row = {"person_id": o.person_id}
        for name in SCORE_FIELDS:
            row[name] = _number(getattr(o, name))
        for name in EXACT_FIELDS:
            row[name] = int(getattr(o, name))
        row["indicator_scores"] = tuple(_number(v) for v in o.indicator_scores)
        row["dimension_scores"] = tuple(_number(v) for v in o.dimension_scores)
        row["dimension_reweighted"] = tuple(o.dimension_reweighted)
        row["gate_applied"] = tuple(o.gate_applied)
        row["gate_failed"] = tuple(o.gate_failed)
        row["consequences"] = tuple((name, int(value)) for name, value in o.consequences)
        rows.append(row)
    return rows


def close(a, b, tolerance=0.01):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tolerance + 1e-9


def differences(fast, reference, tolerance=0.01):
    """Human-readable differences between two row lists (empty when they agree)."""
    found = []
    for f, r in zip(fast, reference, strict=True):
        for name, value in f.items():
            other = r[name]
            if name in SCORE_FIELDS:
                same = close(value, other, tolerance)
            elif name in ("indicator_scores", "dimension_scores"):
                same = all(close(a, b, tolerance) for a, b in zip(value, other, strict=True))
            else:
                same = value == other
            if not same:
                found.append(f"person {f['person_id']} {name}: fast {value!r} reference {other!r}")
    return found
