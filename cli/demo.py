"""``ledger demo``: a realistic sample loaded through the ordinary intake.

It prints the issued statements, the breach records on 2026-12-31, the quote
YIYI-TB-01 was signed from against what followed (``ledger quote compare``)
and the calendar's warnings about the plans (``ledger calendar check``), and
writes one statement as HTML and PDF.
It also imports its sample files (a roster, a service report, a bank statement)
through the importers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from cli.exits import EXIT_OK

DEMO_TODAY = dt.date(2026, 12, 31)  # the demo's history is recorded as of this day


def run_demo(store: Any, args: argparse.Namespace) -> int:
    """Load the sample; print its statements and breach records (a table each, one JSON
    object under ``--json``, only the one-line summary on stderr under ``--quiet``) and
    write one statement as HTML and PDF in the current folder."""
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
    # The sample's history runs to December 2026: it is recorded as of the 31st.
    intake = Intake(store, quiet, today=DEMO_TODAY)
    results = list(intake.submit(line.encode() for line in demo_lines()))
    catch_up(store)
    accepted = sum(r.status == "accepted" for r in results)
    rejected = [r for r in results if r.status == "rejected"]
    say = not (args.quiet or args.json)
    if not args.json:
        print(f"demo: {accepted} commands accepted, {len(rejected)} rejected "
              f"(on purpose: {', '.join(r.error['code'] for r in rejected if r.error)})",
              file=sys.stderr)
    import_files(store, quiet, say=say)
    catch_up(store)
    rows = statements(store, None, None)
    records = breaches(store, None, None, DEMO_TODAY, None)
    documents = write_demo_documents(store, say=say)
    if args.json:
        out({"accepted": accepted, "duplicate": sum(r.status == "duplicate" for r in results),
             "rejected": [r.to_json() for r in rejected], "statements": rows,
             "breaches_on": DEMO_TODAY.isoformat(), "breaches": records, "documents": documents})
    elif not args.quiet:
        render.table(rows, "Issued statements")
        render.table([msgspec.structs.asdict(r) for r in records], "Breach records on 2026-12-31",
                     skip=("evidence", "detail"))
        show_quote(store)
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


# The sample files in the order a clerk would import them: (kind, file, options).
IMPORTS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("shifts", "roster-long.gb18030.csv", {"preset": "roster-long"}),
    ("shifts", "roster-grid.xlsx", {"preset": "roster-grid"}),  # overlaps the first week
    ("service", "service-chitu.xlsx", {"preset": "chitu"}),
    ("bank", "bank-cmb-corporate.csv", {"preset": "cmb-corporate"}),
)


def import_files(store: Any, log: Any, *, say: bool = True) -> None:
    """Import ``examples/import`` (the bytes of ``cli.demo_files``) with ``--apply``, then
    issue what they completed; one summary line per file on stderr when ``say``."""
    import json

    from app.importing import run
    from app.intake import Intake
    from cli.demo_files import FILES
    from cli.demo_imports import SHIFT_NAMES, TMALL, after_import

    for kind, name, options in IMPORTS:
        opts = run.Options(contract=None if kind == "bank" else TMALL,
                           shifts=SHIFT_NAMES if kind == "shifts" else [], **options)
        report = run.read(store, kind, FILES[name](), name, opts)  # type: ignore[arg-type]
        answers = run.answer(store, report, apply=True, log=log)
        said = {s: sum(a.status == s for a in answers) for s in ("accepted", "duplicate", "rejected")}
        found = {s: n for s, n in report.counts.by_status.items() if s not in ("command", "skipped")}
        if say:
            print(f"demo: import {kind} {name}: {report.counts.rows} rows, {len(answers)} commands "
                  f"({', '.join(f'{n} {s}' for s, n in said.items())})"
                  + (f"; for the clerk: {', '.join(f'{n} {s}' for s, n in found.items())}"
                     if found else ""), file=sys.stderr)
    lines = [json.dumps({"id": f"demo-after-import-{n}", **c}, ensure_ascii=False).encode()
             for n, c in enumerate(after_import(), start=1)]
    list(Intake(store, log, today=DEMO_TODAY).submit(lines))
