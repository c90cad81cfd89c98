"""Consultation and quote (SPEC §12): the profile, the result, the command and the event.

The profile is an inbound shape: strict, unknown fields are errors, sizes are
bounded (history at most 50,000 rows, other arrays at most 1,000 items,
strings at most 10,000 characters). Rates are decimal strings (``Rate``,
``Multiplier``: decode with ``schemas.types.intake_dec_hook``); the bounds a
Decimal type cannot carry (``service_level`` < 1, ``max_occupancy`` <= 1,
``shrinkage`` < 1) and the cross-field rules (a repeated (date, hour),
overlapping shifts, ...) are checked by ``quote.check.check_profile``.

The result is what ``ledger quote PROFILE.json --json`` prints and what the
``QuoteIssued`` event (``schemas.events``) stores beside the profile; the
``issue_quote`` command that carries a profile is ``schemas.commands.IssueQuote``.
The report rows of ``ledger quotes``, ``ledger quote compare`` and ``ledger
calendar check`` close the module. It imports no other schema module but
``terms`` and ``types``, so commands and events can both import it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import Meta, Struct, field

from schemas.terms import Strict, Terms, Weekday
from schemas.types import Clock, Count, Id, Multiplier, NonNegFen, Rate, Score

MAX_HISTORY = 50_000
MAX_ITEMS = 1_000

Label = Annotated[str, Meta(min_length=1, max_length=10_000)]
Hour = Annotated[int, Meta(ge=0, le=23)]
Inquiries = Annotated[int, Meta(ge=0, le=10**6)]  # per shop and hour: more is a typo
HandleSeconds = Annotated[int, Meta(ge=1, le=3600)]
AnswerSeconds = Annotated[int, Meta(ge=0, le=3600)]
Concurrency = Annotated[int, Meta(ge=1, le=100)]
FourDecimals = str  # a decimal string with exactly 4 decimals ("12.5000")


class HistoryRow(Strict, frozen=True):
    date: dt.date
    hour: Hour
    inquiries: Inquiries


class HistorySpecialDay(Strict, frozen=True):
    date: dt.date
    label: Label


class Service(Strict, frozen=True):
    answer_within_s: AnswerSeconds
    service_level: Rate  # < 1
    max_occupancy: Multiplier  # <= 1


class QuoteShift(Strict, frozen=True):
    code: Id
    start: Clock  # on the hour
    end: Clock  # on the hour, after start; "24:00" allowed


class QuoteSpecialDay(Strict, frozen=True):
    date: dt.date
    kind: Label  # "holiday", "promotion", ...
    label: Label
    like: Label | None = None  # a label of history_special_days whose uplift applies


class QuoteRates(Strict, frozen=True):
    shift_rate_fen: NonNegFen
    commission_rate: Rate
    special_multiplier: Multiplier
    fixed_premium: Rate


class QuotePenalties(Strict, frozen=True):
    """``penalties`` of §3; an absent key takes the §3 example's value."""

    qa_failure_fen: NonNegFen = 20000
    qa_cap_rate: Rate = field(default_factory=lambda: Rate("0.10"))
    qa_breach_failures: Annotated[int, Meta(ge=1, le=10**6)] = 3
    understaffing_fen: NonNegFen = 10000
    late_fee_daily_rate: Rate = field(default_factory=lambda: Rate("0.0005"))


class QuoteKpi(Strict, frozen=True):
    min_qa_score: Score = field(default_factory=lambda: Score(85))


class QuoteTerms(Strict, frozen=True):
    """What the quote does not derive; absent keys: the §3 example, deposit 0, postpaid."""

    settlement_cycle: Literal["monthly", "quarterly"] = "monthly"
    payment_due_days: Annotated[int, Meta(ge=0, le=3650)] = 7
    tax_rate: Rate = field(default_factory=lambda: Rate("0.06"))
    penalties: QuotePenalties = field(default_factory=QuotePenalties)
    kpi: QuoteKpi = field(default_factory=QuoteKpi)
    deposit_fen: NonNegFen = 0
    billing: Literal["prepaid", "postpaid"] = "postpaid"


class QuoteProfile(Strict, frozen=True):
    """The object ``ledger quote PROFILE.json`` reads (SPEC §12)."""

    history: Annotated[list[HistoryRow], Meta(max_length=MAX_HISTORY)]
    aht_s: HandleSeconds
    concurrency: Concurrency
    service: Service
    shrinkage: Rate  # < 1
    min_agents: Count
    weekdays: Annotated[list[Weekday], Meta(min_length=1, max_length=7)]
    shifts: Annotated[list[QuoteShift], Meta(min_length=1, max_length=MAX_ITEMS)]
    rates: QuoteRates
    monthly_sales_fen: NonNegFen
    history_special_days: Annotated[list[HistorySpecialDay], Meta(max_length=MAX_ITEMS)] = field(
        default_factory=list)
    special_days: Annotated[list[QuoteSpecialDay], Meta(max_length=MAX_ITEMS)] = field(
        default_factory=list)
    terms: QuoteTerms = field(default_factory=QuoteTerms)


# -- the result (§12 item 5) ---------------------------------------------------

class ForecastRow(Struct, frozen=True):
    weekday: int
    hour: int
    inquiries: FourDecimals
    agents: int  # the Erlang C n
    scheduled: int  # after shrinkage and min_agents


class PlannedShift(Struct, frozen=True):
    code: str
    start: str
    end: str
    agents: int


class PlannedSpecialDay(Struct, frozen=True):
    date: dt.date
    kind: str
    label: str
    agents: dict[str, int]
    multiplier: str


class Uncovered(Struct, frozen=True):
    weekday: int
    inquiries: FourDecimals  # forecast inquiries no shift staffs on that weekday


class TermsProposed(Struct, frozen=True):
    base_plus_commission: Terms
    fixed_fee: Terms


class QuoteResult(Struct, frozen=True):
    forecast: list[ForecastRow]  # 168 rows: weekday 1-7, then hour 0-23
    uplift: dict[str, FourDecimals]
    shifts: list[PlannedShift]
    special_days: list[PlannedSpecialDay]
    monthly_agent_shifts: FourDecimals
    monthly_estimate_fen: int
    fixed_fee_fen: int
    uncovered: list[Uncovered]  # 7 rows, weekday 1-7
    terms_proposed: TermsProposed


# -- reports on quotes (``ledger quotes``, ``ledger quote compare``, ``ledger calendar check``) --

class QuoteRow(Struct, frozen=True):
    """One line of ``ledger quotes``."""

    quote_id: str
    merchant_id: str
    merchant_name: str
    platform: str
    issued_on: dt.date
    valid_until: dt.date  # the last day a contract may be signed from it
    monthly_agent_shifts: FourDecimals
    monthly_estimate_fen: int
    fixed_fee_fen: int
    contracts: list[str]  # contracts signed from it


class CompareRow(Struct, frozen=True):
    """One period of a contract against its quote (``ledger quote compare``)."""

    period: str
    first: dt.date  # the dates counted: service days of the period before ``on``
    last: dt.date
    days: int
    quoted_agent_shifts: int  # the quote's plan on those dates
    planned_agent_shifts: int  # the contract's plan (SPEC §4) on those dates
    worked_agent_shifts: int  # distinct live agents with a recorded shift, excess included
    forecast_inquiries: FourDecimals  # the quote's forecast on those dates (uplift on its special days)
    sessions: int  # sessions recorded (record_service_metrics) on those dates
    quoted_fen: int  # the quote's monthly price for the contract's model, per service day
    statement_no: str | None  # the period's statement, once issued
    billed_subtotal_fen: int | None


class PlanWarningRow(Struct, frozen=True):
    """A plan that works a statutory holiday without a special day, or rests on a make-up
    workday (``ledger calendar check``); a warning, never an error."""

    contract_id: str
    code: str  # works_on_holiday | rests_on_makeup_workday | calendar_unknown_year
    date: dt.date
    message: str


class Comparison(Struct, frozen=True):
    """``ledger quote compare``: a contract signed from a quote, period by period."""

    contract_id: str
    quote_id: str
    merchant_id: str
    signed_on: dt.date
    quote_issued_on: dt.date
    model: str  # the contract's pricing model: which quoted price applies
    quoted_monthly_fen: int
    quoted_monthly_agent_shifts: FourDecimals
    on: dt.date  # dates before it are counted
    periods: list[CompareRow]
    warnings: list[PlanWarningRow]
