"""Explain one person's result (扣分说明): every lost point, gate, code, rank and note, as data.

ARCHITECTURE.md rule 6 and DOMAIN.md "Scoring" 4: people must be able to see why they lost points.
Called on demand for one person, so it loops in plain Python over that person's indicators. Each
item is a code with params (for translation) and an English sentence. Lost points follow the weight
chain indicator share × dimension share × annual share (shares renormalised over what was present),
so they add up to 100 − composite-before-bonus, within rounding of the stage scores.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

import numpy as np

from kaohe.engine.codes import DIMENSION_NAMES_ZH, DIMENSIONS, GRADE_KEYS, Gate, Grade, NonGrade, TieBreak
from kaohe.engine.cohort import Cohort
from kaohe.engine.messages import EXPLANATIONS, TIE_BREAK_WORDS
from kaohe.engine.rounding import decimal_from_float, quantize2
from kaohe.engine.rules import rule_target
from kaohe.engine.scheme import IndicatorSpec, Scheme
from kaohe.engine.scoring import CohortResult

__all__ = ["Explanation", "ExplanationItem", "explain"]

K = TypeVar("K")
HUNDRED = Decimal(100)
GRADE_NAMES_ZH = ("无等次", "优秀", "称职", "基本称职", "不称职")
#: a unit subject's grades on the same 1–4 scale (机关绩效考核).
UNIT_GRADE_KEYS = ("none", "excellent", "good", "fair", "poor")
UNIT_GRADE_NAMES_ZH = ("无等次", "优秀", "良好", "一般", "较差")
COMPONENT_NAMES_ZH = {"regular": "平时", "annual": "年度", "special": "专项"}
NON_GRADE_ITEMS = {
    NonGrade.PROBATION: "non_grade_probation",
    NonGrade.INVESTIGATION: "non_grade_investigation",
    NonGrade.SANCTION: "non_grade_sanction",
    NonGrade.LEAVE: "non_grade_leave",
}


@dataclass(frozen=True)
class ExplanationItem:
    """One explained fact: a stable code, its params, and an English sentence."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    @property
    def sentence(self) -> str:
        """The English default sentence (`messages.EXPLANATIONS`)."""
        return EXPLANATIONS[self.code].format(**self.params)


@dataclass(frozen=True)
class Explanation:
    """Why a person got their composite and proposed grade."""

    person_id: int
    composite: Decimal | None
    composite_before_bonus: Decimal | None
    grade: int
    items: tuple[ExplanationItem, ...]

    @property
    def points_lost(self) -> Decimal:
        """Sum of the lost points of every indicator and component."""
        lost = [item.params["lost"] for item in self.items if item.code in ("points_lost", "component_points_lost")]
        return sum((value for value in lost if isinstance(value, Decimal)), Decimal(0))


def _dec(value: float | np.floating[Any]) -> Decimal | None:
    """A stage score (a float in whole cents) as a 2-place Decimal; None for NaN."""
    number = decimal_from_float(float(value))
    return None if number is None else quantize2(number)


def _raw(value: float | np.floating[Any]) -> Decimal | None:
    """A raw value as the decimal it stands for (integers without a fraction); None for NaN."""
    number = decimal_from_float(float(value))
    if number is None or number != number.to_integral_value():
        return number
    return number.quantize(Decimal(1))


def explain(scheme: Scheme, cohort: Cohort, result: CohortResult, person_id: int) -> Explanation:
    """Explain one person's result from the cohort's inputs and the engine's output."""
    i = int(np.flatnonzero(result.person_ids == person_id)[0])
    shares = _component_shares(scheme, result, i)
    items = _non_grade_items(scheme, cohort, result, i) + _veto_items(scheme, cohort, result, i)
    items += _indicator_items(scheme, cohort, result, i, shares.get("annual", Decimal(0)))
    items += _component_items(result, i, shares) + _bonus_items(result, i)
    items += _waiver_items(scheme, cohort, result, i)
    items += _gate_items(scheme, cohort, result, i) + _quota_ratio_items(scheme, cohort, result, i)
    items += _ranking_items(scheme, result, i)
    grade = int(result.grading.grade[i])
    composite = _dec(result.scores.composite[i])
    if grade == Grade.NONE and result.grading.non_grade[i] == NonGrade.NONE:
        items.append(ExplanationItem("no_score"))
    elif grade != Grade.NONE:
        unit = scheme.subject == "unit"
        keys, names = (UNIT_GRADE_KEYS, UNIT_GRADE_NAMES_ZH) if unit else (GRADE_KEYS, GRADE_NAMES_ZH)
        params = {"grade": keys[grade], "grade_zh": names[grade], "composite": composite}
        items.append(ExplanationItem("grade_proposed", params))
    return Explanation(person_id, composite, _composite_before_bonus(result, i, shares), grade, tuple(items))


def _component_shares(scheme: Scheme, result: CohortResult, i: int) -> dict[str, Decimal]:
    """Each present component's share of the composite (renormalised; gates mode: annual 100%)."""
    s = result.scores
    if scheme.composition.mode == "gates":
        return {"annual": Decimal(1)} if not np.isnan(s.annual[i]) else {}
    c = scheme.composition
    weights = {"regular": c.regular, "annual": c.annual, "special": c.special}
    present = {name: weight for name, weight in weights.items() if weight > 0 and not np.isnan(getattr(s, name)[i])}
    total = sum(present.values(), Decimal(0))
    return {name: weight / total for name, weight in present.items()} if total else {}


def _composite_before_bonus(result: CohortResult, i: int, shares: dict[str, Decimal]) -> Decimal | None:
    s = result.scores
    scores = {"regular": _dec(s.regular[i]), "annual": _dec(s.annual_base[i]), "special": _dec(s.special[i])}
    if not shares:
        return None
    return quantize2(sum((share * (scores[name] or Decimal(0)) for name, share in shares.items()), Decimal(0)))


def _indicator_items(
    scheme: Scheme, cohort: Cohort, result: CohortResult, i: int, annual_share: Decimal
) -> list[ExplanationItem]:
    """Lost points per indicator, plus notes on missing indicators and dimensions."""
    s = result.scores
    items: list[ExplanationItem] = []
    dimension_shares = _present_shares(
        {d: scheme.dimension_weights.get(d, Decimal(0)) for d in DIMENSIONS},
        {d: not np.isnan(s.dimension_scores[i, k]) for k, d in enumerate(DIMENSIONS)},
    )
    for k, dimension in enumerate(DIMENSIONS):
        members = {j: spec for j, spec in enumerate(scheme.indicators) if spec.counted and spec.dimension == dimension}
        shares = _present_shares(
            {j: spec.weight for j, spec in members.items()},
            {j: not np.isnan(s.indicator_scores[i, j]) for j in members},
        )
        if np.isnan(s.dimension_scores[i, k]):
            if scheme.dimension_weights.get(dimension, Decimal(0)) > 0:
                items.append(ExplanationItem("dimension_missing", {"dimension": DIMENSION_NAMES_ZH[dimension]}))
            continue
        for j, spec in members.items():
            if spec.weight > 0 and np.isnan(s.indicator_scores[i, j]):
                params = {"indicator": spec.code, "name_en": spec.name_en, "name_zh": spec.name_zh}
                items.append(
                    ExplanationItem("indicator_missing", {**params, "dimension": DIMENSION_NAMES_ZH[dimension]})
                )
            elif j in shares:
                share = shares[j] * dimension_shares.get(dimension, Decimal(0)) * annual_share
                value = _value(spec, cohort, result, i, j)
                items += _lost_item(spec, value, result.scores.indicator_scores[i, j], share)
    return items


def _present_shares(weights: Mapping[K, Decimal], present: Mapping[K, bool]) -> dict[K, Decimal]:
    """Weights renormalised over present, positively weighted entries."""
    used = {key: weight for key, weight in weights.items() if weight > 0 and present.get(key, False)}
    total = sum(used.values(), Decimal(0))
    return {key: weight / total for key, weight in used.items()} if total else {}


def _value(spec: IndicatorSpec, cohort: Cohort, result: CohortResult, i: int, j: int) -> float:
    """The raw value the engine scored: rater_form indicators take the 360° score."""
    return float(result.scores.rater_score[i] if spec.source == "rater_form" else cohort.values[i, j])


def _lost_item(spec: IndicatorSpec, value: float, scored: float, share: Decimal) -> list[ExplanationItem]:
    """Points an indicator cost: (100 − score) × its share of the composite."""
    score = _dec(scored) or Decimal(0)
    lost = quantize2((HUNDRED - score) * share)
    if lost <= 0 or share <= 0:
        return []
    params = {
        "indicator": spec.code,
        "name_en": spec.name_en,
        "name_zh": spec.name_zh,
        "rule": spec.rule.kind,
        "value": _raw(value),
        "target": spec.target if spec.target is not None else rule_target(spec.rule),
        "score": score,
        "share": quantize2(share * HUNDRED),
        "lost": lost,
    }
    return [ExplanationItem("points_lost", params)]


def _component_items(result: CohortResult, i: int, shares: dict[str, Decimal]) -> list[ExplanationItem]:
    """Lost points of the 平时/专项 components (weights mode), and missing components."""
    s = result.scores
    items: list[ExplanationItem] = []
    if s.composite_reweighted[i]:
        for name, column in (("regular", s.regular), ("annual", s.annual), ("special", s.special)):
            if name not in shares and np.isnan(column[i]):
                names = {"component": name, "component_zh": COMPONENT_NAMES_ZH[name]}
                items.append(ExplanationItem("component_missing", names))
    for name, column in (("regular", s.regular), ("special", s.special)):
        score = _dec(column[i])
        if name in shares and score is not None and score < HUNDRED:
            lost = quantize2((HUNDRED - score) * shares[name])
            share = quantize2(shares[name] * HUNDRED)
            params: dict[str, object] = {"component": name, "component_zh": COMPONENT_NAMES_ZH[name]}
            params |= {"score": score, "share": share, "lost": lost}
            items.append(ExplanationItem("component_points_lost", params))
    return items


def _bonus_items(result: CohortResult, i: int) -> list[ExplanationItem]:
    s = result.scores
    points, base, annual = _dec(s.bonus_points[i]), _dec(s.annual_base[i]), _dec(s.annual[i])
    if not points:
        return []
    added = annual - base if annual is not None and base is not None else Decimal(0)
    return [ExplanationItem("bonus_points", {"points": points, "added": added})]


def _non_grade_items(scheme: Scheme, cohort: Cohort, result: CohortResult, i: int) -> list[ExplanationItem]:
    code = NonGrade(int(result.grading.non_grade[i]))
    if code == NonGrade.NONE:
        return []
    params: dict[str, object] = {"code": code.code}
    if code == NonGrade.LEAVE:
        limit = quantize2(scheme.leave_share_limit * cohort.working_days)
        params |= {"leave_days": int(cohort.leave_days[i]), "limit_days": limit, "working_days": cohort.working_days}
    return [ExplanationItem(NON_GRADE_ITEMS[code], params)]


def _veto_items(scheme: Scheme, cohort: Cohort, result: CohortResult, i: int) -> list[ExplanationItem]:
    if not result.scores.veto_triggered[i]:
        return []
    values = {j: _value(spec, cohort, result, i, j) for j, spec in enumerate(scheme.indicators) if spec.is_veto}
    sources = [scheme.indicators[j].code for j, value in values.items() if np.isfinite(value) and value != 0]
    return [ExplanationItem("veto", {"source": ", ".join(sources) or "discipline record"})]


def _gate_items(scheme: Scheme, cohort: Cohort, result: CohortResult, i: int) -> list[ExplanationItem]:
    items: list[ExplanationItem] = []
    for gate in Gate:
        if result.grading.gate_failed[i, gate]:
            params: dict[str, object] = {}
            if gate == Gate.LOW_SATISFACTION:
                params = {"satisfaction": _raw(cohort.satisfaction[i]), "minimum": scheme.gates.min_satisfaction}
            items.append(ExplanationItem(gate.code, params))
    return items


def _waiver_items(scheme: Scheme, cohort: Cohort, result: CohortResult, i: int) -> list[ExplanationItem]:
    """Each approved 容错免责 waiver: the share waived and the indicator's score before and after."""
    span = cohort.waivers.between(i, i + 1)
    items: list[ExplanationItem] = []
    for j, share in zip(cohort.waivers.columns[span].tolist(), cohort.waivers.shares[span].tolist(), strict=True):
        spec, score = scheme.indicators[j], _dec(result.scores.indicator_scores[i, j])
        before = spec.rule.score_one(decimal_from_float(_value(spec, cohort, result, i, j)))
        if score is None or before is None or before >= score:
            continue  # no data, or nothing was lost
        params = {"indicator": spec.code, "name_en": spec.name_en, "name_zh": spec.name_zh, "share": share,
                  "before": quantize2(before), "score": score}
        items.append(ExplanationItem("fault_tolerance_waiver", params))
    return items


def _quota_ratio_items(scheme: Scheme, cohort: Cohort, result: CohortResult, i: int) -> list[ExplanationItem]:
    """The group's own 优秀 ratio, when the unit's appraisal result set one."""
    ratio = cohort.group_quota_ratios.get(int(cohort.group_ids[i]))
    if ratio is None or not result.grading.participant[i]:
        return []
    percent = {"ratio": quantize2(ratio * HUNDRED), "scheme_ratio": quantize2(scheme.quota.ratio * HUNDRED)}
    return [ExplanationItem("group_quota_ratio", percent)]


def _ranking_items(scheme: Scheme, result: CohortResult, i: int) -> list[ExplanationItem]:
    """Threshold not reached, or the quota rank and the keys separating the person from neighbours."""
    g = result.grading
    if not g.candidate[i]:
        blocked = g.gate_failed[i].any() or result.scores.veto_triggered[i] or not g.participant[i]
        composite = _dec(result.scores.composite[i])
        if blocked or composite is None:
            return []
        threshold = {"composite": composite, "threshold": scheme.thresholds.excellent}
        return [ExplanationItem("excellent_threshold_not_reached", threshold)]
    params = {"rank": int(g.rank[i]), "candidates": int(g.pool_candidates[i]), "quota": int(g.pool_quota[i])}
    items = [ExplanationItem("quota_rank", params)]
    for code, key in (("tie_break_below", g.tie_break_previous[i]), ("tie_break_above", g.tie_break[i])):
        if key != TieBreak.NONE:
            items.append(
                ExplanationItem(code, {"key": TieBreak(int(key)).name.lower(), "key_words": TIE_BREAK_WORDS[int(key)]})
            )
    return items
