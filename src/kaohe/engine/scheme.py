"""Scheme settings (考核方案): indicators, weights, composition, quotas, gates, bonus — as frozen data.

DOMAIN.md "Indicators", "Scoring", "Grades", "Results use" and "Two rule profiles". Every number is a
setting: `statutory_defaults()` (公务员法 + 公务员考核规定 2020) and `plan_defaults()` (the planning
documents) return the two shipped profiles without indicators. `validate()` returns problems as
data; `statutory_departures()` lists every setting that departs from the statutory profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from kaohe.engine.codes import DIMENSIONS, GRADE_KEYS, QUARTER_LEVELS, RATER_ROLES
from kaohe.engine.problems import Problem, prefixed
from kaohe.engine.rounding import quantize2
from kaohe.engine.rules import CappedBonus, Rubric, Rule, Veto, rule_target

__all__ = [
    "INDICATOR_KINDS",
    "PROFILES",
    "SOURCES",
    "Bonus",
    "Composition",
    "Gates",
    "IndicatorSpec",
    "Quota",
    "Scheme",
    "Thresholds",
    "composite_weight_vector",
    "indicator_weight_vector",
    "plan_defaults",
    "statutory_defaults",
    "statutory_departures",
    "weight_vector_difference",
]

INDICATOR_KINDS = ("quantitative", "qualitative", "veto")
SOURCES = ("feed", "import", "qr_rating", "hotline", "ledger", "rater_form", "manual", "survey", "third_party",
           "reverse", "collaboration")
DIRECTIONS = ("higher", "lower")
PROFILES = ("statutory", "plan")
SUBJECTS = ("person", "unit")
COMPOSITION_MODES = ("gates", "weights")
ROUNDINGS = ("floor", "round", "ceil")
BONUS_KINDS = ("statutory", "local")
HUNDRED = Decimal(100)
BONUS_GRADES = GRADE_KEYS[1:]


def _percent_problem(value: Decimal, field: str) -> list[Problem]:
    return [] if 0 <= value <= HUNDRED else [Problem("weight_out_of_range", field, {"weight": value})]


def _sum_problem(total: Decimal, code: str, field: str, **params: object) -> list[Problem]:
    return [] if total == HUNDRED else [Problem(code, field, {"total": total, **params})]


@dataclass(frozen=True, kw_only=True)
class IndicatorSpec:
    """An indicator bound into a scheme (DOMAIN.md "Indicators"). `weight` is percent of its dimension."""

    code: str
    name_zh: str
    name_en: str
    dimension: str
    kind: str
    source: str
    weight: Decimal
    rule: Rule
    core: bool = False
    unit: str = ""
    target: Decimal | None = None
    direction: str = "higher"

    @property
    def is_veto(self) -> bool:
        """一票否决 indicator: no points, forces 不称职."""
        return isinstance(self.rule, Veto)

    @property
    def is_bonus(self) -> bool:
        """Capped bonus indicator: points added on top of the annual score."""
        return isinstance(self.rule, CappedBonus)

    @property
    def counted(self) -> bool:
        """Counted in its dimension's weighted mean (neither veto nor bonus)."""
        return not (self.is_veto or self.is_bonus)

    def validate(self) -> list[Problem]:
        """Vocabulary, weight, rule/kind/direction/target consistency, and the rule's own checks."""
        problems = self._vocabulary_problems() + self._weight_problems() + self._rule_fit_problems()
        return problems + prefixed(self.rule.validate(), "rule")

    def _vocabulary_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        if not self.code.strip():
            problems.append(Problem("indicator_code_blank", "code", {}))
        if not self.name_zh.strip():
            problems.append(Problem("indicator_name_blank", "name_zh", {}))
        choices = (
            ("dimension", self.dimension, DIMENSIONS),
            ("kind", self.kind, INDICATOR_KINDS),
            ("source", self.source, SOURCES),
            ("direction", self.direction, DIRECTIONS),
        )
        for name, value, allowed in choices:
            if value not in allowed:
                problems.append(Problem("choice_unknown", name, {"value": value, "allowed": ", ".join(allowed)}))
        return problems

    def _weight_problems(self) -> list[Problem]:
        if self.counted:
            return _percent_problem(self.weight, "weight")
        if self.weight != 0:
            return [Problem("weight_must_be_zero", "weight", {"weight": self.weight, "rule": self.rule.kind})]
        return []

    def _rule_fit_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        if (self.kind == "veto") != self.is_veto or (isinstance(self.rule, Rubric) and self.kind != "qualitative"):
            problems.append(Problem("kind_rule_mismatch", "rule", {"kind": self.kind, "rule": self.rule.kind}))
        if self.source == "rater_form" and isinstance(self.rule, Rubric | Veto):
            problems.append(Problem("rater_form_rule_unsuitable", "rule", {"rule": self.rule.kind}))
        if self.rule.direction in DIRECTIONS and self.rule.direction != self.direction:
            problems.append(
                Problem("direction_rule_mismatch", "direction", {"direction": self.direction, "rule": self.rule.kind})
            )
        own_target = rule_target(self.rule)
        if self.target is not None and own_target is not None and self.target != own_target:
            problems.append(Problem("target_mismatch", "target", {"target": self.target, "rule_target": own_target}))
        return problems


@dataclass(frozen=True)
class Composition:
    """How 平时/年度/专项 make the composite: "gates" (statutory) or "weights" (plan: 40/50/10 percent)."""

    mode: str
    regular: Decimal = Decimal(0)
    annual: Decimal = HUNDRED
    special: Decimal = Decimal(0)

    def validate(self) -> list[Problem]:
        """Known mode; in weights mode each share 0–100 and the three sum to 100."""
        if self.mode not in COMPOSITION_MODES:
            return [Problem("choice_unknown", "mode", {"value": self.mode, "allowed": ", ".join(COMPOSITION_MODES)})]
        if self.mode == "gates":
            return []
        parts = {"regular": self.regular, "annual": self.annual, "special": self.special}
        problems = [p for name, value in parts.items() for p in _percent_problem(value, name)]
        return problems or _sum_problem(sum(parts.values(), Decimal(0)), "composition_sum", "")


@dataclass(frozen=True)
class Quota:
    """优秀 quota per appraisal group (and per post-level pool): ratio of participants, rounded."""

    ratio: Decimal
    rounding: str = "floor"
    per_post_level_pool: bool = True

    def validate(self) -> list[Problem]:
        """Ratio in (0, 1]; rounding floor/round/ceil."""
        problems: list[Problem] = []
        if not 0 < self.ratio <= 1:
            problems.append(Problem("quota_ratio_out_of_range", "ratio", {"ratio": self.ratio}))
        if self.rounding not in ROUNDINGS:
            allowed = ", ".join(ROUNDINGS)
            problems.append(Problem("choice_unknown", "rounding", {"value": self.rounding, "allowed": allowed}))
        return problems


@dataclass(frozen=True)
class Thresholds:
    """Composite thresholds: 优秀 candidacy, 称职, 基本称职 (below basic → 不称职)."""

    excellent: Decimal = Decimal(85)
    competent: Decimal = Decimal(70)
    basic: Decimal = Decimal(60)

    def validate(self) -> list[Problem]:
        """Each 0–100, and basic < competent ≤ excellent."""
        values = {"excellent": self.excellent, "competent": self.competent, "basic": self.basic}
        problems = [
            Problem("threshold_out_of_range", name, {"value": value})
            for name, value in values.items()
            if not 0 <= value <= HUNDRED
        ]
        if not self.basic < self.competent <= self.excellent:
            problems.append(Problem("thresholds_unordered", "", dict(values)))
        return problems


@dataclass(frozen=True)
class Gates:
    """Gates that block 优秀 (DOMAIN.md "Grades"); `min_satisfaction` None = no satisfaction gate."""

    require_good_quarter: bool = True
    block_poor_quarter: bool = True
    min_satisfaction: Decimal | None = None
    block_warning: bool = True
    block_accountability: bool = True

    def validate(self) -> list[Problem]:
        """min_satisfaction, when set, is 0–100."""
        value = self.min_satisfaction
        if value is None or 0 <= value <= HUNDRED:
            return []
        return [Problem("min_satisfaction_out_of_range", "min_satisfaction", {"value": value})]


@dataclass(frozen=True)
class Bonus:
    """Bonus per grade: "statutory" 年度考核奖金 in months of basic pay, or "local" 绩效奖金 coefficients.

    A local coefficient is multiplied by the position's difficulty coefficient (岗位难度系数).
    """

    kind: str
    coefficients: Mapping[str, Decimal]

    def validate(self) -> list[Problem]:
        """Known kind; one non-negative coefficient per grade."""
        problems: list[Problem] = []
        if self.kind not in BONUS_KINDS:
            problems.append(Problem("choice_unknown", "kind", {"value": self.kind, "allowed": ", ".join(BONUS_KINDS)}))
        for grade in BONUS_GRADES:
            value = self.coefficients.get(grade)
            if value is None:
                problems.append(Problem("bonus_coefficient_missing", f"coefficients.{grade}", {"grade": grade}))
            elif value < 0:
                problems.append(Problem("bonus_coefficient_negative", f"coefficients.{grade}", {"grade": grade}))
        problems += [
            Problem("choice_unknown", f"coefficients.{key}", {"value": key, "allowed": ", ".join(BONUS_GRADES)})
            for key in self.coefficients
            if key not in BONUS_GRADES
        ]
        return problems


def _default_rubric() -> dict[str, Decimal]:
    return dict(zip(QUARTER_LEVELS, (Decimal(100), Decimal(85), Decimal(70), Decimal(50)), strict=True))


@dataclass(frozen=True, kw_only=True)
class Scheme:
    """A scheme (考核方案): indicators in scoring order plus every setting the engine reads."""

    profile: str
    indicators: tuple[IndicatorSpec, ...]
    dimension_weights: Mapping[str, Decimal]
    composition: Composition
    rater_weights: Mapping[str, Decimal]
    quota: Quota
    thresholds: Thresholds = field(default_factory=Thresholds)
    gates: Gates = field(default_factory=Gates)
    bonus: Bonus
    trim_min_raters: int = 5
    quarter_rubric: Mapping[str, Decimal] = field(default_factory=_default_rubric)
    leave_share_limit: Decimal = Decimal("0.5")
    subject: str = "person"  # or "unit": 机关绩效考核, graded 优秀/良好/一般/较差 on the same scale

    @property
    def rater_roles(self) -> tuple[str, ...]:
        """Rater roles in `rater_weights` order (the cohort's rater columns)."""
        return tuple(self.rater_weights)

    def validate(self) -> list[Problem]:
        """Every check of DOMAIN.md "Indicators" and "Scoring": weights sum to 100 where they must."""
        problems = [Problem("choice_unknown", "profile", {"value": self.profile, "allowed": ", ".join(PROFILES)})]
        problems = problems if self.profile not in PROFILES else []
        if self.subject not in SUBJECTS:
            allowed = ", ".join(SUBJECTS)
            problems.append(Problem("choice_unknown", "subject", {"value": self.subject, "allowed": allowed}))
        problems += _indicator_problems(self) + _dimension_problems(self)
        problems += prefixed(self.composition.validate(), "composition") + _rater_problems(self)
        problems += prefixed(self.quota.validate(), "quota") + prefixed(self.thresholds.validate(), "thresholds")
        problems += prefixed(self.gates.validate(), "gates") + prefixed(self.bonus.validate(), "bonus")
        return problems + _scalar_problems(self)


def _indicator_problems(scheme: Scheme) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for position, spec in enumerate(scheme.indicators):
        problems += prefixed(spec.validate(), f"indicators[{position}]")
        if spec.code in seen:
            problems.append(Problem("indicator_code_duplicate", f"indicators[{position}].code", {"code": spec.code}))
        seen.add(spec.code)
    return problems


def _dimension_problems(scheme: Scheme) -> list[Problem]:
    """Dimension weights sum to 100; each weighted dimension's counted indicators sum to 100."""
    weights = scheme.dimension_weights
    problems = [
        Problem("choice_unknown", f"dimension_weights.{key}", {"value": key, "allowed": ", ".join(DIMENSIONS)})
        for key in weights
        if key not in DIMENSIONS
    ]
    problems += [p for key, value in weights.items() for p in _percent_problem(value, f"dimension_weights.{key}")]
    problems += _sum_problem(sum(weights.values(), Decimal(0)), "dimension_weights_sum", "dimension_weights")
    for dimension in DIMENSIONS:
        counted = [spec.weight for spec in scheme.indicators if spec.counted and spec.dimension == dimension]
        field = f"dimension_weights.{dimension}"
        if counted:
            problems += _sum_problem(sum(counted, Decimal(0)), "indicator_weights_sum", field, dimension=dimension)
        elif weights.get(dimension, Decimal(0)) > 0:
            problems.append(Problem("dimension_without_indicators", field, {"dimension": dimension}))
    return problems


def _rater_problems(scheme: Scheme) -> list[Problem]:
    weights = scheme.rater_weights
    problems = [
        Problem("choice_unknown", f"rater_weights.{role}", {"value": role, "allowed": ", ".join(RATER_ROLES)})
        for role in weights
        if role not in RATER_ROLES
    ]
    problems += [p for role, value in weights.items() for p in _percent_problem(value, f"rater_weights.{role}")]
    return problems + _sum_problem(sum(weights.values(), Decimal(0)), "rater_weights_sum", "rater_weights")


def _scalar_problems(scheme: Scheme) -> list[Problem]:
    problems: list[Problem] = []
    if scheme.trim_min_raters < 3:
        problems.append(Problem("trim_min_raters_too_small", "trim_min_raters", {"value": scheme.trim_min_raters}))
    for level in QUARTER_LEVELS:
        score = scheme.quarter_rubric.get(level)
        field = f"quarter_rubric.{level}"
        if score is None:
            problems.append(Problem("quarter_level_missing", field, {"level": level}))
        elif not 0 <= score <= HUNDRED:
            problems.append(Problem("score_out_of_range", field, {"score": score}))
    problems += [
        Problem("choice_unknown", f"quarter_rubric.{level}", {"value": level, "allowed": ", ".join(QUARTER_LEVELS)})
        for level in scheme.quarter_rubric
        if level not in QUARTER_LEVELS
    ]
    if not 0 < scheme.leave_share_limit <= 1:
        limit = scheme.leave_share_limit
        problems.append(Problem("leave_share_out_of_range", "leave_share_limit", {"value": limit}))
    return problems


def statutory_defaults() -> Scheme:
    """The `statutory` profile (公务员法 + 公务员考核规定 2020; DOMAIN.md "Two rule profiles"), no indicators.

    20% quota rounded down per group and post-level pool; 平时 as gates (at least one 好, no 较差);
    360° weights superior 50 · peer 50 (advisory); statutory bonus 优秀 = 称职 = 1 month.
    """
    return Scheme(
        profile="statutory",
        indicators=(),
        dimension_weights=_default_dimension_weights(),
        composition=Composition("gates"),
        rater_weights={"superior": Decimal(50), "peer": Decimal(50)},
        quota=Quota(Decimal("0.20"), "floor", per_post_level_pool=True),
        gates=Gates(require_good_quarter=True, block_poor_quarter=True, min_satisfaction=None),
        bonus=Bonus("statutory", _coefficients("1", "1", "0", "0")),
    )


def plan_defaults() -> Scheme:
    """The `plan` profile (the planning documents; DOMAIN.md "Two rule profiles"), no indicators.

    15% quota; composite 平时 40 · 年度 50 · 专项 10; raters superior 30 · peer 20 · public 30 ·
    recipient 20; local 绩效奖金 120/100/80/0% × difficulty; satisfaction gate 70.
    """
    return Scheme(
        profile="plan",
        indicators=(),
        dimension_weights=_default_dimension_weights(),
        composition=Composition("weights", Decimal(40), Decimal(50), Decimal(10)),
        rater_weights=dict(zip(RATER_ROLES, (Decimal(30), Decimal(20), Decimal(30), Decimal(20)), strict=True)),
        quota=Quota(Decimal("0.15"), "floor", per_post_level_pool=True),
        gates=Gates(require_good_quarter=False, block_poor_quarter=True, min_satisfaction=Decimal(70)),
        bonus=Bonus("local", _coefficients("1.2", "1.0", "0.8", "0")),
    )


def _coefficients(*values: str) -> dict[str, Decimal]:
    return dict(zip(BONUS_GRADES, (Decimal(v) for v in values), strict=True))


def _default_dimension_weights() -> dict[str, Decimal]:
    """德 20 · 能 15 · 勤 15 · 绩 40 · 廉 10: 重点考核政治素质和工作实绩 (公务员法 第35条). A product default."""
    return dict(zip(DIMENSIONS, (Decimal(20), Decimal(15), Decimal(15), Decimal(40), Decimal(10)), strict=True))


def composite_weight_vector(scheme: Scheme) -> dict[str, Decimal]:
    """Each counted indicator's share of the composite in percent, plus the 平时/专项 components.

    indicator weight × dimension weight × annual component share (100% in gates mode); keys are
    indicator codes and "component:regular" / "component:special". Sums to 100 for a valid scheme.
    """
    annual = scheme.composition.annual if scheme.composition.mode == "weights" else HUNDRED
    vector: dict[str, Decimal] = {}
    for spec in scheme.indicators:
        if spec.counted:
            share = spec.weight * scheme.dimension_weights.get(spec.dimension, Decimal(0)) * annual / 10000
            vector[spec.code] = vector.get(spec.code, Decimal(0)) + share
    if scheme.composition.mode == "weights":
        vector["component:regular"] = scheme.composition.regular
        vector["component:special"] = scheme.composition.special
    return vector


def weight_vector_difference(a: Scheme, b: Scheme) -> Decimal:
    """How much two categories' indicator weights differ, in percent (DOMAIN.md "Indicators": ≥ 30%).

    Each scheme's indicator weight vector is indicator weight × dimension weight / 100: the share of
    the annual (indicator) score each indicator carries, summing to 100. The difference is half the L1
    distance between the two vectors, matched by indicator code: the share of indicator weight that
    would have to move to turn one scheme into the other (0 = same weights, 100 = nothing in common).
    The 平时/专项 components are left out: they are set by the profile, not by the category.
    Rounded half-up to 2 dp.
    """
    left, right = indicator_weight_vector(a), indicator_weight_vector(b)
    keys = sorted(set(left) | set(right))
    distance = sum((abs(left.get(k, Decimal(0)) - right.get(k, Decimal(0))) for k in keys), Decimal(0))
    return quantize2(distance / 2)


def indicator_weight_vector(scheme: Scheme) -> dict[str, Decimal]:
    """Each counted indicator's share of the annual (indicator) score in percent; sums to 100."""
    vector: dict[str, Decimal] = {}
    for spec in scheme.indicators:
        if spec.counted:
            share = spec.weight * scheme.dimension_weights.get(spec.dimension, Decimal(0)) / HUNDRED
            vector[spec.code] = vector.get(spec.code, Decimal(0)) + share
    return vector


STATUTORY_QUOTA_CEILING = Decimal("0.20")
STATUTORY_GATES = (
    ("require_good_quarter", "gate_good_quarter_off"),
    ("block_poor_quarter", "gate_poor_quarter_off"),
    ("block_warning", "gate_warning_off"),
    ("block_accountability", "gate_accountability_off"),
)


def statutory_departures(scheme: Scheme) -> list[Problem]:
    """Every setting that departs from the statutory profile (DOMAIN.md "Two rule profiles").

    For the scheme editor's warnings. `statutory_bonus_unlawful` (e.g. 80% for 基本称职 labelled as
    年度考核奖金) is unlawful; the others are lawful only as local rules or advisory settings.
    """
    problems: list[Problem] = []
    if scheme.quota.ratio > STATUTORY_QUOTA_CEILING:
        params = {"ratio": scheme.quota.ratio, "ceiling": STATUTORY_QUOTA_CEILING}
        problems.append(Problem("quota_above_statutory", "quota.ratio", params))
    if scheme.quota.rounding != "floor":
        problems.append(Problem("quota_rounding_not_floor", "quota.rounding", {"rounding": scheme.quota.rounding}))
    if scheme.composition.mode == "weights":
        problems.append(Problem("composition_weighted", "composition.mode", {}))
    problems += _binding_rater_problems(scheme) + _gate_departures(scheme) + _bonus_departures(scheme.bonus)
    if scheme.leave_share_limit != Decimal("0.5"):
        problems.append(Problem("leave_share_not_half", "leave_share_limit", {"value": scheme.leave_share_limit}))
    return problems


def _binding_rater_problems(scheme: Scheme) -> list[Problem]:
    """A weighted rater_form indicator makes the 360° score binding instead of advisory."""
    return [
        Problem("rater_score_binding", f"indicators[{position}].weight", {"indicator": spec.code})
        for position, spec in enumerate(scheme.indicators)
        if spec.source == "rater_form"
        and spec.counted
        and spec.weight > 0
        and scheme.dimension_weights.get(spec.dimension, Decimal(0)) > 0
    ]


def _gate_departures(scheme: Scheme) -> list[Problem]:
    problems = [Problem(code, f"gates.{name}", {}) for name, code in STATUTORY_GATES if not getattr(scheme.gates, name)]
    if scheme.gates.min_satisfaction is not None:
        params = {"value": scheme.gates.min_satisfaction}
        problems.append(Problem("satisfaction_gate_added", "gates.min_satisfaction", params))
    return problems


def _bonus_departures(bonus: Bonus) -> list[Problem]:
    if bonus.kind != "statutory":
        return [Problem("bonus_local", "bonus.kind", {"kind": bonus.kind})]
    problems: list[Problem] = []
    for grade in BONUS_GRADES:
        value = bonus.coefficients.get(grade, Decimal(0))
        expected = Decimal(1) if grade in ("excellent", "competent") else Decimal(0)
        if value != expected:
            code = "statutory_bonus_not_one_month" if expected else "statutory_bonus_unlawful"
            problems.append(Problem(code, f"bonus.coefficients.{grade}", {"grade": grade, "coefficient": value}))
    return problems
