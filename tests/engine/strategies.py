"""Hypothesis strategies: random valid schemes (both profiles) and random cohorts with ties and gaps."""

import dataclasses
import datetime as dt
from decimal import Decimal as D

import numpy as np
from hypothesis import strategies as st

from kaohe.engine.codes import DIMENSIONS, QUARTER_LEVELS, RATER_ROLES
from kaohe.engine.cohort import Cohort, Waivers
from kaohe.engine.rules import Band, Bands, CappedBonus, DeductBelow, LowerBetter, Ratio, Rubric, Veto
from kaohe.engine.scheme import (
    Bonus,
    Composition,
    Gates,
    IndicatorSpec,
    Quota,
    Thresholds,
    plan_defaults,
    statutory_defaults,
)

NAN = float("nan")


def cents(low, high):
    """Decimals with 2 places in [low, high]."""
    return st.integers(round(float(low) * 100), round(float(high) * 100)).map(lambda c: D(c) / 100)


@st.composite
def partition(draw, parts, total=10000, allow_zero=True):
    """`parts` Decimals with 2 places summing to total/100."""
    low = 0 if allow_zero else 1
    cuts = sorted(draw(st.lists(st.integers(low * parts, total - low * parts), min_size=parts - 1, max_size=parts - 1)))
    bounds = [0, *cuts, total]
    shares = [bounds[i + 1] - bounds[i] for i in range(parts)]
    if not allow_zero and min(shares) == 0:
        shares = [total // parts] * (parts - 1) + [total - (total // parts) * (parts - 1)]
    return [D(s) / 100 for s in shares]


@st.composite
def bands(draw):
    minimum = draw(cents(0, 50))
    count = draw(st.integers(1, 4))
    widths = draw(st.lists(cents(0.5, 40), min_size=count, max_size=count))
    edges = [minimum]
    for width in widths:
        edges.append(edges[-1] + width)
    scored = [Band(edges[i], edges[i + 1], draw(cents(0, 100))) for i in range(count)]
    return Bands(minimum, edges[-1], tuple(draw(st.permutations(scored))))


def numeric_rules():
    return st.one_of(
        cents(0.5, 200).map(Ratio),
        st.builds(DeductBelow, cents(1, 150), cents(0, 10)),
        cents(0, 10).map(LowerBetter),
        bands(),
    )


@st.composite
def counted_rule(draw):
    if draw(st.integers(0, 4)) == 0:
        levels = draw(st.integers(1, 4))
        return Rubric(tuple(f"L{i}" for i in range(levels)), tuple(draw(cents(0, 100)) for _ in range(levels)))
    return draw(numeric_rules())


def spec(code, dimension, weight, rule, source="feed"):
    kind = "veto" if isinstance(rule, Veto) else "qualitative" if isinstance(rule, Rubric) else "quantitative"
    direction = "lower" if isinstance(rule, LowerBetter) else "higher"
    return IndicatorSpec(
        code=code,
        name_zh=code,
        name_en=code,
        dimension=dimension,
        kind=kind,
        source=source,
        weight=weight,
        rule=rule,
        direction=direction,
    )


@st.composite
def indicators(draw, dimension_weights):
    found = []
    for dimension in DIMENSIONS:
        if dimension_weights[dimension] == 0 and draw(st.booleans()):
            continue
        count = draw(st.integers(1, 3))
        for weight in draw(partition(count)):
            code = f"{dimension}{len(found)}"
            if draw(st.integers(0, 5)) == 0:
                found.append(spec(code, dimension, weight, draw(numeric_rules()), source="rater_form"))
            else:
                found.append(spec(code, dimension, weight, draw(counted_rule())))
    for extra in range(draw(st.integers(0, 2))):
        rule = Veto() if draw(st.booleans()) else CappedBonus(draw(cents(0.5, 5)), draw(cents(1, 10)))
        found.insert(draw(st.integers(0, len(found))), spec(f"x{extra}", draw(st.sampled_from(DIMENSIONS)), D(0), rule))
    return tuple(found)


@st.composite
def schemes(draw):
    profile = draw(st.sampled_from(["statutory", "plan"]))
    base = statutory_defaults() if profile == "statutory" else plan_defaults()
    dimension_weights = dict(zip(DIMENSIONS, draw(partition(5)), strict=True))
    mode = draw(st.sampled_from(["gates", "weights"]))
    round_shares = st.sampled_from([(40, 50, 10), (50, 50, 0), (20, 60, 20), (100, 0, 0), (50, 0, 50)]).map(
        lambda t: [D(x) for x in t]
    )
    composition = Composition(mode, *draw(round_shares | partition(3))) if mode == "weights" else Composition("gates")
    rubric_scores = st.just([D(100), D(85), D(70), D(50)]) | st.lists(cents(0, 100), min_size=4, max_size=4)
    roles = draw(st.lists(st.sampled_from(RATER_ROLES), min_size=1, max_size=4, unique=True))
    basic = draw(cents(0, 80))
    competent = draw(cents(float(basic) + 0.01, 90))
    return dataclasses.replace(
        base,
        subject=draw(st.sampled_from(["person", "unit"])),
        indicators=draw(indicators(dimension_weights)),
        dimension_weights=dimension_weights,
        composition=composition,
        rater_weights=dict(zip(roles, draw(partition(len(roles))), strict=True)),
        trim_min_raters=draw(st.integers(3, 6)),
        quarter_rubric=dict(zip(QUARTER_LEVELS, draw(rubric_scores), strict=True)),
        quota=Quota(draw(cents(0.01, 1)), draw(st.sampled_from(["floor", "round", "ceil"])), draw(st.booleans())),
        thresholds=Thresholds(draw(cents(float(competent), 100)), competent, basic),
        gates=Gates(
            *draw(st.tuples(st.booleans(), st.booleans())),
            draw(st.none() | cents(0, 100)),
            *draw(st.tuples(st.booleans(), st.booleans())),
        ),
        bonus=Bonus(
            draw(st.sampled_from(["statutory", "local"])),
            dict(
                zip(
                    ("excellent", "competent", "basic", "incompetent"),
                    draw(st.lists(cents(0, 2), min_size=4, max_size=4)),
                    strict=True,
                )
            ),
        ),
        leave_share_limit=draw(cents(0.01, 1)),
    )


TIE_VALUES = np.array([NAN, 0.0, 50.0, 80.0, 85.5, 90.0, 95.0, 100.0, 120.0])
FLAGS = (
    "veto",
    "warning_this_year",
    "unit_head_gate",
    "party_secretary_gate",
    "accountability_this_year",
    "demerit_or_heavier_active",
    "under_investigation",
    "on_probation",
    "protected",
)


def _money(rng, low, high, size):
    """Random 2-place values in [low, high] as floats (integer cents / 100, so repr round-trips)."""
    return rng.integers(round(low * 100), round(high * 100) + 1, size=size) / 100.0


def _column(rng, rule, n, tie_share):
    """Raw values suited to the rule: level indexes for rubrics, counts for bonuses, 0/1 for vetoes."""
    if isinstance(rule, Rubric):
        return rng.choice([NAN, -1.0, 0.5, *range(len(rule.levels) + 1)], size=n)
    if isinstance(rule, Veto):
        return rng.choice([0.0, 0.0, 0.0, NAN, 1.0], size=n)
    if isinstance(rule, CappedBonus):
        return rng.choice([NAN, 0.0, 1.0, 2.0, 3.0, 7.0], size=n)
    return np.where(rng.random(n) < tie_share, rng.choice(TIE_VALUES, size=n), _money(rng, -5, 210, n))


def _values(rng, scheme, n, tie_share):
    """Indicator values; some people copy a few template rows exactly, so composites tie."""
    k = len(scheme.indicators)
    values = np.column_stack([_column(rng, spec.rule, n, tie_share) for spec in scheme.indicators]).reshape(n, k)
    templates = values[rng.integers(0, n, size=3)]
    copies = rng.random(n) < tie_share
    values[copies] = templates[rng.integers(0, 3, size=int(copies.sum()))]
    return values


def _raters(rng, n, roles):
    """Aggregated ballots per role, each ballot a 2-place score; sums exact in cents."""
    count = rng.integers(0, 8, size=(n, roles))
    total, low, high = (np.zeros((n, roles)) for _ in range(3))
    for i in range(n):
        for j in range(roles):
            ballots = np.where(
                rng.random(count[i, j]) < 0.5,
                rng.choice([6000, 8000, 8550, 10000], size=count[i, j]),
                rng.integers(0, 10001, size=count[i, j]),
            )
            if count[i, j]:
                total[i, j], low[i, j], high[i, j] = ballots.sum() / 100, ballots.min() / 100, ballots.max() / 100
    counts = count.astype(np.float64)
    unrated = (count == 0) & (rng.random((n, roles)) < 0.5)  # adapters may leave unrated roles as NaN
    for column in (total, counts, low, high):
        column[unrated] = NAN
    return total, counts, low, high


def _quarters(rng, n, tie_share):
    """Quarter grades leaning to 好/较好; some people share a template (independent of their values)."""
    grades = rng.choice(5, size=(n, 4), p=[0.1, 0.4, 0.3, 0.1, 0.1])
    templates = grades[rng.integers(0, n, size=2)]
    copies = rng.random(n) < tie_share
    grades[copies] = templates[rng.integers(0, 2, size=int(copies.sum()))]
    return grades.astype(np.int8)


def _with_missing(rng, values, share):
    return np.where(rng.random(values.shape[0]) < share, NAN, values)


RATIOS = [D("0.08"), D("0.1"), D("0.12"), D("0.15"), D("0.5"), D(1)]


def _waivers(rng, scheme, n, share):
    """容错免责 waivers on a random share of (person, weighted indicator) cells, 1–100% each."""
    columns = [j for j, spec in enumerate(scheme.indicators) if spec.counted and spec.weight > 0]
    cells = [(i, j) for i in range(n) for j in columns if rng.random() < share]
    return Waivers.of((i, j, int(rng.choice([1, 33, 50, 99, 100]))) for i, j in cells)


@st.composite
def cohorts(draw, scheme):
    """A random cohort: hypothesis picks the size and the knobs, a seeded generator fills the columns."""
    n = draw(st.integers(1, 30))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    tie_share = draw(st.sampled_from([0.0, 0.3, 0.7]))
    rare = draw(st.sampled_from([0.0, 0.05, 0.15, 0.3]))
    groups, pools = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    total, count, low, high = _raters(rng, n, len(scheme.rater_weights))
    satisfaction = np.where(rng.random(n) < 0.3, rng.choice([69.99, 70.0, 85.0], size=n), _money(rng, 0, 100, n))
    ratio_groups = draw(st.lists(st.integers(1, 3), max_size=2, unique=True))
    raise_keys = draw(st.lists(st.tuples(st.integers(1, 3), st.integers(0, 2)), max_size=3, unique=True))
    return Cohort(
        person_ids=rng.permutation(np.arange(1, 10 * n + 1))[:n].astype(np.int64),
        group_ids=rng.integers(1, groups + 1, size=n).astype(np.int64),
        pool_ids=rng.integers(0, pools, size=n).astype(np.int64),
        values=_values(rng, scheme, n, tie_share),
        quarter_grades=_quarters(rng, n, tie_share),
        special_scores=_with_missing(rng, _money(rng, 0, 100, n), 0.3),
        rater_sum=total,
        rater_count=count,
        rater_min=low,
        rater_max=high,
        satisfaction=_with_missing(rng, satisfaction, 0.3),
        leave_days=rng.choice([0, 0, 0, 0, 3, 100, 125, 126, 200], size=n).astype(np.int64),
        working_days=250,
        history=rng.integers(0, 5, size=(n, 5)).astype(np.int8),
        step_credit_years=rng.integers(0, 2, size=n).astype(np.int64),
        level_credit_years=rng.integers(0, 5, size=n).astype(np.int64),
        sanction_months=rng.choice([0, 0, 6, 12, 18, 24], size=n).astype(np.int64),
        difficulty=_money(rng, 0.8, 1.5, n),
        quota_raises={key: draw(st.integers(0, 2)) for key in raise_keys},
        group_quota_ratios={group: draw(st.sampled_from(RATIOS)) for group in ratio_groups},
        waivers=_waivers(rng, scheme, n, draw(st.sampled_from([0.0, 0.1, 0.4]))),
        as_of=dt.date(2026, 1, 15),
        **{name: rng.random(n) < rare for name in FLAGS},
    )
