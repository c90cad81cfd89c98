"""SPEC §12 step by step, on numbers worked by hand (given / when / then).

The hand-worked profile (``quote_profiles.small``): aht 240 s, so λ = 15
inquiries an hour is a = 15 * 240 / 3600 = 1 erlang; concurrency 1; answer
within 240 s (= aht, so the exponent is -(N - a)); service level 0.8;
occupancy 0.85; shrinkage 0.2; min_agents 1.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from quote import plan as Q
from quote.erlang import agents_for_hour, erlang_b, service_level
from schemas.terms import BasePlusCommission, FixedFee

from .quote_profiles import decode, small


def test_dec4_rounds_half_away_from_zero() -> None:
    # 1/3 = 0.33333.. -> 0.3333; 2/3 -> 0.6667; 0.00005 is a half: away from zero, both signs
    values = (Fraction(1, 3), Fraction(2, 3), Fraction(1, 20000), Fraction(-1, 20000), Fraction(7))
    assert [Q.dec4(x) for x in values] == ["0.3333", "0.6667", "0.0001", "-0.0001", "7.0000"]


def test_forecast_is_the_mean_over_listed_non_special_dates_of_the_weekday() -> None:
    # given Mondays 03-02 (h9 10, h10 30, h21 4) and 03-09 (h9 20; h10, h21 missing = 0),
    # and Monday 03-16, a history special day, left out
    p = decode(small())
    # when
    table = Q.forecast(p.history, [d.date for d in p.history_special_days])
    # then h9 = (10 + 20) / 2 = 15; h10 = (30 + 0) / 2 = 15; h21 = (4 + 0) / 2 = 2
    assert [table[1, 9], table[1, 10], table[1, 21], table[1, 0]] == [15, 15, 2, 0]
    assert table[2, 9] == 15 and table[6, 9] == 3  # one Tuesday, one Saturday
    assert all(table[3, h] == 0 for h in range(24))  # no Wednesday listed: 0, not a gap average
    assert len(table) == 168


def test_an_unlisted_date_is_a_gap_not_a_zero_day() -> None:
    # given one Monday with 12 at h9 and no row at all for the next Monday
    p = decode(small(history=[{"date": "2026-03-02", "hour": 9, "inquiries": 12}],
                     history_special_days=[]))
    # then the mean is over the one listed Monday: 12, not (12 + 0) / 2
    assert Q.forecast(p.history, [])[1, 9] == 12


def test_uplift_of_a_label() -> None:
    # given 节 on Monday 03-16: 45 + 45 + 6 = 96 inquiries; the Monday forecast, all hours,
    # is 15 + 15 + 2 = 32
    p = decode(small())
    table = Q.forecast(p.history, [d.date for d in p.history_special_days])
    # then uplift = 96 / 32 = 3
    assert Q.uplift(p.history, p.history_special_days, table) == {"节": 3}


def test_uplift_is_one_when_the_forecast_of_its_weekdays_is_zero() -> None:
    # given 空 on a Wednesday (03-18, 50 inquiries) and no ordinary Wednesday in the history
    p = decode(small(history=[*small()["history"], {"date": "2026-03-18", "hour": 9, "inquiries": 50}],
                     history_special_days=[{"date": "2026-03-16", "label": "节"},
                                           {"date": "2026-03-18", "label": "空"}]))
    table = Q.forecast(p.history, [d.date for d in p.history_special_days])
    # then 50 / 0 is not computed: the uplift is 1
    assert Q.uplift(p.history, p.history_special_days, table)["空"] == 1


def test_no_inquiries_no_agents() -> None:
    # λ = 0 -> n = 0, whatever the service asks
    assert agents_for_hour(Fraction(0), 240, 3, 30, Fraction(4, 5), Fraction(17, 20)) == 0


def test_service_level_binds() -> None:
    # a = 15 * 240 / 3600 = 1. Erlang B: B1 = 1/2, B2 = 0.5 / 2.5 = 0.2, B3 = 0.2 / 3.2 = 0.0625.
    # N = 1 is not > a. N = 2: C = 2 * 0.2 / (2 - 0.8) = 1/3, SL = 1 - e^-1 / 3 = 0.8774.
    # N = 3: C = 0.1875 / 2.0625 = 1/11, SL = 1 - e^-2 / 11 = 0.9877.
    assert abs(service_level(1.0, 2, erlang_b(1.0, 2), 240, 240) - 0.87737) < 1e-5
    assert abs(service_level(1.0, 3, erlang_b(1.0, 3), 240, 240) - 0.98770) < 1e-5
    assert agents_for_hour(Fraction(15), 240, 1, 240, Fraction("0.8"), Fraction(1)) == 2
    assert agents_for_hour(Fraction(15), 240, 1, 240, Fraction("0.9"), Fraction(1)) == 3
    # concurrency 2: n agents are 2n servers; N = 2 (n = 1) meets 0.8, 0.9 needs N = 4 (n = 2)
    assert agents_for_hour(Fraction(15), 240, 2, 240, Fraction("0.8"), Fraction(1)) == 1
    assert agents_for_hour(Fraction(15), 240, 2, 240, Fraction("0.9"), Fraction(1)) == 2


def test_occupancy_binds_inclusively() -> None:
    # a = 60 * 360 / 3600 = 6; a service level of 0 is met by any N > a, but a / N <= 0.5
    # needs N >= 12: N = 12 is exactly 0.5, allowed (inclusive)
    assert agents_for_hour(Fraction(60), 360, 1, 20, Fraction(0), Fraction("0.5")) == 12
    # concurrency 5: the smallest n with 5n >= 12 is 3
    assert agents_for_hour(Fraction(60), 360, 5, 20, Fraction(0), Fraction("0.5")) == 3


def test_thousands_of_servers() -> None:
    # a = 75000 * 240 / 3600 = 5000 erlangs: the B recursion neither overflows nor underflows
    n = agents_for_hour(Fraction(75000), 240, 1, 20, Fraction("0.8"), Fraction("0.95"))
    assert 5000 < n < 5300
    assert service_level(5000.0, n, erlang_b(5000.0, n), 20, 240) >= 0.8
    assert service_level(5000.0, n - 1, erlang_b(5000.0, n - 1), 20, 240) < 0.8 or (n - 1) * 0.95 < 5000


def test_scheduled_rounds_up_exactly() -> None:
    # 3 / 0.85 = 3.53 -> 4; 17 / 0.85 = 20 exactly (a float gives 20.000000000000004 -> 21)
    assert Q.scheduled(3, 0, Fraction("0.15")) == 4
    assert Q.scheduled(17, 0, Fraction("0.15")) == 20
    # min_agents is the floor, also for an hour without inquiries
    assert Q.scheduled(0, 1, Fraction("0.15")) == 1
    assert Q.scheduled(2, 0, Fraction("0.2")) == 3  # 2.5 -> 3


def test_the_whole_quote() -> None:
    # given the hand-worked profile
    r = Q.quote(decode(small()))
    rows = {(f.weekday, f.hour): f for f in r.forecast}
    # forecast rows: λ = 15 -> n = 2 (see above) -> 2 / 0.8 = 2.5 -> 3 scheduled;
    # λ = 2 -> a = 2/15, N = 1: SL = 1 - (2/15) e^-(13/15) = 0.944 -> n = 1 -> 1.25 -> 2;
    # λ = 0 -> n = 0 -> min_agents 1
    assert len(r.forecast) == 168 and r.forecast[0].weekday == 1 and r.forecast[25].hour == 1
    assert (rows[1, 9].inquiries, rows[1, 9].agents, rows[1, 9].scheduled) == ("15.0000", 2, 3)
    assert (rows[1, 21].inquiries, rows[1, 21].agents, rows[1, 21].scheduled) == ("2.0000", 1, 2)
    assert (rows[3, 0].inquiries, rows[3, 0].agents, rows[3, 0].scheduled) == ("0.0000", 0, 1)
    assert r.uplift == {"节": "3.0000"}
    # plan over weekdays 1-5: day (08-12) max is 3 (Mon h9, h10; Tue h9); eve (12-20) only 1s
    assert [(s.code, s.start, s.end, s.agents) for s in r.shifts] == [
        ("day", "08:00", "12:00", 3), ("eve", "12:00", "20:00", 1)]
    # 2027-03-15, a Monday like 节: λ = 15 * 3 = 45 at h9, h10 -> a = 3; N = 4:
    # B4 = (81/24) / (1 + 3 + 4.5 + 4.5 + 3.375) = 0.2061, C = 0.8244 / 1.6183 = 0.5094,
    # SL = 1 - 0.5094 e^-1 = 0.8126 >= 0.8, occupancy 3/4 <= 0.85 -> n = 4 -> 4 / 0.8 = 5
    # 2027-03-16, a Tuesday without like: λ = 15 at h9 -> 3, as on a normal Tuesday
    assert [(d.date, d.agents, d.multiplier) for d in r.special_days] == [
        (dt.date(2027, 3, 15), {"day": 5, "eve": 1}, "1.5"),
        (dt.date(2027, 3, 16), {"day": 3, "eve": 1}, "1.5")]
    # M = 5 weekdays * (3 + 1) * 365 / 84 = 7300 / 84 = 86.90476..
    assert r.monthly_agent_shifts == "86.9048"
    # 7300/84 * 25000 = 2172619.0476 + 0.01 * 150000000 = 3672619.05 -> 3672619
    assert r.monthly_estimate_fen == 3672619
    # 2172619.0476 * 1.1 = 2389880.95 -> 2389881
    assert r.fixed_fee_fen == 2389881
    # uncovered: Monday h21 (2); Saturday is no plan weekday: its 3 at h9
    assert [u.inquiries for u in r.uncovered] == [
        "2.0000", "0.0000", "0.0000", "0.0000", "0.0000", "3.0000", "0.0000"]


def test_the_proposed_terms() -> None:
    r = Q.quote(decode(small(terms={"deposit_fen": 500000, "billing": "prepaid",
                                    "penalties": {"qa_failure_fen": 1}})))
    base, fixed = r.terms_proposed.base_plus_commission, r.terms_proposed.fixed_fee
    assert isinstance(base.pricing, BasePlusCommission) and isinstance(fixed.pricing, FixedFee)
    assert base.pricing.deposit_fen == fixed.pricing.deposit_fen == 500000
    assert (fixed.pricing.monthly_fee_fen, fixed.pricing.billing, fixed.pricing.extra_shift_fen) == (
        2389881, "prepaid", 27500)  # 25000 * 1.1
    assert (base.pricing.shift_rate_fen, base.pricing.commission_rate) == (25000, Decimal("0.01"))
    assert base.kpi.max_first_response_s == 240 and base.kpi.min_qa_score == 85
    assert base.penalties.qa_failure_fen == 1 and base.penalties.qa_breach_failures == 3  # the rest: §3
    assert (base.settlement_cycle, base.payment_due_days, base.tax_rate) == ("monthly", 7, Decimal("0.06"))
    assert [d.label for d in base.staffing.special_days] == ["春促", "休"]
    assert base.staffing.weekdays == [1, 2, 3, 4, 5]
