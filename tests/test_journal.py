"""The double-entry journal (§7, account map in §10), through the CLI.

Sign convention (beancount's): a posting's amount is positive for a debit and
negative for a credit, so a statement posts +total on ``Assets:Receivable:<c>``
and -amount of each line on that line's account, and income shows negative.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from builders import agent_ready, bpc_terms, cmd, fixed_terms, full_month, issue, pay, shift, sign

# --------------------------------------------------------------------------- journal shapes
# The spec fixes the accounts and the beancount output, not the JSON or CSV shape.
# ASSUMPTIONS, kept in this block only:
#  * `ledger journal --format json` prints a list of transactions, each
#    {"date": "YYYY-MM-DD", "narration": str, "postings": [{"account", "amount_fen"}], ...}
#    (a {"transactions": [...]} wrapper is tolerated);
#  * `ledger journal --format csv` prints one row per posting, with a header naming at
#    least date, account, amount_fen;
#  * amount_fen is an integer signed as in beancount (debit +, credit -).


@dataclass
class Tx:
    date: str
    narration: str
    postings: list[tuple[str, int]]

    def net(self) -> dict[str, int]:
        """Postings summed per account, zero sums dropped."""
        sums: Counter[str] = Counter()
        for account, amount in self.postings:
            sums[account] += amount
        return {account: amount for account, amount in sums.items() if amount != 0}


def journal_json(ledger: Any) -> list[Tx]:
    run = ledger.run("journal", "--format", "json")
    assert run.code == 0, run
    data = run.json()
    if isinstance(data, dict) and "transactions" in data:
        data = data["transactions"]
    assert isinstance(data, list), data
    txs = []
    for t in data:
        postings = []
        for p in t["postings"]:
            amount = p["amount_fen"]
            assert isinstance(amount, int) and not isinstance(amount, bool), p
            postings.append((p["account"], amount))
        txs.append(Tx(t["date"], t.get("narration", ""), postings))
    return txs


def journal_csv(ledger: Any) -> list[tuple[str, str, int]]:
    """(date, account, amount_fen) per posting row."""
    run = ledger.run("journal", "--format", "csv")
    assert run.code == 0, run
    rows = list(csv.DictReader(io.StringIO(run.out)))
    return [(r["date"], r["account"], int(r["amount_fen"])) for r in rows]


# --------------------------------------------------------------------------- helpers


def account_totals(txs: list[Tx]) -> dict[str, int]:
    sums: Counter[str] = Counter()
    for tx in txs:
        for account, amount in tx.postings:
            sums[account] += amount
    return {account: amount for account, amount in sums.items() if amount != 0}


def assert_has_tx(txs: list[Tx], *expected: dict[str, int]) -> None:
    """Some transaction's per-account net equals one of the expected forms."""
    nets = [tx.net() for tx in txs]
    assert any(e in nets for e in expected), f"none of {expected} in:\n" + "\n".join(map(str, nets))


def allowed_accounts(*contracts: str) -> set[str]:
    fixed = {"Assets:Bank", "Liabilities:VAT", "Income:Service", "Income:Commission",
             "Income:LateFees", "Income:Penalties", "Expenses:Penalties", "Expenses:Credits"}
    per_contract = {f"{root}:{c}" for c in contracts
                    for root in ("Assets:Receivable", "Liabilities:Deposits")}
    return fixed | per_contract


def balance(ledger: Any, contract: str) -> dict[str, int]:
    run = ledger.run("balance", contract, "--json")
    assert run.code == 0, run
    (row,) = run.json()
    return dict(row)


# --------------------------------------------------------------------------- scenarios


def basic_history() -> list[dict[str, Any]]:
    """C1 with a 500000 deposit; March fully worked with 1000000 of sales; 900000 paid.

    March: base 44 x 20000 = 880000; commission 1000000 x 0.01 = 10000;
    subtotal 890000; tax 53400; total 943400.
    """
    terms = bpc_terms(pricing={"deposit_fen": 500000})
    return [
        sign("C1", terms),
        cmd("record_deposit", amount_fen=500000, received_on="2026-02-25", reference="DEP-1"),
        *agent_ready("a1"), *agent_ready("a2"),
        *full_month(["a1", "a2"], "2026-03-02", "2026-03-31"),
        cmd("record_sales", agent_id="a1", date="2026-03-10", sales_fen=1000000, orders=9),
        issue("2026-03", "2026-04-01"),
        pay("P1", 900000, "2026-04-05"),
    ]


def rich_history() -> list[dict[str, Any]]:
    """Two contracts covering deposits applied and refunded, a credit refund, corrections.

    C1, prepaid 3000000/month from 03-01, deposit 2000000 (02-25):
      March issued 03-01: fee 3000000, tax 180000, total 3180000; paid 03-05.
      March activity: a2 misses 03-17 (-10000), one QA failure (-20000).
      April issued 04-01: fee 3000000 - 10000 - 20000 = 2970000, tax 178200, total 3148200.
      Terminated, last day 04-15; a2 misses 04-14 (-10000).
      May (final) issued 05-01: understaffing -10000, fixed_fee correction for April
      -1500000 (15 of 30 days were not served): subtotal -1510000, tax -90600,
      total -1600600; deposit applied min(2000000, 3148200 - 1600600) = 1547600;
      the remaining 452400 refunded on 05-10.
    C2, base + commission: March 44 x 20000 = 880000, tax 52800, total 932800;
      1000000 paid 04-05 (67200 credit), 20000 of the credit refunded 04-20.
    """
    c1_terms = fixed_terms("prepaid", pricing={"deposit_fen": 2000000})
    c1_march = [s for s in full_month(["a1", "a2"], "2026-03-02", "2026-03-31")
                if (s["agent_id"], s["date"]) != ("a2", "2026-03-17")]
    c1_april = [s for s in full_month(["a1", "a2"], "2026-04-01", "2026-04-15")
                if (s["agent_id"], s["date"]) != ("a2", "2026-04-14")]
    return [
        sign("C1", c1_terms, service_start="2026-03-01"),
        cmd("record_deposit", amount_fen=2000000, received_on="2026-02-25", reference="DEP-1"),
        *agent_ready("a1"), *agent_ready("a2"),
        issue("2026-03", "2026-03-01"),
        pay("P1", 3180000, "2026-03-05"),
        *c1_march,
        cmd("record_qa_inspection", inspection_id="Q1", agent_id="a1", date="2026-03-20",
            score=60, sampled_sessions=20),
        issue("2026-04", "2026-04-01"),
        cmd("terminate_contract", last_day="2026-04-15", initiated_by="merchant", reason="closing"),
        *c1_april,
        issue("2026-05", "2026-05-01"),
        cmd("refund_deposit", amount_fen=452400, paid_on="2026-05-10", reference="BANK-R"),
        sign("C2", bpc_terms(), merchant={"id": "M2", "name": "第二店", "platform": "jd"}),
        *agent_ready("b1", "C2"), *agent_ready("b2", "C2"),
        *full_month(["b1", "b2"], "2026-03-02", "2026-03-31", contract_id="C2"),
        issue("2026-03", "2026-04-01", contract_id="C2"),
        pay("P1", 1000000, "2026-04-05", contract_id="C2"),
        cmd("refund_credit", "C2", refund_id="R1", amount_fen=20000, paid_on="2026-04-20",
            reference="BANK-R1"),
    ]


# Account totals of rich_history, by hand:
#  Income:Service     -(3000000 + 3000000 - 1500000) [C1]  - 880000 [C2]    = -5380000
#  Expenses:Penalties +(10000 + 20000) [March, on April] + 10000 [April, on May] = +40000
#  Liabilities:VAT    -(180000 + 178200 - 90600) [C1] - 52800 [C2]          = -320400
#  Assets:Bank        +2000000 + 3180000 - 452400 [C1] + 1000000 - 20000 [C2] = +5707600
#  Assets:Receivable:C1  3180000 + 3148200 - 1600600 - 3180000 - 1547600    = 0
#  Liabilities:Deposits:C1  -2000000 + 1547600 + 452400                    = 0
#  Assets:Receivable:C2  932800 - 1000000 + 20000                            = -47200
#  sum: -5380000 + 40000 - 320400 + 5707600 - 47200 = 0
RICH_TOTALS = {
    "Income:Service": -5380000,
    "Expenses:Penalties": 40000,
    "Liabilities:VAT": -320400,
    "Assets:Bank": 5707600,
    "Assets:Receivable:C2": -47200,
}


# --------------------------------------------------------------------------- JSON journal


def test_every_transaction_balances_and_uses_the_spec_accounts(ledger: Any) -> None:
    ledger.accept(*rich_history())
    txs = journal_json(ledger)
    # statements (C1 x3, C2 x1), payments (2), deposit, deposit applied, deposit refund,
    # credit refund: at least 9 (the deposit applied may share the final statement's)
    assert len(txs) >= 9
    for tx in txs:
        assert sum(amount for _, amount in tx.postings) == 0, tx
        date.fromisoformat(tx.date)
    used = {account for tx in txs for account, _ in tx.postings}
    assert used <= allowed_accounts("C1", "C2"), used - allowed_accounts("C1", "C2")


def test_trial_balance_is_zero_at_every_date(ledger: Any) -> None:
    ledger.accept(*rich_history())
    txs = sorted(journal_json(ledger), key=lambda t: t.date)
    running = 0
    for day in sorted({t.date for t in txs}):
        running += sum(a for t in txs if t.date == day for _, a in t.postings)
        assert running == 0, day
    assert account_totals(txs) == RICH_TOTALS


def test_statement_posts_receivable_against_income_commission_and_vat(ledger: Any) -> None:
    ledger.accept(*basic_history())
    txs = journal_json(ledger)
    # March: receivable +943400 against Income:Service -880000 (base),
    # Income:Commission -10000 (commission), Liabilities:VAT -53400 (tax)
    assert_has_tx(txs, {"Assets:Receivable:C1": 943400, "Income:Service": -880000,
                        "Income:Commission": -10000, "Liabilities:VAT": -53400})


def test_payment_and_deposit_post_against_the_bank(ledger: Any) -> None:
    ledger.accept(*basic_history())
    txs = journal_json(ledger)
    # payment: bank against receivable; deposit: bank against deposits
    assert_has_tx(txs, {"Assets:Bank": 900000, "Assets:Receivable:C1": -900000})
    assert_has_tx(txs, {"Assets:Bank": 500000, "Liabilities:Deposits:C1": -500000})
    # receivable 943400 - 900000 = 43400 = ledger balance; deposit still held
    totals = account_totals(txs)
    assert totals == {"Assets:Receivable:C1": 43400, "Assets:Bank": 1400000,
                      "Liabilities:Deposits:C1": -500000, "Income:Service": -880000,
                      "Income:Commission": -10000, "Liabilities:VAT": -53400}
    assert balance(ledger, "C1")["receivable_fen"] == 43400


def test_penalties_adjustments_and_breaches_post_to_their_accounts(ledger: Any) -> None:
    ledger.accept(
        sign("C1"), *agent_ready("a1"), *agent_ready("a2"),
        *full_month(["a1", "a2"], "2026-03-02", "2026-03-31", skip={("a2", "2026-03-17")}),
        cmd("record_qa_inspection", inspection_id="Q1", agent_id="a1", date="2026-03-20",
            score=50, sampled_sessions=20),
        cmd("post_adjustment", adjustment_id="ADJ-1", amount_fen=-5000, reason="goodwill"),
        cmd("report_breach", breach_id="BR-M", party="merchant", kind="confidentiality",
            on="2026-03-20", description="leak", penalty_fen=30000),
        cmd("report_breach", breach_id="BR-P", party="provider", kind="confidentiality",
            on="2026-03-21", description="leak", penalty_fen=25000),
        issue("2026-03", "2026-04-01"),
    )
    # Lines: base 43 x 20000 = 860000; understaffing -10000; qa -min(20000, 86000) = -20000;
    # adjustment -5000; breach +30000 (merchant), -25000 (provider)
    # subtotal 830000; tax 49800; total 879800
    assert ledger.statement("C1", "2026-03")["total_fen"] == 879800
    # Expenses:Penalties = understaffing + qa + provider breach = 10000 + 20000 + 25000 (debit)
    # Expenses:Credits = +5000 (the credit to the merchant); Income:Penalties -30000
    assert_has_tx(journal_json(ledger), {
        "Assets:Receivable:C1": 879800, "Income:Service": -860000,
        "Expenses:Penalties": 55000, "Expenses:Credits": 5000,
        "Income:Penalties": -30000, "Liabilities:VAT": -49800})


def test_corrections_and_late_fees_post_to_their_accounts(ledger: Any) -> None:
    ledger.accept(
        sign("C1"), *agent_ready("a1"), *agent_ready("a2"),
        *full_month(["a1", "a2"], "2026-03-02", "2026-03-31", skip={("a2", "2026-03-17")}),
        issue("2026-03", "2026-04-01"),  # 860000 - 10000 = 850000; tax 51000; total 901000
        shift("a2", "2026-03-17"),  # late: corrections on April
        pay("P1", 901000, "2026-04-21"),  # due 04-11: 10 days late
        *full_month(["a1", "a2"], "2026-04-01", "2026-04-30"),
        issue("2026-04", "2026-05-01"),
    )
    # April: base 880000; correction base +20000; correction understaffing +10000;
    # late_fee 901000 x 0.0005 x 10 = 4505; subtotal 914505; tax r(54870.3) = 54870;
    # total 969375
    assert ledger.statement("C1", "2026-04")["total_fen"] == 969375
    # a correction posts to the account of the code it corrects
    assert_has_tx(journal_json(ledger), {
        "Assets:Receivable:C1": 969375, "Income:Service": -900000,
        "Expenses:Penalties": -10000, "Income:LateFees": -4505, "Liabilities:VAT": -54870})


def test_a_negative_statement_posts_with_the_signs_reversed(ledger: Any) -> None:
    ledger.accept(
        sign("C1"), *agent_ready("a1"), *agent_ready("a2"),
        *full_month(["a1", "a2"], "2026-03-02", "2026-03-31"),
        cmd("post_adjustment", adjustment_id="ADJ-1", amount_fen=-1000025, reason="refund"),
        issue("2026-03", "2026-04-01"),
    )
    # subtotal 880000 - 1000025 = -120025; tax -7201.5 -> -7202; total -127227
    assert_has_tx(journal_json(ledger), {
        "Assets:Receivable:C1": -127227, "Income:Service": -880000,
        "Expenses:Credits": 1000025, "Liabilities:VAT": 7202})
    assert balance(ledger, "C1")["receivable_fen"] == -127227


def test_deposit_application_and_refunds(ledger: Any) -> None:
    ledger.accept(*rich_history())
    txs = journal_json(ledger)
    # C1's final statement: receivable -1600600 against Income:Service +1500000 (the
    # fee correction), Expenses:Penalties +10000, VAT +90600; the deposit applied,
    # 1547600, posts deposits against receivable (alone, or inside the same transaction)
    final = {"Assets:Receivable:C1": -1600600, "Income:Service": 1500000,
             "Expenses:Penalties": 10000, "Liabilities:VAT": 90600}
    applied = {"Liabilities:Deposits:C1": 1547600, "Assets:Receivable:C1": -1547600}
    together = {**final, "Assets:Receivable:C1": -1600600 - 1547600,
                "Liabilities:Deposits:C1": 1547600}
    nets = [tx.net() for tx in txs]
    assert (final in nets and applied in nets) or together in nets, nets
    # deposit refund: deposits against bank; credit refund: receivable against bank
    assert_has_tx(txs, {"Liabilities:Deposits:C1": 452400, "Assets:Bank": -452400})
    assert_has_tx(txs, {"Assets:Receivable:C2": 20000, "Assets:Bank": -20000})
    # C2's overpayment: bank against receivable
    assert_has_tx(txs, {"Assets:Bank": 1000000, "Assets:Receivable:C2": -1000000})


def test_csv_has_one_row_per_posting_matching_json(ledger: Any) -> None:
    ledger.accept(*rich_history())
    txs = journal_json(ledger)
    rows = journal_csv(ledger)
    assert len(rows) == sum(len(tx.postings) for tx in txs)
    assert sum(amount for _, _, amount in rows) == 0
    by_account: Counter[str] = Counter()
    for _, account, amount in rows:
        by_account[account] += amount
    assert {a: v for a, v in by_account.items() if v} == RICH_TOTALS
    assert sorted(rows) == sorted((tx.date, a, v) for tx in txs for a, v in tx.postings)


# --------------------------------------------------------------------------- beancount


def write_beancount(ledger: Any, tmp_path: Path) -> Path:
    run = ledger.run("journal", "--format", "beancount")
    assert run.code == 0, run
    path = tmp_path / "journal.beancount"
    path.write_text(run.out, encoding="utf-8")
    return path


def bean_check_binary() -> str | None:
    beside = Path(sys.executable).with_name("bean-check")
    if beside.exists():
        return str(beside)
    return shutil.which("bean-check")


def test_beancount_output_passes_bean_check(ledger: Any, tmp_path: Path) -> None:
    loader = pytest.importorskip(
        "beancount.loader", reason="beancount (a test dependency) is not importable")
    ledger.accept(*rich_history())
    path = write_beancount(ledger, tmp_path)
    entries, errors, _ = loader.load_file(str(path))
    assert not errors, "\n".join(str(e) for e in errors)
    assert entries
    binary = bean_check_binary()
    if binary is not None:
        proc = subprocess.run([binary, str(path)], capture_output=True, text=True, timeout=120,
                              check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_beancount_balances_equal_the_ledger(ledger: Any, tmp_path: Path) -> None:
    pytest.importorskip("beancount.loader",
                        reason="beancount (a test dependency) is not importable")
    from beancount import loader
    from beancount.core import data

    ledger.accept(*rich_history())
    entries, errors, _ = loader.load_file(str(write_beancount(ledger, tmp_path)))
    assert not errors, "\n".join(str(e) for e in errors)
    sums: Counter[str] = Counter()
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                sums[posting.account] += posting.units.number
    # the receivable of each contract equals `ledger balance` (C1 0, C2 -47200) / 100
    for contract, expected_fen in (("C1", 0), ("C2", -47200)):
        receivable_fen = balance(ledger, contract)["receivable_fen"]
        assert receivable_fen == expected_fen
        assert sums[f"Assets:Receivable:{contract}"] == Decimal(receivable_fen) / 100
    # and every account agrees with the JSON journal
    for account, fen in account_totals(journal_json(ledger)).items():
        assert sums[account] == Decimal(fen) / 100, account


def test_the_journal_read_model_is_the_journal_folded_from_the_events(ledger: Any) -> None:
    """``journal`` reads the read model; with ``--as-of`` after the last event it folds the
    events: every format prints the same bytes either way."""
    ledger.accept(*rich_history())
    later = "2999-01-01T00:00:00Z"
    for fmt in ("json", "csv", "beancount"):
        stored = ledger.run("journal", "--format", fmt)
        folded = ledger.run("journal", "--format", fmt, "--as-of", later)
        assert stored.code == folded.code == 0, (stored, folded)
        assert stored.out == folded.out and stored.out.strip(), fmt
