"""Consultation and quote (SPEC §12): from a shop's inquiry history to a plan and a price.

Pure functions, no I/O, one per step of §12, and ``quote`` chaining them.
Inquiries, uplifts, loads, occupancy and prices are exact rationals
(``Fraction``); the only floats are inside the Erlang C service level
(``quote.erlang``). Shown numbers are rounded once, half away from zero:
money to the fen (``ledger.money.round_fen``), the rest to 4 decimals.

Beyond §12's list, the result reports ``uncovered``: per weekday, the forecast
inquiries that no shift staffs (hours outside every shift; every hour of a
weekday outside the plan).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

from ledger.errors import LedgerError, OutOfRangeError
from ledger.money import exact, round_fen
from quote.check import check_profile, path, shift_hours
from quote.erlang import agents_for_hour
from quote.terms import terms_proposed
from schemas.quote import (
    ForecastRow,
    HistoryRow,
    HistorySpecialDay,
    PlannedShift,
    PlannedSpecialDay,
    QuoteProfile,
    QuoteResult,
    QuoteShift,
    QuoteSpecialDay,
    Uncovered,
)
from schemas.types import MAX_FEN

Table = dict[tuple[int, int], Fraction]  # (ISO weekday, hour) -> inquiries
WEEKDAYS = range(1, 8)
HOURS = range(24)
MONTH_OF_WEEKS = Fraction(365, 84)  # 365 days / 12 months / 7 weekdays


def dec4(value: Fraction) -> str:
    """An exact rational as a string with exactly 4 decimals, half away from zero."""
    scaled = round_fen(value * 10_000)
    whole, part = divmod(abs(scaled), 10_000)
    return f"{'-' if scaled < 0 else ''}{whole}.{part:04d}"


def daily(history: Iterable[HistoryRow]) -> dict[dt.date, list[int]]:
    """The listed dates, each with its 24 hourly counts (a missing hour is 0)."""
    days: dict[dt.date, list[int]] = {}
    for row in history:
        days.setdefault(row.date, [0] * 24)[row.hour] += row.inquiries
    return days


def forecast(history: Iterable[HistoryRow], special: Iterable[dt.date]) -> Table:
    """λ(w, h) = mean inquiries at h over the listed non-special dates of weekday w; 0 with none
    (§12 step 1)."""
    skip = set(special)
    sums = dict.fromkeys(_keys(), 0)
    dates = dict.fromkeys(WEEKDAYS, 0)
    for day, hours in daily(history).items():
        if day in skip:
            continue
        weekday = day.isoweekday()
        dates[weekday] += 1
        for hour, count in enumerate(hours):
            sums[weekday, hour] += count
    return {(w, h): Fraction(sums[w, h], dates[w]) if dates[w] else Fraction(0) for w, h in _keys()}


def uplift(history: Iterable[HistoryRow], special: Sequence[HistorySpecialDay],
           table: Table) -> dict[str, Fraction]:
    """Per label: the inquiries of its listed history special days ÷ the forecast of their
    weekdays, all hours; 1 when that forecast is 0 (§12 step 1)."""
    days = daily(history)
    out: dict[str, Fraction] = {}
    for label in dict.fromkeys(d.label for d in special):
        listed = [d.date for d in special if d.label == label and d.date in days]
        seen = sum(sum(days[d]) for d in listed)
        expected = sum((table[d.isoweekday(), h] for d in listed for h in HOURS), Fraction(0))
        out[label] = Fraction(seen) / expected if expected else Fraction(1)
    return out


def scheduled(agents: int, min_agents: int, shrinkage: Fraction) -> int:
    """max(min_agents, ⌈n / (1 - shrinkage)⌉), exact (§12 step 2)."""
    share = Fraction(agents) / (1 - shrinkage)
    return max(min_agents, -(-share.numerator // share.denominator))


def staffer(profile: QuoteProfile) -> Callable[[Fraction], tuple[int, int]]:
    """λ -> (Erlang C agents, scheduled agents) for the profile's service, remembered per λ."""
    service = profile.service
    target, occupancy = exact(service.service_level), exact(service.max_occupancy)
    shrinkage = exact(profile.shrinkage)
    known: dict[Fraction, tuple[int, int]] = {}

    def staff(inquiries: Fraction) -> tuple[int, int]:
        if inquiries not in known:
            n = agents_for_hour(inquiries, profile.aht_s, profile.concurrency,
                                service.answer_within_s, target, occupancy)
            known[inquiries] = (n, scheduled(n, profile.min_agents, shrinkage))
        return known[inquiries]

    return staff


def plan_shifts(shifts: Sequence[QuoteShift], weekdays: Sequence[int],
                staffed: dict[tuple[int, int], int]) -> list[PlannedShift]:
    """Each shift's agents: the largest scheduled number over the plan's weekdays and the
    hours it covers (§12 step 3)."""
    return [PlannedShift(s.code, s.start, s.end,
                         max(staffed[w, h] for w in weekdays for h in shift_hours(s)))
            for s in shifts]


def plan_special_days(days: Sequence[QuoteSpecialDay], shifts: Sequence[QuoteShift], table: Table,
                      uplifts: dict[str, Fraction], staff: Callable[[Fraction], tuple[int, int]],
                      multiplier: Decimal) -> list[PlannedSpecialDay]:
    """Per special day and shift: the largest scheduled number over the shift's hours with
    λ = forecast(weekday of the date, h) * uplift of ``like`` (1 without one) (§12 step 3)."""
    out = []
    for day in days:
        factor = uplifts.get(day.like, Fraction(1)) if day.like is not None else Fraction(1)
        weekday = day.date.isoweekday()
        agents = {s.code: max(staff(table[weekday, h] * factor)[1] for h in shift_hours(s)) for s in shifts}
        out.append(PlannedSpecialDay(day.date, day.kind, day.label, agents, str(multiplier)))
    return out


def monthly_agent_shifts(shifts: Sequence[PlannedShift], weekdays: Sequence[int]) -> Fraction:
    """M = (Σ over the plan's weekdays and shifts of agents) * 365 / 84, exact (§12 step 4)."""
    return len(weekdays) * sum(s.agents for s in shifts) * MONTH_OF_WEEKS


def monthly_estimate(m: Fraction, shift_rate_fen: int, commission_rate: Decimal, sales_fen: int) -> int:
    """Base + commission: round(M * shift_rate_fen + commission_rate * monthly_sales_fen) (§12 step 4)."""
    return round_fen(m * shift_rate_fen + exact(commission_rate) * sales_fen)


def fixed_fee(m: Fraction, shift_rate_fen: int, fixed_premium: Decimal) -> int:
    """Fixed fee: round(M * shift_rate_fen * (1 + fixed_premium)) (§12 step 4)."""
    return round_fen(m * shift_rate_fen * (1 + exact(fixed_premium)))


def uncovered(table: Table, shifts: Sequence[QuoteShift], weekdays: Sequence[int]) -> list[Uncovered]:
    """Per weekday, the forecast inquiries no shift staffs: the hours outside every shift,
    every hour on a weekday outside the plan."""
    covered = {h for s in shifts for h in shift_hours(s)}
    return [Uncovered(w, dec4(sum((table[w, h] for h in HOURS if w not in weekdays or h not in covered),
                                  Fraction(0))))
            for w in WEEKDAYS]


def quote(profile: QuoteProfile, at: str = "profile") -> QuoteResult:
    """The whole of §12: check, forecast, uplift, agents per hour, plan, price, terms.

    ``at`` is the path of the profile in its command, for error fields.
    """
    check_profile(profile, at)
    table = forecast(profile.history, [d.date for d in profile.history_special_days])
    uplifts = uplift(profile.history, profile.history_special_days, table)
    staff = staffer(profile)
    by_history = _named(staff, path(at, "history"))
    staffed = {key: by_history(table[key]) for key in _keys()}
    shifts = plan_shifts(profile.shifts, profile.weekdays, {k: v[1] for k, v in staffed.items()})
    special = plan_special_days(profile.special_days, profile.shifts, table, uplifts,
                                _named(staff, path(at, "special_days")), profile.rates.special_multiplier)
    m = monthly_agent_shifts(shifts, profile.weekdays)
    rates = profile.rates
    estimate = monthly_estimate(m, rates.shift_rate_fen, rates.commission_rate, profile.monthly_sales_fen)
    fixed = fixed_fee(m, rates.shift_rate_fen, rates.fixed_premium)
    if max(estimate, fixed) > MAX_FEN:
        raise OutOfRangeError(f"the monthly price is above {MAX_FEN} fen", path(at, "rates.shift_rate_fen"))
    return QuoteResult(
        forecast=[ForecastRow(w, h, dec4(table[w, h]), *staffed[w, h]) for w, h in _keys()],
        uplift={label: dec4(value) for label, value in uplifts.items()},
        shifts=shifts, special_days=special, monthly_agent_shifts=dec4(m),
        monthly_estimate_fen=estimate, fixed_fee_fen=fixed,
        uncovered=uncovered(table, profile.shifts, profile.weekdays),
        terms_proposed=terms_proposed(profile, shifts, special, fixed),
    )


def _keys() -> list[tuple[int, int]]:
    return [(w, h) for w in WEEKDAYS for h in HOURS]


def _named(staff: Callable[[Fraction], tuple[int, int]], field: str) -> Callable[[Fraction], tuple[int, int]]:
    """``staff`` with its range errors naming ``field``."""
    def named(inquiries: Fraction) -> tuple[int, int]:
        try:
            return staff(inquiries)
        except LedgerError as exc:
            if exc.field is None:
                exc.field = field
            raise
    return named
