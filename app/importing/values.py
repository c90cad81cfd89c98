"""Cell text to typed values, exactly: amounts to integer fen, dates, seconds, counts.

Amounts never pass through ``float``: the text is split into sign, whole yuan
and decimals, and fen are whole * 100 + the first two decimals. More than two
decimals are accepted only when the extra digits are zeros (``12.3400``);
anything finer is an error, never rounded. Accepted amount forms: ``1234.56``,
``1,234.56`` (thousands groups of three), ``¥28.16`` / ``￥`` / ``RMB`` /
``CNY`` / a trailing ``元``, a sign (``+1000.00``, ``-4.00``) and the
accountants' parentheses for a negative (``(1,234.56)``, full-width too).
Full-width digits and signs are folded by NFKC first.

Every parser raises ``CellValueError`` (a ``ValueError``) whose message says
what was expected; the importers turn it into a row error naming the field.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

MAX_SECONDS = Decimal(10**7)  # about 116 days: a response time beyond it is a unit mistake


class CellValueError(ValueError):
    """A cell that does not hold the value its column promises."""


_AMOUNT = re.compile(r"(?P<sign>[+-]?)(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d*))?")
_CURRENCY = ("¥", "RMB", "CNY", "元", "$")  # NFKC folds ￥ to ¥


def fold(text: str) -> str:
    """NFKC (full-width digits, signs and brackets to ASCII), outer spaces removed."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_fen(text: str) -> int:
    """An amount in yuan as the export writes it -> integer fen (signed)."""
    s = fold(text).replace(" ", "")
    negative = False
    if len(s) >= 2 and s[0] == "(" and s[-1] == ")":
        negative, s = True, s[1:-1]
    for mark in _CURRENCY:
        s = s.replace(mark, "")
    if s[:1] in "+-" and s[1:2] == "¥":  # "-¥4.00" once the sign came first
        s = s[0] + s[2:]
    m = _AMOUNT.fullmatch(s)
    if m is None or (negative and m["sign"]):
        raise CellValueError(f"{text!r} is not an amount (expected e.g. 1,234.56)")
    frac = m["frac"] or ""
    if len(frac) > 2 and frac[2:].strip("0"):
        raise CellValueError(f"{text!r} has fractions of a fen")
    fen = int(m["whole"].replace(",", "")) * 100 + int((frac[:2] + "00")[:2])
    return -fen if negative or m["sign"] == "-" else fen


def parse_count(text: str) -> int:
    """A whole number >= 0 (``1,234`` allowed)."""
    s = fold(text).replace(",", "")
    if not s.isdigit() or not s.isascii():
        raise CellValueError(f"{text!r} is not a whole number")
    return int(s)


_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SHORT = re.compile(r"(\d{2})-(\d{1,2})-(\d{1,2})")  # DingTalk: 25-12-01 星期一


def parse_date(text: str) -> dt.date:
    """``2026-01-08``, ``2026/1/8``, ``2026.1.8``, ``2026年1月8日``, ``20260108``,
    DingTalk's ``26-01-08 星期四``; anything after the date (a time, a weekday)
    separated by a space or ``T`` is ignored."""
    s = fold(text)
    for pattern, century in ((_YMD, 0), (_COMPACT, 0), (_SHORT, 2000)):
        m = pattern.match(s)
        if m is not None and (m.end() == len(s) or s[m.end()] in " T"):
            try:
                return dt.date(century + int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                raise CellValueError(f"{text!r} is not a calendar date") from None
    raise CellValueError(f"{text!r} is not a date (expected e.g. 2026-01-08)")


_CLOCK = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)")
_WORDS = re.compile(r"(?:(\d+)(?:小时|时|h))?(?:(\d+)(?:分钟|分|m|min))?(?:(\d+(?:\.\d+)?)(?:秒|s))?")


def parse_seconds(text: str, unit: str = "s") -> int | Decimal:
    """A duration -> seconds, exact: ``12``, ``12.5``, ``01:05`` (mm:ss),
    ``1:02:03`` (hh:mm:ss), ``1分5秒``, ``12s``. A bare number is in ``unit``
    (``s`` or ``min``). Whole seconds come back as ``int``, others as a plain
    ``Decimal`` without exponent, so the command's JSON is the same every time."""
    s = fold(text).replace(" ", "")
    clock = _CLOCK.fullmatch(s)
    words = _WORDS.fullmatch(s) if not clock and s and not _is_number(s) else None
    try:
        if clock is not None:
            value = int(clock[1] or 0) * 3600 + int(clock[2]) * 60 + Decimal(clock[3])
        elif words is not None and any(words.groups()):
            value = (int(words[1] or 0) * 3600 + int(words[2] or 0) * 60
                     + Decimal(words[3] or 0))
        else:
            value = Decimal(s) * (60 if unit == "min" else 1)
    except InvalidOperation:
        raise CellValueError(f"{text!r} is not a duration (expected seconds or mm:ss)") from None
    if not value.is_finite() or value < 0 or value > MAX_SECONDS:
        raise CellValueError(f"{text!r} is not a duration (expected seconds or mm:ss)")
    return plain(value)


def _is_number(s: str) -> bool:
    return re.fullmatch(r"\d+(\.\d+)?", s) is not None


def plain(value: Decimal) -> int | Decimal:
    """An integral Decimal as ``int``; otherwise its shortest plain form (``12.5``)."""
    if value == value.to_integral_value():
        return int(value)
    return Decimal(format(value.normalize(), "f"))
