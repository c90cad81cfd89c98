"""The ``ledger`` program (SPEC §9).

Exit status: 0 success, 1 a command was rejected or a check failed, 2 bad
usage (including a store that cannot be opened). Every report prints a table
by default and exact JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Iterator
from typing import Any

import msgspec

from app.statements import ReportError
from app.today import today
from cli import render
from cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE


class UsageError(Exception):
    pass


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else _bad_date(text)
    except ValueError:
        return _bad_date(text)


def _bad_date(text: str) -> dt.date:
    raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}")


def _timestamp(text: str) -> str:
    from store.view import parse_as_of

    try:
        return parse_as_of(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an RFC 3339 timestamp: {text!r}") from None


def _digest(text: str) -> str:
    from store.audit import parse_digest

    try:
        parse_digest(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ledger", description="Billing ledger for customer-service hosting.")
    p.add_argument("--db", default=os.environ.get("LEDGER_DB", "ledger.db"),
                   help="SQLite file path or postgresql:// URL (default: $LEDGER_DB or ./ledger.db)")
    sub = p.add_subparsers(dest="command", required=True)

    def add(name: str, help_: str, as_of: bool = False) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_)
        sp.add_argument("--json", action="store_true", help="exact JSON output")
        if as_of:
            sp.add_argument("--as-of", type=_timestamp, help="what the ledger knew at this recorded time")
        return sp

    sp = add("submit", "apply JSON Lines commands from FILE (- for stdin)")
    sp.add_argument("file")
    sp = add("statement", "an issued statement, or the draft of a period", as_of=True)
    sp.add_argument("contract")
    sp.add_argument("period")
    sp.add_argument("--live", action="store_true")
    sp.add_argument("--on", type=_date, default=None)
    sp.add_argument("--format", choices=["html", "pdf", "json", "table"], default=None,
                    help="html/pdf: a printable document (default: table, or json with --json)")
    sp.add_argument("--output", help="html/pdf file to write (default: statement-<no>.<ext>)")
    sp = add("statements", "issued statements, one row each", as_of=True)
    sp.add_argument("contract", nargs="?")
    sp = add("breaches", "contract-breach records", as_of=True)
    sp.add_argument("contract", nargs="?")
    sp.add_argument("--period")
    sp.add_argument("--on", type=_date, default=None)
    sp = add("disputes", "disputes with status and outcome", as_of=True)
    sp.add_argument("contract", nargs="?")
    sp = add("explain", "every event behind a statement line")
    sp.add_argument("contract")
    sp.add_argument("period")
    sp.add_argument("line")
    sp = add("balance", "receivable, credit and deposit held", as_of=True)
    sp.add_argument("contract", nargs="?")
    sp = add("journal", "the double-entry journal", as_of=True)
    sp.add_argument("--format", choices=["beancount", "csv", "json"], default=None)
    sp = add("history", "a contract's events in log order", as_of=True)
    sp.add_argument("contract")
    sp = add("audit", "tamper evidence: digest or verify")
    sp.add_argument("action", choices=["digest", "verify"])
    sp.add_argument("--digest", type=_digest, help="POSITION:HEXHASH taken earlier")
    add("rebuild", "rebuild every projection and check issued statements")
    sp = sub.add_parser("export", help="rows for spreadsheets: statements, lines, payments, breaches")
    sp.add_argument("kind", choices=["statements", "lines", "payments", "breaches"])
    sp.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    sp.add_argument("--period")
    sp.add_argument("--contract")
    sp.add_argument("--output", help="file to write (CSV goes to stdout without it)")
    sp.add_argument("--on", type=_date, default=None, help="business date of the breach records")
    sp.add_argument("--as-of", type=_timestamp, help="what the ledger knew at this recorded time")
    sp = add("demo", "load a realistic sample and print its statements and breaches")
    sp.add_argument("--quiet", action="store_true", help="print only the summary")
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else EXIT_USAGE
    from store.eventstore import StoreError, describe, open_store

    try:
        store = open_store(args.db)
        return int(COMMANDS[args.command](store, args))
    except StoreError as exc:
        print(f"ledger: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `ledger ... | head`: the reader has all it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (stdout stays open to exit)
        return EXIT_OK
    except (ReportError, UsageError) as exc:
        print(f"ledger: {exc}", file=sys.stderr)
        return EXIT_FAILED if isinstance(exc, ReportError) else EXIT_USAGE
    except Exception as exc:  # database outage and the like: a message, never a traceback
        from eventsourcing.persistence import PersistenceError

        if isinstance(exc, PersistenceError | OSError):
            print(f"ledger: the store {describe(args.db)} failed: "
                  f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
                  file=sys.stderr)
            return EXIT_FAILED
        raise


def _out(obj: Any) -> None:
    sys.stdout.write(msgspec.json.encode(obj, enc_hook=str).decode() + "\n")


def _lines(path: str) -> Iterator[bytes]:
    if path == "-":
        yield from sys.stdin.buffer if hasattr(sys.stdin, "buffer") else (
            line.encode() for line in sys.stdin)
        return
    try:
        # Streamed line by line from 1 MB reads: each read lets the writer thread
        # take the GIL, and the main thread waits to get it back.
        handle = open(path, "rb", buffering=1 << 20)  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        yield from handle


def cmd_submit(store: Any, args: argparse.Namespace) -> int:
    from app.commandlog import CommandLog
    from app.intake import Intake
    from cli.log import configure
    from cli.progress import count_lines, progress
    from store.readmodels import catch_up

    rejected = False
    answers: list[str] = []  # written a batch at a time (results come a batch at a time)
    with progress("submit", lambda: count_lines(args.file)) as advance:
        intake = Intake(store, CommandLog(configure()))  # inside: its lines print above the bar
        for result in intake.submit(_lines(args.file)):
            rejected = rejected or result.status == "rejected"
            answers.append(result.json_line())
            if len(answers) >= 1000:
                sys.stdout.write("".join(answers))
                advance(len(answers))
                answers.clear()
        sys.stdout.write("".join(answers))
        advance(len(answers))
    del intake  # its warm states: the read models fold their own
    catch_up(store)
    return EXIT_FAILED if rejected else EXIT_OK


def _today(on: dt.date | None) -> dt.date:
    return on or today()


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
                              on=_today(args.on), as_of=args.as_of))
        return EXIT_OK
    data = statement(store, args.contract, args.period, args.live, _today(args.on), args.as_of)
    _out(data) if fmt == "json" else render.statement(data)
    return EXIT_OK


def cmd_statements(store: Any, args: argparse.Namespace) -> int:
    from app.reports import statements

    rows = statements(store, args.contract, args.as_of)
    _out(rows) if args.json else render.table(rows, "Issued statements")
    return EXIT_OK


def cmd_breaches(store: Any, args: argparse.Namespace) -> int:
    from app.reports import breaches

    rows = breaches(store, args.contract, args.period, _today(args.on), args.as_of)
    _out(rows) if args.json else render.table(
        [msgspec.structs.asdict(r) for r in rows], "Breach records", skip=("evidence", "detail"))
    return EXIT_OK


def cmd_disputes(store: Any, args: argparse.Namespace) -> int:
    from app.reports import disputes

    rows = disputes(store, args.contract, args.as_of)
    _out(rows) if args.json else render.table([msgspec.structs.asdict(r) for r in rows], "Disputes")
    return EXIT_OK


def cmd_explain(store: Any, args: argparse.Namespace) -> int:
    from app.reports import explain

    data = explain(store, args.contract, args.period, args.line)
    _out(data) if args.json else render.explain(data)
    return EXIT_OK


def cmd_balance(store: Any, args: argparse.Namespace) -> int:
    from app.reports import balances

    rows = balances(store, args.contract, args.as_of)
    if args.json:
        if args.contract:
            row = msgspec.structs.asdict(rows[0])
            row.pop("contract_id")
            _out(row)
        else:
            _out(rows)
    else:
        render.table([msgspec.structs.asdict(r) for r in rows], "Balances")
    return EXIT_OK


def cmd_journal(store: Any, args: argparse.Namespace) -> int:
    from app.reports import journal
    from projections.journal import beancount

    txns, ids = journal(store, args.as_of)
    fmt = args.format or ("json" if args.json else "beancount")
    if fmt == "json":
        _out(txns)
    elif fmt == "csv":
        render.journal_csv(txns)
    else:
        sys.stdout.write(beancount(txns, ids))
    return EXIT_OK


def cmd_history(store: Any, args: argparse.Namespace) -> int:
    from app.reports import history

    rows = history(store, args.contract, args.as_of)
    _out(rows) if args.json else render.table(
        [msgspec.structs.asdict(r) for r in rows], f"History of {args.contract}", skip=("data",))
    return EXIT_OK


def cmd_audit(store: Any, args: argparse.Namespace) -> int:
    from store.audit import digest, verify

    if args.action == "digest":
        position, head = digest(store)
        text = f"{position}:{head}"
        _out({"position": position, "hash": head, "digest": text}) if args.json else print(text)
        return EXIT_OK
    findings = verify(store, args.digest)
    if args.json:
        _out({"ok": not findings, "findings": findings})
    else:
        for f in findings:
            print(f"position {f['position']}: {f['problem']}")
        if not findings:
            print("ok: the log matches its hash chain")
    return EXIT_FAILED if findings else EXIT_OK


def cmd_rebuild(store: Any, args: argparse.Namespace) -> int:
    from cli.progress import progress
    from store.readmodels import rebuild
    from store.view import View

    with progress("checking statements", lambda: len(View(store).contract_ids())) as advance:
        report = rebuild(store, advance)
    if args.json:
        _out(report)
    else:
        for name, value in report["digests"].items():
            print(f"{name}: {value}")
        print(f"statements checked: {report['statements_checked']}")
        for d in report["differences"]:
            print(f"DIFFERENT {d['statement_no']} {d['line']}: stored {d['stored']} "
                  f"recomputed {d['recomputed']}")
    return EXIT_FAILED if report["differences"] else EXIT_OK


def cmd_export(store: Any, args: argparse.Namespace) -> int:
    from app.export import ExportUsageError, write_export
    from cli.progress import progress

    try:
        with progress(f"export {args.kind}") as advance:
            path = write_export(store, args.kind, args.format, args.output, period=args.period,
                                contract_id=args.contract, on=_today(args.on), as_of=args.as_of,
                                advance=advance)
    except ExportUsageError as exc:
        raise UsageError(str(exc)) from None
    if path is not None:
        print(path)
    return EXIT_OK


def cmd_demo(store: Any, args: argparse.Namespace) -> int:
    from cli.demo import run_demo

    return run_demo(store, args)


COMMANDS = {
    "submit": cmd_submit, "statement": cmd_statement, "statements": cmd_statements,
    "breaches": cmd_breaches, "disputes": cmd_disputes, "explain": cmd_explain,
    "balance": cmd_balance, "journal": cmd_journal, "history": cmd_history,
    "audit": cmd_audit, "rebuild": cmd_rebuild, "demo": cmd_demo, "export": cmd_export,
}

if __name__ == "__main__":
    sys.exit(main())
