"""Decide functions for money: deposits, payments, refunds, settlement,
adjustments, disputes and breaches."""

from __future__ import annotations

import datetime as dt

from billing.statement import draft
from decide.core import (
    Emitted,
    Meta,
    contract_of,
    handles,
    on_contract,
    period_matches,
)
from ledger import errors as E
from ledger.activity import dispute_stream
from ledger.periods import bounds, months_of
from projections.breaches import RULES, evaluate
from schemas import commands as C
from schemas import events as ev
from store.workspace import Workspace


@handles(C.RecordDeposit)
def record_deposit(ws: Workspace, c: C.RecordDeposit, m: Meta) -> Emitted:
    contract_of(ws, c.contract_id)
    return [on_contract(c.contract_id, ev.DepositReceived(
        contract_id=c.contract_id, amount_fen=c.amount_fen, received_on=c.received_on,
        reference=c.reference, **m))]


@handles(C.RefundDeposit)
def refund_deposit(ws: Workspace, c: C.RefundDeposit, m: Meta) -> Emitted:
    state = contract_of(ws, c.contract_id)
    if c.amount_fen > state.book.deposit_held:
        raise E.ExceedsDepositHeldError(
            f"only {state.book.deposit_held} fen of deposit is held", "amount_fen")
    return [on_contract(c.contract_id, ev.DepositRefunded(
        contract_id=c.contract_id, amount_fen=c.amount_fen, paid_on=c.paid_on,
        reference=c.reference, **m))]


@handles(C.RecordPayment)
def record_payment(ws: Workspace, c: C.RecordPayment, m: Meta) -> Emitted:
    state = contract_of(ws, c.contract_id)
    if c.payment_id in state.payments:
        raise E.PaymentExistsError(f"payment {c.payment_id} exists already", "payment_id")
    return [on_contract(c.contract_id, ev.PaymentReceived(
        contract_id=c.contract_id, payment_id=c.payment_id, amount_fen=c.amount_fen,
        received_on=c.received_on, reference=c.reference, **m))]


@handles(C.RefundCredit)
def refund_credit(ws: Workspace, c: C.RefundCredit, m: Meta) -> Emitted:
    state = contract_of(ws, c.contract_id)
    if c.refund_id in state.refunds:
        raise E.RefundExistsError(f"refund {c.refund_id} exists already", "refund_id")
    if c.amount_fen > state.book.credit:
        raise E.ExceedsCreditError(f"only {state.book.credit} fen of credit is held",
                                   "amount_fen")
    return [on_contract(c.contract_id, ev.CreditRefunded(
        contract_id=c.contract_id, refund_id=c.refund_id, amount_fen=c.amount_fen,
        paid_on=c.paid_on, reference=c.reference, **m))]


@handles(C.PostAdjustment)
def post_adjustment(ws: Workspace, c: C.PostAdjustment, m: Meta) -> Emitted:
    state = contract_of(ws, c.contract_id)
    if c.adjustment_id in state.adjustments:
        raise E.AdjustmentExistsError(f"adjustment {c.adjustment_id} exists already",
                                      "adjustment_id")
    if c.refers_to is not None:
        period_matches(state, c.refers_to.period, "refers_to.period")
    return [on_contract(c.contract_id, ev.AdjustmentPosted(
        contract_id=c.contract_id, adjustment_id=c.adjustment_id, amount_fen=c.amount_fen,
        reason=c.reason, refers_to=c.refers_to, **m))]


@handles(C.OpenDispute)
def open_dispute(ws: Workspace, c: C.OpenDispute, m: Meta) -> Emitted:
    state = contract_of(ws, c.contract_id)
    if ws.dispute_owner(c.dispute_id) is not None:
        raise E.DisputeExistsError(f"dispute {c.dispute_id} exists already", "dispute_id")
    if c.period not in state.issued:
        raise E.StatementNotIssuedError(
            f"statement {c.contract_id}-{c.period} has not been issued", "period")
    return [
        (dispute_stream(c.dispute_id), ev.DisputeRegistered(
            contract_id=c.contract_id, dispute_id=c.dispute_id, **m)),
        on_contract(c.contract_id, ev.DisputeOpened(
            contract_id=c.contract_id, dispute_id=c.dispute_id, period=c.period, line=c.line,
            claim_fen=c.claim_fen, opened_on=c.opened_on, note=c.note, **m)),
    ]


@handles(C.ResolveDispute)
def resolve_dispute(ws: Workspace, c: C.ResolveDispute, m: Meta) -> Emitted:
    owner = ws.dispute_owner(c.dispute_id)
    if owner is None:
        raise E.UnknownDisputeError(f"dispute {c.dispute_id} is not known", "dispute_id")
    state = contract_of(ws, owner)
    dispute = state.disputes[c.dispute_id]
    if dispute.resolved is not None:
        raise E.DisputeNotOpenError(f"dispute {c.dispute_id} is resolved already", "dispute_id")
    if c.outcome == "upheld" and c.adjustment_fen is None:
        raise E.MissingFieldError("an upheld dispute needs adjustment_fen", "adjustment_fen")
    if c.outcome == "rejected" and c.adjustment_fen:
        raise E.InvalidValueError("a rejected dispute carries no adjustment", "adjustment_fen")
    if c.resolved_on < dispute.opened.opened_on:
        raise E.DateOrderError("resolved_on is before opened_on", "resolved_on")
    out: Emitted = [on_contract(owner, ev.DisputeResolved(
        contract_id=owner, dispute_id=c.dispute_id, resolved_on=c.resolved_on,
        outcome=c.outcome, note=c.note, adjustment_fen=c.adjustment_fen, **m))]
    if c.outcome == "upheld" and c.adjustment_fen:
        refers = C.RefersTo(period=dispute.opened.period, line=dispute.opened.line)  # type: ignore[arg-type]
        out.append(on_contract(owner, ev.AdjustmentPosted(
            contract_id=owner, adjustment_id=f"dispute:{c.dispute_id}",
            amount_fen=c.adjustment_fen, reason=f"dispute {c.dispute_id} upheld: {c.note}",
            refers_to=refers, dispute_id=c.dispute_id, **m)))
    return out


@handles(C.ReportBreach)
def report_breach(ws: Workspace, c: C.ReportBreach, m: Meta) -> Emitted:
    state = contract_of(ws, c.contract_id)
    if c.breach_id in state.reported:
        raise E.BreachExistsError(f"breach {c.breach_id} exists already", "breach_id")
    return [on_contract(c.contract_id, ev.BreachReported(
        contract_id=c.contract_id, breach_id=c.breach_id, party=c.party, kind=c.kind,
        on=c.on, description=c.description, penalty_fen=c.penalty_fen, **m))]


@handles(C.ResolveBreach)
def resolve_breach(ws: Workspace, c: C.ResolveBreach, m: Meta) -> Emitted:
    contract_id, rule = split_breach_id(c.breach_id, RULES)
    state = ws.contract(contract_id) if contract_id else None
    if state is None or contract_id is None:
        raise E.UnknownBreachError(f"breach {c.breach_id} is not known", "breach_id")
    loader = ws.full_loader(state.contract_id)
    records = {r.breach_id: r for r in evaluate(state, loader, c.on + dt.timedelta(days=1), rule)}
    record = records.get(c.breach_id)
    if record is None:
        raise E.UnknownBreachError(f"breach {c.breach_id} is not known", "breach_id")
    if record.status != "open":
        raise E.BreachNotOpenError(f"breach {c.breach_id} is {record.status}", "breach_id")
    return [on_contract(contract_id, ev.BreachResolved(
        contract_id=contract_id, breach_id=c.breach_id, outcome=c.outcome, on=c.on,
        note=c.note, **m))]


def split_breach_id(breach_id: str, rules: tuple[str, ...]) -> tuple[str | None, str | None]:
    """``CONTRACT/RULE/KEY`` -> (contract id, rule); contract ids may hold slashes."""
    for rule in rules:
        at = breach_id.find(f"/{rule}/")
        if at > 0:
            return breach_id[:at], rule
    return None, None


@handles(C.IssueSettlement)
def issue_settlement(ws: Workspace, c: C.IssueSettlement, m: Meta) -> Emitted:
    state = contract_of(ws, c.contract_id)
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
    d = draft(state, ws.light_loader(c.contract_id), c.period, c.issued_on,
              versions_now=ws.activity_versions(c.contract_id, sorted(months)))
    return [on_contract(c.contract_id, ev.SettlementIssued(
        contract_id=c.contract_id, period=c.period, issued_on=c.issued_on,
        statement=d.statement, final=d.final, billed_adjustments=d.billed_adjustments,
        billed_breaches=d.billed_breaches, billed_late_allocations=d.billed_late_allocations,
        corrected=d.checked, versions=d.versions, **m))]
