"""The statement of a period: one pure function for issuing, drafts and rebuilds.

``draft(state, months, period, issued_on)`` returns the complete statement
(lines, totals, account) and what issuing it consumes (adjustments, breach
penalties, late-fee allocations). Issuing stores the result in the event;
rebuilding calls the same function on the state as it was and must get the
same bytes.

Corrections: for each earlier settled period Q that may have changed since it
was last billed (activity streams moved on, or a contract-level fact dated
inside or before Q arrived), and each correctable code, the code's lines for Q
computed now (each rounded as on a statement) minus all that was billed for Q
and that code so far; one line per non-zero difference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from billing.lines import Calc, MonthLoader, fixed_fee, priced_lines
from ledger.contract import ContractState
from ledger.money import ZERO, exact, round_fen
from ledger.periods import bounds, months_of
from schemas.reports import Account, Line, Statement

ACTIVITY_CODES_BPC = ("base", "special_day", "commission", "understaffing", "qa_penalty")
ACTIVITY_CODES_FIXED = ("extra_shifts", "understaffing", "qa_penalty")
ONE_DAY = dt.timedelta(days=1)


@dataclass
class Draft:
    statement: Statement
    final: bool
    calcs: list[Calc]
    billed_adjustments: list[str] = field(default_factory=list)
    billed_breaches: list[str] = field(default_factory=list)
    billed_late_allocations: list[int] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    versions: dict[str, dict[str, int]] = field(default_factory=dict)


def activity_codes(state: ContractState) -> tuple[str, ...]:
    return ACTIVITY_CODES_FIXED if state.fixed else ACTIVITY_CODES_BPC


def is_final(state: ContractState, period: str, issued_on: dt.date) -> bool:
    last = state.last_service_day
    if last is None or issued_on <= last or state.final_issued:
        return False
    return bounds(period)[1] >= last


def draft(state: ContractState, months: MonthLoader, period: str, issued_on: dt.date,
          correct: list[str] | None = None, versions_now: dict[str, int] | None = None) -> Draft:
    """The statement that issuing ``period`` on ``issued_on`` produces.

    ``correct`` names the earlier periods to recompute (a rebuild passes what
    the issue recorded); otherwise, given the contract's current month
    activity versions, only the periods that may have changed since they were
    last billed; with neither, every issued period.
    """
    calcs: list[Calc] = []
    activity_period = state.activity_period_of(period)
    if state.fixed and state.prepaid:
        calcs.append(fixed_fee(state, period))
    if activity_period is not None:
        if state.fixed and not state.prepaid:
            calcs.append(fixed_fee(state, activity_period))
        calcs += priced_lines(state, months, activity_period, issued_on)
    draft_ = Draft(_placeholder(), False, calcs)
    calcs += _late_fees(state, draft_)
    calcs += _adjustments(state, draft_)
    calcs += _breach_penalties(state, draft_)
    to_check = correct if correct is not None else candidates(state, period, versions_now)
    calcs += _corrections(state, months, period, activity_period, issued_on, to_check)
    draft_.checked = sorted(set(to_check))
    now = versions_now or {}
    recomputed = [*to_check, period] + ([activity_period] if activity_period else [])
    draft_.versions = {q: {m: now.get(m, 0) for m in months_of(q)} for q in sorted(set(recomputed))}
    draft_.final = is_final(state, period, issued_on)
    draft_.statement = _assemble(state, period, issued_on, calcs, draft_.final)
    return draft_


def candidates(state: ContractState, period: str,
               versions_now: dict[str, int] | None) -> list[str]:
    """Issued periods before ``period`` that may need a correction."""
    if versions_now is None:
        return [q for q in state.order if q != period]
    return [q for q in state.order if q != period and state.may_have_changed(q, versions_now)]


def _corrections(state: ContractState, months: MonthLoader, period: str,
                 activity_period: str | None, issued_on: dt.date, periods: list[str]) -> list[Calc]:
    out: list[Calc] = []
    for q in sorted(set(periods)):
        now: dict[str, int] = {}
        evidence: dict[str, list[str]] = {}
        if q != activity_period and state.settled(q):
            for calc in priced_lines(state, months, q, issued_on):
                now[calc.code] = now.get(calc.code, 0) + calc.amount_fen
                evidence.setdefault(calc.code, []).extend(calc.evidence)
            for code in activity_codes(state):
                now.setdefault(code, 0)
        if state.fixed and q != period and state.fee_settled(q):
            fee = fixed_fee(state, q)
            now["fixed_fee"] = fee.amount_fen
            evidence["fixed_fee"] = fee.evidence
        for code in _code_order(now):
            diff = now[code] - state.billed.get((q, code), 0)
            if diff:
                out.append(Calc("correction", Fraction(diff), 1, {diff},
                                {"period": q, "line": code},
                                f"correction of {code} for {q}", evidence.get(code, [])))
    return out


def _code_order(now: dict[str, int]) -> list[str]:
    order = ("fixed_fee", *ACTIVITY_CODES_BPC, "extra_shifts")
    return [c for c in order if c in now]


def _late_fees(state: ContractState, d: Draft) -> list[Calc]:
    late = state.book.unbilled_late()
    if not late:
        return []
    amount = sum((state.late_fee(a) for a in late), ZERO)
    refs = []
    for a in late:
        refs.append({"payment_id": a.source_id, "statement_no": a.statement_no,
                     "amount_fen": a.amount_fen, "days_late": a.days_late})
    d.billed_late_allocations = [a.seq for a in late]
    return [Calc("late_fee", amount, len(late), set(), {"allocations": refs},
                 f"late fee on {len(late)} late payment allocation(s)",
                 [a.command_id for a in late])]


def _adjustments(state: ContractState, d: Draft) -> list[Calc]:
    out = []
    for adjustment_id in state.unbilled_adjustments:
        adj = state.adjustments[adjustment_id]
        refs: dict[str, Any] = {"adjustment_id": adjustment_id}
        if adj.refers_to is not None:
            refs["refers_to"] = {"period": adj.refers_to.period, "line": adj.refers_to.line}
        evidence = [adj.command_id]
        if adj.dispute_id is not None:
            refs["dispute_id"] = adj.dispute_id
            dispute = state.disputes.get(adj.dispute_id)
            if dispute is not None:
                evidence.insert(0, dispute.opened.command_id)
        out.append(Calc("adjustment", Fraction(adj.amount_fen), 1, {adj.amount_fen}, refs,
                        f"adjustment {adjustment_id}: {adj.reason}", evidence))
    d.billed_adjustments = list(state.unbilled_adjustments)
    return out


def _breach_penalties(state: ContractState, d: Draft) -> list[Calc]:
    out = []
    for breach_id in state.unbilled_breaches:
        b = state.reported[breach_id]
        amount = b.penalty_fen if b.party == "merchant" else -b.penalty_fen
        out.append(Calc("breach_penalty", Fraction(amount), 1, {amount},
                        {"breach_id": breach_id, "party": b.party, "kind": b.kind},
                        f"breach {breach_id} ({b.kind}) by the {b.party}", [b.command_id]))
    d.billed_breaches = list(state.unbilled_breaches)
    return out


def _assemble(state: ContractState, period: str, issued_on: dt.date, calcs: list[Calc],
              final: bool) -> Statement:
    lines = [Line(c.code, c.description, c.quantity, c.unit_fen, c.amount_fen, c.refs)
             for c in calcs if c.amount_fen != 0]
    if not lines:
        code = "fixed_fee" if state.fixed else "base"
        lines = [Line(code, f"{period}: nothing to bill", 0, None, 0, {"period": period})]
    terms = state.terms_on(issued_on)
    subtotal = sum(line.amount_fen for line in lines)
    tax = round_fen(subtotal * exact(terms.tax_rate))
    total = subtotal + tax
    book = state.book
    opening, payments = book.closing, book.payments_since_statement
    before_deposit = opening - payments + total
    applying = final or state.final_issued
    deposit = min(book.deposit_held, max(0, before_deposit)) if applying else 0
    return Statement(
        contract_id=state.contract_id,
        period=period,
        statement_no=f"{state.contract_id}-{period}",
        status="issued",
        issued_on=issued_on,
        due_on=issued_on + dt.timedelta(days=terms.payment_due_days),
        lines=lines,
        subtotal_fen=subtotal,
        tax_rate=str(terms.tax_rate),
        tax_fen=tax,
        total_fen=total,
        account=Account(opening, payments, deposit, before_deposit - deposit),
    )


def _placeholder() -> Statement:
    return Statement("", "", "", "", dt.date.min, dt.date.min, [], 0, "0", 0, 0, Account(0, 0, 0, 0))
