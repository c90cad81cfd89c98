"""decide.contracts: sign_contract, amend_terms, end_trial, terminate_contract (SPEC §3, §10).

Given/when/then on the in-memory state. C1 (``builders.sign``): signed 2026-02-20,
service from Monday 2026-03-02, Mon-Fri, one shift ``day`` of 2 agents.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from builders import bpc_terms, cmd, fixed_terms, issue, merge, sign

from schemas import events as ev

from .given import RECORDED_AT, Memory, covers, emits, given, rejects, when
from .history import amend, contract, terminate, worked

DAY = {"code": "day", "start": "09:00", "end": "18:00", "agents": 2}
EARLY = {"code": "early", "start": "08:00", "end": "16:00", "agents": 1}


def _special(day: str, agents: dict[str, int], multiplier: str = "1.5") -> dict[str, Any]:
    return {"date": day, "kind": "promotion", "label": "promo", "agents": agents, "multiplier": multiplier}


def end_trial(on: str, outcome: str, contract_id: str = "C1") -> dict[str, Any]:
    return cmd("end_trial", contract_id, on=on, outcome=outcome)


# ------------------------------------------------------------------ sign_contract


@covers("sign_contract")
def test_sign_contract_emits_contract_signed_on_the_contract_stream() -> None:
    command = sign("C1", trial_end="2026-03-31", term_end="2026-12-31")
    ((stream, event),) = emits(Memory(), command)
    assert stream == "contract:C1"
    assert isinstance(event, ev.ContractSigned)
    assert (event.contract_id, event.signed_on, event.service_start) == (
        "C1", date(2026, 2, 20), date(2026, 3, 2))
    assert (event.trial_end, event.term_end) == (date(2026, 3, 31), date(2026, 12, 31))
    assert event.merchant.id == "M1"
    assert event.terms.pricing.shift_rate_fen == 20000  # type: ignore[union-attr]
    assert (event.command_id, event.recorded_at) == (command["id"], RECORDED_AT)


def test_sign_contract_may_start_service_on_the_signing_day() -> None:
    (event,) = when(Memory(), sign("C1", signed_on="2026-03-02", service_start="2026-03-02"))
    assert isinstance(event, ev.ContractSigned)


def test_sign_contract_twice_is_contract_exists() -> None:
    error = rejects(given(sign("C1")), sign("C1"))
    assert (error.code, error.field) == ("contract_exists", "contract_id")


def test_contract_ids_are_global_across_merchants() -> None:
    other = sign("C1", merchant={"id": "M2", "name": "另一家店", "platform": "jd"})
    error = rejects(given(sign("C1")), other)
    assert (error.code, error.field) == ("contract_exists", "contract_id")


@pytest.mark.parametrize(("over", "field"), [
    ({"signed_on": "2026-03-03"}, "service_start"),      # service_start 03-02 before signed_on
    ({"trial_end": "2026-03-01"}, "trial_end"),
    ({"term_end": "2026-03-01"}, "term_end"),
])
def test_sign_contract_dates_out_of_order_are_date_order(over: dict[str, Any], field: str) -> None:
    error = rejects(Memory(), sign("C1", **over))
    assert (error.code, error.field) == ("date_order", field)


def test_sign_contract_with_a_duplicate_shift_code_is_invalid_value() -> None:
    terms = bpc_terms(staffing={"shifts": [DAY, EARLY, {**DAY, "agents": 3}]})
    error = rejects(Memory(), sign("C1", terms))
    assert (error.code, error.field) == ("invalid_value", "terms.staffing.shifts[2].code")


def test_sign_contract_with_a_special_day_twice_is_invalid_value() -> None:
    terms = bpc_terms(staffing={"special_days": [_special("2026-03-11", {"day": 3}),
                                                 _special("2026-03-11", {"day": 4})]})
    error = rejects(Memory(), sign("C1", terms))
    assert (error.code, error.field) == ("invalid_value", "terms.staffing.special_days[1].date")


def test_sign_contract_with_an_unknown_shift_on_a_special_day_is_unknown_shift() -> None:
    terms = bpc_terms(staffing={"special_days": [_special("2026-03-11", {"day": 3}),
                                                 _special("2026-03-12", {"night": 1})]})
    error = rejects(Memory(), sign("C1", terms))
    assert (error.code, error.field) == ("unknown_shift", "terms.staffing.special_days[1].agents")


def test_sign_contract_schema_errors_name_the_path() -> None:
    terms = bpc_terms(pricing={"commission_rate": 0.01})  # a rate must be a JSON string
    error = rejects(Memory(), sign("C1", terms))
    assert (error.code, error.field) == ("invalid_type", "terms.pricing.commission_rate")


# ------------------------------------------------------------------ amend_terms


@covers("amend_terms")
def test_amend_terms_emits_terms_amended_and_applies_from_its_date() -> None:
    state = given(sign("C1"))
    command = amend("2026-03-16", {"pricing": {"shift_rate_fen": 30000}})
    ((stream, event),) = emits(state, command)
    assert stream == "contract:C1"
    assert isinstance(event, ev.TermsAmended)
    assert event.effective_from == date(2026, 3, 16)
    assert event.changes == {"pricing": {"shift_rate_fen": 30000}}
    c1 = state.of("C1")
    assert c1.terms_on(date(2026, 3, 15)).pricing.shift_rate_fen == 20000  # type: ignore[union-attr]
    assert c1.terms_on(date(2026, 3, 16)).pricing.shift_rate_fen == 30000  # type: ignore[union-attr]


def test_amend_terms_stores_its_rates_as_strings() -> None:
    (event,) = when(given(sign("C1")), amend("2026-03-16", {"pricing": {"commission_rate": "0.02"}}))
    assert isinstance(event, ev.TermsAmended)
    assert event.changes == {"pricing": {"commission_rate": "0.02"}}


def test_amend_terms_of_an_unknown_contract_is_unknown_contract() -> None:
    error = rejects(Memory(), amend("2026-03-16", {"payment_due_days": 5}))
    assert (error.code, error.field) == ("unknown_contract", "contract_id")


def test_amend_terms_after_the_last_service_day_is_contract_ended() -> None:
    state = given(sign("C1"), terminate("2026-03-31"))
    error = rejects(state, amend("2026-04-01", {"payment_due_days": 5}))
    assert (error.code, error.field) == ("contract_ended", "contract_id")


def test_amend_terms_inside_the_served_window_of_an_ended_contract_is_accepted() -> None:
    state = given(sign("C1"), terminate("2026-03-31"))
    (event,) = when(state, amend("2026-03-31", {"payment_due_days": 5}))
    assert isinstance(event, ev.TermsAmended)


@pytest.mark.parametrize(("terms", "changes", "field"), [
    (bpc_terms(), {"pricing": {"model": "fixed_fee"}}, "terms.pricing.model"),
    (bpc_terms(), {"settlement_cycle": "quarterly"}, "terms.settlement_cycle"),
    (fixed_terms("postpaid"), {"pricing": {"billing": "prepaid"}}, "terms.pricing.billing"),
])
def test_amend_terms_of_an_immutable_term_is_immutable_term(
        terms: dict[str, Any], changes: dict[str, Any], field: str) -> None:
    error = rejects(given(sign("C1", terms)), amend("2026-03-16", changes))
    assert (error.code, error.field) == ("immutable_term", field)


def test_amend_terms_restating_an_immutable_term_unchanged_is_accepted() -> None:
    (event,) = when(given(sign("C1")), amend("2026-03-16", {"settlement_cycle": "monthly"}))
    assert isinstance(event, ev.TermsAmended)


def test_amend_terms_giving_invalid_terms_is_a_schema_error_under_terms() -> None:
    error = rejects(given(sign("C1")), amend("2026-03-16", {"pricing": {"commission_rate": 0.02}}))
    assert (error.code, error.field) == ("invalid_type", "terms.pricing.commission_rate")


def test_amend_terms_with_a_duplicate_shift_code_is_invalid_value() -> None:
    changes = {"staffing": {"shifts": [DAY, EARLY, EARLY]}}
    error = rejects(given(sign("C1")), amend("2026-03-16", changes))
    assert (error.code, error.field) == ("invalid_value", "terms.staffing.shifts[2].code")


def test_amend_terms_removing_a_shift_a_special_day_names_is_unknown_shift() -> None:
    terms = bpc_terms(staffing={"special_days": [_special("2026-04-15", {"day": 3})]})
    changes = {"staffing": {"shifts": [EARLY]}}
    error = rejects(given(sign("C1", terms)), amend("2026-03-16", changes))
    assert (error.code, error.field) == ("unknown_shift", "terms.staffing.special_days[0].agents")


def test_amend_terms_is_checked_against_later_amendments_too() -> None:
    # a later amendment (from 04-01) adds a special day naming ``day``; an earlier one
    # (from 03-16) that drops ``day`` would leave that later segment naming an unknown shift
    later = amend("2026-04-01", {"staffing": {"special_days": [_special("2026-04-15", {"day": 3})]}})
    state = given(sign("C1"), later)
    error = rejects(state, amend("2026-03-16", {"staffing": {"shifts": [EARLY]}}))
    assert (error.code, error.field) == ("unknown_shift", "terms.staffing.special_days[0].agents")


# ------------------------------------------------------------------ end_trial


@covers("end_trial")
def test_end_trial_converted_keeps_the_contract_open() -> None:
    state = given(sign("C1", trial_end="2026-03-31"))
    ((stream, event),) = emits(state, end_trial("2026-03-31", "converted"))
    assert stream == "contract:C1"
    assert isinstance(event, ev.TrialEnded)
    assert (event.on, event.outcome) == (date(2026, 3, 31), "converted")
    c1 = state.of("C1")
    assert not c1.in_trial
    assert c1.last_service_day is None


def test_end_trial_not_converted_ends_service_on_its_date() -> None:
    state = given(sign("C1", trial_end="2026-03-31"))
    (event,) = when(state, end_trial("2026-03-20", "not_converted"))
    assert isinstance(event, ev.TrialEnded)
    assert event.outcome == "not_converted"
    assert state.of("C1").last_service_day == date(2026, 3, 20)
    assert not state.of("C1").in_window(date(2026, 3, 21))


def test_end_trial_without_a_trial_is_not_in_trial() -> None:
    error = rejects(given(sign("C1")), end_trial("2026-03-31", "converted"))
    assert (error.code, error.field) == ("not_in_trial", "contract_id")


def test_end_trial_twice_is_not_in_trial() -> None:
    state = given(sign("C1", trial_end="2026-03-31"), end_trial("2026-03-31", "converted"))
    error = rejects(state, end_trial("2026-03-31", "converted"))
    assert (error.code, error.field) == ("not_in_trial", "contract_id")


def test_end_trial_of_a_terminated_contract_is_contract_ended() -> None:
    state = given(sign("C1", trial_end="2026-03-31"), terminate("2026-03-20"))
    error = rejects(state, end_trial("2026-03-31", "converted"))
    assert (error.code, error.field) == ("contract_ended", "contract_id")


@pytest.mark.parametrize("outcome", ["converted", "not_converted"])
def test_end_trial_before_service_start_is_date_order(outcome: str) -> None:
    state = given(sign("C1", trial_end="2026-03-31"))
    error = rejects(state, end_trial("2026-03-01", outcome))
    assert (error.code, error.field) == ("date_order", "on")


def test_end_trial_not_converted_in_a_settled_period_is_period_settled() -> None:
    state = given(sign("C1", trial_end="2026-06-30"), issue("2026-03", "2026-04-01"))
    error = rejects(state, end_trial("2026-03-20", "not_converted"))
    assert (error.code, error.field) == ("period_settled", "on")


# ------------------------------------------------------------------ terminate_contract


@covers("terminate_contract")
def test_terminate_contract_emits_contract_terminated_and_ends_the_window() -> None:
    state = given(sign("C1", term_end="2026-12-31"))
    ((stream, event),) = emits(state, terminate("2026-03-31"))
    assert stream == "contract:C1"
    assert isinstance(event, ev.ContractTerminated)
    assert (event.last_day, event.initiated_by, event.reason) == (
        date(2026, 3, 31), "merchant", "closing the shop")
    assert state.of("C1").last_service_day == date(2026, 3, 31)  # the earliest end wins


def test_terminate_contract_of_an_unknown_contract_is_unknown_contract() -> None:
    error = rejects(Memory(), terminate("2026-03-31"))
    assert (error.code, error.field) == ("unknown_contract", "contract_id")


def test_terminate_contract_twice_is_contract_ended() -> None:
    error = rejects(given(sign("C1"), terminate("2026-04-30")), terminate("2026-03-31"))
    assert (error.code, error.field) == ("contract_ended", "contract_id")


def test_terminate_a_trial_that_did_not_convert_is_contract_ended() -> None:
    state = given(sign("C1", trial_end="2026-03-31"), end_trial("2026-03-20", "not_converted"))
    error = rejects(state, terminate("2026-03-31"))
    assert (error.code, error.field) == ("contract_ended", "contract_id")


def test_terminate_contract_before_service_start_is_date_order() -> None:
    error = rejects(given(sign("C1")), terminate("2026-03-01"))
    assert (error.code, error.field) == ("date_order", "last_day")


def test_terminate_contract_in_a_settled_period_is_period_settled() -> None:
    state = given(contract(), worked("2026-03-02", "2026-03-31", weekdays=(1, 2, 3, 4, 5)),
                  issue("2026-03", "2026-04-01"))
    error = rejects(state, terminate("2026-03-31"))
    assert (error.code, error.field) == ("period_settled", "last_day")


def test_terminate_on_the_first_day_after_a_settled_period_is_accepted() -> None:
    state = given(sign("C1"), issue("2026-03", "2026-04-01"))
    (event,) = when(state, terminate("2026-04-01"))
    assert isinstance(event, ev.ContractTerminated)


def test_terms_merge_key_by_key_and_arrays_are_replaced_whole() -> None:
    terms = merge(bpc_terms(), {"staffing": {"shifts": [DAY, EARLY]}})
    state = given(sign("C1", terms), amend("2026-03-16", {"staffing": {"shifts": [EARLY]},
                                                          "penalties": {"understaffing_fen": 0}}))
    after = state.of("C1").terms_on(date(2026, 3, 16))
    assert [s.code for s in after.staffing.shifts] == ["early"]
    assert after.penalties.understaffing_fen == 0
    assert after.penalties.qa_failure_fen == 20000  # untouched keys keep their values
