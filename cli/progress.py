"""Progress on stderr: a transient bar when stderr is a terminal, nothing otherwise (and
rich, which draws the bar, is then not even imported)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import IO

Advance = Callable[[int], None]


@contextlib.contextmanager
def progress(description: str, total: int | Callable[[], int | None] | None = None,
             stream: IO[str] | None = None) -> Iterator[Advance]:
    """Yield ``advance(n)``; draw a transient bar on stderr only when it is a terminal.

    ``total`` may be a callable, evaluated only when a bar is drawn (counting
    the lines of a large file costs nothing when nobody watches).
    """
    out = stream if stream is not None else sys.stderr
    if not (hasattr(out, "isatty") and out.isatty()):
        yield _no_progress
        return
    from rich.console import Console  # only for a bar someone watches: 30 ms of start-up
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    count = total() if callable(total) else total
    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                   MofNCompleteColumn(), TimeElapsedColumn(),
                   console=Console(file=out), transient=True)
    with bar:
        task = bar.add_task(description, total=count)
        yield lambda n: bar.advance(task, n)


def _no_progress(n: int) -> None:
    del n


def count_lines(path: str) -> int | None:
    """Non-blank lines of a JSON Lines file (None for stdin or an unreadable file)."""
    if path == "-":
        return None
    try:
        with open(path, "rb") as handle:
            return sum(1 for line in handle if line.strip())
    except OSError:
        return None
