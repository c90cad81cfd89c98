"""Quote profiles for the unit tests: decoded exactly as a command body is.

``small()`` is the hand-worked profile of ``test_quote_steps``: two Mondays,
one Tuesday and one Saturday of history, one Monday labelled 节 as a history
special day, aht 240 s so that 15 inquiries an hour are one erlang.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec

from schemas.quote import QuoteProfile
from schemas.terms import Terms
from schemas.types import intake_dec_hook

PROFILES = msgspec.json.Decoder(QuoteProfile, dec_hook=intake_dec_hook, float_hook=Decimal)
TERMS = msgspec.json.Decoder(Terms, dec_hook=intake_dec_hook, float_hook=Decimal)


def decode(body: dict[str, Any]) -> QuoteProfile:
    """A profile dict through JSON and the strict decoder, as ``ledger quote`` reads it."""
    return PROFILES.decode(msgspec.json.encode(body))


def rows(day: str, counts: dict[int, int]) -> list[dict[str, Any]]:
    return [{"date": day, "hour": h, "inquiries": n} for h, n in counts.items()]


def small(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "history": (
            rows("2026-03-02", {9: 10, 10: 30, 21: 4})  # Monday
            + rows("2026-03-09", {9: 20})  # Monday: hours 10 and 21 missing, so 0
            + rows("2026-03-03", {9: 15})  # Tuesday
            + rows("2026-03-07", {9: 3})  # Saturday: not a plan weekday
            + rows("2026-03-16", {9: 45, 10: 45, 21: 6})  # Monday, history special day 节
        ),
        "history_special_days": [{"date": "2026-03-16", "label": "节"}],
        "aht_s": 240, "concurrency": 1,
        "service": {"answer_within_s": 240, "service_level": "0.8", "max_occupancy": "0.85"},
        "shrinkage": "0.2", "min_agents": 1,
        "weekdays": [1, 2, 3, 4, 5],
        "shifts": [{"code": "day", "start": "08:00", "end": "12:00"},
                   {"code": "eve", "start": "12:00", "end": "20:00"}],
        "special_days": [
            {"date": "2027-03-15", "kind": "promotion", "label": "春促", "like": "节"},  # a Monday
            {"date": "2027-03-16", "kind": "holiday", "label": "休"},  # a Tuesday, no like
        ],
        "rates": {"shift_rate_fen": 25000, "commission_rate": "0.01",
                  "special_multiplier": "1.5", "fixed_premium": "0.1"},
        "monthly_sales_fen": 150000000,
    }
    body.update(changes)
    return body
