"""``ledger submit``: JSON Lines commands in, one result per line out, a summary at the end.

Each result carries its line number. The file is read in bounded memory
(``app.lines``: a UTF-8 byte-order mark skipped, ``--encoding`` for other
encodings, lines over 1 MiB refused without being held). ``--dry-run`` decides
everything and stores nothing. The summary goes to stderr (one JSON object
under ``--json``, nothing under ``--quiet``). Ctrl-C stops reading: the batches
already read are decided and stored, their results printed, and the program
exits 130; submitting the file again completes it (stored lines answer
``duplicate``).
"""

from __future__ import annotations

import argparse
import contextlib
import operator
import signal
import sys
from collections import Counter
from collections.abc import Iterator
from types import FrameType
from typing import IO, Any, cast

from cli.args import Subcommands, UsageError, add_as, date_arg, out, submitter
from cli.exits import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK

FIRST_REJECTIONS = 10  # how many the summary lists
_status = operator.attrgetter("status")


def register(cmds: Subcommands) -> None:
    sp = cmds.add("submit", "apply JSON Lines commands from FILE (- for stdin)", cmd_submit,
                  store="write", example="ledger submit commands.jsonl > results.jsonl")
    sp.add_argument("file", help="JSON Lines file, one command a line (- for stdin)")
    sp.add_argument("--dry-run", action="store_true",
                    help="decide every line and print the results, but store nothing")
    sp.add_argument("--encoding", default="utf-8", metavar="NAME",
                    help="the file's encoding (default utf-8; gb18030 for files saved by Excel or "
                         "other Chinese Windows programs)")
    sp.add_argument("--quiet", action="store_true",
                    help="no summary and no per-command log lines on stderr; results still on stdout")
    sp.add_argument("--today", type=date_arg, default=None, metavar="DATE",
                    help="the recording date (default: $LEDGER_TODAY or today in $LEDGER_TZ); "
                         "no fact may be dated after it: set it to replay history")
    add_as(sp)


class _Interrupt:
    """Ctrl-C as a request to stop reading; a second Ctrl-C stops at once."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        del signum, frame
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        try:
            previous = signal.signal(signal.SIGINT, self)
        except ValueError:  # not the main thread: Ctrl-C keeps its default
            yield
            return
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _source(path: str) -> Iterator[IO[bytes]]:
    if path == "-":
        yield sys.stdin.buffer if hasattr(sys.stdin, "buffer") else cast(IO[bytes], _Encoded(sys.stdin))
        return
    try:
        # 1 MB reads: each lets the writer thread take the GIL, and the main thread waits
        # to get it back.
        handle = open(path, "rb", buffering=1 << 20)  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}", "unreadable_input") from None
    with handle:
        yield handle


class _Encoded:
    """A text stream read as UTF-8 bytes (stdin replaced by a ``StringIO`` in tests)."""

    def __init__(self, text: Any) -> None:
        self.text = text

    def readline(self, limit: int = -1) -> bytes:
        data: bytes = self.text.readline(limit).encode("utf-8")
        return data


def cmd_submit(store: Any, args: argparse.Namespace) -> int:
    from app.commandlog import CommandLog
    from app.intake import Intake, encode_results
    from app.lines import check_encoding, read_lines
    from cli.log import configure
    from cli.progress import count_lines, progress
    from store.readmodels import catch_up

    try:
        check_encoding(args.encoding)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    counts: Counter[str] = Counter()
    rejections: list[dict[str, Any]] = []
    last_line = 0
    stop = _Interrupt()
    with _source(args.file) as handle, stop.installed(), \
            progress("submit", lambda: count_lines(args.file)) as advance:
        log = configure(default_level="warning" if args.quiet else "info")
        intake = Intake(store, CommandLog(log), today=args.today,  # inside: its lines print above the bar
                        submitted_by=submitter(args), dry_run=args.dry_run, fork_writer=True)
        lines = read_lines(handle, encoding=args.encoding, stop=lambda: stop.requested)
        for results in intake.batches(lines):  # a batch's results once it is stored
            rejected = counts["rejected"]
            counts.update(map(_status, results))
            if counts["rejected"] > rejected and len(rejections) < FIRST_REJECTIONS:
                rejections += [{"line": r.line, "id": r.id, **(r.error or {})}
                               for r in results if r.status == "rejected"
                               ][:FIRST_REJECTIONS - len(rejections)]
            last_line = results[-1].line or last_line
            sys.stdout.write(encode_results(results, array=False).decode())
            sys.stdout.flush()
            advance(len(results))
    del intake  # its warm states: the read models fold their own
    if not args.dry_run:
        catch_up(store)
    if not args.quiet:
        _summary(counts, rejections, last_line, args, stop.requested)
    if stop.requested:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if counts["rejected"] else EXIT_OK


def _summary(counts: Counter[str], rejections: list[dict[str, Any]], last_line: int,
             args: argparse.Namespace, interrupted: bool) -> None:
    """Counts by status and the first rejections, on stderr."""
    total = sum(counts.values())
    if args.json:
        summary = {"commands": total, "accepted": counts["accepted"],
                   "duplicate": counts["duplicate"], "rejected": counts["rejected"],
                   "dry_run": args.dry_run, "interrupted": interrupted,
                   "last_line": last_line, "first_rejections": rejections}
        stdout, sys.stdout = sys.stdout, sys.stderr
        try:
            out({"summary": summary})
        finally:
            sys.stdout = stdout
        return
    said = (f"submit: {total:,} commands: {counts['accepted']:,} accepted, "
            f"{counts['duplicate']:,} duplicate, {counts['rejected']:,} rejected")
    if args.dry_run:
        said += " (dry run: nothing was stored)"
    lines = [said]
    for r in rejections:
        where = f" {r['field']}" if r.get("field") else ""
        lines.append(f"  line {r['line']}: {r['code']}{where}: {r['message']}")
    if counts["rejected"] > len(rejections):
        lines.append(f"  ... and {counts['rejected'] - len(rejections):,} more rejected "
                     "(every result is on stdout)")
    if interrupted:
        done = "decided (nothing stored)" if args.dry_run else "stored"
        lines.append(f"interrupted after line {last_line:,}: the results above were {done}; "
                     "submit the file again to finish (stored lines answer duplicate)")
    sys.stderr.write("\n".join(lines) + "\n")
