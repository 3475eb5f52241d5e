"""Public-rating ingestion (research B2): acknowledged ratings/s with durable commits.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_bench_ratings
    .venv/bin/python bench/ratings.py all        # single, batch (main app, then the lean intake app), crash
    .venv/bin/python bench/ratings.py single --seconds 20 --concurrency 64
    .venv/bin/python bench/ratings.py batch --seconds 20 --batch-concurrency 6
    .venv/bin/python bench/ratings.py crash

The script prepares the database (dropped and created afresh, migrated, 200 people with rating targets), checks
that PostgreSQL commits durably (fsync and synchronous_commit on: never switched off here), starts
`gunicorn kaohe.config.wsgi` (gthread) or `uvicorn kaohe.ratings.ingest:application` (--app) on 127.0.0.1
and loads it from a separate process: a small
asyncio HTTP/1.1 client with keep-alive connections. A rating counts as acknowledged when its answer
(201, or "accepted" in a batch) has arrived, which the server sends only after the commit.
Bodies are built before the clock starts (visit codes signed with the server's key).
The crash run kills the server (SIGKILL to its process group) mid-load, starts it again, sends the
unanswered requests again, and checks that every acknowledged rating is stored exactly once.
"""

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(tempfile.gettempdir()) / "kaohe-bench-ratings"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kaohe_bench_ratings"
SECRET = "bench-ratings-secret-key-that-is-long-enough-0123456789-abcdefghij"  # noqa: S105 (bench only)


# --- set-up (not timed) -------------------------------------------------------------------------------

def setup_django() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ["KAOHE_VAR_DIR"] = str(WORK / "var")
    os.environ["DJANGO_SECRET_KEY"] = SECRET
    os.environ["DJANGO_SETTINGS_MODULE"] = "kaohe.config.settings.local"
    os.environ.pop("REDIS_URL", None)  # visit codes meet no rate limit; caches stay on files
    (WORK / "var").mkdir(parents=True, exist_ok=True)
    _create_database(os.environ["DATABASE_URL"])
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create_database(url: str) -> None:
    """A fresh database for each run (dropped first): the figures start from empty tables."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')


def durability() -> dict[str, str]:
    """The server settings that make a commit durable; the benchmark refuses to run without them."""
    from django.db import connection

    with connection.cursor() as cursor:
        found = {}
        for name in ("fsync", "synchronous_commit", "wal_sync_method", "full_page_writes"):
            cursor.execute(f"SHOW {name}")
            found[name] = cursor.fetchone()[0]
    if found["fsync"] != "on" or found["synchronous_commit"] not in ("on", "remote_apply", "remote_write"):
        raise SystemExit(f"PostgreSQL does not commit durably here: {found}")
    return found


def targets(n: int = 200) -> list[tuple[str, int]]:
    """(kind, id) of n people's rating targets in a bench unit (made once)."""
    import datetime as dt

    from kaohe.org.idcard import check_char
    from kaohe.org.models import Unit
    from kaohe.org.services import department_create, person_create, unit_create
    from kaohe.ratings.services import targets_ensure

    unit = Unit.objects.filter(code="BENCH-RATINGS").first()
    if unit is None:
        root = unit_create(actor=None, code="BENCH-CITY", name="压测市", level="city", category="general")
        unit = unit_create(actor=None, code="BENCH-RATINGS", name="压测市政务服务中心", level="county",
                           category="service", parent=root)
        department = department_create(actor=None, unit=unit, name="窗口科")
        for i in range(n):
            first17 = f"360102199001{i % 28 + 1:02d}{i:03d}"
            person_create(actor=None, unit=unit, staff_no=f"BR{i:05d}", name=f"窗口员{i}", gender="F",
                          birth_date=dt.date(1990, 1, i % 28 + 1), id_number=first17 + check_char(first17),
                          hire_date=dt.date(2015, 7, 1), post_level="principal_4", department=department)
    return [(t.kind, t.pk) for t in targets_ensure(actor=None, unit=unit)]


def bad_ratings_possible() -> bool:
    """Bad ratings need a follow-up deadline: only while the calendar knows the coming working days."""
    from django.utils import timezone

    from kaohe.ratings.store import _due_date

    return _due_date(timezone.localdate()) is not None


def make_bodies(kind: str, count: int, pool: list[tuple[str, int]], run: str) -> list[tuple[bytes, list[str]]]:
    """Request bodies with their service references: single ratings, or batches of 500."""
    from kaohe.ratings.tokens import visit_token

    rng = random.Random(7)
    # 5% 差评 (each opens a follow-up case), 10% with a comment (encrypted)
    levels = [1] * 60 + [2] * 25 + [3] * 10 + ([4] * 3 + [5] * 2 if bad_ratings_possible() else [3] * 5)
    size = 1 if kind == "single" else 500

    def record(i: int) -> tuple[dict[str, object], str]:
        target_kind, target_id = pool[i % len(pool)]
        ref = f"{run}-{i}"
        body: dict[str, object] = {"token": visit_token(target_kind, target_id, ref), "level": rng.choice(levels)}
        if i % 10 == 0:
            body["comment"] = "窗口服务很耐心，办理很快"
        return body, ref

    bodies = []
    for start in range(0, count * size, size):
        records = [record(i) for i in range(start, start + size)]
        payload = records[0][0] if kind == "single" else {"ratings": [r for r, _ in records]}
        bodies.append((json.dumps(payload, ensure_ascii=False).encode(), [ref for _, ref in records]))
    return bodies


# --- the server ----------------------------------------------------------------------------------------

# A worker's threads share one interpreter lock. The committer thread gives it up for every database
# round trip and must win it back from request threads that hold it up to the switch interval (5 ms by
# default), so a shorter interval shortens each commit. Set per worker after the fork.
GUNICORN_CONFIG = """import sys


def post_fork(server, worker):
    sys.setswitchinterval({interval})
"""


APPS = {"main": "kaohe.config.wsgi", "ingest": "kaohe.ratings.ingest:application"}


class Server:
    """gunicorn in its own process group, so a crash kills master and workers at once."""

    def __init__(self, port: int, args: argparse.Namespace, app: str = "main") -> None:
        self.port, self.workers, self.threads = port, args.workers, args.threads
        self.module = APPS[app]
        self.switch_interval = args.switch_interval
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = (WORK / "gunicorn.log").open("ab")
        config = WORK / "gunicorn_conf.py"
        config.write_text(GUNICORN_CONFIG.format(interval=self.switch_interval))
        command = [str(ROOT / ".venv/bin/gunicorn"), self.module, "--bind", f"127.0.0.1:{self.port}",
                   "--workers", str(self.workers), "--threads", str(self.threads), "--worker-class", "gthread",
                   "--keep-alive", "30", "--backlog", "4096", "--log-level", "warning", "--config", str(config)]
        if self.module.endswith(":application"):  # the lean intake is an ASGI event loop
            command = [str(ROOT / ".venv/bin/uvicorn"), self.module, "--host", "127.0.0.1", "--port", str(self.port),
                       "--workers", str(self.workers), "--loop", "uvloop", "--http", "httptools",
                       "--timeout-keep-alive", "30", "--backlog", "4096", "--log-level", "warning",
                       "--no-access-log"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), stdout=log, stderr=log,
                                        start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"GET /r/thanks/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    if sock.recv(64).startswith((b"HTTP/1.1 200", b"HTTP/1.1 404")):  # the intake app has no pages
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not start; see {WORK / 'gunicorn.log'}")

    def kill(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
            self.process = None


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def group_cpu(pid: int) -> float:
    """CPU seconds of a process and its children (gunicorn's master and workers)."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        children += [int(c) for c in task.read_text().split()]
    return proc_cpu(pid) + sum(proc_cpu(c) for c in children)


def database_cpu() -> float:
    """CPU seconds of the PostgreSQL backends serving the benchmark's database (not this script's)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")
        return sum(proc_cpu(pid) for (pid,) in cursor.fetchall())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the load generator (a separate process; no Django) -------------------------------------------------

async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bytes]:
    writer.write(request)
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return status, await reader.readexactly(length)


CONNECT_GAP = 0.01  # seconds between the loader's connections as it starts


async def _client(port: int, path: str, bodies: list[bytes], concurrency: int, seconds: float,
                  retry: bool) -> dict[str, object]:
    """Send bodies in order from `concurrency` connections for `seconds`; with `retry`, bodies that got
    no answer (connection lost) are sent again until answered, after the time is up if need be."""
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
    queue = list(range(len(bodies)))[::-1]
    pending: list[int] = []
    answers: dict[int, tuple[int, float, bytes]] = {}
    start = last = time.perf_counter()
    deadline = start + seconds

    async def connection_loop(k: int) -> None:
        nonlocal last
        reader = writer = None
        # clients do not connect in the same microsecond: a server process that is idle takes each new
        # connection (uvicorn's workers share one socket; one of them would accept a burst all at once)
        await asyncio.sleep(k * CONNECT_GAP)
        while True:
            now = time.perf_counter()
            if pending and (now >= deadline or not queue):
                i = pending.pop()
            elif queue and now < deadline:
                i = queue.pop()
            else:
                break
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                t0 = time.perf_counter()
                status, body = await _exchange(reader, writer, f"{head}{len(bodies[i])}\r\n\r\n".encode() + bodies[i])
                last = time.perf_counter()
                answers[i] = (status, last - t0, body)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                if writer is not None:
                    writer.close()
                reader = writer = None
                if not retry:
                    break
                pending.append(i)
                await asyncio.sleep(0.05)
        if writer is not None:
            writer.close()

    await asyncio.gather(*(connection_loop(k) for k in range(concurrency)))
    return {"elapsed": last - start, "answers": answers, "cpu": time.process_time()}


def loader_main(args: argparse.Namespace) -> None:
    import pickle

    bodies = pickle.loads(Path(args.bodies).read_bytes())  # noqa: S301 (our own file, just written)
    result = asyncio.run(_client(args.port, args.path, bodies, args.concurrency, args.seconds, args.retry))
    Path(args.out).write_bytes(pickle.dumps(result))


def run_loader(port: int, path: str, bodies: list[bytes], concurrency: int, seconds: float,
               retry: bool = False) -> subprocess.Popen[bytes]:
    import pickle

    (WORK / "bodies.pickle").write_bytes(pickle.dumps(bodies))
    command = [sys.executable, __file__, "_load", "--port", str(port), "--path", path, "--bodies",
               str(WORK / "bodies.pickle"), "--concurrency", str(concurrency), "--seconds", str(seconds),
               "--out", str(WORK / "answers.pickle")] + (["--retry"] if retry else [])
    return subprocess.Popen(command)


def loader_result(process: subprocess.Popen[bytes]) -> dict[str, object]:
    import pickle

    if process.wait() != 0:
        raise SystemExit("the load generator failed")
    return pickle.loads((WORK / "answers.pickle").read_bytes())  # type: ignore[no-any-return]  # noqa: S301


# --- measurements --------------------------------------------------------------------------------------

def acknowledged(kind: str, status: int, body: bytes) -> list[int]:
    """Positions (within the body) of the ratings the answer acknowledges."""
    if kind == "single":
        return [0] if status == 201 else []
    if status != 200:
        return []
    return [r["index"] for r in json.loads(body)["results"] if r["status"] == "accepted"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def measure(kind: str, args: argparse.Namespace, pool: list[tuple[str, int]], app: str = "main") -> dict[str, float]:
    per_second = 6000 if kind == "single" else 60
    bodies = make_bodies(kind, int(per_second * args.seconds), pool, f"{kind}-{time.time_ns()}")
    port = free_port()
    server = Server(port, args, app)
    server.start()
    load_before = os.getloadavg()[0]
    started = _now()
    try:
        concurrency = args.concurrency if kind == "single" else args.batch_concurrency
        path = "/api/ratings/submit" if kind == "single" else "/api/ratings/batch"
        app_before = group_cpu(server.process.pid)  # type: ignore[union-attr]
        result = loader_result(run_loader(port, path, [b for b, _ in bodies], concurrency, args.seconds))
        app_cpu = group_cpu(server.process.pid) - app_before  # type: ignore[union-attr]
        db_cpu = database_cpu()
    finally:
        server.stop()
    answers = result["answers"]
    assert isinstance(answers, dict)
    acked = sum(len(acknowledged(kind, status, body)) for status, _latency, body in answers.values())
    latencies = [latency * 1000 for _status, latency, _body in answers.values()]
    other = sorted({status for status, _l, _b in answers.values()} - {200, 201})
    figures = {"requests": len(answers), "acked": acked, "seconds": float(result["elapsed"]),  # type: ignore[arg-type]
               "acked_per_s": acked / float(result["elapsed"]),  # type: ignore[arg-type]
               "p50_ms": percentile(latencies, 0.50), "p99_ms": percentile(latencies, 0.99)}
    print(f"{kind:>6} ({server.module}): {figures['acked_per_s']:,.0f} acknowledged ratings/s "
          f"({acked:,} in {figures['seconds']:.1f} s, "
          f"{len(answers):,} requests), latency p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms"
          + (f"; other statuses {other}" if other else ""))
    per = 1e6 / max(acked, 1)
    client_cpu = float(result["cpu"])  # type: ignore[arg-type]
    commits = _commits(kind, started)
    print(f"        {commits:,} commits, {acked / max(commits, 1):.1f} ratings per commit (one fsync and one audit "
          f"event each)")
    print(f"        CPU per acknowledged rating: app {app_cpu * per:.0f} µs, database backends {db_cpu * per:.0f} µs, "
          f"load generator {client_cpu * per:.0f} µs → {2e6 / ((app_cpu + db_cpu) * per):,.0f}/s if app and database "
          f"had both cores; load average {load_before:.1f} → {os.getloadavg()[0]:.1f} (other work on the machine)")
    return figures


def _now():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.now()


def _commits(kind: str, since) -> int:  # type: ignore[no-untyped-def]
    from kaohe.audit.models import AuditEvent

    action = "ratings.rating.submit" if kind == "single" else "ratings.batch.submit"
    return AuditEvent.objects.filter(action=action, at__gte=since).count()


def crash(kind: str, args: argparse.Namespace, pool: list[tuple[str, int]], app: str = "main") -> bool:
    """Kill the server mid-load, restart it, resend what got no answer; every acknowledged rating must be
    stored exactly once."""
    per_second = 6000 if kind == "single" else 60
    seconds = 8.0
    bodies = make_bodies(kind, int(per_second * seconds), pool, f"crash-{kind}-{time.time_ns()}")
    port = free_port()
    server = Server(port, args, app)
    server.start()
    path = "/api/ratings/submit" if kind == "single" else "/api/ratings/batch"
    concurrency = args.concurrency if kind == "single" else args.batch_concurrency
    loader = run_loader(port, path, [b for b, _ in bodies], concurrency, seconds, retry=True)
    time.sleep(3.0)
    server.kill()
    killed_at = time.monotonic()
    server.start()
    restarted = time.monotonic() - killed_at
    try:
        answers = loader_result(loader)["answers"]
    finally:
        server.stop()
    assert isinstance(answers, dict)
    acked_refs = [bodies[i][1][p] for i, (status, _l, body) in answers.items()
                  for p in acknowledged(kind, status, body)]
    sent_refs = [ref for _body, refs in bodies for ref in refs]
    stored = dict(_counts(sent_refs))
    missing = [ref for ref in acked_refs if stored.get(ref, 0) != 1]
    duplicates = sum(1 for n in stored.values() if n > 1)
    unacked_stored = len(set(stored) - set(acked_refs))
    ok = bool(acked_refs) and not missing and duplicates == 0
    print(f" crash ({kind}, {APPS[app]}): SIGKILL after 3 s, server back {restarted:.1f} s later; "
          f"acknowledged {len(acked_refs):,}; "
          f"stored {sum(stored.values()):,} = acknowledged + {unacked_stored:,} committed but never acknowledged "
          f"(in flight at the kill; the resend answered already_stored); acknowledged but missing: {len(missing)}, "
          f"stored twice: {duplicates} → {'PASS' if ok else 'FAIL'}")
    return ok


def _counts(refs: list[str]) -> list[tuple[str, int]]:
    from django.db.models import Count

    from kaohe.ratings.models import Rating

    found: list[tuple[str, int]] = []
    for start in range(0, len(refs), 5000):
        chunk = refs[start:start + 5000]
        found += list(Rating.objects.filter(service_ref__in=chunk).values("service_ref")
                      .annotate(n=Count("id")).values_list("service_ref", "n"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["all", "single", "batch", "crash", "_load"])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--batch-concurrency", type=int, default=6)
    parser.add_argument("--switch-interval", type=float, default=0.005, help="sys.setswitchinterval in workers")
    parser.add_argument("--app", choices=["main", "ingest", "both"], default="both",
                        help="kaohe.config.wsgi, the lean kaohe.ratings.ingest, or both one after the other")
    parser.add_argument("--port", type=int)
    parser.add_argument("--path")
    parser.add_argument("--bodies")
    parser.add_argument("--out")
    parser.add_argument("--retry", action="store_true")
    args = parser.parse_args()
    if args.what == "_load":
        loader_main(args)
        return
    WORK.mkdir(parents=True, exist_ok=True)
    setup_django()
    import platform

    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}; database {os.environ['DATABASE_URL']}")
    print(f"durability: {durability()}")
    pool = targets()
    print(f"gunicorn gthread: {args.workers} workers × {args.threads} threads, switch interval "
          f"{args.switch_interval * 1000:g} ms; client: {args.concurrency} connections "
          f"(single), {args.batch_concurrency} (batch of 500); {args.seconds:.0f} s each")
    ok = True
    apps = ["main", "ingest"] if args.app == "both" else [args.app]
    for kind in ("single", "batch"):
        if args.what in ("all", kind):
            for app in apps:
                measure(kind, args, pool, app)
    if args.what in ("all", "crash"):
        verdicts = [crash(kind, args, pool, app) for app in apps for kind in ("single", "batch")]  # run them all
        ok = all(verdicts)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
