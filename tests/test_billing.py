"""Statement lines (§5) and money rules (§10), given/when/then through the CLI.

Contract C1 (builders): service from Monday 2026-03-02, Mon-Fri, one shift ``day``
of 2 agents, shift rate 20 000, commission 0.01, understaffing 10 000, QA failure
20 000 capped at 10 % of the service fee, tax 0.06, due 10 days after issue.

Calendar facts used below (checked with datetime): March 2026 has 22 weekdays,
all on or after 03-02; April 2026 has 22, May 21, June 22. 2026-03-09 is a Monday,
2026-03-14 a Saturday, 2026-03-17 a Tuesday, 2026-03-20 a Friday, 2026-04-14 a
Tuesday, 2026-04-15 a Wednesday. 03-02..03-13 holds 10 weekdays, 03-16..03-31 12,
04-01..04-15 11.

Every expected amount is worked out by hand in a comment. "r()" means rounding
to the fen, half away from zero.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from builders import (
    agent_ready,
    bpc_terms,
    cmd,
    days,
    fixed_terms,
    full_month,
    issue,
    pay,
    shift,
    sign,
)

MARCH = ("2026-03-02", "2026-03-31")
APRIL = ("2026-04-01", "2026-04-30")
MAY = ("2026-05-01", "2026-05-31")
JUNE = ("2026-06-01", "2026-06-30")
ACCOUNT_KEYS = ("opening_fen", "payments_fen", "deposit_applied_fen", "closing_fen")


# --------------------------------------------------------------------------- helpers


def given_c1(*agents: str, terms: dict[str, Any] | None = None,
             **sign_over: Any) -> list[dict[str, Any]]:
    """Sign C1 (optionally with other terms) and make the named agents live from 03-02."""
    out = [sign("C1", terms, **sign_over)]
    for agent in agents:
        out += agent_ready(agent)
    return out


def worked(first: str, last: str, *, agents: tuple[str, ...] = ("a1", "a2"),
           skip: set[tuple[str, str]] | None = None) -> list[dict[str, Any]]:
    return full_month(list(agents), first, last, skip=skip)


def qa(inspection_id: str, agent: str, day: str, score: float) -> dict[str, Any]:
    return cmd("record_qa_inspection", inspection_id=inspection_id, agent_id=agent, date=day,
               score=score, sampled_sessions=20)


def sales(agent: str, day: str, amount: int) -> dict[str, Any]:
    return cmd("record_sales", agent_id=agent, date=day, sales_fen=amount, orders=3)


def amend(effective_from: str, terms: dict[str, Any]) -> dict[str, Any]:
    return cmd("amend_terms", effective_from=effective_from, terms=terms)


def adjustment(adjustment_id: str, amount: int, **extra: Any) -> dict[str, Any]:
    return cmd("post_adjustment", adjustment_id=adjustment_id, amount_fen=amount,
               reason="test", **extra)


def breach(breach_id: str, party: str, penalty: int) -> dict[str, Any]:
    return cmd("report_breach", breach_id=breach_id, party=party, kind="confidentiality",
               on="2026-03-20", description="test", penalty_fen=penalty)


def line_key(line: dict[str, Any]) -> str:
    refs = line.get("refs") or {}
    if line["code"] in ("special_day", "extra_shifts"):
        return str(refs.get("date"))
    if line["code"] == "correction":
        return f"{refs.get('period')}/{refs.get('line')}"
    return ""


def shape(stmt: dict[str, Any]) -> list[tuple[str, str, int]]:
    """The statement's lines as sorted (code, key, amount_fen); key = refs.date / period/line."""
    return sorted((line["code"], line_key(line), line["amount_fen"]) for line in stmt["lines"])


def expect_lines(stmt: dict[str, Any], *lines: tuple[str, str, int]) -> None:
    assert shape(stmt) == sorted(lines), stmt["lines"]


def the_line(stmt: dict[str, Any], code: str, key: str = "") -> dict[str, Any]:
    found = [line for line in stmt["lines"] if line["code"] == code and line_key(line) == key]
    assert len(found) == 1, (code, key, stmt["lines"])
    return found[0]


def totals(stmt: dict[str, Any]) -> tuple[int, int, int]:
    return stmt["subtotal_fen"], stmt["tax_fen"], stmt["total_fen"]


def account(stmt: dict[str, Any]) -> tuple[int, ...]:
    """(opening_fen, payments_fen, deposit_applied_fen, closing_fen)."""
    return tuple(stmt["account"][key] for key in ACCOUNT_KEYS)


def balance(ledger: Any, contract: str = "C1") -> tuple[int, int, int]:
    """(receivable_fen, credit_fen, deposit_held_fen) of `ledger balance CONTRACT --json`."""
    run = ledger.run("balance", contract, "--json")
    assert run.code == 0, run
    (data,) = run.json()  # one row per contract, whatever the arguments
    return data["receivable_fen"], data["credit_fen"], data["deposit_held_fen"]


# --------------------------------------------------------------------------- base


def test_base_bills_billable_agent_shifts_and_sets_due_date(ledger: Any) -> None:
    # Given a1 and a2 work every March weekday: 22 days x 2 = 44 agent-shifts
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH))
    # When March is issued on 04-01
    ledger.accept(issue("2026-03", "2026-04-01"))
    stmt = ledger.statement("C1", "2026-03")
    # Then base = 44 x 20000 = 880000, the only line
    expect_lines(stmt, ("base", "", 880000))
    base = the_line(stmt, "base")
    assert (base["quantity"], base["unit_fen"]) == (44, 20000)
    # tax = 880000 x 0.06 = 52800; total 932800
    assert totals(stmt) == (880000, 52800, 932800)
    assert Decimal(stmt["tax_rate"]) == Decimal("0.06")
    # due_on = 04-01 + 10 days
    assert (stmt["issued_on"], stmt["due_on"]) == ("2026-04-01", "2026-04-11")
    assert (stmt["contract_id"], stmt["period"], stmt["status"]) == ("C1", "2026-03", "issued")
    # first statement: opening 0, payments 0, no deposit; closing = total
    assert account(stmt) == (0, 0, 0, 932800)


def test_shifts_beyond_the_plan_are_not_billed(ledger: Any) -> None:
    # Given three agents work every March weekday (plan 2) and a1 also works Saturday 03-14
    # (weekday 6 not in the plan: planned 0)
    ledger.accept(*given_c1("a1", "a2", "a3"), *worked(*MARCH, agents=("a1", "a2", "a3")),
                  shift("a1", "2026-03-14"))
    ledger.accept(issue("2026-03", "2026-04-01"))
    stmt = ledger.statement("C1", "2026-03")
    # Then billable = min(2, 3) per weekday = 44 agent-shifts; the 22 + 1 excess are not billed
    expect_lines(stmt, ("base", "", 880000))
    assert the_line(stmt, "base")["quantity"] == 44
    assert totals(stmt) == (880000, 52800, 932800)


# --------------------------------------------------------------------------- understaffing


def test_understaffing_penalises_each_missing_agent_shift(ledger: Any) -> None:
    # Given a2 misses 03-10 and 03-11, and nobody works 03-20
    skip = {("a2", "2026-03-10"), ("a2", "2026-03-11"), ("a1", "2026-03-20"), ("a2", "2026-03-20")}
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH, skip=skip))
    ledger.accept(issue("2026-03", "2026-04-01"))
    stmt = ledger.statement("C1", "2026-03")
    # Then billable = 44 - 4 = 40: base 40 x 20000 = 800000
    # understaffing = -4 x 10000 = -40000 (a missing shift is unbilled and penalised)
    expect_lines(stmt, ("base", "", 800000), ("understaffing", "", -40000))
    assert the_line(stmt, "base")["quantity"] == 40
    assert the_line(stmt, "understaffing")["quantity"] == 4
    # subtotal 760000; tax 45600; total 805600
    assert totals(stmt) == (760000, 45600, 805600)


def test_no_understaffing_line_when_the_rate_is_zero(ledger: Any) -> None:
    # Given understaffing_fen 0 and a2 missing 03-10
    terms = bpc_terms(penalties={"understaffing_fen": 0})
    ledger.accept(*given_c1("a1", "a2", terms=terms), *worked(*MARCH, skip={("a2", "2026-03-10")}))
    ledger.accept(issue("2026-03", "2026-04-01"))
    stmt = ledger.statement("C1", "2026-03")
    # Then base = 43 x 20000 = 860000 and the zero understaffing line is left out
    expect_lines(stmt, ("base", "", 860000))
    assert totals(stmt) == (860000, 51600, 911600)


# --------------------------------------------------------------------------- special days


def test_special_day_one_line_per_day_with_its_multiplier(ledger: Any) -> None:
    # Given special days 03-09 (Monday: day 3 agents, x1.5) and 03-14 (Saturday: day 1, x2)
    terms = bpc_terms(staffing={"special_days": [
        {"date": "2026-03-09", "kind": "promotion", "label": "P1", "agents": {"day": 3},
         "multiplier": "1.5"},
        {"date": "2026-03-14", "kind": "holiday", "label": "P2", "agents": {"day": 1},
         "multiplier": "2"},
    ]})
    # a1, a2 work every weekday; a3 and a4 also work 03-09 (4 > plan 3); a1 works 03-14
    ledger.accept(*given_c1("a1", "a2", "a3", "a4", terms=terms), *worked(*MARCH),
                  shift("a3", "2026-03-09"), shift("a4", "2026-03-09"), shift("a1", "2026-03-14"))
    ledger.accept(issue("2026-03", "2026-04-01"))
    stmt = ledger.statement("C1", "2026-03")
    # Then base covers the 21 normal weekdays: 21 x 2 = 42 x 20000 = 840000
    # special_day 03-09: min(3, 4) = 3 x 20000 x 1.5 = 90000
    # special_day 03-14: 1 x 20000 x 2 = 40000
    expect_lines(stmt, ("base", "", 840000), ("special_day", "2026-03-09", 90000),
                 ("special_day", "2026-03-14", 40000))
    assert the_line(stmt, "base")["quantity"] == 42
    assert the_line(stmt, "special_day", "2026-03-09")["quantity"] == 3
    assert the_line(stmt, "special_day", "2026-03-14")["quantity"] == 1
    # subtotal 970000; tax 58200; total 1028200
    assert totals(stmt) == (970000, 58200, 1028200)


def test_special_day_overrides_only_the_codes_it_names(ledger: Any) -> None:
    # Given shifts day (2 agents) and eve (1 agent); special day 03-09 names only day (3, x1.5)
    terms = bpc_terms(staffing={
        "shifts": [{"code": "day", "start": "09:00", "end": "17:00", "agents": 2},
                   {"code": "eve", "start": "17:00", "end": "24:00", "agents": 1}],
        "special_days": [{"date": "2026-03-09", "kind": "promotion", "label": "P",
                          "agents": {"day": 3}, "multiplier": "1.5"}],
    })
    eve = [shift("e1", d, "eve") for d in days(*MARCH) if d != "2026-03-09"]
    # a1, a2 (+ a3 on 03-09) work day; e1 works eve every weekday except 03-09
    ledger.accept(*given_c1("a1", "a2", "a3", "e1", terms=terms), *worked(*MARCH),
                  shift("a3", "2026-03-09"), *eve)
    ledger.accept(issue("2026-03", "2026-04-01"))
    stmt = ledger.statement("C1", "2026-03")
    # Then eve keeps its normal plan of 1 on 03-09, so its empty eve shift is missing:
    # understaffing = -1 x 10000. (Had 03-09 dropped eve to 0, nothing would be missing.)
    # base: 21 normal weekdays x (2 day + 1 eve) = 63 x 20000 = 1260000
    # special_day 03-09: 3 day agent-shifts x 20000 x 1.5 = 90000
    expect_lines(stmt, ("base", "", 1260000), ("special_day", "2026-03-09", 90000),
                 ("understaffing", "", -10000))
    assert the_line(stmt, "understaffing")["quantity"] == 1
    assert the_line(stmt, "special_day", "2026-03-09")["quantity"] == 3
    # subtotal 1340000; tax 80400; total 1420400
    assert totals(stmt) == (1340000, 80400, 1420400)


# --------------------------------------------------------------------------- commission


def test_commission_on_the_period_sales_is_rounded_once(ledger: Any) -> None:
    # Given sales a1 03-05: 1234567 + 1000000 (same agent and date: they add up),
    # a2 03-20: 500050
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH), sales("a1", "2026-03-05", 1234567),
                  sales("a1", "2026-03-05", 1000000), sales("a2", "2026-03-20", 500050))
    ledger.accept(issue("2026-03", "2026-04-01"))
    stmt = ledger.statement("C1", "2026-03")
    # Then commission = r(2734617 x 0.01) = r(27346.17) = 27346
    # (rounding each sale first would give 12346 + 10000 + 5001 = 27347)
    expect_lines(stmt, ("base", "", 880000), ("commission", "", 27346))
    # subtotal 907346; tax r(54440.76) = 54441; total 961787
    assert totals(stmt) == (907346, 54441, 961787)


# --------------------------------------------------------------------------- fixed fee


def test_postpaid_fixed_fee_over_a_partial_31_day_month_is_rounded_once(ledger: Any) -> None:
    # Given a postpaid fixed fee of 3000000 a month, service from Wednesday 03-11
    # (no agents; understaffing_fen 0 so the plan costs nothing)
    terms = fixed_terms("postpaid", penalties={"understaffing_fen": 0})
    ledger.accept(sign("C1", terms, service_start="2026-03-11"))
    ledger.accept(issue("2026-03", "2026-04-01"))
    stmt = ledger.statement("C1", "2026-03")
    # Then fixed_fee = r(21 days x 3000000 / 31) = r(2032258.06...) = 2032258
    # (a daily fee rounded first, 96774 x 21 = 2032254, would be wrong)
    expect_lines(stmt, ("fixed_fee", "", 2032258))
    assert the_line(stmt, "fixed_fee")["quantity"] == 21
    # tax r(121935.48) = 121935; total 2154193
    assert totals(stmt) == (2032258, 121935, 2154193)
    assert stmt["due_on"] == "2026-04-11"


def test_quarterly_fixed_fee_with_a_mid_quarter_fee_amendment(ledger: Any) -> None:
    # Given a quarterly postpaid fixed fee of 3000000/month from 04-01, amended to 3100000
    # from 05-16
    terms = fixed_terms("postpaid", settlement_cycle="quarterly",
                        penalties={"understaffing_fen": 0})
    ledger.accept(sign("C1", terms, signed_on="2026-03-20", service_start="2026-04-01"),
                  amend("2026-05-16", {"pricing": {"monthly_fee_fen": 3100000}}))
    ledger.accept(issue("2026-Q2", "2026-07-01"))
    stmt = ledger.statement("C1", "2026-Q2")
    # Then fixed_fee = April 30 x 3000000/30 + May 15 x 3000000/31 + May 16 x 3100000/31
    #                  + June 30 x 3100000/30
    #                = 3000000 + 45000000/31 + 49600000/31 + 3100000
    #                = 6100000 + 94600000/31 = 9151612.90... -> 9151613
    expect_lines(stmt, ("fixed_fee", "", 9151613))
    line = the_line(stmt, "fixed_fee")
    assert line["quantity"] == 91  # service days 30 + 31 + 30
    assert line["unit_fen"] is None  # two monthly fees mixed in one line
    # tax r(549096.78) = 549097; total 9700710; due 07-01 + 10
    assert totals(stmt) == (9151613, 549097, 9700710)
    assert stmt["due_on"] == "2026-07-11"


def test_extra_shifts_bill_only_beyond_the_normal_plan_on_special_days(ledger: Any) -> None:
    # Given a postpaid fixed fee from Sunday 03-01 (a full month), extra shifts 30000,
    # special days 03-09 (Monday, day 4 agents, x1.5) and 03-14 (Saturday, day 1, x2)
    terms = fixed_terms("postpaid", staffing={"special_days": [
        {"date": "2026-03-09", "kind": "promotion", "label": "P1", "agents": {"day": 4},
         "multiplier": "1.5"},
        {"date": "2026-03-14", "kind": "holiday", "label": "P2", "agents": {"day": 1},
         "multiplier": "2"},
    ]})
    # a1, a2 work every weekday; a3, a4 add 03-09; a1 works 03-14; a3 also works Tuesday
    # 03-10, a normal day (excess: never billed)
    ledger.accept(*given_c1("a1", "a2", "a3", "a4", terms=terms, service_start="2026-03-01"),
                  *worked(*MARCH), shift("a3", "2026-03-09"), shift("a4", "2026-03-09"),
                  shift("a1", "2026-03-14"), shift("a3", "2026-03-10"))
    ledger.accept(issue("2026-03", "2026-04-01"))
    stmt = ledger.statement("C1", "2026-03")
    # Then fixed_fee = 31 days x 3000000/31 = 3000000
    # extra_shifts 03-09 = max(0, 4 billable - 2 normal) = 2 x 30000 x 1.5 = 90000
    # extra_shifts 03-14 = max(0, 1 - 0 normal on a Saturday) = 1 x 30000 x 2 = 60000
    # nothing for 03-10 (not a special day); no base/special_day lines on a fixed fee
    expect_lines(stmt, ("fixed_fee", "", 3000000), ("extra_shifts", "2026-03-09", 90000),
                 ("extra_shifts", "2026-03-14", 60000))
    # subtotal 3150000; tax 189000; total 3339000
    assert totals(stmt) == (3150000, 189000, 3339000)


# --------------------------------------------------------------------------- QA penalty


def test_qa_penalty_counts_failures_strictly_below_the_minimum(ledger: Any) -> None:
    # Given inspections in March scoring 70 and 84 (failures) and 85 (not a failure: 85 is
    # not below min_qa_score 85)
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH), qa("Q1", "a1", "2026-03-05", 70),
                  qa("Q2", "a2", "2026-03-12", 84), qa("Q3", "a1", "2026-03-19", 85))
    ledger.accept(issue("2026-03", "2026-04-01"))
    stmt = ledger.statement("C1", "2026-03")
    # Then qa_penalty = -min(2 x 20000, 0.10 x 880000) = -min(40000, 88000) = -40000
    expect_lines(stmt, ("base", "", 880000), ("qa_penalty", "", -40000))
    assert the_line(stmt, "qa_penalty")["quantity"] == 2
    # subtotal 840000; tax 50400; total 890400
    assert totals(stmt) == (840000, 50400, 890400)


def test_qa_penalty_is_capped_at_the_rate_of_the_service_fee(ledger: Any) -> None:
    # Given a special day 03-09 (day 2 agents, x2), sales 1000000 and five failures
    terms = bpc_terms(staffing={"special_days": [
        {"date": "2026-03-09", "kind": "promotion", "label": "P", "agents": {"day": 2},
         "multiplier": "2"}]})
    inspections = [qa(f"Q{i}", "a1", d, 10 * i)
                   for i, d in enumerate(["2026-03-03", "2026-03-04", "2026-03-05",
                                          "2026-03-06", "2026-03-10"], start=1)]
    ledger.accept(*given_c1("a1", "a2", terms=terms), *worked(*MARCH),
                  sales("a2", "2026-03-11", 1000000), *inspections)
    ledger.accept(issue("2026-03", "2026-04-01"))
    stmt = ledger.statement("C1", "2026-03")
    # Then base = 21 x 2 = 42 x 20000 = 840000; special_day = 2 x 20000 x 2 = 80000;
    # commission = 1000000 x 0.01 = 10000
    # service fee = base + special_day = 920000 (commission is not service fee);
    # cap = 0.10 x 920000 = 92000 < 5 x 20000 = 100000, so qa_penalty = -92000
    expect_lines(stmt, ("base", "", 840000), ("special_day", "2026-03-09", 80000),
                 ("commission", "", 10000), ("qa_penalty", "", -92000))
    assert the_line(stmt, "qa_penalty")["quantity"] == 5
    # subtotal 838000; tax 50280; total 888280
    assert totals(stmt) == (838000, 50280, 888280)


def test_fixed_fee_qa_cap_counts_fee_and_extra_shifts(ledger: Any) -> None:
    # Given a postpaid fixed fee of 100000 from 03-01, special day 03-09 (day 4 agents, x1.5)
    terms = fixed_terms("postpaid", pricing={"monthly_fee_fen": 100000}, staffing={
        "special_days": [{"date": "2026-03-09", "kind": "promotion", "label": "P",
                          "agents": {"day": 4}, "multiplier": "1.5"}]})
    ledger.accept(*given_c1("a1", "a2", "a3", "a4", terms=terms, service_start="2026-03-01"),
                  *worked(*MARCH), shift("a3", "2026-03-09"), shift("a4", "2026-03-09"),
                  qa("Q1", "a1", "2026-03-12", 30))
    ledger.accept(issue("2026-03", "2026-04-01"))
    stmt = ledger.statement("C1", "2026-03")
    # Then fixed_fee = 100000; extra_shifts 03-09 = (4 - 2) x 30000 x 1.5 = 90000
    # qa_penalty = -min(1 x 20000, 0.10 x (100000 + 90000) = 19000) = -19000
    # (a cap on the fee alone would be 10000)
    expect_lines(stmt, ("fixed_fee", "", 100000), ("extra_shifts", "2026-03-09", 90000),
                 ("qa_penalty", "", -19000))
    assert the_line(stmt, "qa_penalty")["quantity"] == 1
    # subtotal 171000; tax 10260; total 181260
    assert totals(stmt) == (171000, 10260, 181260)


# --------------------------------------------------------------------------- rounding, tax


def test_rounding_is_half_away_from_zero_on_both_signs(ledger: Any) -> None:
    # Given a Mondays-only plan of 1 agent at 5 fen a shift, commission "0.005"
    terms = bpc_terms(pricing={"shift_rate_fen": 5, "commission_rate": "0.005"},
                      staffing={"weekdays": [1], "shifts": [
                          {"code": "day", "start": "09:00", "end": "18:00", "agents": 1}]})
    mondays = [shift("a1", d) for d in days(*MARCH, weekdays=(1,))]  # 02, 09, 16, 23, 30
    assert len(mondays) == 5
    ledger.accept(*given_c1("a1", terms=terms), *mondays, sales("a1", "2026-03-09", 500),
                  qa("Q1", "a1", "2026-03-16", 50))
    ledger.accept(issue("2026-03", "2026-04-01"))
    stmt = ledger.statement("C1", "2026-03")
    # Then base = 5 x 5 = 25
    # commission = 500 x 0.005 = 2.5 -> 3 (half-even would give 2)
    # qa_penalty = -min(20000, 0.10 x 25 = 2.5) = -2.5 -> -3 (half-up would give -2)
    expect_lines(stmt, ("base", "", 25), ("commission", "", 3), ("qa_penalty", "", -3))
    # subtotal 25 + 3 - 3 = 25; tax 25 x 0.06 = 1.5 -> 2; total 27
    assert totals(stmt) == (25, 2, 27)


def test_tax_applies_to_a_negative_subtotal(ledger: Any) -> None:
    # Given a full March and a goodwill credit of -1000025 posted before issue
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH), adjustment("ADJ-1", -1000025))
    ledger.accept(issue("2026-03", "2026-04-01"))
    stmt = ledger.statement("C1", "2026-03")
    # Then subtotal = 880000 - 1000025 = -120025; tax = -7201.5 -> -7202; total -127227
    expect_lines(stmt, ("base", "", 880000), ("adjustment", "", -1000025))
    assert totals(stmt) == (-120025, -7202, -127227)
    assert account(stmt) == (0, 0, 0, -127227)
    # and a negative statement is owed to the merchant: it adds to credit
    assert balance(ledger) == (-127227, 127227, 0)


def test_tax_rate_and_due_days_come_from_the_terms_on_the_issue_date(ledger: Any) -> None:
    # Given an amendment from 04-01: tax 0.09, due in 15 days
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH),
                  amend("2026-04-01", {"tax_rate": "0.09", "payment_due_days": 15}))
    # When March is issued on 04-01
    ledger.accept(issue("2026-03", "2026-04-01"))
    stmt = ledger.statement("C1", "2026-03")
    # Then tax = 880000 x 0.09 = 79200; total 959200; due 04-01 + 15 = 04-16
    assert Decimal(stmt["tax_rate"]) == Decimal("0.09")
    assert totals(stmt) == (880000, 79200, 959200)
    assert stmt["due_on"] == "2026-04-16"


def test_a_statement_with_nothing_to_bill_keeps_one_zero_base_line(ledger: Any) -> None:
    # Given no agent works and understaffing costs nothing
    ledger.accept(sign("C1", bpc_terms(penalties={"understaffing_fen": 0})))
    ledger.accept(issue("2026-03", "2026-04-01"))
    stmt = ledger.statement("C1", "2026-03")
    # Then the statement keeps one base line of 0 and totals 0
    expect_lines(stmt, ("base", "", 0))
    assert totals(stmt) == (0, 0, 0)
    assert account(stmt) == (0, 0, 0, 0)


def test_an_empty_fixed_fee_statement_keeps_one_zero_fixed_fee_line(ledger: Any) -> None:
    # Given a prepaid fixed fee from 03-01, terminated with last day 03-31 before March issues
    terms = fixed_terms("prepaid", penalties={"understaffing_fen": 0})
    ledger.accept(sign("C1", terms, service_start="2026-03-01"),
                  cmd("terminate_contract", last_day="2026-03-31", initiated_by="merchant",
                      reason="shop closing"))
    ledger.accept(issue("2026-03", "2026-03-01"))
    march = ledger.statement("C1", "2026-03")
    # March (prepaid, 31 service days): 3000000; tax 180000; total 3180000
    expect_lines(march, ("fixed_fee", "", 3000000))
    assert totals(march) == (3000000, 180000, 3180000)
    # When April (the final statement: no service day, no activity, nothing to correct) issues
    ledger.accept(issue("2026-04", "2026-04-01"))
    april = ledger.statement("C1", "2026-04")
    # Then it keeps one zero fixed_fee line
    expect_lines(april, ("fixed_fee", "", 0))
    assert totals(april) == (0, 0, 0)
    assert account(april) == (3180000, 0, 0, 3180000)


# --------------------------------------------------------------------------- rate change


def test_a_rate_change_inside_a_period_prices_each_date_by_its_own_terms(ledger: Any) -> None:
    # Given, before March issues, an amendment from Monday 03-16: shift rate 21000,
    # commission 0.02; sales of 100000 on 03-05 and on 03-20
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH),
                  amend("2026-03-16",
                        {"pricing": {"shift_rate_fen": 21000, "commission_rate": "0.02"}}),
                  sales("a1", "2026-03-05", 100000), sales("a2", "2026-03-20", 100000))
    ledger.accept(issue("2026-03", "2026-04-01"))
    stmt = ledger.statement("C1", "2026-03")
    # Then base = 03-02..03-13: 10 days x 2 x 20000 = 400000
    #           + 03-16..03-31: 12 days x 2 x 21000 = 504000  -> 904000, mixed: unit_fen null
    # commission = 100000 x 0.01 + 100000 x 0.02 = 1000 + 2000 = 3000
    expect_lines(stmt, ("base", "", 904000), ("commission", "", 3000))
    base = the_line(stmt, "base")
    assert base["quantity"] == 44
    assert base["unit_fen"] is None
    # subtotal 907000; tax 54420; total 961420
    assert totals(stmt) == (907000, 54420, 961420)


# --------------------------------------------------------------------------- adjustments, breaches


def test_adjustments_recorded_before_issue_are_billed_signed(ledger: Any) -> None:
    # Given a charge of +12345 and a credit of -50000 (refers_to March base)
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH), adjustment("ADJ-1", 12345),
                  adjustment("ADJ-2", -50000, refers_to={"period": "2026-03", "line": "base"}))
    ledger.accept(issue("2026-03", "2026-04-01"))
    stmt = ledger.statement("C1", "2026-03")
    # Then one adjustment line each, signed as posted
    expect_lines(stmt, ("base", "", 880000), ("adjustment", "", -50000), ("adjustment", "", 12345))
    # subtotal 880000 + 12345 - 50000 = 842345; tax r(50540.7) = 50541; total 892886
    assert totals(stmt) == (842345, 50541, 892886)


def test_adjustments_after_issue_go_to_the_next_statement_once(ledger: Any) -> None:
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH))
    ledger.accept(issue("2026-03", "2026-04-01"))
    # Given an adjustment posted after March was issued
    ledger.accept(adjustment("ADJ-1", -7000), *worked(*APRIL))
    ledger.accept(issue("2026-04", "2026-05-01"))
    # Then April bills it: 880000 - 7000 = 873000; tax 52380; total 925380
    april = ledger.statement("C1", "2026-04")
    expect_lines(april, ("base", "", 880000), ("adjustment", "", -7000))
    assert totals(april) == (873000, 52380, 925380)
    # and May does not bill it again: May has 21 weekdays: 42 x 20000 = 840000
    ledger.accept(*worked(*MAY))
    ledger.accept(issue("2026-05", "2026-06-01"))
    expect_lines(ledger.statement("C1", "2026-05"), ("base", "", 840000))


def test_breach_penalty_is_positive_for_the_merchant_negative_for_the_provider(ledger: Any) -> None:
    # Given a merchant breach with penalty 30000 and a provider breach with penalty 25000
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH), breach("BR-M", "merchant", 30000),
                  breach("BR-P", "provider", 25000))
    ledger.accept(issue("2026-03", "2026-04-01"))
    stmt = ledger.statement("C1", "2026-03")
    # Then +30000 and -25000
    expect_lines(stmt, ("base", "", 880000), ("breach_penalty", "", -25000),
                 ("breach_penalty", "", 30000))
    # subtotal 885000; tax 53100; total 938100
    assert totals(stmt) == (885000, 53100, 938100)


# --------------------------------------------------------------------------- corrections


def test_a_shift_recorded_after_issue_is_billed_as_corrections(ledger: Any) -> None:
    # Given March issued with a2 missing on 03-17
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH, skip={("a2", "2026-03-17")}))
    ledger.accept(issue("2026-03", "2026-04-01"))
    march = ledger.statement("C1", "2026-03")
    # March: base 43 x 20000 = 860000; understaffing -10000; subtotal 850000; tax 51000
    expect_lines(march, ("base", "", 860000), ("understaffing", "", -10000))
    assert totals(march) == (850000, 51000, 901000)
    # When the shift arrives late and April is issued
    ledger.accept(shift("a2", "2026-03-17"), *worked(*APRIL))
    ledger.accept(issue("2026-04", "2026-05-01"))
    april = ledger.statement("C1", "2026-04")
    # Then March base now 44 x 20000 = 880000: +20000; understaffing now 0: +10000
    expect_lines(april, ("base", "", 880000), ("correction", "2026-03/base", 20000),
                 ("correction", "2026-03/understaffing", 10000))
    # subtotal 910000; tax 54600; total 964600
    assert totals(april) == (910000, 54600, 964600)


def test_a_retracted_shift_is_billed_back_as_corrections(ledger: Any) -> None:
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH))
    ledger.accept(issue("2026-03", "2026-04-01"))
    # Given a1's shift of 03-20 is retracted after March was issued
    ledger.accept(cmd("retract_shift", agent_id="a1", date="2026-03-20", shift="day",
                      reason="recorded in error"), *worked(*APRIL))
    ledger.accept(issue("2026-04", "2026-05-01"))
    april = ledger.statement("C1", "2026-04")
    # Then March base now 43 x 20000 = 860000: -20000; understaffing now -10000: -10000
    expect_lines(april, ("base", "", 880000), ("correction", "2026-03/base", -20000),
                 ("correction", "2026-03/understaffing", -10000))
    # subtotal 850000; tax 51000; total 901000
    assert totals(april) == (850000, 51000, 901000)


def test_a_back_dated_rate_amendment_into_a_settled_period(ledger: Any) -> None:
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH))
    ledger.accept(issue("2026-03", "2026-04-01"))
    # Given, after March was issued, shift_rate_fen 21000 from 03-16
    ledger.accept(amend("2026-03-16", {"pricing": {"shift_rate_fen": 21000}}), *worked(*APRIL))
    ledger.accept(issue("2026-04", "2026-05-01"))
    april = ledger.statement("C1", "2026-04")
    # Then March base now 20 x 20000 + 24 x 21000 = 904000; billed 880000: +24000
    # April: 44 x 21000 = 924000
    expect_lines(april, ("base", "", 924000), ("correction", "2026-03/base", 24000))
    assert the_line(april, "base")["unit_fen"] == 21000
    # subtotal 948000; tax 56880; total 1004880
    assert totals(april) == (948000, 56880, 1004880)


def test_a_late_qa_inspection_is_billed_as_a_correction(ledger: Any) -> None:
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH))
    ledger.accept(issue("2026-03", "2026-04-01"))
    # Given a failed inspection dated 03-20 recorded after March was issued
    ledger.accept(qa("Q-LATE", "a1", "2026-03-20", 60), *worked(*APRIL))
    ledger.accept(issue("2026-04", "2026-05-01"))
    april = ledger.statement("C1", "2026-04")
    # Then March qa_penalty now -min(20000, 88000) = -20000; billed 0: -20000
    expect_lines(april, ("base", "", 880000), ("correction", "2026-03/qa_penalty", -20000))
    # subtotal 860000; tax 51600; total 911600
    assert totals(april) == (860000, 51600, 911600)


def test_corrections_per_period_and_code_are_never_billed_twice(ledger: Any) -> None:
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH))
    ledger.accept(issue("2026-03", "2026-04-01"))
    ledger.accept(*worked(*APRIL, skip={("a1", "2026-04-20")}))
    ledger.accept(issue("2026-04", "2026-05-01"))
    # Given late facts for two settled periods: March sales 50000, a1's April 20 shift
    ledger.accept(sales("a1", "2026-03-10", 50000), shift("a1", "2026-04-20"), *worked(*MAY))
    ledger.accept(issue("2026-05", "2026-06-01"))
    may = ledger.statement("C1", "2026-05")
    # Then one correction per period and code:
    # March commission 50000 x 0.01 = +500; April base +20000; April understaffing +10000
    # May base: 21 weekdays x 2 = 42 x 20000 = 840000
    expect_lines(may, ("base", "", 840000), ("correction", "2026-03/commission", 500),
                 ("correction", "2026-04/base", 20000),
                 ("correction", "2026-04/understaffing", 10000))
    # subtotal 870500; tax 52230; total 922730
    assert totals(may) == (870500, 52230, 922730)
    # When June is issued with nothing new about March or April
    ledger.accept(*worked(*JUNE))
    ledger.accept(issue("2026-06", "2026-07-01"))
    # Then the earlier corrections count as billed: June has only its base 44 x 20000
    expect_lines(ledger.statement("C1", "2026-06"), ("base", "", 880000))


# --------------------------------------------------------------------------- frozen statements


def test_an_issued_statement_never_changes(ledger: Any) -> None:
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH, skip={("a2", "2026-03-17")}))
    ledger.accept(issue("2026-03", "2026-04-01"))
    before = ledger.run("statement", "C1", "2026-03", "--json")
    assert before.code == 0, before
    # Given every kind of late fact about March, a payment and the next issue
    ledger.accept(
        shift("a2", "2026-03-17"),
        cmd("retract_shift", agent_id="a1", date="2026-03-20", shift="day", reason="error"),
        amend("2026-03-02", {"pricing": {"shift_rate_fen": 25000}}),
        qa("Q-LATE", "a1", "2026-03-10", 40),
        sales("a1", "2026-03-05", 100000),
        adjustment("ADJ-1", -3000, refers_to={"period": "2026-03", "line": "base"}),
        breach("BR-1", "merchant", 15000),
        pay("P1", 500000, "2026-04-05"),
        *worked(*APRIL),
    )
    ledger.accept(issue("2026-04", "2026-05-01"))
    # Then March's output is byte-identical
    after = ledger.run("statement", "C1", "2026-03", "--json")
    assert after.code == 0, after
    assert after.out == before.out
    # and the late facts did reach the ledger, as April's corrections:
    # March base now 43 (a2 17th in, a1 20th out) x 25000 = 1075000 vs 860000: +215000
    # understaffing now -10000 (03-20) vs -10000 (03-17): no line
    # commission 100000 x 0.01 = +1000; qa -min(20000, 107500) = -20000
    # April: base 44 x 25000 = 1100000; adjustment -3000; merchant breach +15000
    april = ledger.statement("C1", "2026-04")
    expect_lines(april, ("base", "", 1100000), ("adjustment", "", -3000),
                 ("breach_penalty", "", 15000), ("correction", "2026-03/base", 215000),
                 ("correction", "2026-03/commission", 1000),
                 ("correction", "2026-03/qa_penalty", -20000))
    # subtotal 1308000; tax 78480; total 1386480
    assert totals(april) == (1308000, 78480, 1386480)


def test_the_live_draft_is_what_issuing_produces(ledger: Any) -> None:
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH))
    ledger.accept(issue("2026-03", "2026-04-01"))
    ledger.accept(adjustment("ADJ-1", 999), *worked(*APRIL, skip={("a1", "2026-04-06")}))
    # Given the draft of April as issuing on 05-01 would produce it
    draft = ledger.statement("C1", "2026-04", "--live", "--on", "2026-05-01")
    # base 43 x 20000 = 860000; understaffing -10000; adjustment +999
    # subtotal 850999; tax r(51059.94) = 51060; total 902059
    expect_lines(draft, ("base", "", 860000), ("understaffing", "", -10000),
                 ("adjustment", "", 999))
    assert totals(draft) == (850999, 51060, 902059)
    # When it is issued on that date, Then the issued statement has the same lines and money
    ledger.accept(issue("2026-04", "2026-05-01"))
    issued = ledger.statement("C1", "2026-04")
    assert shape(issued) == shape(draft)
    assert totals(issued) == totals(draft)
    assert (issued["due_on"], account(issued)) == (draft["due_on"], account(draft))
    assert account(issued) == (932800, 0, 0, 932800 + 902059)


# --------------------------------------------------------------------------- late fees


def test_late_fee_is_billed_once_on_the_next_statement(ledger: Any) -> None:
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH))
    ledger.accept(issue("2026-03", "2026-04-01"))  # total 932800, due 04-11
    # Given 1000000 paid on 04-15: 932800 settles March 4 days late (04-15 - 04-11),
    # the other 67200 finds no unpaid statement and is held as credit
    ledger.accept(pay("P1", 1000000, "2026-04-15"), *worked(*APRIL))
    assert balance(ledger) == (932800 - 1000000, 67200, 0)
    ledger.accept(issue("2026-04", "2026-05-01"))
    april = ledger.statement("C1", "2026-04")
    # Then late_fee = r(932800 x 0.0005 x 4) = r(1865.6) = 1866 (not on the credit part)
    expect_lines(april, ("base", "", 880000), ("late_fee", "", 1866))
    # subtotal 881866; tax r(52911.96) = 52912; total 934778
    assert totals(april) == (881866, 52912, 934778)
    # account: opening 932800, payments 1000000, closing 932800 - 1000000 + 934778 = 867578
    assert account(april) == (932800, 1000000, 0, 867578)
    # When the rest is paid on time (05-05 <= due 05-11) and May is issued
    ledger.accept(pay("P2", 867578, "2026-05-05"), *worked(*MAY))
    ledger.accept(issue("2026-05", "2026-06-01"))
    may = ledger.statement("C1", "2026-05")
    # Then no late fee again: May is 42 x 20000 = 840000; tax 50400; total 890400
    expect_lines(may, ("base", "", 840000))
    assert totals(may) == (840000, 50400, 890400)
    assert account(may) == (867578, 867578, 0, 890400)
    assert balance(ledger) == (890400, 0, 0)


def test_unpaid_statement_accrues_nothing_until_paid_then_fifo(ledger: Any) -> None:
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH))
    ledger.accept(issue("2026-03", "2026-04-01"))  # 932800, due 04-11
    ledger.accept(*worked(*APRIL))
    # Given March is still unpaid when April is issued
    ledger.accept(issue("2026-04", "2026-05-01"))
    april = ledger.statement("C1", "2026-04")
    # Then April has no late fee (nothing was paid late yet): total 932800, due 05-11
    expect_lines(april, ("base", "", 880000))
    assert totals(april) == (880000, 52800, 932800)
    assert april["due_on"] == "2026-05-11"
    # When 1000000 arrives 05-06: oldest first, 932800 to March, 25 days late
    # (05-06 - 04-11), and 67200 to April, on time
    ledger.accept(pay("P1", 1000000, "2026-05-06"), *worked(*MAY))
    ledger.accept(issue("2026-05", "2026-06-01"))
    may = ledger.statement("C1", "2026-05")
    # Then late_fee = 932800 x 0.0005 x 25 = 11660 (newest-first would put 932800 on
    # April, on time, and only 67200 on March: 67200 x 0.0005 x 25 = 840)
    expect_lines(may, ("base", "", 840000), ("late_fee", "", 11660))
    # subtotal 851660; tax r(51099.6) = 51100; total 902760
    assert totals(may) == (851660, 51100, 902760)
    # opening = April closing = 932800 + 932800 = 1865600; closing 1865600 - 1000000 + 902760
    assert account(may) == (1865600, 1000000, 0, 1768360)
    assert balance(ledger) == (1768360, 0, 0)


def test_a_late_fee_that_rounds_to_zero_is_used_up(ledger: Any) -> None:
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH))
    ledger.accept(issue("2026-03", "2026-04-01"))  # 932800, due 04-11
    # Given March's last fen paid 4 days late: 1 x 0.0005 x 4 = 0.002 fen
    ledger.accept(pay("P1", 932799, "2026-04-05"), pay("P2", 1, "2026-04-15"), *worked(*APRIL))
    ledger.accept(issue("2026-04", "2026-05-01"))  # 932800, due 05-11
    # Then April has no late_fee line (0.002 rounds to 0)
    expect_lines(ledger.statement("C1", "2026-04"), ("base", "", 880000))
    # Given April's last 997 paid 1 day late: 997 x 0.0005 x 1 = 0.4985 fen
    ledger.accept(pay("P3", 931803, "2026-05-05"), pay("P4", 997, "2026-05-12"), *worked(*MAY))
    ledger.accept(issue("2026-05", "2026-06-01"))
    # Then May has none either: 0.4985 -> 0 (had 0.002 been carried: 0.5005 -> 1)
    may = ledger.statement("C1", "2026-05")
    expect_lines(may, ("base", "", 840000))
    assert totals(may) == (840000, 50400, 890400)
    assert balance(ledger) == (890400, 0, 0)


# --------------------------------------------------------------------------- payments, credit


def test_payments_go_to_the_oldest_statement_and_openings_chain(ledger: Any) -> None:
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH))
    ledger.accept(issue("2026-03", "2026-04-01"))  # 932800, due 04-11
    # Given 500000 on time, then April issued with 432800 of March still open
    ledger.accept(pay("P1", 500000, "2026-04-05"), *worked(*APRIL))
    ledger.accept(issue("2026-04", "2026-05-01"))  # 932800, due 05-11
    april = ledger.statement("C1", "2026-04")
    assert account(april) == (932800, 500000, 0, 1365600)  # 932800 - 500000 + 932800
    # When 1365600 arrives 05-05: March's 432800 first (24 days late: 05-05 - 04-11),
    # then April's 932800 (on time)
    ledger.accept(pay("P2", 1365600, "2026-05-05"), *worked(*MAY))
    ledger.accept(issue("2026-05", "2026-06-01"))
    may = ledger.statement("C1", "2026-05")
    # Then late_fee = r(432800 x 0.0005 x 24) = r(5193.6) = 5194
    expect_lines(may, ("base", "", 840000), ("late_fee", "", 5194))
    # subtotal 845194; tax r(50711.64) = 50712; total 895906
    assert totals(may) == (845194, 50712, 895906)
    assert account(may) == (1365600, 1365600, 0, 895906)
    # Each opening equals the previous closing
    march = ledger.statement("C1", "2026-03")
    assert april["account"]["opening_fen"] == march["account"]["closing_fen"]
    assert may["account"]["opening_fen"] == april["account"]["closing_fen"]
    # receivable = 932800 + 932800 + 895906 - 500000 - 1365600 = 895906
    assert balance(ledger) == (895906, 0, 0)


def test_an_overpayment_is_credit_allocated_to_the_next_statement(ledger: Any) -> None:
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH))
    ledger.accept(issue("2026-03", "2026-04-01"))  # 932800
    # Given 1000000 paid on time
    ledger.accept(pay("P1", 1000000, "2026-04-05"))
    # Then 67200 is credit: receivable = 932800 - 1000000 = -67200
    assert balance(ledger) == (-67200, 67200, 0)
    # When April is issued (932800)
    ledger.accept(*worked(*APRIL))
    ledger.accept(issue("2026-04", "2026-05-01"))
    april = ledger.statement("C1", "2026-04")
    # Then the credit is used up: opening 932800, payments 1000000, closing 865600
    expect_lines(april, ("base", "", 880000))
    assert account(april) == (932800, 1000000, 0, 865600)
    assert balance(ledger) == (865600, 0, 0)


def test_refund_credit_reduces_credit_and_nets_in_payments(ledger: Any) -> None:
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH))
    ledger.accept(issue("2026-03", "2026-04-01"))  # 932800
    ledger.accept(pay("P1", 1000000, "2026-04-05"))  # 67200 credit
    # A refund above the credit is refused
    error = ledger.reject(cmd("refund_credit", refund_id="R0", amount_fen=67201,
                              paid_on="2026-04-20", reference="BANK-R0"))
    assert error["code"] == "exceeds_credit"
    # Given 20000 of the credit refunded
    ledger.accept(cmd("refund_credit", refund_id="R1", amount_fen=20000, paid_on="2026-04-20",
                      reference="BANK-R1"))
    # Then credit 47200; receivable = 932800 - 1000000 + 20000 = -47200
    assert balance(ledger) == (-47200, 47200, 0)
    # When April is issued (932800)
    ledger.accept(*worked(*APRIL))
    ledger.accept(issue("2026-04", "2026-05-01"))
    april = ledger.statement("C1", "2026-04")
    # Then payments are net of the refund: 1000000 - 20000 = 980000;
    # closing 932800 - 980000 + 932800 = 885600
    assert account(april) == (932800, 980000, 0, 885600)
    assert balance(ledger) == (885600, 0, 0)


def test_statements_lists_the_issued_statements(ledger: Any) -> None:
    ledger.accept(*given_c1("a1", "a2"), *worked(*MARCH))
    ledger.accept(issue("2026-03", "2026-04-01"), *worked(*APRIL))
    ledger.accept(issue("2026-04", "2026-05-01"))
    run = ledger.run("statements", "--json")
    assert run.code == 0, run
    rows = sorted(
        (r["contract_id"], r["period"], r["statement_no"], r["issued_on"], r["due_on"],
         r["total_fen"])
        for r in run.json()
    )
    assert rows == [
        ("C1", "2026-03", "C1-2026-03", "2026-04-01", "2026-04-11", 932800),
        ("C1", "2026-04", "C1-2026-04", "2026-05-01", "2026-05-11", 932800),
    ]


# --------------------------------------------------------------------------- prepaid


def prepaid_history() -> list[dict[str, Any]]:
    """Prepaid 3000000/month from Sunday 03-01, deposit 2000000 held since 02-25.

    March issued 03-01 (fee only), paid 03-05; March activity: a2 misses 03-17, one
    QA failure on 03-20; April issued 04-01.
    """
    terms = fixed_terms("prepaid", pricing={"deposit_fen": 2000000})
    return [
        *given_c1("a1", "a2", terms=terms, service_start="2026-03-01"),
        cmd("record_deposit", amount_fen=2000000, received_on="2026-02-25", reference="DEP-1"),
        issue("2026-03", "2026-03-01"),
        pay("P1", 3180000, "2026-03-05"),
        *worked(*MARCH, skip={("a2", "2026-03-17")}),
        qa("Q1", "a1", "2026-03-20", 60),
        issue("2026-04", "2026-04-01"),
    ]


def test_prepaid_bills_the_fee_up_front_and_the_activity_next(ledger: Any) -> None:
    ledger.accept(*prepaid_history())
    march = ledger.statement("C1", "2026-03")
    # March issued on its first day: its fee only, 31 x 3000000/31 = 3000000
    expect_lines(march, ("fixed_fee", "", 3000000))
    assert totals(march) == (3000000, 180000, 3180000)
    assert (march["issued_on"], march["due_on"]) == ("2026-03-01", "2026-03-11")
    april = ledger.statement("C1", "2026-04")
    # April: its own fee 3000000 plus March's activity:
    # understaffing -1 x 10000; qa_penalty -min(20000, 0.10 x 3000000) = -20000
    expect_lines(april, ("fixed_fee", "", 3000000), ("understaffing", "", -10000),
                 ("qa_penalty", "", -20000))
    assert the_line(april, "understaffing")["quantity"] == 1
    assert the_line(april, "qa_penalty")["quantity"] == 1
    # subtotal 2970000; tax 178200; total 3148200
    assert totals(april) == (2970000, 178200, 3148200)
    # opening 3180000, payments 3180000, closing 3148200
    assert account(april) == (3180000, 3180000, 0, 3148200)
    # the deposit is held, not applied (no final statement yet)
    assert balance(ledger) == (3148200, 0, 2000000)


def test_prepaid_termination_final_statement_and_deposit(ledger: Any) -> None:
    ledger.accept(*prepaid_history())
    # Given the merchant terminates with last service day Wednesday 04-15, after April was
    # billed in advance; April's shifts are worked through 04-15 except a2 on 04-14
    ledger.accept(
        cmd("terminate_contract", last_day="2026-04-15", initiated_by="merchant", reason="closing"),
        *worked("2026-04-01", "2026-04-15", skip={("a2", "2026-04-14")}),
    )
    # When May, the final statement, is issued
    ledger.accept(issue("2026-05", "2026-05-01"))
    may = ledger.statement("C1", "2026-05")
    # Then no fee for May (no service day); April's activity: understaffing -10000;
    # April's fee recomputed: 15 service days x 3000000/30 = 1500000, billed 3000000:
    # correction -1500000
    expect_lines(may, ("understaffing", "", -10000), ("correction", "2026-04/fixed_fee", -1500000))
    # subtotal -1510000; tax -90600; total -1600600
    assert totals(may) == (-1510000, -90600, -1600600)
    # deposit applied = min(2000000, max(0, 3148200 - 0 - 1600600)) = 1547600
    # closing = 3148200 - 0 - 1600600 - 1547600 = 0
    assert account(may) == (3148200, 0, 1547600, 0)
    # receivable = (3180000 + 3148200 - 1600600) - 3180000 - 1547600 = 0; held 452400
    assert balance(ledger) == (0, 0, 452400)
    # Refunding more than is held is refused; the rest can be refunded
    error = ledger.reject(cmd("refund_deposit", amount_fen=452401, paid_on="2026-05-10",
                              reference="BANK-X"))
    assert error["code"] == "exceeds_deposit_held"
    ledger.accept(cmd("refund_deposit", amount_fen=452400, paid_on="2026-05-10",
                      reference="BANK-R"))
    assert balance(ledger) == (0, 0, 0)
