"""API of analysis and reports: the data behind every chart and report, scoped to the caller.

Every operation takes `run` (default: the current run of the latest cycle in scope) and `unit`
(default: the caller's top unit); both are checked against the caller's data scope.
"""

import dataclasses
import math
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from kaohe.analytics import dashboard, inputs, reports, selectors
from kaohe.analytics.notices import NOTICE_FIELDS
from kaohe.appraisal import selectors as appraisal_selectors
from kaohe.appraisal.messages import explanation_text
from kaohe.core.masking import mask_name
from kaohe.core.pagination import keyset_page

router = Router(tags=["analytics"])


class Where(Schema):
    run: int | None = None
    unit: int | None = None


def _tree(request: HttpRequest, where: Where) -> selectors.Subtree:
    user = request.user
    run = selectors.run_for(user, where.run)  # type: ignore[arg-type]
    return selectors.subtree_for(user, run, where.unit)  # type: ignore[arg-type]


def _clean(value: Any) -> Any:
    """JSON-safe: dataclasses as dicts, NaN as null."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _json(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        return _json(value.item())
    return value


def _json(value: Any) -> dict[str, Any]:
    cleaned: dict[str, Any] = _clean(value)
    return cleaned


def _unit(row: Any) -> dict[str, Any] | None:
    if row is None:
        return None
    fields = ("unit_id", "path", "depth", "level", "category", "people", "grade_1", "grade_2", "grade_3", "grade_4",
              "no_grade", "non_grade", "quota", "participants", "composite_mean", "composite_p10", "composite_p25",
              "composite_p50", "composite_p75", "composite_p90", "satisfaction", "complaints", "histogram",
              "dimensions", "gates", "consequences", "history")
    return {"unit": row.unit.name, **{f: getattr(row, f) for f in fields}}


@router.get("/dashboard")
def dashboard_data(request: HttpRequest, where: Query[Where]) -> dict[str, Any]:
    """The leader dashboard: headline roll-up, charts (with their tables), segments and warning board."""
    tree = _tree(request, where)
    row, own, city = selectors.rollup(tree), selectors.own_rollup(tree), selectors.city_rollup(tree)
    children = list(selectors.children(tree))
    bars = children + ([own] if own else [])
    names = [r.unit.name for r in children] + ([f"{tree.unit.name} *"] if own else [])
    charts = {"distribution": dashboard.distribution(bars, names), "histogram": dashboard.histogram(row),
              "comparison": dashboard.comparison(bars, names),
              "radar": dashboard.radar(tree.unit.name, row, tree.run.cycle.root.name, city),
              "trend": dashboard.trend(selectors.trend_runs(request.user, tree), row)}  # type: ignore[arg-type]
    board = dashboard.warnings(row, list(selectors.groups(tree)),
                               selectors.previous_groups(request.user, tree))  # type: ignore[arg-type]
    board = {key: [{**item, "unit": item["unit"].name} if "unit" in item else item for item in items]
             for key, items in board.items()}
    return _json({"run": tree.run.pk, "unit": {"id": tree.unit.pk, "name": tree.unit.name}, "total": _unit(row),
                   "own": _unit(own), "children": [_unit(c) for c in children],
                   "charts": {k: {**c, "table": dashboard.table_of(c)} for k, c in charts.items()},
                   "segments": selectors.segments(tree), "warnings": board})


@router.get("/leniency")
def leniency_data(request: HttpRequest, where: Query[Where]) -> dict[str, Any]:
    result = inputs.leniency_of(_tree(request, where))
    return _json({"supervisors": [{**dataclasses.asdict(r), "verdict": r.verdict} for r in result.supervisors],
                   "peer_groups": [{**dataclasses.asdict(r), "verdict": r.verdict} for r in result.peer_groups]})


@router.get("/mutual")
def mutual_data(request: HttpRequest, where: Query[Where], threshold: float = 5.0, minimum: int = 5) -> dict[str, Any]:
    report = inputs.mutual_of(_tree(request, where), threshold=threshold, minimum=max(3, minimum))
    return _json({"overall_mean": report.overall_mean, "left_out": report.left_out,
                   "mutual": [{"a": f.a, "b": f.b, "a_to_b": f.a_to_b.mean, "b_to_a": f.b_to_a.mean,
                               "strength": f.strength} for f in report.mutual],
                   "in_group": [{"group": e.rater, "mean": e.mean, "excess": e.excess} for e in report.in_group],
                   "cliques": report.cliques,
                   "pairs": [{**dataclasses.asdict(e), "excess": e.excess} for e in report.excesses]})


@router.get("/correlation")
def correlation_data(request: HttpRequest, where: Query[Where]) -> dict[str, Any]:
    return _json(inputs.correlations_of(_tree(request, where)))


@router.get("/clusters")
def clusters_data(request: HttpRequest, where: Query[Where], k: int = 3,
                  features: str = "dimensions") -> dict[str, Any]:
    return _json(inputs.clusters_of(_tree(request, where), k=k, features=features))


@router.get("/dea")
def dea_data(request: HttpRequest, where: Query[Where], ins: str = "", outs: str = "") -> dict[str, Any]:
    """DEA efficiency; `ins` and `outs` are comma-separated measure keys."""
    chosen_in = [m for m in ins.split(",") if m] or list(inputs.DEA_DEFAULT_INPUTS)
    chosen_out = [m for m in outs.split(",") if m] or list(inputs.DEA_DEFAULT_OUTPUTS)
    return _json(inputs.dea_of(_tree(request, where), chosen_in, chosen_out))


@router.get("/lists/{kind}")
def list_data(request: HttpRequest, kind: str, where: Query[Where], cursor: str = "",
              limit: int = 500) -> dict[str, Any]:
    """One page of a list (results, 公示, consequence lists), keyset-paginated; names masked as on exports."""
    tree = _tree(request, where)
    results = reports.list_results(request.user, tree, kind).select_related("person", "group")  # type: ignore[arg-type]
    page, next_cursor = keyset_page(results, order=["group_id", "person_id"], cursor=cursor,
                                    limit=max(1, min(limit, 2000)))
    show = reports.names_allowed(request.user) and not reports.LISTS[kind].masked  # type: ignore[arg-type]
    rows = [{"person_id": r.person_id if show else None, "name": r.person.name if show else mask_name(
        r.person.name), "unit": r.group.name, "composite": r.composite, "regular": r.regular, "annual": r.annual,
        "special": r.special, "grade": r.grade, "non_grade": r.non_grade, "rank": r.rank, "quota": r.pool_quota,
        "gates": r.gates & reports.GATE_BITS} for r in page]
    return _json({"kind": kind, "title": str(reports.LISTS[kind].title), "rows": rows, "next_cursor": next_cursor})


@router.get("/notices/{run_id}/{person_id}")
def notice_data(request: HttpRequest, run_id: int, person_id: int) -> dict[str, Any]:
    """The figures of one person's notice (the PDF is at /analysis/notices/<run>/<person>.pdf)."""
    run = appraisal_selectors.run_get(request.user, run_id)  # type: ignore[arg-type]
    result = appraisal_selectors.result_get(request.user, run, person_id)  # type: ignore[arg-type]
    reports.require_notice_reader(request.user, person_id)  # type: ignore[arg-type]
    explained = appraisal_selectors.result_explain(run, result)
    return _json({**{f: getattr(result, f) for f in NOTICE_FIELDS}, "name": result.person.name,
                   "unit": result.group.name, "lost_points": [explanation_text(i) for i in
                                                              explained.explanation.items]})
