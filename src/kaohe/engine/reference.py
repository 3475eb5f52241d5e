"""The reference engine: the same rules, one person at a time, in `decimal.Decimal` (the oracle).

Written plainly — simple loops, no numpy in the rule math — so that it is obviously correct. The
property tests (tests/engine/test_properties.py) hold `scoring.score_cohort` equal to it on random
schemes and cohorts. It reads the same `Cohort`, converting each float to the decimal it stands for
(its shortest repr), and assumes valid inputs. Rules of DOMAIN.md "Scoring", "Grades", "Results use".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from kaohe.engine.codes import DIMENSIONS, GRADE_KEYS, QUARTER_LEVELS, Gate, Grade, NonGrade, TieBreak
from kaohe.engine.cohort import Cohort
from kaohe.engine.rounding import decimal_from_float, quantize2, quantize4
from kaohe.engine.rules import Veto
from kaohe.engine.scheme import Scheme

__all__ = ["Person", "PersonOutcome", "read_person", "reference_cohort", "score_person"]

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Person:
    """One person's inputs, in plain Python values (None = missing)."""

    person_id: int
    group: int
    pool: int
    values: tuple[Decimal | None, ...]
    quarters: tuple[int, ...]
    special: Decimal | None
    raters: tuple[tuple[Decimal, int, Decimal, Decimal], ...]  # (sum, count, min, max) per role
    satisfaction: Decimal | None
    veto: bool
    warning: bool
    unit_head_gate: bool
    party_secretary_gate: bool
    accountability: bool
    demerit: bool
    investigation: bool
    probation: bool
    leave_days: int
    working_days: int
    protected: bool
    history: tuple[int, ...]
    step_credit: int
    level_credit: int
    sanction_months: int
    difficulty: Decimal
    waivers: Mapping[int, int]  # indicator column → percent of its deduction waived (容错免责)


@dataclass(frozen=True)
class PersonOutcome:
    """Everything the reference decides for one person; ranking fields are filled per pool."""

    person_id: int
    rater_score: Decimal | None
    indicator_scores: tuple[Decimal | None, ...]
    veto: bool
    dimension_scores: tuple[Decimal | None, ...]
    dimension_reweighted: tuple[bool, ...]
    annual_base: Decimal | None
    annual_reweighted: bool
    bonus_points: Decimal
    annual: Decimal | None
    regular: Decimal | None
    good_quarters: int
    special: Decimal | None
    composite: Decimal | None
    composite_reweighted: bool
    non_grade: int
    gate_applied: tuple[bool, ...]
    gate_failed: tuple[bool, ...]
    participant: bool
    candidate: bool
    rank: int = 0
    pool_participants: int = 0
    pool_candidates: int = 0
    pool_quota: int = 0
    tie_break: int = int(TieBreak.NONE)
    tie_break_previous: int = int(TieBreak.NONE)
    grade: int = int(Grade.NONE)
    bonus_factor: Decimal | None = None
    consequences: tuple[tuple[str, int], ...] = ()
    weakest_dimension: int = -1


def reference_cohort(scheme: Scheme, cohort: Cohort) -> list[PersonOutcome]:
    """Score everyone one by one, then rank each (group, pool) and grade, in cohort order."""
    people = [read_person(cohort, i) for i in range(cohort.size)]
    outcomes = [score_person(scheme, person) for person in people]
    pools: dict[tuple[int, int], list[int]] = {}
    for i, person in enumerate(people):
        pool = person.pool if scheme.quota.per_post_level_pool else 0
        pools.setdefault((person.group, pool), []).append(i)
    for (group, pool), members in pools.items():
        ratio = cohort.group_quota_ratios.get(group, scheme.quota.ratio)
        extra = 0
        for (raise_group, raise_pool), places in cohort.quota_raises.items():
            if raise_group == group and (raise_pool if scheme.quota.per_post_level_pool else 0) == pool:
                extra += places
        for i, outcome in _rank_pool(scheme, [(i, outcomes[i]) for i in members], extra, ratio):
            outcomes[i] = outcome
    return [_finish(scheme, person, outcome) for person, outcome in zip(people, outcomes, strict=True)]


def read_person(cohort: Cohort, i: int) -> Person:
    """Person i's inputs, floats turned into the decimals they stand for."""
    raters = []
    for j in range(cohort.rater_sum.shape[1]):
        total, count, low, high = (
            decimal_from_float(float(column[i, j]))
            for column in (cohort.rater_sum, cohort.rater_count, cohort.rater_min, cohort.rater_max)
        )
        zero = Decimal(0)
        ballots = int(count or 0) if total is not None else 0  # NaN count or sum: no ballots
        raters.append((total or zero, ballots, low or zero, high or zero))
    return Person(
        person_id=int(cohort.person_ids[i]),
        group=int(cohort.group_ids[i]),
        pool=int(cohort.pool_ids[i]),
        values=tuple(decimal_from_float(float(v)) for v in cohort.values[i]),
        quarters=tuple(int(q) for q in cohort.quarter_grades[i]),
        special=decimal_from_float(float(cohort.special_scores[i])),
        raters=tuple(raters),
        satisfaction=decimal_from_float(float(cohort.satisfaction[i])),
        veto=bool(cohort.veto[i]),
        warning=bool(cohort.warning_this_year[i]),
        unit_head_gate=bool(cohort.unit_head_gate[i]),
        party_secretary_gate=bool(cohort.party_secretary_gate[i]),
        waivers=_waivers_of(cohort, i),
        accountability=bool(cohort.accountability_this_year[i]),
        demerit=bool(cohort.demerit_or_heavier_active[i]),
        investigation=bool(cohort.under_investigation[i]),
        probation=bool(cohort.on_probation[i]),
        leave_days=int(cohort.leave_days[i]),
        working_days=int(cohort.working_days),
        protected=bool(cohort.protected[i]),
        history=tuple(int(h) for h in cohort.history[i]),
        step_credit=int(cohort.step_credit_years[i]),
        level_credit=int(cohort.level_credit_years[i]),
        sanction_months=int(cohort.sanction_months[i]),
        difficulty=decimal_from_float(float(cohort.difficulty[i])) or Decimal(1),
    )


def _waivers_of(cohort: Cohort, i: int) -> dict[int, int]:
    """Person i's waivers: indicator column → percent of its deduction waived."""
    span = cohort.waivers.between(i, i + 1)
    return dict(zip(cohort.waivers.columns[span].tolist(), cohort.waivers.shares[span].tolist(), strict=True))


def _waived(score: Decimal | None, share: int | None) -> Decimal | None:
    """A waiver gives back share% of the points lost, half up to the cent."""
    if score is None or share is None:
        return score
    return score + ((HUNDRED - score) * share / HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _weighted_mean(pairs: list[tuple[Decimal, Decimal | None]]) -> tuple[Decimal | None, bool]:
    """Mean of the present scores weighted by positive weights; reweighted if some were missing."""
    total = Decimal(0)
    weight_sum = Decimal(0)
    missing = 0
    for weight, score in pairs:
        if weight <= 0:
            continue
        if score is None:
            missing += 1
        else:
            total += weight * score
            weight_sum += weight
    if weight_sum == 0:
        return None, False
    return quantize2(total / weight_sum), missing > 0


def rater_score(scheme: Scheme, person: Person) -> Decimal | None:
    """The 360° score: trimmed role means (≥ trim_min_raters ballots), weighted by role."""
    pairs: list[tuple[Decimal, Decimal | None]] = []
    for weight, (total, count, minimum, maximum) in zip(scheme.rater_weights.values(), person.raters, strict=True):
        if count >= scheme.trim_min_raters:
            mean: Decimal | None = quantize2((total - maximum - minimum) / (count - 2))
        elif count > 0:
            mean = quantize2(total / count)
        else:
            mean = None
        pairs.append((weight, mean))
    return _weighted_mean(pairs)[0]


def score_person(scheme: Scheme, person: Person) -> PersonOutcome:
    """All scores, the veto, the non-grade code and the gates of one person."""
    rater = rater_score(scheme, person)
    values = [
        rater if spec.source == "rater_form" else v for spec, v in zip(scheme.indicators, person.values, strict=True)
    ]
    scores = [
        _waived(spec.rule.score_one(v), person.waivers.get(j))
        for j, (spec, v) in enumerate(zip(scheme.indicators, values, strict=True))
    ]
    dimensions, dimension_reweighted = _dimensions(scheme, scores)
    dimension_pairs = [
        (scheme.dimension_weights.get(d, Decimal(0)), s) for d, s in zip(DIMENSIONS, dimensions, strict=True)
    ]
    annual_base, annual_reweighted = _weighted_mean(dimension_pairs)
    bonus = Decimal(0)
    for spec, score in zip(scheme.indicators, scores, strict=True):
        if spec.is_bonus and score is not None:
            bonus += score
    annual = None if annual_base is None else quantize2(min(HUNDRED, annual_base + bonus))
    regular, good = _regular(scheme, person)
    special = None if person.special is None else quantize2(person.special)
    composite, composite_reweighted = _composite(scheme, regular, annual, special)
    veto = person.veto
    for spec, value in zip(scheme.indicators, values, strict=True):
        if isinstance(spec.rule, Veto) and spec.rule.triggered_one(value):
            veto = True
    non_grade = _non_grade(scheme, person)
    applied, failed = _gates(scheme, person, good)
    participant = non_grade == NonGrade.NONE
    excellent_enough = composite is not None and composite >= scheme.thresholds.excellent
    return PersonOutcome(
        person_id=person.person_id,
        rater_score=rater,
        indicator_scores=tuple(scores),
        veto=veto,
        dimension_scores=tuple(dimensions),
        dimension_reweighted=tuple(dimension_reweighted),
        annual_base=annual_base,
        annual_reweighted=annual_reweighted,
        bonus_points=quantize2(bonus),
        annual=annual,
        regular=regular,
        good_quarters=good,
        special=special,
        composite=composite,
        composite_reweighted=composite_reweighted,
        non_grade=int(non_grade),
        gate_applied=applied,
        gate_failed=failed,
        participant=participant,
        candidate=participant and not veto and not any(failed) and excellent_enough,
    )


def _dimensions(scheme: Scheme, scores: list[Decimal | None]) -> tuple[list[Decimal | None], list[bool]]:
    """Each dimension's weighted mean over its counted indicators that have a score."""
    dimensions: list[Decimal | None] = []
    reweighted: list[bool] = []
    for dimension in DIMENSIONS:
        pairs = [
            (spec.weight, score)
            for spec, score in zip(scheme.indicators, scores, strict=True)
            if spec.counted and spec.dimension == dimension
        ]
        mean, spread = _weighted_mean(pairs)
        dimensions.append(mean)
        reweighted.append(spread)
    return dimensions, reweighted


def _regular(scheme: Scheme, person: Person) -> tuple[Decimal | None, int]:
    total = Decimal(0)
    graded = 0
    good = 0
    for quarter in person.quarters:
        if quarter > 0:
            total += scheme.quarter_rubric[QUARTER_LEVELS[quarter - 1]]
            graded += 1
        if quarter == 1:
            good += 1
    return (quantize2(total / graded) if graded else None), good


def _composite(
    scheme: Scheme, regular: Decimal | None, annual: Decimal | None, special: Decimal | None
) -> tuple[Decimal | None, bool]:
    composition = scheme.composition
    if composition.mode == "gates":
        return annual, False
    return _weighted_mean(
        [(composition.regular, regular), (composition.annual, annual), (composition.special, special)]
    )


def _non_grade(scheme: Scheme, person: Person) -> NonGrade:
    if Decimal(person.leave_days) > scheme.leave_share_limit * person.working_days:
        return NonGrade.LEAVE
    if person.investigation:
        return NonGrade.INVESTIGATION
    if person.demerit:
        return NonGrade.SANCTION
    if person.probation:
        return NonGrade.PROBATION
    return NonGrade.NONE


def _gates(scheme: Scheme, person: Person, good: int) -> tuple[tuple[bool, ...], tuple[bool, ...]]:
    settings = scheme.gates
    applied = [
        settings.block_warning,
        settings.block_accountability,
        settings.require_good_quarter,
        settings.block_poor_quarter,
        False,
        True,
        True,
    ]
    failed = [
        settings.block_warning and person.warning,
        settings.block_accountability and person.accountability,
        settings.require_good_quarter and good == 0,
        settings.block_poor_quarter and 4 in person.quarters,
        False,
        person.unit_head_gate,
        person.party_secretary_gate,
    ]
    if settings.min_satisfaction is not None and person.satisfaction is not None:
        applied[Gate.LOW_SATISFACTION] = True
        failed[Gate.LOW_SATISFACTION] = quantize2(person.satisfaction) < settings.min_satisfaction
    return tuple(applied), tuple(failed)


def _quota(scheme: Scheme, participants: int, ratio: Decimal) -> int:
    rounding = {"floor": ROUND_FLOOR, "round": ROUND_HALF_UP, "ceil": ROUND_CEILING}[scheme.quota.rounding]
    return int((ratio * participants).to_integral_value(rounding=rounding))


def _rank_key(outcome: PersonOutcome) -> tuple[Decimal, Decimal, int, int]:
    """Sort key: composite ↓, annual ↓ (missing lowest), 好 quarters ↓, person id ↑."""
    composite = outcome.composite if outcome.composite is not None else Decimal(-1)
    annual = outcome.annual if outcome.annual is not None else Decimal(-1)
    return (-composite, -annual, -outcome.good_quarters, outcome.person_id)


def _rank_pool(
    scheme: Scheme, members: list[tuple[int, PersonOutcome]], extra: int, ratio: Decimal
) -> list[tuple[int, PersonOutcome]]:
    """Sort the pool's candidates, number them, and note the key that separates each from its neighbours."""
    participants = sum(1 for _, outcome in members if outcome.participant)
    candidates = sorted((item for item in members if item[1].candidate), key=lambda item: _rank_key(item[1]))
    quota = _quota(scheme, participants, ratio) + extra
    ranks: dict[int, tuple[int, int, int]] = {}
    for position, (i, outcome) in enumerate(candidates):
        after = _first_difference(outcome, candidates[position + 1][1]) if position + 1 < len(candidates) else -1
        before = _first_difference(candidates[position - 1][1], outcome) if position > 0 else -1
        ranks[i] = (position + 1, after, before)
    result = []
    for i, outcome in members:
        rank, after, before = ranks.get(i, (0, -1, -1))
        ranked = replace(outcome, rank=rank, tie_break=after, tie_break_previous=before, pool_quota=quota)
        result.append((i, replace(ranked, pool_participants=participants, pool_candidates=len(candidates))))
    return result


def _first_difference(higher: PersonOutcome, lower: PersonOutcome) -> int:
    """The first ranking key in which two consecutive candidates differ."""
    for key, (a, b) in enumerate(zip(_rank_key(higher), _rank_key(lower), strict=True)):
        if a != b:
            return key
    return int(TieBreak.PERSON_ID)


def _finish(scheme: Scheme, person: Person, outcome: PersonOutcome) -> PersonOutcome:
    grade = _grade(scheme, outcome)
    factor = None
    if grade != Grade.NONE:
        factor = scheme.bonus.coefficients[GRADE_KEYS[grade]]
        if scheme.bonus.kind == "local":
            factor = factor * person.difficulty
        factor = quantize4(factor)
    return replace(
        outcome,
        grade=int(grade),
        bonus_factor=factor,
        consequences=_consequences(person, grade),
        weakest_dimension=_weakest(scheme, outcome),
    )


def _grade(scheme: Scheme, outcome: PersonOutcome) -> Grade:
    if not outcome.participant:
        return Grade.NONE
    if outcome.veto:
        return Grade.INCOMPETENT
    if outcome.candidate and outcome.rank <= outcome.pool_quota:
        return Grade.EXCELLENT
    if outcome.composite is None:
        return Grade.NONE
    if outcome.composite >= scheme.thresholds.competent:
        return Grade.COMPETENT
    if outcome.composite >= scheme.thresholds.basic:
        return Grade.BASIC
    return Grade.INCOMPETENT


def _consequences(person: Person, grade: Grade) -> tuple[tuple[str, int], ...]:
    """Consequence flags and counters, as (name, value) pairs in `Consequences` field order."""
    last, before_last = person.history[0], person.history[1]
    qualifying = grade in (Grade.EXCELLENT, Grade.COMPETENT)
    step_total = person.step_credit + (1 if qualifying else 0)
    level_total = person.level_credit + (1 if qualifying else 0)
    pay_step = qualifying and step_total >= 2
    level_up = qualifying and level_total >= 5
    two_incompetent = grade == Grade.INCOMPETENT and last == Grade.INCOMPETENT
    freeze = person.sanction_months
    if grade == Grade.BASIC:
        freeze = max(freeze, 12)
    return (
        ("commendation", int(grade == Grade.EXCELLENT)),
        (
            "merit_candidate",
            int(grade == Grade.EXCELLENT and last == Grade.EXCELLENT and before_last == Grade.EXCELLENT),
        ),
        ("qualifying_year", int(qualifying)),
        ("pay_step", int(pay_step)),
        ("step_credit_after", step_total - 2 if pay_step else step_total),
        ("level_up", int(level_up)),
        ("level_credit_after", level_total - 5 if level_up else level_total),
        ("admonition", int(grade == Grade.BASIC)),
        ("improvement_plan_months", 3 if grade == Grade.BASIC else 0),
        ("organisational_adjustment", int(grade == Grade.BASIC and last == Grade.BASIC)),
        ("demotion", int(grade == Grade.INCOMPETENT)),
        ("dismissal_review", int(two_incompetent and not person.protected)),
        ("dismissal_protected", int(two_incompetent and person.protected)),
        ("promotion_freeze_months", freeze),
        ("rank_wait_reduction_months", 6 if grade == Grade.EXCELLENT else 0),
    )


def _weakest(scheme: Scheme, outcome: PersonOutcome) -> int:
    weakest = -1
    lowest: Decimal | None = None
    for index, (dimension, score) in enumerate(zip(DIMENSIONS, outcome.dimension_scores, strict=True)):
        weighted = scheme.dimension_weights.get(dimension, Decimal(0)) > 0
        if weighted and score is not None and (lowest is None or score < lowest):
            weakest, lowest = index, score
    return weakest
