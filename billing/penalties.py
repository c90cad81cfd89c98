"""The provider's penalty lines: understaffing and QA failures (SPEC §5).

Both are negative: they credit the merchant for work that fell short of the plan
or of the quality standard in the contract's terms.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from billing.calc import Calc
from billing.plan import DayShift
from ledger.contract import ContractState
from ledger.money import ZERO, exact, round_fen
from ledger.periods import bounds, months_of
from schemas import events as ev


def understaffing(state: ContractState, shifts: list[DayShift], period: str) -> Calc:
    """``understaffing``: − missing agent-shifts (planned − billable) × the day's
    ``understaffing_fen`` (SPEC §5)."""
    line = Calc("understaffing", ZERO, 0, set(), {"period": period}, "", [state.signed.command_id])
    for s in shifts:
        if s.missing <= 0:
            continue
        fen = state.terms_on(s.day).penalties.understaffing_fen
        line.amount -= s.missing * fen
        line.quantity += s.missing
        line.units.add(-fen)
        line.evidence += s.evidence
    line.description = f"{period}: {line.quantity} missing agent-shifts"
    return line


def qa_failures(state: ContractState, period: str, cutoff: dt.date | None) -> list[ev.QaInspected]:
    """The inspections dated in the period (before the cutoff) scoring strictly below the
    day's ``min_qa_score``, by date and id."""
    first, last = bounds(period)

    def failed(day: dt.date, score: Decimal) -> bool:
        return (first <= day <= last and (cutoff is None or day < cutoff)
                and score < state.terms_on(day).kpi.min_qa_score)
    found = [qa for month in months_of(period) for qa in state.inspections.dated_in(month, failed)]
    return sorted(found, key=lambda q: (q.date, q.inspection_id))


def qa_penalty(state: ContractState, period: str, cutoff: dt.date | None, service_fee: int) -> Calc:
    """``qa_penalty``: − min(failures × ``qa_failure_fen``, ``qa_cap_rate`` × the period's
    service fee) (SPEC §5; the service fee is passed in, rounded as on the statement)."""
    failures = qa_failures(state, period, cutoff)
    _, last = bounds(period)
    cap = exact(state.terms_on(last).penalties.qa_cap_rate) * service_fee
    raw = sum((Fraction(state.terms_on(q.date).penalties.qa_failure_fen) for q in failures), ZERO)
    units = {-state.terms_on(q.date).penalties.qa_failure_fen for q in failures}
    refs = {"period": period, "inspections": [q.inspection_id for q in failures],
            "cap_fen": round_fen(cap)}
    return Calc("qa_penalty", -min(raw, max(cap, ZERO)), len(failures), units, refs,
                f"{period}: {len(failures)} QA failures", [q.command_id for q in failures])
