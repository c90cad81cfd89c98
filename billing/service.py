"""The service lines: what the merchant pays for the work (SPEC §5).

Each function prices one line code from the contract's terms in effect on
each date and the period's facts, exactly (``Calc``); the statement rounds.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from billing.calc import Calc
from billing.plan import DayShift, MonthLoader, normal_plan, special_day_of
from ledger.contract import ContractState
from ledger.money import ZERO, exact
from ledger.periods import bounds, dates, days_in_month, months_of
from schemas.terms import BasePlusCommission, FixedFee


def _day_rates(state: ContractState, shifts: list[DayShift]) -> dict[dt.date, int | None]:
    """Each day of ``shifts`` once (a day's several shift codes share it): its
    ``shift_rate_fen`` on a normal day, None on a special day of the service window."""
    rates: dict[dt.date, int | None] = {}
    for s in shifts:
        if s.day in rates:
            continue
        terms = state.terms_on(s.day)
        if special_day_of(terms, s.day) is not None and state.in_window(s.day):
            rates[s.day] = None
            continue
        pricing = terms.pricing
        assert isinstance(pricing, BasePlusCommission)
        rates[s.day] = pricing.shift_rate_fen
    return rates


def base(state: ContractState, shifts: list[DayShift], period: str) -> Calc:
    """``base`` (base + commission): billable agent-shifts on non-special days ×
    ``shift_rate_fen`` of each day's terms (SPEC §5); the excess beyond the plan is
    shown in ``refs`` and never billed. Whole fen summed as integers: the same exact sum."""
    line = Calc("base", ZERO, 0, set(), {"period": period, "excess_agent_shifts": 0},
                "", [state.signed.command_id])
    amount = quantity = excess = 0
    rates = _day_rates(state, shifts)
    for s in shifts:
        rate = rates[s.day]
        if rate is None:
            continue
        amount += s.billable * rate
        quantity += s.billable
        excess += s.excess
        if s.billable:
            line.units.add(rate)
        if s.evidence:
            line.evidence += s.evidence
    line.amount += amount
    line.quantity = quantity
    line.refs["excess_agent_shifts"] = excess
    line.description = f"{period}: {line.quantity} billable agent-shifts on normal days"
    return line


def special_day(state: ContractState, shifts: list[DayShift], period: str) -> list[Calc]:
    """``special_day`` (base + commission), one line per special day: billable
    agent-shifts × ``shift_rate_fen`` × the day's ``multiplier`` (SPEC §5)."""
    lines: dict[dt.date, Calc] = {}
    rates = _day_rates(state, shifts)
    for s in shifts:
        if rates[s.day] is not None:  # a normal day
            continue
        terms = state.terms_on(s.day)
        pricing = terms.pricing
        special = special_day_of(terms, s.day)
        assert isinstance(pricing, BasePlusCommission) and special is not None
        line = lines.get(s.day) or lines.setdefault(s.day, Calc(
            "special_day", ZERO, 0, set(),
            {"period": period, "date": s.day.isoformat(), "multiplier": str(special.multiplier),
             "label": special.label, "excess_agent_shifts": 0},
            "", [state.signed.command_id]))
        line.amount += s.billable * pricing.shift_rate_fen * exact(special.multiplier)
        line.quantity += s.billable
        line.refs["excess_agent_shifts"] += s.excess
        if s.billable:
            line.units.add(pricing.shift_rate_fen)
        line.evidence += s.evidence
    for day, line in lines.items():
        label = line.refs["label"] or "special day"
        line.description = (f"{label} {day.isoformat()}: {line.quantity} agent-shifts"
                            f" x {line.unit_fen} x {line.refs['multiplier']}")
    return [lines[d] for d in sorted(lines)]


def commission(state: ContractState, months: MonthLoader, period: str,
               cutoff: dt.date | None) -> Calc:
    """``commission`` (base + commission): Σ ``sales_fen`` dated in the period (before
    the cutoff) × the ``commission_rate`` in effect on each sale's date (SPEC §5)."""
    first, last = bounds(period)
    by_rate: dict[Any, int] = {}  # rate -> sales at that rate: one exact product per rate
    evidence = []
    for month in months_of(period):
        for day, sales_fen, command_id in months(month).sale_rows():
            if not first <= day <= last or (cutoff is not None and day >= cutoff):
                continue
            pricing = state.terms_on(day).pricing
            assert isinstance(pricing, BasePlusCommission)
            rate = pricing.commission_rate
            by_rate[rate] = by_rate.get(rate, 0) + sales_fen
            if command_id is not None:
                evidence.append(command_id)
    total = sum(by_rate.values())
    amount = sum((fen * exact(rate) for rate, fen in by_rate.items()), ZERO)
    rates = {str(rate) for rate in by_rate}
    refs: dict[str, Any] = {"period": period}
    if len(rates) == 1:
        refs["commission_rate"] = next(iter(rates))
    return Calc("commission", amount, total, set(), refs,
                f"{period}: commission on sales of {total} fen", evidence)


def fixed_fee(state: ContractState, period: str) -> Calc:
    """``fixed_fee``: Σ over the service days d of the period of ``monthly_fee_fen``(d) ÷
    the days of d's month (SPEC §5)."""
    first, last = bounds(period)
    amount, days, fees = ZERO, 0, set()
    for day in dates(first, last):
        if not state.in_window(day):
            continue
        pricing = state.terms_on(day).pricing
        assert isinstance(pricing, FixedFee)
        amount += Fraction(pricing.monthly_fee_fen, days_in_month(day))
        days += 1
        fees.add(pricing.monthly_fee_fen)
    evidence = [state.signed.command_id, *(a.command_id for a in state.amendment_log)]
    refs: dict[str, Any] = {"period": period, "service_days": days}
    if len(fees) == 1:
        refs["monthly_fee_fen"] = next(iter(fees))
    return Calc("fixed_fee", amount, days, set(), refs,
                f"{period}: fixed fee for {days} service days", evidence)


def extra_shifts(state: ContractState, shifts: list[DayShift], period: str) -> list[Calc]:
    """``extra_shifts`` (fixed fee), one line per special day: Σ over codes of
    max(0, billable − the normal plan's agents) × ``extra_shift_fen`` × ``multiplier``
    (SPEC §5)."""
    lines: dict[dt.date, Calc] = {}
    for s in shifts:
        terms = state.terms_on(s.day)
        special = special_day_of(terms, s.day)
        if special is None:
            continue
        pricing = terms.pricing
        assert isinstance(pricing, FixedFee)
        extra = max(0, s.billable - normal_plan(terms, s.day, s.code))
        line = lines.get(s.day) or lines.setdefault(s.day, Calc(
            "extra_shifts", ZERO, 0, set(),
            {"period": period, "date": s.day.isoformat(), "multiplier": str(special.multiplier),
             "label": special.label}, "", [state.signed.command_id]))
        line.amount += extra * pricing.extra_shift_fen * exact(special.multiplier)
        line.quantity += extra
        if extra:
            line.units.add(pricing.extra_shift_fen)
        line.evidence += s.evidence
    for day, line in lines.items():
        line.description = f"{line.refs['label'] or 'special day'} {day}: {line.quantity} extra agent-shifts"
    return [lines[d] for d in sorted(lines)]
