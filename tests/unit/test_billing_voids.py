"""billing after a void (SPEC §11): allocation, credit, late fees, corrections, adjustments
and breach penalties when a payment or a statement is taken back.

C1 (``builders.sign``): Mon-Fri, one shift ``day`` of 2 agents at 20 000 fen, tax 0.06,
due 10 days after issue, late fee 0.0005 a day. March 2026 (from 03-02) and April 2026
both have 22 weekdays: each month worked in full bills 44 x 20 000 = 880 000 + 52 800 tax
= 932 800.
"""

from __future__ import annotations

from builders import cmd, issue, pay, shift

from billing.account import late_fee
from schemas import events as ev

from .given import Memory, also, covers, given, when
from .history import adjust, breach, contract, worked

WEEK = (1, 2, 3, 4, 5)
MONTH_TOTAL = 932800


def void_payment(payment_id: str, on: str) -> dict[str, object]:
    return cmd("void_payment", payment_id=payment_id, on=on, reason="bounced")


def void_statement(period: str, on: str) -> dict[str, object]:
    return cmd("void_statement", period=period, on=on, reason="issued in error")


def two_months_paid_once() -> Memory:
    """March (due 04-11) and April (issued 05-01, due 05-11) paid by one transfer on 05-05:
    March 24 days late, April on time; May is issued on 06-01 and bills the late fee."""
    return given(contract(), worked("2026-03-02", "2026-04-30", weekdays=WEEK),
                 issue("2026-03", "2026-04-01"), issue("2026-04", "2026-05-01"),
                 pay("P1", 2 * MONTH_TOTAL, "2026-05-05"), issue("2026-05", "2026-06-01"))


def lines(event: ev.Event) -> dict[str, int]:
    assert isinstance(event, ev.SettlementIssued)
    out: dict[str, int] = {}
    for line in event.statement.lines:
        out[line.code] = out.get(line.code, 0) + line.amount_fen
    return out


@covers("late_fee")
def test_a_void_payment_that_paid_two_statements_takes_its_late_fee_back() -> None:
    state = two_months_paid_once()
    may = state.of().issued["2026-05"].event
    # 932 800 x 0.0005 x 24 days = 11 193.6 -> 11 194 on May's statement
    assert lines(may)["late_fee"] == 11194
    when(state, void_payment("P1", "2026-06-02"))
    book = state.of().book
    # unpaid again: May's negative total (unworked May: understaffing) pays the oldest first
    assert may.statement.total_fen < 0
    assert [o.outstanding for o in book.owed[:2]] == [MONTH_TOTAL + may.statement.total_fen,
                                                      MONTH_TOTAL]
    (june,) = when(state, issue("2026-06", "2026-07-01"))
    assert isinstance(june, ev.SettlementIssued)
    # all late fees as computed now (none: nothing was paid) minus what May billed
    assert lines(june)["late_fee"] == -11194
    account = june.statement.account
    assert account.opening_fen == may.statement.account.closing_fen  # opening = previous closing
    assert account.payments_fen == -2 * MONTH_TOTAL  # May counted the transfer: it comes off


def test_a_late_fee_is_not_billed_again_after_the_void_of_an_unrelated_payment() -> None:
    state = also(two_months_paid_once(), pay("P2", 100, "2026-06-02"),
                 void_payment("P2", "2026-06-03"))
    assert late_fee(state.of()) == []  # May billed March's fee; nothing changed since


def test_a_void_payment_that_had_become_credit_unpays_the_statement_it_paid() -> None:
    state = given(contract(), worked("2026-03-02", "2026-03-31", weekdays=WEEK),
                  pay("P1", 500000, "2026-03-20"),  # no statement yet: credit
                  issue("2026-03", "2026-04-01"))  # the credit pays March at its issue
    book = state.of().book
    assert (book.credit, book.owed[0].outstanding) == (0, MONTH_TOTAL - 500000)
    when(state, void_payment("P1", "2026-04-02"))
    book = state.of().book
    assert (book.credit, book.owed[0].outstanding, book.receivable) == (0, MONTH_TOTAL, MONTH_TOTAL)


def test_a_void_payment_reallocates_a_later_payment_to_the_oldest_statement() -> None:
    state = given(contract(), worked("2026-03-02", "2026-04-30", weekdays=WEEK),
                  issue("2026-03", "2026-04-01"), pay("P1", MONTH_TOTAL, "2026-04-05"),
                  issue("2026-04", "2026-05-01"), pay("P2", MONTH_TOTAL, "2026-05-05"))
    when(state, void_payment("P1", "2026-05-06"))
    allocations = state.of().book.allocations
    # P2 now pays March, 24 days after its due date 04-11: late money
    assert [(a.source_id, a.statement_no, a.amount_fen, a.days_late) for a in allocations] == [
        ("P2", "C1-2026-03", MONTH_TOTAL, 24)]
    (fee,) = late_fee(state.of())
    assert fee.amount_fen == 11194  # 932 800 x 0.0005 x 24


@covers("correction", "adjustment", "breach_penalty")
def test_the_re_issue_of_a_void_statement_bills_what_it_billed() -> None:
    state = given(contract(), worked("2026-03-02", "2026-04-30", weekdays=WEEK),
                  issue("2026-03", "2026-04-01"),
                  cmd("retract_shift", agent_id="a2", date="2026-03-31", shift="day",
                      reason="left early"),  # reaches settled March: a correction
                  adjust("A1", -5000), breach("B1", "merchant", 30000, on="2026-04-20"))
    (april,) = when(state, issue("2026-04", "2026-05-01"))
    billed = lines(april)
    # one agent-shift fewer in March: -20 000 base and -10 000 understaffing as corrections
    assert billed["correction"] == -30000
    assert (billed["adjustment"], billed["breach_penalty"]) == (-5000, 30000)
    when(state, void_statement("2026-04", "2026-05-02"))
    contract_state = state.of()
    assert contract_state.unbilled_adjustments == ["A1"]
    assert contract_state.unbilled_breaches == ["B1"]
    (again,) = when(state, issue("2026-04", "2026-05-03"))
    assert isinstance(again, ev.SettlementIssued) and isinstance(april, ev.SettlementIssued)
    assert again.statement.statement_no == "C1-2026-04-R1"
    assert lines(again) == billed
    assert again.statement.account == april.statement.account


def test_the_re_issue_of_a_statement_that_billed_a_late_fee_bills_it_again() -> None:
    state = two_months_paid_once()
    may = state.of().issued["2026-05"].event
    when(state, void_statement("2026-05", "2026-06-02"))
    (again,) = when(state, issue("2026-05", "2026-06-03"))
    assert lines(again)["late_fee"] == lines(may)["late_fee"] == 11194


def test_a_void_statement_leaves_corrections_to_the_re_issue() -> None:
    state = given(contract(), worked("2026-03-02", "2026-04-30", weekdays=WEEK),
                  issue("2026-03", "2026-04-01"), shift("a1", "2026-03-07"),  # a Saturday: excess
                  issue("2026-04", "2026-05-01"))
    when(state, void_statement("2026-04", "2026-05-02"))
    assert ("2026-04", "base") not in {k for k, v in state.of().billed.items() if v}
