"""The activity of one period priced line by line (pure).

For every date of the period before the cutoff, and every shift code of that
date's plan: planned agent-shifts (SPEC §4), billable = min(planned, distinct
live agents with a recorded, unretracted shift), excess and missing. Each line
is an exact rational amount, rounded later, once, by the statement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ledger.activity import MonthActivity, MonthShifts
from ledger.contract import ContractState
from ledger.money import ZERO, exact, round_fen
from ledger.periods import bounds, dates, days_in_month, months_of
from schemas import events as ev
from schemas.terms import BasePlusCommission, FixedFee, Terms

MonthLoader = Callable[[str], MonthActivity | MonthShifts]  # light months price a statement
FullLoader = Callable[[str], MonthActivity]  # evidence and metrics need the full month


@dataclass
class Calc:
    """A line before rounding."""

    code: str
    amount: Fraction
    quantity: int
    units: set[int]
    refs: dict[str, Any]
    description: str
    evidence: list[str] = field(default_factory=list)

    @property
    def amount_fen(self) -> int:
        return round_fen(self.amount)

    @property
    def unit_fen(self) -> int | None:
        return next(iter(self.units)) if len(self.units) == 1 else None


def special_day(terms: Terms, day: dt.date) -> Any:
    for special in terms.staffing.special_days:
        if special.date == day:
            return special
    return None


def normal_plan(terms: Terms, day: dt.date, code: str) -> int:
    if day.isoweekday() not in terms.staffing.weekdays:
        return 0
    for shift in terms.staffing.shifts:
        if shift.code == code:
            return shift.agents
    return 0


def planned(state: ContractState, terms: Terms, day: dt.date, code: str) -> int:
    if not state.in_window(day):
        return 0
    special = special_day(terms, day)
    if special is not None and code in special.agents:
        return int(special.agents[code])
    return normal_plan(terms, day, code)


@dataclass
class DayShift:
    day: dt.date
    code: str
    planned: int
    billable: int
    excess: int
    evidence: list[str]

    @property
    def missing(self) -> int:
        return self.planned - self.billable


def day_shifts(state: ContractState, months: MonthLoader, period: str,
               cutoff: dt.date | None) -> list[DayShift]:
    """Every (date, plan code) of the period before the cutoff, with its counts."""
    first, last = bounds(period)
    if cutoff is not None:
        last = min(last, cutoff - dt.timedelta(days=1))
    out: list[DayShift] = []
    loaded = {m: months(m) for m in months_of(period)}
    for day in dates(first, last):
        terms = state.terms_on(day)
        activity = loaded[day.isoformat()[:7]]
        for shift in terms.staffing.shifts:
            plan = planned(state, terms, day, shift.code)
            live = [cmd or agent for agent, cmd in activity.agents_on(day, shift.code)
                    if (a := state.agents.get(agent)) is not None and a.live_on(day)]
            billable = min(plan, len(live))
            if plan or live:
                out.append(DayShift(day, shift.code, plan, billable, len(live) - billable,
                                    sorted(live)))
    return out


def priced_lines(state: ContractState, months: MonthLoader, period: str,
                 cutoff: dt.date | None) -> list[Calc]:
    """The activity lines of ``period``: base/special_day/commission or extra_shifts,
    then understaffing and qa_penalty (whose cap needs the service fee)."""
    shifts = day_shifts(state, months, period, cutoff)
    signed = state.signed_position
    lines: list[Calc] = []
    if state.fixed:
        lines += _extra_shifts(state, shifts, period)
        service_fee = fixed_fee(state, period).amount_fen + sum(c.amount_fen for c in lines)
    else:
        lines += _base_and_special(state, shifts, period)
        service_fee = sum(c.amount_fen for c in lines)
        lines += _commission(state, months, period, cutoff)
    lines += _understaffing(state, shifts, period)
    lines += _qa(state, period, cutoff, service_fee)
    del signed
    return lines


def _base_and_special(state: ContractState, shifts: list[DayShift], period: str) -> list[Calc]:
    base = Calc("base", ZERO, 0, set(), {"period": period, "excess_agent_shifts": 0},
                "", [state.signed.command_id])
    specials: dict[dt.date, Calc] = {}
    for s in shifts:
        terms = state.terms_on(s.day)
        pricing = terms.pricing
        assert isinstance(pricing, BasePlusCommission)
        special = special_day(terms, s.day)
        if special is None or not state.in_window(s.day):
            line = base
            line.amount += s.billable * pricing.shift_rate_fen
        else:
            line = specials.get(s.day) or specials.setdefault(s.day, Calc(
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
    base.description = f"{period}: {base.quantity} billable agent-shifts on normal days"
    for day, line in specials.items():
        label = line.refs["label"] or "special day"
        line.description = (f"{label} {day.isoformat()}: {line.quantity} agent-shifts"
                            f" x {line.unit_fen} x {line.refs['multiplier']}")
    return [base, *(specials[d] for d in sorted(specials))]


def _commission(state: ContractState, months: MonthLoader, period: str,
                cutoff: dt.date | None) -> list[Calc]:
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
    return [Calc("commission", amount, total, set(), refs,
                 f"{period}: commission on sales of {total} fen", evidence)]


def fixed_fee(state: ContractState, period: str) -> Calc:
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


def _extra_shifts(state: ContractState, shifts: list[DayShift], period: str) -> list[Calc]:
    lines: dict[dt.date, Calc] = {}
    for s in shifts:
        terms = state.terms_on(s.day)
        special = special_day(terms, s.day)
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


def _understaffing(state: ContractState, shifts: list[DayShift], period: str) -> list[Calc]:
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
    return [line]


def qa_failures(state: ContractState, period: str, cutoff: dt.date | None) -> list[ev.QaInspected]:
    first, last = bounds(period)

    def failed(day: dt.date, score: Decimal) -> bool:
        return (first <= day <= last and (cutoff is None or day < cutoff)
                and score < state.terms_on(day).kpi.min_qa_score)
    found = [qa for month in months_of(period) for qa in state.inspections(month, failed)]
    return sorted(found, key=lambda q: (q.date, q.inspection_id))


def _qa(state: ContractState, period: str, cutoff: dt.date | None, service_fee: int) -> list[Calc]:
    failures = qa_failures(state, period, cutoff)
    _, last = bounds(period)
    cap = exact(state.terms_on(last).penalties.qa_cap_rate) * service_fee
    raw = sum((Fraction(state.terms_on(q.date).penalties.qa_failure_fen) for q in failures), ZERO)
    units = {-state.terms_on(q.date).penalties.qa_failure_fen for q in failures}
    refs = {"period": period, "inspections": [q.inspection_id for q in failures],
            "cap_fen": round_fen(cap)}
    return [Calc("qa_penalty", -min(raw, max(cap, ZERO)), len(failures), units, refs,
                 f"{period}: {len(failures)} QA failures", [q.command_id for q in failures])]
