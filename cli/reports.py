"""Report subcommands: statement, statements, breaches, disputes, explain, balance,
journal, history. Each imports what it runs only when it runs (a quick start-up)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import msgspec

from cli import render
from cli.args import Subcommands, UsageError, date_arg, day_or_today, out
from cli.exits import EXIT_OK


def register(cmds: Subcommands) -> None:
    sp = cmds.add("statement", "an issued statement, or the draft of a period", cmd_statement,
                  as_of=True)
    sp.add_argument("contract")
    sp.add_argument("period")
    sp.add_argument("--live", action="store_true")
    sp.add_argument("--on", type=date_arg, default=None)
    sp.add_argument("--format", choices=["html", "pdf", "json", "table"], default=None,
                    help="html/pdf: a printable document (default: table, or json with --json)")
    sp.add_argument("--output", help="html/pdf file to write (default: statement-<no>.<ext>)")
    sp.add_argument("--number", help="the statement of this number, in force or void "
                                     "(e.g. C1-2026-11 after it was voided and issued again)")
    sp = cmds.add("statements", "issued statements, one row each", cmd_statements, as_of=True)
    sp.add_argument("contract", nargs="?")
    sp = cmds.add("breaches", "contract-breach records", cmd_breaches, as_of=True)
    sp.add_argument("contract", nargs="?")
    sp.add_argument("--period")
    sp.add_argument("--on", type=date_arg, default=None)
    sp = cmds.add("disputes", "disputes with status and outcome", cmd_disputes, as_of=True)
    sp.add_argument("contract", nargs="?")
    sp = cmds.add("explain", "every event behind a statement line", cmd_explain)
    sp.add_argument("contract")
    sp.add_argument("period")
    sp.add_argument("line")
    sp = cmds.add("balance", "receivable, credit and deposit held", cmd_balance, as_of=True)
    sp.add_argument("contract", nargs="?")
    sp = cmds.add("journal", "the double-entry journal", cmd_journal, as_of=True)
    sp.add_argument("--format", choices=["beancount", "csv", "json"], default=None)
    sp = cmds.add("history", "a contract's events in log order", cmd_history, as_of=True)
    sp.add_argument("contract")


def cmd_statement(store: Any, args: argparse.Namespace) -> int:
    from app.reports import statement

    fmt = args.format or ("json" if args.json else "table")
    if args.json and fmt != "json":
        raise UsageError(f"--json contradicts --format {fmt}")
    if args.output and fmt not in ("html", "pdf"):
        raise UsageError("--output is for --format html or pdf")
    if fmt in ("html", "pdf"):
        from app.documents import write_statement

        print(write_statement(store, args.contract, args.period, fmt, args.output, live=args.live,
                              on=day_or_today(args.on), as_of=args.as_of, number=args.number))
        return EXIT_OK
    data = statement(store, args.contract, args.period, args.live, day_or_today(args.on), args.as_of,
                     args.number)
    out(data) if fmt == "json" else render.statement(data)
    return EXIT_OK


def cmd_statements(store: Any, args: argparse.Namespace) -> int:
    from app.reports import statements

    rows = statements(store, args.contract, args.as_of)
    out(rows) if args.json else render.table(rows, "Issued statements")
    return EXIT_OK


def cmd_breaches(store: Any, args: argparse.Namespace) -> int:
    from app.reports import breaches

    rows = breaches(store, args.contract, args.period, day_or_today(args.on), args.as_of)
    out(rows) if args.json else render.table(
        [msgspec.structs.asdict(r) for r in rows], "Breach records", skip=("evidence", "detail"))
    return EXIT_OK


def cmd_disputes(store: Any, args: argparse.Namespace) -> int:
    from app.reports import disputes

    rows = disputes(store, args.contract, args.as_of)
    out(rows) if args.json else render.table([msgspec.structs.asdict(r) for r in rows], "Disputes")
    return EXIT_OK


def cmd_explain(store: Any, args: argparse.Namespace) -> int:
    from app.reports import explain

    data = explain(store, args.contract, args.period, args.line)
    out(data) if args.json else render.explain(data)
    return EXIT_OK


def cmd_balance(store: Any, args: argparse.Namespace) -> int:
    from app.reports import balances

    rows = balances(store, args.contract, args.as_of)
    if args.json:
        if args.contract:
            row = msgspec.structs.asdict(rows[0])
            row.pop("contract_id")
            out(row)
        else:
            out(rows)
    else:
        render.table([msgspec.structs.asdict(r) for r in rows], "Balances")
    return EXIT_OK


def cmd_journal(store: Any, args: argparse.Namespace) -> int:
    from app.reports import journal
    from projections.journal import beancount

    txns, ids = journal(store, args.as_of)
    fmt = args.format or ("json" if args.json else "beancount")
    if fmt == "json":
        out(txns)
    elif fmt == "csv":
        render.journal_csv(txns)
    else:
        sys.stdout.write(beancount(txns, ids))
    return EXIT_OK


def cmd_history(store: Any, args: argparse.Namespace) -> int:
    from app.reports import history

    rows = history(store, args.contract, args.as_of)
    out(rows) if args.json else render.table(
        [msgspec.structs.asdict(r) for r in rows], f"History of {args.contract}", skip=("data",))
    return EXIT_OK
