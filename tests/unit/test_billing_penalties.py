"""billing.penalties: understaffing and qa_penalty, both negative (SPEC §5, §10).

C1 (``builders``): service from Monday 2026-03-02, Mon-Fri, one shift ``day`` of 2
agents at 20 000 fen, understaffing 10 000 a missing agent-shift, QA failure
20 000 (a score strictly below 85), capped at 10 % of the period's service fee.
March 2026 has 22 weekdays from 03-02; 03-02..03-06 is Monday to Friday.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from builders import bpc_terms, shift

from billing.penalties import qa_penalty, understaffing
from billing.service import base

from .given import covers, given
from .history import amend, contract, qa, terminate, worked

MARCH = "2026-03"
WEEKDAYS = (1, 2, 3, 4, 5)


# ------------------------------------------------------------------ understaffing


@covers("understaffing")
def test_understaffing_charges_each_missing_agent_shift() -> None:
    state = given(contract(), worked("2026-03-02", "2026-03-06", agents=("a1",)))
    line = understaffing(state.of(), state.shifts(MARCH, cutoff="2026-03-07"), MARCH)
    # 03-02..03-06: planned 5 x 2 = 10, billable 5 (a1 only): - 5 x 10 000 = -50 000
    assert (line.amount_fen, line.quantity, line.unit_fen) == (-50000, 5, -10000)


@covers("understaffing")
def test_understaffing_uses_the_rate_of_each_date() -> None:
    state = given(contract(), worked("2026-03-02", "2026-03-06", agents=("a1",)),
                  amend("2026-03-05", {"penalties": {"understaffing_fen": 20000}}))
    line = understaffing(state.of(), state.shifts(MARCH, cutoff="2026-03-07"), MARCH)
    # 03-02..03-04: 3 x 10 000; 03-05..03-06: 2 x 20 000: -(30 000 + 40 000) = -70 000
    assert (line.amount_fen, line.quantity, line.unit_fen) == (-70000, 5, None)


@covers("understaffing")
def test_understaffing_plans_nothing_after_the_last_service_day() -> None:
    state = given(contract(), terminate("2026-03-04"))
    line = understaffing(state.of(), state.shifts(MARCH), MARCH)
    # 03-02..03-04 worked by nobody: - 3 x 2 x 10 000 = -60 000; nothing planned after 03-04
    assert (line.amount_fen, line.quantity) == (-60000, 6)


@covers("understaffing")
def test_understaffing_on_a_special_day_follows_its_agents() -> None:
    special = {"date": "2026-03-04", "kind": "holiday", "agents": {"day": 3}}
    state = given(contract(bpc_terms(staffing={"special_days": [special]})),
                  shift("a1", "2026-03-04"), shift("a2", "2026-03-04"))
    line = understaffing(state.of(), state.shifts(MARCH, cutoff="2026-03-05"), MARCH)
    # 03-02, 03-03: 2 + 2 missing; 03-04: planned 3, 2 worked, 1 missing: -5 x 10 000
    assert (line.amount_fen, line.quantity) == (-50000, 5)


# ------------------------------------------------------------------ qa_penalty


@covers("qa_penalty")
def test_qa_penalty_charges_each_failure_below_the_minimum_score() -> None:
    state = given(contract(), qa("Q1", "a1", "2026-03-03", 84), qa("Q2", "a2", "2026-03-10", 70),
                  qa("Q3", "a1", "2026-03-11", 85), qa("Q4", "a1", "2026-03-12", 84.9))
    line = qa_penalty(state.of(), MARCH, None, 880000)
    # failures: Q1 (84), Q2 (70), Q4 (84.9); Q3 at exactly 85 passes
    # - min(3 x 20 000, 10 % x 880 000) = - min(60 000, 88 000) = -60 000
    assert (line.amount_fen, line.quantity, line.unit_fen) == (-60000, 3, -20000)
    assert line.refs["inspections"] == ["Q1", "Q2", "Q4"]
    assert line.refs["cap_fen"] == 88000


@covers("qa_penalty")
def test_qa_penalty_is_capped_at_the_rate_of_the_service_fee() -> None:
    state = given(contract(), worked("2026-03-02", "2026-03-31", weekdays=WEEKDAYS),
                  [qa(f"Q{i}", "a1", f"2026-03-{10 + i}", 60) for i in range(5)])
    fee = base(state.of(), state.shifts(MARCH), MARCH).amount_fen
    assert fee == 880000  # 22 weekdays x 2 agents x 20 000
    line = qa_penalty(state.of(), MARCH, None, fee)
    # - min(5 x 20 000 = 100 000, 0.10 x 880 000 = 88 000) = -88 000: the cap binds
    assert (line.amount_fen, line.quantity) == (-88000, 5)


@covers("qa_penalty")
def test_qa_penalty_rounds_minus_two_and_a_half_fen_away_from_zero() -> None:
    state = given(contract(), qa("Q1", "a1", "2026-03-03", 10))
    line = qa_penalty(state.of(), MARCH, None, 25)
    # - min(20 000, 0.10 x 25 = 2.5) = -2.5 fen -> -3
    assert line.amount == Fraction(-5, 2)
    assert line.amount_fen == -3


@covers("qa_penalty")
def test_qa_penalty_uses_each_dates_minimum_score_and_the_cap_of_the_last_day() -> None:
    state = given(contract(), qa("Q1", "a1", "2026-03-10", 88), qa("Q2", "a1", "2026-03-17", 88),
                  amend("2026-03-16", {"kpi": {"min_qa_score": 90}}),
                  amend("2026-03-31", {"penalties": {"qa_cap_rate": "0.01"}}))
    line = qa_penalty(state.of(), MARCH, None, 880000)
    # Q1: 88 >= 85 on 03-10 passes; Q2: 88 < 90 from 03-16 fails
    # cap on 03-31: 0.01 x 880 000 = 8 800 < 20 000: -8 800
    assert (line.amount_fen, line.quantity) == (-8800, 1)
    assert line.refs["inspections"] == ["Q2"]


@covers("qa_penalty")
def test_qa_penalty_counts_only_inspections_before_the_cutoff() -> None:
    state = given(contract(), qa("Q1", "a1", "2026-03-30", 50), qa("Q2", "a1", "2026-03-31", 50))
    line = qa_penalty(state.of(), MARCH, date(2026, 3, 31), 880000)
    # only Q1 (03-30) is before the cutoff 03-31: -20 000
    assert (line.amount_fen, line.quantity) == (-20000, 1)


@covers("qa_penalty")
def test_qa_penalty_is_zero_without_a_service_fee() -> None:
    state = given(contract(), qa("Q1", "a1", "2026-03-03", 50))
    line = qa_penalty(state.of(), MARCH, None, 0)
    # - min(20 000, 0.10 x 0) = 0
    assert (line.amount_fen, line.quantity) == (0, 1)
