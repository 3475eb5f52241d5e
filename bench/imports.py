"""Import benchmark (B4): 1,000,000 rows × 8 columns of indicator values from .xlsx into PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_bench_imports .venv/bin/python bench/imports.py
        [--rows 1000000] [--people 110000] [--reuse-db] [--bad-share 0.01]

Phases, each a fresh process so that peak RSS is the import's own:
  setup   (not timed) a fresh database named by DATABASE_URL (dropped and created unless --reuse-db):
          migrate, the demo city of --people, the default indicator library of 2026, an appraisal office
  file    (not timed, cached under /tmp/kaohe-bench-imports/) the .xlsx written with xlsxwriter
          constant_memory: 10 rows per person (JI02 for the year and each quarter, JI06 with a sample
          size, DE02 as a rubric level, QI01, JI01, NE04), plus a copy with --bad-share of rows broken
  import  timed: the single pass (read, check, COPY provenance rows, value sheets, audit: one
          transaction) — the import end to end; then the same file through the pages' path: upload (file
          kept, check job queued) → dry-run job (read, check, preview, error report, cells kept as Arrow)
          → confirm → commit job (check again from the kept cells, write); then the broken file's dry
          run, which must report every broken row
"""

import argparse
import datetime as dt
import itertools
import os
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
CACHE = Path(tempfile.gettempdir()) / "kaohe-bench-imports"
HEADERS = ["工号", "姓名", "指标代码", "年度", "季度", "数值", "等级", "样本量"]
COMBOS = [("JI02", 0), ("JI02", 1), ("JI02", 2), ("JI02", 3), ("JI02", 4), ("JI06", 0), ("DE02", 0), ("QI01", 0),
          ("JI01", 0), ("NE04", 0)]
LEVELS = ["好", "较好", "一般", "较差"]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django() -> None:
    os.environ.setdefault("KAOHE_VAR_DIR", str(CACHE / "var"))
    for folder in ("broker", "broker-done"):  # jobs are queued to the filesystem broker and never consumed here
        (Path(os.environ["KAOHE_VAR_DIR"]) / folder).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings.local")
    import django

    django.setup()


def recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')


def database_ready() -> bool:
    from django.db import connection
    from django.db.utils import DatabaseError

    try:
        from kaohe.accounts.models import User

        return User.objects.filter(username="bench-office").exists()
    except DatabaseError:
        connection.close()
        return False


def phase_probe(args: argparse.Namespace) -> None:
    """Exit 0 when the database already holds the benchmark's city (for --reuse-db)."""
    setup_django()
    sys.exit(0 if database_ready() else 1)


def phase_setup(args: argparse.Namespace) -> None:
    setup_django()
    from django.core.management import call_command

    from kaohe.accounts.roles import Role
    from kaohe.accounts.services import role_assign, user_create
    from kaohe.demo.city import build_demo_city
    from kaohe.indicators.services import default_content_load

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    demo = build_demo_city(people=args.people, seed=1, today=dt.date(2026, 11, 22))
    default_content_load(actor=None, year=2026)
    office = user_create(actor=None, username="bench-office", password=secrets.token_urlsafe(18) + "Aa1!")
    role_assign(actor=None, user=office, role=Role.APPRAISAL_OFFICE, scope_unit=demo.root)
    print(f"set-up (not timed): {args.people:,} people in {time.perf_counter() - started:.0f} s")


def _cell(rng: random.Random, code: str, quarter: int) -> tuple[float | None, str, int | None]:
    if code == "DE02":
        return None, rng.choice(LEVELS), None
    if code == "JI06":
        return round(rng.uniform(60, 100), 1), "", rng.randrange(80, 400)
    return round(rng.uniform(70, 100), 2), "", None


def _breaks(rng: random.Random, row: list[object]) -> list[object]:
    """One broken cell of a kind the check must report."""
    broken = list(row)
    kind = rng.randrange(5)
    if kind == 0:
        broken[0] = "XX" + str(broken[0])
    elif kind == 1:
        broken[1] = "某某"
    elif kind == 2:
        broken[2] = "ZZ99"
    elif kind == 3:
        broken[4] = 7
    else:
        broken[5], broken[6] = "九十", ""
    return broken


def write_file(path: Path, people: list[tuple[str, str]], rows: int, bad_share: float) -> int:
    import xlsxwriter

    rng, bad_rng = random.Random(7), random.Random(11)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("指标数据")
    sheet.write_row(0, 0, HEADERS)
    bad = 0
    for i in range(rows):
        staff_no, name = people[i // len(COMBOS)]
        code, quarter = COMBOS[i % len(COMBOS)]
        value, level, sample = _cell(rng, code, quarter)
        row: list[object] = [staff_no, name, code, 2026, quarter, value, level, sample]
        if bad_share and bad_rng.random() < bad_share:
            row, bad = _breaks(bad_rng, row), bad + 1
        sheet.write_row(i + 1, 0, row)
    book.close()
    return bad


def phase_file(args: argparse.Namespace) -> None:
    setup_django()
    from kaohe.org.models import CivilServant

    CACHE.mkdir(parents=True, exist_ok=True)
    people = list(CivilServant.objects.order_by("staff_no").values_list("staff_no", "name"))
    needed = -(-args.rows // len(COMBOS))
    assert len(people) >= needed, f"{len(people)} people cannot fill {args.rows} rows"
    for path, share in ((good_file(args), 0.0), (bad_file(args), args.bad_share)):
        if path.exists():
            continue
        started = time.perf_counter()
        bad = write_file(path.with_suffix(".tmp"), people, args.rows, share)
        path.with_suffix(".tmp").rename(path)
        path.with_suffix(".bad").write_text(str(bad))
        print(f"wrote {path} ({path.stat().st_size / 1024**2:.0f} MB, {bad:,} broken rows) in "
              f"{time.perf_counter() - started:.0f} s (not timed)")


def good_file(args: argparse.Namespace) -> Path:
    return CACHE / f"values-{args.rows}-p{args.people}.xlsx"


def bad_file(args: argparse.Namespace) -> Path:
    return CACHE / f"values-{args.rows}-p{args.people}-bad{args.bad_share}.xlsx"


def _timed(label: str, run, rows: int):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - started
    print(f"  {label:<34} {elapsed:6.2f} s  {rows / elapsed:>10,.0f} rows/s  peak RSS {peak_rss_mib():,.0f} MiB")
    return result, elapsed


def phase_import(args: argparse.Namespace) -> None:
    setup_django()
    from django.db import connection

    from kaohe.accounts.models import User
    from kaohe.collection.models import IndicatorValue
    from kaohe.feeds.imports import values_check

    office = User.objects.get(username="bench-office")
    path = good_file(args)
    print(f"import of {path.name}: {args.rows:,} rows × 8 columns, {path.stat().st_size / 1024**2:.0f} MB .xlsx, "
          f"{connection.vendor}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    stages: dict[str, float] = {}
    check, single_s = _timed("single pass (read, check, write)", lambda: _single_pass(office, path, stages),
                             args.rows)
    assert check.clean, check.errors[:5]
    print("    stages: " + " · ".join(f"{name} {seconds:.2f} s" for name, seconds in stages.items()))
    assert IndicatorValue.objects.filter(batch="bench-single").count() == args.rows
    flow = _ui_flow(office, path, args.rows)
    print(f"  end to end, single pass: {single_s:.2f} s · {args.rows / single_s:,.0f} rows/s · "
          f"through the pages: upload + dry run + commit {sum(flow):.2f} s (commit job alone {flow[2]:.2f} s) · "
          f"peak RSS {peak_rss_mib():,.0f} MiB")
    bad = bad_file(args)
    expected = int(bad.with_suffix(".bad").read_text())
    check, _elapsed = _timed("dry run of the broken file", lambda: values_check(
        actor=office, data=bad.read_bytes(), file_format="xlsx"), args.rows)
    rows_reported = len({e.row for e in check.errors})
    print(f"  broken rows: {expected:,} written, {rows_reported:,} reported ({check.error_count:,} errors)")
    assert rows_reported == expected, (rows_reported, expected)


def _single_pass(office, path: Path, stages: dict[str, float]):  # type: ignore[no-untyped-def]
    """`values_import` in an outer transaction, so that the commit (deferred foreign-key checks, WAL flush)
    is timed apart; the progress callback marks the stages."""
    from django.db import transaction

    from kaohe.feeds.imports import values_import

    marks = [("start", time.perf_counter())]

    def progress(stage: str, _share: float) -> None:
        marks.append((stage, time.perf_counter()))

    with transaction.atomic():
        check = values_import(actor=office, data=path.read_bytes(), file_format="xlsx", batch="bench-single",
                              dry_run=False, progress=progress)
        marks.append(("written", time.perf_counter()))
    marks.append(("committed", time.perf_counter()))
    names = {"read": "read the .xlsx", "checked": "check", "prepared": "prepare (numbers, sheet updates)",
             "written": "COPY provenance + hashes, sheets, audit", "committed": "commit (deferred FK checks)"}
    for (_previous, before), (name, at) in itertools.pairwise(marks):
        stages[names.get(name, name)] = at - before
    return check


def _ui_flow(office, path: Path, rows: int) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """What the pages and the worker do: upload, the check job, confirm, the commit job (task bodies run here)."""
    from django.db import transaction

    from kaohe.collection.models import IndicatorValue
    from kaohe.core.models import Job
    from kaohe.feeds import services

    def upload():  # type: ignore[no-untyped-def]
        with path.open("rb") as file, transaction.atomic():
            return services.value_import_upload(actor=office, name=path.name, file=file, size=path.stat().st_size)

    item, upload_s = _timed("upload acknowledged", upload, rows)
    _result, check_s = _timed("dry run job (read, check, report)", lambda: services.value_import_check_run(
        Job.objects.get(pk=item.check_job_id)), rows)
    item.refresh_from_db()
    assert item.status == "ready", (item.status, item.preview.get("errors"))
    job = services.value_import_confirm(actor=office, value_import=item)
    _result, commit_s = _timed("commit job (check again, write)", lambda: services.value_import_commit_run(
        Job.objects.get(pk=job.pk)), rows)
    item.refresh_from_db()
    written = IndicatorValue.objects.filter(batch=item.batch).count()
    assert (item.status, written) == ("committed", rows), (item.status, written)
    return upload_s, check_s, commit_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=110_000)
    parser.add_argument("--bad-share", type=float, default=0.01)
    parser.add_argument("--reuse-db", action="store_true")
    parser.add_argument("--phase", choices=["setup", "file", "import", "probe"])
    args = parser.parse_args()
    if args.phase:
        {"setup": phase_setup, "file": phase_file, "import": phase_import, "probe": phase_probe}[args.phase](args)
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://…/<a database this benchmark may drop and create>")
    own = [sys.executable, __file__, "--rows", str(args.rows), "--people", str(args.people),
           "--bad-share", str(args.bad_share)]
    if not args.reuse_db:
        recreate_database(url)
    if not args.reuse_db or subprocess.run([*own, "--phase", "probe"], check=False).returncode != 0:
        subprocess.run([*own, "--phase", "setup"], check=True)
    subprocess.run([*own, "--phase", "file"], check=True)
    subprocess.run([*own, "--phase", "import"], check=True)


if __name__ == "__main__":
    main()
