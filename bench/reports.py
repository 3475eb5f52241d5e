"""Analysis and report benchmarks (issue "结果分析模块", research B3/B5) on a city of 110,000 people.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_bench_reports .venv/bin/python bench/reports.py
    .venv/bin/python bench/reports.py --people 20000 --requests 200 --keep   # smaller; keep the database

Builds the city as `bench/score.py city` does (not timed), scores it once, then measures: the roll-up
refresh, the dashboard page and its API (server time of the view through the Django test client), the
personal notice PDF over N requests, a listing of about 10,000 rows (PDF and xlsx), and the batch of
notices for the whole city, run as the Celery task runs it (its own function: the database read in this
process, the notices drawn by one forked process per core).
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.score import AS_OF, machine, peak_rss_mib


def setup_django() -> None:
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='kaohe-bench-')}/bench.sqlite3"
    os.environ.setdefault("KAOHE_VAR_DIR", tempfile.mkdtemp(prefix="kaohe-bench-var-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings.local")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host is allowed; nothing else changes for the measurement


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def timed_gets(client, url: str, n: int) -> list[float]:
    out = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        out.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return out


def summary(times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return (f"p50 {statistics.median(ms):.0f} ms · p95 {percentile(ms, 95):.0f} ms · max {max(ms):.0f} ms "
            f"over {len(ms)}")


def rescore(run):
    from kaohe.appraisal.models import ScoringRun
    from kaohe.appraisal.services import scoring_run_create, scoring_run_execute

    started = time.perf_counter()
    new = scoring_run_execute(run=scoring_run_create(actor=None, cycle=run.cycle), as_of=AS_OF)
    print(f"re-scored (not timed in the figures): run v{new.version} in {time.perf_counter() - started:.1f} s")
    return ScoringRun.objects.select_related("cycle__root").get(pk=new.pk)


def build(people: int):
    from django.core.management import call_command
    from django.db import connection

    from kaohe.appraisal.models import Cycle, ScoringRun
    from kaohe.appraisal.services import cycle_open, scoring_run_create, scoring_run_execute
    from kaohe.demo.city import build_demo_city
    from kaohe.demo.year import build_demo_year
    from kaohe.indicators.services import default_content_load

    call_command("migrate", verbosity=0)
    run = ScoringRun.objects.filter(is_current=True).select_related("cycle__root").first()
    if run is not None:
        print(f"reusing the city in the database: {run.people:,} people scored")
        return run
    started = time.perf_counter()
    demo = build_demo_city(people=people, seed=1, today=dt.date(2026, 11, 22))
    default_content_load(actor=None, year=2026)
    build_demo_year(year=2026, seed=1)
    cycle = cycle_open(actor=None, name="2026年度考核", year=2026, root=demo.root)
    run = scoring_run_execute(run=scoring_run_create(actor=None, cycle=cycle), as_of=AS_OF)
    print(f"set-up (not timed): {people:,} people built and scored in {time.perf_counter() - started:.0f} s "
          f"on {connection.vendor}")
    assert Cycle.objects.count() == 1
    return ScoringRun.objects.select_related("cycle__root").get(pk=run.pk)


def refresh(run) -> None:
    from django.db import connection

    from kaohe.analytics.rollups import rollups_refresh

    for attempt in (1, 2):
        statements: list[str] = []

        def count(execute, sql, params, many, context, statements=statements):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            started = time.perf_counter()
            rows = rollups_refresh(run)
            elapsed = time.perf_counter() - started
        print(f"roll-up refresh {attempt}: {run.people:,} people → {rows:,} unit roll-ups in {elapsed:.2f} s · "
              f"{len(statements)} SQL statements")


def office_client(run):
    from kaohe.accounts.models import User
    from kaohe.accounts.roles import Role
    from kaohe.accounts.services import role_assign, user_create
    from tests.conftest import VerifiedClient

    user = User.objects.filter(username="bench_office").first()
    if user is None:
        user = user_create(actor=None, username="bench_office", password="Correct-Horse-2026-bench")  # noqa: S106 — a bench-only account
        role_assign(actor=None, user=user, role=Role.APPRAISAL_OFFICE, scope_unit=run.cycle.root)
    client = VerifiedClient()
    client.force_login(user)
    return client, user


def dashboard(client, run) -> None:
    from django.db import connection

    for url, label in (("/analysis/", "dashboard page (city)"), ("/api/analytics/dashboard", "dashboard API")):
        timed_gets(client, url, 2)  # warm caches (font, templates, connections)
        statements: list[str] = []

        def count(execute, sql, params, many, context, statements=statements):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        cpu = time.process_time()
        times = timed_gets(client, url, 20)
        cpu = (time.process_time() - cpu) / 20
        print(f"{label}: {summary(times)} · {cpu * 1000:.0f} ms CPU of this process a request · "
              f"{len(statements)} SQL statements")


def notices(client, run, requests: int) -> None:
    import random

    from kaohe.appraisal.models import RunResult

    ids = list(RunResult.objects.filter(run=run).values_list("person_id", flat=True))
    rng = random.Random(1)
    sample = [rng.choice(ids) for _ in range(requests)]
    client.get(f"/analysis/notices/{run.pk}/{sample[0]}.pdf")
    times, sizes = [], []
    cpu = time.process_time()
    for pid in sample:
        started = time.perf_counter()
        response = client.get(f"/analysis/notices/{run.pk}/{pid}.pdf")
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
        sizes.append(len(response.content))
    cpu = (time.process_time() - cpu) / len(sample)
    print(f"personal notice PDF: {summary(times)} · {cpu * 1000:.0f} ms CPU of this process a request · "
          f"{statistics.mean(sizes) / 1024:.0f} KiB each")


def listing(client, run) -> None:
    from kaohe.analytics.models import UnitRollup

    rows = UnitRollup.objects.filter(run=run, tree=True, people__gte=10_000).order_by("people").first()
    if rows is None:
        rows = UnitRollup.objects.filter(run=run, tree=True).order_by("-people").first()
    for fmt in ("xlsx", "pdf"):
        url = f"/analysis/lists/results.{fmt}?unit={rows.unit_id}"
        client.get(url)  # warm: the font's glyphs for these names are cached after the first document
        cpu, started = time.process_time(), time.perf_counter()
        response = client.get(url)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert response.status_code == 200
        print(f"listing of {rows.people:,} rows ({rows.unit.name}) as {fmt}: {elapsed:.2f} s ({cpu:.2f} s CPU) · "
              f"{len(response.content) / 1024 / 1024:.1f} MiB")


def batch(user, run, limit_unit: int | None) -> None:
    from kaohe.analytics.selectors import subtree_for
    from kaohe.analytics.tasks import NOTICE_PROCESSES, notices_write

    tree = subtree_for(user, run, limit_unit)
    target = Path(tempfile.mkdtemp(prefix="kaohe-notices-")) / "notices.zip"
    last = [time.perf_counter()]

    def progress(done: int, total: int) -> None:
        if done % 10_000 == 0 or done == total:
            print(f"  {done:,}/{total:,} notices, {time.perf_counter() - last[0]:.0f} s", flush=True)

    started = time.perf_counter()
    last[0] = started
    count = notices_write(actor=user, tree=tree, target=target, progress=progress)
    elapsed = time.perf_counter() - started
    print(f"batch notices for {tree.unit.name}: {count:,} in {elapsed:.0f} s ({count / elapsed:,.0f} notices/s, "
          f"{NOTICE_PROCESSES} drawing processes, as one worker runs it) · "
          f"zip {target.stat().st_size / 1024 ** 3:.2f} GiB · "
          f"peak RSS {peak_rss_mib():,.0f} MiB")
    target.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=110_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--rescore", action="store_true", help="score the reused city again first")
    parser.add_argument("--batch-unit", type=int, default=None, help="a unit id: notices of its subtree only")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    print(f"machine: {machine()} · database: {connection.vendor}")
    run = build(args.people)
    if args.rescore:
        run = rescore(run)
    refresh(run)
    client, user = office_client(run)
    dashboard(client, run)
    notices(client, run, args.requests)
    listing(client, run)
    if not args.skip_batch:
        batch(user, run, args.batch_unit)


if __name__ == "__main__":
    main()
