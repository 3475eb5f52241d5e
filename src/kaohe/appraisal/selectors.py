"""Reads of cycles, runs and results, always within the caller's data scope."""

from dataclasses import dataclass

import numpy as np
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.scope import scope_for
from kaohe.appraisal.models import Cycle, RunResult, ScoringRun
from kaohe.appraisal.scoring import cohort_subset, engine_scheme_from_snapshot, load_cohort
from kaohe.core.errors import NotFoundError
from kaohe.engine.explain import Explanation, explain
from kaohe.engine.scoring import score_cohort
from kaohe.org.models import CivilServant


def cycles_visible(user: User) -> QuerySet[Cycle]:
    """Cycles whose root lies in, or contains, the caller's scope."""
    scope = scope_for(user)
    ids = [c.pk for c in Cycle.objects.select_related("root") if any(
        c.root.path.startswith(p) or p.startswith(c.root.path) for p in scope.unit_paths)]
    own = scope.own_person_id
    if own:
        unit_path = CivilServant.objects.filter(pk=own).values_list("unit__path", flat=True).first() or ""
        ids += [c.pk for c in Cycle.objects.select_related("root") if unit_path.startswith(c.root.path)]
    return Cycle.objects.filter(pk__in=ids).order_by("-year", "-pk")


def cycle_get(user: User, cycle_id: int) -> Cycle:
    cycle = cycles_visible(user).filter(pk=cycle_id).first()
    if cycle is None:
        raise NotFoundError(_("No appraisal cycle %(id)s in your data scope.") % {"id": cycle_id})
    return cycle


def current_run(cycle: Cycle) -> ScoringRun | None:
    return cycle.runs.filter(is_current=True).first()


def run_get(user: User, run_id: int) -> ScoringRun:
    run = ScoringRun.objects.select_related("cycle").filter(pk=run_id).first()
    if run is None or not cycles_visible(user).filter(pk=run.cycle_id).exists():
        raise NotFoundError(_("No scoring run %(id)s in your data scope.") % {"id": run_id})
    return run


def results_visible(user: User, run: ScoringRun) -> QuerySet[RunResult]:
    return RunResult.objects.filter(run=run).filter(scope_for(user).people_q("person__"))


def result_get(user: User, run: ScoringRun, person_id: int) -> RunResult:
    result = results_visible(user, run).select_related("person", "group").filter(person_id=person_id).first()
    if result is None:
        raise NotFoundError(_("No result for person %(id)s in your data scope.") % {"id": person_id})
    return result


@dataclass(frozen=True)
class ExplainedResult:
    explanation: Explanation
    grade_kept_from_earlier_run: bool


def result_explain(run: ScoringRun, result: RunResult) -> ExplainedResult:
    """Re-score the person's appraisal group from the run's snapshot and explain the person's result."""
    cohort = load_cohort(run.pk, result.category)
    group = cohort_subset(cohort, cohort.group_ids == result.group_id)
    scheme = engine_scheme_from_snapshot(run.cycle.schemes[result.category])
    scored = score_cohort(scheme, group)
    if isinstance(scored, list):
        raise NotFoundError(_("The run's inputs cannot be read back; start a new run."))
    explanation = explain(scheme, group, scored, result.person_id)
    engine_grade = int(scored.grading.grade[np.flatnonzero(group.person_ids == result.person_id)[0]])
    return ExplainedResult(explanation, engine_grade != result.grade)
