"""A bad profile is refused like a command body: the code and the field path."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from ledger.errors import LedgerError
from quote import plan as Q

from .quote_profiles import decode, small

EARLY = {"code": "early", "start": "08:00", "end": "16:00"}


def refused(body: dict[str, Any], at: str = "profile") -> tuple[str, str | None]:
    with pytest.raises(LedgerError) as caught:
        Q.quote(decode(body), at)
    return caught.value.code, caught.value.field


def test_a_repeated_date_and_hour() -> None:
    history = [{"date": "2026-03-02", "hour": 9, "inquiries": 1},
               {"date": "2026-03-02", "hour": 10, "inquiries": 1},
               {"date": "2026-03-02", "hour": 9, "inquiries": 2}]
    assert refused(small(history=history)) == ("invalid_value", "profile.history[2]")
    assert refused(small(history=history), at="") == ("invalid_value", "history[2]")


def test_duplicate_weekdays() -> None:
    assert refused(small(weekdays=[1, 2, 1])) == ("invalid_value", "profile.weekdays[2]")


@pytest.mark.parametrize(("shifts", "field"), [
    ([EARLY, {"code": "late", "start": "15:00", "end": "20:00"}], "profile.shifts[1]"),  # overlap
    ([{"code": "x", "start": "10:00", "end": "10:00"}], "profile.shifts[0].end"),  # end = start
    ([{"code": "x", "start": "12:00", "end": "08:00"}], "profile.shifts[0].end"),  # end < start
    ([EARLY, {**EARLY, "start": "16:00", "end": "24:00"}], "profile.shifts[1].code"),  # same code
    ([{"code": "x", "start": "08:30", "end": "12:00"}], "profile.shifts[0].start"),  # off the hour
    ([{"code": "x", "start": "08:00", "end": "12:15"}], "profile.shifts[0].end"),
])
def test_bad_shifts(shifts: list[dict[str, str]], field: str) -> None:
    assert refused(small(shifts=shifts)) == ("invalid_value", field)


def test_shifts_may_end_at_midnight_and_touch() -> None:
    r = Q.quote(decode(small(shifts=[EARLY, {"code": "late", "start": "16:00", "end": "24:00"}])))
    assert [s.end for s in r.shifts] == ["16:00", "24:00"]


def test_repeated_special_dates() -> None:
    days = [{"date": "2027-03-15", "kind": "promotion", "label": "a"},
            {"date": "2027-03-15", "kind": "holiday", "label": "b"}]
    assert refused(small(special_days=days)) == ("invalid_value", "profile.special_days[1].date")
    hist = [{"date": "2026-03-16", "label": "a"}, {"date": "2026-03-16", "label": "b"}]
    assert refused(small(history_special_days=hist)) == (
        "invalid_value", "profile.history_special_days[1].date")


@pytest.mark.parametrize(("change", "field"), [
    ({"service": {"answer_within_s": 20, "service_level": "1", "max_occupancy": "0.8"}},
     "profile.service.service_level"),
    ({"service": {"answer_within_s": 20, "service_level": "0.8", "max_occupancy": "1.01"}},
     "profile.service.max_occupancy"),
    ({"shrinkage": "1"}, "profile.shrinkage"),
])
def test_decimal_bounds(change: dict[str, Any], field: str) -> None:
    assert refused(small(**change)) == ("out_of_range", field)


def test_a_load_beyond_any_shop() -> None:
    # 1,000,000 an hour at an hour's handling time: 1,000,000 erlangs
    body = small(history=[{"date": "2026-03-02", "hour": 9, "inquiries": 10**6}], aht_s=3600,
                 history_special_days=[])
    assert refused(body) == ("out_of_range", "profile.history")


@pytest.mark.parametrize(("change", "path"), [
    ({"history": [{"date": "2026-03-02", "hour": 24, "inquiries": 1}]}, "$.history[0].hour"),
    ({"history": [{"date": "2026-03-02", "hour": 1, "inquiries": -1}]}, "$.history[0].inquiries"),
    ({"aht_s": 0}, "$.aht_s"),
    ({"concurrency": 0}, "$.concurrency"),
    ({"weekdays": [8]}, "$.weekdays[0]"),
    ({"weekdays": []}, "$.weekdays"),
    ({"shrinkage": 0.15}, "$.shrinkage"),  # a rate is a decimal string, never a number
    ({"extra": 1}, "$"),
    ({"terms": {"billing": "monthly"}}, "$.terms.billing"),
    ({"special_days": [{"date": "2027-01-01", "kind": "", "label": "x"}]}, "$.special_days[0].kind"),
])
def test_the_schema_names_the_path(change: dict[str, Any], path: str) -> None:
    with pytest.raises(msgspec.ValidationError) as caught:
        decode(small(**change))
    message = str(caught.value)
    assert message.endswith(f"at `{path}`") or (path == "$" and "unknown field `extra`" in message)


def test_history_is_bounded() -> None:
    too_many = [{"date": "2026-03-02", "hour": 0, "inquiries": 0}] * 50_001
    with pytest.raises(msgspec.ValidationError, match=r"length <= 50000"):
        decode(small(history=too_many))


def test_absent_terms_take_the_section_3_example() -> None:
    terms = decode(small()).terms
    assert (terms.settlement_cycle, terms.payment_due_days, str(terms.tax_rate)) == ("monthly", 7, "0.06")
    assert [terms.deposit_fen, terms.billing, terms.kpi.min_qa_score] == [0, "postpaid", 85]
    p = terms.penalties
    assert (p.qa_failure_fen, str(p.qa_cap_rate), p.qa_breach_failures, p.understaffing_fen,
            str(p.late_fee_daily_rate)) == (20000, "0.10", 3, 10000, "0.0005")
