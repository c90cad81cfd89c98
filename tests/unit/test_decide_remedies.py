"""decide: mistakes and their remedies (SPEC §11): the recording date (``future_date``),
``reference_reused``, ``void_payment`` and ``void_statement`` with every error code.

C1 (``builders.sign``): service from Monday 2026-03-02, Mon-Fri, one shift ``day`` of
2 agents at 20 000 fen, tax 0.06, due 10 days after issue.
"""

from __future__ import annotations

import datetime as dt

import pytest
from builders import cmd, fixed_terms, issue, pay, sign

from schemas import events as ev

from .given import Memory, also, covers, given, rejects, when
from .history import contract, deposit, worked

TODAY = dt.date(2026, 12, 2)


def void_payment(payment_id: str, on: str, reason: str = "keyed twice") -> dict[str, object]:
    return cmd("void_payment", payment_id=payment_id, on=on, reason=reason)


def void_statement(period: str, on: str, reason: str = "issued in error") -> dict[str, object]:
    return cmd("void_statement", period=period, on=on, reason=reason)


def march_issued() -> Memory:
    """March worked by both agents and issued on 04-01 (due 04-11)."""
    return given(contract(), worked("2026-03-02", "2026-03-31", weekdays=(1, 2, 3, 4, 5)),
                 issue("2026-03", "2026-04-01"))


# -- the recording date ----------------------------------------------------------


@pytest.mark.parametrize(("command", "field"), [
    (pay("P1", 100, "2026-12-03"), "received_on"),
    (cmd("record_shift", agent_id="a1", date="2026-12-03", shift="day"), "date"),
    (issue("2026-11", "2026-12-03"), "issued_on"),
    (cmd("record_qa_inspection", inspection_id="Q1", agent_id="a1", date="2026-12-03", score=90,
         sampled_sessions=10), "date"),
    (cmd("report_breach", breach_id="B1", party="merchant", kind="confidentiality",
         on="2026-12-03", description="leak", penalty_fen=0), "on"),
])
def test_a_fact_dated_after_today_is_future_date(command: dict[str, object], field: str) -> None:
    state = given(contract())
    state.today = TODAY
    error = rejects(state, command)
    assert (error.code, error.field) == ("future_date", field)


def test_a_fact_dated_today_is_accepted() -> None:
    state = given(contract())
    state.today = TODAY
    (event,) = when(state, pay("P1", 100, "2026-12-02"))
    assert isinstance(event, ev.PaymentReceived)


def test_dates_that_plan_ahead_may_be_after_today() -> None:
    state = Memory(today=TODAY)
    # signed today, service from next year, a term end and an amendment further ahead
    (signed,) = when(state, sign(signed_on="2026-12-02", service_start="2027-01-04",
                                 term_end="2027-12-31"))
    assert isinstance(signed, ev.ContractSigned)
    (amended,) = when(state, cmd("amend_terms", effective_from="2027-06-01",
                                 terms={"payment_due_days": 15}))
    assert isinstance(amended, ev.TermsAmended)
    error = rejects(state, sign("C2", signed_on="2026-12-03"))
    assert (error.code, error.field) == ("future_date", "signed_on")


# -- reference_reused ---------------------------------------------------------------


def _pay(payment_id: str, amount: int, received_on: str, reference: str) -> dict[str, object]:
    return cmd("record_payment", payment_id=payment_id, amount_fen=amount,
               received_on=received_on, reference=reference)


def test_the_same_transfer_keyed_twice_is_reference_reused() -> None:
    state = given(contract(), _pay("P1", 5000, "2026-04-05", "BANK-77"))
    error = rejects(state, _pay("P2", 5000, "2026-04-05", " BANK-77 "))
    assert (error.code, error.field) == ("reference_reused", "reference")


def test_a_payment_with_a_deposit_reference_is_reference_reused() -> None:
    state = given(contract(), deposit(100000))  # reference DEP-1
    error = rejects(state, _pay("P1", 5000, "2026-04-05", "DEP-1"))
    assert (error.code, error.field) == ("reference_reused", "reference")


def test_the_reference_of_a_void_payment_can_be_keyed_again() -> None:
    state = given(contract(), _pay("P1", 5000, "2026-04-05", "BANK-77"),
                  void_payment("P1", "2026-04-06"))
    (event,) = when(state, _pay("P2", 500, "2026-04-05", "BANK-77"))
    assert isinstance(event, ev.PaymentReceived)


def test_empty_references_are_never_compared() -> None:
    state = given(contract(), _pay("P1", 5000, "2026-04-05", ""))
    (event,) = when(state, _pay("P2", 5000, "2026-04-05", ""))
    assert isinstance(event, ev.PaymentReceived)


# -- void_payment -------------------------------------------------------------------


@covers("void_payment")
def test_void_payment_takes_the_payment_back() -> None:
    state = also(march_issued(), pay("P1", 932800, "2026-04-05"))
    assert state.of().book.receivable == 0
    (event,) = when(state, void_payment("P1", "2026-04-07"))
    assert isinstance(event, ev.PaymentVoided)
    assert (event.payment_id, event.on, event.reason) == ("P1", dt.date(2026, 4, 7), "keyed twice")
    # 44 agent-shifts x 20 000 = 880 000 + 6 % tax = 932 800 owed again
    book = state.of().book
    assert (book.receivable, book.credit, book.owed[0].outstanding) == (932800, 0, 932800)


def test_void_payment_of_an_unknown_payment_is_unknown_payment() -> None:
    error = rejects(given(contract()), void_payment("P9", "2026-04-07"))
    assert (error.code, error.field) == ("unknown_payment", "payment_id")


def test_void_payment_twice_is_payment_void() -> None:
    state = given(contract(), pay("P1", 100, "2026-04-05"), void_payment("P1", "2026-04-06"))
    error = rejects(state, void_payment("P1", "2026-04-07"))
    assert (error.code, error.field) == ("payment_void", "payment_id")


def test_void_payment_before_it_was_received_is_date_order() -> None:
    state = given(contract(), pay("P1", 100, "2026-04-05"))
    error = rejects(state, void_payment("P1", "2026-04-04"))
    assert (error.code, error.field) == ("date_order", "on")


def test_void_payment_on_a_day_after_today_is_future_date() -> None:
    state = given(contract(), pay("P1", 100, "2026-04-05"))
    state.today = dt.date(2026, 4, 5)
    error = rejects(state, void_payment("P1", "2026-04-06"))
    assert (error.code, error.field) == ("future_date", "on")


# -- void_statement ------------------------------------------------------------------


@covers("void_statement")
def test_void_statement_takes_the_statement_back_and_the_period_can_be_issued_again() -> None:
    state = march_issued()
    (event,) = when(state, void_statement("2026-03", "2026-04-02"))
    assert isinstance(event, ev.StatementVoided)
    assert (event.period, event.statement_no, event.on) == ("2026-03", "C1-2026-03",
                                                            dt.date(2026, 4, 2))
    contract_state = state.of()
    assert contract_state.issued == {} and contract_state.next_to_issue == "2026-03"
    assert contract_state.book.receivable == 0 and contract_state.book.owed == []
    (again,) = when(state, issue("2026-03", "2026-04-03"))
    assert isinstance(again, ev.SettlementIssued)
    assert again.statement.statement_no == "C1-2026-03-R1"
    assert again.statement.total_fen == 932800  # the same activity billed again
    when(state, void_statement("2026-03", "2026-04-04"))
    (third,) = when(state, issue("2026-03", "2026-04-05"))
    assert isinstance(third, ev.SettlementIssued)
    assert third.statement.statement_no == "C1-2026-03-R2"


def test_void_statement_of_a_period_never_issued_is_unknown_statement() -> None:
    error = rejects(given(contract()), void_statement("2026-03", "2026-04-02"))
    assert (error.code, error.field) == ("unknown_statement", "period")


def test_void_statement_twice_is_unknown_statement() -> None:
    state = also(march_issued(), void_statement("2026-03", "2026-04-02"))
    error = rejects(state, void_statement("2026-03", "2026-04-03"))
    assert (error.code, error.field) == ("unknown_statement", "period")


def test_void_statement_of_an_earlier_statement_is_not_latest_statement() -> None:
    state = also(march_issued(), issue("2026-04", "2026-05-01"))
    error = rejects(state, void_statement("2026-03", "2026-05-02"))
    assert (error.code, error.field) == ("not_latest_statement", "period")


def test_void_statement_with_a_payment_allocated_to_it_is_statement_settled() -> None:
    state = also(march_issued(), pay("P1", 1000, "2026-04-05"))
    error = rejects(state, void_statement("2026-03", "2026-04-06"))
    assert (error.code, error.field) == ("statement_settled", "period")
    when(state, void_payment("P1", "2026-04-06"))  # the remedy: void the payment first
    (event,) = when(state, void_statement("2026-03", "2026-04-06"))
    assert isinstance(event, ev.StatementVoided)


def test_void_statement_paid_from_credit_is_statement_settled() -> None:
    state = given(contract(), worked("2026-03-02", "2026-03-31", weekdays=(1, 2, 3, 4, 5)),
                  pay("P0", 500, "2026-03-20"),  # credit, allocated at the issue
                  issue("2026-03", "2026-04-01"))
    error = rejects(state, void_statement("2026-03", "2026-04-02"))
    assert (error.code, error.field) == ("statement_settled", "period")


def test_void_statement_the_deposit_was_applied_to_is_statement_settled() -> None:
    # fixed fee, deposit 100 000 held, terminated 03-31: the final statement applies it
    terms = fixed_terms(pricing={"deposit_fen": 100000})
    state = given(sign(terms=terms), deposit(100000),
                  cmd("terminate_contract", last_day="2026-03-31", initiated_by="merchant",
                      reason="closing"),
                  issue("2026-03", "2026-04-01"))
    final = state.of().issued["2026-03"].event
    assert final.final and final.statement.account.deposit_applied_fen == 100000
    error = rejects(state, void_statement("2026-03", "2026-04-02"))
    assert (error.code, error.field) == ("statement_settled", "period")


def test_void_statement_with_an_open_dispute_is_dispute_open() -> None:
    state = also(march_issued(), cmd("open_dispute", dispute_id="D1", period="2026-03",
                                      line="base", claim_fen=-20000, opened_on="2026-04-02",
                                      note="one shift not worked"))
    error = rejects(state, void_statement("2026-03", "2026-04-03"))
    assert (error.code, error.field) == ("dispute_open", "period")
    when(state, cmd("resolve_dispute", None, dispute_id="D1", resolved_on="2026-04-03",
                    outcome="rejected", note="worked"))
    (event,) = when(state, void_statement("2026-03", "2026-04-03"))
    assert isinstance(event, ev.StatementVoided)


def test_void_statement_before_its_issue_is_date_order() -> None:
    error = rejects(march_issued(), void_statement("2026-03", "2026-03-31"))
    assert (error.code, error.field) == ("date_order", "on")


def test_void_statement_of_a_quarter_on_a_monthly_contract_is_invalid_value() -> None:
    error = rejects(march_issued(), void_statement("2026-Q1", "2026-04-02"))
    assert (error.code, error.field) == ("invalid_value", "period")
