"""Exit statuses and errors as scripts meet them (docs/CLI.md): 0, 1, 2, 3 and 130,
one JSON object on stderr under ``--json``, and a report that never creates a store."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path
from typing import Any

import pytest
from builders import agent_ready, full_month, issue, pay, sign
from conftest import PG_ADMIN, Ledger, need_postgres


def _given(ledger: Ledger) -> None:
    ledger.accept(sign("C1"), *agent_ready("a1"), *full_month(["a1"], "2026-03-02", "2026-03-31"),
                  issue("2026-03", "2026-04-01"), pay("P1", 100000, "2026-04-03"))


def json_error(err: str) -> dict[str, Any]:
    """The one JSON object an error is under ``--json``: ``{"error": {"code", "message"}}``."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    body = json.loads(lines[0])
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] and body["error"]["message"], body
    return dict(body["error"])


def test_0_success_and_1_for_a_rejected_command_or_a_failed_check(sqlite_ledger: Ledger) -> None:
    _given(sqlite_ledger)
    assert sqlite_ledger.run("statements").code == 0
    rejected = sqlite_ledger.submit({"type": "record_payment", "id": "x", "contract_id": "C9",
                                     "payment_id": "P", "amount_fen": 1,
                                     "received_on": "2026-01-01", "reference": ""})
    assert rejected.code == 1
    assert sqlite_ledger.run("audit", "verify", "--digest", "999:" + "0" * 64).code == 1


@pytest.mark.parametrize(("argv", "code"), [
    (["statement", "C1", "202611"], "usage"),
    (["statement", "C1", "2026/11"], "usage"),
    (["statement", "C1", "2026年11月"], "usage"),
    (["statement", "C1", "2026-13"], "usage"),
    (["statement", "C1", "nov"], "usage"),
    (["statement", "C1", "2026-Q1"], "bad_period"),  # C1 settles monthly
    (["breaches", "--period", "2026/11"], "usage"),
    (["breaches", "C1", "--period", "2026-Q1"], "bad_period"),
    (["statement", "C9", "2026-03"], "unknown_contract"),
    (["statements", "C9"], "unknown_contract"),
    (["disputes", "C9"], "unknown_contract"),
    (["balance", "C9"], "unknown_contract"),
    (["explain", "C1", "2026-05", "base"], "unknown_statement"),
    (["explain", "C1", "2026-03", "late_fee"], "unknown_line"),
    (["explain", "C1", "2026-03", "bogus"], "usage"),
    (["statement", "C1", "2026-03", "--on", "2026-02-30"], "usage"),
    (["history", "C1", "--as-of", "yesterday"], "usage"),
    (["no-such-command"], "usage"),
])
def test_2_bad_usage_in_text_and_json(sqlite_ledger: Ledger, argv: list[str], code: str) -> None:
    _given(sqlite_ledger)
    text = sqlite_ledger.run(*argv)
    assert text.code == 2, text
    assert text.out == "" and "Traceback" not in text.err
    assert text.err.splitlines()[-1].startswith("ledger: "), text.err
    as_json = sqlite_ledger.run(*argv, "--json")
    assert as_json.code == 2, as_json
    assert as_json.out == ""
    assert json_error(as_json.err)["code"] == code


def test_a_period_error_shows_the_accepted_forms(sqlite_ledger: Ledger) -> None:
    _given(sqlite_ledger)
    run = sqlite_ledger.run("statement", "C1", "2026/11")
    assert "YYYY-MM" in run.err and "YYYY-Qn" in run.err
    quarter = sqlite_ledger.run("statement", "C1", "2026-Q1", "--json")
    assert "monthly" in json_error(quarter.err)["message"]


def test_3_a_report_on_a_missing_store_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    ledger = Ledger(str(missing), tmp_path)
    for argv in (["statements"], ["balance"], ["breaches"], ["journal"], ["audit", "digest"],
                 ["rebuild"], ["export", "lines"], ["history", "C1"]):
        run = ledger.run(*argv)
        assert run.code == 3, (argv, run)
        assert "no ledger at" in run.err and run.out == ""
    assert json_error(ledger.run("statements", "--json").err)["code"] == "store_missing"
    assert list(tmp_path.iterdir()) == []  # not even an empty store


def test_3_a_file_that_holds_no_ledger(tmp_path: Path) -> None:
    other = tmp_path / "notes.db"
    other.write_bytes(b"not a database at all, just text" * 10)
    run = Ledger(str(other), tmp_path).run("statements", "--json")
    assert run.code == 3
    assert json_error(run.err)["code"] == "store_unavailable"
    assert other.read_bytes() == b"not a database at all, just text" * 10


def test_3_a_read_only_store_is_not_written(sqlite_ledger: Ledger) -> None:
    _given(sqlite_ledger)
    before = sqlite_ledger.stats()
    from store.eventstore import close_all_stores

    close_all_stores()
    path = Path(sqlite_ledger.db)
    path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        run = sqlite_ledger.submit(pay("P2", 100, "2026-04-05"))
        assert run.code == 3, run
        assert run.out == "" and "read-only" in run.err
        assert sqlite_ledger.run("statements").code == 0  # reading still works
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert sqlite_ledger.stats() == before


def test_3_a_store_that_fails_mid_run(monkeypatch: pytest.MonkeyPatch, sqlite_ledger: Ledger) -> None:
    from eventsourcing.persistence import OperationalError

    from store.eventstore import Store

    _given(sqlite_ledger)

    def broken(*_: Any, **__: Any) -> Any:
        raise OperationalError("disk I/O error")
    monkeypatch.setattr(Store, "write", broken)  # both writers, thread and forked child, call it
    run = sqlite_ledger.run("submit", "-", "--json", stdin=json.dumps(pay("P3", 1, "2026-04-05")))
    assert run.code == 3
    error = json_error(run.err.strip().splitlines()[-1])
    assert error["code"] == "store_failed" and "disk I/O error" in error["message"]


@pytest.mark.postgres
def test_3_a_missing_postgres_database_is_said_at_once(tmp_path: Path) -> None:
    need_postgres()
    url = PG_ADMIN.rsplit("/", 1)[0] + "/no_such_ledger_db_13"
    started = time.monotonic()
    run = Ledger(url, tmp_path).run("statements", "--json")
    assert time.monotonic() - started < 2
    assert run.code == 3
    error = json_error(run.err)
    assert error["code"] == "store_missing"
    assert "'no_such_ledger_db_13' does not exist" in error["message"]


@pytest.mark.postgres
def test_3_a_report_on_an_empty_postgres_database_creates_no_schema(pg_url: str, tmp_path: Path) -> None:
    import psycopg

    run = Ledger(pg_url, tmp_path).run("balance")
    assert run.code == 3 and "no ledger in" in run.err
    with psycopg.connect(pg_url) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
    assert tables == (0,)


def test_3_an_unreachable_server_is_said_at_once(tmp_path: Path) -> None:
    started = time.monotonic()
    run = Ledger("postgresql://postgres@127.0.0.1:1/ledger", tmp_path).run("statements")
    assert time.monotonic() - started < 2
    assert run.code == 3 and "cannot reach the store" in run.err


def test_3_an_output_that_cannot_be_written(sqlite_ledger: Ledger, tmp_path: Path) -> None:
    _given(sqlite_ledger)
    folder = tmp_path / "no" / "such" / "folder"
    run = sqlite_ledger.run("export", "lines", "--output", str(folder / "x.csv"))
    assert run.code == 3 and "cannot write" in run.err


def test_an_unexpected_error_is_a_message_not_a_traceback(
        monkeypatch: pytest.MonkeyPatch, sqlite_ledger: Ledger) -> None:
    import app.reports

    _given(sqlite_ledger)

    def bug(*_: Any, **__: Any) -> Any:
        raise ZeroDivisionError("division by zero")
    monkeypatch.setattr(app.reports, "statements", bug)
    monkeypatch.delenv("LEDGER_DEBUG", raising=False)
    run = sqlite_ledger.run("statements", "--json")
    assert run.code == 70
    assert "ZeroDivisionError" in json_error(run.err)["message"]


def test_version(sqlite_ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    from cli.main import main

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("ledger ")


def test_json_shapes_do_not_depend_on_the_arguments(sqlite_ledger: Ledger) -> None:
    _given(sqlite_ledger)
    for argv in (["balance"], ["statements"], ["disputes"], ["breaches", "--on", "2026-05-01"]):
        every = sqlite_ledger.run(*argv, "--json").json()
        one = sqlite_ledger.run(*argv, "C1", "--json").json()
        assert isinstance(every, list) and isinstance(one, list), argv
        assert every == one, argv
    issued = sqlite_ledger.statement("C1", "2026-03")
    live = sqlite_ledger.statement("C1", "2026-03", "--live")
    draft = sqlite_ledger.statement("C1", "2026-04", "--live", "--on", "2026-05-01")
    assert set(issued) <= set(live) and set(issued) == set(draft)
    assert live["issued"] == issued and live["status"] == "draft"

