"""decide.money: deposits, payments, credit refunds, adjustments, issue_settlement
(SPEC §3, §5, §10).

C1 (``builders.sign``): service from Monday 2026-03-02, Mon-Fri, one shift ``day`` of
2 agents at 20 000 fen, tax 0.06, due 10 days after issue. March 2026 has 22
weekdays from 03-02.
"""

from __future__ import annotations

from datetime import date

import pytest
from builders import bpc_terms, cmd, fixed_terms, issue, pay, sign

from schemas import events as ev

from .given import Memory, covers, emits, given, rejects, when
from .history import adjust, contract, deposit, terminate, worked

WEEKDAYS = (1, 2, 3, 4, 5)


def refund_deposit(amount: int) -> dict[str, object]:
    return cmd("refund_deposit", amount_fen=amount, paid_on="2026-04-20", reference="REF-D")


def refund_credit(refund_id: str, amount: int) -> dict[str, object]:
    return cmd("refund_credit", refund_id=refund_id, amount_fen=amount, paid_on="2026-04-20",
               reference=f"REF-{refund_id}")


# ------------------------------------------------------------------ deposits


@covers("record_deposit")
def test_record_deposit_emits_deposit_received_and_holds_it() -> None:
    state = given(sign("C1"))
    ((stream, event),) = emits(state, deposit(500000))
    assert stream == "contract:C1"
    assert isinstance(event, ev.DepositReceived)
    assert (event.amount_fen, event.received_on, event.reference) == (500000, date(2026, 2, 25), "DEP-1")
    assert state.of("C1").book.deposit_held == 500000


def test_record_deposit_on_an_unknown_contract_is_unknown_contract() -> None:
    error = rejects(Memory(), deposit(500000))
    assert (error.code, error.field) == ("unknown_contract", "contract_id")


def test_record_deposit_of_zero_is_out_of_range() -> None:
    error = rejects(given(sign("C1")), deposit(0))
    assert (error.code, error.field) == ("out_of_range", "amount_fen")


@covers("refund_deposit")
def test_refund_deposit_up_to_what_is_held_is_accepted() -> None:
    state = given(sign("C1"), deposit(500000))
    (event,) = when(state, refund_deposit(500000))
    assert isinstance(event, ev.DepositRefunded)
    assert (event.amount_fen, event.paid_on) == (500000, date(2026, 4, 20))
    assert state.of("C1").book.deposit_held == 0


def test_refund_deposit_beyond_what_is_held_is_exceeds_deposit_held() -> None:
    state = given(sign("C1"), deposit(500000), refund_deposit(200000))
    error = rejects(state, refund_deposit(300001))  # 300 000 still held
    assert (error.code, error.field) == ("exceeds_deposit_held", "amount_fen")


def test_refund_deposit_without_a_deposit_is_exceeds_deposit_held() -> None:
    error = rejects(given(sign("C1")), refund_deposit(1))
    assert (error.code, error.field) == ("exceeds_deposit_held", "amount_fen")


# ------------------------------------------------------------------ payments and credit


@covers("record_payment")
def test_record_payment_emits_payment_received() -> None:
    state = given(sign("C1"))
    (event,) = when(state, pay("P1", 100000, "2026-03-10"))
    assert isinstance(event, ev.PaymentReceived)
    assert (event.payment_id, event.amount_fen, event.received_on, event.reference) == (
        "P1", 100000, date(2026, 3, 10), "BANK-P1")
    assert state.of("C1").book.credit == 100000  # no statement yet: held as credit


def test_record_payment_twice_is_payment_exists() -> None:
    state = given(sign("C1"), pay("P1", 100000, "2026-03-10"))
    error = rejects(state, pay("P1", 5000, "2026-03-11"))
    assert (error.code, error.field) == ("payment_exists", "payment_id")


def test_payment_ids_are_per_contract() -> None:
    state = given(sign("C1"), sign("C2"), pay("P1", 100000, "2026-03-10"))
    (event,) = when(state, pay("P1", 100000, "2026-03-10", contract_id="C2"))
    assert isinstance(event, ev.PaymentReceived)


@covers("refund_credit")
def test_refund_credit_up_to_the_credit_is_accepted() -> None:
    state = given(sign("C1"), pay("P1", 100000, "2026-03-10"))
    (event,) = when(state, refund_credit("R1", 100000))
    assert isinstance(event, ev.CreditRefunded)
    assert (event.refund_id, event.amount_fen, event.paid_on) == ("R1", 100000, date(2026, 4, 20))
    assert state.of("C1").book.credit == 0


def test_refund_credit_beyond_the_credit_is_exceeds_credit() -> None:
    state = given(sign("C1"), pay("P1", 100000, "2026-03-10"))
    error = rejects(state, refund_credit("R1", 100001))
    assert (error.code, error.field) == ("exceeds_credit", "amount_fen")


def test_refund_credit_of_money_allocated_to_a_statement_is_exceeds_credit() -> None:
    # March's statement (a negative-free one of 932 800) takes the whole payment
    state = given(contract(), worked("2026-03-02", "2026-03-31", weekdays=WEEKDAYS),
                  issue("2026-03", "2026-04-01"), pay("P1", 100000, "2026-04-05"))
    error = rejects(state, refund_credit("R1", 1))
    assert (error.code, error.field) == ("exceeds_credit", "amount_fen")


def test_refund_credit_twice_under_one_id_is_refund_exists() -> None:
    state = given(sign("C1"), pay("P1", 100000, "2026-03-10"), refund_credit("R1", 10000))
    error = rejects(state, refund_credit("R1", 10000))
    assert (error.code, error.field) == ("refund_exists", "refund_id")


# ------------------------------------------------------------------ post_adjustment


@covers("post_adjustment")
def test_post_adjustment_emits_adjustment_posted_unbilled() -> None:
    state = given(sign("C1"))
    refers = {"period": "2026-03", "line": "base"}
    (event,) = when(state, adjust("A1", -12345, refers_to=refers))
    assert isinstance(event, ev.AdjustmentPosted)
    assert (event.adjustment_id, event.amount_fen, event.reason) == ("A1", -12345, "goodwill")
    assert event.refers_to is not None
    assert (event.refers_to.period, event.refers_to.line) == ("2026-03", "base")
    assert event.dispute_id is None
    assert state.of("C1").unbilled_adjustments == ["A1"]


def test_post_adjustment_twice_is_adjustment_exists() -> None:
    state = given(sign("C1"), adjust("A1", 100))
    error = rejects(state, adjust("A1", 200))
    assert (error.code, error.field) == ("adjustment_exists", "adjustment_id")


def test_post_adjustment_referring_to_a_period_of_another_cycle_is_invalid_value() -> None:
    error = rejects(given(sign("C1")), adjust("A1", 100, refers_to={"period": "2026-Q1", "line": "base"}))
    assert (error.code, error.field) == ("invalid_value", "refers_to.period")


def test_post_adjustment_referring_to_an_unknown_line_code_is_invalid_value() -> None:
    error = rejects(given(sign("C1")), adjust("A1", 100, refers_to={"period": "2026-03", "line": "tip"}))
    assert (error.code, error.field) == ("invalid_value", "refers_to.line")


# ------------------------------------------------------------------ issue_settlement


@covers("issue_settlement")
def test_issue_settlement_freezes_the_statement_in_the_event() -> None:
    state = given(contract(), worked("2026-03-02", "2026-03-31", weekdays=WEEKDAYS))
    (event,) = when(state, issue("2026-03", "2026-04-01"))
    assert isinstance(event, ev.SettlementIssued)
    assert (event.period, event.issued_on, event.final) == ("2026-03", date(2026, 4, 1), False)
    st = event.statement
    assert (st.statement_no, st.due_on) == ("C1-2026-03", date(2026, 4, 11))
    # 22 weekdays x 2 agents = 44 agent-shifts x 20 000 = 880 000; tax 6 % = 52 800
    assert [(line.code, line.quantity, line.unit_fen, line.amount_fen) for line in st.lines] == [
        ("base", 44, 20000, 880000)]
    assert (st.subtotal_fen, st.tax_fen, st.total_fen) == (880000, 52800, 932800)
    assert state.of("C1").order == ["2026-03"]
    assert state.of("C1").billed[("2026-03", "base")] == 880000


def test_issue_settlement_of_a_quarter_on_a_monthly_contract_is_invalid_value() -> None:
    error = rejects(given(sign("C1")), issue("2026-Q1", "2026-04-01"))
    assert (error.code, error.field) == ("invalid_value", "period")


def test_issue_settlement_of_a_month_on_a_quarterly_contract_is_invalid_value() -> None:
    state = given(sign("C1", bpc_terms(settlement_cycle="quarterly")))
    error = rejects(state, issue("2026-03", "2026-04-01"))
    assert (error.code, error.field) == ("invalid_value", "period")


def test_issue_settlement_twice_is_period_already_issued() -> None:
    state = given(sign("C1"), issue("2026-03", "2026-04-01"))
    error = rejects(state, issue("2026-03", "2026-04-02"))
    assert (error.code, error.field) == ("period_already_issued", "period")


@pytest.mark.parametrize("period", ["2026-04", "2026-02"])
def test_issue_settlement_out_of_order_is_period_out_of_order(period: str) -> None:
    error = rejects(given(sign("C1")), issue(period, "2026-05-02"))  # the first is 2026-03
    assert (error.code, error.field) == ("period_out_of_order", "period")


def test_issue_settlement_skipping_a_period_is_period_out_of_order() -> None:
    state = given(sign("C1"), issue("2026-03", "2026-04-01"))
    error = rejects(state, issue("2026-05", "2026-06-01"))
    assert (error.code, error.field) == ("period_out_of_order", "period")


@pytest.mark.parametrize("issued_on", ["2026-03-15", "2026-03-31"])
def test_issue_settlement_of_a_postpaid_period_not_ended_is_period_not_ended(issued_on: str) -> None:
    error = rejects(given(sign("C1")), issue("2026-03", issued_on))
    assert (error.code, error.field) == ("period_not_ended", "period")


def test_issue_settlement_after_service_ended_inside_the_period_is_accepted() -> None:
    state = given(sign("C1"), terminate("2026-03-20"))
    assert rejects(state, issue("2026-03", "2026-03-20")).code == "period_not_ended"
    (event,) = when(state, issue("2026-03", "2026-03-21"))
    assert isinstance(event, ev.SettlementIssued)
    assert event.final  # the first statement issued after the last service day, covering it


def test_issue_settlement_of_a_prepaid_period_before_it_starts_is_accepted() -> None:
    state = given(sign("C1", fixed_terms("prepaid")))
    (event,) = when(state, issue("2026-03", "2026-02-25"))
    assert isinstance(event, ev.SettlementIssued)
    # service 03-02..03-31: 30 days x 3 000 000 / 31 = 2 903 225.806 -> 2 903 226
    assert [(line.code, line.amount_fen) for line in event.statement.lines] == [("fixed_fee", 2903226)]


def test_issue_settlement_dated_before_the_previous_statement_is_date_order() -> None:
    state = given(sign("C1", fixed_terms("prepaid")), issue("2026-03", "2026-03-05"))
    error = rejects(state, issue("2026-04", "2026-03-04"))
    assert (error.code, error.field) == ("date_order", "issued_on")


def test_issue_settlement_on_an_unknown_contract_is_unknown_contract() -> None:
    error = rejects(Memory(), issue("2026-03", "2026-04-01"))
    assert (error.code, error.field) == ("unknown_contract", "contract_id")
