""""Today": the business date on which the ledger works, defined once (SPEC §11).

The date in the ledger's time zone, ``LEDGER_TZ`` (an IANA name, default
``Asia/Shanghai``); ``LEDGER_TODAY`` (``YYYY-MM-DD``) fixes it, for replaying
history and for tests. Reports take it as the default ``--on``.
"""

from __future__ import annotations

import datetime as dt
import os

SHANGHAI = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")  # no daylight saving since 1991


class TodayError(ValueError):
    """``LEDGER_TODAY`` or ``LEDGER_TZ`` holds something that is not a date or a zone."""


def zone() -> dt.tzinfo:
    name = os.environ.get("LEDGER_TZ", "").strip() or "Asia/Shanghai"
    if name == "Asia/Shanghai":
        return SHANGHAI
    from zoneinfo import ZoneInfo  # noqa: PLC0415  (another zone only: it loads sysconfig)

    try:
        return ZoneInfo(name)
    except (ValueError, OSError, KeyError) as exc:  # unknown or malformed zone name
        raise TodayError(f"LEDGER_TZ={name!r} is not a time zone ({exc})") from None


def today() -> dt.date:
    """``LEDGER_TODAY`` if set, else the current date in ``LEDGER_TZ``."""
    fixed = os.environ.get("LEDGER_TODAY", "").strip()
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            raise TodayError(f"LEDGER_TODAY={fixed!r} is not a date (YYYY-MM-DD)") from None
    return dt.datetime.now(zone()).date()
