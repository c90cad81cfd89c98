"""``ledger migrate --to STORE``: a store copied into another database (SQLite to
PostgreSQL and back) reads the same in every report, as of any recorded time, keeps its
command ids, users and hash chain, and takes new commands where its source left off."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests import builders as b
from tests.conftest import Ledger


def _batches() -> list[list[dict[str, Any]]]:
    """Three submits, each its own recorded time: a contract billed for three months (a
    late shift corrected, payments, a dispute) and a fixed-fee contract beside it."""
    agents = ["a1", "a2"]
    first = [b.sign("C1"), *[c for a in agents for c in b.agent_ready(a)],
             b.sign("C2", terms=b.fixed_terms(), merchant={"id": "M2", "name": "第二家店",
                                                           "platform": "jd"}),
             *[c for a in agents for c in b.agent_ready(a, "C2")],
             *b.full_month(agents, "2026-03-02", "2026-03-31", skip={("a2", "2026-03-31")}),
             *b.full_month(agents, "2026-03-02", "2026-03-31", contract_id="C2"),
             b.issue("2026-03", "2026-04-02"), b.issue("2026-03", "2026-04-02", "C2")]
    second = [b.pay("P1", 100_000, "2026-04-08"), b.pay("P2", 3_180_000, "2026-04-09", "C2"),
              b.shift("a2", "2026-03-31"),  # late: a correction on April's statement
              *b.full_month(agents, "2026-04-01", "2026-04-30"),
              b.cmd("open_dispute", "C1", dispute_id="D1", period="2026-03", line="base",
                    claim_fen=10_000, opened_on="2026-04-10", note="a shift missing"),
              b.issue("2026-04", "2026-05-04")]
    third = [*b.full_month(agents, "2026-05-01", "2026-05-29"),
             b.cmd("resolve_dispute", None, dispute_id="D1", resolved_on="2026-05-06",
                   outcome="upheld", adjustment_fen=-10_000, note="found"),
             b.issue("2026-05", "2026-06-02"), b.issue("2026-04", "2026-05-04", "C2")]
    return [first, second, third]


def _fill(ledger: Ledger) -> list[Path]:
    """Submit the three batches (a moment apart) and add a user; the files submitted."""
    files = []
    for batch in _batches():
        ledger.accept(*batch)
        files.append(ledger.tmp / f"batch-{ledger._n}.jsonl")
        time.sleep(0.01)
    added = ledger.run("users", "add", "li.na", "--role", "finance")
    assert added.code == 0, added
    return files


def _json(ledger: Ledger, *args: str) -> str:
    run = ledger.run(*args, "--json")
    assert run.code == 0, (args, run)
    return run.out


def assert_same(source: Ledger, target: Ledger) -> None:
    """Digest, chain, statements (byte for byte), balances, journal, history and users
    the same on both, now and as of three recorded times of the source's history."""
    assert _json(source, "audit", "digest") == _json(target, "audit", "digest")
    verified = target.run("audit", "verify")
    assert verified.code == 0 and "ok" in verified.out, verified
    statements = json.loads(_json(source, "statements"))
    assert len(statements) == 5
    assert _json(target, "statements") == _json(source, "statements")
    for row in statements:
        contract, period = row["contract_id"], row["period"]
        assert (_json(target, "statement", contract, period)
                == _json(source, "statement", contract, period))
    times = sorted({e["recorded_at"] for e in json.loads(_json(source, "history", "C1"))})
    assert len(times) >= 3
    for when in times[:3]:  # the three batches' recorded times
        for report in (["statements"], ["balance"], ["history", "C1"], ["disputes"]):
            assert (_json(target, *report, "--as-of", when)
                    == _json(source, *report, "--as-of", when)), (report, when)
    assert _json(target, "journal") == _json(source, "journal")
    assert _json(target, "users", "list") == _json(source, "users", "list")
    assert _tables(source.db) == _tables(target.db)


def _tables(db: str) -> dict[str, list[tuple[Any, ...]]]:
    """The command-id table and the chain, as stored."""
    from store.eventstore import open_store

    store = open_store(db)
    return {"commands": sorted(store.query("SELECT * FROM ledger_commands")),
            "chain": sorted(store.query("SELECT * FROM ledger_chain"))}


def assert_carries_on(files: list[Path], target: Ledger) -> None:
    """Every command sent again answers duplicate; a new one goes after the copied log."""
    for path in files:
        again = target.run("submit", str(path))
        assert again.code == 0, again
        assert {r["status"] for r in again.lines()} == {"duplicate"}
    last = target.stats()[1]
    target.accept(b.pay("P9", 5_000, "2026-06-05"))
    assert target.stats()[1] == last + 1
    assert target.run("audit", "verify").code == 0


def _migrate(source: Ledger, to: str) -> Any:
    run = source.run("migrate", "--to", to, "--json")
    assert run.code == 0, run
    report = run.json()
    assert report["ok"] and report["problems"] == []
    assert report["statements"] == report["statements_redrafted"] == 5
    return report


@pytest.mark.postgres
def test_sqlite_to_postgres(sqlite_db: str, pg_url: str, tmp_path: Path) -> None:
    source, target = Ledger(sqlite_db, tmp_path), Ledger(pg_url, tmp_path)
    files = _fill(source)
    report = _migrate(source, pg_url)
    assert report["events"] == source.stats()[0]
    assert_same(source, target)
    assert_carries_on(files, target)


@pytest.mark.postgres
def test_postgres_to_sqlite(pg_url: str, tmp_path: Path) -> None:
    import psycopg

    source, target = Ledger(pg_url, tmp_path), Ledger(str(tmp_path / "copy.db"), tmp_path)
    files = _fill(source)
    # A rolled-back batch leaves a gap in PostgreSQL's positions; the copy keeps it (every
    # chain link covers its position).
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("SELECT nextval(pg_get_serial_sequence('ledger_events', 'notification_id'))")
    source.accept(b.pay("P3", 1_000, "2026-06-03"))
    events, last = source.stats()
    assert last == events + 1
    _migrate(source, target.db)
    assert target.stats() == (events, last)
    assert_same(source, target)
    assert_carries_on(files, target)


@pytest.mark.postgres
def test_refuses_a_target_that_is_not_empty(sqlite_db: str, pg_url: str, tmp_path: Path) -> None:
    source, target = Ledger(sqlite_db, tmp_path), Ledger(pg_url, tmp_path)
    source.accept(b.sign("C1"))
    target.accept(b.sign("C9"))
    before = target.stats()
    run = source.run("migrate", "--to", pg_url)
    assert run.code == 2, run
    assert "is not empty" in run.err and "Traceback" not in run.err
    run = source.run("migrate", "--to", pg_url, "--json")
    assert json.loads(run.err)["error"]["code"] == "target_not_empty"
    assert target.stats() == before


def test_refuses_a_missing_source_and_itself(tmp_path: Path) -> None:
    missing = Ledger(str(tmp_path / "typo.db"), tmp_path)
    run = missing.run("migrate", "--to", str(tmp_path / "copy.db"))
    assert run.code == 3 and "no ledger" in run.err, run
    assert not (tmp_path / "typo.db").exists() and not (tmp_path / "copy.db").exists()
    source = Ledger(str(tmp_path / "ledger.db"), tmp_path)
    source.accept(b.sign("C1"))
    run = source.run("migrate", "--to", str(tmp_path / "." / "ledger.db"))
    assert run.code == 2 and "is the source" in run.err, run


@pytest.mark.postgres
def test_refuses_a_source_without_events(pg_url: str, tmp_path: Path) -> None:
    run = Ledger(pg_url, tmp_path).run("migrate", "--to", str(tmp_path / "copy.db"))
    assert run.code == 3 and "no ledger" in run.err, run  # the database has no ledger tables
    from store.eventstore import open_store

    open_store(pg_url)  # the tables, without a single event
    run = Ledger(pg_url, tmp_path).run("migrate", "--to", str(tmp_path / "copy.db"), "--json")
    assert run.code == 3, run
    assert json.loads(run.err)["error"]["code"] == "store_missing"
    assert "holds no events" in run.err


@pytest.mark.postgres
def test_never_prints_the_password(sqlite_db: str, pg_url: str, tmp_path: Path) -> None:
    source = Ledger(sqlite_db, tmp_path)
    source.accept(b.sign("C1"))
    with_password = pg_url.replace("postgres@", "postgres:pw-s3cret@")  # trust: not checked
    for args in (("--json",), ()):
        run = source.run("migrate", "--to", with_password, *args)
        assert "pw-s3cret" not in run.out + run.err
    assert run.code == 2  # the second run found the first one's copy


def test_refuses_a_source_whose_chain_does_not_verify(sqlite_db: str, tmp_path: Path) -> None:
    import sqlite3

    source = Ledger(sqlite_db, tmp_path)
    source.accept(b.sign("C1"), *b.agent_ready("a1"))
    with sqlite3.connect(sqlite_db) as conn:
        conn.execute("UPDATE ledger_chain SET link = ? WHERE position = 3", ("0" * 64,))
    run = source.run("migrate", "--to", str(tmp_path / "copy.db"), "--json")
    assert run.code == 1, run
    error = json.loads(run.err)["error"]
    assert error["code"] == "source_chain_broken"
    assert "does not match its hash chain at position 3" in error["message"]
    # the copy's own check, `ledger audit verify` in a process of its own, says the same
    from cli.migrate import _audit_elsewhere

    assert [f["position"] for f in _audit_elsewhere(sqlite_db)()] == [3]
    assert "did not finish" in _audit_elsewhere(str(tmp_path / "none.db"))()[0]["problem"]
