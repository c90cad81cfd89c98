"""decide.quotes: issue_quote, and sign_contract naming a quote (SPEC §12).

Given/when/then on the in-memory state. Q1 (``builders.issue_quote``) quotes the
hand-worked profile of ``quote_profiles.small`` for merchant M1 on 2026-02-10,
valid 30 days: a contract may be signed from it until 2026-03-12 inclusive.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest
from builders import issue_quote, sign
from hypothesis import HealthCheck, given, settings

from ledger.terms import to_plain
from quote import plan as Q
from schemas import events as ev

from .given import Memory, covers, emits, rejects, when
from .given import given as history
from .quote_profiles import decode, small
from .test_quote_properties import profiles

NUMBERS = msgspec.json.Encoder(decimal_format="number")  # as `ledger quote --json` prints terms


def proposed(result: Any, model: str = "base_plus_commission") -> dict[str, Any]:
    """The proposed terms as ``ledger quote --json`` prints them, read back as JSON."""
    terms = getattr(result.terms_proposed, model)
    plain: dict[str, Any] = msgspec.json.decode(NUMBERS.encode(to_plain(terms)))
    return plain


# ------------------------------------------------------------------ issue_quote


@covers("issue_quote")
def test_issue_quote_stores_the_profile_and_its_result_on_the_quote_stream() -> None:
    command = issue_quote(small())
    ((stream, event),) = emits(Memory(), command)
    assert stream == "quote:Q1"
    assert isinstance(event, ev.QuoteIssued)
    assert (event.quote_id, event.merchant.id, event.issued_on, event.valid_days) == (
        "Q1", "M1", dt.date(2026, 2, 10), 30)
    assert event.contract_id == ""  # a quote precedes any contract
    assert event.profile == decode(small())
    # the result is the whole of §12, computed once and stored (test_quote_steps works it by hand)
    assert event.result == Q.quote(decode(small()))
    assert (event.result.monthly_estimate_fen, event.result.fixed_fee_fen) == (3672619, 2389881)


def test_a_quote_id_is_used_once() -> None:
    error = rejects(history(issue_quote(small())), issue_quote(small(aht_s=300)))
    assert (error.code, error.field) == ("quote_exists", "quote_id")


@pytest.mark.parametrize(("changes", "code", "field"), [
    ({"history": [{"date": "2026-03-02", "hour": 9, "inquiries": 1},
                  {"date": "2026-03-02", "hour": 9, "inquiries": 2}]}, "invalid_value", "profile.history[1]"),
    ({"shifts": [{"code": "a", "start": "08:00", "end": "12:00"},
                 {"code": "b", "start": "11:00", "end": "13:00"}]}, "invalid_value", "profile.shifts[1]"),
    ({"shifts": [{"code": "a", "start": "08:30", "end": "12:00"}]},
     "invalid_value", "profile.shifts[0].start"),
    ({"service": {"answer_within_s": 30, "service_level": "1", "max_occupancy": "0.85"}},
     "out_of_range", "profile.service.service_level"),
    ({"aht_s": 0}, "out_of_range", "profile.aht_s"),
    ({"shrinkage": 0.15}, "invalid_type", "profile.shrinkage"),
    ({"rates": {"shift_rate_fen": 25000.0, "commission_rate": "0.01", "special_multiplier": "1.5",
                "fixed_premium": "0.1"}}, "invalid_type", "profile.rates.shift_rate_fen"),
    # 10^6 inquiries an hour at one hour each is a load of 10^6 erlangs: refused, not computed
    ({"aht_s": 3600, "history": [{"date": "2026-03-02", "hour": 9, "inquiries": 1000000}]},
     "out_of_range", "profile.history"),
])
def test_a_bad_profile_is_refused_like_a_command_body(changes: dict[str, Any], code: str,
                                                      field: str) -> None:
    error = rejects(Memory(), issue_quote(small(**changes)))
    assert (error.code, error.field) == (code, field)


# ------------------------------------------------------------------ sign_contract with quote_id


def test_sign_contract_from_a_quote_records_the_quote_id() -> None:
    state = history(issue_quote(small()))
    result = state.quote("Q1").result  # type: ignore[union-attr]
    (event,) = when(state, sign("C1", proposed(result), quote_id="Q1"))
    assert isinstance(event, ev.ContractSigned)
    assert event.quote_id == "Q1"
    assert [(s.code, s.agents) for s in event.terms.staffing.shifts] == [("day", 3), ("eve", 1)]


def test_sign_contract_without_a_quote_records_none() -> None:
    (event,) = when(Memory(), sign("C1"))
    assert isinstance(event, ev.ContractSigned) and event.quote_id is None


def test_sign_contract_naming_an_unknown_quote_is_unknown_quote() -> None:
    error = rejects(history(issue_quote(small())), sign("C1", quote_id="Q2"))
    assert (error.code, error.field) == ("unknown_quote", "quote_id")


def test_sign_contract_for_another_merchant_is_quote_mismatch() -> None:
    other = {"id": "M2", "name": "另一家店", "platform": "jd"}
    error = rejects(history(issue_quote(small())), sign("C1", quote_id="Q1", merchant=other))
    assert (error.code, error.field) == ("quote_mismatch", "quote_id")
    assert "M1" in error.message and "M2" in error.message


def test_a_quote_is_valid_through_issued_on_plus_valid_days() -> None:
    # given Q1 issued 2026-02-10 and valid 10 days: the last day to sign is 02-20
    state = history(issue_quote(small(), valid_days=10))
    # then signing on 02-21 is too late, and on 02-20 (the default signed_on) is on time
    error = rejects(state, sign("C1", quote_id="Q1", signed_on="2026-02-21"))
    assert (error.code, error.field) == ("quote_expired", "signed_on")
    assert "2026-02-20" in error.message
    (event,) = when(state, sign("C1", quote_id="Q1"))
    assert isinstance(event, ev.ContractSigned) and event.signed_on == dt.date(2026, 2, 20)


def test_one_quote_may_sign_several_contracts_of_its_merchant() -> None:
    state = history(issue_quote(small()), sign("C1", quote_id="Q1"))
    (event,) = when(state, sign("C2", quote_id="Q1"))
    assert isinstance(event, ev.ContractSigned) and event.quote_id == "Q1"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles())
def test_both_proposed_terms_are_accepted_by_sign_contract(body: dict[str, Any]) -> None:
    # given any valid profile, quoted
    state = history(issue_quote(body))
    result = state.quote("Q1").result  # type: ignore[union-attr]
    # when each proposed terms object, as printed, signs a contract from the quote
    for n, model in enumerate(("base_plus_commission", "fixed_fee")):
        (event,) = when(state, sign(f"C{n}", proposed(result, model), quote_id="Q1"))
        # then it is accepted, and the contract's terms are exactly the proposal
        assert isinstance(event, ev.ContractSigned)
        assert event.terms == getattr(result.terms_proposed, model)
