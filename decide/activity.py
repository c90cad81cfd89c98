"""Decide functions of the work done: shifts, sales, service metrics, QA inspections."""

from __future__ import annotations

import datetime as dt

from decide.common import (
    Emitted,
    Meta,
    State,
    check_live,
    check_window,
    contract_of,
    on_activity,
    on_contract,
)
from ledger import errors as E
from ledger.contract import ContractState
from ledger.periods import month_of
from schemas import commands as C
from schemas import events as ev


def _shift_code(state: ContractState, day: dt.date, code: str) -> None:
    for shift in state.terms_on(day).staffing.shifts:
        if shift.code == code:
            return
    raise E.UnknownShiftError(f"{code} is not a shift of the plan on {day}", "shift")


def record_shift(st: State, c: C.RecordShift, m: Meta) -> Emitted:
    state = contract_of(st, c.contract_id)
    check_window(state, c.date, "date")
    _shift_code(state, c.date, c.shift)
    check_live(state, c.agent_id, c.date)
    if st.month(c.contract_id, month_of(c.date)).has_shift(c.agent_id, c.date, c.shift):
        raise E.ShiftExistsError(
            f"agent {c.agent_id} already has shift {c.shift} on {c.date}", "date")
    return [on_activity(c.contract_id, c.date, ev.ShiftRecorded(
        contract_id=c.contract_id, agent_id=c.agent_id, date=c.date, shift=c.shift, **m))]


def retract_shift(st: State, c: C.RetractShift, m: Meta) -> Emitted:
    contract_of(st, c.contract_id)
    if not st.month(c.contract_id, month_of(c.date)).has_shift(c.agent_id, c.date, c.shift):
        raise E.ShiftNotRecordedError(
            f"no recorded shift {c.shift} of agent {c.agent_id} on {c.date}", "shift")
    return [on_activity(c.contract_id, c.date, ev.ShiftRetracted(
        contract_id=c.contract_id, agent_id=c.agent_id, date=c.date, shift=c.shift,
        reason=c.reason, **m))]


def record_sales(st: State, c: C.RecordSales, m: Meta) -> Emitted:
    state = contract_of(st, c.contract_id)
    check_window(state, c.date, "date")
    check_live(state, c.agent_id, c.date)
    return [on_activity(c.contract_id, c.date, ev.SalesRecorded(
        contract_id=c.contract_id, agent_id=c.agent_id, date=c.date, sales_fen=c.sales_fen,
        orders=c.orders, **m))]


def record_service_metrics(st: State, c: C.RecordServiceMetrics, m: Meta) -> Emitted:
    state = contract_of(st, c.contract_id)
    check_window(state, c.date, "date")
    check_live(state, c.agent_id, c.date)
    return [on_activity(c.contract_id, c.date, ev.ServiceMetricsRecorded(
        contract_id=c.contract_id, agent_id=c.agent_id, date=c.date, sessions=c.sessions,
        avg_first_response_s=c.avg_first_response_s, **m))]


def record_qa_inspection(st: State, c: C.RecordQaInspection, m: Meta) -> Emitted:
    state = contract_of(st, c.contract_id)
    if c.inspection_id in state.inspections:
        raise E.InspectionExistsError(f"inspection {c.inspection_id} exists already",
                                      "inspection_id")
    check_window(state, c.date, "date")
    agent = state.agents.get(c.agent_id)
    if agent is None or not agent.trained:
        raise E.AgentNotTrainedError(f"agent {c.agent_id} is not trained on this contract",
                                     "agent_id")
    return [on_contract(c.contract_id, ev.QaInspected(
        contract_id=c.contract_id, inspection_id=c.inspection_id, agent_id=c.agent_id,
        date=c.date, score=c.score, sampled_sessions=c.sampled_sessions, **m))]
