"""Contract terms (SPEC §3 ``terms``): the full, validated shape."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import Meta, Struct, field

from schemas.types import Clock, Count, Id, Multiplier, NonNegFen, Rate, Score, Seconds

Weekday = Annotated[int, Meta(ge=1, le=7)]


class Strict(Struct, forbid_unknown_fields=True, frozen=True):
    """Base of every inbound shape: unknown fields are errors."""


class ShiftPlan(Strict, frozen=True):
    code: Id
    start: Clock
    end: Clock
    agents: Count


class SpecialDay(Strict, frozen=True):
    date: dt.date
    kind: Annotated[str, Meta(min_length=1)]
    agents: dict[Id, Count]
    label: str | None = None
    multiplier: Multiplier = field(default_factory=lambda: Multiplier("1"))


class Staffing(Strict, frozen=True):
    shifts: list[ShiftPlan]
    weekdays: list[Weekday] = field(default_factory=lambda: [1, 2, 3, 4, 5, 6, 7])
    special_days: list[SpecialDay] = field(default_factory=list)


class BasePlusCommission(Strict, tag="base_plus_commission", tag_field="model", frozen=True):
    shift_rate_fen: NonNegFen
    commission_rate: Rate
    deposit_fen: NonNegFen = 0


class FixedFee(Strict, tag="fixed_fee", tag_field="model", frozen=True):
    monthly_fee_fen: NonNegFen
    billing: Literal["prepaid", "postpaid"]
    extra_shift_fen: NonNegFen
    deposit_fen: NonNegFen = 0


class Kpi(Strict, frozen=True):
    min_qa_score: Score
    max_first_response_s: Seconds


class Penalties(Strict, frozen=True):
    qa_failure_fen: NonNegFen
    qa_cap_rate: Rate
    qa_breach_failures: Annotated[int, Meta(ge=1, le=10**6)]
    understaffing_fen: NonNegFen
    late_fee_daily_rate: Rate


class Terms(Strict, frozen=True):
    settlement_cycle: Literal["monthly", "quarterly"]
    payment_due_days: Annotated[int, Meta(ge=0, le=3650)]
    tax_rate: Rate
    pricing: BasePlusCommission | FixedFee
    staffing: Staffing
    kpi: Kpi
    penalties: Penalties
