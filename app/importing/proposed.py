"""Proposed commands the importers need the ledger to know (not yet in the intake).

Matching a roster or a service report needs each agent's platform accounts,
and reconciling a bank statement needs the names merchants pay from (the
paying company is often not the shop). These Structs follow
``schemas.commands`` (strict, tagged, ``id`` first) so the integrator can
move them there, add them to ``AnyCommand`` and write their handlers; see
docs/IMPORT.md, "What the ledger must provide".
"""

from __future__ import annotations

import datetime as dt

from schemas.commands import Command
from schemas.types import Id, Name, Text


class RecordAgentAccount(Command, tag="record_agent_account", frozen=True):
    """``account`` on ``platform`` is worked by ``agent_id`` for this contract from
    ``on``. Rules: agent trained on the contract; the account not held by
    another agent of the contract on that date."""

    contract_id: Id
    agent_id: Id
    platform: Name
    account: Name
    on: dt.date


class RecordPayerName(Command, tag="record_payer_name", frozen=True):
    """Bank transfers from ``payer_name`` (and, when known, ``payer_account``) pay
    for ``merchant_id``'s contracts. Rules: the merchant has a contract; the same
    name may belong to several merchants (a group paying for its shops)."""

    merchant_id: Id
    payer_name: Name
    payer_account: Text = ""
    note: Text = ""


class RetirePayerName(Command, tag="retire_payer_name", frozen=True):
    """The name no longer pays for that merchant (a mistaken or outdated entry)."""

    merchant_id: Id
    payer_name: Name
    reason: Text
