"""The ledger program as users meet it: exit codes, human tables, secrets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from builders import agent_ready, full_month, issue, pay, sign
from conftest import Ledger

ROOT = Path(__file__).resolve().parents[1]


def _given(ledger: Any) -> None:
    ledger.accept(sign("C1"), *agent_ready("a1"), *agent_ready("a2"),
                  *full_month(["a1", "a2"], "2026-03-02", "2026-03-31"),
                  issue("2026-03", "2026-04-01"), pay("P1", 100000, "2026-04-03"))


@pytest.mark.parametrize("argv", [
    ["no-such-command"],
    ["statement", "C1"],
    ["breaches", "--on", "2026-13-01"],
    ["statements", "--as-of", "yesterday"],
    ["audit", "verify", "--digest", "12:nothex"],
    ["journal", "--format", "xml"],
])
def test_bad_usage_exits_2(sqlite_ledger: Ledger, argv: list[str]) -> None:
    run = sqlite_ledger.run(*argv)
    assert run.code == 2, run
    assert "Traceback" not in run.err


def test_unknown_contract_or_statement_exits_2_with_a_message(sqlite_ledger: Ledger) -> None:
    _given(sqlite_ledger)
    for argv in (["balance", "C9"], ["history", "C9"], ["statements", "C9"], ["disputes", "C9"],
                 ["breaches", "C9"], ["export", "lines", "--contract", "C9"],
                 ["explain", "C1", "2026-04", "base"], ["explain", "C1", "2026-03", "late_fee"]):
        run = sqlite_ledger.run(*argv)
        assert run.code == 2, (argv, run)
        assert run.err.startswith("ledger: "), run
        assert "Traceback" not in run.err
        assert run.out == ""


def test_missing_input_file_is_usage(sqlite_ledger: Ledger, tmp_path: Path) -> None:
    run = sqlite_ledger.run("submit", str(tmp_path / "nope.jsonl"))
    assert run.code == 2
    assert "cannot read" in run.err


def test_every_report_prints_a_table(sqlite_ledger: Ledger) -> None:
    _given(sqlite_ledger)
    for argv in (["statement", "C1", "2026-03"],
                 ["statement", "C1", "2026-04", "--live", "--on", "2026-05-01"],
                 ["statement", "C1", "2026-03", "--live"], ["statements"], ["balance"],
                 ["breaches", "--on", "2026-05-01"], ["disputes"], ["history", "C1"],
                 ["explain", "C1", "2026-03", "base"], ["journal"], ["journal", "--format", "csv"],
                 ["audit", "digest"], ["audit", "verify"], ["rebuild"]):
        run = sqlite_ledger.run(*argv)
        assert run.code == 0, (argv, run)
        assert run.out.strip(), argv


def test_stdin_submission_and_ledger_db_variable(tmp_path: Path) -> None:
    db = tmp_path / "env.db"
    env = dict(os.environ, LEDGER_DB=str(db), LEDGER_LOG_LEVEL="warning", PYTHONPATH=str(ROOT))
    line = '{"type": "record_payment", "id": "x", "contract_id": "C9", "payment_id": "P", ' \
           '"amount_fen": 1, "received_on": "2026-01-01", "reference": ""}\n'
    done = subprocess.run([sys.executable, "-m", "cli.main", "submit", "-"], input=line,
                          capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert done.returncode == 1
    assert '"code":"unknown_contract"' in done.stdout
    assert db.exists()


def test_passwords_never_appear_in_errors_or_logs(tmp_path: Path) -> None:
    url = "postgresql://ledger:s3cr3t-pw@127.0.0.1:1/ledger"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "cli.main", "--db", url, "statements"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, check=False,
                          timeout=120)
    assert done.returncode == 3
    assert "s3cr3t-pw" not in done.stdout + done.stderr
    assert "postgresql://ledger@127.0.0.1:1/ledger" in done.stderr
    assert "Traceback" not in done.stderr


def _submit_log(tmp_path: Path, level: str | None) -> list[dict[str, Any]]:
    """The JSON log lines of one submit of three lines (one accepted, one duplicate, one
    rejected) in batches of two, at a log level (None: as shipped); not the summary
    that ``submit`` prints for people after them."""
    env = {k: v for k, v in os.environ.items() if k != "LEDGER_LOG_LEVEL"}
    env |= {"PYTHONPATH": str(ROOT), "LEDGER_BATCH": "2"} | ({"LEDGER_LOG_LEVEL": level} if level else {})
    signed = json.dumps(sign("C1"))
    bad = json.dumps(pay("P1", 100, "2026-04-03") | {"contract_id": "C9"})
    tmp_path.mkdir(exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "cli.main", "--db", str(tmp_path / "log.db"), "submit", "-",
                           "--today", "2026-12-31"], input=f"{signed}\n{signed}\n{bad}\n",
                          capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert done.returncode == 1, done.stderr
    return [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]  # the log


def test_submit_logs_a_line_per_batch_and_a_summary_by_default(tmp_path: Path) -> None:
    lines = _submit_log(tmp_path, None)
    assert [line["event"] for line in lines] == ["batch", "batch", "submitted"]
    assert [(b["lines"], b["accepted"], b["duplicate"], b["rejected"]) for b in lines[:2]] == [
        (2, 1, 1, 0), (1, 0, 0, 1)]
    summary = lines[-1]
    assert (summary["lines"], summary["accepted"], summary["duplicate"], summary["rejected"],
            summary["batches"]) == (3, 1, 1, 1, 2)
    assert summary["level"] == "info" and summary["seconds"] >= 0 and summary["commands_per_s"] >= 0


def test_submit_logs_each_command_at_debug_and_nothing_at_warning(tmp_path: Path) -> None:
    commands = [line for line in _submit_log(tmp_path, "debug") if line["event"] == "command"]
    assert [(c["outcome"], c["type"]) for c in commands] == [
        ("accepted", "sign_contract"), ("duplicate", "sign_contract"), ("rejected", "record_payment")]
    assert "terms" not in commands[0]  # never a command's body
    assert commands[-1]["code"] == "unknown_contract" and commands[-1]["level"] == "debug"
    assert _submit_log(tmp_path / "quiet", "warning") == []


@pytest.mark.parametrize("columns", [80, 120])
def test_tables_fit_the_terminal(sqlite_ledger: Ledger, monkeypatch: pytest.MonkeyPatch,
                                 columns: int) -> None:
    from rich.cells import cell_len

    _given(sqlite_ledger)
    monkeypatch.setenv("COLUMNS", str(columns))
    for argv in (["statement", "C1", "2026-03"], ["statements"], ["history", "C1"], ["balance"],
                 ["explain", "C1", "2026-03", "base"]):
        run = sqlite_ledger.run(*argv)
        assert run.code == 0, run
        widest = max(cell_len(line) for line in run.out.splitlines())
        assert widest <= columns, (argv, widest)


def test_output_dash_is_stdout(sqlite_ledger: Ledger, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    _given(sqlite_ledger)
    monkeypatch.chdir(tmp_path)
    run = sqlite_ledger.run("statement", "C1", "2026-03", "--format", "html", "--output", "-")
    assert run.code == 0 and run.out.startswith("<!DOCTYPE html>")
    assert not (tmp_path / "-").exists() and not list(tmp_path.glob("statement-*"))


def test_json_and_quiet_do_what_they_say_or_are_refused(sqlite_ledger: Ledger) -> None:
    _given(sqlite_ledger)
    assert sqlite_ledger.run("journal", "--json", "--format", "csv").code == 2
    assert sqlite_ledger.run("export", "lines", "--json").code == 2  # CSV/xlsx only
    assert sqlite_ledger.run("statement", "C1", "2026-03", "--json", "--format", "html").code == 2


def test_demo_json_and_quiet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # no PDF: quicker, and said
    quiet = Ledger(str(tmp_path / "q.db"), tmp_path).run("demo", "--quiet")
    assert quiet.code == 0 and quiet.out == ""
    assert len(quiet.err.strip().splitlines()) == 1 and quiet.err.startswith("demo: ")
    loud = Ledger(str(tmp_path / "j.db"), tmp_path).run("demo", "--json")
    assert loud.code == 0 and loud.err == ""
    data = loud.json()
    assert data["accepted"] > 1000
    assert [r["error"]["code"] for r in data["rejected"]] == ["reference_reused", "invalid_type"]
    assert {s["contract_id"] for s in data["statements"]} >= {
        "YIYI-TB-01", "JINXIU-TM-01", "JIKE-JD-01", "SHUXIANG-DY-01"}
    assert data["breaches"] and data["documents"][0].endswith(".html")
