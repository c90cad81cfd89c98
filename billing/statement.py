"""The statement of a period: one pure function for issuing, drafts and rebuilds.

``draft(state, months, period, issued_on)`` returns the complete statement
(lines, totals, account) and what issuing it consumes (adjustments, breach
penalties, late-fee allocations). Issuing stores the result in the event;
rebuilding calls the same function on the state as it was and must get the
same bytes. The lines come from one function per line code (``billing.service``,
``billing.penalties``, ``billing.account``, ``billing.correction``); this module
orders them, rounds each once, and adds the totals and the account (SPEC §5).

Corrections are recomputed only for the earlier settled periods that may have
changed since they were last billed (activity streams moved on, or a
contract-level fact dated inside or before them arrived).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from billing.account import adjustment, breach_penalty, late_fee, unbilled_late
from billing.activity import activity_lines
from billing.calc import Calc
from billing.correction import correction
from billing.plan import MonthLoader
from billing.service import fixed_fee
from ledger.contract import ContractState
from ledger.money import exact, round_fen
from ledger.periods import bounds, months_of
from schemas import events as ev
from schemas.reports import Account, Line, Statement


@dataclass
class Draft:
    statement: Statement
    final: bool
    calcs: list[Calc]
    billed_adjustments: list[str] = field(default_factory=list)
    billed_breaches: list[str] = field(default_factory=list)
    billed_late_allocations: list[int] = field(default_factory=list)
    late_fee_exact: str | None = None
    checked: list[str] = field(default_factory=list)
    versions: dict[str, dict[str, int]] = field(default_factory=dict)


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
        calcs += activity_lines(state, months, activity_period, issued_on)
    draft_ = Draft(_placeholder(), False, calcs)
    fees = late_fee(state)
    calcs += fees
    draft_.billed_late_allocations = [a.seq for a in unbilled_late(state)]
    if fees:
        owed = fees[0].amount
        draft_.late_fee_exact = f"{owed.numerator}/{owed.denominator}"
    calcs += adjustment(state)
    draft_.billed_adjustments = list(state.unbilled_adjustments)
    calcs += breach_penalty(state)
    draft_.billed_breaches = list(state.unbilled_breaches)
    to_check = correct if correct is not None else candidates(state, period, versions_now)
    calcs += correction(state, months, period, activity_period, issued_on, to_check)
    draft_.checked = sorted(set(to_check))
    now = versions_now or {}
    recomputed = [*to_check, period] + ([activity_period] if activity_period else [])
    draft_.versions = {q: {m: now.get(m, 0) for m in months_of(q)} for q in sorted(set(recomputed))}
    draft_.final = is_final(state, period, issued_on)
    draft_.statement = _assemble(state, period, issued_on, calcs, draft_.final)
    return draft_


def reissue(state: ContractState, months: MonthLoader, event: ev.SettlementIssued) -> Draft:
    """The statement ``event`` issued, computed again from the contract as it was just
    before it (``state``) and the months as they were then: rebuild and ``explain``
    must get the stored bytes back."""
    return draft(state, months, event.period, event.issued_on, correct=event.corrected)


def candidates(state: ContractState, period: str,
               versions_now: dict[str, int] | None) -> list[str]:
    """Issued periods before ``period`` that may need a correction."""
    if versions_now is None:
        return [q for q in state.order if q != period]
    return [q for q in state.order if q != period and state.may_have_changed(q, versions_now)]


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
        statement_no=state.statement_no(period),
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
