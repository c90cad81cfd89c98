"""Inbound commands (SPEC §3): one strict Struct per type, one tagged union.

Every command carries ``type`` (the tag) and ``id`` (the caller's command id).
Unknown fields are rejected; money is integer fen; rates are decimal strings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from msgspec import field

from schemas.terms import Strict, Terms
from schemas.types import (
    Count,
    Fen,
    Id,
    LineCode,
    Name,
    NonNegFen,
    Period,
    PosCount,
    PosFen,
    Score,
    Seconds,
    Text,
)


class Command(Strict, tag_field="type", kw_only=True, frozen=True):
    id: Id


class Merchant(Strict, frozen=True):
    id: Id
    name: Name
    platform: Name


class RefersTo(Strict, frozen=True):
    period: Period
    line: LineCode


class SignContract(Command, tag="sign_contract", frozen=True):
    """Signs a new contract: the merchant, the first service day, the terms, and optionally
    the last trial day and the last day of the term. ``contract_id`` must be new; ``service_start``
    is not before ``signed_on``; ``trial_end`` and ``term_end`` are not before ``service_start``."""

    contract_id: Id
    merchant: Merchant
    signed_on: dt.date
    service_start: dt.date
    terms: Terms
    trial_end: dt.date | None = None
    term_end: dt.date | None = None


class AmendTerms(Command, tag="amend_terms", frozen=True):
    """Changes the terms from ``effective_from`` on: ``terms`` holds only the keys that change
    (objects are merged key by key, lists and values replaced whole). ``settlement_cycle``,
    ``pricing.model`` and ``pricing.billing`` cannot change. An amendment may reach back into a
    settled period (the difference is billed as corrections); after the contract ended, only
    dates up to its last service day may be amended."""

    contract_id: Id
    effective_from: dt.date
    terms: dict[str, Any]


class EndTrial(Command, tag="end_trial", frozen=True):
    """Ends the trial of a contract signed with ``trial_end``: ``converted`` keeps the service
    going, ``not_converted`` makes ``on`` the last service day."""

    contract_id: Id
    on: dt.date
    outcome: Literal["converted", "not_converted"]


class TerminateContract(Command, tag="terminate_contract", frozen=True):
    """Ends a contract with ``last_day`` as its last service day. The contract must not have
    ended; ``last_day`` is not before ``service_start`` nor inside a period already settled."""

    contract_id: Id
    last_day: dt.date
    initiated_by: Literal["merchant", "provider"]
    reason: Text


class RecordDeposit(Command, tag="record_deposit", frozen=True):
    """Records a deposit (定金) received from the merchant. It is held, and applied to the
    final statement."""

    contract_id: Id
    amount_fen: PosFen
    received_on: dt.date
    reference: Text


class RefundDeposit(Command, tag="refund_deposit", frozen=True):
    """Pays deposit back to the merchant: at most what is held and not applied."""

    contract_id: Id
    amount_fen: PosFen
    paid_on: dt.date
    reference: Text


class TrainAgent(Command, tag="train_agent", frozen=True):
    """Records that an agent completed training for this contract (the first step before the
    agent may work shifts)."""

    contract_id: Id
    agent_id: Id
    name: Name
    completed_on: dt.date
    topics: list[Text]


class AssessAgent(Command, tag="assess_agent", frozen=True):
    """Records an agent's assessment. The agent must be trained on the contract; any passed
    assessment lets the agent go live."""

    contract_id: Id
    agent_id: Id
    on: dt.date
    passed: bool
    score: Score


class AgentLive(Command, tag="agent_live", frozen=True):
    """Puts a trained agent who passed an assessment on the contract's shifts from ``from`` on.
    Live spans of one agent must not overlap."""

    contract_id: Id
    agent_id: Id
    from_: dt.date = field(name="from")


class OffboardAgent(Command, tag="offboard_agent", frozen=True):
    """Takes a live agent off the contract after ``last_day`` (not before the day the agent
    went live)."""

    contract_id: Id
    agent_id: Id
    last_day: dt.date


class RecordShift(Command, tag="record_shift", frozen=True):
    """Records that a live agent worked a shift of the plan on ``date`` (inside the service
    window). One record per agent, date and shift code; shifts beyond the plan are kept as excess
    and never billed."""

    contract_id: Id
    agent_id: Id
    date: dt.date
    shift: Id


class RetractShift(Command, tag="retract_shift", frozen=True):
    """Withdraws a recorded shift keyed in error; it may be recorded again later."""

    contract_id: Id
    agent_id: Id
    date: dt.date
    shift: Id
    reason: Text


class RecordSales(Command, tag="record_sales", frozen=True):
    """Records an agent's sales on a date (for the commission). Sales of one agent and date add
    up; the agent must be live on that date, inside the service window."""

    contract_id: Id
    agent_id: Id
    date: dt.date
    sales_fen: NonNegFen
    orders: Count


class RecordServiceMetrics(Command, tag="record_service_metrics", frozen=True):
    """Records an agent's sessions and mean first-response time on a date (for the
    ``slow_response`` breach rule)."""

    contract_id: Id
    agent_id: Id
    date: dt.date
    sessions: PosCount
    avg_first_response_s: Seconds


class RecordQaInspection(Command, tag="record_qa_inspection", frozen=True):
    """Records a quality inspection (质检) of an agent's sessions. A score strictly below
    ``kpi.min_qa_score`` is a failure: it costs ``qa_failure_fen`` (capped) on the statement."""

    contract_id: Id
    inspection_id: Id
    agent_id: Id
    date: dt.date
    score: Score
    sampled_sessions: Count


class PostAdjustment(Command, tag="post_adjustment", frozen=True):
    """Posts a signed amount to the next statement (negative credits the merchant), optionally
    naming the period and line it adjusts."""

    contract_id: Id
    adjustment_id: Id
    amount_fen: Fen
    reason: Text
    refers_to: RefersTo | None = None


class OpenDispute(Command, tag="open_dispute", frozen=True):
    """Opens a dispute about a line of an issued statement. Nothing is suspended while it is
    open."""

    contract_id: Id
    dispute_id: Id
    period: Period
    line: LineCode
    claim_fen: Fen
    opened_on: dt.date
    note: Text


class ResolveDispute(Command, tag="resolve_dispute", frozen=True):
    """Resolves an open dispute. ``upheld`` needs ``adjustment_fen`` (posted as an adjustment
    on the next statement; 0 bills nothing); ``rejected`` must not carry a non-zero one."""

    dispute_id: Id
    resolved_on: dt.date
    outcome: Literal["upheld", "rejected"]
    note: Text
    adjustment_fen: Fen | None = None


class ReportBreach(Command, tag="report_breach", frozen=True):
    """Reports a breach of contract by either party. The penalty is billed on the next
    statement: to the merchant when the merchant is at fault, credited when the provider is."""

    contract_id: Id
    breach_id: Id
    party: Literal["provider", "merchant"]
    kind: Name
    on: dt.date
    description: Text
    penalty_fen: NonNegFen


class IssueSettlement(Command, tag="issue_settlement", frozen=True):
    """Issues the statement of a period and freezes it. Periods are issued in order from the
    one holding ``service_start``. Postpaid: ``issued_on`` after the period's last day (or the last
    service day). Prepaid: usually on or before the period's first day."""

    contract_id: Id
    period: Period
    issued_on: dt.date


class RecordPayment(Command, tag="record_payment", frozen=True):
    """Records money received from the merchant (the bank transaction id in ``reference``).
    It pays the oldest unpaid statement first; what is left is credit."""

    contract_id: Id
    payment_id: Id
    amount_fen: PosFen
    received_on: dt.date
    reference: Text


class RefundCredit(Command, tag="refund_credit", frozen=True):
    """Pays credit back to the merchant: at most the merchant's unallocated credit."""

    contract_id: Id
    refund_id: Id
    amount_fen: PosFen
    paid_on: dt.date
    reference: Text


class ResolveBreach(Command, tag="resolve_breach", frozen=True):
    """Closes an open breach record as ``remedied`` or ``waived``. ``breach_id`` is as
    ``ledger breaches`` lists it, and the record must be listed, open, on ``on``."""

    breach_id: Id
    outcome: Literal["remedied", "waived"]
    on: dt.date
    note: Text


class Bank(Strict, frozen=True):
    """The account the merchant pays into."""

    name: Name
    account: Name


class SetProvider(Command, tag="set_provider", frozen=True):
    """Records the hosting provider's identity as printed on statements: name, address, tax id
    (统一社会信用代码), bank account and contact, from ``effective_from`` on. A statement shows the
    profile in effect on its ``issued_on`` as the ledger knew it when the statement was issued,
    so an issued statement prints the same forever; a later profile applies to later statements."""

    effective_from: dt.date
    name: Name
    address: Name
    tax_id: Name
    bank: Bank
    contact: Text


AnyCommand = (
    SignContract | AmendTerms | EndTrial | TerminateContract | RecordDeposit | RefundDeposit
    | TrainAgent | AssessAgent | AgentLive | OffboardAgent | RecordShift | RetractShift
    | RecordSales | RecordServiceMetrics | RecordQaInspection | PostAdjustment | OpenDispute
    | ResolveDispute | ReportBreach | IssueSettlement | RecordPayment | RefundCredit
    | ResolveBreach
    | SetProvider
)

COMMAND_TYPES: tuple[str, ...] = tuple(
    str(c.__struct_config__.tag) for c in AnyCommand.__args__
)
