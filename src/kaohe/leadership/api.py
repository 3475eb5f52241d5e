"""API of leadership appraisal: read-only, scoped lists of a cycle's teams and cadres and the distribution.

Never returns an interview record, a 述职述廉 report's text, or a democratic score the page hides (a
hidden evaluation has no score and no number of raters).
"""

from decimal import Decimal

from ninja import Router, Schema

from kaohe.accounts.http import AuthedRequest
from kaohe.appraisal.selectors import cycle_get
from kaohe.leadership import selectors
from kaohe.leadership.selectors import Democratic

router = Router(tags=["leadership"])


class DemocraticOut(Schema):
    state: str
    minimum: int
    score: Decimal | None
    raters: int | None


class TeamOut(Schema):
    unit_id: int
    unit_name: str
    year: int
    unit_grade: int
    democratic: DemocraticOut
    proposed_grade: int
    decided_grade: int | None
    gated: bool


class CadreOut(Schema):
    id: int
    person_id: int
    name: str
    unit_id: int
    unit_name: str
    role: str
    kind: str
    start_year: int
    end_year: int
    unit_grade: int
    report_submitted: bool
    democratic: DemocraticOut
    proposed_grade: int
    decided_grade: int | None


class DistributionOut(Schema):
    teams: dict[int, int]
    annual: dict[int, int]
    term: dict[int, int]


def _democratic(view: Democratic) -> DemocraticOut:
    return DemocraticOut(state=view.state, minimum=view.minimum, score=view.score, raters=view.raters)


@router.get("/cycles/{cycle_id}/teams", response=list[TeamOut])
def teams_list(request: AuthedRequest, cycle_id: int) -> list[TeamOut]:
    cycle = cycle_get(request.user, cycle_id)
    return [TeamOut(unit_id=t.unit.pk, unit_name=t.unit.name, year=t.year, unit_grade=t.unit_grade,
                    democratic=_democratic(t.democratic), proposed_grade=t.proposal.grade,
                    decided_grade=t.decided_grade, gated=t.proposal.gated)
            for t in selectors.team_rows(request.user, cycle)]


@router.get("/cycles/{cycle_id}/cadres", response=list[CadreOut])
def cadres_list(request: AuthedRequest, cycle_id: int) -> list[CadreOut]:
    cycle = cycle_get(request.user, cycle_id)
    rows = []
    for c in selectors.cadre_rows(request.user, cycle):
        a = c.appraisal
        rows.append(CadreOut(id=a.pk, person_id=a.leader.person_id, name=a.leader.person.name,
                             unit_id=a.leader.unit_id, unit_name=a.leader.unit.name, role=a.leader.role, kind=a.kind,
                             start_year=a.start_year, end_year=a.end_year, unit_grade=c.unit_grade,
                             report_submitted=a.report_submitted_at is not None,
                             democratic=_democratic(c.democratic), proposed_grade=c.proposal.grade,
                             decided_grade=a.decided_grade))
    return rows


@router.get("/cycles/{cycle_id}/distribution", response=DistributionOut)
def distribution(request: AuthedRequest, cycle_id: int) -> DistributionOut:
    cycle = cycle_get(request.user, cycle_id)
    found = selectors.distribution(selectors.team_rows(request.user, cycle), selectors.cadre_rows(request.user, cycle))
    return DistributionOut(teams=found.teams, annual=found.annual, term=found.term)
