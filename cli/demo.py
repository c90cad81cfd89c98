"""``ledger demo``: a realistic sample loaded through the ordinary intake.

It prints the issued statements, the breach records on 2026-12-31, the quote
YIYI-TB-01 was signed from against what followed (``ledger quote compare``)
and the calendar's warnings about the plans (``ledger calendar check``), and
writes one statement as HTML and PDF.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from cli.exits import EXIT_OK

DEMO_TODAY = dt.date(2026, 12, 31)  # the demo's history is recorded as of this day


def run_demo(store: Any, args: argparse.Namespace) -> int:
    import msgspec

    from app.commandlog import CommandLog
    from app.documents import write_demo_documents
    from app.intake import Intake
    from app.reports import breaches, statements
    from cli import render
    from cli.demo_data import demo_lines
    from cli.log import configure
    from store.readmodels import catch_up

    quiet = CommandLog(configure(default_level="warning"))  # the demo prints a summary instead
    # The sample's history runs to December 2026: it is recorded as of the 31st.
    intake = Intake(store, quiet, today=DEMO_TODAY)
    results = list(intake.submit(line.encode() for line in demo_lines()))
    catch_up(store)
    accepted = sum(r.status == "accepted" for r in results)
    rejected = [r for r in results if r.status == "rejected"]
    print(f"demo: {accepted} commands accepted, {len(rejected)} rejected "
          f"(on purpose: {', '.join(r.error['code'] for r in rejected if r.error)})",
          file=sys.stderr)
    rows = statements(store, None, None)
    render.table(rows, "Issued statements")
    records = breaches(store, None, None, DEMO_TODAY, None)
    render.table([msgspec.structs.asdict(r) for r in records], "Breach records on 2026-12-31",
                 skip=("evidence", "detail"))
    show_quote(store)
    write_demo_documents(store)  # one HTML and one PDF statement, paths on stderr
    return EXIT_OK


def show_quote(store: Any) -> None:
    """The quote YIYI-TB-01 was signed from against its first three months, and the
    calendar's warnings about every plan (SPEC §12)."""
    import datetime as dt

    import msgspec

    from app.quotes import calendar_check, compare
    from cli import render
    from cli.demo_data import YIYI
    from cli.quotes import show_comparison

    on = dt.date(2026, 12, 1)
    show_comparison(compare(store, YIYI, None, on))
    render.table([msgspec.structs.asdict(w) for w in calendar_check(store, None, on)],
                 "Calendar warnings on every plan (ledger calendar check)")
