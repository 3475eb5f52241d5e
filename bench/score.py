"""Scoring benchmarks (issue 4): city DB → engine → DB, nation in memory, fast vs reference.

    .venv/bin/python bench/score.py city [--people 110000]     # DATABASE_URL=postgres://… for PostgreSQL
    .venv/bin/python bench/score.py nation [--people 7100000]
    .venv/bin/python bench/score.py ratio [--people 200000 --sample 2000]
"""

import argparse
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

AS_OF = dt.date(2026, 12, 31)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def synthetic_cohort(scheme, n: int, seed: int = 1):
    """A nation-like cohort: groups of 10–300, two post-level pools, values drawn per rule kind."""
    from kaohe.engine.cohort import Cohort

    rng = np.random.default_rng(seed)
    sizes = rng.integers(10, 301, size=n // 150 + 2)
    group_ids = np.repeat(np.arange(sizes.shape[0], dtype=np.int64), sizes)[:n]
    columns = []
    for spec in scheme.indicators:
        kind = spec.rule.kind
        if kind == "rubric":
            columns.append(rng.choice(4, p=[0.4, 0.4, 0.17, 0.03], size=n).astype(float))
        elif kind == "veto":
            columns.append((rng.random(n) < 0.0015).astype(float))
        elif kind == "capped_bonus":
            columns.append(rng.choice(4, p=[0.7, 0.2, 0.07, 0.03], size=n).astype(float))
        elif kind == "lower_better":
            columns.append(rng.gamma(1.5, 0.6, size=n))
        else:
            columns.append(rng.normal(88, 8, size=n).clip(0, 110))
    r = len(scheme.rater_weights)
    counts = np.column_stack([np.ones(n), rng.integers(4, 13, n), rng.integers(0, 31, n), rng.integers(0, 9, n)])
    counts = counts[:, :r].astype(float)
    means = rng.normal(85, 6, size=(n, r)).clip(40, 100)
    return Cohort(
        person_ids=np.arange(1, n + 1, dtype=np.int64), group_ids=group_ids,
        pool_ids=rng.integers(1, 3, size=n).astype(np.int64), values=np.column_stack(columns),
        quarter_grades=rng.choice(np.array([1, 2, 3, 4], dtype=np.int8), p=[0.4, 0.4, 0.17, 0.03], size=(n, 4)),
        special_scores=np.where(rng.random(n) < 0.25, rng.normal(85, 8, n), np.nan),
        rater_count=counts, rater_sum=means * counts, rater_min=means - 8, rater_max=means + 8,
        satisfaction=np.where(rng.random(n) < 0.6, rng.normal(86, 6, n), np.nan),
        veto=np.zeros(n, dtype=bool), warning_this_year=rng.random(n) < 0.01,
        unit_head_gate=rng.random(n) < 0.002, party_secretary_gate=np.zeros(n, dtype=bool),
        accountability_this_year=rng.random(n) < 0.005, demerit_or_heavier_active=rng.random(n) < 0.003,
        under_investigation=rng.random(n) < 0.001, on_probation=rng.random(n) < 0.03,
        leave_days=np.where(rng.random(n) < 0.01, rng.integers(20, 200, n), 0).astype(np.int64), working_days=248,
        protected=rng.random(n) < 0.01,
        history=rng.choice(np.array([1, 2, 3, 4], dtype=np.int8), p=[0.15, 0.8, 0.04, 0.01], size=(n, 5)),
        step_credit_years=rng.integers(0, 2, n).astype(np.int64),
        level_credit_years=rng.integers(0, 5, n).astype(np.int64),
        sanction_months=np.where(rng.random(n) < 0.01, 6, 0).astype(np.int64),
        difficulty=rng.choice(np.array([1.0, 1.1, 1.2, 1.3]), size=n), as_of=AS_OF,
    )


def nation_scheme():
    """The plan profile with all 25 default indicators of 2026, weights shared equally in each dimension."""
    from dataclasses import replace

    from kaohe.engine import scheme as engine
    from kaohe.engine.ahp import largest_remainder_percentages
    from kaohe.engine.rules import rule_from_dict
    from kaohe.indicators.defaults import LIBRARY

    rows = [row for row in LIBRARY if row["year_to"] is None]
    counted: dict[str, list[str]] = {}
    for row in rows:
        if row["rule_kind"] not in ("veto", "capped_bonus"):
            counted.setdefault(row["dimension"], []).append(row["code"])
    weights = {}
    for codes in counted.values():
        weights.update(zip(codes, largest_remainder_percentages([1 / len(codes)] * len(codes)), strict=True))
    indicators = tuple(
        engine.IndicatorSpec(
            code=row["code"], name_zh=row["name_zh"], name_en=row["name_en"], dimension=row["dimension"],
            kind=row["kind"], source=row["source"], weight=weights.get(row["code"], Decimal(0)),
            rule=rule_from_dict(row["rule_kind"], row["rule_params"]), core=row["core"], unit=row["unit"],
            target=None if row["target"] is None else Decimal(row["target"]), direction=row["direction"])
        for row in rows
    )
    scheme = replace(engine.plan_defaults(), indicators=indicators)
    assert scheme.validate() == [], scheme.validate()
    return scheme


def nation(args: argparse.Namespace) -> None:
    from kaohe.engine.scoring import score_cohort

    scheme = nation_scheme()
    cohort = synthetic_cohort(scheme, args.people)
    before = peak_rss_mib()
    started = time.perf_counter()
    result = score_cohort(scheme, cohort)
    elapsed = time.perf_counter() - started
    assert not isinstance(result, list), result
    graded = int((result.grading.grade > 0).sum())
    print(f"nation in memory: {args.people:,} people, {cohort.values.shape[1]} indicators, "
          f"{np.unique(cohort.group_ids).shape[0]:,} groups")
    print(f"  wall {elapsed:.2f} s · {args.people / elapsed:,.0f} people/s · peak RSS {peak_rss_mib():,.0f} MiB "
          f"(inputs built: {before:,.0f} MiB) · graded {graded:,} · machine: {machine()}")


def ratio(args: argparse.Namespace) -> None:
    from kaohe.engine.reference import reference_cohort
    from kaohe.engine.scoring import score_cohort

    scheme = nation_scheme()
    cohort = synthetic_cohort(scheme, args.people)
    started = time.perf_counter()
    score_cohort(scheme, cohort)
    fast = (time.perf_counter() - started) / args.people
    sample = synthetic_cohort(scheme, args.sample, seed=2)
    started = time.perf_counter()
    reference_cohort(scheme, sample)
    slow = (time.perf_counter() - started) / args.sample
    print(f"fast engine: {fast * 1e6:.2f} µs/person over {args.people:,}; reference: {slow * 1e6:,.0f} µs/person "
          f"over {args.sample:,}; ratio {slow / fast:,.0f}× · machine: {machine()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["city", "city-runs", "nation", "ratio"])
    parser.add_argument("--cycle", type=int, help="city-runs: the cycle set up by `city`")
    parser.add_argument("--people", type=int)
    parser.add_argument("--sample", type=int, default=2000)
    args = parser.parse_args()
    defaults = {"city": 110_000, "city-runs": 110_000, "nation": 7_100_000, "ratio": 200_000}
    args.people = args.people or defaults[args.mode]
    {"city": city, "city-runs": city_runs, "nation": nation, "ratio": ratio}[args.mode](args)


def setup_django() -> None:
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='kaohe-bench-')}/bench.sqlite3"
    os.environ.setdefault("KAOHE_VAR_DIR", tempfile.mkdtemp(prefix="kaohe-bench-var-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings.local")
    import django

    django.setup()


def city(args: argparse.Namespace) -> None:
    """Set up the city (not timed), then time the runs in a fresh process, as a worker runs them: the
    set-up leaves a large heap behind whose garbage collection would be timed with the runs."""
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from kaohe.appraisal.services import cycle_open
    from kaohe.demo.city import build_demo_city
    from kaohe.demo.year import build_demo_year
    from kaohe.indicators.services import default_content_load

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    demo = build_demo_city(people=args.people, seed=1, today=dt.date(2026, 11, 22))
    default_content_load(actor=None, year=2026)
    build_demo_year(year=2026, seed=1)
    cycle = cycle_open(actor=None, name="2026年度考核", year=2026, root=demo.root)
    with connection.cursor() as cursor:  # the state autovacuum leaves some minutes after a load:
        # statistics, hint bits and visibility set, the load's dirty pages written out
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        if connection.vendor == "postgresql":
            cursor.execute("CHECKPOINT")
    print(f"set-up (not timed): {args.people:,} people in {time.perf_counter() - started:.0f} s on "
          f"{connection.vendor}", flush=True)
    subprocess.run([sys.executable, __file__, "city-runs", "--cycle", str(cycle.pk), "--people", str(args.people)],
                   check=True)  # the environment (database, var dir) is inherited


def city_runs(args: argparse.Namespace) -> None:
    setup_django()
    from django.db import connection

    from kaohe.appraisal.models import Cycle
    from kaohe.appraisal.services import scoring_run_create, scoring_run_execute

    cycle = Cycle.objects.get(pk=args.cycle)
    for attempt in (1, 2, 3):
        statements: list[str] = []

        def count(execute, sql, params, many, context, statements=statements):
            statements.append(sql)
            return execute(sql, params, many, context)

        run = scoring_run_create(actor=None, cycle=cycle)
        with connection.execute_wrapper(count):
            started = time.perf_counter()
            scoring_run_execute(run=run, as_of=AS_OF)
            elapsed = time.perf_counter() - started
        print(f"run {attempt}: {args.people:,} people DB → engine → DB in {elapsed:.2f} s · "
              f"{args.people / elapsed:,.0f} people/s · {len(statements)} SQL statements · "
              f"peak RSS {peak_rss_mib():,.0f} MiB · {connection.vendor} · machine: {machine()}")


if __name__ == "__main__":
    main()
