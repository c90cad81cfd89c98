"""``ledger submit``: JSON Lines commands in, one result per line out."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Any

from cli.args import Subcommands, UsageError
from cli.exits import EXIT_FAILED, EXIT_OK


def register(cmds: Subcommands) -> None:
    sp = cmds.add("submit", "apply JSON Lines commands from FILE (- for stdin)", cmd_submit,
                  store="write", example="ledger submit commands.jsonl > results.jsonl")
    sp.add_argument("file", help="JSON Lines file, one command a line (- for stdin)")


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
