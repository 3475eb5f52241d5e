"""Pages of analysis and reports: the leader dashboard, the statistics, and report downloads."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaohe.accounts.http import AuthedRequest
from kaohe.analytics import dashboard, inputs, reports, selectors
from kaohe.analytics.tasks import notices_batch_start
from kaohe.appraisal import selectors as appraisal_selectors
from kaohe.core.errors import ApplicationError


def _int(value: str | None, field: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise ApplicationError(_("%(field)s must be a whole number.") % {"field": field}, field=field) from exc


def _float(value: str | None, default: float, field: str) -> float:
    try:
        return float(value) if value is not None and value != "" else default
    except ValueError as exc:
        raise ApplicationError(_("%(field)s must be a number.") % {"field": field}, field=field) from exc


def _subtree(request: AuthedRequest) -> selectors.Subtree:
    run = selectors.run_for(request.user, _int(request.GET.get("run"), "run"))
    return selectors.subtree_for(request.user, run, _int(request.GET.get("unit"), "unit"))


@login_required
def dashboard_page(request: AuthedRequest) -> HttpResponse:
    """Leader dashboard: distribution vs quota, histogram, comparison, radar, trends, warnings, drill-down."""
    tree = _subtree(request)
    row, own, city = selectors.rollup(tree), selectors.own_rollup(tree), selectors.city_rollup(tree)
    children = list(selectors.children(tree))
    bars = children + ([own] if own else [])
    names = [r.unit.name for r in children] + ([_("%(unit)s (own staff)") % {"unit": tree.unit.name}] if own else [])
    groups = list(selectors.groups(tree).defer("histogram", "indicators", "history", "consequences"))
    charts = {
        "distribution": dashboard.distribution(bars, names),
        "histogram": dashboard.histogram(row),
        "comparison": dashboard.comparison(bars, names),
        "radar": dashboard.radar(tree.unit.name, row, tree.run.cycle.root.name, city),
        "trend": dashboard.trend(selectors.trend_runs(request.user, tree), row),
    }
    context = {
        "tree": tree, "run": tree.run, "unit": tree.unit, "row": row, "own": own, "children": children,
        "figures": dashboard.figures(charts), "segments": selectors.segments(tree),
        "crumbs": selectors.path_names(tree),
        "board": dashboard.warnings(row, groups, selectors.previous_groups(request.user, tree)),
        "gate_people": inputs.gate_people(request.user, tree) if own else [],
        "grade_names": dashboard.grade_names(),
        "runs": selectors.current_runs(request.user),
    }
    return render(request, "analytics/dashboard.html", context)


@login_required
def leniency_page(request: AuthedRequest) -> HttpResponse:
    tree = _subtree(request)
    result = inputs.leniency_of(tree)
    sections = [(_("Supervisors (quarterly grades)"), _leniency_rows(result.supervisors, result.unit_names)),
                (_("Department peer groups (360° aggregates)"), _leniency_rows(result.peer_groups, result.unit_names))]
    return render(request, "analytics/leniency.html", {"tree": tree, "sections": sections})


VERDICTS = {"lenient": gettext_lazy("Lenient"), "severe": gettext_lazy("Severe"), "typical": gettext_lazy("Typical"),
            "undetermined": gettext_lazy("Too few raters to tell")}


def _leniency_rows(rows: list[Any], names: dict[int, str]) -> list[dict[str, Any]]:
    return [{"rater": r.rater, "unit_name": names.get(r.unit, ""), "n": r.n, "mean": r.mean, "unit_mean": r.unit_mean,
             "z": None if r.z != r.z else r.z, "verdict": r.verdict, "verdict_text": VERDICTS[r.verdict]}
            for r in sorted(rows, key=lambda r: (r.unit, -(r.z if r.z == r.z else 0)))]


@login_required
def mutual_page(request: AuthedRequest) -> HttpResponse:
    tree = _subtree(request)
    threshold = _float(request.GET.get("threshold"), 5.0, "threshold")
    minimum = max(3, _int(request.GET.get("minimum"), "minimum") or 5)
    report = inputs.mutual_of(tree, threshold=threshold, minimum=minimum)
    return render(request, "analytics/mutual.html", {"tree": tree, "report": report, "threshold": threshold,
                                                       "minimum": minimum})


@login_required
def correlation_page(request: AuthedRequest) -> HttpResponse:
    tree = _subtree(request)
    result = inputs.correlations_of(tree)
    return render(request, "analytics/correlation.html", {"tree": tree, "result": result,
                                                          "figures": dashboard.figures({"scatter": result.chart})})


@login_required
def clusters_page(request: AuthedRequest) -> HttpResponse:
    tree = _subtree(request)
    k = _int(request.GET.get("k"), "k") or 3
    features = request.GET.get("features", "dimensions")
    result = inputs.clusters_of(tree, k=k, features=features)
    return render(request, "analytics/clusters.html", {"tree": tree, "result": result, "k": k, "features": features})


@login_required
def dea_page(request: AuthedRequest) -> HttpResponse:
    tree = _subtree(request)
    chosen_in = request.GET.getlist("input") or list(inputs.DEA_DEFAULT_INPUTS)
    chosen_out = request.GET.getlist("output") or list(inputs.DEA_DEFAULT_OUTPUTS)
    result = inputs.dea_of(tree, chosen_in, chosen_out)
    return render(request, "analytics/dea.html", {"tree": tree, "result": result, "measures": inputs.measure_names(),
                                                  "chosen_in": chosen_in, "chosen_out": chosen_out,
                                                  "figures": dashboard.figures({"dea": result.chart})})


@login_required
def reports_page(request: AuthedRequest) -> HttpResponse:
    tree = _subtree(request)
    context = {"tree": tree, "lists": reports.LISTS, "names_visible": reports.names_allowed(request.user)}
    return render(request, "analytics/reports.html", context)


@login_required
def publicity_page(request: AuthedRequest) -> HttpResponse:
    """公示: proposed 优秀 of the unit's subtree, names masked (also for the office: it is published)."""
    tree = _subtree(request)
    rows = reports.publicity_rows(request.user, tree)
    return render(request, "analytics/publicity.html", {"tree": tree, "rows": rows})


@login_required
def notice_pdf(request: AuthedRequest, run_id: int, person_id: int) -> HttpResponse:
    run = appraisal_selectors.run_get(request.user, run_id)
    return reports.notice_response(request.user, run, person_id)


@login_required
def unit_report(request: AuthedRequest, fmt: str) -> HttpResponse:
    tree = _subtree(request)
    return reports.unit_report_response(request.user, tree, fmt)


@login_required
def list_export(request: AuthedRequest, kind: str, fmt: str) -> HttpResponse:
    tree = _subtree(request)
    return reports.list_response(request.user, tree, kind, fmt)


@login_required
@require_POST
def notices_batch(request: AuthedRequest) -> HttpResponse:
    tree = _subtree(request)
    job = notices_batch_start(actor=request.user, tree=tree)
    return redirect("web:job_detail", job_id=job.pk)
