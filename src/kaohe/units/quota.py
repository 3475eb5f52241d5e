"""How a unit's result shapes its staff's (DOMAIN.md "Units and leadership"): the unit's grade sets its
staff 优秀 quota (default 15/12/10/8% for 优秀/良好/一般/较差, plus a bonus per collective commendation),
never above the profile ceiling without a recorded approval; the head of a unit graded 一般 or lower
cannot be 优秀; a poor 党建 result gates the unit's party secretary."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from kaohe.appraisal.models import Cycle
from kaohe.appraisal.scoring import scheme_category
from kaohe.indicators.adapter import scheme_policy
from kaohe.units.models import Commendation, LeaderRole, QuotaCeilingApproval, UnitLeader, UnitResult

PARTY_BUILDING = "UC01"  # the 党建 indicator of the unit schemes
PARTY_BUILDING_MIN = 60.0  # below this (较差 scores 50) the party secretary is gated
FAIR = 3  # 一般: from this grade down the head is gated
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class StaffQuota:
    """A unit's staff 优秀 ratio and how it came about (shown on the unit's page)."""

    unit_id: int
    grade: int
    by_grade: Decimal  # percent set by the unit's grade
    commendations: int
    ceiling: Decimal  # percent: the profile's, or the approved one
    approved: bool
    ratio: Decimal  # the fraction used, min(by_grade + bonus, ceiling) / 100


@dataclass(frozen=True)
class StaffEffects:
    quotas: dict[int, StaffQuota] = field(default_factory=dict)
    head_gate: set[int] = field(default_factory=set)  # person ids
    secretary_gate: set[int] = field(default_factory=set)

    @property
    def ratios(self) -> dict[int, Decimal]:
        return {unit: quota.ratio for unit, quota in self.quotas.items()}


def current_results(cycle: Cycle) -> list[UnitResult]:
    run = cycle.unit_runs.filter(is_current=True).first()
    return list(run.results.select_related("unit").order_by("unit_id")) if run else []


def staff_quota(cycle: Cycle, result: UnitResult) -> StaffQuota:
    """The unit's staff ratio from its grade, commendations and ceiling (the person scheme's ratio)."""
    unit, year = result.unit, cycle.year
    policy = scheme_policy(cycle.schemes[result.category]["settings"])
    by_grade = policy.staff_excellent_by_unit_grade[result.final_grade - 1]
    commendations = Commendation.objects.filter(unit=unit, year=year).count()
    approval = QuotaCeilingApproval.objects.filter(unit=unit, year=year).first()
    person_scheme = cycle.schemes.get(scheme_category(unit.level, unit.category))
    profile = Decimal(person_scheme["settings"]["quota"]["ratio"]) * HUNDRED if person_scheme else HUNDRED
    ceiling = approval.ratio_percent if approval else profile
    wanted = by_grade + commendations * policy.commendation_bonus
    return StaffQuota(unit.pk, result.final_grade, by_grade, commendations, ceiling, approval is not None,
                      min(wanted, ceiling) / HUNDRED)


def staff_effects(cycle: Cycle) -> StaffEffects:
    """Everything the cycle's current unit results do to people (nothing before the units are scored)."""
    results = [r for r in current_results(cycle) if r.final_grade]
    if not results:
        return StaffEffects()
    year_end = dt.date(cycle.year, 12, 31)
    leaders = UnitLeader.objects.filter(Q(end__isnull=True) | Q(end__gte=year_end), start__lte=year_end,
                                        unit_id__in=[r.unit_id for r in results])
    heads = {(leader.unit_id, leader.role): leader.person_id for leader in leaders if leader.role != LeaderRole.MEMBER}
    effects = StaffEffects(quotas={r.unit_id: staff_quota(cycle, r) for r in results})
    for r in results:
        head = heads.get((r.unit_id, LeaderRole.HEAD))
        if r.final_grade >= FAIR and head is not None:
            effects.head_gate.add(head)
        secretary = heads.get((r.unit_id, LeaderRole.PARTY_SECRETARY))
        party = r.scores.get(PARTY_BUILDING)
        if party is not None and party < PARTY_BUILDING_MIN and secretary is not None:
            effects.secretary_gate.add(secretary)
    return effects
