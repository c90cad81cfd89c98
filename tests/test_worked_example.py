"""The spec's worked example, end to end through the CLI.

Given the 112-line command log of ``examples/worked-example/worked-example.jsonl``,
when it is submitted with ``ledger submit``, then every result, both statements
and the balance match ``worked-example.expected.json`` on the fields that
``worked-example.md`` ("What to compare") fixes. Breach records are compared
elsewhere.

Each comparison projects actual and expected onto exactly those fields and
diffs them as pretty JSON, so a mismatch reads as a unified diff.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import pytest

CONTRACT = "QDH-7"
PERIODS = ["2027-03", "2027-04"]


EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "worked-example"
LOG = EXAMPLES / "worked-example.jsonl"
EXPECTED: dict[str, Any] = json.loads(
    (EXAMPLES / "worked-example.expected.json").read_text("utf-8"))

# (subtotal, tax, total) as worked-example.md derives them:
# March: 882000 + 75600 + 62001 - 24000 - 25000 = 970601; tax r(58236.06) = 58236
# April: 924000 + 26666 + 1072 + 21000 + 12000 = 984738; tax r(59084.28) = 59084
PAGE_TOTALS = {"2027-03": (970601, 58236, 1028837), "2027-04": (984738, 59084, 1043822)}

# Lines whose quantity is compared (agent-shifts, missing agent-shifts, failures).
QUANTITY_CODES = {"base", "special_day", "understaffing", "qa_penalty"}


def assert_same(actual: Any, expected: Any, what: str) -> None:
    """Equality with a unified diff of the pretty-printed JSON on mismatch."""
    if actual == expected:
        return
    a = json.dumps(actual, indent=1, sort_keys=True, ensure_ascii=False).splitlines()
    e = json.dumps(expected, indent=1, sort_keys=True, ensure_ascii=False).splitlines()
    diff = "\n".join(difflib.unified_diff(e, a, "expected", "actual", n=8, lineterm=""))
    pytest.fail(f"{what} differs from the worked example:\n{diff}", pytrace=False)


def project_result(result: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": result.get("id"), "status": result.get("status")}
    if result.get("status") == "rejected" or "error" in result:
        error = result.get("error") or {}
        out["error"] = {"code": error.get("code"), "field": error.get("field")}
    return out


def project_line(line: dict[str, Any]) -> dict[str, Any]:
    refs = line.get("refs") or {}
    out: dict[str, Any] = {"code": line.get("code"), "amount_fen": line.get("amount_fen")}
    if line.get("code") in QUANTITY_CODES:
        out["quantity"] = line.get("quantity")
    if line.get("code") == "special_day":
        out["refs.date"] = refs.get("date")
    if line.get("code") == "correction":
        out["refs.period"] = refs.get("period")
        out["refs.line"] = refs.get("line")
    return out


def _line_sort_key(line: dict[str, Any]) -> tuple[str, ...]:
    # by identity, not amount, so a wrong amount shows as a changed line, not a reordering
    return tuple(str(line.get(k, "")) for k in ("code", "refs.date", "refs.period", "refs.line"))


def project_statement(stmt: dict[str, Any]) -> dict[str, Any]:
    account = stmt.get("account") or {}
    return {
        "contract_id": stmt.get("contract_id"),
        "period": stmt.get("period"),
        "issued_on": stmt.get("issued_on"),
        "due_on": stmt.get("due_on"),
        "subtotal_fen": stmt.get("subtotal_fen"),
        "tax_fen": stmt.get("tax_fen"),
        "total_fen": stmt.get("total_fen"),
        "account": {
            key: account.get(key)
            for key in ("opening_fen", "payments_fen", "deposit_applied_fen", "closing_fen")
        },
        # Line order is not part of the comparison: sort both sides the same way.
        "lines": sorted((project_line(line) for line in stmt.get("lines", [])), key=_line_sort_key),
    }


def submit_log(ledger: Any) -> Any:
    run = ledger.run("submit", str(LOG))
    # One line (the float amount_fen) is rejected, so the batch exits 1.
    assert run.code == 1, run
    return run


def test_every_command_result_matches(ledger: Any) -> None:
    run = submit_log(ledger)
    actual = [project_result(r) for r in run.lines()]
    expected = [project_result(r) for r in EXPECTED["results"]]
    # 112 lines in, 112 results out (guards against a truncated copy of the example too)
    assert len(expected) == 112
    assert_same(actual, expected, "submit results (id, status, error code+field)")


def test_the_float_payment_is_rejected_and_its_id_reused(ledger: Any) -> None:
    # The one rejection of the log, spelled out: amount_fen 4288.37 -> invalid_type on
    # amount_fen; the same id then sent with 428837 is accepted (a rejection claims no id).
    run = submit_log(ledger)
    ex_0064 = [project_result(r) for r in run.lines() if r.get("id") == "ex-0064"]
    assert ex_0064 == [
        {"id": "ex-0064", "status": "rejected",
         "error": {"code": "invalid_type", "field": "amount_fen"}},
        {"id": "ex-0064", "status": "accepted"},
    ]


@pytest.mark.parametrize("period", PERIODS)
def test_statement_matches(ledger: Any, period: str) -> None:
    submit_log(ledger)
    actual = project_statement(ledger.statement(CONTRACT, period))
    (expected_stmt,) = [s for s in EXPECTED["statements"] if s["period"] == period]
    assert_same(actual, project_statement(expected_stmt), f"statement {CONTRACT} {period}")
    # The page's own arithmetic, independent of the expected file:
    assert (actual["subtotal_fen"], actual["tax_fen"], actual["total_fen"]) == PAGE_TOTALS[period]


def test_balance_matches(ledger: Any) -> None:
    submit_log(ledger)
    run = ledger.run("balance", CONTRACT, "--json")
    assert run.code == 0, run
    (data,) = run.json()
    fields = ("receivable_fen", "credit_fen", "deposit_held_fen")
    actual = {key: data.get(key) for key in fields}
    expected = {key: EXPECTED["balances"][CONTRACT][key] for key in fields}
    # receivable = 1028837 + 1043822 - 1028837 = 1043822; credit 0; deposit held 800000.
    assert_same(actual, expected, f"balance of {CONTRACT}")
