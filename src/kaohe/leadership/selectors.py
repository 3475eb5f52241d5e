"""Scoped reads of leadership appraisal. Team and cadre appraisals are read by the appraisal office, the
committee and discipline inspectors over the unit (and a cadre reads their own); interview records by
committee members over the unit only, never by a member of the team concerned (回避), and every such read
is audited."""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.appraisal.models import Cycle
from kaohe.audit.services import audit_append
from kaohe.ballots.services import scheme_anonymity_min
from kaohe.ballots.suppression import ALL, EMPTY, HIDDEN, SHOWN, suppress
from kaohe.core.errors import NotFoundError, PermissionDeniedError
from kaohe.indicators.choices import SchemeCategory
from kaohe.leadership.models import CadreAppraisal, CadreKind, Interview, TeamAppraisal
from kaohe.leadership.rules import Proposal, cadre_proposal, team_proposal
from kaohe.org.models import Unit
from kaohe.units.models import LeaderRole, UnitLeader, UnitResult

READER_ROLES = (Role.APPRAISAL_OFFICE, Role.COMMITTEE, Role.DISCIPLINE)


# Democratic evaluation ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Democratic:
    """A democratic evaluation as it may be shown: `state` is shown, empty (no raters) or hidden (fewer than
    `minimum` raters); only a shown evaluation carries its score and number of raters."""

    state: str
    minimum: int
    score: Decimal | None = None
    raters: int | None = None

    @property
    def shown(self) -> bool:
        return self.state == SHOWN


def democratic_view(score: Decimal | None, raters: int, minimum: int) -> Democratic:
    """Suppressed exactly as a ballot round's total (`ballots.suppression.suppress`, floor 3)."""
    if score is None or raters == 0:
        return Democratic(EMPTY, minimum)
    if not suppress({ALL: raters}, minimum).total:
        return Democratic(HIDDEN, minimum)
    return Democratic(SHOWN, minimum, score, raters)


class _Minimums:
    """The ballots' anonymity minimum per unit kind and year (one scheme lookup per kind)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, int], int] = {}

    def __call__(self, unit: Unit, year: int) -> int:
        key = (unit.level, unit.category, year)
        if key not in self._cache:
            self._cache[key] = scheme_anonymity_min(unit, year)
        return self._cache[key]


def anonymity_min(unit: Unit, year: int) -> int:
    return scheme_anonymity_min(unit, year)


# Unit grades and leaders ----------------------------------------------------------------------------------

def unit_grades(unit_ids: Iterable[int], year: int) -> dict[int, int]:
    """Each unit's final grade (1 优秀 … 4 较差; 0 not graded) in the current unit run of the year's cycle
    (the latest cycle, should several cover the unit)."""
    grades: dict[int, int] = {}
    results = (UnitResult.objects.filter(unit_id__in=list(unit_ids), run__is_current=True, run__cycle__year=year)
               .order_by("run__cycle_id").only("unit_id", "grade", "decided_grade"))
    for result in results:
        grades[result.unit_id] = result.final_grade
    return grades


def unit_grade(unit: Unit, year: int) -> int:
    return unit_grades([unit.pk], year).get(unit.pk, 0)


def leaders_in_year(unit: Unit, year: int) -> QuerySet[UnitLeader]:
    """The members of the unit's leadership team at any time in the year, heads first."""
    return (UnitLeader.objects.filter(unit=unit, start__lte=dt.date(year, 12, 31))
            .filter(Q(end__isnull=True) | Q(end__gte=dt.date(year, 1, 1)))
            .select_related("person").order_by("role", "start", "pk"))


def _reads(user: User, unit: Unit) -> bool:
    return scope_for(user, roles=READER_ROLES).covers_path(unit.path)


# Teams ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TeamRow:
    """A unit's leadership team in a year: the unit's grade, the recorded appraisal (if any), the democratic
    evaluation as shown, and the proposal from them."""

    unit: Unit
    year: int
    unit_grade: int
    appraisal: TeamAppraisal | None
    democratic: Democratic
    proposal: Proposal

    @property
    def decided_grade(self) -> int | None:
        return self.appraisal.decided_grade if self.appraisal else None

    @property
    def conflict(self) -> bool:
        """Decided 优秀 although the unit is now graded 一般 or lower (the unit was graded after the team)."""
        return self.decided_grade == 1 and self.proposal.gated


def _team_row(unit: Unit, year: int, grade: int, appraisal: TeamAppraisal | None, minimum: int) -> TeamRow:
    democratic = democratic_view(appraisal.democratic_score if appraisal else None,
                                 appraisal.democratic_raters if appraisal else 0, minimum)
    return TeamRow(unit, year, grade, appraisal, democratic, team_proposal(grade, democratic.score))


def team_rows(user: User, cycle: Cycle) -> list[TeamRow]:
    """The teams of the units appraised in the cycle (and any team appraised in its year under its root) that
    the caller reads, in unit order; a section inside a department (五好 scheme) has no leadership team."""
    scope = scope_for(user, roles=READER_ROLES)
    in_cycle = Q(path__startswith=cycle.root.path) & scope.units_q()
    appraised = (Q(appraisal_results__run__cycle=cycle, appraisal_results__run__is_current=True)
                 & ~Q(appraisal_results__category=SchemeCategory.UNIT_SECTION))
    recorded = Q(team_appraisals__year=cycle.year)
    units = list(Unit.objects.filter(in_cycle).filter(appraised | recorded).distinct().order_by("path"))
    appraisals = {a.unit_id: a for a in TeamAppraisal.objects.filter(year=cycle.year, unit__in=units)}
    grades = unit_grades([u.pk for u in units], cycle.year)
    minimum = _Minimums()
    return [_team_row(u, cycle.year, grades.get(u.pk, 0), appraisals.get(u.pk), minimum(u, cycle.year))
            for u in units]


def team_row(unit: Unit, year: int) -> TeamRow:
    """One team in a year, recorded or not, unscoped: for services that have checked the actor's role."""
    appraisal = TeamAppraisal.objects.filter(unit=unit, year=year).first()
    return _team_row(unit, year, unit_grade(unit, year), appraisal, anonymity_min(unit, year))


def team_get(user: User, unit: Unit, year: int) -> TeamRow:
    """One team in a year, recorded or not; NotFound outside the caller's reading scope."""
    if not _reads(user, unit):
        raise NotFoundError(_("No leadership team of unit %(id)s in your data scope.") % {"id": unit.pk})
    return team_row(unit, year)


# Cadres ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CadreRow:
    """A leading cadre's appraisal with the unit's grade in its last year, the democratic evaluation as shown
    and the proposal."""

    appraisal: CadreAppraisal
    unit_grade: int
    democratic: Democratic
    proposal: Proposal

    @property
    def head_annual(self) -> bool:
        return self.appraisal.kind == CadreKind.ANNUAL and self.appraisal.leader.role == LeaderRole.HEAD


def _cadre_row(appraisal: CadreAppraisal, grade: int, minimum: int) -> CadreRow:
    democratic = democratic_view(appraisal.democratic_score, appraisal.democratic_raters, minimum)
    head_annual = appraisal.kind == CadreKind.ANNUAL and appraisal.leader.role == LeaderRole.HEAD
    return CadreRow(appraisal, grade, democratic,
                    cadre_proposal(democratic.score, unit_grade=grade, head_annual=head_annual))


def _cadre_rows(appraisals: Iterable[CadreAppraisal]) -> list[CadreRow]:
    found = list(appraisals)
    by_year: dict[int, set[int]] = {}
    for a in found:
        by_year.setdefault(a.end_year, set()).add(a.leader.unit_id)
    grades = {(year, unit): grade for year, units in by_year.items()
              for unit, grade in unit_grades(units, year).items()}
    minimum = _Minimums()
    return [_cadre_row(a, grades.get((a.end_year, a.leader.unit_id), 0), minimum(a.leader.unit, a.end_year))
            for a in found]


def _cadres() -> QuerySet[CadreAppraisal]:
    return CadreAppraisal.objects.select_related("leader__unit", "leader__person").defer("report")


def cadre_rows(user: User, cycle: Cycle) -> list[CadreRow]:
    """Annual appraisals of the cycle's year and term appraisals ending in it, under the cycle's root, that
    the caller reads."""
    scope = scope_for(user, roles=READER_ROLES)
    found = (_cadres().filter(end_year=cycle.year, leader__unit__path__startswith=cycle.root.path)
             .filter(scope.units_q("leader__unit__"))
             .order_by("leader__unit__path", "leader__role", "leader__person__name_pinyin", "kind", "pk"))
    return _cadre_rows(found)


def cadres_of_team(user: User, unit: Unit, year: int) -> list[CadreRow]:
    """The appraisals of the unit's leaders that cover the year (annual, or a term including it)."""
    if not _reads(user, unit):
        return []
    found = (_cadres().filter(leader__unit=unit, start_year__lte=year, end_year__gte=year)
             .order_by("leader__role", "leader__start", "kind", "pk"))
    return _cadre_rows(found)


def my_cadre_appraisals(user: User) -> list[CadreRow]:
    """The caller's own appraisals as a leading cadre, latest first."""
    if user.person_id is None:
        return []
    return _cadre_rows(_cadres().filter(leader__person_id=user.person_id).order_by("-end_year", "kind", "pk"))


def cadre_row(appraisal: CadreAppraisal) -> CadreRow:
    """One cadre appraisal's row, unscoped: for services that have checked the actor's role."""
    return _cadre_rows([appraisal])[0]


def cadre_get(user: User, appraisal_id: int) -> CadreRow:
    """One cadre appraisal with its report: for readers over the unit and the cadre themself."""
    appraisal = CadreAppraisal.objects.select_related("leader__unit", "leader__person").filter(pk=appraisal_id).first()
    if appraisal is None or not (_reads(user, appraisal.leader.unit)
                                 or (user.person_id is not None and user.person_id == appraisal.leader.person_id)):
        raise NotFoundError(_("No leading-cadre appraisal %(id)s in your data scope.") % {"id": appraisal_id})
    return cadre_row(appraisal)


# Analysis -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Distribution:
    """How many teams, and cadres by kind, the committee has decided at each grade (0: not yet decided)."""

    teams: dict[int, int] = field(default_factory=dict)
    annual: dict[int, int] = field(default_factory=dict)
    term: dict[int, int] = field(default_factory=dict)


def _count(grades: Iterable[int | None]) -> dict[int, int]:
    counter = Counter(g or 0 for g in grades)
    return {g: counter.get(g, 0) for g in (1, 2, 3, 4, 0)}


def distribution(teams: list[TeamRow], cadres: list[CadreRow]) -> Distribution:
    return Distribution(
        teams=_count(t.decided_grade for t in teams),
        annual=_count(c.appraisal.decided_grade for c in cadres if c.appraisal.kind == CadreKind.ANNUAL),
        term=_count(c.appraisal.decided_grade for c in cadres if c.appraisal.kind == CadreKind.TERM),
    )


# Interviews -----------------------------------------------------------------------------------------------

def interview_access(user: User | None, unit: Unit, year: int) -> None:
    """Refuse anyone but a committee member over the unit who is not on its leadership team that year."""
    if user is None:
        return
    if not scope_for(user, roles=[Role.COMMITTEE]).covers_path(unit.path):
        raise PermissionDeniedError(_("Only members of the appraisal committee over %(unit)s may read or record "
                                      "its interviews.") % {"unit": unit.name})
    if user.person_id is not None and leaders_in_year(unit, year).filter(person_id=user.person_id).exists():
        raise PermissionDeniedError(_("You are on the leadership team of %(unit)s in %(year)s, so you may not read "
                                      "or record its interviews (回避).") % {"unit": unit.name, "year": year})


def interviews_read(user: User, unit: Unit, year: int) -> list[Interview]:
    """The unit's interviews of the year, newest first; the read is audited."""
    interview_access(user, unit, year)
    records = list(Interview.objects.filter(unit=unit, year=year).select_related("interviewee"))
    audit_append(actor=user, action="leadership.interview.list", object_type="unit", object_id=unit.pk,
                 detail={"year": year, "interview_ids": [r.pk for r in records]})
    return records


def interview_get(user: User, interview_id: int) -> Interview:
    """One interview with its notes; the read is audited. Anyone else gets NotFound (no probing)."""
    missing = NotFoundError(_("No interview record %(id)s for you.") % {"id": interview_id})
    where = Interview.objects.select_related("unit").only("pk", "year", "unit").filter(pk=interview_id).first()
    if where is None:
        raise missing
    try:
        interview_access(user, where.unit, where.year)
    except PermissionDeniedError as exc:
        raise missing from exc
    record = Interview.objects.select_related("unit", "interviewee").get(pk=interview_id)  # decrypted only now
    audit_append(actor=user, action="leadership.interview.read", object_type="interview", object_id=record.pk,
                 detail={"unit_id": record.unit_id, "year": record.year})
    return record
