"""A period's activity priced line by line: the lines a statement bills for the work
of its activity period, and that corrections recompute for earlier periods."""

from __future__ import annotations

import datetime as dt

from billing.calc import Calc
from billing.penalties import qa_penalty, understaffing
from billing.plan import MonthLoader, day_shifts
from billing.service import base, commission, extra_shifts, fixed_fee, special_day
from ledger.contract import ContractState

ACTIVITY_CODES_BPC = ("base", "special_day", "commission", "understaffing", "qa_penalty")
ACTIVITY_CODES_FIXED = ("extra_shifts", "understaffing", "qa_penalty")


def activity_codes(state: ContractState) -> tuple[str, ...]:
    """The line codes that price a period's activity under the contract's model."""
    return ACTIVITY_CODES_FIXED if state.fixed else ACTIVITY_CODES_BPC


def activity_lines(state: ContractState, months: MonthLoader, period: str,
                   cutoff: dt.date | None) -> list[Calc]:
    """base, special_day and commission (or extra_shifts), then understaffing and
    qa_penalty, whose cap needs the service fee of the lines before it."""
    shifts = day_shifts(state, months, period, cutoff)
    lines: list[Calc] = []
    if state.fixed:
        lines += extra_shifts(state, shifts, period)
        service_fee = fixed_fee(state, period).amount_fen + sum(c.amount_fen for c in lines)
    else:
        lines += [base(state, shifts, period), *special_day(state, shifts, period)]
        service_fee = sum(c.amount_fen for c in lines)
        lines.append(commission(state, months, period, cutoff))
    lines.append(understaffing(state, shifts, period))
    lines.append(qa_penalty(state, period, cutoff, service_fee))
    return lines
