"""Decide functions of the remedies for mistakes: void a payment, void a statement (SPEC §11).

Nothing is edited: each void is an event of its own, and every report computes
the ledger again as if the voided fact had never been (``ledger.account``).
"""

from __future__ import annotations

from decide.common import Emitted, Meta, State, contract_of, on_contract, period_matches
from ledger import errors as E
from schemas import commands as C
from schemas import events as ev


def void_payment(st: State, c: C.VoidPayment, m: Meta) -> Emitted:
    state = contract_of(st, c.contract_id)
    payment = state.payments.get(c.payment_id)
    if payment is None:
        raise E.UnknownPaymentError(
            f"payment {c.payment_id} is not known on contract {c.contract_id}", "payment_id")
    if c.payment_id in state.voided_payments:
        raise E.PaymentVoidError(f"payment {c.payment_id} is void already", "payment_id")
    if c.on < payment.received_on:
        raise E.DateOrderError(f"on is before the payment's received_on {payment.received_on}", "on")
    if state.book.credit_without(c.payment_id) < 0:
        raise E.ExceedsCreditError(
            f"credit left by payment {c.payment_id} was refunded since: record the refund's "
            "return first", "payment_id")
    return [on_contract(c.contract_id, ev.PaymentVoided(
        contract_id=c.contract_id, payment_id=c.payment_id, on=c.on, reason=c.reason, **m))]


def void_statement(st: State, c: C.VoidStatement, m: Meta) -> Emitted:
    state = contract_of(st, c.contract_id)
    period_matches(state, c.period, "period")
    issued = state.issued.get(c.period)
    if issued is None:
        raise E.UnknownStatementError(
            f"no statement of {c.period} is in force on contract {c.contract_id}", "period")
    if state.order[-1] != c.period:
        raise E.NotLatestStatementError(
            f"only the latest statement ({state.order[-1]}) can be voided", "period")
    statement = issued.event.statement
    no = statement.statement_no
    book = state.book
    unused_credit = statement.total_fen >= 0 or book.credit >= -statement.total_fen
    if book.touches(no) or statement.account.deposit_applied_fen or not unused_credit:
        raise E.StatementSettledError(
            f"money is allocated to or from statement {no}: void the payments first", "period")
    open_disputes = [d for d, x in state.disputes.items()
                     if x.opened.period == c.period and x.resolved is None]
    if open_disputes:
        raise E.DisputeOpenError(
            f"dispute {open_disputes[0]} on {c.period} is open: resolve it first", "period")
    if c.on < issued.issued_on:
        raise E.DateOrderError(f"on is before the statement's issued_on {issued.issued_on}", "on")
    return [on_contract(c.contract_id, ev.StatementVoided(
        contract_id=c.contract_id, period=c.period, statement_no=no, on=c.on, reason=c.reason,
        **m))]
