"""``ledger demo``: the sample loads, and it shows what it claims to show.

Given an empty store, when ``ledger demo`` runs, then it exits 0 with exactly
two (deliberate) rejections, and the store answers through the CLI with every
statement line code, breach records of both parties under every rule, one
upheld and one rejected dispute, a prepaid final statement that credits
the unused fee and applies the deposit, a contract signed from a quote, plans
marked with the calendar's holidays (warnings only where one is not), and one of
each remedy of SPEC §11: a transfer keyed twice and refused, a payment voided, a
statement voided and re-issued; the sample files are imported: the
ledger's books before the import are what ``examples/import/demo-books.json``
says, each file gives what docs/IMPORT.md describes, and November's statement
of ``C-TMALL-01`` bills the imported shifts and sales.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import msgspec
import pytest

from cli.demo_data import demo_lines

SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "import"
LINE_CODES = {
    "base", "special_day", "commission", "fixed_fee", "extra_shifts", "understaffing",
    "qa_penalty", "late_fee", "adjustment", "breach_penalty", "correction",
}
BREACH_RULES = {
    "understaffed_shift", "qa_failures", "slow_response", "late_payment", "deposit_late", "reported",
}


@pytest.fixture(autouse=True)
def _in_a_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the demo writes its documents into the current folder


def test_demo_lines_are_deterministic_with_readable_unique_ids() -> None:
    lines = demo_lines()
    assert lines == demo_lines()
    assert 1000 <= len(lines) <= 3500
    ids = [json.loads(line)["id"] for line in lines]
    assert all(re.fullmatch(r"demo-\d{4}", i) for i in ids)
    # Only the corrected resend of the rejected payment shares its id.
    shared = [i for i, n in Counter(ids).items() if n > 1]
    assert len(shared) == 1 and ids.count(shared[0]) == 2
    first, resend = (json.loads(line) for line in lines if json.loads(line)["id"] == shared[0])
    assert first["type"] == resend["type"] == "record_payment"
    assert isinstance(first["amount_fen"], float) and isinstance(resend["amount_fen"], int)


def test_two_commands_are_rejected_on_purpose(sqlite_ledger: Any) -> None:
    run = sqlite_ledger.submit(*demo_lines())
    assert run.code == 1  # a rejection makes the batch exit 1
    results = run.lines()
    rejected = [r for r in results if r["status"] == "rejected"]
    assert len(rejected) == 2, rejected
    twice, bad = sorted(rejected, key=lambda r: r["error"]["code"] == "invalid_type")
    # the same bank transfer keyed under a second payment id
    assert (twice["error"]["code"], twice["error"]["field"]) == ("reference_reused", "reference")
    assert bad["error"]["code"] == "invalid_type"
    assert bad["error"]["field"] == "amount_fen"
    # The same id, sent again with integer fen, is accepted.
    assert [r["status"] for r in results if r["id"] == bad["id"]] == ["rejected", "accepted"]
    assert all(r["status"] == "accepted" for r in results if r is not bad and r is not twice)


def test_demo_shows_every_line_code_breach_rule_and_dispute_outcome(
        sqlite_ledger: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the demo writes its documents into the current folder
    run = sqlite_ledger.run("demo")
    assert run.code == 0, run.err[-2000:]
    summary = re.search(r"demo: (\d+) commands accepted, (\d+) rejected \(on purpose: ([^)]*)\)", run.err)
    assert summary is not None, run.err[-2000:]
    assert (summary[2], summary[3]) == ("2", "reference_reused, invalid_type")
    assert "Issued statements" in run.out and "Breach records on 2026-12-31" in run.out

    listed = sqlite_ledger.run("statements", "--json")
    assert listed.code == 0
    rows = listed.json()
    statements = {(s["contract_id"], s["period"]): sqlite_ledger.statement(s["contract_id"], s["period"])
                  for s in rows if s["status"] == "issued"}
    assert len(statements) == 20  # 13 of the four shops, 7 of the import story
    # November's statement of SHUXIANG-DY-01 voided and issued again as -R1
    void = [(s["statement_no"], s["voided_on"]) for s in rows if s["status"] == "void"]
    assert void == [("SHUXIANG-DY-01-2026-11", "2026-12-03")]
    assert statements["SHUXIANG-DY-01", "2026-11"]["statement_no"] == "SHUXIANG-DY-01-2026-11-R1"
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
    # the payment keyed on the wrong contract was voided: November is owed in full
    assert by_contract["SHUXIANG-DY-01"]["receivable_fen"] == statements[
        "SHUXIANG-DY-01", "2026-11"]["total_fen"]

    assert sqlite_ledger.run("rebuild").code == 0


def test_demo_quotes_one_merchant_and_marks_the_holidays(sqlite_ledger: Any) -> None:
    run = sqlite_ledger.run("demo")
    assert run.code == 0, run.err[-2000:]
    assert "Quoted, planned and worked" in run.out and "ledger calendar check" in run.out

    # YIYI-TB-01 was signed from the quote, with its proposed terms
    (quote,) = sqlite_ledger.run("quotes", "--json").json()
    assert (quote["quote_id"], quote["contracts"]) == ("Q-YIYI-2026-08", ["YIYI-TB-01"])
    shown = sqlite_ledger.run("quote", "show", "Q-YIYI-2026-08", "--json").json()
    signed = sqlite_ledger.run("history", "YIYI-TB-01", "--json").json()[0]["data"]
    proposed = shown["result"]["terms_proposed"]["base_plus_commission"]
    assert signed["quote_id"] == "Q-YIYI-2026-08"
    assert signed["terms"]["staffing"] == proposed["staffing"]
    assert {d["label"] for d in proposed["staffing"]["special_days"]} == {
        "99大促", "中秋", "国庆节", "双11", "双12"}

    # the comparison: the plan is the quote's; two planned shifts were never worked
    compared = sqlite_ledger.run("quote", "compare", "YIYI-TB-01", "--on", "2026-12-01", "--json").json()
    rows = compared["periods"]
    assert [r["period"] for r in rows] == ["2026-09", "2026-10", "2026-11"]
    assert all(r["quoted_agent_shifts"] == r["planned_agent_shifts"] for r in rows)
    assert sum(r["planned_agent_shifts"] - r["worked_agent_shifts"] for r in rows) == 2
    assert all(r["billed_subtotal_fen"] is not None and r["sessions"] > 0 for r in rows)

    # 中秋 and 国庆 are special days of every plan but SHUXIANG's, which the check names
    warnings = sqlite_ledger.run("calendar", "check", "--on", "2026-12-01", "--json").json()
    four_shops = {"YIYI-TB-01", "JINXIU-TM-01", "JIKE-JD-01", "SHUXIANG-DY-01"}
    named = {(w["contract_id"], w["code"]) for w in warnings
             if w["code"] != "calendar_unknown_year" and w["contract_id"] in four_shops}
    assert named == {("SHUXIANG-DY-01", "works_on_holiday")}
    assert {w["date"] for w in warnings if w["contract_id"] == "SHUXIANG-DY-01"
            and w["code"] == "works_on_holiday"} == {
        "2026-09-25", "2026-09-26", "2026-09-27", *(f"2026-10-0{n}" for n in range(1, 8))}


def test_the_demo_imports_its_sample_files(sqlite_ledger: Any) -> None:
    from app.importing.books import bank_books, contract_books
    from cli.demo_imports import TMALL, story
    from store.eventstore import open_store
    from store.view import View

    # Before the files: the ledger's books for the story's shops are the sample's.
    entered = sorted(story(), key=lambda e: e[0])  # as the demo's log orders them
    sqlite_ledger.accept(*({"id": f"story-{n}", **c} for n, (_, c) in enumerate(entered)))
    view = View(open_store(sqlite_ledger.db))
    books = json.loads((SAMPLES / "demo-books.json").read_text())
    got = bank_books(view)
    by_no = sorted(books["statements"], key=lambda s: s["statement_no"])
    assert [msgspec.to_builtins(s) for s in got.statements] == by_no
    assert [msgspec.to_builtins(d) for d in got.deposits] == books["deposits"]
    assert sorted([p.name, p.merchant_id] for p in got.payers) == sorted(books["payers"])
    assert got.recorded == sorted(books["recorded"])
    tmall = contract_books(view, TMALL)
    assert tmall.codes == books["shift_codes"]
    assert {a: tmall.agents[a] for a in ("a01", "小鹿家居旗舰店:晓燕", "张晓燕")} == {
        "a01": "A01", "小鹿家居旗舰店:晓燕": "A01", "张晓燕": "A01"}


def test_the_demo_reports_each_import_and_bills_november_from_the_files(sqlite_ledger: Any) -> None:
    run = sqlite_ledger.run("demo")
    assert run.code == 0, run.err[-2000:]
    said = dict(re.findall(r"demo: import \w+ (\S+): (.*)", run.err))
    assert said == {
        "roster-long.gb18030.csv": "28 rows, 24 commands (24 accepted, 0 duplicate, 0 rejected)",
        "roster-grid.xlsx": "6 rows, 103 commands (79 accepted, 24 duplicate, 0 rejected); "
                            "for the clerk: 1 unmapped",
        "service-chitu.xlsx": "17 rows, 22 commands (22 accepted, 0 duplicate, 0 rejected); "
                              "for the clerk: 3 unmapped",
        "bank-cmb-corporate.csv": "10 rows, 4 commands (4 accepted, 0 duplicate, 0 rejected); "
                                  "for the clerk: 2 unmatched, 1 ambiguous",
    }
    november = sqlite_ledger.statement("C-TMALL-01", "2026-11")
    base = next(line for line in november["lines"] if line["code"] == "base")
    assert base["quantity"] == 60  # one early and one late a day: the rosters' excess is not billed
    commission = next(line for line in november["lines"] if line["code"] == "commission")
    assert commission["quantity"] == 1_844_125  # the Chitu report's eleven computed rows
    balances = {b["contract_id"]: b for b in sqlite_ledger.run("balance", "--json").json()}
    assert balances["C-JD-02"]["receivable_fen"] == 0
    assert balances["C-TB-05"]["receivable_fen"] == 0
    assert balances["C-DY-03"]["receivable_fen"] == 2 * 3_180_000  # the ambiguous credit waits
    assert balances["C-PDD-04"]["deposit_held_fen"] == 1_000_000
    assert balances["C-TMALL-01"]["receivable_fen"] == november["total_fen"]
    again = sqlite_ledger.run("reconcile", str(SAMPLES / "bank-cmb-corporate.csv"),
                              "--preset", "cmb-corporate", "--json")
    assert again.code == 1  # the unmatched and ambiguous rows are still there
    reasons = [o.get("rule") or o.get("reason") for o in again.json()["outcomes"]]
    assert reasons.count("already_recorded") == 5  # the hand-keyed one and the four imported
