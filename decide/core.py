"""One decide function per command type: load, check the rules, return events.

A handler reads state through the workspace, raises a ``LedgerError`` naming
the offending field when a rule is broken, and otherwise returns the events
to append as (stream, event) pairs. Handlers do no I/O of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import msgspec

from ledger import errors as E
from ledger.activity import activity_stream, contract_stream
from ledger.contract import ContractState
from ledger.periods import bounds, matches_cycle, month_of
from ledger.terms import TermsTimeline, changed_immutable
from ledger.validation import schema_error
from schemas import commands as C
from schemas import events as ev
from store.workspace import Workspace

Emitted = list[tuple[str, ev.Event]]
Meta = dict[str, str]
Handler = Callable[[Workspace, Any, Meta], Emitted]
HANDLERS: dict[type, Handler] = {}


def handles(cls: type) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[cls] = fn
        return fn
    return register


def contract_of(ws: Workspace, contract_id: str) -> ContractState:
    state = ws.contract(contract_id)
    if state is None:
        raise E.UnknownContractError(f"contract {contract_id} is not known", "contract_id")
    return state


def on_contract(cid: str, event: ev.Event) -> tuple[str, ev.Event]:
    return contract_stream(cid), event


def on_activity(cid: str, day: dt.date, event: ev.Event) -> tuple[str, ev.Event]:
    return activity_stream(cid, month_of(day)), event


def check_window(state: ContractState, day: dt.date, field: str) -> None:
    if not state.in_window(day):
        raise E.OutsideServiceWindowError(
            f"{day} is outside the service window of contract {state.contract_id}", field)


def check_live(state: ContractState, agent_id: str, day: dt.date) -> None:
    agent = state.agents.get(agent_id)
    if agent is None or not agent.live_on(day):
        raise E.AgentNotLiveError(f"agent {agent_id} is not live on {day}", "agent_id")


def check_last_service_day(state: ContractState, last: dt.date, field: str) -> None:
    if last < state.service_start:
        raise E.DateOrderError(f"{last} is before service_start {state.service_start}", field)
    if state.settled(state.period_of(last)):
        raise E.PeriodSettledError(
            f"{last} falls in the settled period {state.period_of(last)}", field)


# -- contract lifecycle --------------------------------------------------------

@handles(C.SignContract)
def sign_contract(ws: Workspace, c: C.SignContract, m: Meta) -> Emitted:
    if ws.contract(c.contract_id) is not None:
        raise E.ContractExistsError(f"contract {c.contract_id} exists already", "contract_id")
    if c.service_start < c.signed_on:
        raise E.DateOrderError("service_start is before signed_on", "service_start")
    for name in ("trial_end", "term_end"):
        value = getattr(c, name)
        if value is not None and value < c.service_start:
            raise E.DateOrderError(f"{name} is before service_start", name)
    check_plan(c.terms, "terms")
    return [on_contract(c.contract_id, ev.ContractSigned(
        contract_id=c.contract_id, merchant=c.merchant, signed_on=c.signed_on,
        service_start=c.service_start, terms=c.terms, trial_end=c.trial_end,
        term_end=c.term_end, **m))]


def check_plan(terms: Any, path: str) -> None:
    codes = [s.code for s in terms.staffing.shifts]
    for i, code in enumerate(codes):
        if code in codes[:i]:
            raise E.InvalidValueError(f"shift code {code} appears twice",
                                      f"{path}.staffing.shifts[{i}].code")
    seen: set[dt.date] = set()
    for i, special in enumerate(terms.staffing.special_days):
        where = f"{path}.staffing.special_days[{i}]"
        if special.date in seen:
            raise E.InvalidValueError(f"special day {special.date} appears twice", f"{where}.date")
        seen.add(special.date)
        for code in special.agents:
            if code not in codes:
                raise E.UnknownShiftError(f"special day names unknown shift {code}",
                                          f"{where}.agents")


@handles(C.AmendTerms)
def amend_terms(ws: Workspace, c: C.AmendTerms, m: Meta) -> Emitted:
    state = contract_of(ws, c.contract_id)
    last = state.last_service_day
    if state.ended_by_decision and last is not None and c.effective_from > last:
        raise E.ContractEndedError(f"contract {c.contract_id} ended on {last}", "contract_id")
    immutable = changed_immutable(state.terms, c.terms)
    if immutable is not None:
        raise E.ImmutableTermError(f"{immutable} cannot be amended", f"terms.{immutable}")
    try:
        state.timeline.try_amend(c.effective_from, c.terms)
    except msgspec.ValidationError as exc:
        raise schema_error(str(exc), prefix="terms") from None
    for terms in _segments_from(state, c.effective_from, c.terms):
        check_plan(terms, "terms")
    changes = msgspec.to_builtins(c.terms, enc_hook=str)
    return [on_contract(c.contract_id, ev.TermsAmended(
        contract_id=c.contract_id, effective_from=c.effective_from, changes=changes, **m))]


def _segments_from(state: ContractState, day: dt.date, changes: dict[str, Any]) -> list[Any]:
    probe = TermsTimeline(state.timeline.signed)
    for effective_from, _, old in state.timeline.amendments:
        probe.amend(effective_from, old)
    probe.amend(day, changes)
    return [probe.on(day), *(probe.on(d) for d, _, _ in probe.amendments if d > day)]


@handles(C.EndTrial)
def end_trial(ws: Workspace, c: C.EndTrial, m: Meta) -> Emitted:
    state = contract_of(ws, c.contract_id)
    if not state.in_trial:
        raise E.NotInTrialError(f"contract {c.contract_id} is not in trial", "contract_id")
    if state.ended_by_decision:
        raise E.ContractEndedError(f"contract {c.contract_id} has ended", "contract_id")
    if c.outcome == "not_converted":
        check_last_service_day(state, c.on, "on")
    elif c.on < state.service_start:
        raise E.DateOrderError(f"{c.on} is before service_start", "on")
    return [on_contract(c.contract_id, ev.TrialEnded(
        contract_id=c.contract_id, on=c.on, outcome=c.outcome, **m))]


@handles(C.TerminateContract)
def terminate_contract(ws: Workspace, c: C.TerminateContract, m: Meta) -> Emitted:
    state = contract_of(ws, c.contract_id)
    if state.ended_by_decision:
        raise E.ContractEndedError(f"contract {c.contract_id} has ended already", "contract_id")
    check_last_service_day(state, c.last_day, "last_day")
    return [on_contract(c.contract_id, ev.ContractTerminated(
        contract_id=c.contract_id, last_day=c.last_day, initiated_by=c.initiated_by,
        reason=c.reason, **m))]


# -- agents --------------------------------------------------------------------

@handles(C.TrainAgent)
def train_agent(ws: Workspace, c: C.TrainAgent, m: Meta) -> Emitted:
    contract_of(ws, c.contract_id)
    return [on_contract(c.contract_id, ev.AgentTrained(
        contract_id=c.contract_id, agent_id=c.agent_id, name=c.name,
        completed_on=c.completed_on, topics=c.topics, **m))]


@handles(C.AssessAgent)
def assess_agent(ws: Workspace, c: C.AssessAgent, m: Meta) -> Emitted:
    state = contract_of(ws, c.contract_id)
    agent = state.agents.get(c.agent_id)
    if agent is None or not agent.trained:
        raise E.AgentNotTrainedError(f"agent {c.agent_id} is not trained", "agent_id")
    return [on_contract(c.contract_id, ev.AgentAssessed(
        contract_id=c.contract_id, agent_id=c.agent_id, on=c.on, passed=c.passed,
        score=c.score, **m))]


@handles(C.AgentLive)
def agent_live(ws: Workspace, c: C.AgentLive, m: Meta) -> Emitted:
    state = contract_of(ws, c.contract_id)
    agent = state.agents.get(c.agent_id)
    if agent is None or not agent.trained:
        raise E.AgentNotTrainedError(f"agent {c.agent_id} is not trained", "agent_id")
    if not agent.passed:
        raise E.AgentNotAssessedError(f"agent {c.agent_id} has not passed an assessment",
                                      "agent_id")
    for first, last in agent.spans:
        if last is None or c.from_ <= last:
            raise E.AgentAlreadyLiveError(
                f"agent {c.agent_id} is live from {first} to {last or 'open'}", "agent_id")
    return [on_contract(c.contract_id, ev.AgentWentLive(
        contract_id=c.contract_id, agent_id=c.agent_id, from_=c.from_, **m))]


@handles(C.OffboardAgent)
def offboard_agent(ws: Workspace, c: C.OffboardAgent, m: Meta) -> Emitted:
    state = contract_of(ws, c.contract_id)
    agent = state.agents.get(c.agent_id)
    span = agent.open_span if agent is not None else None
    if span is None:
        raise E.AgentNotLiveError(f"agent {c.agent_id} is not live", "agent_id")
    assert span[0] is not None
    if c.last_day < span[0]:
        raise E.DateOrderError(f"last_day is before the agent went live ({span[0]})", "last_day")
    return [on_contract(c.contract_id, ev.AgentOffboarded(
        contract_id=c.contract_id, agent_id=c.agent_id, last_day=c.last_day, **m))]


# -- activity --------------------------------------------------------------------

def _shift_code(state: ContractState, day: dt.date, code: str) -> None:
    if code not in {s.code for s in state.terms_on(day).staffing.shifts}:
        raise E.UnknownShiftError(f"{code} is not a shift of the plan on {day}", "shift")


@handles(C.RecordShift)
def record_shift(ws: Workspace, c: C.RecordShift, m: Meta) -> Emitted:
    state = contract_of(ws, c.contract_id)
    check_window(state, c.date, "date")
    _shift_code(state, c.date, c.shift)
    check_live(state, c.agent_id, c.date)
    bit = ws.agent_bit(c.contract_id, c.agent_id)
    if ws.shifts(c.contract_id, month_of(c.date)).has_shift(bit, c.date, c.shift):
        raise E.ShiftExistsError(
            f"agent {c.agent_id} already has shift {c.shift} on {c.date}", "date")
    return [on_activity(c.contract_id, c.date, ev.ShiftRecorded(
        contract_id=c.contract_id, agent_id=c.agent_id, date=c.date, shift=c.shift, **m))]


@handles(C.RetractShift)
def retract_shift(ws: Workspace, c: C.RetractShift, m: Meta) -> Emitted:
    contract_of(ws, c.contract_id)
    bit = ws.agent_bit(c.contract_id, c.agent_id)
    if not ws.shifts(c.contract_id, month_of(c.date)).has_shift(bit, c.date, c.shift):
        raise E.ShiftNotRecordedError(
            f"no recorded shift {c.shift} of agent {c.agent_id} on {c.date}", "shift")
    return [on_activity(c.contract_id, c.date, ev.ShiftRetracted(
        contract_id=c.contract_id, agent_id=c.agent_id, date=c.date, shift=c.shift,
        reason=c.reason, **m))]


@handles(C.RecordSales)
def record_sales(ws: Workspace, c: C.RecordSales, m: Meta) -> Emitted:
    state = contract_of(ws, c.contract_id)
    check_window(state, c.date, "date")
    check_live(state, c.agent_id, c.date)
    return [on_activity(c.contract_id, c.date, ev.SalesRecorded(
        contract_id=c.contract_id, agent_id=c.agent_id, date=c.date, sales_fen=c.sales_fen,
        orders=c.orders, **m))]


@handles(C.RecordServiceMetrics)
def record_service_metrics(ws: Workspace, c: C.RecordServiceMetrics, m: Meta) -> Emitted:
    state = contract_of(ws, c.contract_id)
    check_window(state, c.date, "date")
    check_live(state, c.agent_id, c.date)
    return [on_activity(c.contract_id, c.date, ev.ServiceMetricsRecorded(
        contract_id=c.contract_id, agent_id=c.agent_id, date=c.date, sessions=c.sessions,
        avg_first_response_s=c.avg_first_response_s, **m))]


@handles(C.RecordQaInspection)
def record_qa_inspection(ws: Workspace, c: C.RecordQaInspection, m: Meta) -> Emitted:
    state = contract_of(ws, c.contract_id)
    if state.has_inspection(c.inspection_id):
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


def period_matches(state: ContractState, period: str, field: str) -> None:
    if not matches_cycle(period, state.cycle):
        raise E.InvalidValueError(
            f"{period} is not a {state.cycle} period of contract {state.contract_id}", field)
    bounds(period)
