"""billing.correction: facts that reach a settled period after its statement (SPEC §5, §10).

One ``correction`` line per earlier settled period and line code: (the code's
lines for that period computed now, each rounded) − (what was billed for it so
far). C1 (``builders``): Mon-Fri, one shift ``day`` of 2 agents at 20 000 fen,
understaffing 10 000; March 2026 has 22 weekdays from Monday 03-02; 03-27 is a
Friday, 03-30 and 03-31 Monday and Tuesday.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from builders import cmd, fixed_terms, issue, shift, sign

from billing.correction import correction
from schemas import events as ev

from .given import Memory, covers, given, price, when
from .history import amend, contract, terminate, worked

WEEKDAYS = (1, 2, 3, 4, 5)


def march_issued_without(skip: tuple[str, str] | None = None) -> Memory:
    """a1 and a2 work every March weekday (except ``skip``); March issued on 04-01."""
    shifts = [c for c in worked("2026-03-02", "2026-03-31", weekdays=WEEKDAYS)
              if skip is None or (c["agent_id"], c["date"]) != skip]
    return given(contract(), shifts, issue("2026-03", "2026-04-01"))


def _lines(calcs: list[Any]) -> list[tuple[str, str, int]]:
    return [(c.refs["period"], c.refs["line"], c.amount_fen) for c in calcs]


def _april(state: Memory, periods: list[str]) -> list[Any]:
    return correction(state.of(), state.loader(), "2026-04", "2026-04", date(2026, 5, 1), periods)


@covers("correction")
def test_a_late_shift_in_a_settled_period_is_billed_as_corrections() -> None:
    state = march_issued_without(("a1", "2026-03-31"))
    billed = state.of().issued["2026-03"].event.statement
    # March billed 43 x 20 000 = 860 000 and -1 x 10 000 understaffing
    assert [(line.code, line.amount_fen) for line in billed.lines] == [("base", 860000),
                                                                       ("understaffing", -10000)]
    when(state, shift("a1", "2026-03-31"))  # keyed after March was issued
    lines = _april(state, ["2026-03"])
    # base now 44 x 20 000 = 880 000: +20 000; understaffing now 0: +10 000
    assert _lines(lines) == [("2026-03", "base", 20000), ("2026-03", "understaffing", 10000)]
    assert all(c.code == "correction" and c.quantity == 1 for c in lines)


@covers("correction")
def test_a_correction_reaches_the_next_statement_and_is_billed_once() -> None:
    state = march_issued_without(("a1", "2026-03-31"))
    when(state, shift("a1", "2026-03-31"))
    d = price(state, "C1", "2026-04", "2026-05-01")
    corrections = [(line.refs, line.amount_fen) for line in d.statement.lines if line.code == "correction"]
    assert corrections == [({"period": "2026-03", "line": "base"}, 20000),
                           ({"period": "2026-03", "line": "understaffing"}, 10000)]
    (event,) = when(state, issue("2026-04", "2026-05-01"))
    assert isinstance(event, ev.SettlementIssued)
    assert state.of().billed[("2026-03", "base")] == 880000  # 860 000 + the 20 000 corrected
    later = correction(state.of(), state.loader(), "2026-05", "2026-05", date(2026, 6, 1), ["2026-03"])
    assert later == []


@covers("correction")
def test_nothing_changed_means_no_correction() -> None:
    state = march_issued_without()
    assert _april(state, ["2026-03"]) == []


@covers("correction")
def test_an_amendment_reaching_back_into_a_settled_period_is_corrected() -> None:
    state = march_issued_without()
    when(state, amend("2026-03-16", {"pricing": {"shift_rate_fen": 22000}}))
    # 03-16..03-31: 12 weekdays x 2 = 24 agent-shifts x (22 000 - 20 000) = +48 000
    assert _lines(_april(state, ["2026-03"])) == [("2026-03", "base", 48000)]


@covers("correction")
def test_an_agent_offboarded_back_into_a_settled_period_is_corrected() -> None:
    state = march_issued_without()
    when(state, cmd("offboard_agent", agent_id="a2", last_day="2026-03-27"))
    # a2's shifts of 03-30 and 03-31 are no longer billable: base -2 x 20 000 = -40 000,
    # and they are missing now: understaffing -2 x 10 000 = -20 000
    assert _lines(_april(state, ["2026-03"])) == [("2026-03", "base", -40000),
                                                 ("2026-03", "understaffing", -20000)]


@covers("correction")
def test_the_prepaid_fee_of_days_after_the_last_service_day_comes_back() -> None:
    state = given(sign("C1", fixed_terms("prepaid")), issue("2026-03", "2026-02-25"))
    billed = state.of().issued["2026-03"].event.statement
    # 03-02..03-31: 30 x 3 000 000 / 31 = 2 903 225.8 -> 2 903 226, billed in advance
    assert [(line.code, line.amount_fen) for line in billed.lines] == [("fixed_fee", 2903226)]
    when(state, terminate("2026-03-20"))
    lines = correction(state.of(), state.loader(), "2026-04", "2026-03", date(2026, 4, 1), ["2026-03"])
    # 03-02..03-20: 19 x 3 000 000 / 31 = 1 838 709.7 -> 1 838 710; 1 838 710 - 2 903 226
    assert _lines(lines) == [("2026-03", "fixed_fee", -1064516)]


LATE_FACTS: dict[str, list[dict[str, Any]]] = {
    "late shift": [shift("a1", "2026-03-31")],
    "retracted shift": [cmd("retract_shift", agent_id="a2", date="2026-03-30", shift="day", reason="")],
    "late sale": [cmd("record_sales", agent_id="a1", date="2026-03-15", sales_fen=100000, orders=1)],
    "late QA failure": [cmd("record_qa_inspection", inspection_id="Q9", agent_id="a2", date="2026-03-20",
                            score=50, sampled_sessions=10)],
    "rate amended back": [amend("2026-03-16", {"pricing": {"shift_rate_fen": 22000}})],
    "minimum score amended back": [amend("2026-03-01", {"kpi": {"min_qa_score": 90}})],
    "agent offboarded back": [cmd("offboard_agent", agent_id="a2", last_day="2026-03-27")],
}


@covers("correction")
@pytest.mark.parametrize("late", list(LATE_FACTS), ids=list(LATE_FACTS))
def test_issuing_finds_every_kind_of_late_change_as_a_full_recompute_does(late: str) -> None:
    """``issue_settlement`` recomputes only the periods that may have changed (activity
    versions, QA and contract changes since they were billed); it must bill what a full
    recompute of every issued period bills."""
    shifts = [c for c in worked("2026-03-02", "2026-03-31", weekdays=WEEKDAYS)
              if (c["agent_id"], c["date"]) != ("a1", "2026-03-31")]
    state = given(contract(), shifts,
                  cmd("record_qa_inspection", inspection_id="Q0", agent_id="a1", date="2026-03-05",
                      score=86, sampled_sessions=10),
                  issue("2026-03", "2026-04-01"), LATE_FACTS[late])
    full = price(state, "C1", "2026-04", "2026-05-01").statement  # every issued period
    assert any(line.code == "correction" for line in full.lines), "the late fact changes March"
    (event,) = when(state, issue("2026-04", "2026-05-01"))
    assert isinstance(event, ev.SettlementIssued)
    assert event.statement == full


@covers("correction")
def test_a_late_fact_two_statements_back_is_still_corrected() -> None:
    state = march_issued_without(("a1", "2026-03-31"))
    also_april = [issue("2026-04", "2026-05-01"), shift("a1", "2026-03-31")]
    for command in also_april:
        when(state, command)
    (event,) = when(state, issue("2026-05", "2026-06-01"))
    assert isinstance(event, ev.SettlementIssued)
    corrections = [(line.refs["line"], line.amount_fen) for line in event.statement.lines
                   if line.code == "correction"]
    assert corrections == [("base", 20000), ("understaffing", 10000)]
