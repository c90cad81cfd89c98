"""Write the sample files of docs/QUOTE.md, byte for byte the same each run.

    python examples/quote/make_example.py      # rewrites examples/quote/yiyi-*

``yiyi-hourly.csv``: the demo shop's eight weeks of hourly inquiries as the
platform's hourly report gives them (a title row, ``日期, 0 … 23, 全天``, a
汇总 row; UTF-8 with a BOM, so Excel on Chinese Windows opens it right).
``yiyi-profile.json``: the profile the demo quotes, the draft that
``ledger quote profile --from yiyi-hourly.csv --platform taobao --start
2026-09-01 --months 4`` writes, edited as ``cli/demo_quote.py`` says.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(OUT.parents[1]))

from app.quote_profile import format_profile  # noqa: E402  (the repository root first)
from cli import demo_quote  # noqa: E402


def hourly_csv() -> bytes:
    rows: list[list[str]] = [["自定义报表_分时咨询人数_衣依原创女装店_2026-06-01至2026-07-26"],
                             ["日期", *map(str, range(24)), "全天"]]
    totals = [0] * 24
    for day, counts in demo_quote.hourly_counts():
        rows.append([day.isoformat(), *map(str, counts), str(sum(counts))])
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    rows.append(["汇总", *map(str, totals), str(sum(totals))])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return "\ufeff".encode() + buf.getvalue().encode()


def profile_json() -> bytes:
    return format_profile(demo_quote.profile()).encode()


FILES: dict[str, Callable[[], bytes]] = {
    "yiyi-hourly.csv": hourly_csv,
    "yiyi-profile.json": profile_json,
}


def main() -> None:
    for name, make in FILES.items():
        (OUT / name).write_bytes(make())
        print(OUT / name, file=sys.stderr)


if __name__ == "__main__":
    main()
