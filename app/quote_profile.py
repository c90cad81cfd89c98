"""Quote profiles as files: read one strictly, or draft one from an inquiry history.

``read_profile`` decodes the JSON a provider wrote (``ledger quote
PROFILE.json``) exactly as the body of ``issue_quote`` is decoded: strict,
rates as strings, numbers never floats for money. A file that is not JSON is
``invalid_json``; a schema problem is the code and field of
``ledger.validation.schema_error``; the cross-field rules (``quote.check``)
run when the quote is computed. Files above ``MAX_PROFILE_BYTES`` are refused
before they are read.

``draft_profile`` is what ``ledger quote profile --from FILE`` writes for the
provider to edit: the history read from the platform's hourly report, its
dates that are statutory holidays or promotion days marked as
``history_special_days`` (so they do not bend the forecast and give each label
its uplift), and the holidays and promotions of the coming months as
``special_days`` from the calendar (``quote.calendar``), each ``like`` the same
label when the history has one. Everything else takes the values of the SPEC
§12 example, to be edited: handling time, concurrency, service targets,
shrinkage, shifts, rates, the contract ``terms`` the quote does not derive,
and ``monthly_sales_fen`` (0: the hourly report has no sales). Dates in years
the calendar does not cover get promotions only; each such year is reported
in ``notes``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec

from ledger.validation import schema_error, typed_error
from quote.calendar import YEARS, calendar_year, holidays, promotions
from schemas.quote import QuoteProfile
from schemas.types import intake_dec_hook

MAX_PROFILE_BYTES = 16 * 1024 * 1024  # 50,000 history rows are about 3 MB
_DECODER = msgspec.json.Decoder(QuoteProfile, dec_hook=intake_dec_hook, float_hook=Decimal)

DEFAULTS: dict[str, Any] = {  # the SPEC §12 example: edit before quoting
    "aht_s": 240, "concurrency": 3,
    "service": {"answer_within_s": 30, "service_level": "0.8", "max_occupancy": "0.85"},
    "shrinkage": "0.15", "min_agents": 1,
    "weekdays": [1, 2, 3, 4, 5, 6, 7],
    "shifts": [{"code": "early", "start": "08:00", "end": "16:00"},
               {"code": "late", "start": "16:00", "end": "24:00"}],
    "rates": {"shift_rate_fen": 25000, "commission_rate": "0.01",
              "special_multiplier": "1.5", "fixed_premium": "0.1"},
    "monthly_sales_fen": 0,
    "terms": {"settlement_cycle": "monthly", "payment_due_days": 7, "tax_rate": "0.06",
              "deposit_fen": 0, "billing": "postpaid"},
}


class ProfileFileError(Exception):
    """The profile file cannot be read at all (missing, unreadable, too large)."""


def read_profile_file(path: str) -> bytes:
    """The bytes of a profile file, bounded; ``ProfileFileError`` says why not."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_PROFILE_BYTES:
            raise ProfileFileError(f"{path} is {size:,} bytes; a profile is at most "
                                   f"{MAX_PROFILE_BYTES:,}")
        return file.read_bytes()
    except OSError as exc:
        raise ProfileFileError(f"cannot read {path}: {exc.strerror or exc}") from None


def read_profile(data: bytes) -> QuoteProfile:
    """Decode a profile strictly; ``LedgerError`` with the code and field of the first problem."""
    try:
        return _DECODER.decode(data)
    except msgspec.ValidationError as exc:
        raise schema_error(str(exc)) from None
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        raise typed_error("invalid_json", f"not JSON: {exc}", None) from None
    except RecursionError:
        raise typed_error("invalid_json", "not JSON: nested too deeply", None) from None


def profile_bytes(profile: QuoteProfile) -> bytes:
    """A profile as JSON that ``read_profile`` reads back equal."""
    return msgspec.json.encode(profile, enc_hook=str)


def _special_in_history(dates: list[dt.date], platform: str | None) -> tuple[list[dict[str, str]], set[int]]:
    """The history dates that are holidays or promotions, and the years without a calendar."""
    marked: list[dict[str, str]] = []
    unknown: set[int] = set()
    by_year: dict[int, dict[dt.date, str]] = {}
    for day in dates:
        if day.year not in by_year:
            known = {}
            if day.year in YEARS:
                known.update(holidays(day.year))
            else:
                unknown.add(day.year)
            by_year[day.year] = {**promotions(day.year, platform), **known}
        label = by_year[day.year].get(day)
        if label is not None:
            marked.append({"date": day.isoformat(), "label": label})
    return marked, unknown


def _special_ahead(start: dt.date, months: int, platform: str | None,
                   labels: set[str]) -> tuple[list[dict[str, Any]], set[int]]:
    """Holidays and promotions from ``start`` for ``months`` months, as quote special days."""
    end = _add_months(start, months)
    days: list[dict[str, Any]] = []
    unknown: set[int] = set()
    for year in range(start.year, (end - dt.timedelta(days=1)).year + 1):
        if year in YEARS:
            entries = [(s.date, s.kind, s.label or s.kind)
                       for s in calendar_year(year, platform).special_days]
        else:
            unknown.add(year)
            entries = [(d, "promotion", label) for d, label in promotions(year, platform).items()]
        for day, kind, label in entries:
            if start <= day < end:
                entry: dict[str, Any] = {"date": day.isoformat(), "kind": kind, "label": label}
                if label in labels:
                    entry["like"] = label
                days.append(entry)
    return sorted(days, key=lambda d: str(d["date"])), unknown


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months later (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def draft_profile(history: list[dict[str, Any]], dates: list[dt.date], platform: str | None,
                  start: dt.date, months: int) -> tuple[dict[str, Any], list[str]]:
    """(the profile to edit, notes for the provider); see the module docstring."""
    marked, unknown_past = _special_in_history(dates, platform)
    labels = {m["label"] for m in marked}
    ahead, unknown_ahead = _special_ahead(start, months, platform, labels)
    notes = [f"{year}: no statutory holiday calendar (chinese-calendar covers {YEARS.start}-"
             f"{YEARS.stop - 1}); only promotion days are marked"
             for year in sorted(unknown_past | unknown_ahead)]
    if not history:
        notes.append("the report lists no date: the forecast is 0 everywhere")
    notes.append("monthly_sales_fen is 0: fill in the shop's monthly sales for the commission estimate")
    profile = {**json.loads(json.dumps(DEFAULTS)), "special_days": ahead, "history_special_days": marked,
               "history": history}
    return profile, notes


def format_profile(profile: dict[str, Any]) -> str:
    """The profile as JSON for people to edit: one setting a line, one history row a line."""
    lines = []
    for key, value in profile.items():
        if isinstance(value, list) and value and key in ("history", "history_special_days", "special_days"):
            items = ",\n".join("    " + _json(item) for item in value)
            lines.append(f'  "{key}": [\n{items}\n  ]')
        else:
            lines.append(f'  "{key}": {_json(value)}')
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
