"""Contract-breach records (SPEC §6), evaluated on a business date.

Pure: (contract state, month loader, ``on``) -> records. Every recorded fact
counts; only the gates depend on ``on``: a rule about a period applies once
the period has ended (its last day is before ``on``), ``understaffed_shift``
once its date is before ``on``, ``late_payment`` once ``due_on`` < ``on``,
``deposit_late`` once ``service_start`` < ``on``. A ``resolve_breach`` is final.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from fractions import Fraction

import msgspec

from billing.account import allocation_fee
from billing.activity import service_lines
from billing.penalties import qa_failures, qa_penalty
from billing.plan import DayShift, day_shifts
from ledger.activity import MonthActivity
from ledger.contract import ContractState
from ledger.money import ZERO, exact, round_fen, weighted_sum
from ledger.periods import bounds, months_of, next_period
from schemas.reports import BreachRecord

RULES = ("understaffed_shift", "qa_failures", "slow_response", "late_payment",
         "deposit_late", "reported")
ONE_DAY = dt.timedelta(days=1)


def periods_until(state: ContractState, day: dt.date) -> list[str]:
    """The contract's periods from the first one to the one holding ``day``."""
    out: list[str] = []
    period = state.first_period
    while bounds(period)[0] <= day:
        out.append(period)
        period = next_period(period)
    return out


def evaluate(state: ContractState, months: Callable[[str], MonthActivity], on: dt.date,
             rule: str | None = None) -> list[BreachRecord]:
    """Every record on ``on``; with ``rule``, only that rule's records."""
    records: list[BreachRecord] = []
    last_day = on - ONE_DAY
    end = state.last_service_day
    horizon = min(last_day, end) if end is not None else last_day

    def wanted(name: str) -> bool:
        return rule is None or rule == name

    if wanted("understaffed_shift") or wanted("qa_failures") or wanted("slow_response"):
        for period in periods_until(state, horizon):
            ended = bounds(period)[1] < on  # then its shifts before ``on`` are all of them
            shifts = (day_shifts(state, months, period, on)
                      if wanted("understaffed_shift") or (ended and wanted("qa_failures")) else [])
            if wanted("understaffed_shift"):
                records += _understaffed(state, shifts, period)
            if ended:
                records += _qa(state, shifts, period) if wanted("qa_failures") else []
                records += _slow(state, months, period) if wanted("slow_response") else []
    records += _late_payments(state, on) if wanted("late_payment") else []
    records += _deposit(state, on) if wanted("deposit_late") else []
    records += _reported(state) if wanted("reported") else []
    resolved = state.breach_resolutions
    out = []
    for r in records:
        resolution = resolved.get(r.breach_id)
        out.append(r if resolution is None else msgspec.structs.replace(r, status=resolution.outcome))
    return sorted(out, key=lambda r: (r.on, r.breach_id))


def _record(state: ContractState, rule: str, key: str, party: str, period: str, on: dt.date,
            detail: str, evidence: list[str], amount: int, status: str) -> BreachRecord:
    return BreachRecord(f"{state.contract_id}/{rule}/{key}", state.contract_id, party, rule,
                        period, on, detail, list(dict.fromkeys(evidence)), amount, status)


def _understaffed(state: ContractState, shifts: list[DayShift], period: str) -> list[BreachRecord]:
    out = []
    for s in shifts:
        if s.missing <= 0:
            continue
        fen = state.terms_on(s.day).penalties.understaffing_fen
        out.append(_record(
            state, "understaffed_shift", f"{s.day}/{s.code}", "provider", period, s.day,
            f"{s.code} on {s.day}: planned {s.planned}, billable {s.billable}, missing {s.missing}",
            [state.signed.command_id, *s.evidence], -s.missing * fen, "open"))
    return out


def _qa(state: ContractState, shifts: list[DayShift], period: str) -> list[BreachRecord]:
    """The period's QA failures past the threshold, with the ``qa_penalty`` its statement
    bills (capped at a rate of the service fee of ``shifts``, every shift of the period)."""
    failures = qa_failures(state, period, None)
    _, last = bounds(period)
    threshold = state.terms_on(last).penalties.qa_breach_failures
    if len(failures) < threshold:
        return []
    penalty = qa_penalty(state, period, None, service_lines(state, shifts, period)[1])
    return [_record(
        state, "qa_failures", period, "provider", period, failures[threshold - 1].date,
        f"{len(failures)} QA failures in {period} (threshold {threshold})",
        [q.command_id for q in failures], penalty.amount_fen, "open")]


def _slow(state: ContractState, months: Callable[[str], MonthActivity], period: str) -> list[BreachRecord]:
    first, last = bounds(period)
    metrics = [m for month in months_of(period) for m in months(month).metrics
               if first <= m.date <= last]
    sessions = sum(m.sessions for m in metrics)
    if not sessions:
        return []
    mean = weighted_sum((m.sessions, m.avg_first_response_s) for m in metrics) / sessions
    evidence = [m.command_id for m in metrics]
    limit = exact(state.terms_on(last).kpi.max_first_response_s)
    if mean <= limit:
        return []
    return [_record(
        state, "slow_response", period, "provider", period, last,
        f"session-weighted mean first response {decimal_text(mean)} s > {limit} s over {sessions} sessions",
        evidence, 0, "open")]


def decimal_text(value: Fraction) -> str:
    """A rational as a decimal with two places, for details only."""
    hundredths = round_fen(value * 100)
    return f"{'-' if hundredths < 0 else ''}{abs(hundredths) // 100}.{abs(hundredths) % 100:02d}"


def _late_payments(state: ContractState, on: dt.date) -> list[BreachRecord]:
    out = []
    for item in state.book.owed:
        if item.total_fen <= 0 or item.due_on >= on:
            continue
        allocations = [a for a in state.book.allocations if a.statement_no == item.statement_no]
        fees = sum((allocation_fee(state, a) for a in allocations if a.days_late), ZERO)
        evidence = [state.issued[item.period].command_id, *(a.command_id for a in allocations)]
        if item.outstanding == 0:
            assert item.paid_on is not None
            if item.paid_on <= item.due_on:
                continue
            detail = (f"statement {item.statement_no} due {item.due_on} "
                      f"fully paid on {item.paid_on}")
            status = "remedied"
        else:
            detail = (f"statement {item.statement_no} due {item.due_on}: "
                      f"{item.outstanding} fen unpaid")
            status = "open"
        out.append(_record(state, "late_payment", item.statement_no, "merchant", item.period,
                           item.due_on + ONE_DAY, detail, evidence, round_fen(fees), status))
    return out


def _deposit(state: ContractState, on: dt.date) -> list[BreachRecord]:
    start = state.service_start
    required = state.terms_on(start).pricing.deposit_fen
    if required <= 0 or start >= on or state.deposit_received_by(start) >= required:
        return []
    received = sum(d.amount_fen for d in state.deposits)
    status = "remedied" if received >= required else "open"
    return [_record(
        state, "deposit_late", "deposit", "merchant", state.period_of(start), start,
        f"deposit of {required} fen: {state.deposit_received_by(start)} received by {start}",
        [state.signed.command_id, *(d.command_id for d in state.deposits)], 0, status)]


def _reported(state: ContractState) -> list[BreachRecord]:
    return [_record(
        state, "reported", b.breach_id, b.party, state.period_of(b.on), b.on,
        f"{b.kind}: {b.description}", [b.command_id],
        b.penalty_fen if b.party == "merchant" else -b.penalty_fen, "open")
        for b in state.reported.values()]
