"""decide.disputes: open_dispute, resolve_dispute, report_breach, resolve_breach
(SPEC §3, §6, §10).

C1 (``builders.sign``): service from Monday 2026-03-02, Mon-Fri, one shift ``day``
of 2 agents; March's statement is issued on 2026-04-01, due 04-11.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from builders import bpc_terms, cmd, issue, sign

from schemas import events as ev

from .given import Memory, covers, emits, given, rejects, when
from .history import breach, contract, deposit, worked


def open_dispute(dispute_id: str = "D1", period: str = "2026-03", contract_id: str = "C1",
                 line: str = "base") -> dict[str, Any]:
    return cmd("open_dispute", contract_id, dispute_id=dispute_id, period=period, line=line,
               claim_fen=-20000, opened_on="2026-04-05", note="one shift was not worked")


def resolve(outcome: str, adjustment_fen: int | None = None, dispute_id: str = "D1",
            resolved_on: str = "2026-04-10") -> dict[str, Any]:
    fields: dict[str, Any] = {"dispute_id": dispute_id, "resolved_on": resolved_on,
                              "outcome": outcome, "note": "checked the rota"}
    if adjustment_fen is not None:
        fields["adjustment_fen"] = adjustment_fen
    return cmd("resolve_dispute", None, **fields)


def resolve_breach(breach_id: str, on: str, outcome: str = "waived") -> dict[str, Any]:
    return cmd("resolve_breach", None, breach_id=breach_id, outcome=outcome, on=on, note="")


def march_issued(contract_id: str = "C1") -> list[dict[str, Any]]:
    return [sign(contract_id), issue("2026-03", "2026-04-01", contract_id)]


# ------------------------------------------------------------------ open_dispute


@covers("open_dispute")
def test_open_dispute_claims_the_id_and_opens_it_on_the_contract() -> None:
    state = given(march_issued())
    command = open_dispute()
    (claim, opened) = emits(state, command)
    assert claim[0] == "dispute:D1"
    assert isinstance(claim[1], ev.DisputeRegistered)
    assert (claim[1].dispute_id, claim[1].contract_id) == ("D1", "C1")
    assert opened[0] == "contract:C1"
    event = opened[1]
    assert isinstance(event, ev.DisputeOpened)
    assert (event.period, event.line, event.claim_fen, event.opened_on) == (
        "2026-03", "base", -20000, date(2026, 4, 5))
    assert state.dispute_owner("D1") == "C1"


def test_open_dispute_twice_is_dispute_exists() -> None:
    error = rejects(given(march_issued(), open_dispute()), open_dispute())
    assert (error.code, error.field) == ("dispute_exists", "dispute_id")


def test_dispute_ids_are_global_across_contracts() -> None:
    state = given(march_issued(), march_issued("C2"), open_dispute())
    error = rejects(state, open_dispute(contract_id="C2"))
    assert (error.code, error.field) == ("dispute_exists", "dispute_id")


def test_open_dispute_on_a_statement_not_issued_is_statement_not_issued() -> None:
    error = rejects(given(march_issued()), open_dispute(period="2026-04"))
    assert (error.code, error.field) == ("statement_not_issued", "period")


def test_open_dispute_on_an_unknown_contract_is_unknown_contract() -> None:
    error = rejects(Memory(), open_dispute())
    assert (error.code, error.field) == ("unknown_contract", "contract_id")


# ------------------------------------------------------------------ resolve_dispute


@covers("resolve_dispute")
def test_resolve_dispute_upheld_posts_an_adjustment_referring_to_the_line() -> None:
    state = given(march_issued(), open_dispute())
    (resolved, posted) = when(state, resolve("upheld", -20000))
    assert isinstance(resolved, ev.DisputeResolved)
    assert (resolved.dispute_id, resolved.outcome, resolved.adjustment_fen, resolved.resolved_on) == (
        "D1", "upheld", -20000, date(2026, 4, 10))
    assert isinstance(posted, ev.AdjustmentPosted)
    assert (posted.adjustment_id, posted.amount_fen, posted.dispute_id) == ("dispute:D1", -20000, "D1")
    assert posted.refers_to is not None
    assert (posted.refers_to.period, posted.refers_to.line) == ("2026-03", "base")


def test_resolve_dispute_upheld_with_zero_posts_nothing() -> None:
    (resolved,) = when(given(march_issued(), open_dispute()), resolve("upheld", 0))
    assert isinstance(resolved, ev.DisputeResolved)


def test_resolve_dispute_rejected_only_records_the_outcome() -> None:
    state = given(march_issued(), open_dispute())
    (resolved,) = when(state, resolve("rejected"))
    assert isinstance(resolved, ev.DisputeResolved)
    assert (resolved.outcome, resolved.adjustment_fen) == ("rejected", None)
    assert state.of("C1").disputes["D1"].resolved is resolved


def test_resolve_an_unknown_dispute_is_unknown_dispute() -> None:
    error = rejects(given(march_issued()), resolve("rejected"))
    assert (error.code, error.field) == ("unknown_dispute", "dispute_id")


def test_resolve_a_dispute_twice_is_dispute_not_open() -> None:
    state = given(march_issued(), open_dispute(), resolve("rejected"))
    error = rejects(state, resolve("upheld", -100))
    assert (error.code, error.field) == ("dispute_not_open", "dispute_id")


def test_resolve_dispute_upheld_without_an_amount_is_missing_field() -> None:
    error = rejects(given(march_issued(), open_dispute()), resolve("upheld"))
    assert (error.code, error.field) == ("missing_field", "adjustment_fen")


def test_resolve_dispute_rejected_with_an_amount_is_invalid_value() -> None:
    error = rejects(given(march_issued(), open_dispute()), resolve("rejected", -100))
    assert (error.code, error.field) == ("invalid_value", "adjustment_fen")


def test_resolve_dispute_before_it_was_opened_is_date_order() -> None:
    error = rejects(given(march_issued(), open_dispute()), resolve("rejected", resolved_on="2026-04-04"))
    assert (error.code, error.field) == ("date_order", "resolved_on")


# ------------------------------------------------------------------ report_breach


@covers("report_breach")
def test_report_breach_emits_breach_reported_unbilled() -> None:
    state = given(sign("C1"))
    (event,) = when(state, breach("B1", "provider", 40000))
    assert isinstance(event, ev.BreachReported)
    assert (event.breach_id, event.party, event.kind, event.on, event.penalty_fen) == (
        "B1", "provider", "confidentiality", date(2026, 3, 20), 40000)
    assert state.of("C1").unbilled_breaches == ["B1"]


def test_report_breach_twice_is_breach_exists() -> None:
    error = rejects(given(sign("C1"), breach("B1", "merchant", 100)), breach("B1", "provider", 0))
    assert (error.code, error.field) == ("breach_exists", "breach_id")


def test_report_breach_on_an_unknown_contract_is_unknown_contract() -> None:
    error = rejects(Memory(), breach("B1", "merchant", 100))
    assert (error.code, error.field) == ("unknown_contract", "contract_id")


# ------------------------------------------------------------------ resolve_breach


@covers("resolve_breach")
def test_resolve_breach_of_a_reported_breach_emits_breach_resolved() -> None:
    state = given(sign("C1"), breach("B1", "provider", 40000))
    (event,) = when(state, resolve_breach("C1/reported/B1", "2026-03-21", "remedied"))
    assert isinstance(event, ev.BreachResolved)
    assert (event.contract_id, event.breach_id, event.outcome, event.on) == (
        "C1", "C1/reported/B1", "remedied", date(2026, 3, 21))


def test_resolve_breach_of_a_rule_record_is_accepted_once_it_is_listed() -> None:
    # 03-03: a2 missing, so C1/understaffed_shift/2026-03-03/day is listed from 03-04
    state = given(contract(), worked("2026-03-02", "2026-03-06", agents=("a1",), weekdays=(2,)))
    (event,) = when(state, resolve_breach("C1/understaffed_shift/2026-03-03/day", "2026-03-04"))
    assert isinstance(event, ev.BreachResolved)


@pytest.mark.parametrize("breach_id", [
    "C1/reported/B9",          # no such report
    "C9/reported/B1",          # no such contract
    "B1",                      # not a CONTRACT/RULE/KEY id
    "C1/unheard_of/B1",        # no such rule
])
def test_resolve_breach_of_an_unknown_record_is_unknown_breach(breach_id: str) -> None:
    state = given(sign("C1"), breach("B1", "merchant", 100))
    error = rejects(state, resolve_breach(breach_id, "2026-03-21"))
    assert (error.code, error.field) == ("unknown_breach", "breach_id")


def test_resolve_breach_of_a_shift_not_yet_passed_is_unknown_breach() -> None:
    state = given(contract(), worked("2026-03-02", "2026-03-02", agents=("a1",)))
    error = rejects(state, resolve_breach("C1/understaffed_shift/2026-03-05/day", "2026-03-04"))
    assert (error.code, error.field) == ("unknown_breach", "breach_id")


def test_resolve_breach_on_the_shifts_own_date_is_unknown_breach() -> None:
    state = given(contract(), worked("2026-03-03", "2026-03-03", agents=("a1",)))
    error = rejects(state, resolve_breach("C1/understaffed_shift/2026-03-03/day", "2026-03-03"))
    assert (error.code, error.field) == ("unknown_breach", "breach_id")


def test_resolve_breach_of_a_late_payment_on_its_due_date_is_unknown_breach() -> None:
    state = given(contract(), worked("2026-03-02", "2026-03-31", weekdays=(1, 2, 3, 4, 5)),
                  issue("2026-03", "2026-04-01"))  # due 04-11, unpaid
    error = rejects(state, resolve_breach("C1/late_payment/C1-2026-03", "2026-04-11"))
    assert (error.code, error.field) == ("unknown_breach", "breach_id")


def test_resolve_breach_of_a_late_payment_the_day_after_its_due_date_is_accepted() -> None:
    state = given(contract(), worked("2026-03-02", "2026-03-31", weekdays=(1, 2, 3, 4, 5)),
                  issue("2026-03", "2026-04-01"))
    (event,) = when(state, resolve_breach("C1/late_payment/C1-2026-03", "2026-04-12"))
    assert isinstance(event, ev.BreachResolved)


def test_resolve_breach_twice_is_breach_not_open() -> None:
    state = given(sign("C1"), breach("B1", "merchant", 100), resolve_breach("C1/reported/B1", "2026-03-21"))
    error = rejects(state, resolve_breach("C1/reported/B1", "2026-03-22", "remedied"))
    assert (error.code, error.field) == ("breach_not_open", "breach_id")


def test_resolve_breach_of_a_record_the_rule_remedied_is_breach_not_open() -> None:
    # deposit of 500 000 due by service_start 03-02, received 03-05: remedied by the rule
    terms = bpc_terms(pricing={"deposit_fen": 500000})
    state = given(sign("C1", terms), deposit(500000, received_on="2026-03-05"))
    error = rejects(state, resolve_breach("C1/deposit_late/deposit", "2026-03-06"))
    assert (error.code, error.field) == ("breach_not_open", "breach_id")
