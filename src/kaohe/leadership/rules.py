"""Advisory proposals and the 优秀 gate of leadership appraisal. Pure: stdlib only.

No national weights exist for leading cadres (cn-rules.md §1J, §4): a proposal is advice that the
committee sees beside the inputs, never the grade. The defaults, in one place:

- a democratic score gives a band: teams ≥ 90 优秀, ≥ 80 良好, ≥ 60 一般, else 较差; cadres ≥ 90 优秀,
  ≥ 70 称职, ≥ 60 基本称职, else 不称职;
- a team's proposal is the lower (worse) of the unit's grade and its democratic band;
- a cadre's proposal is the democratic band;
- the gate: the team of a unit graded 一般 or lower cannot be 优秀, nor can the unit's head in the annual
  appraisal (DOMAIN.md "Units and leadership"); a gated proposal of 优秀 becomes the next grade.

A democratic score that is hidden (fewer raters than the anonymity minimum) is not an input: the
proposal uses exactly what the page shows.
"""

from dataclasses import dataclass
from decimal import Decimal

EXCELLENT = 1
FAIR = 3  # 一般: from this unit grade down, 优秀 is ruled out
GRADES = (1, 2, 3, 4)
TEAM_BANDS = ((Decimal(90), 1), (Decimal(80), 2), (Decimal(60), 3))
CADRE_BANDS = ((Decimal(90), 1), (Decimal(70), 2), (Decimal(60), 3))


@dataclass(frozen=True)
class Proposal:
    """The proposed grade (0: no input to propose from), each input's own grade and whether the gate applied."""

    grade: int
    from_unit: int | None
    from_democratic: int | None
    gated: bool


def band(score: Decimal, bands: tuple[tuple[Decimal, int], ...]) -> int:
    """The grade of a democratic score: the first band whose lower bound it reaches, else 4."""
    for lower, grade in bands:
        if score >= lower:
            return grade
    return 4


def gated(unit_grade: int | None) -> bool:
    """True when the unit's grade (1–4; 0 or None: not graded) rules out 优秀."""
    return bool(unit_grade) and (unit_grade or 0) >= FAIR


def _capped(grade: int, gate: bool) -> int:
    return EXCELLENT + 1 if gate and grade == EXCELLENT else grade


def team_proposal(unit_grade: int | None, democratic: Decimal | None) -> Proposal:
    """The worse of the unit's grade and the democratic band, never 优秀 behind the gate."""
    from_unit = unit_grade or None
    from_democratic = band(democratic, TEAM_BANDS) if democratic is not None else None
    inputs = [g for g in (from_unit, from_democratic) if g is not None]
    gate = gated(unit_grade)
    return Proposal(_capped(max(inputs), gate) if inputs else 0, from_unit, from_democratic, gate)


def cadre_proposal(democratic: Decimal | None, *, unit_grade: int | None, head_annual: bool) -> Proposal:
    """The democratic band; for the head's annual appraisal never 优秀 behind the unit's gate."""
    from_democratic = band(democratic, CADRE_BANDS) if democratic is not None else None
    gate = head_annual and gated(unit_grade)
    grade = _capped(from_democratic, gate) if from_democratic is not None else 0
    return Proposal(grade, unit_grade or None, from_democratic, gate)
