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
    quote_id: Id | None = None  # the quote it came from (SPEC §12)


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


class VoidPayment(Command, tag="void_payment", frozen=True):
    """Takes back a payment keyed in error (SPEC §11): the payment stops counting and what it
    paid is owed again. Only a payment of the contract that is not void already; its credit
    must not have been refunded (void the refund's cause first). docs/REMEDIES.md."""

    contract_id: Id
    payment_id: Id
    on: dt.date
    reason: Name


class VoidStatement(Command, tag="void_statement", frozen=True):
    """Takes back a statement issued in error; its period can then be issued again, numbered
    `<CONTRACT>-<PERIOD>-R1` (SPEC §11). Only the contract's latest statement, with no money
    allocated to or from it (void those payments first) and no open dispute on its period.
    docs/REMEDIES.md."""

    contract_id: Id
    period: Period
    on: dt.date
    reason: Name


# -- users of the server (issue 17): kept as facts in streams ``user:<name>`` ----------

class AddUser(Command, tag="add_user", frozen=True):
    """Adds a person who may use the server (`ledger serve`) with a role: `finance`, `auditor`
    or `merchant` (which needs `merchant_id`, and only it does). Only the SHA-256 of their token
    is recorded; `ledger users add` makes the token and prints it once. The name is new."""

    name: UserName
    role: Role
    token_sha256: TokenHash
    merchant_id: Id | None = None  # required for (and only for) the merchant role


class RevokeUser(Command, tag="revoke_user", frozen=True):
    """Revokes a user of the server: their token stops working at once. The user exists and
    is not revoked already; the name cannot be used again."""

    name: UserName
    reason: Text


# -- consultation and quote (SPEC §12) ------------------------------------------

class IssueQuote(Command, tag="issue_quote", frozen=True):
    """Records a quote sent to a prospective merchant (SPEC §12): the profile (inquiry history,
    service standard, shifts, rates) is computed into a staffing plan and both prices, and the
    result is stored with it, so the quote never changes. A contract signed from it names it in
    `sign_contract.quote_id` within `valid_days` of `issued_on`. The quote id is new.
    docs/QUOTE.md has the profile's fields and the computation."""

    quote_id: Id
    merchant: Merchant
    issued_on: dt.date
    valid_days: Annotated[int, Meta(ge=1, le=3650)]
    profile: QuoteProfile


# -- who is who in the files the importers read (docs/IMPORT.md, docs/COMMANDS.md) --


class RecordAgentAccount(Command, tag="record_agent_account", frozen=True):
    """Records that `account` (a platform sub-account, 旺旺 nickname, 飞鸽 or 咚咚 account) on
    `platform` is worked by `agent_id` on this contract from `on`; the importers match report
    rows by it. The agent is trained on the contract; the account (compared folded: NFKC,
    spaces removed, case folded) is not recorded for any agent of the contract yet. One account
    belongs to one agent for the contract's life (docs/IMPORT.md)."""

    contract_id: Id
    agent_id: Id
    platform: Name
    account: Name
    on: dt.date


class RecordPayerName(Command, tag="record_payer_name", frozen=True):
    """Records that bank transfers from `payer_name` pay for the contracts of merchant
    `merchant_id` (the `merchant.id` of `sign_contract`): `ledger reconcile` matches a bank
    credit by it. A contract has been signed for the merchant; the name (compared folded) is not
    in force for the merchant already. `payer_account` and `note` are kept for people."""

    merchant_id: Id
    payer_name: Name
    payer_account: Text = ""
    note: Text = ""


class RetirePayerName(Command, tag="retire_payer_name", frozen=True):
    """Records that `payer_name` no longer pays for `merchant_id` (a mistaken or outdated
    entry); payments already recorded stay as they are. The name is in force for the merchant;
    a retired name may be recorded again."""

    merchant_id: Id
    payer_name: Name
    reason: Text


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
    | VoidPayment | VoidStatement
    | AddUser | RevokeUser
    | IssueQuote
    | RecordAgentAccount | RecordPayerName | RetirePayerName
    | SetProvider
)

COMMAND_TYPES: tuple[str, ...] = tuple(
    str(c.__struct_config__.tag) for c in AnyCommand.__args__
)
