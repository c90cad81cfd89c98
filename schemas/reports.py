"""Report shapes: what reconciliation scripts read (SPEC §9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from msgspec import Struct


class Line(Struct, frozen=True):
    code: str
    description: str
    quantity: int
    unit_fen: int | None
    amount_fen: int
    refs: dict[str, Any]


class Account(Struct, frozen=True):
    opening_fen: int
    payments_fen: int
    deposit_applied_fen: int
    closing_fen: int


class Statement(Struct, frozen=True):
    contract_id: str
    period: str
    statement_no: str
    status: str
    issued_on: dt.date
    due_on: dt.date
    lines: list[Line]
    subtotal_fen: int
    tax_rate: str
    tax_fen: int
    total_fen: int
    account: Account


class Balance(Struct, frozen=True):
    contract_id: str
    receivable_fen: int
    credit_fen: int
    deposit_held_fen: int


class BreachRecord(Struct, frozen=True):
    breach_id: str
    contract_id: str
    party: str
    rule: str
    period: str
    on: dt.date
    detail: str
    evidence: list[str]
    amount_fen: int
    status: str


class DisputeRow(Struct, frozen=True):
    dispute_id: str
    contract_id: str
    period: str
    line: str
    claim_fen: int
    opened_on: dt.date
    status: str
    outcome: str | None
    resolved_on: dt.date | None
    adjustment_fen: int | None


class Posting(Struct, frozen=True):
    account: str
    amount_fen: int


class Transaction(Struct, frozen=True):
    date: dt.date
    contract_id: str
    narration: str
    position: int
    command_id: str
    postings: list[Posting]
    submitted_by: str | None = None  # who submitted the command (issue 17)


class HistoryRow(Struct, frozen=True):
    position: int
    stream: str
    version: int
    type: str
    recorded_at: str
    command_id: str
    data: dict[str, Any]
    submitted_by: str | None = None  # who submitted the command (issue 17)
