"""What the importers need to know from the ledger, read through the store's ``View``.

The importers are pure (``roster``, ``service``, ``bank``): they take lookup
tables. This module reads them from the log, as the log stands (or as of a
recorded time), without any SQL of its own:

- for a roster or a service report of one contract (``contract_books``): its
  trained agents with their names and platform accounts (``record_agent_account``)
  as an ``agents.directory``, and every shift code its terms ever had (signed
  and amended: the ledger still checks each date's plan);
- for a bank statement (``bank_books``): every open statement with what is
  still outstanding (after the payments, credit and deposit allocated to it),
  the deposits still owed by contracts that have not ended, the payer names in
  force (``record_payer_name``) and every payment and deposit reference and
  payment id on record, so a transfer keyed by hand is not imported again.

A deposit is "still owed" when the terms in effect on ``service_start`` ask
for more than the deposits received so far (the amount the ``deposit_late``
breach rule checks), and the contract has not ended by decision.
"""

from __future__ import annotations

import msgspec

from app.errors import ReportError
from app.importing.agents import Directory, Known, directory
from app.importing.matching import DepositWait, OpenStatement, PayerName
from ledger.contract import ContractState
from store.view import View


class ContractBooks(msgspec.Struct, frozen=True):
    contract_id: str
    agents: dict[str, str | None]  # agents.Directory: folded id/account/name -> agent id
    codes: list[str]


class BankBooks(msgspec.Struct, frozen=True):
    statements: list[OpenStatement]
    deposits: list[DepositWait]
    payers: list[PayerName]
    recorded: list[str]


def known_agents(state: ContractState) -> list[Known]:
    """The contract's trained agents, with their names and platform accounts."""
    return [Known(agent_id=a.agent_id, name=a.name, accounts=list(a.accounts))
            for a in state.agents.values() if a.trained]


def shift_codes(state: ContractState) -> list[str]:
    """Every shift code of the signed terms and of each amended version."""
    return sorted({s.code for terms in state.timeline.every() for s in terms.staffing.shifts})


def contract_books(view: View, contract_id: str) -> ContractBooks:
    """Agents and shift codes of one contract; ``ReportError`` when it is not known."""
    state = view.contract(contract_id)
    if state is None:
        raise ReportError(f"contract {contract_id} is not known")
    agents: Directory = directory(known_agents(state))
    return ContractBooks(contract_id, dict(agents), shift_codes(state))


def open_statements(state: ContractState) -> list[OpenStatement]:
    merchant = state.signed.merchant.id
    return [OpenStatement(statement_no=o.statement_no, contract_id=state.contract_id,
                          merchant_id=merchant, outstanding_fen=o.outstanding, due_on=o.due_on,
                          issued_on=state.issued[o.period].issued_on)
            for o in state.book.owed if o.outstanding > 0]


def deposit_owed(state: ContractState) -> int:
    """Deposit the terms ask for and not received yet (0 once the contract has ended)."""
    if state.ended_by_decision:
        return 0
    asked = state.terms_on(state.service_start).pricing.deposit_fen
    return max(0, asked - sum(d.amount_fen for d in state.deposits))


def references(state: ContractState) -> list[str]:
    """Bank references and payment ids of the contract's payments and deposits."""
    out = [p.reference for p in state.payments.values()]
    out += list(state.payments)
    out += [d.reference for d in state.deposits]
    return [r for r in out if r.strip()]


def bank_books(view: View) -> BankBooks:
    """Everything ``bank.reconcile`` matches against, over every contract and merchant."""
    statements: list[OpenStatement] = []
    deposits: list[DepositWait] = []
    recorded: set[str] = set()
    for state in view.contracts():
        statements += open_statements(state)
        owed = deposit_owed(state)
        if owed > 0:
            deposits.append(DepositWait(contract_id=state.contract_id,
                                        merchant_id=state.signed.merchant.id, outstanding_fen=owed))
        recorded.update(references(state))
    payers = [PayerName(record.payer_name, book.merchant_id)
              for book in view.payer_books() for record in book.names.values()]
    return BankBooks(statements, deposits, payers, sorted(recorded))
