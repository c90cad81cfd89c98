"""Report subcommands: statement, statements, breaches, disputes, explain, balance,
journal, history. Each imports what it runs only when it runs (a quick start-up)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cli.args import (
    PERIOD_HELP,
    Subcommands,
    UsageError,
    date_arg,
    day_or_today,
    out,
    period_arg,
)
from cli.exits import EXIT_OK
from schemas.names import LINE_CODES


def register(cmds: Subcommands) -> None:
    sp = cmds.add("statement", "an issued statement, or the draft of a period", cmd_statement,
                  as_of=True, example="ledger statement YIYI-TB-01 2026-10 --json")
    sp.add_argument("contract", help="contract id")
    sp.add_argument("period", type=period_arg, help=PERIOD_HELP)
    sp.add_argument("--live", action="store_true",
                    help="recompute now: the draft of the period, or an issued one beside its "
                         "recomputation")
    sp.add_argument("--on", type=date_arg, default=None, metavar="DATE",
                    help="issue date the draft is priced on (YYYY-MM-DD, default today)")
    sp.add_argument("--format", choices=["html", "pdf", "json", "table"], default=None,
                    help="html/pdf: a printable document (default: table, or json with --json)")
    sp.add_argument("--output", metavar="FILE",
                    help="html/pdf file to write, - for stdout (default: statement-<no>.<ext>)")
    sp.add_argument("--number", metavar="NO",
                    help="the statement of this number, in force or void "
                         "(e.g. C1-2026-11 after it was voided and issued again)")
    sp = cmds.add("statements", "issued statements, one row each", cmd_statements, as_of=True,
                  example="ledger statements JIKE-JD-01")
    sp.add_argument("contract", nargs="?", help="only this contract's statements")
    sp = cmds.add("breaches", "contract-breach records", cmd_breaches, as_of=True,
                  example="ledger breaches --on 2026-12-31 --period 2026-11")
    sp.add_argument("contract", nargs="?", help="only this contract's records")
    sp.add_argument("--period", type=period_arg, help=f"only records of this {PERIOD_HELP}")
    sp.add_argument("--on", type=date_arg, default=None, metavar="DATE",
                    help="business date the records are evaluated on (default today)")
    sp = cmds.add("disputes", "disputes with status and outcome", cmd_disputes, as_of=True,
                  example="ledger disputes SHUXIANG-DY-01")
    sp.add_argument("contract", nargs="?", help="only this contract's disputes")
    sp = cmds.add("explain", "every event behind a statement line", cmd_explain,
                  example="ledger explain YIYI-TB-01 2026-11 correction")
    sp.add_argument("contract", help="contract id")
    sp.add_argument("period", type=period_arg, help=PERIOD_HELP)
    sp.add_argument("line", choices=LINE_CODES, metavar="LINE",
                    help=f"line code: {', '.join(LINE_CODES)}")
    sp = cmds.add("balance", "receivable, credit and deposit held", cmd_balance, as_of=True,
                  example="ledger balance SHUXIANG-DY-01 --json")
    sp.add_argument("contract", nargs="?", help="only this contract (default: every contract)")
    sp = cmds.add("journal", "the double-entry journal", cmd_journal, as_of=True,
                  example="ledger journal --format beancount > books.beancount")
    sp.add_argument("--format", choices=["beancount", "csv", "json"], default=None,
                    help="output format (default: beancount, or json with --json)")
    sp = cmds.add("history", "a contract's events in log order", cmd_history, as_of=True,
                  example="ledger history JINXIU-TM-01")
    sp.add_argument("contract", help="contract id")


def cmd_statement(store: Any, args: argparse.Namespace) -> int:
    from app.reports import statement

    fmt = args.format or ("json" if args.json else "table")
    if args.json and fmt != "json":
        raise UsageError(f"--json contradicts --format {fmt}")
    if args.output and fmt not in ("html", "pdf"):
        raise UsageError("--output is for --format html or pdf")
    if fmt in ("html", "pdf"):
        from app.documents import write_statement

        path = write_statement(store, args.contract, args.period, fmt, args.output,
                               live=args.live, on=day_or_today(args.on), as_of=args.as_of,
                               number=args.number)
        if path != "-":  # the document itself went to stdout
            print(path)
        return EXIT_OK
    data = statement(store, args.contract, args.period, args.live, day_or_today(args.on), args.as_of,
                     args.number)
    out(data) if fmt == "json" else _render().statement(data)
    return EXIT_OK


def cmd_statements(store: Any, args: argparse.Namespace) -> int:
    from app.reports import statements

    rows = statements(store, args.contract, args.as_of)
    out(rows) if args.json else _render().table(rows, "Issued statements")
    return EXIT_OK


def cmd_breaches(store: Any, args: argparse.Namespace) -> int:
    import msgspec

    from app.reports import breaches

    rows = breaches(store, args.contract, args.period, day_or_today(args.on), args.as_of)
    out(rows) if args.json else _render().table(
        [msgspec.structs.asdict(r) for r in rows], "Breach records", skip=("evidence", "detail"))
    return EXIT_OK


def cmd_disputes(store: Any, args: argparse.Namespace) -> int:
    import msgspec

    from app.reports import disputes

    rows = disputes(store, args.contract, args.as_of)
    out(rows) if args.json else _render().table([msgspec.structs.asdict(r) for r in rows], "Disputes")
    return EXIT_OK


def cmd_explain(store: Any, args: argparse.Namespace) -> int:
    from app.reports import explain

    data = explain(store, args.contract, args.period, args.line)
    out(data) if args.json else _render().explain(data)
    return EXIT_OK


def cmd_balance(store: Any, args: argparse.Namespace) -> int:
    import msgspec

    from app.reports import balances

    rows = balances(store, args.contract, args.as_of)
    if args.json:  # one shape whatever the arguments: a list of rows
        out(rows)
    else:
        _render().table([msgspec.structs.asdict(r) for r in rows], "Balances")
    return EXIT_OK


def cmd_journal(store: Any, args: argparse.Namespace) -> int:
    from app.reports import journal

    if args.json and args.format not in (None, "json"):
        raise UsageError(f"--json contradicts --format {args.format}")
    txns, ids = journal(store, args.as_of)
    fmt = args.format or ("json" if args.json else "beancount")
    if fmt == "json":
        out(txns)
    elif fmt == "csv":
        _render().journal_csv(txns)
    else:
        from projections.journal import beancount

        sys.stdout.write(beancount(txns, ids))
    return EXIT_OK


def cmd_history(store: Any, args: argparse.Namespace) -> int:
    import msgspec

    from app.reports import history

    rows = history(store, args.contract, args.as_of)
    out(rows) if args.json else _render().table(
        [msgspec.structs.asdict(r) for r in rows], f"History of {args.contract}", skip=("data",))
    return EXIT_OK


def _render() -> Any:
    """The table renderer (rich), imported only when a table is printed."""
    from cli import render

    return render
