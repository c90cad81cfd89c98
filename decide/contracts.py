"""Decide functions of a contract's life: sign, amend terms, end the trial, terminate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from decide.common import (
    Emitted,
    Meta,
    State,
    check_last_service_day,
    check_plan,
    contract_of,
    on_contract,
)
from decide.quotes import check_quote
from ledger import errors as E
from ledger.contract import ContractState
from ledger.terms import TermsTimeline, changed_immutable
from ledger.validation import schema_error
from schemas import commands as C
from schemas import events as ev


def sign_contract(st: State, c: C.SignContract, m: Meta) -> Emitted:
    if st.contract(c.contract_id) is not None:
        raise E.ContractExistsError(f"contract {c.contract_id} exists already", "contract_id")
    if c.service_start < c.signed_on:
        raise E.DateOrderError("service_start is before signed_on", "service_start")
    for name in ("trial_end", "term_end"):
        value = getattr(c, name)
        if value is not None and value < c.service_start:
            raise E.DateOrderError(f"{name} is before service_start", name)
    check_plan(c.terms, "terms")
    check_quote(st, c)
    return [on_contract(c.contract_id, ev.ContractSigned(
        contract_id=c.contract_id, merchant=c.merchant, signed_on=c.signed_on,
        service_start=c.service_start, terms=c.terms, trial_end=c.trial_end,
        term_end=c.term_end, quote_id=c.quote_id, **m))]


def amend_terms(st: State, c: C.AmendTerms, m: Meta) -> Emitted:
    state = contract_of(st, c.contract_id)
    last = state.last_service_day
    if state.ended_by_decision and last is not None and c.effective_from > last:
        raise E.ContractEndedError(f"contract {c.contract_id} ended on {last}", "contract_id")
    immutable = changed_immutable(state.terms, c.terms)
    if immutable is not None:
        raise E.ImmutableTermError(f"{immutable} cannot be amended", f"terms.{immutable}")
    try:
        state.timeline.try_amend(c.effective_from, c.terms)
    except msgspec.ValidationError as exc:
        raise schema_error(str(exc), prefix="terms") from None
    for terms in _segments_from(state, c.effective_from, c.terms):
        check_plan(terms, "terms")
    changes = msgspec.to_builtins(c.terms, enc_hook=str)
    return [on_contract(c.contract_id, ev.TermsAmended(
        contract_id=c.contract_id, effective_from=c.effective_from, changes=changes, **m))]


def _segments_from(state: ContractState, day: dt.date, changes: dict[str, Any]) -> list[Any]:
    probe = TermsTimeline(state.timeline.signed)
    for effective_from, _, old in state.timeline.amendments:
        probe.amend(effective_from, old)
    probe.amend(day, changes)
    return [probe.on(day), *(probe.on(d) for d, _, _ in probe.amendments if d > day)]


def end_trial(st: State, c: C.EndTrial, m: Meta) -> Emitted:
    state = contract_of(st, c.contract_id)
    if not state.in_trial:
        raise E.NotInTrialError(f"contract {c.contract_id} is not in trial", "contract_id")
    if state.ended_by_decision:
        raise E.ContractEndedError(f"contract {c.contract_id} has ended", "contract_id")
    if c.outcome == "not_converted":
        check_last_service_day(state, c.on, "on")
    elif c.on < state.service_start:
        raise E.DateOrderError(f"{c.on} is before service_start", "on")
    return [on_contract(c.contract_id, ev.TrialEnded(
        contract_id=c.contract_id, on=c.on, outcome=c.outcome, **m))]


def terminate_contract(st: State, c: C.TerminateContract, m: Meta) -> Emitted:
    state = contract_of(st, c.contract_id)
    if state.ended_by_decision:
        raise E.ContractEndedError(f"contract {c.contract_id} has ended already", "contract_id")
    check_last_service_day(state, c.last_day, "last_day")
    return [on_contract(c.contract_id, ev.ContractTerminated(
        contract_id=c.contract_id, last_day=c.last_day, initiated_by=c.initiated_by,
        reason=c.reason, **m))]
