"""Argument types and output helpers shared by the ``ledger`` subcommands."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from typing import Any

import msgspec

from app.today import today

Run = Callable[[Any, argparse.Namespace], int]


class UsageError(Exception):
    """Bad usage found after parsing (exit status 2)."""


def date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else _bad_date(text)
    except ValueError:
        return _bad_date(text)


def _bad_date(text: str) -> dt.date:
    raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}")


def timestamp_arg(text: str) -> str:
    from store.view import parse_as_of

    try:
        return parse_as_of(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an RFC 3339 timestamp: {text!r}") from None


def digest_arg(text: str) -> str:
    from store.audit import parse_digest

    try:
        parse_digest(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


class Subcommands:
    """Adds subcommands to the program's parser, each with ``--json`` and its handler."""

    def __init__(self, sub: Any) -> None:
        self.sub = sub

    def add(self, name: str, help_: str, run: Run, as_of: bool = False,
            json: bool = True) -> argparse.ArgumentParser:
        sp: argparse.ArgumentParser = self.sub.add_parser(name, help=help_)
        if json:
            sp.add_argument("--json", action="store_true", help="exact JSON output")
        if as_of:
            sp.add_argument("--as-of", type=timestamp_arg,
                            help="what the ledger knew at this recorded time (RFC 3339)")
        sp.set_defaults(run=run)
        return sp


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
    sys.stdout.write(msgspec.json.encode(obj, enc_hook=str).decode() + "\n")


def day_or_today(on: dt.date | None) -> dt.date:
    return on or today()
