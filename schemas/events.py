"""Stored events: the persisted contract of the ledger.

Names are past tense. The topic stored with each event is the class name
alone (``TOPICS``), never a module path, so moving this module cannot break an
old log; a renamed class must keep its old name in ``TOPICS``. New fields must
get defaults so that old events still decode.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from msgspec import Struct, field

from schemas.commands import Bank, Merchant, RefersTo
from schemas.quote import QuoteProfile, QuoteResult
from schemas.reports import Statement
from schemas.terms import Terms
from schemas.types import Multiplier, Score, Seconds  # noqa: F401  (decoded via hooks)


class Event(Struct, frozen=True, kw_only=True, gc=False):
    # gc=False: a frozen tree of values can never be part of a reference cycle,
    # and a million events are a million objects less for the cyclic collector.
    contract_id: str
    command_id: str
    recorded_at: str  # RFC 3339 UTC, when the ledger accepted the command
    # Who submitted the command (issue 17): the server's user, or the CLI's OS user or
    # ``--as NAME``. None on events recorded before it was kept (their bytes are unchanged).
    submitted_by: str | None = None


class ContractSigned(Event, frozen=True):
    merchant: Merchant
    signed_on: dt.date
    service_start: dt.date
    terms: Terms
    trial_end: dt.date | None = None
    term_end: dt.date | None = None
    quote_id: str | None = None  # the quote it came from (SPEC §12)


class TermsAmended(Event, frozen=True):
    effective_from: dt.date
    changes: dict[str, Any]


class TrialEnded(Event, frozen=True):
    on: dt.date
    outcome: str


class ContractTerminated(Event, frozen=True):
    last_day: dt.date
    initiated_by: str
    reason: str


class DepositReceived(Event, frozen=True):
    amount_fen: int
    received_on: dt.date
    reference: str


class DepositRefunded(Event, frozen=True):
    amount_fen: int
    paid_on: dt.date
    reference: str


class AgentTrained(Event, frozen=True):
    agent_id: str
    name: str
    completed_on: dt.date
    topics: list[str]


class AgentAssessed(Event, frozen=True):
    agent_id: str
    on: dt.date
    passed: bool
    score: Score


class AgentWentLive(Event, frozen=True):
    agent_id: str
    from_: dt.date = field(name="from")


class AgentOffboarded(Event, frozen=True):
    agent_id: str
    last_day: dt.date


class ShiftRecorded(Event, frozen=True):
    agent_id: str
    date: dt.date
    shift: str


class ShiftRetracted(Event, frozen=True):
    agent_id: str
    date: dt.date
    shift: str
    reason: str


class SalesRecorded(Event, frozen=True):
    agent_id: str
    date: dt.date
    sales_fen: int
    orders: int


class ServiceMetricsRecorded(Event, frozen=True):
    agent_id: str
    date: dt.date
    sessions: int
    avg_first_response_s: Seconds


class QaInspected(Event, frozen=True):
    inspection_id: str
    agent_id: str
    date: dt.date
    score: Score
    sampled_sessions: int


class AdjustmentPosted(Event, frozen=True):
    adjustment_id: str
    amount_fen: int
    reason: str
    refers_to: RefersTo | None = None
    dispute_id: str | None = None


class DisputeOpened(Event, frozen=True):
    dispute_id: str
    period: str
    line: str
    claim_fen: int
    opened_on: dt.date
    note: str


class DisputeResolved(Event, frozen=True):
    dispute_id: str
    resolved_on: dt.date
    outcome: str
    note: str
    adjustment_fen: int | None = None


class DisputeRegistered(Event, frozen=True):
    """The global claim of a dispute id (stream ``dispute:<id>``)."""

    dispute_id: str


class BreachReported(Event, frozen=True):
    breach_id: str
    party: str
    kind: str
    on: dt.date
    description: str
    penalty_fen: int


class BreachResolved(Event, frozen=True):
    breach_id: str  # the record id as listed by ``ledger breaches``
    outcome: str
    on: dt.date
    note: str


class PaymentReceived(Event, frozen=True):
    payment_id: str
    amount_fen: int
    received_on: dt.date
    reference: str


class CreditRefunded(Event, frozen=True):
    refund_id: str
    amount_fen: int
    paid_on: dt.date
    reference: str


class SettlementIssued(Event, frozen=True):
    """The frozen statement: no later fact or code change alters it."""

    period: str
    issued_on: dt.date
    statement: Statement
    final: bool = False
    billed_adjustments: list[str] = field(default_factory=list)
    billed_breaches: list[str] = field(default_factory=list)
    billed_late_allocations: list[int] = field(default_factory=list)
    corrected: list[str] | None = None  # earlier periods recomputed for corrections
    versions: dict[str, dict[str, int]] = field(default_factory=dict)  # period -> month -> version
    late_fee_exact: str | None = None  # the exact late fees it billed ("n/d"), SPEC §11


class PaymentVoided(Event, frozen=True):
    """A payment keyed in error: counts as never received from here on (SPEC §11)."""

    payment_id: str
    on: dt.date
    reason: str


class StatementVoided(Event, frozen=True):
    """A statement issued in error: counts for nothing from here on; its period can be
    issued again (SPEC §11)."""

    period: str
    statement_no: str
    on: dt.date
    reason: str


class UserAdded(Event, frozen=True):
    """A user of the server (stream ``user:<name>``; ``contract_id`` is empty): only the
    SHA-256 of the token is kept, never the token."""

    name: str
    role: str
    token_sha256: str
    merchant_id: str | None = None


class UserRevoked(Event, frozen=True):
    name: str
    reason: str


class QuoteIssued(Event, frozen=True):
    """A quote as issued (stream ``quote:<id>``): the profile it read and the result it gave,
    never recomputed. A quote precedes any contract: its ``contract_id`` is always ""."""

    quote_id: str
    merchant: Merchant
    issued_on: dt.date
    valid_days: int
    profile: QuoteProfile
    result: QuoteResult


# -- who is who in imported files: agents' platform accounts, merchants' payer names --


class AgentAccountRecorded(Event, frozen=True):
    agent_id: str
    platform: str
    account: str
    on: dt.date


class PayerNameRecorded(Event, frozen=True):
    """On the merchant's stream (``merchant:<id>``); ``contract_id`` is empty: a payer
    name pays for every contract of the merchant."""

    merchant_id: str
    payer_name: str
    payer_account: str = ""
    note: str = ""


class PayerNameRetired(Event, frozen=True):
    merchant_id: str
    payer_name: str
    reason: str


class ProviderSet(Event, frozen=True):
    """The provider's identity from ``effective_from`` on (stream ``provider:profile``; it
    belongs to no contract, so ``contract_id`` is empty)."""

    effective_from: dt.date
    name: str
    address: str
    tax_id: str
    bank: Bank
    contact: str


EVENT_TYPES: tuple[type[Event], ...] = (
    ContractSigned, TermsAmended, TrialEnded, ContractTerminated, DepositReceived,
    DepositRefunded, AgentTrained, AgentAssessed, AgentWentLive, AgentOffboarded,
    ShiftRecorded, ShiftRetracted, SalesRecorded, ServiceMetricsRecorded, QaInspected,
    AdjustmentPosted, DisputeOpened, DisputeResolved, DisputeRegistered, BreachReported,
    BreachResolved, PaymentReceived, CreditRefunded, SettlementIssued,
    PaymentVoided, StatementVoided,
    UserAdded, UserRevoked,
    QuoteIssued,
    AgentAccountRecorded, PayerNameRecorded, PayerNameRetired,
    ProviderSet,
)

TOPICS: dict[str, type[Event]] = {cls.__name__: cls for cls in EVENT_TYPES}
