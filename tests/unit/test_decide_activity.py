"""decide.activity: record_shift, retract_shift, record_sales, record_service_metrics,
record_qa_inspection (SPEC §3, §4, §10).

C1 (``builders.sign``): service from Monday 2026-03-02, Mon-Fri, one shift ``day``
of 2 agents; agents a1 and a2 live from 03-02 (``history.contract``). Shifts, sales
and metrics go to the month's activity stream; QA inspections to the contract's.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from builders import agent_ready, bpc_terms, cmd, shift, sign

from schemas import events as ev

from .given import covers, emits, given, rejects, when
from .history import amend, contract, qa, sales, terminate

EARLY = {"code": "early", "start": "08:00", "end": "16:00", "agents": 1}
DAY = {"code": "day", "start": "09:00", "end": "18:00", "agents": 2}
TWO_SHIFTS = bpc_terms(staffing={"shifts": [DAY, EARLY]})


def retract(agent: str, day: str, code: str = "day") -> dict[str, Any]:
    return cmd("retract_shift", agent_id=agent, date=day, shift=code, reason="keyed twice")


def metrics(agent: str, day: str, sessions: int = 120, avg: float = 25.5) -> dict[str, Any]:
    return cmd("record_service_metrics", agent_id=agent, date=day, sessions=sessions,
               avg_first_response_s=avg)


def offboard(agent: str, last_day: str) -> dict[str, Any]:
    return cmd("offboard_agent", agent_id=agent, last_day=last_day)


# ------------------------------------------------------------------ record_shift


@covers("record_shift")
def test_record_shift_emits_shift_recorded_on_the_month_stream() -> None:
    state = given(contract())
    ((stream, event),) = emits(state, shift("a1", "2026-03-03"))
    assert stream == "activity:C1:2026-03"
    assert isinstance(event, ev.ShiftRecorded)
    assert (event.agent_id, event.date, event.shift) == ("a1", date(2026, 3, 3), "day")
    assert state.month("C1", "2026-03").has_shift("a1", date(2026, 3, 3), "day")


def test_record_shift_on_a_weekend_outside_the_plan_is_accepted_as_a_fact() -> None:
    # 2026-03-07 is a Saturday: planned 0, the shift is kept (and shown as excess)
    (event,) = when(given(contract()), shift("a1", "2026-03-07"))
    assert isinstance(event, ev.ShiftRecorded)


def test_one_agent_may_work_several_codes_on_one_date() -> None:
    state = given(contract(TWO_SHIFTS), shift("a1", "2026-03-03", "day"))
    (event,) = when(state, shift("a1", "2026-03-03", "early"))
    assert isinstance(event, ev.ShiftRecorded)


@pytest.mark.parametrize("day", ["2026-03-01", "2026-04-01"])
def test_record_shift_outside_the_service_window_is_outside_service_window(day: str) -> None:
    state = given(contract(), terminate("2026-03-31"))  # window 03-02 .. 03-31
    error = rejects(state, shift("a1", day))
    assert (error.code, error.field) == ("outside_service_window", "date")


def test_record_shift_with_a_code_not_in_the_plan_is_unknown_shift() -> None:
    error = rejects(given(contract()), shift("a1", "2026-03-03", "night"))
    assert (error.code, error.field) == ("unknown_shift", "shift")


def test_record_shift_with_a_code_amended_away_on_that_date_is_unknown_shift() -> None:
    state = given(contract(TWO_SHIFTS), amend("2026-03-16", {"staffing": {"shifts": [DAY]}}))
    when(state, shift("a1", "2026-03-13", "early"))  # still in the plan on 03-13
    error = rejects(state, shift("a1", "2026-03-16", "early"))
    assert (error.code, error.field) == ("unknown_shift", "shift")


def test_record_shift_before_the_agent_went_live_is_agent_not_live() -> None:
    state = given(sign("C1"), agent_ready("a1", live_from="2026-03-10"))
    error = rejects(state, shift("a1", "2026-03-09"))
    assert (error.code, error.field) == ("agent_not_live", "agent_id")


def test_record_shift_after_offboarding_is_agent_not_live() -> None:
    state = given(contract(), offboard("a1", "2026-03-10"))
    when(state, shift("a1", "2026-03-10"))
    error = rejects(state, shift("a1", "2026-03-11"))
    assert (error.code, error.field) == ("agent_not_live", "agent_id")


def test_record_shift_twice_is_shift_exists() -> None:
    state = given(contract(), shift("a1", "2026-03-03"))
    error = rejects(state, shift("a1", "2026-03-03"))
    assert (error.code, error.field) == ("shift_exists", "date")


def test_a_retracted_shift_may_be_recorded_again() -> None:
    state = given(contract(), shift("a1", "2026-03-03"), retract("a1", "2026-03-03"))
    (event,) = when(state, shift("a1", "2026-03-03"))
    assert isinstance(event, ev.ShiftRecorded)


# ------------------------------------------------------------------ retract_shift


@covers("retract_shift")
def test_retract_shift_emits_shift_retracted_on_the_month_stream() -> None:
    state = given(contract(), shift("a1", "2026-03-03"))
    ((stream, event),) = emits(state, retract("a1", "2026-03-03"))
    assert stream == "activity:C1:2026-03"
    assert isinstance(event, ev.ShiftRetracted)
    assert (event.agent_id, event.date, event.shift, event.reason) == (
        "a1", date(2026, 3, 3), "day", "keyed twice")
    assert not state.month("C1", "2026-03").has_shift("a1", date(2026, 3, 3), "day")


def test_retract_a_shift_never_recorded_is_shift_not_recorded() -> None:
    error = rejects(given(contract(), shift("a2", "2026-03-03")), retract("a1", "2026-03-03"))
    assert (error.code, error.field) == ("shift_not_recorded", "shift")


def test_retract_a_shift_twice_is_shift_not_recorded() -> None:
    state = given(contract(), shift("a1", "2026-03-03"), retract("a1", "2026-03-03"))
    error = rejects(state, retract("a1", "2026-03-03"))
    assert (error.code, error.field) == ("shift_not_recorded", "shift")


def test_retract_on_an_unknown_contract_is_unknown_contract() -> None:
    error = rejects(given(contract()), cmd("retract_shift", "C9", agent_id="a1", date="2026-03-03",
                                           shift="day", reason=""))
    assert (error.code, error.field) == ("unknown_contract", "contract_id")


# ------------------------------------------------------------------ record_sales


@covers("record_sales")
def test_record_sales_emits_sales_recorded_on_the_month_stream() -> None:
    state = given(contract())
    ((stream, event),) = emits(state, sales("a1", "2026-04-02", 123456))
    assert stream == "activity:C1:2026-04"
    assert isinstance(event, ev.SalesRecorded)
    assert (event.agent_id, event.date, event.sales_fen, event.orders) == (
        "a1", date(2026, 4, 2), 123456, 1)


def test_sales_of_one_agent_and_date_add_up() -> None:
    state = given(contract(), sales("a1", "2026-03-03", 100))
    when(state, sales("a1", "2026-03-03", 250))
    assert sum(fen for _, fen, _ in state.month("C1", "2026-03").sale_rows()) == 350


def test_record_sales_outside_the_window_is_outside_service_window() -> None:
    error = rejects(given(contract()), sales("a1", "2026-03-01", 100))
    assert (error.code, error.field) == ("outside_service_window", "date")


def test_record_sales_of_an_agent_not_live_is_agent_not_live() -> None:
    error = rejects(given(contract(agents=("a1",))), sales("a2", "2026-03-03", 100))
    assert (error.code, error.field) == ("agent_not_live", "agent_id")


# ------------------------------------------------------------------ record_service_metrics


@covers("record_service_metrics")
def test_record_service_metrics_emits_its_event_on_the_month_stream() -> None:
    state = given(contract())
    ((stream, event),) = emits(state, metrics("a2", "2026-03-04"))
    assert stream == "activity:C1:2026-03"
    assert isinstance(event, ev.ServiceMetricsRecorded)
    assert (event.agent_id, event.date, event.sessions, event.avg_first_response_s) == (
        "a2", date(2026, 3, 4), 120, Decimal("25.5"))


def test_record_service_metrics_outside_the_window_is_outside_service_window() -> None:
    error = rejects(given(contract(), terminate("2026-03-20")), metrics("a1", "2026-03-23"))
    assert (error.code, error.field) == ("outside_service_window", "date")


def test_record_service_metrics_of_an_agent_not_live_is_agent_not_live() -> None:
    error = rejects(given(contract(), offboard("a1", "2026-03-10")), metrics("a1", "2026-03-11"))
    assert (error.code, error.field) == ("agent_not_live", "agent_id")


def test_record_service_metrics_with_no_sessions_is_out_of_range() -> None:
    error = rejects(given(contract()), metrics("a1", "2026-03-04", sessions=0))
    assert (error.code, error.field) == ("out_of_range", "sessions")


# ------------------------------------------------------------------ record_qa_inspection


@covers("record_qa_inspection")
def test_record_qa_inspection_emits_qa_inspected_on_the_contract_stream() -> None:
    state = given(contract())
    ((stream, event),) = emits(state, qa("Q1", "a1", "2026-03-05", 84.5))
    assert stream == "contract:C1"
    assert isinstance(event, ev.QaInspected)
    assert (event.inspection_id, event.agent_id, event.date, event.score, event.sampled_sessions) == (
        "Q1", "a1", date(2026, 3, 5), Decimal("84.5"), 20)
    assert "Q1" in state.of("C1").inspections


def test_record_qa_inspection_of_a_trained_agent_not_yet_live_is_accepted() -> None:
    state = given(sign("C1"), agent_ready("a1")[0])  # a1 trained only
    (event,) = when(state, qa("Q1", "a1", "2026-03-05", 90))
    assert isinstance(event, ev.QaInspected)


def test_record_qa_inspection_twice_is_inspection_exists() -> None:
    state = given(contract(), qa("Q1", "a1", "2026-03-05", 90))
    error = rejects(state, qa("Q1", "a2", "2026-03-06", 70))
    assert (error.code, error.field) == ("inspection_exists", "inspection_id")


def test_inspection_ids_are_per_contract() -> None:
    state = given(contract(), contract(contract_id="C2"), qa("Q1", "a1", "2026-03-05", 90))
    (event,) = when(state, qa("Q1", "a1", "2026-03-05", 90, contract_id="C2"))
    assert isinstance(event, ev.QaInspected)


def test_record_qa_inspection_outside_the_window_is_outside_service_window() -> None:
    error = rejects(given(contract()), qa("Q1", "a1", "2026-03-01", 90))
    assert (error.code, error.field) == ("outside_service_window", "date")


def test_record_qa_inspection_of_an_untrained_agent_is_agent_not_trained() -> None:
    error = rejects(given(contract()), qa("Q1", "a9", "2026-03-05", 90))
    assert (error.code, error.field) == ("agent_not_trained", "agent_id")


def test_record_qa_inspection_with_a_score_above_100_is_out_of_range() -> None:
    error = rejects(given(contract()), qa("Q1", "a1", "2026-03-05", 100.5))
    assert (error.code, error.field) == ("out_of_range", "score")
