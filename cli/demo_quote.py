"""The demo's consultation (SPEC §12): the quote that YIYI-TB-01 is signed from.

衣依原创女装店 (Taobao) sends eight weeks of its hourly inquiries,
2026-06-01 to 07-26, as the platform's hourly report gives them: a women's
wear day that builds to an evening peak, weekends a quarter busier, 618 (06-18)
a little over twice a Thursday and the 端午 holidays (06-19 to 06-21) quieter.
The numbers come from ``random.Random`` with a fixed seed, so every run is
the same. ``examples/quote/make_example.py`` writes the same history as the
report file of docs/QUOTE.md.

The profile is what ``ledger quote profile --from`` drafts from it
(``app.quote_profile.draft_profile``: the calendar's holidays and promotions
from 2026-09-01 for four months), edited as a provider would: 双11 and 双12
quoted like 618, the shop's monthly sales, its 10 000 yuan deposit. The
quote is computed by ``quote.plan.quote``; the contract is signed with its
proposed base + commission terms, as ``ledger quote --json`` prints them.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

QUOTE_ID = "Q-YIYI-2026-08"
ISSUED_ON = "2026-08-10"
VALID_DAYS = 30
HISTORY_FIRST, HISTORY_LAST = dt.date(2026, 6, 1), dt.date(2026, 7, 26)
PLAN_FROM, PLAN_MONTHS = dt.date(2026, 9, 1), 4
SEED = "20261111/YIYI-TB-01/history"
# inquiries at each hour of an ordinary weekday, before the day's factor and noise
CURVE = (1.8, 0.6, 0.6, 0, 0, 0, 0.6, 1.8, 6, 10.8, 14.4, 15.6, 13.2, 14.4, 16.8, 15.6, 14.4, 13.2,
         15.6, 20.4, 26.4, 30, 25.2, 12)
DAY_FACTOR = {dt.date(2026, 6, 18): 2.2, dt.date(2026, 6, 19): 0.8, dt.date(2026, 6, 20): 0.8,
              dt.date(2026, 6, 21): 0.8}
WEEKEND = 1.25


def hourly_counts() -> list[tuple[dt.date, list[int]]]:
    """Each date of the history with its 24 hourly inquiry counts."""
    rng = random.Random(SEED)
    out = []
    day = HISTORY_FIRST
    while day <= HISTORY_LAST:
        factor = DAY_FACTOR.get(day, WEEKEND if day.isoweekday() >= 6 else 1.0)
        out.append((day, [round(c * factor * rng.uniform(0.85, 1.15)) for c in CURVE]))
        day += dt.timedelta(days=1)
    return out


def history() -> list[dict[str, Any]]:
    """The history rows as the hourly report gives them (an hour with no inquiries left out)."""
    return [{"date": day.isoformat(), "hour": h, "inquiries": n}
            for day, counts in hourly_counts() for h, n in enumerate(counts) if n]


def profile() -> dict[str, Any]:
    """The drafted profile, edited (see the module docstring)."""
    from app.quote_profile import draft_profile

    rows = history()
    dates = sorted({dt.date.fromisoformat(r["date"]) for r in rows})
    body, _ = draft_profile(rows, dates, "taobao", PLAN_FROM, PLAN_MONTHS)
    for day in body["special_days"]:
        if day["label"] in ("双11", "双12"):
            day["like"] = "618"
    body["monthly_sales_fen"] = 15_000_000
    body["terms"]["deposit_fen"] = 1_000_000
    return body


def proposed_terms(body: dict[str, Any]) -> dict[str, Any]:
    """The base + commission terms the quote proposes, as ``ledger quote --json`` prints them."""
    import msgspec

    from app.quote_profile import read_profile
    from ledger.terms import to_plain
    from quote.plan import quote

    result = quote(read_profile(json.dumps(body, ensure_ascii=False).encode()))
    encoded = msgspec.json.Encoder(decimal_format="number").encode(
        to_plain(result.terms_proposed.base_plus_commission))
    terms: dict[str, Any] = json.loads(encoded)
    return terms
