"""billing.account: late_fee, adjustment, breach_penalty (SPEC §5, §10).

These lines bill what was recorded and not yet billed, once. For the late fees,
contract C1 has no agents, tax 0 and no understaffing penalty, so March's
statement (issued 2026-04-01, due 04-11) bills only an adjustment of 1 000 000
fen: its total is exactly 1 000 000. Late days run from the day after ``due_on``
through ``received_on``, each at that day's ``late_fee_daily_rate`` (0.0005).
"""

from __future__ import annotations

from typing import Any

from builders import bpc_terms, cmd, issue, pay, sign

from billing.account import adjustment, breach_penalty, late_fee
from ledger.errors import LedgerError
from schemas import events as ev

from .given import Memory, covers, given, price, when
from .history import adjust, amend, breach

QUIET = bpc_terms(tax_rate="0", penalties={"understaffing_fen": 0})


def billed_march() -> list[dict[str, Any]]:
    """March issued on 04-01 for exactly 1 000 000 fen, due 04-11."""
    return [sign("C1", QUIET), adjust("A0", 1000000), issue("2026-03", "2026-04-01")]


def _statement(state: Memory, period: str) -> Any:
    return state.of().issued[period].event.statement


# ------------------------------------------------------------------ late_fee


def test_the_march_statement_of_these_tests_is_one_million_due_on_the_11th() -> None:
    st = _statement(given(billed_march()), "2026-03")
    assert (st.total_fen, st.due_on.isoformat()) == (1000000, "2026-04-11")


@covers("late_fee")
def test_late_fee_is_the_amount_times_the_daily_rate_times_the_days_late() -> None:
    state = given(billed_march(), pay("P1", 1000000, "2026-04-16"))
    (line,) = late_fee(state.of())
    # 04-12..04-16 = 5 days late: 1 000 000 x 0.0005 x 5 = 2 500
    assert (line.amount_fen, line.quantity) == (2500, 1)
    assert line.refs == {"allocations": [{"payment_id": "P1", "statement_no": "C1-2026-03",
                                          "amount_fen": 1000000, "days_late": 5}]}


@covers("late_fee")
def test_late_fee_counts_only_the_money_allocated_after_the_due_date() -> None:
    state = given(billed_march(), pay("P1", 600000, "2026-04-11"), pay("P2", 400000, "2026-04-21"))
    (line,) = late_fee(state.of())
    # P1 on the due date is on time; P2: 04-12..04-21 = 10 days: 400 000 x 0.0005 x 10 = 2 000
    assert (line.amount_fen, line.quantity) == (2000, 1)


@covers("late_fee")
def test_late_fee_uses_each_late_days_rate() -> None:
    state = given(billed_march(), amend("2026-04-14", {"penalties": {"late_fee_daily_rate": "0.001"}}),
                  pay("P1", 1000000, "2026-04-16"))
    (line,) = late_fee(state.of())
    # 04-12, 04-13 at 0.0005: 2 x 500; 04-14..04-16 at 0.001: 3 x 1 000: 1 000 + 3 000 = 4 000
    assert line.amount_fen == 4000


@covers("late_fee")
def test_late_fee_is_none_when_paid_on_time_or_not_at_all() -> None:
    assert late_fee(given(billed_march(), pay("P1", 1000000, "2026-04-11")).of()) == []
    assert late_fee(given(billed_march()).of()) == []  # unpaid: nothing accrues until paid


@covers("late_fee")
def test_late_fee_is_billed_once_on_the_next_statement() -> None:
    state = given(billed_march(), pay("P1", 1000000, "2026-04-16"))
    (event,) = when(state, issue("2026-04", "2026-05-01"))
    assert isinstance(event, ev.SettlementIssued)
    assert [(line.code, line.amount_fen) for line in event.statement.lines] == [("late_fee", 2500)]
    assert late_fee(state.of()) == []


@covers("late_fee")
def test_a_late_fee_that_rounds_to_zero_is_used_up() -> None:
    state = given(billed_march(), pay("P1", 333, "2026-04-14"))
    (line,) = late_fee(state.of())
    # 333 x 0.0005 x 3 = 0.4995 -> 0: no line on the statement, but the allocation is billed
    assert line.amount_fen == 0
    d = price(state, "C1", "2026-04", "2026-05-01")
    assert "late_fee" not in [line.code for line in d.statement.lines]
    assert d.billed_late_allocations == [0]


# ------------------------------------------------------------------ adjustment


@covers("adjustment")
def test_adjustment_bills_each_unbilled_adjustment_as_posted() -> None:
    state = given(sign("C1"), adjust("A1", -12345, refers_to={"period": "2026-03", "line": "base"}),
                  adjust("A2", 5000))
    first, second = adjustment(state.of())
    assert (first.amount_fen, first.quantity, first.unit_fen) == (-12345, 1, -12345)
    assert first.refs == {"adjustment_id": "A1", "refers_to": {"period": "2026-03", "line": "base"}}
    assert (second.amount_fen, second.refs) == (5000, {"adjustment_id": "A2"})


@covers("adjustment")
def test_adjustment_is_billed_once() -> None:
    state = given(sign("C1", QUIET), adjust("A1", -12345))
    (event,) = when(state, issue("2026-03", "2026-04-01"))
    assert isinstance(event, ev.SettlementIssued)
    assert [(line.code, line.amount_fen) for line in event.statement.lines] == [("adjustment", -12345)]
    assert adjustment(state.of()) == []


@covers("adjustment")
def test_adjustment_of_an_upheld_dispute_names_the_dispute() -> None:
    state = given(sign("C1", QUIET), issue("2026-03", "2026-04-01"))
    opened = cmd("open_dispute", dispute_id="D1", period="2026-03", line="base", claim_fen=-500,
                 opened_on="2026-04-02", note="")
    given_more = [opened, cmd("resolve_dispute", None, dispute_id="D1", resolved_on="2026-04-03",
                              outcome="upheld", adjustment_fen=-500, note="ok")]
    for command in given_more:
        when(state, command)
    (line,) = adjustment(state.of())
    assert line.amount_fen == -500
    assert line.refs == {"adjustment_id": "dispute:D1", "refers_to": {"period": "2026-03", "line": "base"},
                         "dispute_id": "D1"}
    assert line.evidence[0] == opened["id"]  # the claim first, then the resolution


def _accepted(state: Memory, command: dict[str, Any]) -> bool:
    try:
        when(state, command)
    except LedgerError:
        return False
    return True


def test_an_adjustment_id_an_upheld_dispute_uses_is_never_billed_twice() -> None:
    state = given(sign("C1", QUIET), issue("2026-03", "2026-04-01"))
    posted = _accepted(state, adjust("dispute:D1", 100))  # refusing it would be fine too
    when(state, cmd("open_dispute", dispute_id="D1", period="2026-03", line="base", claim_fen=-500,
                    opened_on="2026-04-02", note=""))
    when(state, cmd("resolve_dispute", None, dispute_id="D1", resolved_on="2026-04-03",
                    outcome="upheld", adjustment_fen=-500, note=""))
    amounts = sorted(line.amount_fen for line in adjustment(state.of()))
    assert amounts == sorted([-500, *([100] if posted else [])])


# ------------------------------------------------------------------ breach_penalty


@covers("breach_penalty")
def test_breach_penalty_bills_the_party_at_fault() -> None:
    state = given(sign("C1"), breach("B1", "merchant", 50000), breach("B2", "provider", 40000))
    merchant, provider = breach_penalty(state.of())
    # the merchant at fault pays +50 000; the provider at fault credits -40 000
    assert (merchant.amount_fen, merchant.refs) == (
        50000, {"breach_id": "B1", "party": "merchant", "kind": "confidentiality"})
    assert (provider.amount_fen, provider.unit_fen) == (-40000, -40000)


@covers("breach_penalty")
def test_breach_penalty_is_billed_once_on_the_next_statement() -> None:
    state = given(sign("C1", QUIET), breach("B1", "provider", 40000))
    (event,) = when(state, issue("2026-03", "2026-04-01"))
    assert isinstance(event, ev.SettlementIssued)
    assert [(line.code, line.amount_fen) for line in event.statement.lines] == [("breach_penalty", -40000)]
    assert breach_penalty(state.of()) == []


@covers("breach_penalty")
def test_a_breach_penalty_of_zero_bills_nothing() -> None:
    state = given(sign("C1", QUIET), breach("B1", "merchant", 0))
    (line,) = breach_penalty(state.of())
    assert line.amount_fen == 0
    d = price(state, "C1", "2026-03", "2026-04-01")
    assert [line.code for line in d.statement.lines] == ["base"]  # the one zero line kept
