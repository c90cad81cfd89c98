"""Decide functions of agents: trained, assessed, live, offboarded (SPEC §1 steps 3-4)."""

from __future__ import annotations

from decide.common import Emitted, Meta, State, contract_of, on_contract
from ledger import errors as E
from schemas import commands as C
from schemas import events as ev


def train_agent(st: State, c: C.TrainAgent, m: Meta) -> Emitted:
    contract_of(st, c.contract_id)
    return [on_contract(c.contract_id, ev.AgentTrained(
        contract_id=c.contract_id, agent_id=c.agent_id, name=c.name,
        completed_on=c.completed_on, topics=c.topics, **m))]


def assess_agent(st: State, c: C.AssessAgent, m: Meta) -> Emitted:
    state = contract_of(st, c.contract_id)
    agent = state.agents.get(c.agent_id)
    if agent is None or not agent.trained:
        raise E.AgentNotTrainedError(f"agent {c.agent_id} is not trained", "agent_id")
    return [on_contract(c.contract_id, ev.AgentAssessed(
        contract_id=c.contract_id, agent_id=c.agent_id, on=c.on, passed=c.passed,
        score=c.score, **m))]


def agent_live(st: State, c: C.AgentLive, m: Meta) -> Emitted:
    state = contract_of(st, c.contract_id)
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


def offboard_agent(st: State, c: C.OffboardAgent, m: Meta) -> Emitted:
    state = contract_of(st, c.contract_id)
    agent = state.agents.get(c.agent_id)
    span = agent.open_span if agent is not None else None
    if span is None:
        raise E.AgentNotLiveError(f"agent {c.agent_id} is not live", "agent_id")
    assert span[0] is not None
    if c.last_day < span[0]:
        raise E.DateOrderError(f"last_day is before the agent went live ({span[0]})", "last_day")
    return [on_contract(c.contract_id, ev.AgentOffboarded(
        contract_id=c.contract_id, agent_id=c.agent_id, last_day=c.last_day, **m))]
