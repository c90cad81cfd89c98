"""Consultation subcommands (SPEC §12): quote, quotes, calendar.

``ledger quote PROFILE.json`` computes a quote without recording it;
``ledger quote show QUOTE_ID`` prints one recorded by ``issue_quote``;
``ledger quote compare CONTRACT`` sets a contract against its quote;
``ledger quote profile --from FILE`` drafts a profile from the platform's
hourly report; ``ledger quotes`` lists the quotes; ``ledger calendar YEAR``
lists holidays, make-up workdays and promotions as ready ``special_days``;
``ledger calendar check [CONTRACT]`` warns about a plan that works a holiday
with no special day or rests on a make-up workday. Computing a quote, drafting
a profile and listing a year need no store, so they never create one.

A bad profile is refused like a command body: exit 1 with its code, field and
message (on stdout as ``{"code", "message", "field"}`` with ``--json``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli.args import Subcommands, UsageError, date_arg, day_or_today, period_arg
from cli.exits import EXIT_FAILED, EXIT_OK

ACTIONS = ("show", "compare", "profile")
STORELESS_CALENDAR = "check"


def register(cmds: Subcommands) -> None:
    sp = cmds.add("quote", "a quote from a profile (PROFILE.json), or: show ID, compare CONTRACT, "
                  "profile --from FILE", cmd_quote,
                  example="ledger quote examples/quote/yiyi-profile.json")
    sp.add_argument("target", nargs="+", metavar="PROFILE.json | show QUOTE_ID | compare CONTRACT | profile",
                    help="a profile file to quote, or an action and its argument")
    sp.add_argument("--format", choices=["html", "pdf", "json", "table"], default=None,
                    help="html/pdf: the quote as a document to send (default: table, or json with --json)")
    sp.add_argument("--output", help="file to write: the document, or the drafted profile")
    sp.add_argument("--period", type=period_arg, help="compare: one period only")
    sp.add_argument("--on", type=date_arg, default=None, help="compare: count the dates before it "
                    "(default today)")
    sp.add_argument("--from", dest="source", help="profile: the platform's hourly inquiry report "
                    "(CSV or XLSX: 日期, 0 … 23)")
    sp.add_argument("--platform", help="profile: the shop's platform, for its promotion days")
    sp.add_argument("--start", type=date_arg, default=None, help="profile: the first day of the "
                    "special days to propose (default: the first of next month)")
    sp.add_argument("--months", type=int, default=12, help="profile: how many months of special days")
    sp.add_argument("--encoding", help="profile: the report's text encoding (default UTF-8, else GB18030)")
    sp.add_argument("--sheet", help="profile: the worksheet of an XLSX report")
    sp.set_defaults(needs_store=lambda a: a.target[0] in ("show", "compare") and len(a.target) == 2)
    cmds.add("quotes", "the recorded quotes, one row each", cmd_quotes,
             example="ledger quotes --json")
    sp = cmds.add("calendar", "holidays, make-up workdays and promotions of a YEAR; or: check [CONTRACT]",
                  cmd_calendar, example="ledger calendar 2026 --platform tmall")
    sp.add_argument("target", nargs="+", metavar="YEAR | check [CONTRACT]",
                    help="a year to list, or check and an optional contract")
    sp.add_argument("--platform", help="taobao, tmall, jd, douyin, pinduoduo (default: every rule)")
    sp.add_argument("--on", type=date_arg, default=None, help="check: an open-ended contract is "
                    "checked to a year after this date (default today)")
    sp.set_defaults(needs_store=lambda a: a.target[0] == STORELESS_CALENDAR)


# -- ledger quote ----------------------------------------------------------------------------


def _format(args: argparse.Namespace, documents: bool = True) -> str:
    fmt: str = args.format or ("json" if args.json else "table")
    if args.json and fmt != "json":
        raise UsageError(f"--json contradicts --format {fmt}")
    if fmt in ("html", "pdf") and not documents:
        raise UsageError(f"--format {fmt} is for a quote (PROFILE.json or show QUOTE_ID)")
    if args.output and fmt not in ("html", "pdf"):
        raise UsageError("--output is for --format html or pdf (and for quote profile)")
    return fmt


def cmd_quote(store: Any, args: argparse.Namespace) -> int:
    action, rest = args.target[0], args.target[1:]
    if action == "profile":
        return _draft(args, rest)
    if action in ("show", "compare"):
        if len(rest) != 1:
            raise UsageError(f"usage: ledger quote {action} {'QUOTE_ID' if action == 'show' else 'CONTRACT'}")
        return _show(store, args, rest[0]) if action == "show" else _compare(store, args, rest[0])
    if rest:
        raise UsageError(f"one profile file at a time, or one of: {', '.join(ACTIONS)}")
    return _compute(args, action)


def _refused(error: Any, args: argparse.Namespace, what: str) -> int:
    """A bad profile or year: exit 1 with its code, field and message."""
    from cli.args import out

    if args.json:
        out({"code": error.code, "message": error.message, "field": error.field})
    where = f" at {error.field}" if error.field else ""
    print(f"ledger: {what} refused: {error.code}{where}: {error.message}", file=sys.stderr)
    return EXIT_FAILED


def _compute(args: argparse.Namespace, path: str) -> int:
    from app.quote_profile import ProfileFileError, read_profile, read_profile_file
    from ledger.errors import LedgerError
    from quote.plan import quote

    fmt = _format(args)
    try:
        data = read_profile_file(path)
    except ProfileFileError as exc:
        raise UsageError(str(exc)) from None
    try:
        profile = read_profile(data)
        result = quote(profile, at="")
    except LedgerError as error:
        return _refused(error, args, "profile")
    from app.quote_html import QuoteHeading

    heading = QuoteHeading(provider=_provider(), source=Path(path).name)
    return _emit(args, fmt, profile, result, heading, f"quote-{_safe(Path(path).stem)}")


def _show(store: Any, args: argparse.Namespace, quote_id: str) -> int:
    from app.quote_html import QuoteHeading
    from app.quotes import quote_of, shown
    from decide.quotes import last_valid_day

    fmt = _format(args)
    q = quote_of(store, quote_id)
    if fmt == "json":
        _numbers(shown(store, q))
        return EXIT_OK
    heading = QuoteHeading(q.quote_id, q.merchant, q.issued_on, last_valid_day(q),
                           _provider(store, q.issued_on),
                           f"issue_quote {q.command_id} recorded {q.recorded_at}")
    if fmt == "table":
        print(f"Quote {q.quote_id} for {q.merchant.name} ({q.merchant.id}, {q.merchant.platform}), "
              f"issued {q.issued_on}, valid until {last_valid_day(q)}")
    return _emit(args, fmt, q.profile, q.result, heading, f"quote-{_safe(q.quote_id)}")


def _emit(args: argparse.Namespace, fmt: str, profile: Any, result: Any, heading: Any, stem: str) -> int:
    if fmt == "json":
        from app.quotes import result_plain

        _numbers(result_plain(result))
    elif fmt == "table":
        _result_tables(result)
    else:
        print(_write_document(profile, result, heading, fmt, args.output or f"{stem}.{fmt}"))
    return EXIT_OK


def _write_document(profile: Any, result: Any, heading: Any, fmt: str, path: str) -> str:
    from app.documents import html_to_pdf, weasyprint
    from app.errors import ReportError
    from app.quote_html import render_quote

    if fmt == "pdf":
        weasyprint()  # fail before any work when it is missing
    html = render_quote(profile, result, heading)
    data = html.encode("utf-8") if fmt == "html" else html_to_pdf(html)
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def _compare(store: Any, args: argparse.Namespace, contract_id: str) -> int:
    from app.quotes import compare

    fmt = _format(args, documents=False)
    data = compare(store, contract_id, args.period, day_or_today(args.on))
    if fmt == "json":
        from cli.args import out

        out(data)
        return EXIT_OK
    show_comparison(data)
    return EXIT_OK


def show_comparison(data: Any) -> None:
    """``ledger quote compare`` for people (the demo prints it too)."""
    import msgspec

    from cli import render
    from ledger.money import yuan

    print(f"Contract {data.contract_id} signed {data.signed_on} from quote {data.quote_id} "
          f"(issued {data.quote_issued_on}): quoted {data.quoted_monthly_agent_shifts} agent-shifts "
          f"and ¥{yuan(data.quoted_monthly_fen)} a month ({data.model}); dates before {data.on}")
    rows = [{"period": r.period, "days": f"{r.first:%m-%d}..{r.last:%m-%d} ({r.days})",
             "quoted": r.quoted_agent_shifts, "planned": r.planned_agent_shifts,
             "worked": r.worked_agent_shifts, "forecast inquiries": r.forecast_inquiries,
             "sessions": r.sessions, "quoted_fen": r.quoted_fen, "statement": r.statement_no or "",
             "billed subtotal_fen": r.billed_subtotal_fen} for r in data.periods]
    render.table(rows, "Quoted, planned and worked agent-shifts; forecast and sessions; quoted and billed")
    render.table([msgspec.structs.asdict(w) for w in data.warnings], "Calendar warnings (not errors)",
                 skip=("contract_id",))


def _draft(args: argparse.Namespace, rest: list[str]) -> int:
    import datetime as dt

    from app.importing.hourly import TableError, load_hourly, read_hourly
    from app.quote_profile import draft_profile, format_profile
    from app.today import today
    from schemas.quote import MAX_HISTORY

    if rest or not args.source:
        raise UsageError("usage: ledger quote profile --from REPORT [--platform P] [--start DATE] "
                         "[--months N] [--output PROFILE.json]")
    if not 1 <= args.months <= 60:
        raise UsageError("--months runs from 1 to 60")
    try:
        data = Path(args.source).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {args.source}: {exc.strerror or exc}") from None
    try:
        read = read_hourly(load_hourly(data, Path(args.source).name, args.encoding, args.sheet))
    except TableError as exc:
        raise UsageError(f"{args.source}: {exc}") from None
    for problem in read.problems:
        where = f" ({problem.column})" if problem.column else ""
        reason = f" ({problem.reason})" if problem.reason else ""
        print(f"row {problem.row}{where}: {problem.status}{reason}: {problem.message}", file=sys.stderr)
    if read.errors:
        print(f"ledger: {len(read.errors)} rows of {args.source} cannot be read; no profile written",
              file=sys.stderr)
        return EXIT_FAILED
    if len(read.history) > MAX_HISTORY:
        print(f"ledger: {len(read.history):,} history rows; a profile holds at most {MAX_HISTORY:,}: "
              "export fewer days; no profile written", file=sys.stderr)
        return EXIT_FAILED
    first_of_next = (today().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    profile, notes = draft_profile(read.history, read.dates, args.platform, args.start or first_of_next,
                                   args.months)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    text = format_profile(profile)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
        print(f"{args.output}: {len(read.dates)} days, {len(read.history)} history rows", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


# -- ledger quotes, ledger calendar ------------------------------------------------------------


def cmd_quotes(store: Any, args: argparse.Namespace) -> int:
    import msgspec

    from app.quotes import quote_rows
    from cli import render
    from cli.args import out

    rows = quote_rows(store)
    if args.json:
        out(rows)
    else:
        render.table([{**msgspec.structs.asdict(r), "contracts": ", ".join(r.contracts)} for r in rows],
                     "Quotes")
    return EXIT_OK


def cmd_calendar(store: Any, args: argparse.Namespace) -> int:
    from ledger.errors import LedgerError

    if args.target[0] == STORELESS_CALENDAR:
        return _check(store, args)
    if len(args.target) != 1 or not args.target[0].isdigit() or len(args.target[0]) != 4:
        raise UsageError("usage: ledger calendar YEAR [--platform P] | ledger calendar check [CONTRACT]")
    from quote.calendar import calendar_year

    try:
        year = calendar_year(int(args.target[0]), args.platform)
    except LedgerError as error:
        return _refused(error, args, "year")
    if args.json:
        from cli.args import out

        out(year)
        return EXIT_OK
    from cli import render

    title = f"Special days {year.year} (platform: {args.platform or 'all'})"
    render.table([{"date": s.date, "weekday": s.date.strftime("%a"), "kind": s.kind, "label": s.label}
                  for s in year.special_days], title)
    render.table([{"date": m.date, "weekday": m.date.strftime("%a"), "makes up for": m.label}
                  for m in year.makeup_workdays], f"Make-up workdays (调休) {year.year}")
    return EXIT_OK


def _check(store: Any, args: argparse.Namespace) -> int:
    import msgspec

    from app.quotes import calendar_check
    from cli import render
    from cli.args import out

    if len(args.target) > 2:
        raise UsageError("usage: ledger calendar check [CONTRACT]")
    contract = args.target[1] if len(args.target) == 2 else None
    rows = calendar_check(store, contract, day_or_today(args.on))
    if args.json:
        out(rows)
    else:
        render.table([msgspec.structs.asdict(r) for r in rows], "Calendar warnings (not errors)")
    return EXIT_OK


# -- helpers ----------------------------------------------------------------------------------


def _numbers(obj: Any) -> None:
    """Exact JSON with decimals as numbers: the proposed terms' kpi is then what
    ``sign_contract`` accepts (rates stay strings: ``to_plain`` made them so)."""
    import msgspec

    encoder = msgspec.json.Encoder(enc_hook=str, decimal_format="number")
    sys.stdout.write(encoder.encode(obj).decode() + "\n")


def _provider(store: Any = None, on: Any = None) -> str:
    """The provider's name for a quote's heading: with a store, the recorded profile
    (``set_provider``) in effect on ``on``; else ``LEDGER_PROVIDER_NAME``; else a placeholder."""
    import os

    from app.statement_html import DEFAULT_PROVIDER

    if store is not None:
        from ledger.provider import profile_on
        from ledger.streams import provider_stream
        from schemas.events import ProviderSet
        from store.view import View

        profile = profile_on((r.event for r in View(store).records(provider_stream())
                              if isinstance(r.event, ProviderSet)), on)
        if profile is not None:
            return profile.name
    return os.environ.get("LEDGER_PROVIDER_NAME", "").strip() or DEFAULT_PROVIDER


def _safe(name: str) -> str:
    import re

    return re.sub(r'[\\/:*?"<>|\s]+', "_", name) or "quote"


def _result_tables(result: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    from app.statement_html import WEEKDAYS
    from cli import render
    from ledger.money import yuan

    console = Console(file=sys.stdout, width=160, soft_wrap=False)
    grid = Table(title="Forecast inquiries an hour → agents scheduled")
    grid.add_column("hour", justify="right")
    for _, en in WEEKDAYS:
        grid.add_column(en, justify="right")
    rows = {(f.weekday, f.hour): f for f in result.forecast}
    for hour in range(24):
        grid.add_row(f"{hour:02d}", *(f"{rows[w, hour].inquiries}→{rows[w, hour].scheduled}"
                                      for w in range(1, 8)))
    console.print(grid)
    render.table([{"code": s.code, "start": s.start, "end": s.end, "agents": s.agents}
                  for s in result.shifts], "Plan")
    render.table([{"date": d.date, "kind": d.kind, "label": d.label,
                   "agents": ", ".join(f"{c} {n}" for c, n in d.agents.items()), "multiplier": d.multiplier}
                  for d in result.special_days], "Special days")
    uplift = ", ".join(f"{k} ×{v}" for k, v in result.uplift.items()) or "none"
    uncovered = ", ".join(f"{WEEKDAYS[u.weekday - 1][1]} {u.inquiries}" for u in result.uncovered
                          if u.inquiries != "0.0000") or "none"
    console.print(f"uplift: {uplift}\nforecast inquiries outside every shift: {uncovered}\n"
                  f"agent-shifts in an average month: {result.monthly_agent_shifts}\n"
                  f"base + commission: ¥{yuan(result.monthly_estimate_fen)} a month (estimate)\n"
                  f"fixed fee: ¥{yuan(result.fixed_fee_fen)} a month\n"
                  "proposed terms: --json, under terms_proposed (sign_contract accepts them as they are)")
