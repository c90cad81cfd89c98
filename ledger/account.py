"""The merchant's account: statements owed, payments, credit, deposit.

Payments are allocated to the oldest unpaid statement first; money finding no
unpaid statement is credit, allocated when the next statement is issued. A
negative statement is money for the merchant: it pays older statements first,
the rest is credit. Only money from payments can be late (SPEC §5, §10).
Invariant: credit > 0 implies no statement is unpaid.

The allocation is derived from the money facts in order (``_facts``): a
payment voided, or a statement voided, is taken out of them and the
allocation is done again, as if it had never been (SPEC §11). What statements
printed stays printed: ``closing`` is the last statement's printed closing, and
``payments_since_statement`` runs on from it (a payment voided after a
statement counted it comes off the next statement's payments).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


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

    @property
    def key(self) -> tuple[str, str]:
        """The same money to the same statement, whatever allocation order made it."""
        return (self.source_id, self.statement_no)


@dataclass
class _Payment:
    payment_id: str
    amount: int
    received_on: dt.date
    command_id: str


@dataclass
class _Issue:
    statement_no: str
    period: str
    issued_on: dt.date
    due_on: dt.date
    total: int
    deposit_applied: int
    command_id: str


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
    _facts: list[Any] = field(default_factory=list)  # payments, refunds and issues, in order

    # -- allocation -----------------------------------------------------------
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
                take, on, max(0, late), item.due_on))
            if item.outstanding == 0:
                item.paid_on = on
        return amount

    def _apply(self, fact: Any) -> None:
        if isinstance(fact, _Payment):
            self.credit += self._allocate(fact.amount, "payment", fact.payment_id,
                                          fact.command_id, fact.received_on)
        elif isinstance(fact, _Issue):
            self.owed.append(Owed(fact.statement_no, fact.period, fact.due_on, fact.total,
                                  max(fact.total, 0)))
            if fact.total <= 0:
                self.owed[-1].paid_on = fact.issued_on
            if fact.total < 0:
                self.credit += self._allocate(-fact.total, "statement", fact.statement_no,
                                              fact.command_id, fact.issued_on)
            if self.credit > 0:
                self.credit = self._allocate(self.credit, "credit", fact.statement_no,
                                             fact.command_id, fact.issued_on)
            if fact.deposit_applied:
                self._allocate(fact.deposit_applied, "deposit", fact.statement_no,
                               fact.command_id, fact.issued_on)
        else:  # a credit refund
            self.credit -= int(fact)

    def _reallocate(self) -> None:
        self.owed, self.allocations, self.credit = [], [], 0
        for fact in self._facts:
            self._apply(fact)

    # -- facts ----------------------------------------------------------------
    def pay(self, payment_id: str, amount: int, received_on: dt.date, command_id: str) -> None:
        self.payments_total += amount
        self.payments_since_statement += amount
        fact = _Payment(payment_id, amount, received_on, command_id)
        self._facts.append(fact)
        self._apply(fact)

    def refund_credit(self, amount: int) -> None:
        self.credit_refunded += amount
        self.payments_since_statement -= amount
        self._facts.append(amount)
        self._apply(amount)

    def receive_deposit(self, amount: int) -> None:
        self.deposit_held += amount

    def refund_deposit(self, amount: int) -> None:
        self.deposit_held -= amount

    def issue(self, statement_no: str, period: str, issued_on: dt.date, due_on: dt.date,
              total: int, deposit_applied: int, closing: int, command_id: str) -> None:
        self.totals += total
        if deposit_applied:
            self.deposit_held -= deposit_applied
            self.deposit_applied += deposit_applied
        fact = _Issue(statement_no, period, issued_on, due_on, total, deposit_applied, command_id)
        self._facts.append(fact)
        self._apply(fact)
        self.payments_since_statement = 0
        self.closing = closing

    def void_payment(self, payment_id: str) -> None:
        """The payment counts as never received: allocation done again without it."""
        fact = next(f for f in self._facts if isinstance(f, _Payment) and f.payment_id == payment_id)
        self._facts.remove(fact)
        self.payments_total -= fact.amount
        self.payments_since_statement -= fact.amount
        self._reallocate()

    def void_statement(self, statement_no: str, opening: int, payments: int) -> None:
        """The statement counts for nothing: the account runs on from the one before it
        (``opening``: its printed opening; ``payments``: the payments it counted)."""
        fact = next(f for f in self._facts if isinstance(f, _Issue) and f.statement_no == statement_no)
        self._facts.remove(fact)
        self.totals -= fact.total
        self.payments_since_statement += payments
        self.closing = opening
        self._reallocate()

    # -- questions -------------------------------------------------------------
    def credit_without(self, payment_id: str) -> int:
        """The credit there would be had this payment never been received (negative when
        credit it left was refunded since)."""
        probe = AccountBook()
        probe._facts = [f for f in self._facts
                        if not (isinstance(f, _Payment) and f.payment_id == payment_id)]
        probe._reallocate()
        return probe.credit

    def late_allocations(self) -> list[Allocation]:
        """Payment money allocated after its statement's due date."""
        return [a for a in self.allocations if a.days_late > 0]

    def touches(self, statement_no: str) -> bool:
        """Is any money allocated to or from this statement?"""
        return any(statement_no in (a.statement_no, a.source_id) for a in self.allocations)

    def owed_of(self, statement_no: str) -> Owed | None:
        return next((o for o in self.owed if o.statement_no == statement_no), None)

    @property
    def receivable(self) -> int:
        return self.totals - self.payments_total - self.deposit_applied + self.credit_refunded
