"""Mistakes and their remedies end to end, on SQLite and PostgreSQL (SPEC §11).

The rules themselves are proved in tests/unit/test_decide_remedies.py and
test_billing_voids.py; here the program as users run it: ``--today`` and
``LEDGER_TODAY``, ``statements`` listing a void statement and its re-issue,
``history`` and ``explain`` showing the voids, ``--as-of`` before a void, the
journal after voids (bean-check, balances equal ``ledger balance``) and rebuild.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from builders import agent_ready, cmd, full_month, issue, pay, sign

MONTH_TOTAL = 932800  # 44 agent-shifts x 20 000 + 6 % tax (builders' terms, March and April 2026)


def void_payment(payment_id: str, on: str) -> dict[str, Any]:
    return cmd("void_payment", payment_id=payment_id, on=on, reason="bounced")


def void_statement(period: str, on: str) -> dict[str, Any]:
    return cmd("void_statement", period=period, on=on, reason="issued in error")


def history(ledger: Any) -> None:
    """March and April issued; one transfer on 05-05 pays both (March 24 days late);
    May issued 06-01 bills the late fee; the transfer bounces and is voided on 06-02."""
    ledger.accept(sign(), *agent_ready("a1"), *agent_ready("a2"),
                  *full_month(["a1", "a2"], "2026-03-02", "2026-04-30"),
                  issue("2026-03", "2026-04-01"), issue("2026-04", "2026-05-01"),
                  pay("P1", 2 * MONTH_TOTAL, "2026-05-05"), issue("2026-05", "2026-06-01"))
    ledger.accept(void_payment("P1", "2026-06-02"))


def test_submit_today_refuses_facts_dated_after_it(ledger: Any) -> None:
    ledger.accept(sign(), *agent_ready("a1"))
    line = ledger.tmp / "late.jsonl"
    line.write_text('{"type": "record_payment", "id": "p-x", "contract_id": "C1", '
                    '"payment_id": "PX", "amount_fen": 100, "received_on": "2026-03-10", '
                    '"reference": "R"}\n', encoding="utf-8")
    run = ledger.run("submit", str(line), "--today", "2026-03-09")
    assert run.code == 1
    (result,) = run.lines()
    assert result["error"]["code"] == "future_date" and result["error"]["field"] == "received_on"
    assert ledger.run("submit", str(line), "--today", "2026-03-10").code == 0


def test_ledger_today_sets_the_recording_date(ledger: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDGER_TODAY", "2026-02-19")
    error = ledger.reject(sign())  # signed 2026-02-20
    assert (error["code"], error["field"]) == ("future_date", "signed_on")
    monkeypatch.setenv("LEDGER_TODAY", "yesterday")
    run = ledger.submit(sign())
    assert run.code == 2 and "LEDGER_TODAY" in run.err and "Traceback" not in run.err


def test_a_void_payment_in_the_reports(ledger: Any) -> None:
    history(ledger)
    balance = ledger.run("balance", "C1", "--json").json()[0]
    may = ledger.statement("C1", "2026-05")
    assert balance["receivable_fen"] == may["account"]["closing_fen"] + 2 * MONTH_TOTAL
    # the void is in the contract's history
    events = ledger.run("history", "C1", "--json").json()
    assert events[-1]["type"] == "PaymentVoided" and events[-1]["data"]["payment_id"] == "P1"
    # June takes back the late fee May billed; explain names the void
    ledger.accept(issue("2026-06", "2026-07-01"))
    june = ledger.statement("C1", "2026-06")
    (fee,) = [line for line in june["lines"] if line["code"] == "late_fee"]
    assert fee["amount_fen"] == -11194  # 932 800 x 0.0005 x 24 days, taken back
    assert june["account"]["opening_fen"] == may["account"]["closing_fen"]
    explained = ledger.run("explain", "C1", "2026-06", "late_fee", "--json").json()
    assert "PaymentVoided" in {e["type"] for e in explained["events"]}
    # March is late and unpaid again
    records = {r["breach_id"]: r for r in
               ledger.run("breaches", "C1", "--on", "2026-07-02", "--json").json()}
    assert records["C1/late_payment/C1-2026-03"]["status"] == "open"


def test_as_of_before_a_void_shows_the_ledger_as_it_was(ledger: Any) -> None:
    ledger.accept(sign(), *agent_ready("a1"), *agent_ready("a2"),
                  *full_month(["a1", "a2"], "2026-03-02", "2026-03-31"),
                  issue("2026-03", "2026-04-01"), pay("P1", MONTH_TOTAL, "2026-04-05"))
    as_of = ledger.run("history", "C1", "--json").json()[-1]["recorded_at"]
    ledger.accept(void_payment("P1", "2026-04-06"))
    then = ledger.run("balance", "C1", "--json", "--as-of", as_of).json()[0]
    now = ledger.run("balance", "C1", "--json").json()[0]
    assert (then["receivable_fen"], now["receivable_fen"]) == (0, MONTH_TOTAL)


def test_a_void_statement_and_its_re_issue_in_the_reports(ledger: Any, tmp_path: Path) -> None:
    ledger.accept(sign(), *agent_ready("a1"), *agent_ready("a2"),
                  *full_month(["a1", "a2"], "2026-03-02", "2026-03-31"),
                  issue("2026-03", "2026-04-01"), void_statement("2026-03", "2026-04-02"),
                  issue("2026-03", "2026-04-03"))
    rows = ledger.run("statements", "C1", "--json").json()
    assert [(r["statement_no"], r["status"], r["voided_on"], r["void_reason"]) for r in rows] == [
        ("C1-2026-03", "void", "2026-04-02", "issued in error"),
        ("C1-2026-03-R1", "issued", None, None)]
    assert ledger.statement("C1", "2026-03")["statement_no"] == "C1-2026-03-R1"
    void = ledger.statement("C1", "2026-03", "--number", "C1-2026-03")
    assert (void["status"], void["voided_on"]) == ("void", "2026-04-02")
    page = tmp_path / "void.html"
    assert ledger.run("statement", "C1", "2026-03", "--number", "C1-2026-03", "--format", "html",
                      "--output", str(page)).code == 0
    assert "作废" in page.read_text(encoding="utf-8")
    reissue = tmp_path / "r1.html"
    assert ledger.run("statement", "C1", "2026-03", "--format", "html", "--output",
                      str(reissue)).code == 0
    assert "C1-2026-03-R1" in reissue.read_text(encoding="utf-8")
    assert "替代已作废的结算单 C1-2026-03" in reissue.read_text(encoding="utf-8")
    assert ledger.run("balance", "C1", "--json").json()[0]["receivable_fen"] == MONTH_TOTAL
    rebuilt = ledger.run("rebuild", "--json")
    assert rebuilt.code == 0 and rebuilt.json()["statements_checked"] == 2


def test_the_journal_after_voids_balances_and_passes_bean_check(ledger: Any, tmp_path: Path) -> None:
    ledger.accept(sign(), *agent_ready("a1"), *agent_ready("a2"),
                  *full_month(["a1", "a2"], "2026-03-02", "2026-04-30"),
                  issue("2026-03", "2026-04-01"), pay("P1", MONTH_TOTAL, "2026-04-05"),
                  issue("2026-04", "2026-05-01"), void_payment("P1", "2026-05-02"),
                  void_statement("2026-04", "2026-05-03"))
    txns = ledger.run("journal", "--format", "json").json()
    for t in txns:
        assert sum(p["amount_fen"] for p in t["postings"]) == 0, t
    receivable = sum(p["amount_fen"] for t in txns for p in t["postings"]
                     if p["account"] == "Assets:Receivable:C1")
    assert receivable == ledger.run("balance", "C1", "--json").json()[0]["receivable_fen"]
    narrations = [t["narration"] for t in txns]
    assert any(n.startswith("payment P1 void") for n in narrations)
    assert any(n.startswith("statement C1-2026-04 void") for n in narrations)
    bean_check = shutil.which("bean-check") or str(Path(sys_prefix()) / "bin" / "bean-check")
    journal = tmp_path / "ledger.beancount"
    journal.write_text(ledger.run("journal", "--format", "beancount").out, encoding="utf-8")
    done = subprocess.run([bean_check, str(journal)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def sys_prefix() -> str:
    import sys

    return sys.prefix
