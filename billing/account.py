"""The account lines: late fees, adjustments and breach penalties (SPEC §5, §10).

Each bills what the contract recorded and no statement has billed yet; the
statement that issues them records what it billed, so each is billed once.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from billing.calc import Calc
from ledger.account import Allocation
from ledger.contract import ContractState
from ledger.money import ZERO
from ledger.periods import dates


def allocation_fee(state: ContractState, allocation: Allocation) -> Fraction:
    """The exact fee of one late allocation: its amount × each late day's
    ``late_fee_daily_rate`` (the day after ``due_on`` through ``received_on``)."""
    fee = Fraction(0)
    for day in dates(allocation.due_on + dt.timedelta(days=1), allocation.received_on):
        fee += allocation.amount_fen * Fraction(state.terms_on(day).penalties.late_fee_daily_rate)
    return fee


def unbilled_late(state: ContractState) -> list[Allocation]:
    """Late payment allocations no statement in force has named yet."""
    named = {a.key for billed in state.late_billed.values() for a in billed.allocations}
    return [a for a in state.book.late_allocations() if a.key not in named]


def late_fees_billed(state: ContractState) -> Fraction:
    """The exact late fees the statements in force billed."""
    total = ZERO
    for billed in state.late_billed.values():
        if billed.exact is not None:
            total += billed.exact
        else:  # recorded before statements kept the exact amount: no void came before it
            total += sum((allocation_fee(state, a) for a in billed.allocations), ZERO)
    return total


def late_fee_owed(state: ContractState) -> Fraction:
    """The exact late fees of every late allocation as computed now, minus what the
    statements in force billed (SPEC §11; without voids: the unbilled allocations' fees)."""
    now = sum((allocation_fee(state, a) for a in state.book.late_allocations()), ZERO)
    return now - late_fees_billed(state)


def late_fee(state: ContractState) -> list[Calc]:
    """``late_fee``, one line: all late fees as computed now minus those billed by the
    statements in force (SPEC §10, §11). Its refs name the late allocations no
    statement named before; after a voided payment the line may be negative."""
    late = unbilled_late(state)
    amount = late_fee_owed(state)
    if not late and amount == 0:
        return []
    refs = [{"payment_id": a.source_id, "statement_no": a.statement_no,
             "amount_fen": a.amount_fen, "days_late": a.days_late} for a in late]
    description = (f"late fee on {len(late)} late payment allocation(s)" if late
                   else "late fees recomputed after a voided payment")
    billed_from = {a.source_id for billed in state.late_billed.values() for a in billed.allocations}
    voids = [state.voided_payments[p].command_id for p in sorted(billed_from)
             if p in state.voided_payments]  # voids that took back fees billed before
    return [Calc("late_fee", amount, len(late), set(), {"allocations": refs}, description,
                 [a.command_id for a in late] + voids)]


def adjustment(state: ContractState) -> list[Calc]:
    """``adjustment``: each adjustment (posted, or from an upheld dispute) recorded and
    not yet billed, one line each, signed as posted."""
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
    return out


def breach_penalty(state: ContractState) -> list[Calc]:
    """``breach_penalty``: each reported breach's penalty not yet billed, positive when the
    merchant is at fault, negative when the provider is."""
    out = []
    for breach_id in state.unbilled_breaches:
        b = state.reported[breach_id]
        amount = b.penalty_fen if b.party == "merchant" else -b.penalty_fen
        out.append(Calc("breach_penalty", Fraction(amount), 1, {amount},
                        {"breach_id": breach_id, "party": b.party, "kind": b.kind},
                        f"breach {breach_id} ({b.kind}) by the {b.party}", [b.command_id]))
    return out
