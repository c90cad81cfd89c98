"""``ledger --db SOURCE migrate --to TARGET``: copy a store into another database (SQLite
file or PostgreSQL URL, either way) event for event, then verify the copy (``store.migrate``).

Exit status (docs/CLI.md): 0 the copy is made and verified; 1 a check failed (the source's
chain does not verify, the source changed during the copy, or the copy differs from it: each
difference is named); 2 bad usage (the target is the source, or is not empty); 3 a source that
does not exist or holds no events, or a store that cannot be opened or written.
Progress: a bar on stderr when it is a terminal, log lines (``LEDGER_LOG_LEVEL``) otherwise.
Stores are named without their passwords.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

from cli.args import Subcommands, UsageError, out
from cli.exits import EXIT_FAILED, EXIT_OK

LOG_EVERY = 100_000  # rows copied between two log lines


def register(cmds: Subcommands) -> None:
    sp = cmds.add("migrate", "copy this store into an empty one (SQLite file or postgresql:// "
                  "URL) with its history, command ids and hash chain, and verify the copy",
                  cmd_migrate, store="none",  # both opened here, after the checks
                  example="ledger --db demo.db migrate --to "
                          "postgresql://postgres@127.0.0.1:5432/ledger")
    sp.add_argument("--to", required=True, metavar="STORE",
                    help="the empty store to copy into: a SQLite file path or a postgresql:// URL")


def cmd_migrate(store: Any, args: argparse.Namespace) -> int:
    del store  # opened below, after the checks
    from cli.log import configure
    from cli.progress import progress
    from store import migrate
    from store.eventstore import StoreError, describe, open_store

    source_name, target_name = describe(args.db), describe(args.to)
    if _same(args.db, args.to):
        raise UsageError(f"the target {target_name} is the source: migrate copies into "
                         "another, empty store", "target_is_source")
    source = open_store(args.db, create=False)  # a missing source is store_missing, exit 3
    if source.max_position() == 0:
        raise StoreError(f"the source {source_name} holds no events: nothing to migrate",
                         "store_missing")
    target = open_store(args.to, create=True)
    started = time.perf_counter()
    try:
        with progress("migrate: copying", lambda: sum(migrate.sizes(source))) as advance:
            log = configure().bind(source=source_name, target=target_name)
            counter = _Counter(log, advance)
            copied = migrate.copy(source, target, counter)
        copy_s = time.perf_counter() - started
        log.info("migrate copied", events=copied.events, commands=copied.commands,
                 seconds=round(copy_s, 3))
        from store.view import View

        with progress("migrate: verifying", lambda: len(View(target).contract_ids())) as advance:
            verified = migrate.verify(source, target, advance, _audit_elsewhere(args.to))
    except migrate.MigrateError as exc:
        if exc.code == "target_not_empty":
            raise UsageError(str(exc), exc.code) from None
        from cli.main import fail

        message = str(exc)
        if migrate.held_rows(target):
            message += f"; the target {target_name} holds a partial copy: empty it first"
        fail(exc.code, message, as_json=args.json)
        return EXIT_FAILED
    total_s = time.perf_counter() - started
    log.info("migrate verified", ok=not verified.problems, problems=len(verified.problems),
             seconds=round(total_s - copy_s, 3))
    report = {
        "source": source_name, "target": target_name, "events": copied.events,
        "commands": copied.commands, "digest": verified.digest,
        "target_digest": verified.target_digest, "statements": verified.statements,
        "statements_redrafted": verified.statements_redrafted,
        "copy_s": round(copy_s, 3), "verify_s": round(total_s - copy_s, 3),
        "events_per_s": round(copied.events / total_s) if total_s else 0,
        "ok": not verified.problems, "problems": verified.problems,
    }
    if args.json:
        out(report)
    else:
        _print(report)
    return EXIT_FAILED if verified.problems else EXIT_OK


def _audit_elsewhere(db: str) -> Callable[[], list[dict[str, Any]]]:
    """``ledger audit verify --json`` on ``db``, started now in a process of its own (it
    hashes the whole log while this one rebuilds the read models: two cores, not one GIL);
    calling the result waits for it and gives its findings. The store goes by environment
    (``LEDGER_DB``), so a password never shows in the process list."""
    import json
    import subprocess
    import sys

    import cli

    root = os.path.dirname(os.path.dirname(os.path.abspath(cli.__file__)))
    env = os.environ | {"LEDGER_DB": db, "LEDGER_LOG_LEVEL": "warning", "PYTHONPATH": os.pathsep.join(
        [root, *filter(None, [os.environ.get("PYTHONPATH")])])}
    child = subprocess.Popen([sys.executable, "-m", "cli", "audit", "verify", "--json"], cwd=root,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def findings() -> list[dict[str, Any]]:
        out, err = child.communicate()
        if child.returncode in (0, 1):
            try:
                found: list[dict[str, Any]] = json.loads(out)["findings"]
                return found
            except (ValueError, KeyError, TypeError):
                pass
        said = err.decode(errors="replace").strip().splitlines()
        return [{"position": "-", "problem": f"`ledger audit verify` did not finish (exit "
                 f"{child.returncode}): {said[-1] if said else 'no message'}"}]
    return findings


def _same(a: str, b: str) -> bool:
    from store.eventstore import describe, is_postgres

    if is_postgres(a) or is_postgres(b):
        return describe(a) == describe(b)
    return os.path.abspath(a) == os.path.abspath(b)


class _Counter:
    """Moves the bar, and logs a line every ``LOG_EVERY`` rows copied."""

    def __init__(self, log: Any, advance: Any) -> None:
        self.log, self.advance, self.rows, self.logged = log, advance, 0, 0

    def __call__(self, n: int) -> None:
        self.advance(n)
        self.rows += n
        if self.rows - self.logged >= LOG_EVERY:
            self.logged = self.rows
            self.log.info("migrate copying", rows=self.rows)


def _print(r: dict[str, Any]) -> None:
    print(f"copied {r['events']:,} events and {r['commands']:,} command ids from {r['source']} "
          f"to {r['target']} in {r['copy_s'] + r['verify_s']:.1f} s ({r['events_per_s']:,} "
          f"events/s; copy {r['copy_s']:.1f} s, verification {r['verify_s']:.1f} s)")
    if r["problems"]:
        print("the copy does NOT match its source:")
        for p in r["problems"]:
            print(f"  {p}")
        return
    print(f"verified: audit digest {r['digest']} on both, the target's chain verifies, "
          f"{r['statements']:,} issued statements byte-identical ({r['statements_redrafted']:,} "
          "re-drafted from the copied events), balances and journal equal")
