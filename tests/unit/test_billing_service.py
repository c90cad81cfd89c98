"""billing.service: base, special_day, commission, fixed_fee, extra_shifts (SPEC §4, §5, §10).

Each test calls the line function directly on a state built with ``given`` and
works the amount out by hand in a comment. "r()" rounds to the fen, half away
from zero, once per line.

Calendar (2026): March has 31 days, 03-01 is a Sunday, 03-02 a Monday, 03-11 a
Wednesday, 03-14 a Saturday; February has 28 days. ``week_terms``: every day of
the week, one shift ``day`` of 2 agents at 25 000 fen.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from builders import fixed_terms, shift

from billing.plan import normal_plan, special_day_of
from billing.service import base, commission, extra_shifts, fixed_fee, special_day

from .given import covers, given
from .history import amend, contract, sales, terminate, week_terms, worked

MARCH = "2026-03"


def _special(day: str, agents: dict[str, int], multiplier: str) -> dict[str, Any]:
    return {"date": day, "kind": "promotion", "label": "大促", "agents": agents, "multiplier": multiplier}


# ------------------------------------------------------------------ base


@covers("base")
def test_base_bills_every_planned_agent_shift_worked() -> None:
    state = given(contract(week_terms(), start="2026-03-01"), worked("2026-03-01", "2026-03-31"))
    line = base(state.of(), state.shifts(MARCH), MARCH)
    # 2 agents x 31 days = 62 agent-shifts x 25 000 = 1 550 000
    assert (line.amount_fen, line.quantity, line.unit_fen) == (1550000, 62, 25000)
    assert line.refs == {"period": MARCH, "excess_agent_shifts": 0}


@covers("base")
def test_base_counts_only_dates_before_the_cutoff() -> None:
    state = given(contract(week_terms(), start="2026-03-01"), worked("2026-03-01", "2026-03-31"))
    line = base(state.of(), state.shifts(MARCH, cutoff="2026-03-16"), MARCH)
    # 03-01 .. 03-15: 2 x 15 = 30 agent-shifts x 25 000 = 750 000
    assert (line.amount_fen, line.quantity) == (750000, 30)


@covers("base")
def test_base_never_bills_shifts_beyond_the_plan_and_shows_them_as_excess() -> None:
    state = given(contract(week_terms(), start="2026-03-01", agents=("a1", "a2", "a3")),
                  worked("2026-03-02", "2026-03-02", agents=("a1", "a2", "a3")))
    line = base(state.of(), state.shifts(MARCH, cutoff="2026-03-03"), MARCH)
    # 03-02: planned 2, three live agents worked: billable 2 x 25 000 = 50 000, excess 1
    assert (line.amount_fen, line.quantity) == (50000, 2)
    assert line.refs["excess_agent_shifts"] == 1


@covers("base")
def test_base_leaves_out_retracted_shifts_and_agents_not_live() -> None:
    from builders import cmd

    state = given(contract(week_terms(), start="2026-03-01"), worked("2026-03-01", "2026-03-31"),
                  cmd("retract_shift", agent_id="a2", date="2026-03-10", shift="day", reason=""),
                  cmd("offboard_agent", agent_id="a1", last_day="2026-03-29"))
    line = base(state.of(), state.shifts(MARCH), MARCH)
    # 62 recorded - 1 retracted (a2, 03-10) - 2 after a1's last day (03-30, 03-31) = 59 x 25 000
    assert (line.amount_fen, line.quantity) == (1475000, 59)


@covers("base")
def test_base_prices_each_date_at_the_rate_in_effect_that_day() -> None:
    state = given(contract(week_terms(), start="2026-03-01"), worked("2026-03-01", "2026-03-31"),
                  amend("2026-03-16", {"pricing": {"shift_rate_fen": 30000}}))
    line = base(state.of(), state.shifts(MARCH), MARCH)
    # 03-01..03-15: 2 x 15 x 25 000 = 750 000; 03-16..03-31: 2 x 16 x 30 000 = 960 000
    assert (line.amount_fen, line.quantity) == (1710000, 62)
    assert line.unit_fen is None  # the line mixes rates


# ------------------------------------------------------------------ special_day


@covers("special_day")
def test_special_day_bills_its_agent_shifts_at_the_multiplier() -> None:
    terms = week_terms(staffing={"special_days": [_special("2026-03-11", {"day": 4}, "1.5")]})
    state = given(contract(terms, start="2026-03-01", agents=("a1", "a2", "a3", "a4")),
                  worked("2026-03-01", "2026-03-31"),
                  worked("2026-03-11", "2026-03-11", agents=("a3", "a4")))
    shifts = state.shifts(MARCH)
    (line,) = special_day(state.of(), shifts, MARCH)
    # 03-11: 4 agent-shifts x 25 000 x 1.5 = 150 000
    assert (line.amount_fen, line.quantity, line.unit_fen) == (150000, 4, 25000)
    assert (line.refs["date"], line.refs["multiplier"], line.refs["label"]) == ("2026-03-11", "1.5", "大促")
    # and the day is not in base: 30 normal days x 2 = 60 x 25 000 = 1 500 000
    assert base(state.of(), shifts, MARCH).amount_fen == 1500000


@covers("special_day")
def test_special_day_overrides_only_the_codes_it_names() -> None:
    shifts = [{"code": "early", "start": "08:00", "end": "16:00", "agents": 2},
              {"code": "late", "start": "16:00", "end": "24:00", "agents": 1}]
    terms = week_terms(staffing={"shifts": shifts,
                                 "special_days": [_special("2026-03-11", {"early": 4}, "2")]})
    agents = ("a1", "a2", "a3", "a4", "a5")
    state = given(contract(terms, start="2026-03-01", agents=agents),
                  worked("2026-03-11", "2026-03-11", agents=agents[:4], code="early"),
                  worked("2026-03-11", "2026-03-11", agents=("a5", "a1"), code="late"))
    (line,) = special_day(state.of(), state.shifts(MARCH), MARCH)
    # early: planned 4 (named), 4 worked; late: normal plan 1, 2 worked -> 1 billable, 1 excess
    # (4 + 1) x 25 000 x 2 = 250 000
    assert (line.amount_fen, line.quantity) == (250000, 5)
    assert line.refs["excess_agent_shifts"] == 1


@covers("special_day")
def test_special_day_rounds_its_exact_amount_once() -> None:
    terms = week_terms(pricing={"shift_rate_fen": 25001},
                       staffing={"special_days": [_special("2026-03-11", {"day": 1}, "1.5")]})
    state = given(contract(terms, start="2026-03-01", agents=("a1",)),
                  worked("2026-03-11", "2026-03-11", agents=("a1",)))
    (line,) = special_day(state.of(), state.shifts(MARCH), MARCH)
    # 1 x 25 001 x 1.5 = 37 501.5 -> r() = 37 502 (half away from zero)
    assert line.amount == Fraction(75003, 2)
    assert line.amount_fen == 37502


# ------------------------------------------------------------------ commission


@covers("commission")
def test_commission_is_the_sales_of_the_period_times_the_rate() -> None:
    state = given(contract(), sales("a1", "2026-03-03", 1000000), sales("a2", "2026-03-20", 500000),
                  sales("a1", "2026-04-01", 999999))
    line = commission(state.of(), state.loader(), MARCH, None)
    # (1 000 000 + 500 000) x 0.01 = 15 000; April's sale is not March's
    assert (line.amount_fen, line.quantity) == (15000, 1500000)
    assert line.refs == {"period": MARCH, "commission_rate": "0.01"}


@covers("commission")
def test_commission_rounds_half_away_from_zero() -> None:
    terms = week_terms(pricing={"commission_rate": "0.005"})
    state = given(contract(terms), sales("a1", "2026-03-03", 500))
    line = commission(state.of(), state.loader(), MARCH, None)
    # 500 x 0.005 = 2.5 fen -> 3
    assert line.amount == Fraction(5, 2)
    assert line.amount_fen == 3


@covers("commission")
def test_commission_is_rounded_once_per_line_not_per_sale() -> None:
    terms = week_terms(pricing={"commission_rate": "0.001"})
    state = given(contract(terms), [sales("a1", f"2026-03-0{d}", 500) for d in (3, 4, 5)])
    line = commission(state.of(), state.loader(), MARCH, None)
    # 3 x 500 x 0.001 = 1.5 -> 2 (rounding each 0.5 sale would give 3)
    assert line.amount_fen == 2


@covers("commission")
def test_commission_uses_the_rate_of_each_sales_date_and_the_cutoff() -> None:
    state = given(contract(), sales("a1", "2026-03-03", 1000000), sales("a2", "2026-03-20", 500000),
                  sales("a2", "2026-03-31", 700000),
                  amend("2026-03-16", {"pricing": {"commission_rate": "0.02"}}))
    line = commission(state.of(), state.loader(), MARCH, date(2026, 3, 31))
    # 1 000 000 x 0.01 + 500 000 x 0.02 = 20 000; the sale of 03-31 is on the cutoff: left out
    assert (line.amount_fen, line.quantity) == (20000, 1500000)
    assert "commission_rate" not in line.refs  # mixed rates


# ------------------------------------------------------------------ fixed_fee


@covers("fixed_fee")
def test_fixed_fee_of_a_31_day_month_is_prorated_for_a_mid_month_start() -> None:
    state = given(contract(fixed_terms(), start="2026-03-10", agents=()))
    line = fixed_fee(state.of(), MARCH)
    # service days 03-10..03-31 = 22; 3 000 000 x 22 / 31 = 2 129 032.258... -> 2 129 032
    assert line.amount == Fraction(3000000 * 22, 31)
    assert (line.amount_fen, line.quantity) == (2129032, 22)
    assert line.refs == {"period": MARCH, "service_days": 22, "monthly_fee_fen": 3000000}


@covers("fixed_fee")
def test_fixed_fee_of_a_quarter_divides_each_day_by_its_own_month() -> None:
    terms = fixed_terms(settlement_cycle="quarterly")
    state = given(contract(terms, start="2026-02-15", agents=(), signed_on="2026-02-01"))
    line = fixed_fee(state.of(), "2026-Q1")
    # February 15..28: 14 x 3 000 000 / 28 = 1 500 000; March: 31 x 3 000 000 / 31 = 3 000 000
    assert (line.amount_fen, line.quantity) == (4500000, 45)


@covers("fixed_fee")
def test_fixed_fee_sums_exactly_across_a_mid_month_fee_change() -> None:
    state = given(contract(fixed_terms(), start="2026-03-01", agents=()),
                  amend("2026-03-17", {"pricing": {"monthly_fee_fen": 3100000}}))
    line = fixed_fee(state.of(), MARCH)
    # (16 x 3 000 000 + 15 x 3 100 000) / 31 = 94 500 000 / 31 = 3 048 387.096... -> 3 048 387
    assert (line.amount_fen, line.quantity) == (3048387, 31)
    assert "monthly_fee_fen" not in line.refs


@covers("fixed_fee")
def test_fixed_fee_stops_at_the_last_service_day() -> None:
    state = given(contract(fixed_terms(), start="2026-03-01", agents=()), terminate("2026-03-20"))
    line = fixed_fee(state.of(), MARCH)
    # 20 x 3 000 000 / 31 = 1 935 483.87 -> 1 935 484
    assert (line.amount_fen, line.quantity) == (1935484, 20)
    assert fixed_fee(state.of(), "2026-04").amount_fen == 0


# ------------------------------------------------------------------ extra_shifts


@covers("extra_shifts")
def test_extra_shifts_bill_agents_beyond_the_normal_plan_on_each_special_day() -> None:
    specials = [_special("2026-03-11", {"day": 4}, "2"), _special("2026-03-14", {"day": 3}, "1.5")]
    agents = ("a1", "a2", "a3", "a4")
    state = given(contract(fixed_terms(staffing={"special_days": specials}), agents=agents),
                  worked("2026-03-11", "2026-03-11", agents=agents),
                  worked("2026-03-14", "2026-03-14", agents=agents[:3]),
                  worked("2026-03-12", "2026-03-12", agents=agents))  # a normal day: no extra
    wed, sat = extra_shifts(state.of(), state.shifts(MARCH), MARCH)
    # 03-11 (Wed, normal plan 2): (4 - 2) x 30 000 x 2 = 120 000
    assert (wed.refs["date"], wed.amount_fen, wed.quantity, wed.unit_fen) == ("2026-03-11", 120000, 2, 30000)
    # 03-14 (Sat, not a plan weekday: normal plan 0): 3 x 30 000 x 1.5 = 135 000
    assert (sat.refs["date"], sat.amount_fen, sat.quantity) == ("2026-03-14", 135000, 3)


@covers("extra_shifts")
def test_extra_shifts_are_zero_when_a_special_day_is_worked_at_the_normal_plan() -> None:
    specials = [_special("2026-03-11", {"day": 4}, "2")]
    state = given(contract(fixed_terms(staffing={"special_days": specials})),
                  shift("a1", "2026-03-11"), shift("a2", "2026-03-11"))
    (line,) = extra_shifts(state.of(), state.shifts(MARCH), MARCH)
    # billable 2 = the normal plan's 2: max(0, 2 - 2) = 0
    assert (line.amount_fen, line.quantity) == (0, 0)


def _planned(state: Any, terms: Any, day: date, code: str) -> int:
    """SPEC §4 as it reads, one code at a time: the special day's count for the code, else
    the normal plan; 0 outside the service window."""
    if not state.in_window(day):
        return 0
    special = special_day_of(terms, day)
    if special is not None and code in special.agents:
        return int(special.agents[code])
    return normal_plan(terms, day, code)


def test_day_shifts_plans_every_code_as_the_spec_reads() -> None:
    """``day_shifts`` works out a day's plan for all its codes at once; on every date it
    must agree with SPEC §4 read code by code: special days naming some codes, weekdays
    off, a plan amended mid-period, and the service window ending early."""
    shifts = [{"code": "early", "start": "08:00", "end": "16:00", "agents": 2},
              {"code": "late", "start": "16:00", "end": "24:00", "agents": 1}]
    terms = week_terms(staffing={"shifts": shifts, "weekdays": [1, 2, 3, 4, 5],
                                 "special_days": [_special("2026-03-11", {"early": 4}, "2"),
                                                  _special("2026-03-14", {"late": 0}, "1.5")]})
    amended = {"staffing": {"shifts": [{**shifts[0], "agents": 3}, shifts[1]], "weekdays": [6, 7]}}
    state = given(contract(terms, start="2026-03-02", agents=("a1",)),
                  amend("2026-03-16", amended), terminate("2026-03-27"))
    contract_state = state.of()
    rows = {(s.day, s.code): s.planned for s in state.shifts(MARCH)}
    expected = {}
    for n in range(1, 32):
        day = date(2026, 3, n)
        plan = contract_state.terms_on(day)
        for s in plan.staffing.shifts:
            expected[day, s.code] = _planned(contract_state, plan, day, s.code)
    assert {k: v for k, v in expected.items() if v} == {k: v for k, v in rows.items() if v}
    assert rows[date(2026, 3, 11), "early"] == 4 and rows.get((date(2026, 3, 11), "late")) == 1
    assert (date(2026, 3, 14), "early") not in rows  # a Saturday off, before the amendment
    assert rows[date(2026, 3, 21), "early"] == 3  # a Saturday worked, after it
    assert not any(v for (d, _), v in rows.items() if d > date(2026, 3, 27))
