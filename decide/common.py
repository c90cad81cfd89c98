"""What every decide function shares: the state it reads, its result, its checks.

A decide function takes the state (``State``: contracts, months, dispute
owners and quotes as known so far, this batch included), one command and the command's metadata, checks
the rules, and returns the events to append as (stream, event) pairs, or
raises a ``LedgerError`` naming the offending field. It does no I/O of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from ledger import errors as E
from ledger.activity import Month, MonthActivity
from ledger.contract import ContractState
from ledger.merchant import PayerBook
from ledger.periods import matches_cycle, month_of
from ledger.streams import activity_stream, contract_stream
from ledger.users import User
from schemas import events as ev

Emitted = list[tuple[str, ev.Event]]
Meta = dict[str, str]  # command_id, recorded_at and submitted_by, copied into every event
Decider = Callable[[Any, Any, Meta], Emitted]


class State(Protocol):
    """What the rules read: the store's workspace in intake, plain folds in the unit tests."""

    @property
    def today(self) -> dt.date:
        """The recording date: no fact may be dated after it (SPEC §11)."""

    def contract(self, contract_id: str) -> ContractState | None: ...

    def month(self, contract_id: str, month: str) -> Month: ...

    def full_month(self, contract_id: str, month: str) -> MonthActivity: ...

    def activity_versions(self, contract_id: str, months: Iterable[str]) -> dict[str, int]: ...

    def dispute_owner(self, dispute_id: str) -> str | None: ...

    def user(self, name: str) -> User | None: ...
    def quote(self, quote_id: str) -> ev.QuoteIssued | None: ...
    def payer_book(self, merchant_id: str) -> PayerBook:
        """The merchant's payer names (an empty book when it has none)."""

    def has_merchant(self, merchant_id: str) -> bool:
        """Has a contract been signed for this merchant id?"""


def contract_of(st: State, contract_id: str) -> ContractState:
    state = st.contract(contract_id)
    if state is None:
        raise E.UnknownContractError(f"contract {contract_id} is not known", "contract_id")
    return state


def on_contract(cid: str, event: ev.Event) -> tuple[str, ev.Event]:
    return contract_stream(cid), event


def on_activity(cid: str, day: dt.date, event: ev.Event) -> tuple[str, ev.Event]:
    return activity_stream(cid, month_of(day)), event


def check_window(state: ContractState, day: dt.date, field: str) -> None:
    if not state.in_window(day):
        raise E.OutsideServiceWindowError(
            f"{day} is outside the service window of contract {state.contract_id}", field)


def check_live(state: ContractState, agent_id: str, day: dt.date) -> None:
    agent = state.agents.get(agent_id)
    if agent is None or not agent.live_on(day):
        raise E.AgentNotLiveError(f"agent {agent_id} is not live on {day}", "agent_id")


def check_last_service_day(state: ContractState, last: dt.date, field: str) -> None:
    if last < state.service_start:
        raise E.DateOrderError(f"{last} is before service_start {state.service_start}", field)
    if state.settled(state.period_of(last)):
        raise E.PeriodSettledError(
            f"{last} falls in the settled period {state.period_of(last)}", field)


def check_plan(terms: Any, path: str) -> None:
    codes = [s.code for s in terms.staffing.shifts]
    for i, code in enumerate(codes):
        if code in codes[:i]:
            raise E.InvalidValueError(f"shift code {code} appears twice",
                                      f"{path}.staffing.shifts[{i}].code")
    seen: set[dt.date] = set()
    for i, special in enumerate(terms.staffing.special_days):
        where = f"{path}.staffing.special_days[{i}]"
        if special.date in seen:
            raise E.InvalidValueError(f"special day {special.date} appears twice", f"{where}.date")
        seen.add(special.date)
        for code in special.agents:
            if code not in codes:
                raise E.UnknownShiftError(f"special day names unknown shift {code}",
                                          f"{where}.agents")


def period_matches(state: ContractState, period: str, field: str) -> None:
    if not matches_cycle(period, state.cycle):
        raise E.InvalidValueError(
            f"{period} is not a {state.cycle} period of contract {state.contract_id}", field)
