"""API of unit appraisal: a cycle's unit results, one unit's result explained, the automatic-collection rate."""

from ninja import Field, Query, Router, Schema

from kaohe.accounts.http import AuthedRequest
from kaohe.appraisal.messages import explanation_text
from kaohe.appraisal.selectors import cycle_get
from kaohe.engine.explain import ExplanationItem
from kaohe.org import selectors as org_selectors
from kaohe.units import selectors
from kaohe.units.models import UnitResult
from kaohe.units.quota import staff_quota

router = Router(tags=["unit appraisal"])


class UnitResultOut(Schema):
    unit_id: int
    unit_name: str
    category: str
    composite: float | None
    grade: int  # proposed: 1 优秀, 2 良好, 3 一般, 4 较差; 0 none
    decided_grade: int | None
    rank: int


class UnitResultDetail(UnitResultOut):
    scores: dict[str, float | None]
    explanation: list[str]
    staff_excellent_percent: float | None  # the 优秀 quota this result gives the unit's staff


class YearQuery(Schema):
    year: int = Field(..., ge=2000, le=2100)


class RateOut(Schema):
    code: str
    automatic: int
    total: int
    percent: float


def _row(result: UnitResult) -> dict[str, object]:
    return {"unit_id": result.unit_id, "unit_name": result.unit.name, "category": result.category,
            "composite": result.composite, "grade": result.grade, "decided_grade": result.decided_grade,
            "rank": result.rank}


@router.get("/cycles/{cycle_id}/results", response=list[UnitResultOut], summary="The cycle's unit results")
def results_list(request: AuthedRequest, cycle_id: int) -> list[dict[str, object]]:
    cycle = cycle_get(request.user, cycle_id)
    return [_row(r) for r in selectors.unit_results(request.user, cycle)]


@router.get("/cycles/{cycle_id}/results/{unit_id}", response=UnitResultDetail, summary="One unit's result explained")
def result_read(request: AuthedRequest, cycle_id: int, unit_id: int) -> dict[str, object]:
    cycle = cycle_get(request.user, cycle_id)
    result = selectors.unit_result_get(request.user, cycle, unit_id)
    quota = staff_quota(cycle, result) if result.final_grade else None
    return {**_row(result), "scores": result.scores,
            "explanation": [explanation_text(ExplanationItem(i["code"], i["params"])) for i in result.explanation],
            "staff_excellent_percent": float(quota.ratio * 100) if quota else None}


@router.get("/units/{unit_id}/collection-rate", response=list[RateOut],
            summary="Share of a unit's values that arrived automatically, per indicator")
def collection_rate(request: AuthedRequest, unit_id: int, query: Query[YearQuery]) -> list[dict[str, object]]:
    unit = org_selectors.unit_get(request.user, unit_id)
    return [{"code": r.code, "automatic": r.automatic, "total": r.total, "percent": r.percent}
            for r in selectors.collection_rates(request.user, unit, query.year)]
