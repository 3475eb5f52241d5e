"""Scoring benchmarks (issue 4): city DB → engine → DB, nation in memory, fast vs reference.

    .venv/bin/python bench/score.py city [--people 110000]     # DATABASE_URL=postgres://… for PostgreSQL
    .venv/bin/python bench/score.py nation [--people 7100000]
    .venv/bin/python bench/score.py ratio [--people 200000 --sample 2000 --repeat 5]
"""

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
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
    """A nation-like cohort: groups of 10–300, two post-level pools, values drawn per rule kind; the 2-D
    columns column-major, as a scoring run gathers them from the sheets (`SheetMatrix.columns`)."""
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
    counts = np.asfortranarray(counts[:, :r])
    means = np.asfortranarray(rng.normal(85, 6, size=(n, r)).clip(40, 100))
    return Cohort(
        person_ids=np.arange(1, n + 1, dtype=np.int64), group_ids=group_ids,
        pool_ids=rng.integers(1, 3, size=n).astype(np.int64), values=np.asfortranarray(np.column_stack(columns)),
        quarter_grades=np.asfortranarray(rng.choice(np.array([1, 2, 3, 4], dtype=np.int8), p=[0.4, 0.4, 0.17, 0.03],
                                                    size=(n, 4))),
        special_scores=np.where(rng.random(n) < 0.25, rng.normal(85, 8, n), np.nan),
        rater_count=counts, rater_sum=means * counts, rater_min=means - 8, rater_max=means + 8,
        satisfaction=np.where(rng.random(n) < 0.6, rng.normal(86, 6, n), np.nan),
        veto=np.zeros(n, dtype=bool), warning_this_year=rng.random(n) < 0.01,
        unit_head_gate=rng.random(n) < 0.002, party_secretary_gate=np.zeros(n, dtype=bool),
        accountability_this_year=rng.random(n) < 0.005, demerit_or_heavier_active=rng.random(n) < 0.003,
        under_investigation=rng.random(n) < 0.001, on_probation=rng.random(n) < 0.03,
        leave_days=np.where(rng.random(n) < 0.01, rng.integers(20, 200, n), 0).astype(np.int64), working_days=248,
        protected=rng.random(n) < 0.01,
        history=np.asfortranarray(rng.choice(np.array([1, 2, 3, 4], dtype=np.int8), p=[0.15, 0.8, 0.04, 0.01],
                                             size=(n, 5))),
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
    """Per-person time of each engine: the fastest of `--repeat` runs after a warm-up run, as `timeit` does
    (the first run in a process also pays for the first touch of fresh memory; it is printed too)."""
    from kaohe.engine.reference import reference_cohort
    from kaohe.engine.scoring import score_cohort

    scheme = nation_scheme()
    cohort, sample = synthetic_cohort(scheme, args.people), synthetic_cohort(scheme, args.sample, seed=2)
    fast = [timed(score_cohort, scheme, cohort) / args.people for _ in range(args.repeat + 1)]
    slow = [timed(reference_cohort, scheme, sample) / args.sample for _ in range(args.repeat + 1)]
    median = statistics.median
    print(f"fast engine: {min(fast[1:]) * 1e6:.2f} µs/person over {args.people:,} (median "
          f"{median(fast[1:]) * 1e6:.2f}, first run {fast[0] * 1e6:.2f}); reference: {min(slow[1:]) * 1e6:,.0f} "
          f"µs/person over {args.sample:,} (median {median(slow[1:]) * 1e6:,.0f}, first run {slow[0] * 1e6:,.0f}); "
          f"ratio {min(slow[1:]) / min(fast[1:]):,.0f}× (first runs {slow[0] / fast[0]:,.0f}×) · machine: {machine()}")


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["city", "city-runs", "nation", "nation-db", "ratio"])
    parser.add_argument("--cycle", type=int, help="city-runs: the cycle set up by `city`")
    parser.add_argument("--people", type=int)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5, help="ratio: timed runs of each engine after a warm-up")
    parser.add_argument("--city-people", type=int, default=110_000, help="nation-db: the city copied")
    parser.add_argument("--runs", type=int, default=3, help="city-runs: how many runs to time")
    args = parser.parse_args()
    from kaohe.core.memory import keep_freed_memory

    keep_freed_memory()  # as the background worker does
    defaults = {"city": 110_000, "city-runs": 110_000, "nation": 7_100_000, "nation-db": 7_100_000,
                "ratio": 200_000}
    args.people = args.people or defaults[args.mode]
    {"city": city, "city-runs": city_runs, "nation": nation, "nation-db": nation_db, "ratio": ratio}[args.mode](args)


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
    cycle = city_setup(args.people)
    runs(cycle, args.people)


def city_setup(people: int):
    """The demo city with its scored year and an open cycle, in the state autovacuum leaves some minutes
    after a load: statistics, hint bits and visibility set, the load's dirty pages written out."""
    from django.core.management import call_command

    from kaohe.appraisal.services import cycle_open
    from kaohe.demo.city import build_demo_city
    from kaohe.demo.year import build_demo_year
    from kaohe.indicators.services import default_content_load

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    demo = build_demo_city(people=people, seed=1, today=dt.date(2026, 11, 22))
    default_content_load(actor=None, year=2026)
    build_demo_year(year=2026, seed=1)
    cycle = cycle_open(actor=None, name="2026年度考核", year=2026, root=demo.root)
    vacuum()
    print(f"set-up (not timed): {people:,} people in {time.perf_counter() - started:.0f} s", flush=True)
    return cycle


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        if connection.vendor == "postgresql":
            cursor.execute("CHECKPOINT")


def runs(cycle, people: int) -> None:
    """Time the runs in a fresh process; the environment (database, var dir) is inherited."""
    subprocess.run([sys.executable, __file__, "city-runs", "--cycle", str(cycle.pk), "--people", str(people)],
                   check=True)


#: id offset between the copies of the city in `nation-db` (ids stay below 2**31 for 64 copies)
COPY_OFFSET = 10_000_000


def nation_db(args: argparse.Namespace) -> None:
    """PostgreSQL only: the demo city of 110,000 built once, then copied in SQL until the nation's size:
    each copy's units hang under the city's root (same categories and levels, so the same groups of
    10–300), its people, value sheets and personnel records are the city's with ids shifted. The people
    keep the city's departments and positions (the run reads only the position's difficulty)."""
    setup_django()
    from django.db import connection

    assert connection.vendor == "postgresql", "nation-db needs DATABASE_URL=postgres://…"
    city_people = args.city_people
    copies = round(args.people / city_people) - 1
    started = time.perf_counter()
    cycle = city_setup(city_people)
    root = cycle.root_id
    with connection.cursor() as cursor:
        # a copy of rows already consistent: no per-row foreign key triggers, no waiting for the WAL flush
        cursor.execute("SET synchronous_commit = off; SET session_replication_role = replica; "
                       "SET maintenance_work_mem = '2GB'")
        for table, shifted in nation_copies(root).items():
            began = time.perf_counter()
            copy_table(cursor, table, shifted, copies)
            print(f"  {table}: {copies} copies in {time.perf_counter() - began:.0f} s", flush=True)
    vacuum()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM org_civilservant WHERE status = 'active'")
        people = cursor.fetchone()[0]
    print(f"nation set-up (not timed): {people:,} people in {time.perf_counter() - started:.0f} s", flush=True)
    runs(cycle, people)


def nation_copies(root: int) -> dict[str, dict[str, str]]:
    """Per table, the columns a copy changes (`k` is the copy's number, `t` the city's row)."""
    shift = f"t.{{}} + k * {COPY_OFFSET}"
    path = (f"'/{root}/' || (SELECT"  # noqa: S608
            f" string_agg((x::bigint + k * {COPY_OFFSET})::text || '/', '' ORDER BY n) "
            f"FROM unnest(string_to_array(trim(both '/' from t.path), '/')) WITH ORDINALITY AS s(x, n))")
    person = {"id": shift.format("id"), "person_id": shift.format("person_id")}
    return {
        "org_unit": {"id": shift.format("id"), "code": "t.code || '~' || k", "path": path, "depth": "t.depth + 1",
                     "parent_id": f"coalesce(t.parent_id + k * {COPY_OFFSET}, {root})"},
        "org_civilservant": {"id": shift.format("id"), "unit_id": shift.format("unit_id"),
                             "staff_no": "t.staff_no || '~' || k",
                             "id_number_index": "left(t.id_number_index, 56) || lpad(k::text, 8, '0')"},
        "collection_valuesheet": person,
        **dict.fromkeys(("org_sanction", "org_accountability", "org_leave", "org_protectedstate",
                         "org_investigation"), person),
    }


def copy_table(cursor, table: str, shifted: dict[str, str], copies: int) -> None:
    """One INSERT … SELECT for all copies, with the table's secondary indexes and unique constraints
    dropped before and built again after (a sorted build instead of 7 million random inserts)."""
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                   "ORDER BY ordinal_position", [table])
    columns = [name for (name,) in cursor.fetchall()]
    cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                   "AND contype = 'u'", [table])
    uniques = cursor.fetchall()
    cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                   "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)", [table, table])
    indexes = cursor.fetchall()
    for name, _ in uniques:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    values = ", ".join(shifted.get(c, f"t.{c}") for c in columns)
    cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values} "  # noqa: S608  # nosec B608
                   f"FROM {table} t CROSS JOIN generate_series(1, %s) AS k WHERE t.id < %s ORDER BY k, t.id",
                   [copies, COPY_OFFSET])
    for name, definition in uniques:
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    for _, definition in indexes:
        cursor.execute(definition)
    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")  # noqa: S608


def city_runs(args: argparse.Namespace) -> None:
    setup_django()
    from django.db import connection

    from kaohe.appraisal.models import Cycle
    from kaohe.appraisal.services import scoring_run_create, scoring_run_execute

    cycle = Cycle.objects.get(pk=args.cycle)
    for attempt in range(1, args.runs + 1):
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
