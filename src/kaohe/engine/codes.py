"""Shared vocabularies of the engine: dimensions, grades, non-grade codes, gates, tie-break keys.

Every integer code here is part of the engine's contract with the Django layer (see docs/engine.md).
Grades use the personnel code set ZB18 numbering (1 优秀 … 4 不称职); non-grade results use its
5A/5B/5C/6A codes (cn-rules.md §1H).
"""

from __future__ import annotations

from enum import IntEnum
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = [
    "DIMENSIONS",
    "DIMENSION_NAMES_ZH",
    "GRADE_KEYS",
    "QUARTER_LEVELS",
    "RATER_ROLES",
    "SANCTION_PERIOD_MONTHS",
    "BoolArray",
    "FloatArray",
    "Gate",
    "Grade",
    "Int8Array",
    "IntArray",
    "NonGrade",
    "QuarterGrade",
    "TieBreak",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
IntArray: TypeAlias = npt.NDArray[np.int64]
Int8Array: TypeAlias = npt.NDArray[np.int8]

#: The five dimensions 德能勤绩廉 (公务员法 第35条), in this fixed order everywhere.
DIMENSIONS: tuple[str, ...] = ("de", "neng", "qin", "ji", "lian")
DIMENSION_NAMES_ZH: dict[str, str] = {"de": "德", "neng": "能", "qin": "勤", "ji": "绩", "lian": "廉"}

#: 360° rater roles, DOMAIN.md "Data collection".
RATER_ROLES: tuple[str, ...] = ("superior", "peer", "public", "recipient")

#: 平时 quarter levels 好/较好/一般/较差 (cn-rules.md §1C), in `QuarterGrade` order 1..4.
QUARTER_LEVELS: tuple[str, ...] = ("好", "较好", "一般", "较差")

#: Promotion-blocking period per sanction (公务员法 第64条), for the adapter to fill `sanction_months`.
SANCTION_PERIOD_MONTHS: dict[str, int] = {
    "warning": 6,  # 警告
    "demerit": 12,  # 记过
    "major_demerit": 18,  # 记大过
    "demotion": 24,  # 降级
    "dismissal_from_post": 24,  # 撤职
}


class Grade(IntEnum):
    """Annual grade (等次), numbered as in ZB18; NONE = no grade proposed."""

    NONE = 0
    EXCELLENT = 1  # 优秀
    COMPETENT = 2  # 称职
    BASIC = 3  # 基本称职
    INCOMPETENT = 4  # 不称职

    @property
    def key(self) -> str:
        """The settings key used in `Bonus.coefficients` ("excellent", …; "none")."""
        return GRADE_KEYS[self.value]


#: Keys for grades 0..4, as used in bonus coefficients and in problem params.
GRADE_KEYS: tuple[str, ...] = ("none", "excellent", "competent", "basic", "incompetent")


class QuarterGrade(IntEnum):
    """A 平时 quarter's result: 0 not graded, 1 好, 2 较好, 3 一般, 4 较差."""

    NONE = 0
    GOOD = 1
    FAIRLY_GOOD = 2
    AVERAGE = 3
    POOR = 4


class NonGrade(IntEnum):
    """Non-grade result codes of ZB18 (cn-rules.md §1H); precedence 6A > 5B > 5C > 5A."""

    NONE = 0
    PROBATION = 1  # 5A 试用期, comments only
    INVESTIGATION = 2  # 5B 立案审查调查未结案, graded later (补定等次)
    SANCTION = 3  # 5C 受记过或更重处分期间
    LEAVE = 4  # 6A 病事假累计超过半年, not appraised

    @property
    def code(self) -> str:
        """The ZB18 code ("5A", …; "" for none)."""
        return ("", "5A", "5B", "5C", "6A")[self.value]


class Gate(IntEnum):
    """Gates that block 优秀 (DOMAIN.md "Grades"); columns of `gate_failed` in this order."""

    WARNING = 0  # 警告 sanction this year
    ACCOUNTABILITY = 1  # 诫勉 or heavier accountability this year
    NO_GOOD_QUARTER = 2  # no 好 quarter (require_good_quarter)
    POOR_QUARTER = 3  # a 较差 quarter (block_poor_quarter)
    LOW_SATISFACTION = 4  # measured satisfaction below min_satisfaction
    UNIT_HEAD = 5  # head of a unit whose own appraisal is 一般 or lower (机关绩效考核 gates its head)
    PARTY_SECRETARY = 6  # party secretary of a unit whose 党建 result is poor

    @property
    def code(self) -> str:
        """The stable reason code, e.g. "gate_warning"."""
        return "gate_" + self.name.lower()


class TieBreak(IntEnum):
    """Ranking keys of 优秀 candidates, in order: composite ↓, annual ↓, 好 quarters ↓, person id ↑."""

    NONE = -1  # no next (or previous) candidate in the pool
    COMPOSITE = 0
    ANNUAL = 1
    GOOD_QUARTERS = 2
    PERSON_ID = 3
