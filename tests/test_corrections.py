"""Corrections reach only what changed, but never miss a period (SPEC §5, §10).

A statement recomputes an earlier period when its activity streams moved on,
when a contract fact dated inside or before it arrived, or when it was last
computed before the period was over (later days count now).
"""

from __future__ import annotations

import json
from typing import Any

from builders import agent_ready, cmd, fixed_terms, full_month, issue, sign

from store.eventstore import open_store


def _lines(statement: dict[str, Any]) -> list[tuple[str, int, Any]]:
    return [(ln["code"], ln["amount_fen"], ln["refs"].get("period") if ln["code"] != "correction"
             else (ln["refs"]["period"], ln["refs"]["line"])) for ln in statement["lines"]]


def test_prepaid_period_billed_before_it_ended_is_corrected_later(ledger: Any) -> None:
    ledger.accept(sign("C1", terms=fixed_terms("prepaid")), *agent_ready("a1"), *agent_ready("a2"))
    ledger.accept(issue("2026-03", "2026-03-01"))
    # Both agents work every March weekday up to 03-24; nobody after.
    ledger.accept(*full_month(["a1", "a2"], "2026-03-02", "2026-03-24"))
    ledger.accept(issue("2026-04", "2026-03-25"))  # bills March activity before 03-25 only
    april = ledger.statement("C1", "2026-04")
    assert _lines(april) == [("fixed_fee", 3000000, "2026-04")]

    ledger.accept(issue("2026-05", "2026-04-25"))  # no new fact about March at all
    may = ledger.statement("C1", "2026-05")
    # April: nobody worked the 18 weekdays before 04-25: -36 x 10 000 = -360 000.
    # March: 03-25, 26, 27, 30, 31 now count: -10 x 10 000 = -100 000 as a correction.
    assert _lines(may) == [
        ("fixed_fee", 3000000, "2026-05"),
        ("understaffing", -360000, "2026-04"),
        ("correction", -100000, ("2026-03", "understaffing")),
    ]


def test_unchanged_periods_are_not_recomputed(ledger: Any) -> None:
    ledger.accept(sign("C1"), *agent_ready("a1"), *agent_ready("a2"))
    ledger.accept(*full_month(["a1", "a2"], "2026-03-02", "2026-03-31"), issue("2026-03", "2026-04-01"))
    ledger.accept(*full_month(["a1", "a2"], "2026-04-01", "2026-04-30"), issue("2026-04", "2026-05-01"))
    ledger.accept(*full_month(["a1", "a2"], "2026-05-01", "2026-05-31"))
    ledger.accept(issue("2026-05", "2026-06-01"))
    store = open_store(ledger.db)
    issued = store.query("SELECT state FROM ledger_events WHERE topic = 'SettlementIssued' "
                         "ORDER BY originator_version")
    events = [json.loads(bytes(state)) for (state,) in issued]
    # March and April were billed after they ended and nothing touched them since:
    # May's statement recomputes neither.
    assert events[-1]["corrected"] == []
    assert sorted(events[-1]["versions"]) == ["2026-05"]
    assert [ln["code"] for ln in ledger.statement("C1", "2026-05")["lines"]] == ["base"]

    # A late retraction in April makes April a candidate again, and only April.
    ledger.accept(cmd("retract_shift", agent_id="a1", date="2026-04-01", shift="day", reason="no-show"),
                  issue("2026-06", "2026-07-01"))
    assert json.loads(bytes(store.query(
        "SELECT state FROM ledger_events WHERE topic = 'SettlementIssued' "
        "ORDER BY originator_version DESC LIMIT 1")[0][0]))["corrected"] == ["2026-04"]
