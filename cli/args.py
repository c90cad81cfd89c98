"""Argument types, the parser class and output helpers shared by the ``ledger`` subcommands.

Every period argument is read by ``period_arg`` (``ledger.periods.check_period``:
``YYYY-MM`` or ``YYYY-Qn``), every date by ``date_arg`` (``YYYY-MM-DD``, years
1900-2999, as in commands), every recorded time by ``timestamp_arg``. A bad
argument is a ``UsageError`` (exit status 2) that shows the accepted forms;
the parser never exits by itself, so ``cli.main`` reports every error the
same way (plain text, or one JSON object under ``--json``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from typing import Any, NoReturn, cast

from schemas.names import PERIOD_FORMS

Run = Callable[[Any, argparse.Namespace], int]
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


class UsageError(Exception):
    """Bad usage found while or after parsing (exit status 2); ``code`` for scripts,
    ``usage`` the subcommand's usage line when the parser found it."""

    def __init__(self, message: str, code: str = "usage", usage: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.usage = usage


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are raised (``UsageError``), not printed."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, "usage", self.format_usage())


def date_arg(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 and text[4] == "-" else None
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD (e.g. 2026-11-30)")
    return day


def period_arg(text: str) -> str:
    from ledger.periods import PeriodError, check_period

    try:
        return check_period(text)
    except PeriodError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def timestamp_arg(text: str) -> str:
    from store.view import parse_as_of

    try:
        return parse_as_of(text)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a recorded time: use RFC 3339, e.g. 2026-12-01T00:00:00Z") from None


def digest_arg(text: str) -> str:
    from store.audit import parse_digest

    try:
        parse_digest(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


PERIOD_HELP = f"billing period: {PERIOD_FORMS}; a contract's own cycle"


class Subcommands:
    """Adds subcommands to the program's parser, each with its handler, an example
    (shown by ``--help``) and how it uses the store:

    ``store="read"`` opens an existing ledger only (a report never creates one),
    ``"write"`` may create it, ``"none"`` needs no store at all.
    """

    def __init__(self, sub: Any, only: str | None = None) -> None:
        self.sub = sub
        self.only = only  # build this subcommand alone (``cli.main.parse``), or every one
        self.built: list[str] = []

    def add(self, name: str, help_: str, run: Run, *, example: str, as_of: bool = False,
            json: bool = True, store: str = "read") -> argparse.ArgumentParser:
        sp = self.parser_for(name, help=help_, description=help_[:1].upper() + help_[1:] + ".",
                             epilog=f"example:\n  {example}",
                             formatter_class=argparse.RawDescriptionHelpFormatter)
        if json:
            sp.add_argument("--json", action="store_true",
                            help="exact JSON on stdout; errors as one JSON object on stderr")
        if as_of:
            sp.add_argument("--as-of", type=timestamp_arg, metavar="TS",
                            help="what the ledger knew at this recorded time (RFC 3339)")
        sp.set_defaults(run=run, store=store)
        if not json:
            sp.set_defaults(json=False)
        return sp

    def parser_for(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        """The subparser ``name`` (``add_parser``'s arguments), or a stand-in that ignores
        what is added to it when this run builds another subcommand."""
        if self.only is not None and name != self.only:
            return cast(argparse.ArgumentParser, _Unbuilt())
        self.built.append(name)
        sp: argparse.ArgumentParser = self.sub.add_parser(name, **kwargs)
        return sp


class _Unbuilt:
    """Stands in for the parser of a subcommand this run does not build: every call a
    ``register`` makes on it (``add_argument``, ``set_defaults``, groups) does nothing."""

    def __getattr__(self, name: str) -> Callable[..., _Unbuilt]:
        return lambda *args, **kwargs: self


def name_arg(text: str) -> str:
    """A user name (``--as NAME``, ``ledger users add NAME``): letters, digits, ``._@-``."""
    import re

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}", text):
        raise argparse.ArgumentTypeError(
            f"not a user name (letters, digits and ._@-, at most 64): {text!r}")
    return text


def add_as(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--as", dest="as_user", type=name_arg, metavar="NAME",
                    help="record NAME as who submitted (default: the OS user)")


def submitter(args: argparse.Namespace) -> str:
    """Who the events record as having submitted: ``--as NAME``, else the OS user."""
    import getpass

    if getattr(args, "as_user", None):
        return str(args.as_user)
    try:
        return getpass.getuser() or "unknown"
    except (KeyError, OSError):  # no login name in the environment nor the password file
        return "unknown"


def out(obj: Any) -> None:
    """``obj`` as one line of exact JSON on stdout."""
    import msgspec

    sys.stdout.write(msgspec.json.encode(obj, enc_hook=str).decode() + "\n")


def day_or_today(on: dt.date | None) -> dt.date:
    from app.today import today

    return on or today()
