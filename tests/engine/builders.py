"""Small builders for engine tests: indicators, schemes and cohorts with sensible defaults."""

import dataclasses
import datetime as dt
from decimal import Decimal as D

import numpy as np

from kaohe.engine.cohort import NO_WAIVERS, Cohort, Waivers
from kaohe.engine.rules import CappedBonus, Ratio, Rubric, Veto
from kaohe.engine.scheme import IndicatorSpec, plan_defaults, statutory_defaults

AS_OF = dt.date(2026, 1, 15)


def indicator(code, dimension, weight, rule=None, **changes):
    rule = rule or Ratio(D(100))
    kind = "veto" if isinstance(rule, Veto) else "qualitative" if isinstance(rule, Rubric) else "quantitative"
    if isinstance(rule, Veto | CappedBonus):
        weight = 0
    fields = {
        "code": code,
        "name_zh": f"指标{code}",
        "name_en": f"Indicator {code}",
        "dimension": dimension,
        "kind": kind,
        "source": "feed",
        "weight": D(weight),
        "rule": rule,
        "direction": getattr(rule, "direction", "higher") if rule.direction in ("higher", "lower") else "higher",
    }
    return IndicatorSpec(**{**fields, **changes})


def one_per_dimension(rule=None):
    """Five indicators, one per dimension, each 100% of its dimension."""
    return tuple(indicator(dim.upper(), dim, 100, rule) for dim in ("de", "neng", "qin", "ji", "lian"))


def scheme(profile="statutory", indicators=None, **changes):
    base = plan_defaults() if profile == "plan" else statutory_defaults()
    return dataclasses.replace(base, profile=profile, indicators=indicators or one_per_dimension(), **changes)


def cohort(scheme, n, **columns):
    """A cohort of n people in one group and pool; every column can be overridden."""
    k, r = len(scheme.indicators), len(scheme.rater_weights)
    base = {
        "person_ids": np.arange(1, n + 1, dtype=np.int64),
        "group_ids": np.ones(n, dtype=np.int64),
        "pool_ids": np.zeros(n, dtype=np.int64),
        "values": np.full((n, k), 100.0),
        "quarter_grades": np.full((n, 4), 1, dtype=np.int8),
        "special_scores": np.full(n, np.nan),
        "rater_sum": np.zeros((n, r)),
        "rater_count": np.zeros((n, r)),
        "rater_min": np.zeros((n, r)),
        "rater_max": np.zeros((n, r)),
        "satisfaction": np.full(n, np.nan),
        "veto": np.zeros(n, dtype=bool),
        "warning_this_year": np.zeros(n, dtype=bool),
        "unit_head_gate": np.zeros(n, dtype=bool),
        "party_secretary_gate": np.zeros(n, dtype=bool),
        "accountability_this_year": np.zeros(n, dtype=bool),
        "demerit_or_heavier_active": np.zeros(n, dtype=bool),
        "under_investigation": np.zeros(n, dtype=bool),
        "on_probation": np.zeros(n, dtype=bool),
        "leave_days": np.zeros(n, dtype=np.int64),
        "working_days": 250,
        "protected": np.zeros(n, dtype=bool),
        "history": np.zeros((n, 5), dtype=np.int8),
        "step_credit_years": np.zeros(n, dtype=np.int64),
        "level_credit_years": np.zeros(n, dtype=np.int64),
        "sanction_months": np.zeros(n, dtype=np.int64),
        "difficulty": np.ones(n),
        "quota_raises": {},
        "group_quota_ratios": {},
        "waivers": NO_WAIVERS,
        "as_of": AS_OF,
    }
    for name, value in columns.items():
        if name not in base:
            raise KeyError(name)
        keep = isinstance(value, dict | int | dt.date | Waivers)
        base[name] = value if keep else np.asarray(value, dtype=base[name].dtype)
    return Cohort(**base)


def scores_column(values):
    """A one-indicator-per-dimension values matrix with the same value in every dimension."""
    return np.repeat(np.asarray(values, dtype=np.float64)[:, None], 5, axis=1)
