"""Shared pieces of the campaign: seeds, the ledger CLI, direct store reads, snapshots.

A snapshot is what "the same ledger" means here: the JSON of ``ledger
statements``, ``ledger balance`` and ``ledger breaches --on D``, and the
multiset of stored events as (stream, version, topic, state without
``recorded_at``). Store reads go straight to the tables (sqlite3 / psycopg),
never through the product, so a product bug cannot hide itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import ROOT

LEDGER = str(ROOT / ".venv" / "bin" / "ledger")
if not Path(LEDGER).exists():  # a CI without the venv: the installed console script
    LEDGER = str(Path(sys.executable).parent / "ledger")
PG_ADMIN = os.environ.get("LEDGER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
STORES = ("sqlite", "postgres")


def derive(seed: int, *labels: object) -> int:
    """A sub-seed for one part, store and round: stable across runs and machines."""
    text = ":".join([str(seed), *map(str, labels)])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:6], "big")


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["LEDGER_LOG_LEVEL"] = "warning"  # per-command log lines off; errors still print
    env.pop("LEDGER_DB", None)
    env.update(extra or {})
    return env


@dataclass
class Run:
    code: int
    out: str
    err: str

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.split("\n") if line.strip()]

    def json(self) -> Any:
        return json.loads(self.out)


def ledger(db: str, *args: str, stdin: bytes | None = None, timeout: float = 600) -> Run:
    """The real ``ledger`` program in a subprocess."""
    proc = subprocess.run([LEDGER, "--db", db, *args], input=stdin, capture_output=True,
                          env=cli_env(), timeout=timeout, check=False)
    return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"),
               proc.stderr.decode("utf-8", "replace"))


def spawn(db: str, *args: str, stdout: Any = subprocess.PIPE, stderr: Any = subprocess.PIPE,
          stdin: Any = subprocess.DEVNULL, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen([LEDGER, "--db", db, *args], stdout=stdout, stderr=stderr, stdin=stdin,
                            env=cli_env(env))


def has_traceback(text: str) -> bool:
    return "Traceback" in text


# --------------------------------------------------------------------------- stores


def pg_available() -> str | None:
    """None when the PostgreSQL server answers, else why not."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # any failure to connect: "unavailable"
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None


def pg_create(tag: str = "campaign") -> str:
    import psycopg

    name = f"ledger_{tag}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"


def pg_drop(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Scratch:
    """Fresh stores for one part: SQLite files in a directory, PostgreSQL databases."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.pg: list[str] = []
        self._n = 0

    def new(self, store: str, tag: str = "db") -> str:
        self._n += 1
        if store == "postgres":
            url = pg_create(tag)
            self.pg.append(url)
            return url
        path = self.workdir / f"{tag}-{self._n}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return str(path)

    def drop(self, db: str) -> None:
        if db in self.pg:
            self.pg.remove(db)
            pg_drop(db)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        for url in list(self.pg):
            with contextlib.suppress(Exception):
                pg_drop(url)
        self.pg.clear()


def is_pg(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


@contextlib.contextmanager
def connect(db: str) -> Iterator[Any]:
    """A raw connection to the store (not the product's), read-mostly."""
    if is_pg(db):
        import psycopg

        with psycopg.connect(db, autocommit=True) as conn:
            yield conn
    else:
        conn = sqlite3.connect(db, timeout=60)
        try:
            yield conn
        finally:
            conn.close()


def query(db: str, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with connect(db) as conn:
        if is_pg(db):
            sql = sql.replace("?", "%s")
        return [tuple(r) for r in conn.execute(sql, tuple(params)).fetchall()]


def table_exists(db: str, table: str) -> bool:
    if is_pg(db):
        return bool(query(db, "SELECT to_regclass(?) IS NOT NULL", (table,))[0][0])
    return bool(query(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = ?", (table,))[0][0])


@dataclass(frozen=True)
class StoredEvent:
    position: int
    stream: str
    version: int
    topic: str
    state: dict[str, Any]

    @property
    def command_id(self) -> str:
        return str(self.state.get("command_id"))

    def key(self) -> tuple[str, int, str, str]:
        """(stream, version, topic, state without recorded_at) as comparable text."""
        state = {k: v for k, v in self.state.items() if k != "recorded_at"}
        return (self.stream, self.version, self.topic, json.dumps(state, sort_keys=True, ensure_ascii=False))


def events(db: str) -> list[StoredEvent]:
    if not table_exists(db, "ledger_events"):
        return []
    pos = "notification_id" if is_pg(db) else "rowid"
    rows = query(db, f"SELECT {pos}, originator_id, originator_version, topic, state "
                     f"FROM ledger_events ORDER BY {pos}")
    return [StoredEvent(int(p), str(s), int(v), str(t), json.loads(bytes(st))) for p, s, v, t, st in rows]


def command_rows(db: str) -> list[str]:
    if not table_exists(db, "ledger_commands"):
        return []
    return [str(r[0]) for r in query(db, "SELECT command_id FROM ledger_commands")]


# --------------------------------------------------------------------------- snapshots


@dataclass
class Snapshot:
    statements: Any
    balances: Any
    breaches: Any
    events: Counter[tuple[str, int, str, str]]
    commands: int
    event_command_ids: int
    problems: list[str] = field(default_factory=list)


def snapshot(db: str, breaches_on: str) -> Snapshot:
    problems = []
    outs = []
    for args in (("statements", "--json"), ("balance", "--json"),
                 ("breaches", "--on", breaches_on, "--json")):
        run = ledger(db, *args)
        if run.code != 0 or has_traceback(run.err):
            problems.append(f"`ledger {' '.join(args)}` exited {run.code}: {run.err.strip()[:500]}")
            outs.append(None)
        else:
            outs.append(run.json())
    evs = events(db)
    return Snapshot(outs[0], outs[1], outs[2], Counter(e.key() for e in evs), len(command_rows(db)),
                    len({e.command_id for e in evs}), problems)


def compare(actual: Snapshot, expected: Snapshot) -> list[str]:
    """Every way ``actual`` differs from ``expected``, in words (empty when equal)."""
    out = list(actual.problems)
    for name in ("statements", "balances", "breaches"):
        a, e = getattr(actual, name), getattr(expected, name)
        if a != e:
            out.append(f"{name} differ: {first_difference(a, e)}")
    if actual.events != expected.events:
        missing = expected.events - actual.events
        extra = actual.events - expected.events
        out.append(f"events differ: {sum(missing.values())} missing, {sum(extra.values())} extra; "
                   f"first missing {_head(missing)}; first extra {_head(extra)}")
    if actual.commands != actual.event_command_ids:
        out.append(f"{actual.commands} ledger_commands rows but {actual.event_command_ids} "
                   "command ids among the events")
    if actual.commands != expected.commands:
        out.append(f"{actual.commands} ledger_commands rows, expected {expected.commands}")
    return out


def _head(counter: Counter[Any]) -> str:
    for key in sorted(counter)[:1]:
        return str(key)[:300]
    return "-"


def first_difference(a: Any, e: Any, path: str = "$") -> str:
    if type(a) is not type(e):
        return f"{path}: {str(a)[:200]} != {str(e)[:200]}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(e), key=str):
            if a.get(k) != e.get(k):
                return first_difference(a.get(k), e.get(k), f"{path}.{k}")
    if isinstance(a, list):
        if len(a) != len(e):
            return f"{path}: {len(a)} items != {len(e)}"
        for i, (x, y) in enumerate(zip(a, e, strict=True)):
            if x != y:
                return first_difference(x, y, f"{path}[{i}]")
    return f"{path}: {str(a)[:200]} != {str(e)[:200]}"


def trial_balance(db: str) -> tuple[int, int]:
    """(sum of every posting, number of transactions) from ``ledger journal --format json``."""
    run = ledger(db, "journal", "--format", "json")
    if run.code != 0:
        raise AssertionError(f"ledger journal exited {run.code}: {run.err.strip()[:300]}")
    txns = run.json()
    total = 0
    for t in txns:
        own = sum(int(p["amount_fen"]) for p in t["postings"])
        if own != 0:
            raise AssertionError(f"transaction {t.get('narration')} at {t.get('position')} sums to {own}")
        total += own
    return total, len(txns)


def stream_gaps(db: str) -> list[str]:
    """Streams whose versions are not exactly 1..n."""
    rows = query(db, "SELECT originator_id, COUNT(*), MIN(originator_version), MAX(originator_version) "
                     "FROM ledger_events GROUP BY originator_id")
    return [f"{s}: {n} events, versions {lo}..{hi}" for s, n, lo, hi in rows
            if not (int(lo) == 1 and int(hi) == int(n))]


# --------------------------------------------------------------------------- reporting


@dataclass
class Part:
    """The outcome of one part of the campaign on one store."""

    name: str
    store: str
    seed: int
    counts: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def fail(self, message: str, **replay: Any) -> None:
        where = " ".join(f"{k}={v}" for k, v in replay.items())
        self.failures.append(f"[{self.name}/{self.store} seed={self.seed}{' ' + where if where else ''}] "
                             f"{message}")

    def line(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in sorted(self.counts.items()))
        status = "ok" if not self.failures else f"{len(self.failures)} FAILURE(S)"
        head = f"{self.name:<11} {self.store:<8} seed={self.seed:<16} {self.seconds:7.1f}s"
        return f"{head}  {status}  {counts}"


def log(message: str) -> None:
    print(message, flush=True)
