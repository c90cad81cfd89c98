"""``ledger demo``: a realistic sample loaded through the ordinary intake."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cli.exits import EXIT_OK


def run_demo(store: Any, args: argparse.Namespace) -> int:
    """Load the sample; print its statements and breach records (a table each, one JSON
    object under ``--json``, only the one-line summary on stderr under ``--quiet``) and
    write one statement as HTML and PDF in the current folder."""
    import datetime as dt

    import msgspec

    from app.commandlog import CommandLog
    from app.documents import write_demo_documents
    from app.intake import Intake
    from app.reports import breaches, statements
    from cli import render
    from cli.args import out
    from cli.demo_data import demo_lines
    from cli.log import configure
    from store.readmodels import catch_up

    quiet = CommandLog(configure(default_level="warning"))  # the demo prints a summary instead
    results = list(Intake(store, quiet).submit(line.encode() for line in demo_lines()))
    catch_up(store)
    accepted = sum(r.status == "accepted" for r in results)
    rejected = [r for r in results if r.status == "rejected"]
    if not args.json:
        print(f"demo: {accepted} commands accepted, {len(rejected)} rejected "
              f"(on purpose: {', '.join(r.error['code'] for r in rejected if r.error)})",
              file=sys.stderr)
    rows = statements(store, None, None)
    records = breaches(store, None, None, dt.date(2026, 12, 31), None)
    documents = write_demo_documents(store, say=not (args.quiet or args.json))
    if args.json:
        out({"accepted": accepted, "duplicate": sum(r.status == "duplicate" for r in results),
             "rejected": [r.to_json() for r in rejected], "statements": rows,
             "breaches_on": "2026-12-31", "breaches": records, "documents": documents})
    elif not args.quiet:
        render.table(rows, "Issued statements")
        render.table([msgspec.structs.asdict(r) for r in records], "Breach records on 2026-12-31",
                     skip=("evidence", "detail"))
    return EXIT_OK
