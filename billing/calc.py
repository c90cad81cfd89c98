"""A statement line before rounding: the exact amount and what it is made of."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ledger.money import round_fen


@dataclass
class Calc:
    """A line of SPEC §5 before rounding; ``evidence`` holds the command ids behind it."""

    code: str
    amount: Fraction
    quantity: int
    units: set[int]
    refs: dict[str, Any]
    description: str
    evidence: list[str] = field(default_factory=list)

    @property
    def amount_fen(self) -> int:
        """Rounded once, half away from zero (SPEC §2)."""
        return round_fen(self.amount)

    @property
    def unit_fen(self) -> int | None:
        return next(iter(self.units)) if len(self.units) == 1 else None
