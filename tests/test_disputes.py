"""Disputes (SPEC §3 open_dispute/resolve_dispute, §5 `adjustment`, §9, §10).

Contract C1 (builders): Mon-Fri, shift ``day`` of 2 agents at 20 000 per
agent-shift, tax 6 %, due 10 days after issue. March and April 2026 have 22
weekdays each, so a fully worked month bills base 44 x 20 000 = 880 000,
tax 52 800, total 932 800. Expected amounts are worked out by hand.
"""

from __future__ import annotations

from typing import Any

from builders import agent_ready, cmd, full_month, issue, sign

DISPUTE_FIELDS = {
    "dispute_id", "contract_id", "period", "line", "claim_fen", "opened_on", "status", "outcome",
    "resolved_on", "adjustment_fen",
}


# --------------------------------------------------------------------------- helpers


def _start(ledger: Any, contract_id: str = "C1") -> None:
    ledger.accept(sign(contract_id), *agent_ready("a1", contract_id),
                  *agent_ready("a2", contract_id))


def _work(ledger: Any, first: str, last: str, contract_id: str = "C1") -> None:
    ledger.accept(*full_month(["a1", "a2"], first, last, contract_id=contract_id))


def _issued_march(ledger: Any, contract_id: str = "C1") -> None:
    """March fully worked and issued on 2026-04-01: total 932 800 (see module doc)."""
    _start(ledger, contract_id)
    _work(ledger, "2026-03-02", "2026-03-31", contract_id)
    ledger.accept(issue("2026-03", "2026-04-01", contract_id))
    st = ledger.statement(contract_id, "2026-03")
    assert st["total_fen"] == 932800
    assert st["due_on"] == "2026-04-11"


def _issue_april(ledger: Any) -> dict[str, Any]:
    _work(ledger, "2026-04-01", "2026-04-30")
    ledger.accept(issue("2026-04", "2026-05-01"))
    return dict(ledger.statement("C1", "2026-04"))


def _open(dispute_id: str = "D1", contract_id: str = "C1", *, period: str = "2026-03",
          line: str = "base", claim_fen: int = -20000,
          opened_on: str = "2026-04-05") -> dict[str, Any]:
    return cmd("open_dispute", contract_id, dispute_id=dispute_id, period=period, line=line,
               claim_fen=claim_fen, opened_on=opened_on, note="two shifts were not worked")


def _resolve(dispute_id: str = "D1", outcome: str = "upheld", resolved_on: str = "2026-04-10",
             **extra: Any) -> dict[str, Any]:
    return cmd("resolve_dispute", None, dispute_id=dispute_id, resolved_on=resolved_on,
               outcome=outcome, note="checked the attendance log", **extra)


def _disputes(ledger: Any, *args: str) -> dict[str, dict[str, Any]]:
    run = ledger.run("disputes", *args, "--json")
    assert run.code == 0, run
    data = run.json()
    assert isinstance(data, list), data
    out = {d["dispute_id"]: d for d in data}
    assert len(out) == len(data)
    return out


def _amounts(statement: dict[str, Any], code: str) -> list[int]:
    return [ln["amount_fen"] for ln in statement["lines"] if ln["code"] == code]


def _lines(statement: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [ln for ln in statement["lines"] if ln["code"] == code]


# ------------------------------------------------------------------------- tests


def test_open_dispute_needs_an_issued_statement(ledger: Any) -> None:
    _start(ledger)
    _work(ledger, "2026-03-02", "2026-03-31")
    err = ledger.reject(_open())  # March not issued yet
    assert err["code"] == "statement_not_issued"
    ledger.accept(issue("2026-03", "2026-04-01"))
    err = ledger.reject(_open(period="2026-04"))  # April not issued
    assert err["code"] == "statement_not_issued"
    # the rejected commands claimed nothing: D1 can be opened now
    ledger.accept(_open())
    assert set(_disputes(ledger)) == {"D1"}


def test_disputes_json_lists_an_open_dispute(ledger: Any) -> None:
    _issued_march(ledger)
    ledger.accept(_open(claim_fen=-20000))
    d = _disputes(ledger)["D1"]
    assert set(d) >= DISPUTE_FIELDS, d
    assert d["contract_id"] == "C1"
    assert d["period"] == "2026-03"
    assert d["line"] == "base"
    assert d["claim_fen"] == -20000
    assert d["opened_on"] == "2026-04-05"
    assert d["status"] == "open"
    assert d["outcome"] is None
    assert d["resolved_on"] is None


def test_upheld_dispute_posts_an_adjustment_on_the_next_statement(ledger: Any) -> None:
    _issued_march(ledger)
    ledger.accept(_open())
    ledger.accept(_resolve(outcome="upheld", adjustment_fen=-20000))
    d = _disputes(ledger)["D1"]
    assert d["status"] == "resolved"
    assert d["outcome"] == "upheld"
    assert d["resolved_on"] == "2026-04-10"
    assert d["adjustment_fen"] == -20000
    # the issued March statement is frozen
    assert ledger.statement("C1", "2026-03")["total_fen"] == 932800
    april = _issue_april(ledger)
    (line,) = _lines(april, "adjustment")
    assert line["amount_fen"] == -20000
    assert line["refs"]["dispute_id"] == "D1"
    # base 880 000 - 20 000 = 860 000; tax 51 600; total 911 600 (March unpaid: no late fee)
    assert april["subtotal_fen"] == 860000
    assert april["tax_fen"] == 51600
    assert april["total_fen"] == 911600


def test_upheld_dispute_can_charge_the_merchant(ledger: Any) -> None:
    _issued_march(ledger)
    ledger.accept(_open(line="commission", claim_fen=15000))
    ledger.accept(_resolve(outcome="upheld", adjustment_fen=15000))
    april = _issue_april(ledger)
    assert _amounts(april, "adjustment") == [15000]
    # 880 000 + 15 000 = 895 000; tax 53 700; total 948 700
    assert april["total_fen"] == 948700


def test_upheld_with_zero_bills_nothing(ledger: Any) -> None:
    _issued_march(ledger)
    ledger.accept(_open())
    ledger.accept(_resolve(outcome="upheld", adjustment_fen=0))
    d = _disputes(ledger)["D1"]
    assert (d["status"], d["outcome"], d["adjustment_fen"]) == ("resolved", "upheld", 0)
    april = _issue_april(ledger)
    assert _amounts(april, "adjustment") == []
    assert april["total_fen"] == 932800  # 880 000 + 52 800, nothing else


def test_upheld_needs_an_adjustment_fen(ledger: Any) -> None:
    _issued_march(ledger)
    ledger.accept(_open())
    err = ledger.reject(_resolve(outcome="upheld"))
    assert err["code"] == "missing_field"
    assert err["field"] == "adjustment_fen"
    assert _disputes(ledger)["D1"]["status"] == "open"


def test_rejected_must_not_carry_a_non_zero_adjustment(ledger: Any) -> None:
    _issued_march(ledger)
    ledger.accept(_open())
    err = ledger.reject(_resolve(outcome="rejected", adjustment_fen=-5000))
    assert err["code"] == "invalid_value"
    assert err["field"] == "adjustment_fen"
    assert _disputes(ledger)["D1"]["status"] == "open"
    # a zero adjustment is allowed on a rejection
    ledger.accept(_resolve(outcome="rejected", adjustment_fen=0, resolved_on="2026-04-12"))
    d = _disputes(ledger)["D1"]
    assert (d["status"], d["outcome"], d["resolved_on"]) == ("resolved", "rejected", "2026-04-12")
    assert d["adjustment_fen"] in (None, 0)


def test_rejected_dispute_bills_nothing(ledger: Any) -> None:
    _issued_march(ledger)
    ledger.accept(_open())
    ledger.accept(_resolve(outcome="rejected"))
    d = _disputes(ledger)["D1"]
    assert (d["status"], d["outcome"]) == ("resolved", "rejected")
    april = _issue_april(ledger)
    assert _amounts(april, "adjustment") == []
    assert april["total_fen"] == 932800


def test_resolving_twice_is_dispute_not_open(ledger: Any) -> None:
    _issued_march(ledger)
    ledger.accept(_open())
    ledger.accept(_resolve(outcome="upheld", adjustment_fen=-20000))
    err = ledger.reject(_resolve(outcome="rejected", resolved_on="2026-04-11"))
    assert err["code"] == "dispute_not_open"
    d = _disputes(ledger)["D1"]
    assert (d["outcome"], d["adjustment_fen"]) == ("upheld", -20000)


def test_resolving_an_unknown_dispute(ledger: Any) -> None:
    _issued_march(ledger)
    ledger.accept(_open())
    err = ledger.reject(_resolve(dispute_id="D9", outcome="rejected"))
    assert err["code"] == "unknown_dispute"
    assert err["field"] == "dispute_id"


def test_dispute_id_is_global(ledger: Any) -> None:
    _issued_march(ledger)
    ledger.accept(sign("C2"))
    ledger.accept(issue("2026-03", "2026-04-01", "C2"))  # nobody worked: a negative statement
    ledger.accept(_open())
    err = ledger.reject(_open(contract_id="C2"))
    assert err["code"] == "dispute_exists"
    assert err["field"] == "dispute_id"
    err = ledger.reject(_open(line="commission"))  # the same contract too
    assert err["code"] == "dispute_exists"
    ledger.accept(_open(dispute_id="D2", contract_id="C2", line="understaffing", claim_fen=440000))
    assert _disputes(ledger)["D1"]["contract_id"] == "C1"
    assert _disputes(ledger)["D2"]["contract_id"] == "C2"


def test_disputes_contract_filter(ledger: Any) -> None:
    _issued_march(ledger)
    ledger.accept(sign("C2"))
    ledger.accept(issue("2026-03", "2026-04-01", "C2"))
    ledger.accept(_open(), _open(dispute_id="D2", contract_id="C2", line="understaffing"))
    ledger.accept(_resolve("D2", outcome="rejected"))
    assert set(_disputes(ledger)) == {"D1", "D2"}
    assert set(_disputes(ledger, "C1")) == {"D1"}
    only_c2 = _disputes(ledger, "C2")
    assert set(only_c2) == {"D2"}
    assert only_c2["D2"]["status"] == "resolved"
    assert _disputes(ledger, "C1")["D1"]["status"] == "open"


def test_explain_adjustment_lists_the_dispute_commands(ledger: Any) -> None:
    _issued_march(ledger)
    opened = _open()
    resolved = _resolve(outcome="upheld", adjustment_fen=-20000)
    ledger.accept(opened)
    ledger.accept(resolved)
    _issue_april(ledger)
    run = ledger.run("explain", "C1", "2026-04", "adjustment", "--json")
    assert run.code == 0, run
    data = run.json()
    events = data["events"] if isinstance(data, dict) else data
    assert isinstance(events, list)
    ids = {e["command_id"] for e in events}
    assert {opened["id"], resolved["id"]} <= ids


def test_adjustment_is_billed_once(ledger: Any) -> None:
    _issued_march(ledger)
    ledger.accept(_open())
    ledger.accept(_resolve(outcome="upheld", adjustment_fen=-20000))
    april = _issue_april(ledger)
    assert _amounts(april, "adjustment") == [-20000]
    _work(ledger, "2026-05-01", "2026-05-29")
    ledger.accept(issue("2026-05", "2026-06-01"))
    may = ledger.statement("C1", "2026-05")
    assert _amounts(may, "adjustment") == []
    # May 2026 has 21 weekdays: 42 x 20 000 = 840 000; tax 50 400; total 890 400
    assert may["total_fen"] == 890400


def test_an_open_dispute_suspends_nothing(ledger: Any) -> None:
    _issued_march(ledger)
    ledger.accept(_open(claim_fen=-932800, line="base"))
    # March is unpaid after its due date 04-11 although disputed: late_payment is open
    run = ledger.run("breaches", "C1", "--on", "2026-04-12", "--json")
    assert run.code == 0, run
    (rec,) = [r for r in run.json() if r["rule"] == "late_payment"]
    assert rec["breach_id"] == "C1/late_payment/C1-2026-03"
    assert rec["status"] == "open"
    assert rec["amount_fen"] == 0
