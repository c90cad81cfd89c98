"""``ledger import shifts|service FILE --contract C`` and ``ledger reconcile FILE``.

Each reads a file someone already has (a roster, a platform's service report,
the bank's statement), shows per row what it made of it and what the ledger
answers to each command (a preview: nothing is written), and with ``--apply``
submits the commands through the intake exactly as ``ledger submit`` does,
then catches up the read models. docs/IMPORT.md is the clerk's guide.

Exit status: 0 when every row is a command or skipped on purpose and the
ledger accepts (or already has) every command; 1 when any row is an error,
unmapped, unmatched or ambiguous, or the ledger refuses a command; 2 for bad
usage (an unreadable file, a bad mapping, an unknown contract or preset).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from cli.args import Parser, Subcommands, UsageError, date_arg, out
from cli.exits import EXIT_FAILED, EXIT_OK

MAX_FILE = 64 << 20  # bytes: a 200,000-row export is a few MB; anything far larger is a mistake


def _common(sp: argparse.ArgumentParser, presets: str) -> None:
    sp.add_argument("file", help="CSV (UTF-8, UTF-8 with BOM, GB18030/GBK) or XLSX")
    sp.add_argument("--preset", help=f"a built-in layout: {presets}")
    sp.add_argument("--mapping", help="a mapping file (TOML) naming the columns of another export")
    sp.add_argument("--encoding", help="CSV encoding (default: UTF-8, else GB18030)")
    sp.add_argument("--sheet", help="XLSX sheet (default: the first with the header)")
    sp.add_argument("--apply", action="store_true",
                    help="submit the commands (without it: show what the ledger would answer)")


def register(cmds: Subcommands) -> None:
    imp = cmds.parser_for("import", help="turn a roster or a service report into commands",
                          description="Turn a roster or a service report into commands.",
                          epilog="example:\n  ledger import shifts roster.xlsx --contract "
                                 "JINXIU-TM-01 --preset roster-grid",
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    kinds = Subcommands(imp.add_subparsers(dest="kind", required=True, metavar="KIND",
                                           parser_class=Parser,
                                           help="shifts (a roster) or service (a platform report)"))
    sp = kinds.add("shifts", "a roster or attendance export -> record_shift", cmd_shifts,
                   example="ledger import shifts roster.xlsx --contract JINXIU-TM-01 "
                           "--preset roster-grid --shift 早班=early")
    _common(sp, "roster-long (default), roster-grid, dingtalk-daily")
    sp.add_argument("--contract", required=True, help="the contract the roster is for")
    sp.add_argument("--shift", action="append", default=[], metavar="NAME=CODE",
                    help="a shift name of the file and the contract's code (repeatable)")
    sp.add_argument("--month", help="YYYY-MM of a grid roster (default: from its title)")
    sp = kinds.add("service", "a platform's customer-service report -> metrics and sales",
                   cmd_service, example="ledger import service report.xlsx --contract JINXIU-TM-01")
    _common(sp, "chitu (default), qianniu, generic-service")
    sp.add_argument("--contract", required=True, help="the contract the report is for")
    sp.add_argument("--date", type=date_arg, help="the report's day when it has no date column "
                    "(default: from a file name ending _YYYY-MM-DD至YYYY-MM-DD)")
    sp = cmds.add("reconcile", "a bank statement -> payments and deposits, matched to contracts",
                  cmd_reconcile, example="ledger reconcile statement.csv --preset cmb-corporate")
    _common(sp, "cmb-corporate, icbc-corporate, generic-bank (default)")


def cmd_shifts(store: Any, args: argparse.Namespace) -> int:
    return _run(store, args, "shifts")


def cmd_service(store: Any, args: argparse.Namespace) -> int:
    return _run(store, args, "service")


def cmd_reconcile(store: Any, args: argparse.Namespace) -> int:
    return _run(store, args, "bank")


def _read(path: str, what: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror}") from None
    if len(data) > MAX_FILE:
        raise UsageError(f"{path} is larger than {MAX_FILE >> 20} MB: split it")
    return data


def _run(store: Any, args: argparse.Namespace, kind: Any) -> int:
    from app.commandlog import CommandLog
    from app.importing import run
    from cli.log import configure
    from store.readmodels import catch_up

    started = time.perf_counter()
    data = _read(args.file, "the file")
    mapping_text = None
    if args.mapping:
        try:
            mapping_text = _read(args.mapping, "the mapping").decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UsageError(f"the mapping {args.mapping} is not UTF-8 text") from None
    options = run.Options(
        preset=args.preset, mapping_text=mapping_text, mapping_name=args.mapping or "mapping file",
        encoding=args.encoding, sheet=args.sheet, shifts=getattr(args, "shift", []),
        contract=getattr(args, "contract", None), month=getattr(args, "month", None),
        day=getattr(args, "date", None))
    try:
        report = run.read(store, kind, data, Path(args.file).name, options)
    except run.ImportUsageError as exc:
        raise UsageError(str(exc)) from None
    logger = configure(default_level="info")
    quiet = CommandLog(configure(default_level="warning"))  # the report lists every command
    answers = run.answer(store, report, args.apply, quiet)
    if args.apply:
        catch_up(store)
    findings = run.findings(report, answers)
    if args.json:
        _json(report, answers, args.apply)
    else:
        _text(report, answers, args.apply, args.file)
    logger.info("import", kind=kind, file=Path(args.file).name, applied=args.apply,
                rows=report.counts.rows, commands=report.counts.commands,
                **_tally(answers), findings=findings,
                seconds=round(time.perf_counter() - started, 3))
    return EXIT_FAILED if findings else EXIT_OK


def _tally(answers: list[Any]) -> dict[str, int]:
    out = {"accepted": 0, "duplicate": 0, "rejected": 0}
    for a in answers:
        out[a.status] = out.get(a.status, 0) + 1
    return out


def _json(report: Any, answers: list[Any], applied: bool) -> None:
    import msgspec

    body = msgspec.json.decode(msgspec.json.encode(report, enc_hook=str))
    body.update(applied=applied, ledger=_tally(answers), answers=answers)
    out(body)


def _command(c: dict[str, Any]) -> str:
    from ledger.money import yuan

    kind = c["type"]
    if kind in ("record_payment", "record_deposit"):
        return f"{kind} {c['contract_id']} ¥{yuan(c['amount_fen'])}"
    if kind == "record_shift":
        return f"record_shift {c['agent_id']} {c['date']} {c['shift']}"
    if kind == "record_service_metrics":
        return (f"record_service_metrics {c['agent_id']} {c['date']} {c['sessions']} sessions "
                f"{c['avg_first_response_s']} s")
    if kind == "record_sales":
        return f"record_sales {c['agent_id']} {c['date']} ¥{yuan(c['sales_fen'])} {c['orders']} orders"
    return str(kind)


def _commands(commands: list[dict[str, Any]]) -> str:
    """One row's commands in a few words: a grid row's shifts as a span of days."""
    shifts = [c for c in commands if c["type"] == "record_shift"]
    if len(commands) == 1 or len(shifts) < len(commands):
        return "; ".join(_command(c) for c in commands)
    agents, days = {c["agent_id"] for c in shifts}, sorted({c["date"] for c in shifts})
    who = ", ".join(sorted(agents))
    if len(days) == 1:
        return f"record_shift {who} {days[0]} {'+'.join(c['shift'] for c in shifts)}"
    return f"record_shift {who} x{len(shifts)}, {days[0]} to {days[-1]}"


def _text(report: Any, answers: list[Any], applied: bool, path: str) -> None:
    by_row: dict[int, list[Any]] = {}
    for a in answers:
        by_row.setdefault(a.row, []).append(a)
    where = f"sheet {report.sheet}" if report.sheet else f"encoding {report.encoding}"
    lines = [f"{path}: {report.kind}, {where}, header on row {report.header_row}"]
    verb = "" if applied else "would be "
    for o in report.outcomes:
        if o.status == "command":
            what = _commands(o.commands)
            if o.rule:
                what += f" ({o.rule}: {', '.join(o.statements) or 'deposit'})"
            mine = by_row.get(o.row, [])
            said = _tally(mine)
            answer = ", ".join(f"{verb}{k} {n}" if len(mine) > 1 else f"{verb}{k}"
                               for k, n in said.items() if n)
            lines.append(f"row {o.row:>5}  command    {what}  -> {answer}")
            lines += [f"{'':>11}{verb}rejected {a.id}: {a.error['code']} ({a.error['field']}): "
                      f"{a.error['message']}" for a in mine if a.status == "rejected" and a.error]
            continue
        text = o.message or ""
        if o.reason and not text.startswith(o.reason.replace("_", " ")):
            text = f"{o.reason}: {text}" if text else o.reason
        if o.field:
            text += f" [{o.field}{' in ' + o.column if o.column else ''}]"
        if o.candidates:
            text += f" candidates: {', '.join(o.candidates)}"
        if o.statements and o.status != "command":
            text += f" statements: {', '.join(o.statements)}"
        lines.append(f"row {o.row:>5}  {o.status:<9}  {text}")
    c = report.counts
    statuses = ", ".join(f"{k} {n}" for k, n in c.by_status.items())
    types = ", ".join(f"{k} {n}" for k, n in c.by_type.items())
    lines.append(f"rows: {c.rows} ({statuses})" + (f"; rest days {c.rest_days}" if c.rest_days else ""))
    lines.append(f"commands: {c.commands}" + (f" ({types})" if types else ""))
    if report.unmapped:
        lines.append(f"unmapped: {', '.join(report.unmapped)}")
    said = _tally(answers)
    tail = "" if applied else "  (preview: nothing written; --apply submits)"
    lines.append(f"ledger: {verb}accepted {said['accepted']}, {verb}duplicate {said['duplicate']}, "
                 f"{verb}rejected {said['rejected']}{tail}")
    sys.stdout.write("\n".join(lines) + "\n")
