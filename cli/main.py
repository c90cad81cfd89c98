"""The ``ledger`` program (SPEC §9): the parser, the store, the exit status.

Exit status: 0 success, 1 a command was rejected or a check failed, 2 bad
usage (including a store that cannot be opened). Every report prints a table
by default and exact JSON with ``--json``. The subcommands live in
``cli.submit``, ``cli.reports``, ``cli.admin``, ``cli.users``, ``cli.serve``,
``cli.quotes`` and ``cli.imports``, each with a ``register``. A subcommand that sets
``needs_store`` (a predicate on its arguments) runs without opening the store when it
answers False.
"""

from __future__ import annotations

import argparse
import os
import sys

from app.statements import ReportError
from app.today import TodayError
from cli import admin, imports, migrate, quotes, reports, serve, submit, users
from cli.args import Subcommands, UsageError
from cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ledger", description="Billing ledger for customer-service hosting.")
    p.add_argument("--db", default=os.environ.get("LEDGER_DB", "ledger.db"),
                   help="SQLite file path or postgresql:// URL (default: $LEDGER_DB or ./ledger.db)")
    cmds = Subcommands(p.add_subparsers(dest="command", required=True))
    for module in (submit, reports, admin, users, serve, quotes, imports, migrate):
        module.register(cmds)
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else EXIT_USAGE
    from store.eventstore import StoreError, describe, open_store

    needs_store = getattr(args, "needs_store", None)
    try:
        store = open_store(args.db) if needs_store is None or needs_store(args) else None
        return int(args.run(store, args))
    except StoreError as exc:
        print(f"ledger: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `ledger ... | head`: the reader has all it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (stdout stays open to exit)
        return EXIT_OK
    except TodayError as exc:
        print(f"ledger: {exc}", file=sys.stderr)
        return EXIT_USAGE
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


if __name__ == "__main__":
    sys.exit(main())
