"""Batch notices for a whole subtree (a city: 110,000 people) in the background worker, with progress.

The worker reads the people from the database, then one forked process per core draws the notices, a
chunk of whole groups at a time: each reads its scheme category's snapshot once and scores each
appraisal group once for the explanations (as `appraisal.selectors.result_explain` does for one
person). Notices are drawn straight on a canvas and stored in one zip (ZIP64, not recompressed: PDFs
are compressed already), in the order of the people.
"""

import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import billiard  # Celery's multiprocessing: its pools may start inside a prefork worker's (daemonic) process
from celery import shared_task
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.scope import scope_for
from kaohe.analytics.models import UnitRollup
from kaohe.analytics.notices import NOTICE_FIELDS, Addressee, render_notice
from kaohe.analytics.selectors import Subtree, names_visible, subtree_for
from kaohe.appraisal import selectors as appraisal_selectors
from kaohe.appraisal.models import ScoringRun
from kaohe.appraisal.scoring import cohort_subset, engine_scheme_from_snapshot, load_cohort
from kaohe.audit.services import audit_append
from kaohe.core.bulk import fetch_all
from kaohe.core.errors import PermissionDeniedError
from kaohe.core.jobs import job_progress, job_running, job_start
from kaohe.core.models import Job
from kaohe.engine.explain import Explanation, explain
from kaohe.engine.scoring import score_cohort

PROGRESS_EVERY = 1000
CHUNK = 200  # people a process draws at a time (whole groups)
NOTICE_PROCESSES = min(2, os.cpu_count() or 1)  # drawing a notice is CPU-bound Python: one process a core
PERSON_COLUMNS = ("person__name", "group__name", "person__department__name", "person__post_level", "category")


def notices_batch_start(*, actor: User, tree: Subtree) -> Job:
    """Queue the notices of everyone in the subtree; only roles that see names may print them."""
    if not names_visible(scope_for(actor)):
        raise PermissionDeniedError(_("Your role may not print other people's notices."))
    return job_start(kind="analytics.notices_batch", task=notices_batch_task, created_by=actor,
                     title=_("Notices of %(unit)s, %(year)s") % {"unit": tree.unit.name, "year": tree.run.cycle.year},
                     params={"run_id": tree.run.pk, "unit_id": tree.unit.pk})


def _explanations(run_id: int, scheme_snapshot: dict[str, Any],
                  category: str) -> Callable[[int, int], Explanation | None]:
    """Explanations of a category's people: the snapshot read once, each group scored once on demand."""
    cohort = load_cohort(run_id, category)
    scheme = engine_scheme_from_snapshot(scheme_snapshot)
    scored: dict[int, Any] = {}

    def get(group_id: int, person_id: int) -> Explanation | None:
        if group_id not in scored:
            group = cohort_subset(cohort, cohort.group_ids == group_id)
            result = score_cohort(scheme, group)
            scored.clear()  # groups come in order: keep only the current one
            scored[group_id] = (group, None if isinstance(result, list) else result)
        group, result = scored[group_id]
        if result is None:
            return None
        return explain(scheme, group, result, person_id)

    return get


@dataclass(frozen=True)
class _Chunk:
    """People of one category, whole groups, rendered by one process: everything it needs but the database."""

    run_id: int
    category: str
    scheme: dict[str, Any]
    heading: dict[str, Any]  # cycle_name, year, version
    means: dict[int, list[float | None]]
    rows: list[tuple[Any, ...]]


_CATEGORY_EXPLANATIONS: dict[tuple[int, str], Callable[[int, int], Explanation | None]] = {}


def _render_chunk(chunk: _Chunk) -> list[tuple[str, bytes]]:
    """(file name, PDF) of each person of the chunk; runs in a worker process and touches no database."""
    key = (chunk.run_id, chunk.category)
    if key not in _CATEGORY_EXPLANATIONS:
        _CATEGORY_EXPLANATIONS.clear()
        _CATEGORY_EXPLANATIONS[key] = _explanations(chunk.run_id, chunk.scheme, chunk.category)
    explanations = _CATEGORY_EXPLANATIONS[key]
    files = []
    for row in chunk.rows:
        data = dict(zip(NOTICE_FIELDS, row, strict=False))
        name, unit, department, post_level = row[len(NOTICE_FIELDS): len(NOTICE_FIELDS) + 4]
        content = render_notice(
            row=data, person=Addressee(name, unit, department or "", post_level),
            unit_means=chunk.means.get(data["group_id"]) or [None] * 5, **chunk.heading,
            explanation=explanations(data["group_id"], data["person_id"]))
        files.append((f"{data['group_id']}/{data['person_id']}-{name}.pdf", content))
    return files


def _chunks(run: ScoringRun, rows: list[tuple[Any, ...]], means: dict[int, Any]) -> Iterator[_Chunk]:
    """The rows (ordered by category, group, person) cut into chunks of whole groups of about CHUNK people."""
    heading = {"cycle_name": run.cycle.name, "year": run.cycle.year, "version": run.version}
    group_at = NOTICE_FIELDS.index("group_id")
    start = 0
    for end in range(1, len(rows) + 1):
        last = end == len(rows)
        if last or rows[end][-1] != rows[start][-1] or (
                end - start >= CHUNK and rows[end][group_at] != rows[end - 1][group_at]):
            category = rows[start][-1]
            yield _Chunk(run.pk, category, run.cycle.schemes[category], heading, means, rows[start:end])
            start = end


def notices_write(*, actor: User, tree: Subtree, target: Path,
                  progress: Callable[[int, int], None] | None = None) -> int:
    """Write the subtree's notices into the zip at `target`, drawn by one process per core (the database is
    read before the processes start); returns how many were written."""
    run = tree.run
    results = (appraisal_selectors.results_visible(actor, run).filter(person__unit__path__startswith=tree.unit.path)
               .order_by("category", "group_id", "person_id"))
    rows = fetch_all(results.values_list(*NOTICE_FIELDS, *PERSON_COLUMNS))
    means = dict(UnitRollup.objects.filter(run=run, tree=False, path__startswith=tree.unit.path)
                 .values_list("unit_id", "dimensions"))
    total, done, reported = len(rows), 0, 0
    context = billiard.get_context("fork")  # the children inherit the connection but never use it
    with (zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive,
          context.Pool(NOTICE_PROCESSES) as pool):
        for files in pool.imap(_render_chunk, _chunks(run, rows, means)):
            for name, content in files:
                archive.writestr(name, content)
            done += len(files)
            if progress and done - reported >= PROGRESS_EVERY:
                progress(done, total)
                reported = done
    if progress:
        progress(done, total)
    return done


def _target(name: str) -> tuple[Path, bool]:
    """A local path for the zip: in the storage itself when it is a file system, else a temporary file."""
    try:
        path = Path(default_storage.path(name))
    except NotImplementedError:  # pragma: no cover — remote storage
        import tempfile

        return Path(tempfile.mkstemp(suffix=".zip")[1]), False
    path.parent.mkdir(parents=True, exist_ok=True)
    return path, True


@shared_task(acks_late=True)
def notices_batch_task(job_id: int) -> None:
    with job_running(job_id) as job:
        actor = User.objects.get(pk=job.created_by_id or 0)
        run = appraisal_selectors.run_get(actor, job.params["run_id"])
        tree = subtree_for(actor, run, job.params["unit_id"])
        name = f"notices/{job.pk}/notices-{run.cycle.year}-{tree.unit.pk}.zip"
        path, in_place = _target(name)
        count = notices_write(actor=actor, tree=tree, target=path,
                              progress=lambda done, total: job_progress(job, done=done, total=total))
        if not in_place:  # pragma: no cover
            with path.open("rb") as stream:
                name = default_storage.save(name, ContentFile(stream.read()))
        job.result_file, job.done, job.total = name, count, count
        with transaction.atomic():
            audit_append(actor=actor, action="analytics.notices.export", object_type="run", object_id=run.pk,
                         detail={"unit_id": tree.unit.pk, "notices": count, "job_id": job.pk})

