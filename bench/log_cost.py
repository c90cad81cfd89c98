"""What the intake's log lines cost, without the noise of a whole submit (issue 14).

    .venv/bin/python bench/log_cost.py [--commands 1123512]

Writes the log lines of a submit of N commands (batches of 5,000, as ``ledger
submit``) through the program's own logger set-up (``cli.log.configure``, JSON)
to a pipe that a thread drains, the way a job runner captures stderr: once at
``debug`` (a line per command, as well as the batch and run lines) and once at
``info`` (the default: a line per batch and a summary). Prints the CPU and wall
seconds of each and the cost per command. Nothing is decided or stored: this is
the logging alone, to set beside a submit's time per command (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import structlog

from app.commandlog import CommandLog
from app.intake import BATCH, Result
from cli.log import configure


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--commands", type=int, default=1_123_512, help="default: the 1.0x year's lines")
    args = p.parse_args(argv)
    read, write = os.pipe()

    def drain() -> None:
        while os.read(read, 1 << 16):
            pass

    threading.Thread(target=drain, daemon=True).start()
    stream = os.fdopen(write, "w", buffering=1)
    results = [Result(f"HC0001-{i:06d}", "accepted", None, "record_shift", "HC0001") for i in range(BATCH)]
    batches = -(-args.commands // BATCH)
    for level in ("debug", "info"):
        os.environ["LEDGER_LOG_LEVEL"] = level
        structlog.reset_defaults()
        log = CommandLog(configure(stream))
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(batches):
            if log.enabled:
                for result in results:
                    log.command(result, 0.00002)
            log.batch(results)
        log.finish()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        n = batches * BATCH
        sys.stdout.write(f"{level}: {cpu:.3f} s CPU, {wall:.3f} s wall for the log lines of {n:,} commands "
                         f"({cpu / n * 1e6:.2f} µs CPU a command)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
