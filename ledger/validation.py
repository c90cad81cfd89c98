"""msgspec validation messages turned into coded errors with field paths.

msgspec names the JSON path of every problem (``- at `$.terms.pricing```); this
module maps its wording to the SPEC §10 codes and the dotted field path.
"""

from __future__ import annotations

import re

from ledger import errors as E
from schemas.commands import COMMAND_TYPES

_MISSING = re.compile(r"Object missing required field `([^`]+)`")
_UNKNOWN = re.compile(r"Object contains unknown field `([^`]+)`")
_AT = re.compile(r" - at `\$(.*)`$")


def schema_error(message: str, prefix: str = "") -> E.LedgerError:
    """Turn a msgspec validation message into a coded error with a field path."""
    at = _AT.search(message)
    path = at.group(1) if at else ""
    text = message[: at.start()] if at else message
    path = path.replace("[...]", "")

    def join(*parts: str) -> str:
        full = ".".join(p.strip(".") for p in (prefix, *parts) if p.strip("."))
        return full.replace(".[", "[")

    if m := _MISSING.search(text):
        return E.MissingFieldError(text, join(path, m.group(1)))
    if m := _UNKNOWN.search(text):
        return _Unknown(text, join(path, m.group(1)))
    field = join(path)
    if field == "type" and text.startswith("Invalid value"):
        return typed_error("unknown_type", f"{text}: the command types are "
                           f"{', '.join(COMMAND_TYPES)} (docs/COMMANDS.md)", "type")
    if text.startswith("Expected `") and ", got `" in text:
        return typed_error("invalid_type", text, field)
    if re.match(r"Expected `(int|float|number|array|object)` (>=|<=|>|<)", text) or (
        text.startswith("out of range")
    ):
        return E.OutOfRangeError(text, field)
    return E.InvalidValueError(text, field)


class _Unknown(E.LedgerError):
    code = "unknown_field"


def typed_error(code: str, text: str, field: str | None) -> E.LedgerError:
    error = E.LedgerError(text, field)
    error.code = code
    return error


