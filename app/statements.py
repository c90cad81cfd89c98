"""The one statement view: which statement a report, an export or a document shows.

``statement_view(store, contract, period, live=, on=, as_of=)``:

- **issued** (issued, not ``live``): the statement frozen in its settlement
  event, with the contract as it was when it was issued;
- **live** (issued and ``live``): the issued statement beside the same period
  recomputed now, on its own issue date, from the contract as it was then and
  the activity known now (SPEC §10);
- **draft** (not issued): what issuing the period on ``on`` would produce;
- **void** (asked for by its number): a statement voided in error (SPEC §11),
  as it was issued, with its void.

Every path checks the period against the contract's cycle first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import msgspec

from app.errors import ReportError
from app.reports import contract_state
from billing.statement import Draft, draft, reissue
from ledger.contract import ContractState
from ledger.periods import PeriodError, check_period
from schemas import events as ev
from schemas.reports import Statement
from store.eventstore import Store
from store.view import View

Kind = Literal["issued", "live", "draft", "void"]


@dataclass
class StatementView:
    kind: Kind
    statement: Statement  # as shown: the issued one, or a draft (status "draft")
    issued: Statement | None  # the frozen statement, when the period is issued
    state: ContractState  # the contract as the statement sees it
    view: View  # where its months are read (activity as known then, or now)
    priced_on: dt.date  # the issue date, or ``on`` for a draft
    final: bool
    position: int | None  # the log position of the issue event
    settlement: ev.SettlementIssued | None  # the issue event
    void: ev.StatementVoided | None = None  # for a void statement
    replaces: str | None = None  # the void statement of the same period issued before it

    @property
    def activity_period(self) -> str | None:
        return self.state.activity_period_of(self.statement.period)


def statement_view(store: Store, contract_id: str, period: str, *, live: bool,
                   on: dt.date | None, as_of: str | None, number: str | None = None
                   ) -> StatementView:
    """The statement of ``period`` as the module docstring says; ``on=None`` asks for an
    issued statement only (``ReportError`` when the period is not issued); ``number``
    asks for the statement of that number, in force or void."""
    view = View(store, as_of=as_of)
    state = contract_state(view, contract_id)
    try:
        check_period(period, state.cycle)
    except PeriodError as exc:
        raise ReportError(f"{exc} (contract {contract_id})", "bad_period") from None
    voids = [v for v in state.voided if v.void.period == period]
    if number is not None:
        for v in voids:
            if v.void.statement_no == number:
                event = v.issued.event
                before = View(store, as_of=as_of, before=v.issued.position)
                return StatementView("void", event.statement, event.statement,
                                     contract_state(before, contract_id), before, event.issued_on,
                                     event.final, v.issued.position, event, v.void)
        issued_no = state.issued.get(period)
        if issued_no is None or issued_no.event.statement.statement_no != number:
            raise ReportError(f"no statement {number} of {period} on contract {contract_id}",
                              "unknown_statement")
    issued = state.issued.get(period)
    if issued is None:
        if on is None:
            raise ReportError(f"statement {contract_id}-{period} has not been issued", "unknown_statement")
        d = draft(state, view.loader(contract_id), period, on)
        return StatementView("draft", _as_draft(d), None, state, view, on, d.final, None, None)
    event = issued.event
    before = View(store, as_of=as_of, before=issued.position)
    earlier = contract_state(before, contract_id)
    replaces = voids[-1].void.statement_no if voids else None
    if not live:
        return StatementView("issued", event.statement, event.statement, earlier, before,
                             event.issued_on, event.final, issued.position, event,
                             replaces=replaces)
    d = draft(earlier, view.loader(contract_id), period, event.issued_on)
    return StatementView("live", _as_draft(d), event.statement, earlier, view, event.issued_on,
                         d.final, issued.position, event)


def issued_again(sv: StatementView) -> Draft:
    """An issued statement computed again from the contract and activity as they were
    when it was issued: its lines' evidence, for ``explain``."""
    if sv.settlement is None or sv.kind != "issued":
        raise ReportError(f"statement {sv.statement.statement_no} has not been issued",
                          "unknown_statement")
    return reissue(sv.state, sv.view.loader(sv.state.contract_id), sv.settlement)


def _as_draft(d: Draft) -> Statement:
    return msgspec.structs.replace(d.statement, status="draft")
