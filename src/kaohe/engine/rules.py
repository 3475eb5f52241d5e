"""Scoring rules (评分规则): each maps a raw indicator value to a 0–100 score (DOMAIN.md "Indicators").

| kind           | formula                                  |
| -------------- | ---------------------------------------- |
| `ratio`        | min(100, 100·v/target)                   |
| `deduct_below` | max(0, 100 − k·max(0, target − v))       |
| `lower_better` | max(0, 100 − k·v)                        |
| `bands`        | lookup of value ranges [lower, upper)    |
| `rubric`       | ordinal level (好/较好/一般/较差) → score |
| `capped_bonus` | min(cap, per_item·count) bonus *points*  |
| `veto`         | any true value forces 不称职 (一票否决)  |

Every rule is a frozen dataclass with `validate()`, a vectorised `cents()` (whole cents in float64,
NaN in → NaN out) and `score()` (the same in points), and a Decimal `score_one()` (None in → None out)
used by the reference and the editor preview. Scores are clipped to [0, 100] and rounded half-up to 2
places. The fast path scores several columns at once with `group_cents` (columns grouped by
`group_key`). `rule_from_dict` parses stored JSON parameters; its problems are data, never exceptions.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import ClassVar, TypeAlias

import numpy as np

from kaohe.engine.codes import BoolArray, FloatArray
from kaohe.engine.problems import Problem
from kaohe.engine.rounding import HALF_UP, decimal_cents, quantize2

__all__ = [
    "RULE_KINDS",
    "Band",
    "Bands",
    "CappedBonus",
    "DeductBelow",
    "LowerBetter",
    "Ratio",
    "Rubric",
    "Rule",
    "Veto",
    "group_cents",
    "group_key",
    "rule_from_dict",
    "rule_target",
]

HUNDRED = Decimal(100)
ZERO = Decimal(0)


def _clip_score(value: Decimal) -> Decimal:
    return quantize2(min(HUNDRED, max(ZERO, value)))


def _as_floats(values: FloatArray) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


def _score_problems(score: Decimal, field: str) -> list[Problem]:
    if ZERO <= score <= HUNDRED:
        return []
    return [Problem("score_out_of_range", field, {"score": score})]


@dataclass(frozen=True)
class Ratio:
    """项目完成率-style ratio: min(100, 100·v/target) (DOMAIN.md "Indicators", rule `ratio`)."""

    target: Decimal
    kind: ClassVar[str] = "ratio"
    direction: ClassVar[str] = "higher"

    def validate(self) -> list[Problem]:
        """Target must be > 0."""
        if self.target > 0:
            return []
        return [Problem("target_not_positive", "target", {"target": self.target})]

    def cents(self, values: FloatArray) -> FloatArray:
        """Vectorised score in whole cents."""
        return _ratio_cents(values, float(self.target))

    def score(self, values: FloatArray) -> FloatArray:
        """Vectorised score."""
        return self.cents(_as_floats(values)) / 100.0

    def score_one(self, value: Decimal | None) -> Decimal | None:
        """One value's score, in Decimal."""
        return None if value is None else _clip_score(HUNDRED * value / self.target)

    def to_dict(self) -> dict[str, object]:
        """Parameters as stored JSON (numbers as decimal strings)."""
        return {"target": str(self.target)}


@dataclass(frozen=True)
class DeductBelow:
    """Deduction per point below target: max(0, 100 − k·max(0, target − v)) (DOMAIN.md, `deduct_below`)."""

    target: Decimal
    k: Decimal
    kind: ClassVar[str] = "deduct_below"
    direction: ClassVar[str] = "higher"

    def validate(self) -> list[Problem]:
        """Target must be > 0 and k ≥ 0."""
        problems = Ratio(self.target).validate()
        if self.k < 0:
            problems.append(Problem("k_negative", "k", {"k": self.k}))
        return problems

    def cents(self, values: FloatArray) -> FloatArray:
        """Vectorised score in whole cents."""
        return _deduct_below_cents(values, float(self.target), float(self.k))

    def score(self, values: FloatArray) -> FloatArray:
        """Vectorised score."""
        return self.cents(_as_floats(values)) / 100.0

    def score_one(self, value: Decimal | None) -> Decimal | None:
        """One value's score, in Decimal."""
        return None if value is None else _clip_score(HUNDRED - self.k * max(ZERO, self.target - value))

    def to_dict(self) -> dict[str, object]:
        """Parameters as stored JSON."""
        return {"target": str(self.target), "k": str(self.k)}


@dataclass(frozen=True)
class LowerBetter:
    """Lower is better (差错率, complaint rate): max(0, 100 − k·v) (DOMAIN.md, `lower_better`)."""

    k: Decimal
    kind: ClassVar[str] = "lower_better"
    direction: ClassVar[str] = "lower"

    def validate(self) -> list[Problem]:
        """k must be ≥ 0."""
        return [] if self.k >= 0 else [Problem("k_negative", "k", {"k": self.k})]

    def cents(self, values: FloatArray) -> FloatArray:
        """Vectorised score in whole cents."""
        return _lower_better_cents(values, float(self.k))

    def score(self, values: FloatArray) -> FloatArray:
        """Vectorised score."""
        return self.cents(_as_floats(values)) / 100.0

    def score_one(self, value: Decimal | None) -> Decimal | None:
        """One value's score, in Decimal."""
        return None if value is None else _clip_score(HUNDRED - self.k * value)

    def to_dict(self) -> dict[str, object]:
        """Parameters as stored JSON."""
        return {"k": str(self.k)}


@dataclass(frozen=True)
class Band:
    """One value range [lower, upper) and its score."""

    lower: Decimal
    upper: Decimal
    score: Decimal


@dataclass(frozen=True)
class Bands:
    """Banded lookup, e.g. satisfaction ≥ 90 → 100, 80–90 → 85 (DOMAIN.md, `bands`).

    The bands must tile [minimum, maximum] exactly: lower bounds inclusive, upper bounds exclusive
    except the last band's. Values outside the declared range are clamped into it first.
    """

    minimum: Decimal
    maximum: Decimal
    bands: tuple[Band, ...]
    kind: ClassVar[str] = "bands"
    direction: ClassVar[str] = "any"

    def ordered(self) -> list[tuple[int, Band]]:
        """The bands with their listed positions, sorted by lower bound."""
        return sorted(enumerate(self.bands), key=lambda item: (item[1].lower, item[1].upper))

    def validate(self) -> list[Problem]:
        """Range non-empty; each band non-empty with a 0–100 score; no gap, overlap or overhang."""
        if self.minimum >= self.maximum:
            return [Problem("range_empty", "maximum", {"minimum": self.minimum, "maximum": self.maximum})]
        if not self.bands:
            return [Problem("bands_empty", "bands", {})]
        problems: list[Problem] = []
        for position, band in enumerate(self.bands):
            if band.lower >= band.upper:
                problems.append(Problem("band_empty", f"bands[{position}]", {"lower": band.lower, "upper": band.upper}))
            problems += _score_problems(band.score, f"bands[{position}].score")
        return problems or self._tiling_problems()

    def _tiling_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        reached = self.minimum
        for position, band in self.ordered():
            field = f"bands[{position}]"
            if band.lower < self.minimum or band.upper > self.maximum:
                problems.append(Problem("band_outside_range", field, {"lower": band.lower, "upper": band.upper}))
            elif band.lower > reached:
                problems.append(Problem("bands_gap", field, {"at": reached, "until": band.lower}))
            elif band.lower < reached:
                problems.append(Problem("bands_overlap", field, {"at": band.lower, "until": min(reached, band.upper)}))
            reached = max(reached, band.upper)
        if reached < self.maximum:
            problems.append(Problem("bands_gap", "bands", {"at": reached, "until": self.maximum}))
        return problems

    def cents(self, values: FloatArray) -> FloatArray:
        """Vectorised lookup in whole cents (assumes a valid tiling): the last band the value reaches.

        Counting the lower bounds a value reaches clamps it into the range for free: below the minimum
        is the first band, above the maximum the last.
        """
        ordered = [band for _, band in self.ordered()]
        table = np.array([decimal_cents(band.score) for band in ordered])
        index = np.zeros(np.shape(values), dtype=np.intp)
        for band in ordered[1:]:
            index += values >= float(band.lower)
        found = table[index]
        np.putmask(found, np.isnan(values), np.nan)
        return found

    def score(self, values: FloatArray) -> FloatArray:
        """Vectorised lookup (assumes a valid tiling)."""
        return self.cents(_as_floats(values)) / 100.0

    def score_one(self, value: Decimal | None) -> Decimal | None:
        """One value's score, in Decimal: the last band whose lower bound the clamped value reaches."""
        if value is None:
            return None
        clamped = min(self.maximum, max(self.minimum, value))
        found = self.ordered()[0][1]
        for _, band in self.ordered():
            if band.lower <= clamped:
                found = band
        return quantize2(found.score)

    def to_dict(self) -> dict[str, object]:
        """Parameters as stored JSON."""
        bands = [{"lower": str(b.lower), "upper": str(b.upper), "score": str(b.score)} for b in self.bands]
        return {"minimum": str(self.minimum), "maximum": str(self.maximum), "bands": bands}


@dataclass(frozen=True)
class Rubric:
    """Ordinal levels to scores, e.g. 好/较好/一般/较差 → 100/85/70/50 (DOMAIN.md, `rubric`).

    Values are level indexes 0..L−1 into `levels` (−1 or NaN = missing; anything else is missing too).
    """

    levels: tuple[str, ...]
    scores: tuple[Decimal, ...]
    kind: ClassVar[str] = "rubric"
    direction: ClassVar[str] = "any"

    def validate(self) -> list[Problem]:
        """At least one level; levels non-blank and distinct; one 0–100 score per level."""
        if not self.levels or len(self.levels) != len(self.scores):
            return [Problem("rubric_empty", "levels", {})]
        problems: list[Problem] = []
        seen: set[str] = set()
        for position, (level, score) in enumerate(zip(self.levels, self.scores, strict=True)):
            if not level.strip():
                problems.append(Problem("rubric_level_blank", f"levels[{position}]", {}))
            elif level in seen:
                problems.append(Problem("rubric_level_duplicate", f"levels[{position}]", {"level": level}))
            seen.add(level)
            problems += _score_problems(score, f"levels[{position}].score")
        return problems

    def cents(self, values: FloatArray) -> FloatArray:
        """Vectorised lookup of level indexes, in whole cents (NaN for anything that is not a level).

        The value truncated to an integer and clipped to −1..L picks from the scores followed by NaN
        (index −1 and L both land on the NaN); a value that is not that integer (a fraction, NaN, ±inf,
        huge) is not a level.
        """
        count = len(self.levels)
        table = np.array([*(decimal_cents(score) for score in self.scores), np.nan])
        with np.errstate(invalid="ignore"):  # casting NaN or ±inf to an integer: caught by the check below
            index = np.asarray(values).astype(np.intp)
        np.clip(index, -1, count, out=index)
        found = table[index]
        np.putmask(found, index != values, np.nan)
        return found

    def score(self, values: FloatArray) -> FloatArray:
        """Vectorised lookup of level indexes."""
        return self.cents(_as_floats(values)) / 100.0

    def score_one(self, value: Decimal | None) -> Decimal | None:
        """One level index's score, in Decimal (None when missing or not a level)."""
        if value is None or value != value.to_integral_value() or not 0 <= value < len(self.levels):
            return None
        return quantize2(self.scores[int(value)])

    def score_level(self, level: str) -> Decimal | None:
        """The score of a level given by name (None if it is not one of the levels)."""
        if level not in self.levels:
            return None
        return quantize2(self.scores[self.levels.index(level)])

    def to_dict(self) -> dict[str, object]:
        """Parameters as stored JSON: an ordered mapping level → score."""
        return {"levels": {level: str(score) for level, score in zip(self.levels, self.scores, strict=True)}}


@dataclass(frozen=True)
class CappedBonus:
    """Bonus points min(cap, per_item·count), added on top of the annual score (DOMAIN.md, `capped_bonus`).

    Its output is bonus *points*, not a 0–100 score; a negative count gives 0.
    """

    per_item: Decimal
    cap: Decimal
    kind: ClassVar[str] = "capped_bonus"
    direction: ClassVar[str] = "higher"

    def validate(self) -> list[Problem]:
        """per_item > 0 and 0 < cap ≤ 100."""
        problems: list[Problem] = []
        if self.per_item <= 0:
            problems.append(Problem("per_item_not_positive", "per_item", {"per_item": self.per_item}))
        if not 0 < self.cap <= HUNDRED:
            problems.append(Problem("cap_out_of_range", "cap", {"cap": self.cap}))
        return problems

    def cents(self, values: FloatArray) -> FloatArray:
        """Vectorised bonus points in whole cents."""
        return _capped_bonus_cents(values, float(self.per_item), float(self.cap))

    def score(self, values: FloatArray) -> FloatArray:
        """Vectorised bonus points."""
        return self.cents(_as_floats(values)) / 100.0

    def score_one(self, value: Decimal | None) -> Decimal | None:
        """One count's bonus points, in Decimal."""
        return None if value is None else quantize2(min(self.cap, max(ZERO, self.per_item * value)))

    def to_dict(self) -> dict[str, object]:
        """Parameters as stored JSON."""
        return {"per_item": str(self.per_item), "cap": str(self.cap)}


@dataclass(frozen=True)
class Veto:
    """一票否决: any true (non-zero) value forces a 不称职 proposal; the rule scores no points."""

    kind: ClassVar[str] = "veto"
    direction: ClassVar[str] = "any"

    def validate(self) -> list[Problem]:
        """A veto has no parameters."""
        return []

    def cents(self, values: FloatArray) -> FloatArray:
        """No points: always NaN."""
        return np.full(np.shape(values), np.nan)

    def score(self, values: FloatArray) -> FloatArray:
        """No points: always NaN."""
        return self.cents(values)

    def score_one(self, value: Decimal | None) -> Decimal | None:
        """No points: always None."""
        return None

    def triggered(self, values: FloatArray) -> BoolArray:
        """True where the value is present and non-zero."""
        raw = _as_floats(values)
        return np.logical_and(np.isfinite(raw), np.not_equal(raw, 0.0))

    def triggered_one(self, value: Decimal | None) -> bool:
        """True when the value is present and non-zero."""
        return value is not None and value != 0

    def to_dict(self) -> dict[str, object]:
        """No parameters."""
        return {}


Rule: TypeAlias = Ratio | DeductBelow | LowerBetter | Bands | Rubric | CappedBonus | Veto
RULE_KINDS: dict[str, type[Rule]] = {
    rule.kind: rule for rule in (Ratio, DeductBelow, LowerBetter, Bands, Rubric, CappedBonus, Veto)
}


Parameter: TypeAlias = float | FloatArray


def _half_up_in_place(cents: FloatArray) -> FloatArray:
    """Whole cents, half-up (`rounding.half_up`, in place)."""
    np.add(cents, HALF_UP, out=cents)
    return np.floor(cents, out=cents)


def _ratio_cents(values: FloatArray, target: Parameter, out: FloatArray | None = None) -> FloatArray:
    """min(100, 100·v/target), at least 0, in cents: v·(10000/target) clipped to 0..10000."""
    scores = np.multiply(values, np.divide(10000.0, target), out=out)
    return _half_up_in_place(np.clip(scores, 0.0, 10000.0, out=scores))


def _deduct_below_cents(
    values: FloatArray, target: Parameter, k: Parameter, out: FloatArray | None = None
) -> FloatArray:
    """max(0, 100 − k·max(0, target − v)), in cents (at most 10000 as k ≥ 0)."""
    shortfall = np.subtract(target, values, out=out)
    np.maximum(shortfall, 0.0, out=shortfall)
    np.multiply(shortfall, np.multiply(k, 100.0), out=shortfall)
    scores = np.subtract(10000.0, shortfall, out=shortfall)
    return _half_up_in_place(np.maximum(scores, 0.0, out=scores))


def _lower_better_cents(values: FloatArray, k: Parameter, out: FloatArray | None = None) -> FloatArray:
    """max(0, 100 − k·v), at most 100, in cents."""
    scores = np.multiply(values, np.multiply(k, -100.0), out=out)
    np.add(scores, 10000.0, out=scores)
    return _half_up_in_place(np.clip(scores, 0.0, 10000.0, out=scores))


def _capped_bonus_cents(
    values: FloatArray, per_item: Parameter, cap: Parameter, out: FloatArray | None = None
) -> FloatArray:
    """min(cap, per_item·count), at least 0, in cents."""
    points = np.multiply(values, np.multiply(per_item, 100.0), out=out)
    return _half_up_in_place(np.clip(points, 0.0, np.multiply(cap, 100.0), out=points))


#: Kinds whose numeric parameters can differ between the rows of one block: kernel and parameter names.
_ROW_PARAMETER_KERNELS: dict[str, tuple[Callable[..., FloatArray], tuple[str, ...]]] = {
    "ratio": (_ratio_cents, ("target",)),
    "deduct_below": (_deduct_below_cents, ("target", "k")),
    "lower_better": (_lower_better_cents, ("k",)),
    "capped_bonus": (_capped_bonus_cents, ("per_item", "cap")),
}


def group_key(rule: Rule) -> Hashable:
    """Columns whose rules share this key are scored together by `group_cents`: same kind for the
    parametric kinds, the very same rule for `bands`, `rubric` and `veto`."""
    return rule.kind if rule.kind in _ROW_PARAMETER_KERNELS else rule


def group_cents(rules: Sequence[Rule], values: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """Scores in whole cents of a block of columns: row i of the 2-D `values` is scored by rules[i].

    All rules share one `group_key`; parameters are broadcast as a column over the rows. Written to
    `out` (shaped as `values`) when given.
    """
    kernel = _ROW_PARAMETER_KERNELS.get(rules[0].kind)
    if kernel is None:
        found = rules[0].cents(values)
        if out is None:
            return found
        out[...] = found
        return out
    function, names = kernel
    columns = [np.array([float(getattr(rule, name)) for rule in rules])[:, np.newaxis] for name in names]
    return function(values, *columns, out=out)


def rule_target(rule: Rule) -> Decimal | None:
    """The rule's own target, for rules that have one."""
    return rule.target if isinstance(rule, Ratio | DeductBelow) else None


def rule_from_dict(kind: str, params: Mapping[str, object]) -> Rule | list[Problem]:
    """Parse stored JSON parameters into a valid rule, or return the problems (DOMAIN.md "Indicators").

    Numbers may be ints, floats or decimal strings. Unknown kinds, missing, unknown or non-numeric
    parameters, and everything `validate()` finds, come back as problems.
    """
    parser = _PARSERS.get(kind)
    if parser is None:
        return [Problem("rule_kind_unknown", "kind", {"kind": kind})]
    reader = _Reader(params)
    rule = parser(reader)
    problems = reader.problems + reader.unknown_problems()
    if rule is None or problems:
        return problems
    return rule.validate() or rule


class _Reader:
    """Reads parameters one by one, collecting problems instead of raising."""

    def __init__(self, params: Mapping[str, object]) -> None:
        self.params = params
        self.problems: list[Problem] = []
        self.read: set[str] = set()

    def number(self, name: str) -> Decimal | None:
        """A finite decimal parameter, or None with a problem recorded."""
        self.read.add(name)
        if name not in self.params:
            self.problems.append(Problem("param_missing", name, {"name": name}))
            return None
        return self.convert(self.params[name], name, name)

    def convert(self, raw: object, name: str, field: str) -> Decimal | None:
        """A nested value as a finite decimal, or None with a problem recorded."""
        value = _to_decimal(raw)
        if value is None:
            self.problems.append(Problem("param_not_numeric", field, {"name": name, "value": str(raw)}))
        return value

    def raw(self, name: str) -> object:
        """A parameter's raw value, or None with a problem recorded."""
        self.read.add(name)
        if name not in self.params:
            self.problems.append(Problem("param_missing", name, {"name": name}))
            return None
        return self.params[name]

    def malformed(self, field: str, name: str) -> None:
        """Record a parameter that has the wrong shape."""
        self.problems.append(Problem("param_malformed", field, {"name": name}))

    def unknown_problems(self) -> list[Problem]:
        """Problems for parameters that no rule of this kind reads."""
        unknown = [str(name) for name in self.params if name not in self.read]
        return [Problem("param_unknown", name, {"name": name}) for name in unknown]


def _to_decimal(raw: object) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        return None
    try:
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _parse_ratio(reader: _Reader) -> Rule | None:
    target = reader.number("target")
    return None if target is None else Ratio(target)


def _parse_deduct_below(reader: _Reader) -> Rule | None:
    target, k = reader.number("target"), reader.number("k")
    return None if target is None or k is None else DeductBelow(target, k)


def _parse_lower_better(reader: _Reader) -> Rule | None:
    k = reader.number("k")
    return None if k is None else LowerBetter(k)


def _parse_capped_bonus(reader: _Reader) -> Rule | None:
    per_item, cap = reader.number("per_item"), reader.number("cap")
    return None if per_item is None or cap is None else CappedBonus(per_item, cap)


def _parse_veto(reader: _Reader) -> Rule | None:
    return Veto()


def _parse_bands(reader: _Reader) -> Rule | None:
    minimum, maximum, raw = reader.number("minimum"), reader.number("maximum"), reader.raw("bands")
    if raw is None:
        return None
    if not isinstance(raw, list | tuple):
        reader.malformed("bands", "bands")
        return None
    bands = [_parse_band(reader, position, item) for position, item in enumerate(raw)]
    if minimum is None or maximum is None or any(band is None for band in bands):
        return None
    return Bands(minimum, maximum, tuple(band for band in bands if band is not None))


def _parse_band(reader: _Reader, position: int, item: object) -> Band | None:
    field = f"bands[{position}]"
    if isinstance(item, Mapping) and {"lower", "upper", "score"} <= set(item):
        triple = (item["lower"], item["upper"], item["score"])
    elif isinstance(item, list | tuple) and len(item) == 3:
        triple = (item[0], item[1], item[2])
    else:
        reader.malformed(field, "bands")
        return None
    names = ("lower", "upper", "score")
    numbers = [reader.convert(raw, name, f"{field}.{name}") for name, raw in zip(names, triple, strict=True)]
    lower, upper, score = numbers
    return None if lower is None or upper is None or score is None else Band(lower, upper, score)


def _parse_rubric(reader: _Reader) -> Rule | None:
    raw = reader.raw("levels")
    if raw is None:
        return None
    if isinstance(raw, Mapping):
        pairs = [(level, score) for level, score in raw.items()]
    elif isinstance(raw, list | tuple) and all(isinstance(p, list | tuple) and len(p) == 2 for p in raw):
        pairs = [(p[0], p[1]) for p in raw]
    else:
        reader.malformed("levels", "levels")
        return None
    levels = tuple(str(level) for level, _ in pairs)
    scores = [reader.convert(score, "score", f"levels[{i}].score") for i, (_, score) in enumerate(pairs)]
    if any(score is None for score in scores):
        return None
    return Rubric(levels, tuple(score for score in scores if score is not None))


_PARSERS = {
    "ratio": _parse_ratio,
    "deduct_below": _parse_deduct_below,
    "lower_better": _parse_lower_better,
    "bands": _parse_bands,
    "rubric": _parse_rubric,
    "capped_bonus": _parse_capped_bonus,
    "veto": _parse_veto,
}
