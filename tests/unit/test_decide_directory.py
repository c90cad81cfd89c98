"""decide.directory: record_agent_account, record_payer_name, retire_payer_name.

An agent's platform account belongs to one trained agent of the contract
(``account_taken`` otherwise); a payer name is recorded for a merchant that
has a contract (``unknown_merchant``), once while in force
(``payer_name_exists``), and retired only while in force
(``unknown_payer_name``). Names and accounts compare folded: full-width,
spaces and case do not make a second name.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from builders import agent_ready, cmd, sign

from ledger.errors import LedgerError
from schemas import events as ev

from .given import Memory, covers, decode, emits, given, rejects, when


def account(account: str = "小鹿家居旗舰店:晓燕", agent: str = "a1",
            contract_id: str = "C1") -> dict[str, Any]:
    return cmd("record_agent_account", contract_id, agent_id=agent, platform="tmall",
               account=account, on="2026-03-02")


def payer(name: str = "杭州小鹿电子商务有限公司", merchant: str = "M1", **over: Any) -> dict[str, Any]:
    return cmd("record_payer_name", None, merchant_id=merchant, payer_name=name, **over)


def retire(name: str = "杭州小鹿电子商务有限公司", merchant: str = "M1") -> dict[str, Any]:
    return cmd("retire_payer_name", None, merchant_id=merchant, payer_name=name,
               reason="entered for the wrong merchant")


# ------------------------------------------------------------------ record_agent_account


@covers("record_agent_account")
def test_record_agent_account_emits_it_on_the_contract() -> None:
    state = given(sign("C1"), agent_ready("a1"))
    ((stream, event),) = emits(state, account())
    assert stream == "contract:C1"
    assert isinstance(event, ev.AgentAccountRecorded)
    assert (event.agent_id, event.platform, event.account, event.on) == (
        "a1", "tmall", "小鹿家居旗舰店:晓燕", date(2026, 3, 2))
    assert state.of().agents["a1"].accounts == ["小鹿家居旗舰店:晓燕"]
    assert state.of().accounts == {"小鹿家居旗舰店:晓燕": "a1"}


def test_an_agent_may_hold_several_accounts() -> None:
    state = given(sign("C1"), agent_ready("a1"), account("店:晓燕"))
    when(state, account("店:晓燕2"))
    assert state.of().agents["a1"].accounts == ["店:晓燕", "店:晓燕2"]


def test_an_account_of_an_untrained_agent_is_agent_not_trained() -> None:
    error = rejects(given(sign("C1")), account())
    assert (error.code, error.field) == ("agent_not_trained", "agent_id")


def test_an_account_on_an_unknown_contract_is_unknown_contract() -> None:
    error = rejects(Memory(), account())
    assert (error.code, error.field) == ("unknown_contract", "contract_id")


@pytest.mark.parametrize("spelling", ["小鹿家居旗舰店:晓燕", "小鹿家居旗舰店：晓燕",
                                      " 小鹿家居旗舰店 : 晓燕 "])
def test_an_account_held_by_another_agent_is_account_taken(spelling: str) -> None:
    state = given(sign("C1"), agent_ready("a1"), agent_ready("a2"), account(agent="a1"))
    error = rejects(state, account(spelling, agent="a2"))
    assert (error.code, error.field) == ("account_taken", "account")
    assert "a1" in error.message


def test_the_same_account_twice_for_one_agent_is_account_taken() -> None:
    state = given(sign("C1"), agent_ready("a1"), account())
    assert rejects(state, account()).code == "account_taken"


def test_the_same_account_on_another_contract_is_another_fact() -> None:
    state = given(sign("C1"), sign("C2"), agent_ready("a1"), agent_ready("a1", "C2"), account())
    (event,) = when(state, account(contract_id="C2"))
    assert isinstance(event, ev.AgentAccountRecorded)


def test_an_account_of_spaces_only_is_invalid_value() -> None:
    error = rejects(given(sign("C1"), agent_ready("a1")), account("\u3000 "))
    assert (error.code, error.field) == ("invalid_value", "account")


# ------------------------------------------------------------------ record_payer_name


@covers("record_payer_name")
def test_record_payer_name_emits_it_on_the_merchant_stream() -> None:
    state = given(sign("C1"))
    ((stream, event),) = emits(state, payer(payer_account="6222 0000 1111", note="母公司代付"))
    assert stream == "merchant:M1"
    assert isinstance(event, ev.PayerNameRecorded)
    assert (event.merchant_id, event.payer_name, event.payer_account, event.note) == (
        "M1", "杭州小鹿电子商务有限公司", "6222 0000 1111", "母公司代付")
    assert event.contract_id == ""  # a payer name pays for every contract of the merchant
    assert state.payer_book("M1").holds("杭州小鹿电子商务有限公司")


def test_a_payer_name_for_a_merchant_without_a_contract_is_unknown_merchant() -> None:
    error = rejects(given(sign("C1")), payer(merchant="M-NOBODY"))
    assert (error.code, error.field) == ("unknown_merchant", "merchant_id")


@pytest.mark.parametrize("spelling", ["衣恋(杭州)服饰有限公司", "衣恋（杭州）服饰有限公司",
                                      "衣恋 (杭州) 服饰有限公司"])
def test_a_payer_name_in_force_is_payer_name_exists_in_any_spelling(spelling: str) -> None:
    state = given(sign("C1"), payer("衣恋（杭州）服饰有限公司"))
    error = rejects(state, payer(spelling))
    assert (error.code, error.field) == ("payer_name_exists", "payer_name")


def test_one_name_may_pay_for_several_merchants() -> None:
    state = given(sign("C1"), sign("C2", merchant={"id": "M2", "name": "二店", "platform": "jd"}),
                  payer("集团有限公司", "M1"))
    (event,) = when(state, payer("集团有限公司", "M2"))
    assert isinstance(event, ev.PayerNameRecorded) and event.merchant_id == "M2"


def test_a_payer_name_of_spaces_only_is_invalid_value() -> None:
    error = rejects(given(sign("C1")), payer(" \u3000"))
    assert (error.code, error.field) == ("invalid_value", "payer_name")


def test_the_commands_are_strict_like_every_other() -> None:
    with pytest.raises(LedgerError) as raised:
        decode({**payer(), "payer_nmae": "x"})
    assert (raised.value.code, raised.value.field) == ("unknown_field", "payer_nmae")
    with pytest.raises(LedgerError) as raised:
        decode({k: v for k, v in account().items() if k != "platform"})
    assert (raised.value.code, raised.value.field) == ("missing_field", "platform")


# ------------------------------------------------------------------ retire_payer_name


@covers("retire_payer_name")
def test_retire_payer_name_takes_the_name_back() -> None:
    state = given(sign("C1"), payer())
    ((stream, event),) = emits(state, retire())
    assert stream == "merchant:M1"
    assert isinstance(event, ev.PayerNameRetired)
    assert not state.payer_book("M1").holds("杭州小鹿电子商务有限公司")
    when(state, payer())  # and it may be recorded again


def test_retiring_a_name_not_in_force_is_unknown_payer_name() -> None:
    state = given(sign("C1"), payer(), retire())
    error = rejects(state, retire())
    assert (error.code, error.field) == ("unknown_payer_name", "payer_name")
    assert rejects(given(sign("C1")), retire("别人")).code == "unknown_payer_name"
