"""Decide functions of disputes and breaches: open, resolve, report, resolve a record."""

from __future__ import annotations

from decide.common import Emitted, Meta, State, contract_of, on_contract
from ledger import errors as E
from ledger.activity import MonthActivity
from ledger.streams import dispute_stream
from projections.breaches import RULES, evaluate
from schemas import commands as C
from schemas import events as ev


def open_dispute(st: State, c: C.OpenDispute, m: Meta) -> Emitted:
    state = contract_of(st, c.contract_id)
    if st.dispute_owner(c.dispute_id) is not None:
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


def resolve_dispute(st: State, c: C.ResolveDispute, m: Meta) -> Emitted:
    owner = st.dispute_owner(c.dispute_id)
    if owner is None:
        raise E.UnknownDisputeError(f"dispute {c.dispute_id} is not known", "dispute_id")
    state = contract_of(st, owner)
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
    if c.outcome == "upheld" and c.adjustment_fen and f"dispute:{c.dispute_id}" in state.adjustments:
        raise E.AdjustmentExistsError(
            f"adjustment dispute:{c.dispute_id} exists already", "dispute_id")
    if c.outcome == "upheld" and c.adjustment_fen:
        refers = C.RefersTo(period=dispute.opened.period, line=dispute.opened.line)  # type: ignore[arg-type]
        out.append(on_contract(owner, ev.AdjustmentPosted(
            contract_id=owner, adjustment_id=f"dispute:{c.dispute_id}",
            amount_fen=c.adjustment_fen, reason=f"dispute {c.dispute_id} upheld: {c.note}",
            refers_to=refers, dispute_id=c.dispute_id, **m)))
    return out


def report_breach(st: State, c: C.ReportBreach, m: Meta) -> Emitted:
    state = contract_of(st, c.contract_id)
    if c.breach_id in state.reported:
        raise E.BreachExistsError(f"breach {c.breach_id} exists already", "breach_id")
    return [on_contract(c.contract_id, ev.BreachReported(
        contract_id=c.contract_id, breach_id=c.breach_id, party=c.party, kind=c.kind,
        on=c.on, description=c.description, penalty_fen=c.penalty_fen, **m))]


def resolve_breach(st: State, c: C.ResolveBreach, m: Meta) -> Emitted:
    contract_id, rule = split_breach_id(c.breach_id, RULES)
    state = st.contract(contract_id) if contract_id else None
    if state is None or contract_id is None:
        raise E.UnknownBreachError(f"breach {c.breach_id} is not known", "breach_id")
    def months(month: str) -> MonthActivity:
        return st.full_month(state.contract_id, month)
    records = {r.breach_id: r for r in evaluate(state, months, c.on, rule)}
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
