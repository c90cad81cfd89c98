"""Shared fixtures: one store per test, on SQLite and on PostgreSQL.

The PostgreSQL half needs a server on 127.0.0.1:5432 (user ``postgres``, trust
auth; override with ``LEDGER_TEST_PG``). Without it the PostgreSQL tests skip
with the reason, except under ``CI=true``, where they fail: CI must prove both
stores.
"""

from __future__ import annotations

import io
import json
import os
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PG_ADMIN = os.environ.get("LEDGER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
UNDER_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# The tests replay histories dated up to 2027: they are recorded as of this day (SPEC §11's
# "today", which no fact may be dated after). Tests of future_date set their own.
REPLAY_TODAY = "2030-12-31"
os.environ["LEDGER_TODAY"] = REPLAY_TODAY


def _pg_reachable() -> str | None:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # any failure to connect means "unreachable"
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None


_PG_PROBLEM: list[str | None] = []


def pg_problem() -> str | None:
    if not _PG_PROBLEM:
        _PG_PROBLEM.append(_pg_reachable())
    return _PG_PROBLEM[0]


def need_postgres() -> None:
    """Skip the calling test, with the reason, when the server is unreachable; fail under CI=true."""
    problem = pg_problem()
    if problem is not None:
        message = f"PostgreSQL at 127.0.0.1:5432 unreachable ({problem})"
        if UNDER_CI:
            pytest.fail(f"{message}; CI=true requires it")
        pytest.skip(message)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database of its own, dropped afterwards."""
    need_postgres()
    import psycopg

    name = f"ledger_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        from store.eventstore import close_all_stores

        close_all_stores()
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The store of one test: a SQLite file path or a PostgreSQL URL."""
    if request.param == "sqlite":
        yield str(tmp_path / "ledger.db")
        from store.eventstore import close_all_stores

        close_all_stores()
    else:
        yield request.getfixturevalue("pg_url")


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[str]:
    yield str(tmp_path / "ledger.db")
    from store.eventstore import close_all_stores

    close_all_stores()


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def lines(self) -> list[Any]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


class Ledger:
    """Drives the ``ledger`` program in-process, as a user's script would."""

    def __init__(self, db: str, tmp: Path) -> None:
        self.db = db
        self.tmp = tmp
        self._n = 0

    def run(self, *args: str, stdin: str | None = None) -> Run:
        from cli.main import main

        out, err = io.StringIO(), io.StringIO()
        old = sys.stdout, sys.stderr, sys.stdin
        sys.stdout, sys.stderr = out, err
        if stdin is not None:
            sys.stdin = io.StringIO(stdin)
        try:
            code = main(["--db", self.db, *args])
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        finally:
            sys.stdout, sys.stderr, sys.stdin = old
        return Run(code, out.getvalue(), err.getvalue())

    def submit(self, *commands: dict[str, Any] | str) -> Run:
        """Submit commands (dicts, or raw lines) as one JSON Lines file."""
        self._n += 1
        path = self.tmp / f"batch-{self._n}.jsonl"
        text = "\n".join(c if isinstance(c, str) else json.dumps(c, ensure_ascii=False) for c in commands)
        path.write_text(text + "\n", encoding="utf-8")
        return self.run("submit", str(path))

    def accept(self, *commands: dict[str, Any] | str) -> Run:
        """Submit and insist every line was accepted (or duplicate)."""
        run = self.submit(*commands)
        bad = [r for r in run.lines() if r["status"] == "rejected"]
        assert not bad, bad
        assert run.code == 0, run
        return run

    def reject(self, command: dict[str, Any] | str) -> dict[str, Any]:
        """Submit one command that must be rejected; return its error."""
        run = self.submit(command)
        (result,) = run.lines()
        assert result["status"] == "rejected", result
        assert run.code == 1
        return dict(result["error"])

    def statement(self, contract: str, period: str, *extra: str) -> Any:
        run = self.run("statement", contract, period, "--json", *extra)
        assert run.code == 0, run
        return run.json()

    def stats(self) -> tuple[int, int]:
        """(number of stored events, last notification id): proof nothing was written."""
        from store.eventstore import open_store

        store = open_store(self.db)
        return store.event_count(), store.max_position()


@pytest.fixture
def ledger(db: str, tmp_path: Path) -> Ledger:
    return Ledger(db, tmp_path)


@pytest.fixture
def sqlite_ledger(sqlite_db: str, tmp_path: Path) -> Ledger:
    return Ledger(sqlite_db, tmp_path)
