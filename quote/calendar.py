"""China's statutory holidays, make-up workdays (调休) and platform promotions for a plan.

Statutory holidays and make-up workdays come from the ``chinese-calendar``
package (``chinese_calendar.holidays`` / ``workdays``: the State Council's
yearly arrangements as it ships them). Version 1.11 covers 2004 to 2026; a
year is covered when the package lists holidays in it, and the next year's
arrangement is published each November, so a new year needs a package update.
``calendar_year`` refuses any other year with ``calendar_unknown_year``. A
holiday date is every rest day of an arrangement (weekends inside the block
too: 2026-10-01 to 10-07 for 国庆节), labelled with the holiday's Chinese name.

Promotions are rules of thumb, one day each, the same date every year:
618 (06-18), 双11 (11-11), 双12 (12-12) and 年货节 (21 days before the first
Spring Festival holiday: the opening weeks of the New Year goods sale, before
couriers stop) on every platform; 38节 (03-08: Tmall's 女王节, JD's 女神节) and
99大促 (09-09: Tmall's 99划算节, JD's 9.9) only on Taobao, Tmall and JD (or
when no platform is given). A promotion on a statutory holiday gives way to
the holiday (a plan has one special day per date).
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from msgspec import Struct

from ledger.errors import CalendarUnknownYearError
from schemas.terms import SpecialDay, Staffing
from schemas.types import Multiplier

YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)
EVERY_PLATFORM = (("618", 6, 18), ("双11", 11, 11), ("双12", 12, 12))
MARKETPLACE = (("38节", 3, 8), ("99大促", 9, 9))  # Taobao, Tmall, JD
MARKETPLACES = {"taobao", "tmall", "jd"}
ALIASES = {"淘宝": "taobao", "天猫": "tmall", "京东": "jd", "抖音": "douyin", "拼多多": "pinduoduo"}
NEW_YEAR_GOODS_LEAD = dt.timedelta(days=21)


class MakeupWorkday(Struct, frozen=True):
    date: dt.date
    label: str  # the holiday it makes up for


class CalendarYear(Struct, frozen=True):
    year: int
    platform: str | None
    special_days: list[SpecialDay]  # holidays and promotions by date, agents to fill in
    makeup_workdays: list[MakeupWorkday]


class PlanWarning(Struct, frozen=True):
    code: str  # works_on_holiday | rests_on_makeup_workday | calendar_unknown_year
    date: dt.date
    message: str


def chinese_name(english: str) -> str:
    """The package's holiday name ("National Day") in Chinese ("国庆节")."""
    return str(chinese_calendar.Holiday(english).chinese)


def holidays(year: int) -> dict[dt.date, str]:
    """The statutory rest days of a year, each with its holiday's Chinese name."""
    _covered(year)
    return {d: chinese_name(n) for d, n in sorted(chinese_calendar.holidays.items()) if d.year == year}


def makeup_workdays(year: int) -> dict[dt.date, str]:
    """The weekend days worked in lieu (调休) in a year, each with the holiday it serves."""
    _covered(year)
    return {d: chinese_name(n) for d, n in sorted(chinese_calendar.workdays.items()) if d.year == year}


def promotions(year: int, platform: str | None = None) -> dict[dt.date, str]:
    """The platform's promotion days of a year by the module's rules (all rules when None)."""
    key = ALIASES.get((platform or "").strip(), (platform or "").strip().lower())
    rules = EVERY_PLATFORM + (MARKETPLACE if platform is None or key in MARKETPLACES else ())
    days = {dt.date(year, month, day): label for label, month, day in rules}
    spring = [d for d, name in chinese_calendar.holidays.items()
              if d.year == year and name == chinese_calendar.Holiday.spring_festival.value]
    if spring:
        days[min(spring) - NEW_YEAR_GOODS_LEAD] = "年货节"
    return dict(sorted(days.items()))


def calendar_year(year: int, platform: str | None = None) -> CalendarYear:
    """A year's holidays and promotions as ready ``special_days`` entries, and its make-up workdays."""
    rest = holidays(year)
    days = [SpecialDay(date=d, kind="holiday", agents={}, label=name, multiplier=Multiplier("1"))
            for d, name in rest.items()]
    days += [SpecialDay(date=d, kind="promotion", agents={}, label=name, multiplier=Multiplier("1"))
             for d, name in promotions(year, platform).items() if d not in rest]
    return CalendarYear(year, platform, sorted(days, key=lambda s: s.date),
                        [MakeupWorkday(d, name) for d, name in makeup_workdays(year).items()])


def plan_warnings(staffing: Staffing, service_start: dt.date, service_end: dt.date) -> list[PlanWarning]:
    """Warnings, not errors: the plan works a statutory holiday without a special day for it,
    or rests on a make-up workday; one warning per year the package does not cover."""
    special = {s.date for s in staffing.special_days}
    out: list[PlanWarning] = []
    for year in range(service_start.year, service_end.year + 1):
        if year not in YEARS:
            out.append(PlanWarning("calendar_unknown_year", max(service_start, dt.date(year, 1, 1)),
                                   f"no statutory calendar for {year}: not checked"))
            continue
        first, last = max(service_start, dt.date(year, 1, 1)), min(service_end, dt.date(year, 12, 31))
        for day, name in holidays(year).items():
            if first <= day <= last and day not in special and day.isoweekday() in staffing.weekdays:
                out.append(PlanWarning("works_on_holiday", day,
                                       f"the plan works on {day} ({name}) with no special day for it"))
        for day, name in makeup_workdays(year).items():
            if first <= day <= last and day not in special and day.isoweekday() not in staffing.weekdays:
                out.append(PlanWarning("rests_on_makeup_workday", day,
                                       f"the plan rests on {day}, a make-up workday for {name}"))
    return sorted(out, key=lambda w: w.date)


def _covered(year: int) -> None:
    if year not in YEARS:
        raise CalendarUnknownYearError(
            f"no statutory holiday calendar for {year}: chinese-calendar covers "
            f"{YEARS.start} to {YEARS.stop - 1}", "year")
