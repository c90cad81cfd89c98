"""Decide functions of who is who in imported files: agents' platform accounts and
merchants' payer names (docs/COMMANDS.md).

A roster or a platform's service report names agents by their platform account
(``小鹿家居旗舰店:晓燕``); a bank statement names the company that paid, which
is often not the shop. These facts let the importers match rows to agents and
credits to merchants, and are recorded like any other fact: never guessed.
Accounts and names are compared in their folded form (``ledger.names.fold``).
"""

from __future__ import annotations

from decide.common import Emitted, Meta, State, contract_of, on_contract
from ledger import errors as E
from ledger.names import fold
from ledger.streams import merchant_stream
from schemas import commands as C
from schemas import events as ev


def record_agent_account(st: State, c: C.RecordAgentAccount, m: Meta) -> Emitted:
    """The agent is trained on the contract; the account belongs to no agent of the
    contract yet (one account, one agent, for the contract's life)."""
    state = contract_of(st, c.contract_id)
    agent = state.agents.get(c.agent_id)
    if agent is None or not agent.trained:
        raise E.AgentNotTrainedError(f"agent {c.agent_id} is not trained on contract "
                                     f"{c.contract_id}", "agent_id")
    if not fold(c.account):
        raise E.InvalidValueError("account holds no characters but spaces", "account")
    holder = state.accounts.get(fold(c.account))
    if holder is not None:
        raise E.AccountTakenError(f"account {c.account} is recorded for agent {holder} of "
                                  f"contract {c.contract_id} already", "account")
    return [on_contract(c.contract_id, ev.AgentAccountRecorded(
        contract_id=c.contract_id, agent_id=c.agent_id, platform=c.platform,
        account=c.account, on=c.on, **m))]


def record_payer_name(st: State, c: C.RecordPayerName, m: Meta) -> Emitted:
    """The merchant has a contract; the name is not recorded for it already (one name
    may pay for several merchants: a group paying for its shops)."""
    if not st.has_merchant(c.merchant_id):
        raise E.UnknownMerchantError(f"no contract is signed for merchant {c.merchant_id}",
                                     "merchant_id")
    if not fold(c.payer_name):
        raise E.InvalidValueError("payer_name holds no characters but spaces", "payer_name")
    if st.payer_book(c.merchant_id).holds(c.payer_name):
        raise E.PayerNameExistsError(f"{c.payer_name} is a payer name of merchant "
                                     f"{c.merchant_id} already", "payer_name")
    return [(merchant_stream(c.merchant_id), ev.PayerNameRecorded(
        contract_id="", merchant_id=c.merchant_id, payer_name=c.payer_name,
        payer_account=c.payer_account, note=c.note, **m))]


def retire_payer_name(st: State, c: C.RetirePayerName, m: Meta) -> Emitted:
    """The name is a payer name of the merchant now."""
    if not st.payer_book(c.merchant_id).holds(c.payer_name):
        raise E.UnknownPayerNameError(f"{c.payer_name} is not a payer name of merchant "
                                      f"{c.merchant_id}", "payer_name")
    return [(merchant_stream(c.merchant_id), ev.PayerNameRetired(
        contract_id="", merchant_id=c.merchant_id, payer_name=c.payer_name,
        reason=c.reason, **m))]
