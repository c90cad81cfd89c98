"""China's statutory holidays, make-up workdays, promotions and plan warnings (chinese-calendar)."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from ledger.errors import CalendarUnknownYearError
from quote.calendar import calendar_year, plan_warnings, promotions
from schemas.terms import ShiftPlan, SpecialDay, Staffing
from schemas.types import Multiplier, enc_hook, intake_dec_hook


def days(start: str, end: str) -> list[dt.date]:
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def test_2026_national_day_and_its_makeup_workdays() -> None:
    year = calendar_year(2026)
    national = [s.date for s in year.special_days if s.label == "国庆节"]
    # the package's 2026 arrangement: 10-01 to 10-07 off, worked Sunday 09-20 and Saturday 10-10
    assert national == days("2026-10-01", "2026-10-07")
    assert {(m.date, m.label) for m in year.makeup_workdays} >= {
        (dt.date(2026, 9, 20), "国庆节"), (dt.date(2026, 10, 10), "国庆节")}
    assert all(s.kind == "holiday" for s in year.special_days if s.label == "国庆节")


@pytest.mark.parametrize(("year", "first", "last", "makeup"), [
    (2025, "2025-01-28", "2025-02-04", {"2025-01-26", "2025-02-08"}),
    (2026, "2026-02-15", "2026-02-23", {"2026-02-14", "2026-02-28"}),
])
def test_spring_festival(year: int, first: str, last: str, makeup: set[str]) -> None:
    cal = calendar_year(year)
    assert [s.date for s in cal.special_days if s.label == "春节"] == days(first, last)
    assert {m.date.isoformat() for m in cal.makeup_workdays if m.label == "春节"} == makeup


def test_entries_are_ready_special_days() -> None:
    # every entry drops into staffing.special_days once its agents are filled in
    cal = calendar_year(2026, "tmall")
    plan = Staffing(shifts=[ShiftPlan("early", "08:00", "16:00", 2)],
                    special_days=[SpecialDay(date=s.date, kind=s.kind, agents={"early": 1}, label=s.label,
                                             multiplier=s.multiplier) for s in cal.special_days])
    body = msgspec.json.encode(plan, enc_hook=enc_hook)  # as JSON, through the command decoder's strict hooks
    assert msgspec.json.decode(body, type=Staffing, dec_hook=intake_dec_hook) == plan
    assert {s.multiplier for s in cal.special_days} == {Multiplier("1")}
    assert all(s.agents == {} for s in cal.special_days)
    assert len({s.date for s in cal.special_days}) == len(cal.special_days)


def test_promotions_per_platform() -> None:
    every = {"618", "双11", "双12", "年货节"}
    assert set(promotions(2026, "douyin").values()) == every
    assert set(promotions(2026, "京东").values()) == every | {"38节", "99大促"}
    assert set(promotions(2026).values()) == every | {"38节", "99大促"}
    # 年货节: 21 days before the first Spring Festival holiday (2026-02-15)
    assert promotions(2026, "pinduoduo")[dt.date(2026, 1, 25)] == "年货节"
    assert [s.kind for s in calendar_year(2026, "jd").special_days if s.label == "618"] == ["promotion"]


@pytest.mark.parametrize("year", [2003, 2027, 2100])
def test_a_year_the_package_does_not_cover(year: int) -> None:
    with pytest.raises(CalendarUnknownYearError) as caught:
        calendar_year(year)
    assert caught.value.code == "calendar_unknown_year"
    assert str(year) in caught.value.message and "2004 to 2026" in caught.value.message


def test_plan_warnings() -> None:
    # given a Monday-to-Friday plan with a special day for 10-01 only
    plan = Staffing(shifts=[ShiftPlan("early", "08:00", "16:00", 2)], weekdays=[1, 2, 3, 4, 5],
                    special_days=[SpecialDay(date=dt.date(2026, 10, 1), kind="holiday", agents={"early": 1})])
    # when checked over 2026-09-15 .. 2026-10-12
    found = plan_warnings(plan, dt.date(2026, 9, 15), dt.date(2026, 10, 12))
    # then it works 中秋 Friday 09-25 and 国庆 02, 05, 06, 07 (weekdays; 03, 04 are a weekend) without
    # a special day, and rests on the make-up Sunday 09-20 and Saturday 10-10
    assert [(w.code, w.date.isoformat()) for w in found] == [
        ("rests_on_makeup_workday", "2026-09-20"),
        ("works_on_holiday", "2026-09-25"),
        ("works_on_holiday", "2026-10-02"),
        ("works_on_holiday", "2026-10-05"),
        ("works_on_holiday", "2026-10-06"),
        ("works_on_holiday", "2026-10-07"),
        ("rests_on_makeup_workday", "2026-10-10"),
    ]


def test_a_seven_day_plan_with_every_holiday_special_has_no_warning() -> None:
    cal = calendar_year(2026)
    plan = Staffing(shifts=[ShiftPlan("early", "08:00", "16:00", 2)],
                    special_days=[s for s in cal.special_days if s.kind == "holiday"])
    assert plan_warnings(plan, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == []


def test_a_window_past_the_package_is_a_warning_not_an_error() -> None:
    plan = Staffing(shifts=[ShiftPlan("early", "08:00", "16:00", 2)])
    found = plan_warnings(plan, dt.date(2026, 12, 1), dt.date(2027, 3, 31))
    assert [(w.code, w.date.isoformat()) for w in found] == [("calendar_unknown_year", "2027-01-01")]
