"""The plan against the work: planned, billable, excess and missing agent-shifts (SPEC §4).

For every date of a period before the cutoff and every shift code of that
date's plan: planned agent-shifts, billable = min(planned, distinct live agents
with a recorded, unretracted shift), the excess beyond the plan and the
missing ones. The line functions of ``billing.service`` and
``billing.penalties`` price these counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ledger.activity import Month
from ledger.contract import ContractState
from ledger.periods import bounds, dates, month_of, months_of
from schemas.terms import SpecialDay, Terms

MonthLoader = Callable[[str], Month]  # a month of activity by "YYYY-MM"


def special_day_of(terms: Terms, day: dt.date) -> SpecialDay | None:
    """The plan's special day on ``day``, if any."""
    for special in terms.staffing.special_days:
        if special.date == day:
            return special
    return None


def normal_plan(terms: Terms, day: dt.date, code: str) -> int:
    """The shift's agents when ``day``'s weekday is worked, else 0 (special days ignored)."""
    if day.isoweekday() not in terms.staffing.weekdays:
        return 0
    for shift in terms.staffing.shifts:
        if shift.code == code:
            return shift.agents
    return 0


@dataclass
class DayShift:
    day: dt.date
    code: str
    planned: int
    billable: int
    excess: int
    evidence: list[str]  # command ids of the recorded shifts (none from a light month)

    @property
    def missing(self) -> int:
        return self.planned - self.billable


def day_shifts(state: ContractState, months: MonthLoader, period: str,
               cutoff: dt.date | None) -> list[DayShift]:
    """Every (date, plan code) of the period before the cutoff with work planned or done."""
    first, last = bounds(period)
    if cutoff is not None:
        last = min(last, cutoff - dt.timedelta(days=1))
    out: list[DayShift] = []
    loaded = {m: months(m) for m in months_of(period)}
    agents = state.agents
    for day in dates(first, last):
        terms = state.terms_on(day)
        activity = loaded[month_of(day)]
        plans = _plans(state, terms, day)
        for shift in terms.staffing.shifts:
            plan = plans[shift.code]
            live = [(agent, cmd) for agent, cmd in activity.agents_on(day, shift.code)
                    if (a := agents.get(agent)) is not None and a.live_on(day)]
            billable = min(plan, len(live))
            if plan or live:
                evidence = sorted(cmd for _, cmd in live if cmd is not None) if live else []
                out.append(DayShift(day, shift.code, plan, billable, len(live) - billable, evidence))
    return out


def _plans(state: ContractState, terms: Terms, day: dt.date) -> dict[str, int]:
    """Planned agent-shifts (SPEC §4) of every shift code of ``day``'s plan: the special
    day's count for the codes it names, else the normal plan; 0 outside the service window."""
    if not state.in_window(day):
        return dict.fromkeys((shift.code for shift in terms.staffing.shifts), 0)
    special = special_day_of(terms, day)
    worked = day.isoweekday() in terms.staffing.weekdays
    plans: dict[str, int] = {}
    for shift in terms.staffing.shifts:  # the first shift of a code sets its normal plan
        if shift.code in plans:
            continue
        if special is not None and shift.code in special.agents:
            plans[shift.code] = int(special.agents[shift.code])
        else:
            plans[shift.code] = shift.agents if worked else 0
    return plans
