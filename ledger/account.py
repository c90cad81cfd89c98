"""The merchant's account: statements owed, payments, credit, deposit.

Payments are allocated to the oldest unpaid statement first; money finding no
unpaid statement is credit, allocated when the next statement is issued. A
negative statement is money for the merchant: it pays older statements first,
the rest is credit. Only money from payments can be late (SPEC §5, §10).
Invariant: credit > 0 implies no statement is unpaid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Owed:
    statement_no: str
    period: str
    due_on: dt.date
    total_fen: int
    outstanding: int
    paid_on: dt.date | None = None  # when fully allocated


@dataclass
class Allocation:
    seq: int
    source: str  # "payment", "credit", "statement", "deposit"
    source_id: str
    command_id: str
    statement_no: str
    amount_fen: int
    received_on: dt.date
    days_late: int
    due_on: dt.date
    billed: bool = False


@dataclass
class AccountBook:
    owed: list[Owed] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    credit: int = 0
    deposit_held: int = 0
    deposit_applied: int = 0
    credit_refunded: int = 0
    payments_total: int = 0
    totals: int = 0
    payments_since_statement: int = 0
    closing: int = 0  # of the last statement

    def _allocate(self, amount: int, source: str, source_id: str, command_id: str,
                  on: dt.date) -> int:
        """Allocate oldest first; return what is left over."""
        for item in self.owed:
            if amount <= 0:
                break
            if item.outstanding <= 0:
                continue
            take = min(amount, item.outstanding)
            item.outstanding -= take
            amount -= take
            late = (on - item.due_on).days if source == "payment" else 0
            self.allocations.append(Allocation(
                len(self.allocations), source, source_id, command_id, item.statement_no,
                take, on, max(0, late), item.due_on, billed=late <= 0,
            ))
            if item.outstanding == 0:
                item.paid_on = on
        return amount

    def pay(self, payment_id: str, amount: int, received_on: dt.date, command_id: str) -> None:
        self.payments_total += amount
        self.payments_since_statement += amount
        self.credit += self._allocate(amount, "payment", payment_id, command_id, received_on)

    def refund_credit(self, amount: int) -> None:
        self.credit -= amount
        self.credit_refunded += amount
        self.payments_since_statement -= amount

    def receive_deposit(self, amount: int) -> None:
        self.deposit_held += amount

    def refund_deposit(self, amount: int) -> None:
        self.deposit_held -= amount

    def issue(self, statement_no: str, period: str, issued_on: dt.date, due_on: dt.date,
              total: int, deposit_applied: int, closing: int, command_id: str) -> None:
        self.totals += total
        self.owed.append(Owed(statement_no, period, due_on, total, max(total, 0)))
        if total <= 0:
            self.owed[-1].paid_on = issued_on
        if total < 0:
            self.credit += self._allocate(-total, "statement", statement_no, command_id, issued_on)
        if self.credit > 0:
            self.credit = self._allocate(self.credit, "credit", statement_no, command_id, issued_on)
        if deposit_applied:
            self.deposit_held -= deposit_applied
            self.deposit_applied += deposit_applied
            self._allocate(deposit_applied, "deposit", statement_no, command_id, issued_on)
        self.payments_since_statement = 0
        self.closing = closing

    def mark_late_fees_billed(self, seqs: list[int]) -> None:
        for seq in seqs:
            self.allocations[seq].billed = True

    def unbilled_late(self) -> list[Allocation]:
        return [a for a in self.allocations if not a.billed and a.days_late > 0]

    @property
    def receivable(self) -> int:
        return self.totals - self.payments_total - self.deposit_applied + self.credit_refunded
