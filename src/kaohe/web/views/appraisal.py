"""Pages of cycles, scoring runs and results: run progress, a unit's result table, a person's result."""

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Avg
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kaohe.accounts.http import AuthedRequest
from kaohe.appraisal import selectors
from kaohe.appraisal.messages import CONSEQUENCE_WORDS, DIMENSION_WORDS, GATES, GRADES, NON_GRADES, explanation_text
from kaohe.appraisal.models import RunResult
from kaohe.appraisal.results import CONSEQUENCES, GATE_APPLIED_SHIFT, has
from kaohe.appraisal.services import cycle_open
from kaohe.appraisal.tasks import scoring_run_start
from kaohe.engine.codes import DIMENSIONS
from kaohe.org import selectors as org_selectors

DIM_FIELDS = [f"dim_{d}" for d in DIMENSIONS]
SORTS = {"rank": ("pool", "-composite", "person_id"), "composite": ("-composite", "person_id"),
         "name": ("person__name_pinyin", "person_id")}


@login_required
def cycles(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        root = org_selectors.unit_get(request.user, int(request.POST.get("root") or 0))
        cycle = cycle_open(actor=request.user, name=request.POST.get("name", "").strip() or root.name,
                           year=int(request.POST.get("year") or timezone.localdate().year), root=root)
        return redirect("web:cycle_detail", cycle_id=cycle.pk)
    context = {"cycles": selectors.cycles_visible(request.user), "roots": org_selectors.unit_roots(request.user),
               "year": timezone.localdate().year}
    return render(request, "web/cycles.html", context)


@login_required
def cycle_detail(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = selectors.cycle_get(request.user, cycle_id)
    run = selectors.current_run(cycle)
    units = []
    if run is not None:
        units = list(selectors.results_visible(request.user, run).values("group_id", "group__name")
                     .annotate(avg=Avg("composite")).order_by("group__path"))
    context = {"cycle": cycle, "runs": cycle.runs.select_related("job")[:20], "current": run, "units": units,
               "progress": _progress(request, cycle), "all_units": org_selectors.units_visible(request.user)
               .filter(path__startswith=cycle.root.path).order_by("path")[:500]}
    return render(request, "web/cycle_detail.html", context)


def _progress(request: AuthedRequest, cycle: Any) -> list[dict[str, Any]]:
    """Where each unit's people stand in the annual steps."""
    from collections import Counter, defaultdict

    from kaohe.appraisal.workflow import STEP_NAMES, appraisals_for

    steps: dict[int, Counter[str]] = defaultdict(Counter)
    names: dict[int, str] = {}
    for unit_id, unit_name, step in appraisals_for(request.user, cycle).values_list(
            "person__unit_id", "person__unit__name", "step"):
        steps[unit_id][step] += 1
        names[unit_id] = unit_name
    return [{"unit_id": u, "name": names[u], "total": sum(c.values()),
             "steps": "、".join(f"{STEP_NAMES.get(s, s)} {n}" for s, n in c.most_common())}
            for u, c in sorted(steps.items(), key=lambda item: names[item[0]])]


@login_required
@require_POST
def run_start(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = selectors.cycle_get(request.user, cycle_id)
    run = scoring_run_start(actor=request.user, cycle=cycle, as_of=dt.date(cycle.year, 12, 31),
                            reason=request.POST.get("reason", "")[:200])
    return redirect("web:job_detail", job_id=run.job_id)


def _rows(results: Any) -> list[dict[str, Any]]:
    rows = []
    for r in results:
        rows.append({"result": r, "grade": GRADES[r.grade], "code": NON_GRADES[r.non_grade],
                     "gates": [str(GATES[i]) for i in range(len(GATES)) if r.gates >> i & 1]})
    return rows


@login_required
def unit_results(request: AuthedRequest, run_id: int, unit_id: int) -> HttpResponse:
    """A unit's results, sortable and filterable by grade, with the quota line in each pool."""
    run = selectors.run_get(request.user, run_id)
    unit = org_selectors.unit_get(request.user, unit_id)
    sort = request.GET.get("sort", "rank")
    results = selectors.results_visible(request.user, run).filter(group_id=unit.pk).select_related("person")
    grade = request.GET.get("grade", "")
    if grade.isdigit():
        results = results.filter(grade=int(grade))
    rows = _rows(results.order_by(*SORTS.get(sort, SORTS["rank"])))
    _mark_quota_lines(rows, sort)
    context = {"run": run, "unit": unit, "rows": rows, "sort": sort, "grade": grade, "grades": GRADES.items()}
    return render(request, "web/unit_results.html", context)


def _mark_quota_lines(rows: list[dict[str, Any]], sort: str) -> None:
    """In rank order, put the quota line under the last 优秀 place of each pool."""
    if sort != "rank":
        return
    for i, row in enumerate(rows):
        r = row["result"]
        following = rows[i + 1]["result"] if i + 1 < len(rows) else None
        ends_pool = following is None or following.pool != r.pool
        row["quota_line"] = r.pool_quota if (r.rank == r.pool_quota and r.rank > 0) or (
            ends_pool and r.pool_quota == 0) else None


@login_required
def person_result(request: AuthedRequest, run_id: int, person_id: int) -> HttpResponse:
    run = selectors.run_get(request.user, run_id)
    result = selectors.result_get(request.user, run, person_id)
    explained = selectors.result_explain(run, result)
    unit_avg = RunResult.objects.filter(run=run, group_id=result.group_id).aggregate(
        **{f: Avg(f) for f in DIM_FIELDS})
    chart = {"axes": [str(DIMENSION_WORDS[d]) for d in DIMENSIONS], "series": [
        {"name": result.person.name, "value": [round(getattr(result, f) or 0, 2) for f in DIM_FIELDS]},
        {"name": str(result.group.name), "value": [round(unit_avg[f] or 0, 2) for f in DIM_FIELDS]},
    ]}
    context = {
        "run": run, "result": result, "grade": GRADES[result.grade], "code": NON_GRADES[result.non_grade],
        "chart": chart, "dimensions": [(DIMENSION_WORDS[d], getattr(result, f)) for d, f in zip(DIMENSIONS, DIM_FIELDS,
                                                                                             strict=True)],
        "explanation": [explanation_text(item) for item in explained.explanation.items],
        "kept": explained.grade_kept_from_earlier_run,
        "gates": [(GATES[i], bool(result.gates >> (i + GATE_APPLIED_SHIFT) & 1), bool(result.gates >> i & 1))
                  for i in range(len(GATES))],
        "consequences": [CONSEQUENCE_WORDS[n] for n in CONSEQUENCES if has(result.consequences, n)],
        "weakest": DIMENSION_WORDS[DIMENSIONS[result.weakest_dimension]] if result.weakest_dimension >= 0 else None,
    }
    return render(request, "web/person_result.html", context)


@login_required
def run_diff(request: AuthedRequest, run_id: int, other_id: int) -> HttpResponse:
    """People whose grade or composite differ between two runs of a cycle."""
    run, other = selectors.run_get(request.user, run_id), selectors.run_get(request.user, other_id)
    before = {r.person_id: r for r in selectors.results_visible(request.user, other).select_related("person")}
    changes = []
    for r in selectors.results_visible(request.user, run).select_related("person"):
        old = before.get(r.person_id)
        if old is None or old.grade != r.grade or abs((old.composite or 0) - (r.composite or 0)) >= 0.01:
            changes.append({"person": r.person, "before": old, "after": r, "grade_before": GRADES[old.grade] if old
                            else "—", "grade_after": GRADES[r.grade]})
    return render(request, "web/run_diff.html", {"run": run, "other": other, "changes": changes[:500],
                                                 "total": len(changes)})
