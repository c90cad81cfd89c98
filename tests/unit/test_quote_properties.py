"""Properties of quotes: proposed terms are always accepted; a year of history is quoted."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.terms import to_plain
from quote import plan as Q
from schemas.terms import Terms

from .quote_profiles import TERMS, decode, small

NUMBERS = msgspec.json.Encoder(decimal_format="number")  # kpi as JSON numbers, rates stay strings
DAY0 = dt.date(2026, 1, 5)  # a Monday
rates = st.decimals(min_value=0, max_value=1, places=3).map(str)


@st.composite
def profiles(draw: st.DrawFn) -> dict[str, Any]:
    cuts = sorted(draw(st.sets(st.integers(0, 24), min_size=2, max_size=5)))
    shifts = [{"code": f"s{i}", "start": f"{a:02d}:00", "end": f"{b:02d}:00"}
              for i, (a, b) in enumerate(itertools.pairwise(cuts))]
    history = [{"date": (DAY0 + dt.timedelta(days=d)).isoformat(), "hour": h, "inquiries": n}
               for (d, h), n in draw(st.dictionaries(st.tuples(st.integers(0, 20), st.integers(0, 23)),
                                                     st.integers(0, 400), max_size=30)).items()]
    labels = ["双11", "618"]
    return small(
        history=history,
        history_special_days=[{"date": (DAY0 + dt.timedelta(days=d)).isoformat(), "label": labels[d % 2]}
                              for d in draw(st.sets(st.integers(0, 20), max_size=3))],
        aht_s=draw(st.integers(1, 900)), concurrency=draw(st.integers(1, 5)),
        service={"answer_within_s": draw(st.integers(0, 120)),
                 "service_level": str(draw(st.decimals(min_value=0, max_value="0.99", places=2))),
                 "max_occupancy": str(draw(st.decimals(min_value="0.5", max_value=1, places=2)))},
        shrinkage=str(draw(st.decimals(min_value=0, max_value="0.6", places=2))),
        min_agents=draw(st.integers(0, 3)),
        weekdays=draw(st.lists(st.integers(1, 7), min_size=1, max_size=7, unique=True)),
        shifts=shifts,
        special_days=[{"date": (dt.date(2027, 1, 1) + dt.timedelta(days=d)).isoformat(), "kind": "promotion",
                       "label": f"p{d}", "like": draw(st.sampled_from([None, *labels, "other"]))}
                      for d in draw(st.sets(st.integers(0, 364), max_size=3))],
        rates={"shift_rate_fen": draw(st.integers(0, 10**6)), "commission_rate": draw(rates),
               "special_multiplier": str(draw(st.decimals(min_value="0.1", max_value=5, places=1))),
               "fixed_premium": draw(rates)},
        monthly_sales_fen=draw(st.integers(0, 10**10)),
        terms=draw(st.sampled_from([{}, {"billing": "prepaid", "deposit_fen": 1},
                                    {"settlement_cycle": "quarterly", "kpi": {"min_qa_score": 90.5}}])),
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles())
def test_both_proposed_terms_are_accepted_as_sign_contract_terms(body: dict[str, Any]) -> None:
    result = Q.quote(decode(body))
    codes = {s.code for s in result.shifts}
    for terms in (result.terms_proposed.base_plus_commission, result.terms_proposed.fixed_fee):
        # as the CLI prints it, then through the command decoder's strict hooks
        again = TERMS.decode(NUMBERS.encode(to_plain(terms)))
        assert isinstance(again, Terms) and again == terms
        dates = [d.date for d in again.staffing.special_days]
        assert len(dates) == len(set(dates))
        assert all(set(d.agents) == codes for d in again.staffing.special_days)
    assert len(result.forecast) == 168 and len(result.uncovered) == 7


def test_a_year_of_hourly_history() -> None:
    # given 365 days * 24 hours = 8,760 rows: every day the same curve, weekends double,
    # and 双11 (2025-11-11, a Tuesday) at three times its weekday
    curve = [0] * 8 + [30, 60, 90, 120, 120, 90, 90, 120, 120, 90, 60, 60, 30, 15, 0, 0]
    first = dt.date(2025, 1, 1)
    history = []
    for d in range(365):
        day = first + dt.timedelta(days=d)
        factor = 3 if day == dt.date(2025, 11, 11) else 2 if day.isoweekday() > 5 else 1
        history += [{"date": day.isoformat(), "hour": h, "inquiries": curve[h] * factor} for h in range(24)]
    assert len(history) == 8760
    body = small(history=history, history_special_days=[{"date": "2025-11-11", "label": "双11"}],
                 concurrency=3, service={"answer_within_s": 30, "service_level": "0.8",
                                         "max_occupancy": "0.85"}, shrinkage="0.15",
                 weekdays=[1, 2, 3, 4, 5, 6, 7],
                 shifts=[{"code": "early", "start": "08:00", "end": "16:00"},
                         {"code": "late", "start": "16:00", "end": "24:00"}],
                 special_days=[{"date": "2026-11-11", "kind": "promotion", "label": "双11", "like": "双11"}])
    # when
    result = Q.quote(decode(body))
    rows = {(f.weekday, f.hour): f for f in result.forecast}
    # then each weekday's mean is its curve (weekends doubled), the uplift is exactly 3
    assert rows[2, 11].inquiries == "120.0000" and rows[6, 11].inquiries == "240.0000"
    assert result.uplift == {"双11": "3.0000"}
    # 240 an hour at 240 s is a = 16, 3 chats each: n = 6 (N = 18) fails occupancy (16/18 = 0.89);
    # n = 7 (N = 21): occupancy 0.76, C = 0.1709, SL = 1 - 0.1709 e^-(5 * 30/240) = 0.9085 >= 0.8;
    # scheduled 7 / 0.85 = 8.24 -> 9
    assert (rows[6, 11].agents, rows[6, 11].scheduled) == (7, 9)
    # both shifts reach a weekend 240 (11:00, 16:00)
    assert [s.agents for s in result.shifts] == [9, 9]
    # uncovered: 00-08 is empty by the curve
    assert {u.inquiries for u in result.uncovered} == {"0.0000"}
    # 7 * (9 + 9) * 365 / 84 = 547.5
    assert result.monthly_agent_shifts == "547.5000"
    # 双11 2026 is a Wednesday: 3 * 120 = 360 at the weekday peaks: a = 24, n = 10 (N = 30)
    assert result.special_days[0].agents == {"early": rows_scheduled(360), "late": rows_scheduled(360)}


def rows_scheduled(inquiries: int) -> int:
    """The scheduled agents of the year-of-history profile for one hour (by the step functions)."""
    from fractions import Fraction

    from quote.erlang import agents_for_hour
    n = agents_for_hour(Fraction(inquiries), 240, 3, 30, Fraction("0.8"), Fraction("0.85"))
    return Q.scheduled(n, 1, Fraction("0.15"))


def test_a_quote_issued_event_round_trips_as_stored() -> None:
    # the store's encoder (decimals as strings) and its lenient reader give back the same event
    from schemas.commands import Merchant
    from schemas.events import QuoteIssued
    from schemas.types import enc_hook, stored_dec_hook

    profile = decode(small())
    event = QuoteIssued(contract_id="", command_id="c1", recorded_at="2026-05-01T00:00:00Z", quote_id="q1",
                        merchant=Merchant("m1", "店", "tmall"), issued_on=dt.date(2026, 5, 1), valid_days=30,
                        profile=profile, result=Q.quote(profile))
    stored = msgspec.json.encode(event, enc_hook=enc_hook)
    assert msgspec.json.decode(stored, type=QuoteIssued, dec_hook=stored_dec_hook) == event
