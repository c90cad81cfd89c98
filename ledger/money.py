"""Money: integer fen, exact rational sums, one rounding rule.

Amounts are summed exactly as ``Fraction`` (a monthly fee over 31 days does not
end in decimal digits) and rounded once per statement line to the fen, half
away from zero: 2.5 -> 3, -2.5 -> -3 (SPEC §2, §10). This module is the only
place money is rounded.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, Inexact, localcontext
from fractions import Fraction

ZERO = Fraction(0)
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[Inexact])  # never rounds


def exact(rate: Decimal | int) -> Fraction:
    """A decimal rate as an exact rational."""
    return Fraction(rate)


def weighted_sum(terms: Iterable[tuple[int, Decimal]]) -> Fraction:
    """Σ weight × value as an exact rational: decimal arithmetic that never rounds (an
    inexact step would raise), then one conversion; summing ``Fraction`` products gives
    the same number a dozen times slower."""
    total = Decimal(0)
    with localcontext(_EXACT):
        for weight, value in terms:
            total += weight * value
    return Fraction(total)


def round_fen(amount: Fraction | int) -> int:
    """Round to the fen, half away from zero."""
    amount = Fraction(amount)
    magnitude = abs(amount)
    whole = magnitude.numerator // magnitude.denominator
    if magnitude - whole >= Fraction(1, 2):
        whole += 1
    return whole if amount >= 0 else -whole


def yuan(fen: int, grouped: bool = True) -> str:
    """1234567 -> '12,345.67' ('12345.67' ungrouped); a negative keeps its sign."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}" if grouped else f"{sign}{whole}.{cents:02d}"
