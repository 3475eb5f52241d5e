"""Workflow and collection settings of a scheme that the scoring engine itself does not read.

Deadlines (复核/申诉/公示…) as {n, calendar|working days, start event}, the warning-light thresholds
(绿黄橙红), the anonymity minimum for 360° aggregates, the cap on 好 in quarterly grading, the
minimum differentiation between categories' weight vectors and a category's minimum share for its
key indicators (DOMAIN.md "Workflow", "Warnings", "Data collection", "Indicators"). Validated as data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from kaohe.engine.problems import Problem

__all__ = ["DEADLINE_EVENTS", "Deadline", "KeyIndicatorMinimum", "Policy", "plan_policy", "statutory_policy"]

DAY_UNITS = ("calendar", "working")
#: Events a deadline can count from.
DEADLINE_EVENTS = ("notice", "review_decision", "filing", "publication_start", "quarter_end", "cycle_open")
#: Deadlines a scheme carries: review request/decision, appeal filing/decision, 公示 length.
DEADLINE_KEYS = (
    "review_request",
    "review_decision",
    "appeal_after_review",
    "appeal_direct",
    "appeal_decision",
    "publication",
)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Deadline:
    """`n` calendar or working days counted from `start` (an event)."""

    n: int
    unit: str = "calendar"
    start: str = "notice"

    def validate(self) -> list[Problem]:
        problems: list[Problem] = []
        if not 0 < self.n <= 365:
            problems.append(Problem("deadline_days_out_of_range", "n", {"value": self.n}))
        if self.unit not in DAY_UNITS:
            problems.append(Problem("choice_unknown", "unit", {"value": self.unit, "allowed": ", ".join(DAY_UNITS)}))
        if self.start not in DEADLINE_EVENTS:
            allowed = ", ".join(DEADLINE_EVENTS)
            problems.append(Problem("choice_unknown", "start", {"value": self.start, "allowed": allowed}))
        return problems


@dataclass(frozen=True)
class KeyIndicatorMinimum:
    """The category's key indicators must hold at least `share` percent of the 绩 dimension."""

    codes: tuple[str, ...]
    share: Decimal


@dataclass(frozen=True, kw_only=True)
class Policy:
    deadlines: Mapping[str, Deadline]
    warning_yellow: Decimal = Decimal(10)
    warning_orange: Decimal = Decimal(20)
    anonymity_min: int = 5
    good_quarter_cap: Decimal = Decimal(40)
    differentiation_min: Decimal = Decimal(30)
    key_indicators: KeyIndicatorMinimum | None = None
    roll_to_working_day: bool = True
    #: a unit's grade (优秀, 良好, 一般, 较差) → its staff's 优秀 quota in percent (unit schemes only)
    staff_excellent_by_unit_grade: tuple[Decimal, ...] = (Decimal(15), Decimal(12), Decimal(10), Decimal(8))
    #: extra percent of 优秀 per collective commendation (集体嘉奖) of the unit in the year
    commendation_bonus: Decimal = Decimal(2)

    def validate(self) -> list[Problem]:
        problems: list[Problem] = [
            Problem("deadline_missing", f"deadlines.{key}", {"deadline": key})
            for key in DEADLINE_KEYS
            if key not in self.deadlines
        ]
        for key, deadline in self.deadlines.items():
            problems += [Problem(p.code, f"deadlines.{key}.{p.field}", p.params) for p in deadline.validate()]
        if not 0 < self.warning_yellow < self.warning_orange <= HUNDRED:
            params = {"yellow": self.warning_yellow, "orange": self.warning_orange}
            problems.append(Problem("warning_thresholds_unordered", "warning_yellow", params))
        if self.anonymity_min < 3:
            problems.append(Problem("anonymity_below_floor", "anonymity_min", {"value": self.anonymity_min}))
        by_grade = {f"staff_excellent_by_unit_grade.{i}": v for i, v in enumerate(self.staff_excellent_by_unit_grade)}
        percents = {"good_quarter_cap": self.good_quarter_cap, "differentiation_min": self.differentiation_min,
                    "commendation_bonus": self.commendation_bonus, **by_grade}
        for name, value in percents.items():
            if not 0 <= value <= HUNDRED:
                problems.append(Problem("percent_out_of_range", name, {"value": value}))
        if len(self.staff_excellent_by_unit_grade) != 4:
            problems.append(Problem("percent_out_of_range", "staff_excellent_by_unit_grade", {"value": "—"}))
        if self.key_indicators is not None and not 0 <= self.key_indicators.share <= HUNDRED:
            problems.append(
                Problem("percent_out_of_range", "key_indicators.share", {"value": self.key_indicators.share})
            )
        return problems


def statutory_policy() -> Policy:
    """公务员考核规定 and 公务员申诉规定 deadlines: review 30/30 days, appeal 15 after review or 30
    direct, decided in 60; 公示 at least 5 working days (cn-rules.md §1E, §1I)."""
    return Policy(
        deadlines={
            "review_request": Deadline(30, "calendar", "notice"),
            "review_decision": Deadline(30, "calendar", "filing"),
            "appeal_after_review": Deadline(15, "calendar", "review_decision"),
            "appeal_direct": Deadline(30, "calendar", "notice"),
            "appeal_decision": Deadline(60, "calendar", "filing"),
            "publication": Deadline(5, "working", "publication_start"),
        }
    )


def plan_policy() -> Policy:
    """The planning documents: review requested within 10 working days, decided within 20 days."""
    base = statutory_policy()
    deadlines = dict(base.deadlines)
    deadlines["review_request"] = Deadline(10, "working", "notice")
    deadlines["review_decision"] = Deadline(20, "calendar", "filing")
    return Policy(deadlines=deadlines, key_indicators=None)


POLICY_MESSAGES: dict[str, str] = {
    "deadline_days_out_of_range": "A deadline must be between 1 and 365 days, not {value}.",
    "deadline_missing": "The deadline {deadline} is missing.",
    "warning_thresholds_unordered": "The yellow threshold ({yellow}) must be above 0 and below the orange one "
    "({orange}), which is at most 100.",
    "anonymity_below_floor": "The anonymity minimum must be at least 3 ballots, not {value}.",
    "percent_out_of_range": "A percentage must be between 0 and 100, not {value}.",
}
