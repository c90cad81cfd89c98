"""decide.agents: train_agent, assess_agent, agent_live, offboard_agent (SPEC §3, §10).

An agent is trained, passes an assessment (any passed one counts), goes live
from a date and is offboarded on a last day; overlapping live spans are
``agent_already_live``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from builders import cmd, sign

from schemas import events as ev

from .given import Memory, covers, emits, given, rejects, when


def train(agent: str = "a1", contract_id: str = "C1") -> dict[str, Any]:
    return cmd("train_agent", contract_id, agent_id=agent, name=f"Agent {agent}",
               completed_on="2026-02-25", topics=["platform rules", "scripts"])


def assess(agent: str = "a1", passed: bool = True, score: int = 90) -> dict[str, Any]:
    return cmd("assess_agent", agent_id=agent, on="2026-02-26", passed=passed, score=score)


def live(from_: str, agent: str = "a1") -> dict[str, Any]:
    return cmd("agent_live", agent_id=agent, **{"from": from_})


def offboard(last_day: str, agent: str = "a1") -> dict[str, Any]:
    return cmd("offboard_agent", agent_id=agent, last_day=last_day)


# ------------------------------------------------------------------ train_agent


@covers("train_agent")
def test_train_agent_emits_agent_trained() -> None:
    state = given(sign("C1"))
    ((stream, event),) = emits(state, train())
    assert stream == "contract:C1"
    assert isinstance(event, ev.AgentTrained)
    assert (event.agent_id, event.name, event.completed_on, event.topics) == (
        "a1", "Agent a1", date(2026, 2, 25), ["platform rules", "scripts"])
    assert state.of("C1").agents["a1"].trained


def test_train_agent_on_an_unknown_contract_is_unknown_contract() -> None:
    error = rejects(Memory(), train())
    assert (error.code, error.field) == ("unknown_contract", "contract_id")


# ------------------------------------------------------------------ assess_agent


@covers("assess_agent")
def test_assess_agent_emits_agent_assessed() -> None:
    (event,) = when(given(sign("C1"), train()), assess(score=92))
    assert isinstance(event, ev.AgentAssessed)
    assert (event.agent_id, event.on, event.passed, event.score) == ("a1", date(2026, 2, 26), True, 92)


def test_assess_an_untrained_agent_is_agent_not_trained() -> None:
    error = rejects(given(sign("C1")), assess())
    assert (error.code, error.field) == ("agent_not_trained", "agent_id")


def test_assess_an_agent_trained_on_another_contract_is_agent_not_trained() -> None:
    state = given(sign("C1"), sign("C2"), train("a1", "C2"))
    error = rejects(state, assess())
    assert (error.code, error.field) == ("agent_not_trained", "agent_id")


# ------------------------------------------------------------------ agent_live


@covers("agent_live")
def test_agent_live_emits_agent_went_live() -> None:
    state = given(sign("C1"), train(), assess())
    (event,) = when(state, live("2026-03-02"))
    assert isinstance(event, ev.AgentWentLive)
    assert (event.agent_id, event.from_) == ("a1", date(2026, 3, 2))
    agent = state.of("C1").agents["a1"]
    assert not agent.live_on(date(2026, 3, 1))
    assert agent.live_on(date(2026, 3, 2))


def test_agent_live_untrained_is_agent_not_trained() -> None:
    error = rejects(given(sign("C1")), live("2026-03-02"))
    assert (error.code, error.field) == ("agent_not_trained", "agent_id")


def test_agent_live_without_a_passed_assessment_is_agent_not_assessed() -> None:
    state = given(sign("C1"), train(), assess(passed=False, score=60))
    error = rejects(state, live("2026-03-02"))
    assert (error.code, error.field) == ("agent_not_assessed", "agent_id")


def test_agent_live_counts_any_passed_assessment() -> None:
    state = given(sign("C1"), train(), assess(passed=True), assess(passed=False, score=40))
    (event,) = when(state, live("2026-03-02"))
    assert isinstance(event, ev.AgentWentLive)


def test_agent_live_while_live_is_agent_already_live() -> None:
    state = given(sign("C1"), train(), assess(), live("2026-03-02"))
    error = rejects(state, live("2026-04-01"))
    assert (error.code, error.field) == ("agent_already_live", "agent_id")


def test_agent_live_overlapping_an_ended_span_is_agent_already_live() -> None:
    state = given(sign("C1"), train(), assess(), live("2026-03-02"), offboard("2026-03-20"))
    error = rejects(state, live("2026-03-20"))
    assert (error.code, error.field) == ("agent_already_live", "agent_id")


def test_agent_live_again_after_offboarding_is_accepted() -> None:
    state = given(sign("C1"), train(), assess(), live("2026-03-02"), offboard("2026-03-20"))
    (event,) = when(state, live("2026-03-21"))
    assert isinstance(event, ev.AgentWentLive)
    agent = state.of("C1").agents["a1"]
    assert agent.live_on(date(2026, 3, 20)) and agent.live_on(date(2026, 3, 21))


# ------------------------------------------------------------------ offboard_agent


@covers("offboard_agent")
def test_offboard_agent_emits_agent_offboarded_and_ends_the_span() -> None:
    state = given(sign("C1"), train(), assess(), live("2026-03-02"))
    (event,) = when(state, offboard("2026-03-20"))
    assert isinstance(event, ev.AgentOffboarded)
    assert (event.agent_id, event.last_day) == ("a1", date(2026, 3, 20))
    agent = state.of("C1").agents["a1"]
    assert agent.live_on(date(2026, 3, 20))
    assert not agent.live_on(date(2026, 3, 21))


def test_offboard_on_the_day_the_agent_went_live_is_accepted() -> None:
    state = given(sign("C1"), train(), assess(), live("2026-03-02"))
    (event,) = when(state, offboard("2026-03-02"))
    assert isinstance(event, ev.AgentOffboarded)


def test_offboard_an_agent_never_live_is_agent_not_live() -> None:
    error = rejects(given(sign("C1"), train(), assess()), offboard("2026-03-20"))
    assert (error.code, error.field) == ("agent_not_live", "agent_id")


def test_offboard_twice_is_agent_not_live() -> None:
    state = given(sign("C1"), train(), assess(), live("2026-03-02"), offboard("2026-03-20"))
    error = rejects(state, offboard("2026-03-25"))
    assert (error.code, error.field) == ("agent_not_live", "agent_id")


def test_offboard_before_going_live_is_date_order() -> None:
    state = given(sign("C1"), train(), assess(), live("2026-03-02"))
    error = rejects(state, offboard("2026-03-01"))
    assert (error.code, error.field) == ("date_order", "last_day")
