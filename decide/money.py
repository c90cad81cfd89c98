"""Decide functions of money: deposits, payments, refunds, adjustments, settlement."""

from __future__ import annotations

from billing.statement import draft
from decide.common import Emitted, Meta, State, contract_of, on_contract, period_matches
from ledger import errors as E
from ledger.periods import bounds, months_of
from schemas import commands as C
from schemas import events as ev


def record_deposit(st: State, c: C.RecordDeposit, m: Meta) -> Emitted:
    contract_of(st, c.contract_id)
    return [on_contract(c.contract_id, ev.DepositReceived(
        contract_id=c.contract_id, amount_fen=c.amount_fen, received_on=c.received_on,
        reference=c.reference, **m))]


def refund_deposit(st: State, c: C.RefundDeposit, m: Meta) -> Emitted:
    state = contract_of(st, c.contract_id)
    if c.amount_fen > state.book.deposit_held:
        raise E.ExceedsDepositHeldError(
            f"only {state.book.deposit_held} fen of deposit is held", "amount_fen")
    return [on_contract(c.contract_id, ev.DepositRefunded(
        contract_id=c.contract_id, amount_fen=c.amount_fen, paid_on=c.paid_on,
        reference=c.reference, **m))]


def record_payment(st: State, c: C.RecordPayment, m: Meta) -> Emitted:
    state = contract_of(st, c.contract_id)
    if c.payment_id in state.payments:
        raise E.PaymentExistsError(f"payment {c.payment_id} exists already", "payment_id")
    reference = c.reference.strip()
    if reference:
        for p in state.payments.values():
            if p.reference.strip() == reference and state.payment_in_force(p.payment_id):
                raise E.ReferenceReusedError(
                    f"payment {p.payment_id} has reference {reference} already: the same transfer "
                    "keyed twice?", "reference")
        for d in state.deposits:
            if d.reference.strip() == reference:
                raise E.ReferenceReusedError(
                    f"a deposit received on {d.received_on} has reference {reference} already",
                    "reference")
    return [on_contract(c.contract_id, ev.PaymentReceived(
        contract_id=c.contract_id, payment_id=c.payment_id, amount_fen=c.amount_fen,
        received_on=c.received_on, reference=c.reference, **m))]


def refund_credit(st: State, c: C.RefundCredit, m: Meta) -> Emitted:
    state = contract_of(st, c.contract_id)
    if c.refund_id in state.refunds:
        raise E.RefundExistsError(f"refund {c.refund_id} exists already", "refund_id")
    if c.amount_fen > state.book.credit:
        raise E.ExceedsCreditError(f"only {state.book.credit} fen of credit is held",
                                   "amount_fen")
    return [on_contract(c.contract_id, ev.CreditRefunded(
        contract_id=c.contract_id, refund_id=c.refund_id, amount_fen=c.amount_fen,
        paid_on=c.paid_on, reference=c.reference, **m))]


def post_adjustment(st: State, c: C.PostAdjustment, m: Meta) -> Emitted:
    state = contract_of(st, c.contract_id)
    if c.adjustment_id.startswith("dispute:"):
        raise E.InvalidValueError("adjustment ids starting with dispute: are kept for upheld disputes",
                                  "adjustment_id")
    if c.adjustment_id in state.adjustments:
        raise E.AdjustmentExistsError(f"adjustment {c.adjustment_id} exists already",
                                      "adjustment_id")
    if c.refers_to is not None:
        period_matches(state, c.refers_to.period, "refers_to.period")
    return [on_contract(c.contract_id, ev.AdjustmentPosted(
        contract_id=c.contract_id, adjustment_id=c.adjustment_id, amount_fen=c.amount_fen,
        reason=c.reason, refers_to=c.refers_to, **m))]


def issue_settlement(st: State, c: C.IssueSettlement, m: Meta) -> Emitted:
    state = contract_of(st, c.contract_id)
    period_matches(state, c.period, "period")
    if c.period in state.issued:
        raise E.PeriodAlreadyIssuedError(f"{c.period} is issued already", "period")
    expected = state.next_to_issue
    if c.period != expected:
        raise E.PeriodOutOfOrderError(f"the next period to issue is {expected}", "period")
    if state.order and c.issued_on < state.issued[state.order[-1]].issued_on:
        raise E.DateOrderError("issued_on is before the previous statement's", "issued_on")
    if not state.prepaid:
        first, last = bounds(c.period)
        end = state.last_service_day
        if end is not None and first <= end < last:  # service ended inside the period
            last = end
        if c.issued_on <= last:
            raise E.PeriodNotEndedError(f"{c.period} has not ended on {c.issued_on}", "period")
    months = {m for q in (*state.order, c.period) for m in months_of(q)}
    activity = state.activity_period_of(c.period)
    if activity is not None:
        months.update(months_of(activity))
    d = draft(state, lambda month: st.month(c.contract_id, month), c.period, c.issued_on,
              versions_now=st.activity_versions(c.contract_id, sorted(months)))
    return [on_contract(c.contract_id, ev.SettlementIssued(
        contract_id=c.contract_id, period=c.period, issued_on=c.issued_on,
        statement=d.statement, final=d.final, billed_adjustments=d.billed_adjustments,
        billed_breaches=d.billed_breaches, billed_late_allocations=d.billed_late_allocations,
        late_fee_exact=d.late_fee_exact,
        corrected=d.checked, versions=d.versions, **m))]
