"""Subcommands of the store as a whole: audit, rebuild, export, demo."""

from __future__ import annotations

import argparse
from typing import Any

from cli.args import (
    PERIOD_HELP,
    Subcommands,
    UsageError,
    date_arg,
    day_or_today,
    digest_arg,
    out,
    period_arg,
    timestamp_arg,
)
from cli.exits import EXIT_FAILED, EXIT_OK


def register(cmds: Subcommands) -> None:
    sp = cmds.add("audit", "tamper evidence: digest or verify", cmd_audit,
                  example="ledger audit verify --digest 1234:ab12...")
    sp.add_argument("action", choices=["digest", "verify"],
                    help="digest: print POSITION:HASH to keep elsewhere; verify: check the chain")
    sp.add_argument("--digest", type=digest_arg, metavar="POSITION:HASH",
                    help="a digest taken earlier: verify also proves the log up to it unchanged")
    cmds.add("rebuild", "rebuild every projection and check issued statements", cmd_rebuild,
             example="ledger rebuild")
    sp = cmds.add("export", "rows for spreadsheets: statements, lines, payments, breaches",
                  cmd_export, json=False, example="ledger export lines --format xlsx --output lines.xlsx")
    sp.add_argument("kind", choices=["statements", "lines", "payments", "breaches"],
                    help="what one row is: a statement, a statement line, a payment, a breach record")
    sp.add_argument("--format", choices=["csv", "xlsx"], default="csv",
                    help="csv (default) or xlsx (needs --output)")
    sp.add_argument("--period", type=period_arg, help=f"only rows of this {PERIOD_HELP}")
    sp.add_argument("--contract", metavar="CONTRACT", help="only this contract's rows")
    sp.add_argument("--output", metavar="FILE",
                    help="file to write; - or none: stdout (xlsx needs one, - included)")
    sp.add_argument("--encoding", metavar="NAME", default=None,
                    help="CSV encoding: utf-8-sig (a file's default: Excel reads Chinese right), "
                         "utf-8 (stdout's default) or gb18030")
    sp.add_argument("--on", type=date_arg, default=None, metavar="DATE",
                    help="business date of the breach records (default today)")
    sp.add_argument("--as-of", type=timestamp_arg, metavar="TS",
                    help="what the ledger knew at this recorded time (RFC 3339)")
    sp = cmds.add("demo", "load a realistic sample and print its statements and breaches", cmd_demo,
                  store="write", example="ledger --db demo.db demo")
    sp.add_argument("--quiet", action="store_true",
                    help="print only the one-line summary (on stderr); the documents are still written")


def cmd_audit(store: Any, args: argparse.Namespace) -> int:
    from store.audit import digest, verify

    if args.action == "digest":
        position, head = digest(store)
        text = f"{position}:{head}"
        out({"position": position, "hash": head, "digest": text}) if args.json else print(text)
        return EXIT_OK
    findings = verify(store, args.digest)
    if args.json:
        out({"ok": not findings, "findings": findings})
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
        out(report)
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
                                contract_id=args.contract, on=day_or_today(args.on), as_of=args.as_of,
                                encoding=args.encoding, advance=advance)
    except ExportUsageError as exc:
        raise UsageError(str(exc)) from None
    if path is not None:
        print(path)
    return EXIT_OK


def cmd_demo(store: Any, args: argparse.Namespace) -> int:
    from cli.demo import run_demo

    return run_demo(store, args)
