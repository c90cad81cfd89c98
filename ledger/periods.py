"""Billing periods: months ``YYYY-MM`` and quarters ``YYYY-Qn`` (SPEC §2).

``schemas.names.PERIOD_PATTERN`` is the one syntax (years 1900-2999, as every date); ``check_period``
is the one check of a period typed by a person or a script, against a
contract's cycle when one is given.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from functools import lru_cache

from schemas.names import PERIOD_FORMS, PERIOD_PATTERN

ONE_DAY = dt.timedelta(days=1)
_PERIOD = re.compile(PERIOD_PATTERN)


class PeriodError(ValueError):
    """Not a period, or not one of the contract's cycle."""


def check_period(text: str, cycle: str | None = None) -> str:
    """``text`` if it is a period (of ``cycle``, when given), else ``PeriodError``
    saying which forms are accepted."""
    if not _PERIOD.fullmatch(text):
        raise PeriodError(f"{text!r} is not a period: use {PERIOD_FORMS}")
    if cycle is not None and not matches_cycle(text, cycle):
        kind = "quarter (YYYY-Qn)" if cycle == "quarterly" else "month (YYYY-MM)"
        raise PeriodError(f"{text} is not a {cycle} period: the contract settles by {kind}")
    return text


@lru_cache(maxsize=8192)
def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def period_of(day: dt.date, cycle: str) -> str:
    if cycle == "quarterly":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    return month_of(day)


def is_quarter(period: str) -> bool:
    return "Q" in period


@lru_cache(maxsize=4096)
def bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a period."""
    year = int(period[:4])
    if is_quarter(period):
        first_month = (int(period[6]) - 1) * 3 + 1
        last_month = first_month + 2
    else:
        first_month = last_month = int(period[5:7])
    last = calendar.monthrange(year, last_month)[1]
    return dt.date(year, first_month, 1), dt.date(year, last_month, last)


def months_of(period: str) -> list[str]:
    first, last = bounds(period)
    return [f"{first.year:04d}-{m:02d}" for m in range(first.month, last.month + 1)]


def next_period(period: str) -> str:
    _, last = bounds(period)
    nxt = last + ONE_DAY
    return period_of(nxt, "quarterly" if is_quarter(period) else "monthly")


def days_in_month(day: dt.date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def dates(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def matches_cycle(period: str, cycle: str) -> bool:
    return is_quarter(period) == (cycle == "quarterly")
