"""Writes of the appraisal app: cycles, quota raises and scoring runs (audited)."""

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.analytics.rollups import Rollups, Units, rollups_compute, rollups_prepare, rollups_save
from kaohe.appraisal.models import Cycle, QuotaRaise, RunResult, RunStatus, ScoringRun
from kaohe.appraisal.result_partitions import RunResultTable
from kaohe.appraisal.results import result_columns
from kaohe.appraisal.scoring import Partition, partition_builders, save_snapshot
from kaohe.audit.services import audit_append
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.engine.scoring import score_cohort
from kaohe.indicators.adapter import snapshot
from kaohe.indicators.choices import SchemeStatus
from kaohe.indicators.models import Scheme
from kaohe.indicators.problems import ProblemsError
from kaohe.org.models import Unit


def require_office_for(actor: User | None, unit: Unit) -> None:
    if actor is not None and not scope_for(actor, roles=[Role.APPRAISAL_OFFICE]).covers_path(unit.path):
        raise PermissionDeniedError(_("Only the appraisal office of %(unit)s may do this.") % {"unit": unit.name})


def cycle_open(*, actor: User | None, name: str, year: int, root: Unit) -> Cycle:
    """Open a cycle and freeze the schemes in use for `year`: later library changes don't touch it."""
    require_office_for(actor, root)
    schemes = Scheme.objects.filter(year=year, status=SchemeStatus.ACTIVE, level="").prefetch_related("items")
    frozen = {scheme.category: snapshot(scheme) for scheme in schemes}
    if not frozen:
        raise ApplicationError(_("No scheme is in use for %(year)s: put the schemes in use first.") % {"year": year})
    with transaction.atomic():
        cycle = Cycle.objects.create(name=name, year=year, root=root, schemes=frozen)
        audit_append(actor=actor, action="appraisal.cycle.open", object_type="cycle", object_id=cycle.pk,
                     detail={"year": year, "root_id": root.pk, "schemes": sorted(frozen)})
    return cycle


def quota_raise_record(*, actor: User | None, cycle: Cycle, group: Unit, pool: int, extra: int,
                       approval_reference: str, approver: User) -> QuotaRaise:
    """Record an approved raise of a group's 优秀 places; only such a record raises a quota."""
    require_office_for(actor, group)
    if extra <= 0 or not approval_reference.strip():
        raise ApplicationError(_("A raise needs a positive number of places and the approval's reference."))
    with transaction.atomic():
        raise_ = QuotaRaise.objects.create(cycle=cycle, group=group, pool=pool, extra=extra,
                                           approval_reference=approval_reference.strip(), approved_by=approver)
        audit_append(actor=actor, action="appraisal.quota.raise", object_type="cycle", object_id=cycle.pk,
                     detail={"group_id": group.pk, "pool": pool, "extra": extra, "approval": approval_reference})
    return raise_


def scoring_run_create(*, actor: User | None, cycle: Cycle, reason: str = "", floor_run: ScoringRun | None = None,
                       floor_people: list[int] | None = None) -> ScoringRun:
    """A new run version of the cycle (not yet current)."""
    require_office_for(actor, cycle.root)
    with transaction.atomic():
        Cycle.objects.select_for_update().get(pk=cycle.pk)
        version = (cycle.runs.aggregate(v=Max("version"))["v"] or 0) + 1
        run = ScoringRun.objects.create(cycle=cycle, version=version, reason=reason, floor_run=floor_run,
                                        floor_people=floor_people or [], created_by=actor)
        audit_append(actor=actor, action="appraisal.run.start", object_type="cycle", object_id=cycle.pk,
                     detail={"version": version, "reason": reason, "floor_people": floor_people or []})
    return run


def _digest_add(hasher: Any, part: Partition) -> None:
    """Add a partition's inputs to the run's digest (partitions in the order they are scored)."""
    hasher.update(part.category.encode())
    for name in ("person_ids", "group_ids", "pool_ids", "values", "quarter_grades", "special_scores",
                 "rater_sum", "rater_count", "history"):
        hasher.update(np.ascontiguousarray(getattr(part.cohort, name)).tobytes())


def _floor(run: ScoringRun) -> dict[int, int]:
    if run.floor_run is None or not run.floor_people:
        return {}
    return dict(RunResult.objects.filter(run=run.floor_run, person_id__in=run.floor_people, grade__gt=0)
                .values_list("person_id", "grade"))


def scoring_run_execute(*, run: ScoringRun, as_of: dt.date, progress: Any = None) -> ScoringRun:
    """Score every partition, copying each one's results in while the next is scored; then make them the
    run's results and the run current in one transaction: if anything fails before the commit, the
    previous current run stays current and intact."""
    cycle = run.cycle
    table = RunResultTable(run.pk)
    engine_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kaohe-score")
    try:
        builders, floor = partition_builders(cycle, as_of), _floor(run)
        run_with_cycle, units = rollups_prepare(run)
        digest = hashlib.sha256()
        # One thread, in order: each partition scored and turned into result columns, then kept
        # (snapshot, digest), then the roll-ups of all. This one copies each partition's results in as
        # soon as they are scored (numpy, files and the wait for the database all leave the GIL).
        pending: list[Future[Scored]] = []
        kept: list[Future[None]] = []
        for build in builders:
            pending.append(engine_thread.submit(_score_partition, build, run.pk, floor))
            kept.append(engine_thread.submit(_keep_partition, pending[-1], run.pk, digest))
        rollups = engine_thread.submit(_rollups_of, run_with_cycle, units, pending)
        for done, scored in enumerate(pending, start=1):
            table.add(scored.result()[1])
            if progress:
                progress(done, len(pending) + 1)
        for keeping in kept:
            keeping.result()
        with transaction.atomic():
            count = table.attach()
            ScoringRun.objects.filter(cycle=cycle, is_current=True).update(is_current=False)
            run.status, run.is_current, run.people = RunStatus.SUCCEEDED, True, count
            run.input_digest, run.finished_at = digest.hexdigest(), timezone.now()
            run.save(update_fields=["status", "is_current", "people", "input_digest", "finished_at"])
            audit_append(actor=None, action="appraisal.run.finish", object_type="cycle", object_id=cycle.pk,
                         detail={"version": run.version, "people": count, "digest": run.input_digest})
            rollups_save(rollups.result())  # the analysis roll-ups turn current with the run
    except BaseException:
        table.discard()
        raise
    finally:
        engine_thread.shutdown(cancel_futures=True)  # a failure does not wait for the partitions after it
    return run


Scored = tuple[Partition, Mapping[str, Any]]


def _score_partition(build: Callable[[], Partition], run_id: int, floor: dict[int, int]) -> Scored:
    """A partition's inputs and its result columns (no SQL: this runs on the engine's thread)."""
    part = build()
    result = score_cohort(part.scheme, part.cohort)
    if isinstance(result, list):
        raise ProblemsError(result)
    return part, result_columns(run_id, part.category, part.cohort, result, floor)


def _keep_partition(scored: Future[Scored], run_id: int, digest: Any) -> None:
    """A scored partition's inputs kept in the run's snapshot and digest (on the engine's thread, after
    the partition: the digest takes the partitions in order)."""
    part = scored.result()[0]
    save_snapshot(run_id, part)
    _digest_add(digest, part)


def _rollups_of(run: ScoringRun, units: Units, pending: list[Future[Scored]]) -> Rollups:
    """The roll-ups of every partition (on the engine's thread, after the partitions: each is done)."""
    return rollups_compute(run, units, [(columns, part.cohort) for part, columns in (p.result() for p in pending)])


def scoring_run_fail(*, run: ScoringRun, message: str) -> None:
    ScoringRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, finished_at=timezone.now())
    with transaction.atomic():
        audit_append(actor=None, action="appraisal.run.fail", object_type="cycle", object_id=run.cycle_id,
                     outcome="failure", detail={"version": run.version, "message": message[:500]})


