"""API of the indicator library and schemes; problems come back as a list with field, code and message."""

from decimal import Decimal
from typing import Any

from ninja import Field, Query, Router, Schema

from kaohe.accounts.http import AuthedRequest
from kaohe.engine.ahp import ahp_weights
from kaohe.engine.rules import Rubric, rule_from_dict
from kaohe.indicators import selectors, services
from kaohe.indicators.adapter import indicator_fields
from kaohe.indicators.checks import scheme_errors, scheme_warnings
from kaohe.indicators.models import Indicator, Scheme
from kaohe.indicators.problems import ProblemsError, problem_text

router = Router(tags=["indicators"])


class LibraryQuery(Schema):
    year: int = Field(2026, ge=2000, le=2100)
    dimension: str = ""
    kind: str = ""
    status: str = ""


class IndicatorIn(Schema):
    code: str = Field(..., min_length=1, max_length=16)
    name_zh: str = Field(..., min_length=1, max_length=100)
    name_en: str = Field("", max_length=200)
    dimension: str
    kind: str
    source: str
    unit: str = ""
    direction: str = "higher"
    target: Decimal | None = None
    rule_kind: str
    rule_params: dict[str, Any] = {}
    core: bool = False
    description: str = ""


class IndicatorCreateIn(IndicatorIn):
    year: int = Field(..., ge=2000, le=2100)


class ReviseIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    fields: dict[str, Any]


class RetireIn(Schema):
    year: int = Field(..., ge=2000, le=2100)


class PreviewIn(Schema):
    rule_kind: str
    rule_params: dict[str, Any] = {}
    value: str


class AhpIn(Schema):
    matrix: list[list[float]]
    dimension: str | None = None


class SchemeCreateIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    category: str
    level: str = ""
    year: int = Field(..., ge=2000, le=2100)
    profile: str = "statutory"


class WeightsIn(Schema):
    dimension_weights: dict[str, Decimal]
    indicator_weights: dict[str, Decimal]


def _problems(problems: list[Any]) -> list[dict[str, str]]:
    return [{"field": p.field, "code": p.code, "message": problem_text(p)} for p in problems]


def _indicator(indicator: Indicator) -> dict[str, Any]:
    return {"id": indicator.pk, **indicator_fields(indicator)}


def _scheme(scheme: Scheme) -> dict[str, Any]:
    return {
        "id": scheme.pk, "name": scheme.name, "category": scheme.category, "level": scheme.level,
        "year": scheme.year, "profile": scheme.profile, "status": scheme.status,
        "dimension_weights": scheme.dimension_weights,
        "indicator_weights": {i.code: str(i.weight) for i in scheme.items.all()},
        "settings": scheme.settings,
        "errors": _problems(scheme_errors(scheme)), "warnings": _problems(scheme_warnings(scheme)),
    }


@router.get("/library", summary="Indicators valid in a year, filtered")
def library_list(request: AuthedRequest, query: Query[LibraryQuery]) -> list[dict[str, Any]]:
    found = selectors.library(year=query.year, dimension=query.dimension, kind=query.kind, status=query.status)
    return [_indicator(i) for i in found]


@router.get("/library/{indicator_id}", summary="One indicator version")
def indicator_read(request: AuthedRequest, indicator_id: int) -> dict[str, Any]:
    return _indicator(selectors.indicator_get(indicator_id))


@router.post("/library", summary="Add an indicator from a year on")
def indicator_create(request: AuthedRequest, body: IndicatorCreateIn) -> dict[str, Any]:
    fields = body.dict(exclude={"year"})
    return _indicator(services.indicator_create(actor=request.user, year=body.year, fields=fields))


@router.post("/library/{indicator_id}/revise", summary="Change an indicator from a year on (new version)")
def indicator_revise(request: AuthedRequest, indicator_id: int, body: ReviseIn) -> dict[str, Any]:
    indicator = selectors.indicator_get(indicator_id)
    return _indicator(services.indicator_revise(actor=request.user, indicator=indicator, year=body.year,
                                                fields=body.fields))


@router.post("/library/{indicator_id}/retire", summary="Retire an indicator from a year on")
def indicator_retire(request: AuthedRequest, indicator_id: int, body: RetireIn) -> dict[str, Any]:
    indicator = selectors.indicator_get(indicator_id)
    return _indicator(services.indicator_retire(actor=request.user, indicator=indicator, year=body.year))


@router.get("/diff", summary="What changed in the library between two years")
def library_diff(request: AuthedRequest, year_from: int, year_to: int) -> dict[str, Any]:
    diff = selectors.library_diff(year_from, year_to)
    return {
        "added": [i.code for i in diff.added],
        "retired": [i.code for i in diff.retired],
        "changed": {i.code: {c.field: [c.before, c.after] for c in changes} for i, changes in diff.changed},
    }


@router.post("/preview", summary="Score one value with a rule (the editor's live preview)")
def rule_preview(request: AuthedRequest, body: PreviewIn) -> dict[str, Any]:
    rule = rule_from_dict(body.rule_kind, body.rule_params)
    if isinstance(rule, list):
        raise ProblemsError(rule)
    if isinstance(rule, Rubric):
        score = rule.score_level(body.value.strip())
    else:
        try:
            score = rule.score_one(Decimal(body.value.strip()))
        except ArithmeticError:
            score = None
    return {"score": str(score) if score is not None else None}


@router.post("/ahp", summary="Weights and consistency ratio from a pairwise comparison matrix")
def ahp(request: AuthedRequest, body: AhpIn) -> dict[str, Any]:
    result = ahp_weights(body.matrix)
    if isinstance(result, list):
        raise ProblemsError(result)
    return {"weights": [str(p) for p in result.percentages], "cr": round(result.consistency_ratio, 4),
            "acceptable": result.acceptable}


@router.get("/schemes", summary="Schemes of a year")
def scheme_list(request: AuthedRequest, year: int = 2026) -> list[dict[str, Any]]:
    return [{"id": s.pk, "name": s.name, "category": s.category, "level": s.level, "profile": s.profile,
             "status": s.status} for s in Scheme.objects.filter(year=year)]


@router.get("/schemes/{scheme_id}", summary="A scheme with its weights, settings, errors and warnings")
def scheme_read(request: AuthedRequest, scheme_id: int) -> dict[str, Any]:
    return _scheme(selectors.scheme_get(scheme_id))


@router.post("/schemes", summary="Create a draft scheme from a profile")
def scheme_create(request: AuthedRequest, body: SchemeCreateIn) -> dict[str, Any]:
    return _scheme(services.scheme_create(actor=request.user, **body.dict()))


@router.put("/schemes/{scheme_id}/weights", summary="Save the weights (refused unless the scheme stays valid)")
def scheme_weights(request: AuthedRequest, scheme_id: int, body: WeightsIn) -> dict[str, Any]:
    scheme = selectors.scheme_get(scheme_id)
    return _scheme(services.scheme_save(actor=request.user, scheme=scheme, dimension_weights=body.dimension_weights,
                                        indicator_weights=body.indicator_weights))


@router.post("/schemes/{scheme_id}/activate", summary="Put a scheme in use for its category, level and year")
def scheme_activate(request: AuthedRequest, scheme_id: int) -> dict[str, Any]:
    return _scheme(services.scheme_activate(actor=request.user, scheme=selectors.scheme_get(scheme_id)))


@router.post("/schemes/{scheme_id}/ahp", summary="Apply AHP weights to the dimensions or one dimension's indicators")
def scheme_ahp(request: AuthedRequest, scheme_id: int, body: AhpIn) -> dict[str, Any]:
    scheme = selectors.scheme_get(scheme_id)
    return _scheme(services.scheme_apply_ahp(actor=request.user, scheme=scheme, dimension=body.dimension,
                                             matrix=body.matrix))
