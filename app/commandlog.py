"""The intake's log, on the logger the program set up: one line per batch and one
summary per run at ``info`` (counts by status, duration, rate: what the operator of
a long import reads), and one line per command at ``debug`` (id, type, contract,
outcome, duration, and the error's code and field). No line holds a command's body."""

from __future__ import annotations

import logging
import operator
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any, Protocol

STATUSES = ("accepted", "duplicate", "rejected")
_status = operator.attrgetter("status")


class _Result(Protocol):
    id: Any
    status: str
    error: dict[str, Any] | None
    command_type: str | None
    contract_id: str | None


class CommandLog:
    """The log lines of one run of the intake (one ``submit``): ``batch`` after each
    batch committed, ``finish`` once at the end, ``command`` per command (debug)."""

    def __init__(self, logger: Any, **context: Any) -> None:
        self.logger = logger.bind(**context)
        self.enabled = self.logger.is_enabled_for(logging.DEBUG)  # the per-command lines
        self.summaries = self.logger.is_enabled_for(logging.INFO)  # batch and run lines
        self.totals: Counter[str] = Counter()
        self.batches = 0
        self.started = self.mark = time.perf_counter()

    def command(self, result: _Result, seconds: float) -> None:
        if not self.enabled:
            return
        fields: dict[str, Any] = {
            "command_id": result.id, "type": result.command_type,
            "contract_id": result.contract_id, "outcome": result.status,
            "duration_us": int(seconds * 1_000_000),
        }
        if result.error is not None:
            fields["code"] = result.error["code"]
            fields["field"] = result.error["field"]
        self.logger.debug("command", **fields)

    def batch(self, results: Iterable[_Result]) -> None:
        """A batch committed (its results are about to be answered): its counts by
        status, the seconds since the previous batch's line and the rate."""
        counts = Counter(map(_status, results))
        self.totals.update(counts)
        self.batches += 1
        now = time.perf_counter()
        seconds, self.mark = now - self.mark, now
        if self.summaries:
            lines = sum(counts.values())
            self.logger.info("batch", batch=self.batches, lines=lines,
                             **{s: counts.get(s, 0) for s in STATUSES},
                             seconds=round(seconds, 3), commands_per_s=_rate(lines, seconds),
                             lines_so_far=sum(self.totals.values()))

    def finish(self) -> None:
        """The run's summary: every line answered, by status, the batches, the
        seconds since the log was made and the rate."""
        if not self.summaries:
            return
        lines = sum(self.totals.values())
        seconds = time.perf_counter() - self.started
        self.logger.info("submitted", lines=lines, **{s: self.totals.get(s, 0) for s in STATUSES},
                         batches=self.batches, seconds=round(seconds, 3),
                         commands_per_s=_rate(lines, seconds))


def _rate(lines: int, seconds: float) -> int:
    return round(lines / seconds) if seconds > 0 else 0
