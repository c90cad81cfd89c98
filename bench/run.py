"""The ledger's benchmark (issues #6 and 14): generated loads through SQLite and PostgreSQL.

    .venv/bin/python bench/run.py                      # the year at 0.1, 0.3 and 1.0 on both stores
    .venv/bin/python bench/run.py --smoke              # seconds: scale 0.002
    .venv/bin/python bench/run.py --scales 0.1,1.0 --stores sqlite \\
        --out bench/out/results.json --doc docs/BENCHMARKS.md
    .venv/bin/python bench/run.py --shapes year,day,contract --logging both --scales 0.1,1.0

For every shape of load (``bench/generate.py --shape``: the year, the day-ordered
load, the contract-ordered load), scale and store, on a fresh database (a
temporary SQLite file, or a PostgreSQL database created for the run and dropped
afterwards):

1. ``ledger --db DB submit LOAD.jsonl`` as a subprocess, as a user runs it: the
   logging as shipped (``LEDGER_LOG_LEVEL`` removed from the child's environment;
   ``--logging quiet`` sets it to ``warning``, ``--logging both`` measures both,
   each into a fresh store), stderr to a pipe that this runner drains, stdout to
   /dev/null: wall time including Python start-up and the read-model catch-up;
   commands/s, events/s, µs per event; the child's CPU time and peak RSS (wait4,
   through a small launcher: see ``LAUNCHER``); the bytes and lines of stderr.
   Rejections are counted from the store: distinct command ids in the file
   minus the command ids the store accepted.
2. ``ledger --db DB rebuild --json`` as a subprocess: wall time, events/s, peak
   RSS, statements checked and differences (must be none).
3. Reading and decoding the log in-process (iterate ``store.log()``): events/s.
4. Every issued statement read in-process with ``app.reports.statement``:
   p50, p99, max and mean latency.
5. Baselines on the very rows the submit stored (originator_id, version, topic,
   state read back from ``ledger_events``): SQLite ``executemany`` in one
   transaction into a table of the event store's shape (WAL, like the store);
   PostgreSQL ``COPY`` into the same shape; and the eventsourcing library's own
   application recorder, ``insert_events`` of ``StoredEvent`` objects in
   batches of 1,000 (the ceiling for an eventsourcing application).

``--repeat N`` runs submit (each into a fresh store), rebuild and read-and-decode
N times and keeps the fastest. The product's packages are copied at the start
and every child runs the copy, so edits made during a run do not leak into it.

Results go to ``--out`` as JSON and, as Markdown tables, to ``--out`` with
``.md``; with ``--doc FILE`` the tables also replace the part of FILE between
``<!-- bench:results:begin -->`` and ``<!-- bench:results:end -->``.
``--render RESULTS_JSON`` judges the targets and writes the tables again without
measuring. This is not part of the test suite (``tests/test_bench_smoke.py``
runs --smoke). See docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import platform
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
from eventsourcing.persistence import InfrastructureFactory, StoredEvent

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (the sibling module, found through the line above)

SMOKE_SCALE = 0.002
DEFAULT_SCALES = "0.1,0.3,1.0"
DEFAULT_SHAPES = "year"
LOGGING = ("default", "quiet", "both")
PG_ADMIN = os.environ.get("LEDGER_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
BATCH = 1000
REPLAY_TODAY = "2030-12-31"  # the generated years end in 2027
BEGIN, END = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"
# the packages a run measures
PRODUCT = ("schemas", "ledger", "billing", "projections", "quote", "decide", "store", "app", "web", "cli")

# Targets of issue #6 (raised by issue 14: 0.2, as a user runs it, on every shape)
SQLITE_SUBMIT_SHARE = 0.2  # of the raw SQLite insert rate (events/s)
PG_COMMANDS_PER_S = 20_000
LOGGING_COST = 0.05  # default logging at most this much slower than logging off (issue 14)
REBUILD_SHARE = 0.5  # of the read-and-decode rate
STATEMENT_P99_MS = 20.0
FLAT_TOLERANCE = 0.10  # time per event, largest vs smallest scale
MEMORY_TOLERANCE = 0.20  # peak RSS, largest vs smallest scale


def log(message: str) -> None:
    sys.stderr.write(f"[{dt.datetime.now():%H:%M:%S}] {message}\n")
    sys.stderr.flush()


# -- the year files ---------------------------------------------------------------------

def year_file(scale: float, seed: int, workdir: Path, shape: str = "year") -> tuple[Path, dict[str, Any]]:
    """Generate (or reuse) the load of a shape (default: the year) and scale; return its
    path and its stats."""
    path = workdir / f"{shape}-{scale:g}-s{seed}.jsonl"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        stats = json.loads(meta.read_text())
        if stats.get("generator") == _generator_stamp():
            return path, stats
    started = time.perf_counter()
    stats = generate.write(path, scale, seed, shape)
    stats["generate_seconds"] = round(time.perf_counter() - started, 3)
    stats["generator"] = _generator_stamp()
    meta.write_text(json.dumps(stats, ensure_ascii=False, indent=1))
    return path, stats


def _generator_stamp() -> str:
    """Changes whenever generate.py does, so a cached year is never stale."""
    source = Path(generate.__file__).read_bytes()
    return hashlib.sha256(source).hexdigest()[:16]


# -- stores ---------------------------------------------------------------------------------

def pg_env(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")),
        "POSTGRES_HOST": parts.hostname or "localhost",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "ORIGINATOR_ID_TYPE": "text",
        "CREATE_TABLE": "yes",
    }


@contextlib.contextmanager
def fresh_store(kind: str, workdir: Path, tag: str, pg_admin: str, pg_url: str | None,
                keep: bool) -> Iterator[str]:
    """A fresh database: a SQLite path, or a PostgreSQL URL created and dropped here."""
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix=f"bench-{tag}-", dir=workdir))
        try:
            yield str(folder / "ledger.db")
        finally:
            _close_stores()
            if not keep:
                shutil.rmtree(folder, ignore_errors=True)
        return
    if pg_url is not None:
        try:
            yield pg_url
        finally:
            _close_stores()
        return
    name = f"ledger_bench_{tag}_{uuid.uuid4().hex[:8]}".replace(".", "_")
    with psycopg.connect(pg_admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{pg_admin.rsplit('/', 1)[0]}/{name}"
    finally:
        _close_stores()
        if not keep:
            with psycopg.connect(pg_admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- the code under test --------------------------------------------------------------------

def snapshot_code(workdir: Path) -> tuple[Path, str]:
    """Copy the product's packages, so that a run measures one version of the code
    even while the working tree changes; return the copy and a digest of it."""
    target = workdir / f"code-{os.getpid()}"  # one per run: runs may share a work directory
    shutil.rmtree(target, ignore_errors=True)
    digest = hashlib.sha256()
    for package in PRODUCT:
        shutil.copytree(ROOT / package, target / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        for path in sorted((target / package).rglob("*.py")):
            digest.update(str(path.relative_to(target)).encode() + b"\0" + path.read_bytes())
    return target, digest.hexdigest()[:16]


def product(module: str, name: str) -> Any:
    """A function of the product, imported only once the code under test is on sys.path."""
    return getattr(importlib.import_module(module), name)


def _close_stores() -> None:
    product("store.eventstore", "close_all_stores")()


def stored_rows(db: str) -> list[tuple[str, int, str, bytes]]:
    """The rows ``ledger submit`` stored, in log order."""
    sql = "SELECT originator_id, originator_version, topic, state FROM ledger_events ORDER BY {pos}"
    if db.startswith("postgres"):
        with psycopg.connect(db) as conn:
            return [(r[0], r[1], r[2], bytes(r[3]))
                    for r in conn.execute(sql.format(pos="notification_id")).fetchall()]
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql.format(pos="rowid")).fetchall()


def scalar(db: str, sql: str) -> Any:
    if db.startswith("postgres"):
        with psycopg.connect(db) as conn:
            row = conn.execute(sql).fetchone()
    else:
        with contextlib.closing(sqlite3.connect(db)) as conn:
            row = conn.execute(sql).fetchone()
    return row[0] if row else None


# -- measurements ---------------------------------------------------------------------------

def ledger_argv() -> list[str]:
    script = Path(sys.executable).parent / "ledger"
    if script.exists():
        return [str(script)]
    found = shutil.which("ledger")
    return [found] if found else [sys.executable, "-m", "cli.main"]


# Python's default settings, as on a user's machine: it writes the bytecode cache on the first
# run and reads it afterwards. A sandbox or CI may set PYTHONDONTWRITEBYTECODE, which leaves
# the project's own modules (an editable install: pip compiled only site-packages) to be
# compiled from source by every process, 0.1-0.2 s a run. bench/startup.py and
# bench/migrate.py use the same.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


# A small launcher between the runner and the measured child. Linux carries a process's
# peak RSS across fork and exec (the child's ru_maxrss starts at its parent's high-water
# mark), so a child forked straight from this runner, which holds a million rows for
# the baselines, would report the runner's memory. The launcher is ~10 MB, the floor.
LAUNCHER = """
import json, os, subprocess, sys, time
report, argv = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
child = subprocess.Popen(argv)
_, status, usage = os.wait4(child.pid, 0)
seconds = time.perf_counter() - started
with open(report, "w") as out:
    json.dump({"seconds": seconds, "exit_code": os.waitstatus_to_exitcode(status),
               "cpu_seconds": usage.ru_utime + usage.ru_stime, "maxrss_kib": usage.ru_maxrss}, out)
"""


def run_child(argv: list[str], stdout: Any, quiet: bool = True) -> dict[str, Any]:
    """Run a child to its end: wall time, exit code, its CPU time and its own peak RSS.

    ``quiet``: ``LEDGER_LOG_LEVEL=warning``; otherwise the logging as shipped (the
    variable removed). Either way stderr is a pipe this process drains as the child
    writes (as a shell pipeline or a job runner would), its size counted. Python's
    bytecode cache is on, as on a user's machine (``CHILD_ENV``)."""
    env = {k: v for k, v in CHILD_ENV.items() if k != "LEDGER_LOG_LEVEL"}
    if quiet:
        env["LEDGER_LOG_LEVEL"] = "warning"
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        done = subprocess.run([sys.executable, "-c", LAUNCHER, report.name, *argv], stdout=stdout,
                              stderr=subprocess.PIPE, env=env, cwd=ROOT, check=True)
        measured = json.loads(Path(report.name).read_text())
    stderr = done.stderr.decode(errors="replace")
    return {"seconds": measured["seconds"], "exit_code": measured["exit_code"],
            "cpu_seconds": measured["cpu_seconds"],
            "peak_rss_mb": round(measured["maxrss_kib"] / 1024, 1),  # ru_maxrss is in KiB on Linux
            "stderr_bytes": len(done.stderr), "stderr_lines": done.stderr.count(b"\n"),
            "logging": "quiet" if quiet else "default", "stderr_tail": stderr[-2000:]}


def measure_submit(db: str, year: Path, quiet: bool = False) -> dict[str, Any]:
    # the year runs into 2027: replayed as of its end (SPEC §11 "today")
    child = run_child([*ledger_argv(), "--db", db, "submit", str(year), "--today", REPLAY_TODAY],
                      subprocess.DEVNULL, quiet)
    if child["exit_code"] not in (0, 1):  # 1: some command rejected (counted below)
        raise RuntimeError(f"ledger submit failed ({child['exit_code']}): {child['stderr_tail']}")
    return child


def measure_rebuild(db: str) -> dict[str, Any]:
    with tempfile.TemporaryFile() as out:
        child = run_child([*ledger_argv(), "--db", db, "rebuild", "--json"], out)
        out.seek(0)
        text = out.read().decode()
    if child["exit_code"] not in (0, 1):
        raise RuntimeError(f"ledger rebuild failed ({child['exit_code']}): {child['stderr_tail']}")
    report = json.loads(text) if text.strip() else {}
    child["statements_checked"] = report.get("statements_checked")
    child["differences"] = len(report.get("differences", []))
    return child


def measure_read_decode(db: str) -> dict[str, Any]:
    store = product("store.eventstore", "open_store")(db)
    started = time.perf_counter()
    count = sum(1 for _ in store.log())
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "events": count, "events_per_s": count / seconds}


def measure_statements(db: str) -> dict[str, Any]:
    statement = product("app.reports", "statement")
    statements = product("app.reports", "statements")
    store = product("store.eventstore", "open_store")(db)
    issued = [(row["contract_id"], row["period"]) for row in statements(store, None, None)]
    on = dt.date.today()
    if issued:  # warm the imports and the connection: not counted
        statement(store, issued[0][0], issued[0][1], live=False, on=on, as_of=None)
    latencies = []
    for contract_id, period in issued:
        started = time.perf_counter()
        statement(store, contract_id, period, live=False, on=on, as_of=None)
        latencies.append((time.perf_counter() - started) * 1000)
    return {"count": len(latencies), **latency_summary(latencies)}


def latency_summary(ms: list[float]) -> dict[str, float]:
    if not ms:
        return {"p50_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0, "mean_ms": 0.0}
    ordered = sorted(ms)

    def pct(p: float) -> float:  # nearest rank
        return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]

    return {"p50_ms": pct(50), "p99_ms": pct(99), "max_ms": ordered[-1],
            "mean_ms": statistics.fmean(ordered)}


def baseline_sqlite_raw(rows: list[tuple[str, int, str, bytes]], folder: Path) -> dict[str, Any]:
    path = folder / "raw.db"
    for old in folder.glob("raw.db*"):  # each sample into a new file, as each submit
        old.unlink()
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE events (originator_id TEXT, originator_version INTEGER, topic TEXT, "
                     "state BLOB, PRIMARY KEY (originator_id, originator_version))")
        started = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": len(rows), "rows_per_s": len(rows) / seconds}


def baseline_pg_copy(rows: list[tuple[str, int, str, bytes]], db: str) -> dict[str, Any]:
    with psycopg.connect(db) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_copy")
        conn.execute("CREATE TABLE bench_copy (originator_id TEXT, originator_version INTEGER, topic TEXT, "
                     "state BYTEA, PRIMARY KEY (originator_id, originator_version))")
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cur, cur.copy(
                "COPY bench_copy (originator_id, originator_version, topic, state) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        conn.commit()
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": len(rows), "rows_per_s": len(rows) / seconds}


def baseline_library(rows: list[tuple[str, int, str, bytes]], env: dict[str, str]) -> dict[str, Any]:
    """eventsourcing's own application recorder: insert_events in batches of 1,000."""
    factory = InfrastructureFactory.construct(env)
    try:
        recorder = factory.application_recorder()
        events = [StoredEvent(originator_id=r[0], originator_version=r[1], topic=r[2], state=r[3])
                  for r in rows]
        started = time.perf_counter()
        for i in range(0, len(events), BATCH):
            recorder.insert_events(events[i : i + BATCH])
        seconds = time.perf_counter() - started
    finally:
        factory.close()
    return {"seconds": seconds, "rows": len(rows), "rows_per_s": len(rows) / seconds,
            "batch": BATCH}


def best(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest of repeated runs, with every run's time and the largest peak RSS."""
    fastest = dict(min(samples, key=lambda s: s["seconds"]))
    fastest["runs_seconds"] = [round(s["seconds"], 3) for s in samples]
    if "peak_rss_mb" in fastest:
        fastest["peak_rss_mb"] = max(s["peak_rss_mb"] for s in samples)
    return fastest


def measure(kind: str, scale: float, year: Path, stats: dict[str, Any], args: argparse.Namespace,
            workdir: Path) -> dict[str, Any]:
    shape = stats.get("shape", "year")
    tag = f"{shape}_{kind}_{scale:g}"
    load_before = os.getloadavg()
    quiet_first = args.logging == "quiet"  # the configuration every figure below is of
    other: list[dict[str, Any]] = []  # with --logging both: the quiet runs, for the comparison
    earlier = []
    # extra submits, each into a fresh store of its own; with --logging both, the two
    # configurations alternate, so that a change in the machine's load hits both alike
    extra = [(n, q) for n in range(1, args.repeat + 1) for q in (
        (True, False) if args.logging == "both" else (quiet_first,))][:-1]
    for n, quiet in extra:
        with fresh_store(kind, workdir, f"{tag}_{n}{'q' if quiet else ''}", args.pg_admin, args.pg_url,
                         args.keep) as db:
            log(f"{tag}: submit {stats['lines']:,} lines ({'quiet' if quiet else 'default'} logging, "
                f"run {n} of {args.repeat})")
            (other if quiet and not quiet_first else earlier).append(measure_submit(db, year, quiet))
    with fresh_store(kind, workdir, tag, args.pg_admin, args.pg_url, args.keep) as db:
        log(f"{tag}: submit {stats['lines']:,} lines")
        submit = best([*earlier, measure_submit(db, year, quiet_first)])
        events = int(scalar(db, "SELECT COUNT(*) FROM ledger_events"))
        accepted = int(scalar(db, "SELECT COUNT(*) FROM ledger_commands"))
        distinct = stats["lines"] - stats["resent_lines"]
        lines = stats["lines"]
        submit |= {"commands_per_s": lines / submit["seconds"], "events_per_s": events / submit["seconds"],
                   "us_per_event": submit["seconds"] / events * 1e6 if events else None}
        quiet_submit = None
        if other:
            quiet_submit = best(other)
            quiet_submit |= {"commands_per_s": lines / quiet_submit["seconds"],
                             "events_per_s": events / quiet_submit["seconds"]}
        log(f"{tag}: submit {submit['seconds']:.1f}s, {submit['commands_per_s']:,.0f} commands/s; rebuild")
        rebuild = best([measure_rebuild(db) for _ in range(args.repeat)])
        rebuild |= {"events_per_s": events / rebuild["seconds"],
                    "us_per_event": rebuild["seconds"] / events * 1e6 if events else None}
        log(f"{tag}: rebuild {rebuild['seconds']:.1f}s; read and decode")
        read_decode = best([measure_read_decode(db) for _ in range(args.repeat)])
        log(f"{tag}: statement reads")
        reads = measure_statements(db)
        _close_stores()
        log(f"{tag}: baselines")
        rows = stored_rows(db)
        baselines: dict[str, Any] = {}
        if kind == "sqlite":
            folder = Path(db).parent
            # as many samples as submits, and the fastest: the ratio compares like with like
            baselines["sqlite_executemany"] = best([baseline_sqlite_raw(rows, folder)
                                                    for _ in range(args.repeat)])
            lib_env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(folder / "lib.db"),
                       "ORIGINATOR_ID_TYPE": "text", "CREATE_TABLE": "yes"}
            baselines["eventsourcing_insert_events"] = baseline_library(rows, lib_env)
            size = sum(p.stat().st_size for p in folder.glob("ledger.db*"))
        else:
            baselines["postgres_copy"] = best([baseline_pg_copy(rows, db) for _ in range(args.repeat)])
            baselines["eventsourcing_insert_events"] = baseline_library(rows, pg_env(db))
            size = int(scalar(db, "SELECT pg_total_relation_size('ledger_events')"))
        del rows
        raw = baselines.get("sqlite_executemany") or baselines["postgres_copy"]
        result = {
            "shape": shape, "scale": scale, "store": kind, "contracts": stats["contracts"], "lines": lines,
            "distinct_commands": distinct, "accepted": accepted, "rejected": distinct - accepted,
            "duplicates": stats["resent_lines"], "events": events, "store_bytes": size,
            "submit": submit, "submit_quiet": quiet_submit, "rebuild": rebuild, "read_decode": read_decode,
            "statement_reads": reads, "baselines": baselines,
            "loadavg_1m": {"before": round(load_before[0], 2), "after": round(os.getloadavg()[0], 2)},
            "ratios": {
                "submit_vs_raw": submit["events_per_s"] / raw["rows_per_s"],
                "submit_vs_eventsourcing": submit["events_per_s"]
                / baselines["eventsourcing_insert_events"]["rows_per_s"],
                "rebuild_vs_read_decode": rebuild["events_per_s"] / read_decode["events_per_s"],
            },
        }
        if quiet_submit is not None:
            result["ratios"]["default_vs_quiet_seconds"] = submit["seconds"] / quiet_submit["seconds"]
        if result["rejected"]:
            log(f"{tag}: WARNING {result['rejected']} commands rejected")
        return result


# -- targets ----------------------------------------------------------------------------------

def targets(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every shape's submit targets (and the cost of default logging, when measured);
    the year's targets of issue #6 besides."""
    out: list[dict[str, Any]] = []
    shapes = list(dict.fromkeys(r.get("shape", "year") for r in runs))
    for shape in shapes:
        out += _targets(shape, [r for r in runs if r.get("shape", "year") == shape])
    return out


def _targets(shape: str, runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    scales = sorted({r["scale"] for r in runs})
    small, large = scales[0], scales[-1]
    suffix = "" if shape == "year" else f" ({shape}-ordered)"

    def run(store: str, scale: float) -> dict[str, Any] | None:
        return next((r for r in runs if r["store"] == store and r["scale"] == scale), None)

    def add(name: str, store: str, target: str, measured: str, met: bool | None, note: str = "") -> None:
        out.append({"target": name + suffix, "shape": shape, "store": store, "wanted": target,
                    "measured": measured, "met": met, "scale": large, "note": note})

    full = "" if large >= 1.0 else f"measured at {large:g}×, not at full size"
    for store in ("sqlite", "postgres"):
        r = run(store, large)
        if r is None:
            continue
        quiet = r.get("submit_quiet")
        if quiet:
            cost = r["ratios"]["default_vs_quiet_seconds"] - 1
            cpu = r["submit"]["cpu_seconds"] / quiet["cpu_seconds"] - 1
            add("default logging cost", store, f"≤ {LOGGING_COST:.0%} more time than logging off",
                f"{cost:+.1%} ({r['submit']['seconds']:.2f} s vs {quiet['seconds']:.2f} s; "
                f"the child's CPU time {cpu:+.1%})", cost <= LOGGING_COST)
        if store == "sqlite":
            share = r["ratios"]["submit_vs_raw"]
            add("ledger submit vs raw insert", store, f"≥ {SQLITE_SUBMIT_SHARE:.2f}× raw executemany",
                f"{share:.3f}× ({r['submit']['events_per_s']:,.0f} vs "
                f"{r['baselines']['sqlite_executemany']['rows_per_s']:,.0f} events/s)",
                share >= SQLITE_SUBMIT_SHARE)
        else:
            rate = r["submit"]["commands_per_s"]
            add("ledger submit commands/s", store, f"≥ {PG_COMMANDS_PER_S:,} commands/s", f"{rate:,.0f}",
                rate >= PG_COMMANDS_PER_S)
        if shape != "year":  # the targets of issue #6 are the year's
            continue
        share = r["ratios"]["rebuild_vs_read_decode"]
        add("rebuild vs read-and-decode", store, f"≥ {REBUILD_SHARE:.1f}× read-and-decode",
            f"{share:.3f}× ({r['rebuild']['events_per_s']:,.0f} vs "
            f"{r['read_decode']['events_per_s']:,.0f} events/s)", share >= REBUILD_SHARE)
        p99 = r["statement_reads"]["p99_ms"]
        add("statement read p99", store, f"≤ {STATEMENT_P99_MS:g} ms at full size", f"{p99:.2f} ms",
            p99 <= STATEMENT_P99_MS, full)
        s = run(store, small)
        if s is None or small == large:
            add("time per event flat", store, f"≤ {1 + FLAT_TOLERANCE:.2f}× from smallest to largest",
                "n/a", None, "needs two scales")
            add("peak memory flat", store, f"≤ {1 + MEMORY_TOLERANCE:.2f}× from smallest to largest",
                "n/a", None, "needs two scales")
            continue
        span = f"from {small:g}× to {large:g}×"
        for phase in ("submit", "rebuild"):
            before, after = s[phase]["us_per_event"], r[phase]["us_per_event"]
            cpu_before, cpu_after = (x[phase]["cpu_seconds"] / x["events"] * 1e6 for x in (s, r))
            add(f"time per event flat ({phase})", store, f"≤ {1 + FLAT_TOLERANCE:.2f}× {span}",
                f"{after / before:.3f}× ({before:.1f} → {after:.1f} µs/event; the child's CPU time: "
                f"{cpu_after / cpu_before:.3f}×, {cpu_before:.1f} → {cpu_after:.1f} µs/event)",
                after / before <= 1 + FLAT_TOLERANCE)
        for phase in ("submit", "rebuild"):
            ratio = r[phase]["peak_rss_mb"] / s[phase]["peak_rss_mb"]
            add(f"peak memory flat ({phase})", store,
                f"≤ {1 + MEMORY_TOLERANCE:.2f}× from {small:g}× to {large:g}× "
                f"({r['events'] / max(1, s['events']):.1f}× the events)",
                f"{ratio:.2f}× ({s[phase]['peak_rss_mb']:.0f} → {r[phase]['peak_rss_mb']:.0f} MB)",
                ratio <= 1 + MEMORY_TOLERANCE)
    return out


# -- the machine and the report -------------------------------------------------------------------

def machine(pg_admin: str | None) -> dict[str, Any]:
    info: dict[str, Any] = {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": _cpu_model(), "memory_gib": _mem_gib(), "os": platform.platform(),
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
    }
    for package in ("eventsourcing", "msgspec", "psycopg"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            info[package] = importlib.metadata.version(package)
    if pg_admin:
        with contextlib.suppress(Exception), psycopg.connect(pg_admin, connect_timeout=5) as conn:
            info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    info["git"] = _git()
    return info


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _mem_gib() -> float | None:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    return None


def _git() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}{' (with uncommitted changes)' if dirty else ''}"


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"Run {results['started']} → {results['finished']} ({results['seconds']:.0f} s), "
        f"commit {m['git']}; code: {results['code']}.",
        "",
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, {m['os']}; Python {m['python']}, "
        f"SQLite {m['sqlite']}, PostgreSQL {m.get('postgresql', 'n/a')}; eventsourcing "
        f"{m.get('eventsourcing')}, msgspec {m.get('msgspec')}, psycopg {m.get('psycopg')}.",
        "",
        "Command:",
        "",
        "```",
        results["command"],
        "```",
        "",
        "### Targets",
        "",
        "| target | store | wanted | measured | met |",
        "|---|---|---|---|---|",
    ]
    for t in results["targets"]:
        met = {True: "**yes**", False: "**NO**", None: "n/a"}[t["met"]]
        note = f" ({t['note']})" if t["note"] else ""
        lines.append(f"| {t['target']} | {t['store']} | {t['wanted']} | {t['measured']}{note} | {met} |")
    lines += [
        "",
        "### Runs",
        "",
        f"Times are the best of {results['repeat']} run(s) (`--repeat`); every run's time is in the JSON. "
        "Peak RSS is the largest of the runs, measured on the child process alone. "
        + {"default": "Submit runs with the logging as shipped, stderr to a pipe the runner drains.",
           "quiet": "Submit runs with `LEDGER_LOG_LEVEL=warning` (logging off).",
           "both": "Submit runs with the logging as shipped, stderr to a pipe the runner drains "
                   "(logging off: the last table)."}[results.get("logging", "quiet")],
        "",
        "| shape | scale | store | contracts | commands | events | rejected | submit s | commands/s "
        "| events/s | µs/event | submit RSS MB | rebuild s | rebuild events/s | rebuild RSS MB "
        "| read+decode events/s | stmt p50 ms | stmt p99 ms | stmt max ms | statements | submit CPU s "
        "| load 1m before/after |",
        "|" + "---|" * 22,
    ]
    for r in results["runs"]:
        s, b, rd, st = r["submit"], r["rebuild"], r["read_decode"], r["statement_reads"]
        lines.append(
            f"| {r.get('shape', 'year')} | {r['scale']:g} | {r['store']} | {r['contracts']} | {r['lines']:,} "
            f"| {r['events']:,} "
            f"| {r['rejected']} | {s['seconds']:.1f} | {s['commands_per_s']:,.0f} | {s['events_per_s']:,.0f} "
            f"| {s['us_per_event']:.1f} | {s['peak_rss_mb']:.0f} | {b['seconds']:.1f} "
            f"| {b['events_per_s']:,.0f} | {b['peak_rss_mb']:.0f} | {rd['events_per_s']:,.0f} "
            f"| {st['p50_ms']:.2f} | {st['p99_ms']:.2f} "
            f"| {st['max_ms']:.2f} | {st['count']} | {s['cpu_seconds']:.1f} "
            f"| {r['loadavg_1m']['before']:.2f} / {r['loadavg_1m']['after']:.2f} |")
    lines += [
        "",
        "### Baselines (the same rows, read back from `ledger_events`)",
        "",
        "| shape | scale | store | raw insert rows/s | eventsourcing insert_events ×1,000 rows/s "
        "| ledger submit events/s | submit ÷ raw | submit ÷ eventsourcing |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results["runs"]:
        raw = r["baselines"].get("sqlite_executemany") or r["baselines"]["postgres_copy"]
        name = "executemany" if r["store"] == "sqlite" else "COPY"
        lines.append(
            f"| {r.get('shape', 'year')} | {r['scale']:g} | {r['store']} | {raw['rows_per_s']:,.0f} ({name}) "
            f"| {r['baselines']['eventsourcing_insert_events']['rows_per_s']:,.0f} "
            f"| {r['submit']['events_per_s']:,.0f} | {r['ratios']['submit_vs_raw']:.3f} "
            f"| {r['ratios']['submit_vs_eventsourcing']:.3f} |")
    compared = [r for r in results["runs"] if r.get("submit_quiet")]
    if compared:
        lines += [
            "",
            "### Default logging and logging off (`LEDGER_LOG_LEVEL=warning`)",
            "",
            "The child's CPU time moves less with the machine's load than its wall time: "
            "on a busy machine, judge the cost of logging by the CPU column.",
            "",
            "| shape | scale | store | default s | commands/s | stderr lines | quiet s | commands/s "
            "| default ÷ quiet (wall) | CPU s, default / quiet | default ÷ quiet (CPU) "
            "| every run, default / quiet (s) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in compared:
            d, q = r["submit"], r["submit_quiet"]
            lines.append(
                f"| {r.get('shape', 'year')} | {r['scale']:g} | {r['store']} | {d['seconds']:.2f} "
                f"| {d['commands_per_s']:,.0f} | {d.get('stderr_lines', 0):,} | {q['seconds']:.2f} "
                f"| {q['commands_per_s']:,.0f} | {r['ratios']['default_vs_quiet_seconds']:.3f} "
                f"| {d['cpu_seconds']:.2f} / {q['cpu_seconds']:.2f} "
                f"| {d['cpu_seconds'] / q['cpu_seconds']:.3f} "
                f"| {', '.join(map(str, d['runs_seconds']))} / {', '.join(map(str, q['runs_seconds']))} |")
    return "\n".join(lines) + "\n"


def update_doc(doc: Path, table: str) -> None:
    text = doc.read_text(encoding="utf-8") if doc.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    doc.write_text(f"{head}{BEGIN}\n{table}{END}{tail}", encoding="utf-8")


# -- main -----------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="The ledger's benchmark (issues #6 and 14).")
    p.add_argument("--scales", default=DEFAULT_SCALES, help=f"comma-separated (default {DEFAULT_SCALES})")
    p.add_argument("--shapes", default=DEFAULT_SHAPES,
                   help=f"comma-separated, of {', '.join(generate.SHAPES)} (default {DEFAULT_SHAPES}): "
                        "see bench/generate.py --shape")
    p.add_argument("--logging", choices=LOGGING, default="default",
                   help="default: submit with the logging as shipped (default); quiet: "
                        "LEDGER_LOG_LEVEL=warning; both: measure both, report the default")
    p.add_argument("--quiet-logging", dest="logging", action="store_const", const="quiet",
                   help="the same as --logging quiet")
    p.add_argument("--stores", default="sqlite,postgres", help="sqlite, postgres or both (default both)")
    p.add_argument("--out", default=str(BENCH / "out" / "results.json"), help="results JSON (and .md beside)")
    p.add_argument("--doc", default=None, help="also replace the results section of this Markdown file")
    p.add_argument("--smoke", action="store_true", help=f"scale {SMOKE_SCALE} only: a few seconds")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--pg-admin", default=PG_ADMIN,
                   help="PostgreSQL URL used to create and drop a database per run ($LEDGER_BENCH_PG)")
    p.add_argument("--pg-url", default=None,
                   help="use this existing, empty PostgreSQL database instead (one scale only)")
    p.add_argument("--workdir", default=None, help="where years and SQLite files go (default: a temp dir)")
    p.add_argument("--keep", action="store_true", help="keep the databases and SQLite files")
    p.add_argument("--render", metavar="RESULTS_JSON",
                   help="measure nothing: judge the targets and write the tables (and --doc) from this JSON")
    p.add_argument("--repeat", type=int, default=1,
                   help="run submit, rebuild and read-and-decode N times (fresh store for each submit) "
                        "and report the fastest (default 1)")
    p.add_argument("--live-code", action="store_true",
                   help="run the working tree as it is at each step (default: a snapshot taken at the start)")
    args = p.parse_args(argv)
    args.scale_list = [SMOKE_SCALE] if args.smoke else [float(s) for s in args.scales.split(",") if s]
    args.store_list = [s.strip() for s in args.stores.split(",") if s.strip()]
    args.shape_list = [s.strip() for s in args.shapes.split(",") if s.strip()]
    unknown = [s for s in args.shape_list if s not in generate.SHAPES]
    if unknown:
        p.error(f"unknown shape(s): {', '.join(unknown)}")
    bad = [s for s in args.store_list if s not in ("sqlite", "postgres")]
    if bad:
        p.error(f"unknown store(s): {', '.join(bad)}")
    if args.pg_url and (len(args.scale_list) > 1 or len(args.shape_list) > 1 or args.repeat > 1
                        or args.logging == "both"):
        p.error("--pg-url is one database: give one scale and no --repeat (or use --pg-admin)")
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    return args


def render(args: argparse.Namespace) -> int:
    """Judge the targets and write the tables again from a results JSON (no measuring)."""
    source = Path(args.render)
    results = json.loads(source.read_text(encoding="utf-8"))
    results["targets"] = targets(results["runs"])
    source.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    table = markdown(results)
    source.with_suffix(".md").write_text(table, encoding="utf-8")
    if args.doc:
        update_doc(Path(args.doc), table)
    sys.stdout.write(table)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render:
        return render(args)
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    own_workdir = args.workdir is None
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="ledger-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    shown = ["bench/run.py", *(argv if argv is not None else sys.argv[1:])]
    results: dict[str, Any] = {
        "command": ".venv/bin/python " + " ".join(shlex.quote(a) for a in shown),
        "machine": machine((args.pg_url or args.pg_admin) if "postgres" in args.store_list else None),
        "started": started.strftime("%Y-%m-%dT%H:%M:%SZ"), "repeat": args.repeat, "logging": args.logging,
        "years": [], "runs": [],
    }
    code: Path | None = None
    if args.live_code:
        results["code"] = "the working tree, live"
    else:
        code, digest = snapshot_code(workdir)
        sys.path.insert(0, str(code))
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code), os.environ.get("PYTHONPATH")]))
        results["code"] = f"snapshot {digest} of {', '.join(PRODUCT)} taken at the start"
    try:
        for shape in args.shape_list:
            for scale in args.scale_list:
                log(f"{shape} {scale:g}: generating the load")
                year, stats = year_file(scale, args.seed, workdir, shape)
                results["years"].append({k: v for k, v in stats.items() if k != "generator"})
                for kind in args.store_list:
                    results["runs"].append(measure(kind, scale, year, stats, args, workdir))
    finally:
        if own_workdir and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        elif code is not None and not args.keep:
            shutil.rmtree(code, ignore_errors=True)
    results["finished"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    results["seconds"] = time.perf_counter() - t0
    results["targets"] = targets(results["runs"])
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    table = markdown(results)
    out.with_suffix(".md").write_text(table, encoding="utf-8")
    if args.doc:
        update_doc(Path(args.doc), table)
    sys.stdout.write(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
