"""The rules of a quote profile that its schema cannot state (SPEC §12).

The schema (``schemas.quote``) checks each value alone; this module checks
values against each other and the bounds of the Decimal types. A bad profile
is refused like a command body: ``InvalidValueError`` (``invalid_value``) or
``OutOfRangeError`` (``out_of_range``), the field named by its path under
``at`` (``profile.history[3]``; pass ``at=""`` for a bare profile file).
"""

from __future__ import annotations

import datetime as dt

from ledger.errors import InvalidValueError, OutOfRangeError
from schemas.quote import QuoteProfile, QuoteShift


def path(at: str, rest: str) -> str:
    """``at`` + ``rest`` as a dotted field path (no leading dot when ``at`` is empty)."""
    return f"{at}.{rest}" if at else rest


def shift_hours(shift: QuoteShift) -> range:
    """The hours a shift covers: start <= h < end."""
    return range(int(shift.start[:2]), int(shift.end[:2]))


def check_profile(profile: QuoteProfile, at: str = "profile") -> None:
    """Raise the first broken rule: repeats, shifts off the hour or overlapping, bounds."""
    seen_hours: set[tuple[dt.date, int]] = set()
    for i, row in enumerate(profile.history):
        if (row.date, row.hour) in seen_hours:
            raise InvalidValueError(f"{row.date} hour {row.hour} appears twice",
                                    path(at, f"history[{i}]"))
        seen_hours.add((row.date, row.hour))
    _unique_dates([d.date for d in profile.history_special_days], at, "history_special_days")
    for i, day in enumerate(profile.weekdays):
        if day in profile.weekdays[:i]:
            raise InvalidValueError(f"weekday {day} appears twice", path(at, f"weekdays[{i}]"))
    _check_shifts(profile.shifts, at)
    _unique_dates([d.date for d in profile.special_days], at, "special_days")
    service = profile.service
    if service.service_level >= 1:
        raise OutOfRangeError("out of range: must be < 1", path(at, "service.service_level"))
    if service.max_occupancy > 1:
        raise OutOfRangeError("out of range: must be <= 1", path(at, "service.max_occupancy"))
    if profile.shrinkage >= 1:
        raise OutOfRangeError("out of range: must be < 1", path(at, "shrinkage"))


def _unique_dates(dates: list[dt.date], at: str, name: str) -> None:
    for i, day in enumerate(dates):
        if day in dates[:i]:
            raise InvalidValueError(f"{day} appears twice", path(at, f"{name}[{i}].date"))


def _check_shifts(shifts: list[QuoteShift], at: str) -> None:
    covered: dict[int, str] = {}
    codes: set[str] = set()
    for i, shift in enumerate(shifts):
        where = path(at, f"shifts[{i}]")
        if shift.code in codes:
            raise InvalidValueError(f"shift code {shift.code} appears twice", f"{where}.code")
        codes.add(shift.code)
        for name in ("start", "end"):
            if not getattr(shift, name).endswith(":00"):
                raise InvalidValueError(f"{name} must be on the hour", f"{where}.{name}")
        if shift.end <= shift.start:
            raise InvalidValueError(f"end {shift.end} is not after start {shift.start}", f"{where}.end")
        for hour in shift_hours(shift):
            if hour in covered:
                raise InvalidValueError(
                    f"shift {shift.code} overlaps shift {covered[hour]} at {hour:02d}:00", where)
            covered[hour] = shift.code
