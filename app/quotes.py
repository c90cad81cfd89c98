"""Quotes in the store, and how a contract signed from one turned out (SPEC §12).

- ``quote_rows``: ``ledger quotes``, every quote with the contracts signed from it.
- ``quote_of`` / ``shown``: one quote as issued (``ledger quote show``): the
  stored profile and result, never recomputed.
- ``result_plain``: a result as §12 item 5 prints it; each proposed ``terms``
  goes through ``ledger.terms.to_plain``, so encoded with
  ``decimal_format="number"`` it is a body ``sign_contract`` accepts as it is.
- ``compare`` (``ledger quote compare``): per period of a contract signed from
  a quote, over the service days of the period before ``on``: the quote's plan
  and the contract's plan in agent-shifts, the agent-shifts worked, the quote's
  forecast inquiries and the sessions recorded, the quote's price for the
  contract's model (per service day: the monthly price over the days of its
  month, summed exactly and rounded once) and the subtotal of the period's
  statement once issued. For a prepaid contract that statement bills the
  period's fee and the previous period's activity.
- ``plan_warnings_of`` (``ledger calendar check``, and beside ``compare``):
  ``quote.calendar.plan_warnings`` over each stretch of the contract's terms
  (amendments split them), from ``service_start`` to the last service day, or
  for an open-ended contract to a year after ``on``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import msgspec

from app.errors import ReportError
from app.reports import contract_state
from billing.plan import day_shifts
from decide.quotes import last_valid_day
from ledger.contract import ContractState
from ledger.money import round_fen
from ledger.periods import PeriodError, bounds, check_period, dates, days_in_month, next_period
from ledger.streams import CONTRACT, QUOTE, quote_stream
from ledger.terms import to_plain
from quote.calendar import plan_warnings
from quote.plan import HOURS, dec4, forecast, uplift
from schemas import events as ev
from schemas.quote import CompareRow, Comparison, PlanWarningRow, QuoteResult, QuoteRow
from schemas.terms import FixedFee, Staffing
from store.eventstore import Store
from store.view import View

OPEN_ENDED_CHECK = dt.timedelta(days=365)  # how far an open-ended contract's plan is checked


def quote_events(store: Store) -> list[ev.QuoteIssued]:
    """Every quote, by quote id."""
    return [r.event for r in store.first_events(f"{QUOTE}:") if isinstance(r.event, ev.QuoteIssued)]


def signed_from(store: Store) -> dict[str, list[str]]:
    """Quote id -> the contracts signed from it (by contract id)."""
    out: dict[str, list[str]] = {}
    for rec in store.first_events(f"{CONTRACT}:"):
        if isinstance(rec.event, ev.ContractSigned) and rec.event.quote_id is not None:
            out.setdefault(rec.event.quote_id, []).append(rec.event.contract_id)
    return out


def quote_rows(store: Store) -> list[QuoteRow]:
    contracts = signed_from(store)
    return [QuoteRow(q.quote_id, q.merchant.id, q.merchant.name, q.merchant.platform, q.issued_on,
                     last_valid_day(q), q.result.monthly_agent_shifts, q.result.monthly_estimate_fen,
                     q.result.fixed_fee_fen, contracts.get(q.quote_id, []))
            for q in quote_events(store)]


def quote_of(store: Store, quote_id: str) -> ev.QuoteIssued:
    for rec in store.stream(quote_stream(quote_id)):
        if isinstance(rec.event, ev.QuoteIssued):
            return rec.event
    raise ReportError(f"quote {quote_id} is not known")


def result_plain(result: QuoteResult) -> dict[str, Any]:
    """§12 item 5 as plain values (see the module docstring)."""
    plain: dict[str, Any] = msgspec.to_builtins(result, enc_hook=str)
    plain["terms_proposed"] = {"base_plus_commission": to_plain(result.terms_proposed.base_plus_commission),
                               "fixed_fee": to_plain(result.terms_proposed.fixed_fee)}
    return plain


def shown(store: Store, q: ev.QuoteIssued) -> dict[str, Any]:
    """``ledger quote show --json``: the quote as issued, with the contracts signed from it."""
    return {"quote_id": q.quote_id, "merchant": msgspec.to_builtins(q.merchant),
            "issued_on": q.issued_on.isoformat(), "valid_days": q.valid_days,
            "valid_until": last_valid_day(q).isoformat(), "recorded_at": q.recorded_at,
            "contracts": signed_from(store).get(q.quote_id, []),
            "profile": msgspec.to_builtins(q.profile, enc_hook=str), "result": result_plain(q.result)}


# -- the plan against the calendar --------------------------------------------------------


Stretch = tuple[dt.date, dt.date, Staffing]


def _stretches(state: ContractState, first: dt.date, last: dt.date) -> list[Stretch]:
    """(from, to, staffing) for each stretch of unchanged terms between first and last."""
    starts = sorted({first, *(d for d, _, _ in state.timeline.amendments if first < d <= last)})
    ends = [s - dt.timedelta(days=1) for s in starts[1:]] + [last]
    return [(s, e, state.terms_on(s).staffing) for s, e in zip(starts, ends, strict=True)]


def plan_warnings_of(state: ContractState, on: dt.date) -> list[PlanWarningRow]:
    """The calendar's warnings about a contract's plan (see the module docstring)."""
    last = state.last_service_day or max(on, state.service_start) + OPEN_ENDED_CHECK
    out: list[PlanWarningRow] = []
    seen: set[tuple[str, dt.date]] = set()
    for first, end, staffing in _stretches(state, state.service_start, last):
        for w in plan_warnings(staffing, first, end):
            if (w.code, w.date) not in seen:  # an unknown year is said once
                seen.add((w.code, w.date))
                out.append(PlanWarningRow(state.contract_id, w.code, w.date, w.message))
    return sorted(out, key=lambda w: (w.date, w.code))


def calendar_check(store: Store, contract_id: str | None, on: dt.date) -> list[PlanWarningRow]:
    view = View(store)
    if contract_id:
        contract_state(view, contract_id)
    return [w for state in view.contracts(contract_id) for w in plan_warnings_of(state, on)]


# -- the contract against its quote -----------------------------------------------------------


def _quoted_on(staffing: Staffing, day: dt.date) -> int:
    """Agent-shifts the quote's plan has on ``day`` (its special day, else its weekday plan)."""
    special = next((s for s in staffing.special_days if s.date == day), None)
    normal = day.isoweekday() in staffing.weekdays
    return sum(int(special.agents[s.code]) if special is not None and s.code in special.agents
               else (s.agents if normal else 0) for s in staffing.shifts)


class _Forecast:
    """The quote's forecast of a date's inquiries, exact, from its stored profile."""

    def __init__(self, q: ev.QuoteIssued) -> None:
        profile = q.profile
        table = forecast(profile.history, [d.date for d in profile.history_special_days])
        self.daily = {w: sum((table[w, h] for h in HOURS), Fraction(0)) for w in range(1, 8)}
        uplifts = uplift(profile.history, profile.history_special_days, table)
        self.factor = {d.date: uplifts.get(d.like, Fraction(1)) if d.like is not None else Fraction(1)
                       for d in profile.special_days}

    def on(self, day: dt.date) -> Fraction:
        return self.daily[day.isoweekday()] * self.factor.get(day, Fraction(1))


def _periods(state: ContractState, on: dt.date, only: str | None) -> list[str]:
    last = min(on - dt.timedelta(days=1), state.last_service_day or on)
    out: list[str] = []
    period = state.first_period
    while bounds(period)[0] <= last:
        out.append(period)
        period = next_period(period)
    return [p for p in out if only is None or p == only]


def compare(store: Store, contract_id: str, period: str | None, on: dt.date) -> Comparison:
    view = View(store)
    state = contract_state(view, contract_id)
    quote_id = state.signed.quote_id
    if quote_id is None:
        raise ReportError(f"contract {contract_id} was not signed from a quote (sign_contract.quote_id)")
    q = quote_of(store, quote_id)
    if period is not None:
        try:
            check_period(period, state.cycle)
        except PeriodError as exc:
            raise ReportError(f"{exc} (contract {contract_id})") from None
    fixed = isinstance(state.terms.pricing, FixedFee)
    monthly = q.result.fixed_fee_fen if fixed else q.result.monthly_estimate_fen
    quoted_plan = q.result.terms_proposed.base_plus_commission.staffing
    predicted = _Forecast(q)
    rows = [_row(state, view, p, on, quoted_plan, predicted, monthly)
            for p in _periods(state, on, period)]
    return Comparison(contract_id, quote_id, q.merchant.id, state.signed.signed_on, q.issued_on,
                      "fixed_fee" if fixed else "base_plus_commission", monthly,
                      q.result.monthly_agent_shifts, on, [r for r in rows if r is not None],
                      plan_warnings_of(state, on))


def _row(state: ContractState, view: View, period: str, on: dt.date, quoted_plan: Staffing,
         predicted: _Forecast, monthly: int) -> CompareRow | None:
    first, last = bounds(period)
    counted = [d for d in dates(first, min(last, on - dt.timedelta(days=1))) if state.in_window(d)]
    if not counted:
        return None
    kept = set(counted)
    shifts = [s for s in day_shifts(state, view.loader(state.contract_id), period, on) if s.day in kept]
    sessions = sum(m.sessions for month in {d.isoformat()[:7] for d in counted}
                   for m in view.month(state.contract_id, month).metrics if m.date in kept)
    price = sum((Fraction(monthly, days_in_month(d)) for d in counted), Fraction(0))
    issued = state.issued.get(period)
    statement = issued.event.statement if issued is not None else None
    return CompareRow(
        period=period, first=counted[0], last=counted[-1], days=len(counted),
        quoted_agent_shifts=sum(_quoted_on(quoted_plan, d) for d in counted),
        planned_agent_shifts=sum(s.planned for s in shifts),
        worked_agent_shifts=sum(s.billable + s.excess for s in shifts),
        forecast_inquiries=dec4(sum((predicted.on(d) for d in counted), Fraction(0))),
        sessions=sessions, quoted_fen=round_fen(price),
        statement_no=statement.statement_no if statement is not None else None,
        billed_subtotal_fen=statement.subtotal_fen if statement is not None else None)


def rows_plain(rows: Iterable[msgspec.Struct]) -> list[dict[str, Any]]:
    return [msgspec.to_builtins(r, enc_hook=str) for r in rows]
