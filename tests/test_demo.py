"""``ledger demo``: the sample loads, and it shows what it claims to show.

Given an empty store, when ``ledger demo`` runs, then it exits 0 with exactly
one (deliberate) rejection, and the store answers through the CLI with every
statement line code, breach records of both parties under every rule, one
upheld and one rejected dispute, and a prepaid final statement that credits
the unused fee and applies the deposit.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cli.demo_data import demo_lines

LINE_CODES = {
    "base", "special_day", "commission", "fixed_fee", "extra_shifts", "understaffing",
    "qa_penalty", "late_fee", "adjustment", "breach_penalty", "correction",
}
BREACH_RULES = {
    "understaffed_shift", "qa_failures", "slow_response", "late_payment", "deposit_late", "reported",
}


def test_demo_lines_are_deterministic_with_readable_unique_ids() -> None:
    lines = demo_lines()
    assert lines == demo_lines()
    assert 1000 <= len(lines) <= 3000
    ids = [json.loads(line)["id"] for line in lines]
    assert all(re.fullmatch(r"demo-\d{4}", i) for i in ids)
    # Only the corrected resend of the rejected payment shares its id.
    shared = [i for i, n in Counter(ids).items() if n > 1]
    assert len(shared) == 1 and ids.count(shared[0]) == 2
    first, resend = (json.loads(line) for line in lines if json.loads(line)["id"] == shared[0])
    assert first["type"] == resend["type"] == "record_payment"
    assert isinstance(first["amount_fen"], float) and isinstance(resend["amount_fen"], int)


def test_exactly_one_command_is_rejected_and_its_resend_accepted(sqlite_ledger: Any) -> None:
    run = sqlite_ledger.submit(*demo_lines())
    assert run.code == 1  # one rejection makes the batch exit 1
    results = run.lines()
    rejected = [r for r in results if r["status"] == "rejected"]
    assert len(rejected) == 1, rejected
    (bad,) = rejected
    assert bad["error"]["code"] == "invalid_type"
    assert bad["error"]["field"] == "amount_fen"
    # The same id, sent again with integer fen, is accepted.
    assert [r["status"] for r in results if r["id"] == bad["id"]] == ["rejected", "accepted"]
    assert all(r["status"] == "accepted" for r in results if r is not bad)


def test_demo_shows_every_line_code_breach_rule_and_dispute_outcome(
        sqlite_ledger: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the demo writes its documents into the current folder
    run = sqlite_ledger.run("demo")
    assert run.code == 0, run.err[-2000:]
    summary = re.search(r"demo: (\d+) commands accepted, (\d+) rejected \(on purpose: ([^)]*)\)", run.err)
    assert summary is not None, run.err[-2000:]
    assert (summary[2], summary[3]) == ("1", "invalid_type")
    assert "Issued statements" in run.out and "Breach records on 2026-12-31" in run.out

    listed = sqlite_ledger.run("statements", "--json")
    assert listed.code == 0
    statements = {(s["contract_id"], s["period"]): sqlite_ledger.statement(s["contract_id"], s["period"])
                   for s in listed.json()}
    assert len(statements) == 13
    codes = {line["code"] for s in statements.values() for line in s["lines"]}
    assert codes == LINE_CODES

    # The prepaid contract's final statement: the unused half of November's fee
    # comes back as a negative fixed_fee correction, and the deposit is applied.
    final = statements["JIKE-JD-01", "2026-12"]
    assert [(line["amount_fen"], line["refs"]["line"]) for line in final["lines"]
            if line["code"] == "correction"] == [(-1200000, "fixed_fee")]
    assert final["account"]["deposit_applied_fen"] > 0
    assert final["account"]["closing_fen"] == 0
    # October's missed shift arrived after October was settled: November corrects it.
    corrected = {line["refs"]["line"] for line in statements["YIYI-TB-01", "2026-11"]["lines"]
                 if line["code"] == "correction"}
    assert corrected == {"base", "understaffing"}

    breaches = sqlite_ledger.run("breaches", "--on", "2026-12-31", "--json")
    assert breaches.code == 0
    records = breaches.json()
    assert {r["party"] for r in records} == {"provider", "merchant"}
    assert {r["rule"] for r in records} == BREACH_RULES
    reported = {r["party"] for r in records if r["rule"] == "reported"}
    assert reported == {"provider", "merchant"}

    disputes = sqlite_ledger.run("disputes", "--json")
    assert disputes.code == 0
    outcomes = sorted((d["status"], d["outcome"]) for d in disputes.json())
    assert outcomes == [("resolved", "rejected"), ("resolved", "upheld")]

    # The payments in the sample settle the statements to the fen: the three
    # paid-up contracts owe nothing, and the terminated one holds no deposit.
    balance = sqlite_ledger.run("balance", "--json")
    assert balance.code == 0
    by_contract = {b["contract_id"]: b for b in balance.json()}
    for contract in ("YIYI-TB-01", "JINXIU-TM-01", "JIKE-JD-01"):
        assert by_contract[contract]["receivable_fen"] == 0, by_contract[contract]
        assert by_contract[contract]["credit_fen"] == 0, by_contract[contract]
    assert by_contract["JIKE-JD-01"]["deposit_held_fen"] == 0
    assert by_contract["SHUXIANG-DY-01"]["receivable_fen"] == statements[
        "SHUXIANG-DY-01", "2026-11"]["total_fen"]

    assert sqlite_ledger.run("rebuild").code == 0
