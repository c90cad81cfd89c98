"""A period's activity priced line by line: the lines a statement bills for the work
of its activity period, and that corrections recompute for earlier periods."""

from __future__ import annotations

import datetime as dt

from billing.calc import Calc
from billing.penalties import qa_penalty, understaffing
from billing.plan import DayShift, MonthLoader, day_shifts
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
    lines, service_fee = service_lines(state, shifts, period)
    if not state.fixed:
        lines.append(commission(state, months, period, cutoff))
    lines.append(understaffing(state, shifts, period))
    lines.append(qa_penalty(state, period, cutoff, service_fee))
    return lines


def service_lines(state: ContractState, shifts: list[DayShift], period: str) -> tuple[list[Calc], int]:
    """The lines pricing the agent-shifts (base and special_day, or extra_shifts) and the
    service fee the QA cap is a rate of: theirs, plus the fixed fee under a fixed fee."""
    if state.fixed:
        lines = extra_shifts(state, shifts, period)
        return lines, fixed_fee(state, period).amount_fen + sum(c.amount_fen for c in lines)
    lines = [base(state, shifts, period), *special_day(state, shifts, period)]
    return lines, sum(c.amount_fen for c in lines)
