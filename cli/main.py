"""The ``ledger`` program (SPEC §9): the parser, the store, the exit status.

Exit status (``cli.exits``, docs/CLI.md): 0 success; 1 a command was rejected
or a check failed; 2 bad usage (a bad argument, an unknown contract, statement,
line or period); 3 the store cannot be opened or written (or an output file, or
a font a PDF needs); 130 interrupted. An error is one line ``ledger: MESSAGE``
on stderr, or under ``--json`` one JSON object ``{"error": {"code", "message"}}``;
never a traceback. The subcommands live in ``cli.submit``, ``cli.reports``,
``cli.admin``, ``cli.reference``, ``cli.users``, ``cli.serve``, ``cli.quotes`` and
``cli.imports``, each with a ``register``. A subcommand that also sets ``needs_store``
(a predicate on its arguments) runs without a store when it answers False.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from typing import Any

from cli import admin, imports, migrate, quotes, reference, reports, serve, submit, users
from cli.args import Parser, Subcommands, UsageError
from cli.exits import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_STORE,
    EXIT_USAGE,
)


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("cs-hosting-ledger")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


class _Version(argparse.Action):
    """``--version``: the installed version, looked up only when asked (reading the
    package metadata costs more than the rest of ``ledger --help``)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        sys.stdout.write(f"ledger {version()}\n")
        parser.exit()


def parser(only: str | None = None) -> argparse.ArgumentParser:
    """The program's parser with every subcommand, or with ``only`` that one (a run builds
    the one it was asked for: building all of them is 20 ms of every call)."""
    p = Parser(prog="ledger", description="Billing ledger for customer-service hosting.",
               epilog="Exit status: 0 success, 1 a command rejected or a check failed, 2 bad "
                      "usage, 3 the store cannot be opened or written. docs/CLI.md has the rest.")
    p.add_argument("--db", default=os.environ.get("LEDGER_DB", "ledger.db"), metavar="STORE",
                   help="SQLite file path or postgresql:// URL (default: $LEDGER_DB or ./ledger.db)")
    p.add_argument("--version", action=_Version, help="print the version and exit")
    cmds = Subcommands(p.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=Parser,
        help="what to do; `ledger COMMAND --help` shows its arguments and an example"), only)
    for module in (submit, reports, admin, users, serve, quotes, imports, reference, migrate):
        module.register(cmds)
    p.set_defaults(built=cmds.built)
    return p


TOP_FLAGS = ("-h", "--help", "--version")


def parse(argv: list[str]) -> argparse.Namespace:
    """The arguments, parsed by a parser holding just the subcommand ``argv`` names when
    it names one and asks nothing of the program itself (``--help``, ``--version``): the
    subcommand's own parser is the same either way, so are its help and its errors.
    Anything else (no subcommand, an unknown one) goes to the whole parser."""
    name = _subcommand(argv)
    if name is not None:
        one = parser(only=name)
        if one.get_default("built") == [name]:
            return one.parse_args(argv)
    return parser().parse_args(argv)


def _subcommand(argv: list[str]) -> str | None:
    """The first word of ``argv`` that is neither a program option nor ``--db``'s value
    (None when a program flag comes first)."""
    words = iter(argv)
    for word in words:
        if word in TOP_FLAGS:
            return None
        if word == "--db":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def fail(code: str, message: str, *, as_json: bool, usage: str | None = None) -> None:
    """Say what went wrong on stderr: one line, or one JSON object under ``--json``."""
    if as_json:
        import msgspec

        sys.stderr.write(msgspec.json.encode({"error": {"code": code, "message": message}})
                         .decode() + "\n")
        return
    if usage:
        sys.stderr.write(usage)
    sys.stderr.write(f"ledger: {message}\n")


def _open(args: argparse.Namespace) -> Any:
    """The store as the subcommand uses it (``Subcommands.add``'s ``store``); a dry
    run on a SQLite file that does not exist decides on an empty throwaway store."""
    from store.eventstore import StoreError, open_store

    needs_store = getattr(args, "needs_store", None)
    if args.store == "none" or (needs_store is not None and not needs_store(args)):
        return None
    if getattr(args, "dry_run", False):
        try:
            return open_store(args.db, create=False)
        except StoreError as exc:
            if exc.code != "store_missing" or args.db.startswith(("postgres://", "postgresql://")):
                raise
            return _throwaway_store()
    return open_store(args.db, create=args.store == "write")


def _throwaway_store() -> Any:
    import atexit
    import shutil
    import tempfile

    from store.eventstore import open_store

    folder = tempfile.mkdtemp(prefix="ledger-dry-run-")
    atexit.register(shutil.rmtree, folder, True)  # registered first: runs after the store closes
    return open_store(os.path.join(folder, "dry-run.db"))


def run(argv: list[str] | None = None) -> int:
    """The ``ledger`` console script: ``main``, then ``gc.freeze()`` on the way out.

    At exit the interpreter's last collections walk every object still alive: the
    imported modules' alone cost a call about 50 ms, more than many reports take.
    Frozen, they are skipped. What needs closing is closed before those collections
    run: the stores by ``atexit``, standard output and error flushed."""
    code = main(argv)
    gc.freeze()
    return code


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    as_json = "--json" in argv
    try:
        args = parse(argv)
    except SystemExit as exc:  # --help, --version
        return int(exc.code or 0) if exc.code in (0, None) else EXIT_USAGE
    except UsageError as exc:
        fail(exc.code, str(exc), as_json=as_json, usage=exc.usage)
        return EXIT_USAGE
    as_json = bool(getattr(args, "json", False))
    try:
        return int(args.run(_open(args), args))
    except BrokenPipeError:  # `ledger ... | head`: the reader has all it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (stdout stays open to exit)
        return EXIT_OK
    except KeyboardInterrupt:
        fail("interrupted", "interrupted", as_json=as_json)
        return EXIT_INTERRUPTED
    except Exception as exc:  # every error the program knows becomes a message, never a traceback
        code, status, message = classify(exc, args.db)
        if status == EXIT_INTERNAL and os.environ.get("LEDGER_DEBUG"):
            raise
        fail(code, message, as_json=as_json)
        return status


def classify(exc: Exception, db: str) -> tuple[str, int, str]:
    """(code, exit status, message) of an error that reached the program's edge."""
    from eventsourcing.persistence import PersistenceError

    from app.errors import OutputError, ReportError
    from app.export import ExportUsageError
    from app.today import TodayError
    from store.eventstore import StoreError, clean_message

    if isinstance(exc, UsageError | ReportError):
        return exc.code, EXIT_USAGE, str(exc)
    if isinstance(exc, TodayError):
        return "bad_today", EXIT_USAGE, str(exc)
    if isinstance(exc, ExportUsageError):
        return "usage", EXIT_USAGE, str(exc)
    if isinstance(exc, StoreError | OutputError):
        return exc.code, EXIT_STORE, str(exc)
    if isinstance(exc, PersistenceError | OSError):  # a database outage mid-run, a full disk
        code = "store_read_only" if "readonly" in str(exc).replace(" ", "") else "store_failed"
        return code, EXIT_STORE, clean_message(exc, db)
    first = str(exc).splitlines()[0] if str(exc) else ""
    return ("internal", EXIT_INTERNAL,
            f"internal error {type(exc).__name__}: {first} (a bug: please report it with the "
            "command that caused it; LEDGER_DEBUG=1 shows the traceback)")


if __name__ == "__main__":
    sys.exit(run())
