"""Value types shared by commands and events.

Money is integer fen. Rates, multipliers, scores and seconds are Decimal,
never float: JSON numbers are parsed with ``float_hook=Decimal`` and rates
must be JSON strings. The custom Decimal subclasses are validated by
``intake_dec_hook`` at the edge and read back leniently from storage.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, get_args

from msgspec import Meta

from schemas.names import PERIOD_PATTERN  # the one period syntax (also read without msgspec)

MAX_FEN = 10**15  # ten trillion yuan: anything larger is a typo, not money

Fen = Annotated[int, Meta(ge=-MAX_FEN, le=MAX_FEN)]
NonNegFen = Annotated[int, Meta(ge=0, le=MAX_FEN)]
PosFen = Annotated[int, Meta(ge=1, le=MAX_FEN)]
Count = Annotated[int, Meta(ge=0, le=10**9)]
PosCount = Annotated[int, Meta(ge=1, le=10**9)]
Id = Annotated[str, Meta(min_length=1, max_length=200)]
Text = Annotated[str, Meta(max_length=10_000)]
Name = Annotated[str, Meta(min_length=1, max_length=500)]
Clock = Annotated[str, Meta(pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")]
Period = Annotated[str, Meta(pattern=f"^{PERIOD_PATTERN}$")]
# Users of the server (issue 17): a name safe in URLs and log lines, a role, a token's SHA-256.
UserName = Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")]
Role = Literal["finance", "auditor", "merchant"]
ROLES: tuple[str, ...] = ("finance", "auditor", "merchant")
TokenHash = Annotated[str, Meta(pattern=r"^[0-9a-f]{64}$")]


class Rate(Decimal):
    """A non-negative decimal given as a JSON string ("0.015")."""


class Multiplier(Decimal):
    """A decimal string > 0 ("1.5")."""


class Score(Decimal):
    """A JSON number from 0 to 100."""


class Seconds(Decimal):
    """A JSON number >= 0."""


_NUMBER_RANGES: dict[type, tuple[Decimal, Decimal | None, str]] = {
    Score: (Decimal(0), Decimal(100), "from 0 to 100"),
    Seconds: (Decimal(0), None, ">= 0"),
}


def _decimal_from_string(cls: type[Decimal], obj: object) -> Decimal:
    if not isinstance(obj, str):
        raise TypeError(f"Expected `str` holding a decimal, got `{_json_type(obj)}`")
    try:
        value = cls(obj.strip()) if obj.strip() == obj else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValueError(f"invalid value: {obj!r} is not a decimal number")
    if value < 0 or (cls is Multiplier and value == 0):
        bound = "> 0" if cls is Multiplier else ">= 0"
        raise ValueError(f"out of range: must be {bound}")
    return value


def _decimal_from_number(cls: type[Decimal], obj: object) -> Decimal:
    if isinstance(obj, bool) or not isinstance(obj, (int, Decimal)):  # a tuple: faster than a union
        raise TypeError(f"Expected `number`, got `{_json_type(obj)}`")
    value = cls(obj)
    low, high, words = _NUMBER_RANGES[cls]
    if not value.is_finite() or value < low or (high is not None and value > high):
        raise ValueError(f"out of range: must be {words}")
    return value


def _json_type(obj: object) -> str:
    if isinstance(obj, bool):
        return "bool"
    if isinstance(obj, int):
        return "int"
    if isinstance(obj, Decimal):
        return "float"
    if obj is None:
        return "null"
    names: dict[type, str] = {str: "str", list: "array", dict: "object"}
    return names.get(type(obj), type(obj).__name__)


def intake_dec_hook(type_: type, obj: Any) -> Any:
    """Strict conversion of the custom decimal types from parsed JSON."""
    convert = _INTAKE_CONVERSIONS.get(type_)
    if convert is None:
        raise NotImplementedError(type_)
    return convert(type_, obj)


_INTAKE_CONVERSIONS: dict[type, Any] = {
    Rate: _decimal_from_string, Multiplier: _decimal_from_string,
    Score: _decimal_from_number, Seconds: _decimal_from_number,
}


def stored_dec_hook(type_: type, obj: Any) -> Any:
    """Lenient conversion when reading stored events (already validated)."""
    if type_ in (Rate, Multiplier, Score, Seconds):
        return type_(obj)
    raise NotImplementedError(type_)


# How the custom decimals read in JSON, for ``msgspec.json.schema`` (``ledger schema``) and
# docs/COMMANDS.md.
DECIMAL_SCHEMAS: dict[type, dict[str, Any]] = {
    Rate: {"type": "string", "pattern": r"^\d+(\.\d+)?$",
           "description": 'a decimal >= 0 as a JSON string, e.g. "0.015"'},
    Multiplier: {"type": "string", "pattern": r"^\d+(\.\d+)?$",
                 "description": 'a decimal > 0 as a JSON string, e.g. "1.5"'},
    Score: {"type": "number", "minimum": 0, "maximum": 100,
            "description": "a JSON number from 0 to 100"},
    Seconds: {"type": "number", "minimum": 0, "description": "a JSON number >= 0"},
}


def schema_hook(type_: type) -> dict[str, Any]:
    """The JSON Schema of the custom decimal types."""
    if type_ in DECIMAL_SCHEMAS:
        return dict(DECIMAL_SCHEMAS[type_])
    raise NotImplementedError(type_)


def enc_hook(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return str(obj)
    raise NotImplementedError(type(obj))


# The statement line codes of SPEC §5: defined here once, imported everywhere.
LineCode = Literal[
    "base", "special_day", "commission", "fixed_fee", "extra_shifts", "understaffing",
    "qa_penalty", "late_fee", "adjustment", "breach_penalty", "correction",
]
LINE_CODES: tuple[str, ...] = get_args(LineCode)
