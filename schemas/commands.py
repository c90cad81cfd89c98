"""Inbound commands (SPEC §3): one strict Struct per type, one tagged union.

Every command carries ``type`` (the tag) and ``id`` (the caller's command id).
Unknown fields are rejected; money is integer fen; rates are decimal strings.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from msgspec import Meta, field

from schemas.quote import QuoteProfile
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
    Role,
    Score,
    Seconds,
    Text,
    TokenHash,
    UserName,
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
    contract_id: Id
    merchant: Merchant
    signed_on: dt.date
    service_start: dt.date
    terms: Terms
    trial_end: dt.date | None = None
    term_end: dt.date | None = None
    quote_id: Id | None = None  # the quote it came from (SPEC §12)


class AmendTerms(Command, tag="amend_terms", frozen=True):
    contract_id: Id
    effective_from: dt.date
    terms: dict[str, Any]


class EndTrial(Command, tag="end_trial", frozen=True):
    contract_id: Id
    on: dt.date
    outcome: Literal["converted", "not_converted"]


class TerminateContract(Command, tag="terminate_contract", frozen=True):
    contract_id: Id
    last_day: dt.date
    initiated_by: Literal["merchant", "provider"]
    reason: Text


class RecordDeposit(Command, tag="record_deposit", frozen=True):
    contract_id: Id
    amount_fen: PosFen
    received_on: dt.date
    reference: Text


class RefundDeposit(Command, tag="refund_deposit", frozen=True):
    contract_id: Id
    amount_fen: PosFen
    paid_on: dt.date
    reference: Text


class TrainAgent(Command, tag="train_agent", frozen=True):
    contract_id: Id
    agent_id: Id
    name: Name
    completed_on: dt.date
    topics: list[Text]


class AssessAgent(Command, tag="assess_agent", frozen=True):
    contract_id: Id
    agent_id: Id
    on: dt.date
    passed: bool
    score: Score


class AgentLive(Command, tag="agent_live", frozen=True):
    contract_id: Id
    agent_id: Id
    from_: dt.date = field(name="from")


class OffboardAgent(Command, tag="offboard_agent", frozen=True):
    contract_id: Id
    agent_id: Id
    last_day: dt.date


class RecordShift(Command, tag="record_shift", frozen=True):
    contract_id: Id
    agent_id: Id
    date: dt.date
    shift: Id


class RetractShift(Command, tag="retract_shift", frozen=True):
    contract_id: Id
    agent_id: Id
    date: dt.date
    shift: Id
    reason: Text


class RecordSales(Command, tag="record_sales", frozen=True):
    contract_id: Id
    agent_id: Id
    date: dt.date
    sales_fen: NonNegFen
    orders: Count


class RecordServiceMetrics(Command, tag="record_service_metrics", frozen=True):
    contract_id: Id
    agent_id: Id
    date: dt.date
    sessions: PosCount
    avg_first_response_s: Seconds


class RecordQaInspection(Command, tag="record_qa_inspection", frozen=True):
    contract_id: Id
    inspection_id: Id
    agent_id: Id
    date: dt.date
    score: Score
    sampled_sessions: Count


class PostAdjustment(Command, tag="post_adjustment", frozen=True):
    contract_id: Id
    adjustment_id: Id
    amount_fen: Fen
    reason: Text
    refers_to: RefersTo | None = None


class OpenDispute(Command, tag="open_dispute", frozen=True):
    contract_id: Id
    dispute_id: Id
    period: Period
    line: LineCode
    claim_fen: Fen
    opened_on: dt.date
    note: Text


class ResolveDispute(Command, tag="resolve_dispute", frozen=True):
    dispute_id: Id
    resolved_on: dt.date
    outcome: Literal["upheld", "rejected"]
    note: Text
    adjustment_fen: Fen | None = None


class ReportBreach(Command, tag="report_breach", frozen=True):
    contract_id: Id
    breach_id: Id
    party: Literal["provider", "merchant"]
    kind: Name
    on: dt.date
    description: Text
    penalty_fen: NonNegFen


class IssueSettlement(Command, tag="issue_settlement", frozen=True):
    contract_id: Id
    period: Period
    issued_on: dt.date


class RecordPayment(Command, tag="record_payment", frozen=True):
    contract_id: Id
    payment_id: Id
    amount_fen: PosFen
    received_on: dt.date
    reference: Text


class RefundCredit(Command, tag="refund_credit", frozen=True):
    contract_id: Id
    refund_id: Id
    amount_fen: PosFen
    paid_on: dt.date
    reference: Text


class ResolveBreach(Command, tag="resolve_breach", frozen=True):
    breach_id: Id
    outcome: Literal["remedied", "waived"]
    on: dt.date
    note: Text


class VoidPayment(Command, tag="void_payment", frozen=True):
    """Take back a payment keyed in error (SPEC §11)."""

    contract_id: Id
    payment_id: Id
    on: dt.date
    reason: Name


class VoidStatement(Command, tag="void_statement", frozen=True):
    """Take back a statement issued in error; its period can be issued again (SPEC §11)."""

    contract_id: Id
    period: Period
    on: dt.date
    reason: Name


# -- users of the server (issue 17): kept as facts in streams ``user:<name>`` ----------

class AddUser(Command, tag="add_user", frozen=True):
    """A person who may use the server; only the SHA-256 of their token is recorded."""

    name: UserName
    role: Role
    token_sha256: TokenHash
    merchant_id: Id | None = None  # required for (and only for) the merchant role


class RevokeUser(Command, tag="revoke_user", frozen=True):
    name: UserName
    reason: Text


# -- consultation and quote (SPEC §12) ------------------------------------------

class IssueQuote(Command, tag="issue_quote", frozen=True):
    quote_id: Id
    merchant: Merchant
    issued_on: dt.date
    valid_days: Annotated[int, Meta(ge=1, le=3650)]
    profile: QuoteProfile




# -- who is who in the files the importers read (docs/IMPORT.md, docs/COMMANDS.md) --


class RecordAgentAccount(Command, tag="record_agent_account", frozen=True):
    """``account`` on ``platform`` is worked by ``agent_id`` on this contract from ``on``."""

    contract_id: Id
    agent_id: Id
    platform: Name
    account: Name
    on: dt.date


class RecordPayerName(Command, tag="record_payer_name", frozen=True):
    """Bank transfers from ``payer_name`` pay for ``merchant_id``'s contracts."""

    merchant_id: Id
    payer_name: Name
    payer_account: Text = ""
    note: Text = ""


class RetirePayerName(Command, tag="retire_payer_name", frozen=True):
    """``payer_name`` no longer pays for ``merchant_id`` (a mistaken or outdated entry)."""

    merchant_id: Id
    payer_name: Name
    reason: Text


AnyCommand = (
    SignContract | AmendTerms | EndTrial | TerminateContract | RecordDeposit | RefundDeposit
    | TrainAgent | AssessAgent | AgentLive | OffboardAgent | RecordShift | RetractShift
    | RecordSales | RecordServiceMetrics | RecordQaInspection | PostAdjustment | OpenDispute
    | ResolveDispute | ReportBreach | IssueSettlement | RecordPayment | RefundCredit
    | ResolveBreach
    | VoidPayment | VoidStatement
    | AddUser | RevokeUser
    | IssueQuote
    | RecordAgentAccount | RecordPayerName | RetirePayerName
)

COMMAND_TYPES: tuple[str, ...] = tuple(
    str(c.__struct_config__.tag) for c in AnyCommand.__args__
)
