"""The unit layer's "given": an in-memory ``decide.common.State`` built from commands.

No database, no CLI: ``given(*commands)`` decodes each command dict with the
decoder intake uses (``app.intake._COMMANDS``: strict msgspec, ``intake_dec_hook``,
``float_hook=Decimal``), runs ``decide_command`` on a ``Memory`` and appends the
events it returns the way ``store.workspace.Workspace.append`` does: contract
events folded with ``ledger.contract.fold_in`` (plain keeping), activity events
into a ``MonthActivity`` per (contract, month), dispute claims into an owner
map, quotes by id, payer names into a ``PayerBook`` per merchant. A given command
that is rejected raises at once, naming it.

Then one step: ``when(state, command)`` returns the events a command produces
(and appends them); ``rejects(state, command)`` returns the ``LedgerError`` and
asserts nothing was appended. ``price`` drafts a statement with
``billing.statement.draft`` over the memory's months.

``covers(*names)`` tags a test with the line codes (or command types) it
proves; ``test_coverage.py`` checks every line code and every command type is
tagged somewhere in this folder.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgspec

from app.intake import _COMMANDS
from billing.plan import DayShift, day_shifts
from billing.statement import Draft, draft
from decide import decide_command
from ledger.activity import MonthActivity
from ledger.contract import ContractState, fold_in
from ledger.errors import LedgerError
from ledger.merchant import PayerBook
from ledger.streams import ACTIVITY, CONTRACT, DISPUTE, MERCHANT, QUOTE, USER, kind_of
from ledger.users import User, fold_user
from ledger.validation import schema_error
from schemas import events as ev

RECORDED_AT = "2026-01-01T00:00:00.000000Z"

Cmd = dict[str, Any]
Given = Cmd | Iterable[Cmd]


@dataclass
class Memory:
    """A ``decide.common.State`` in memory, plus the log of what was appended."""

    contracts: dict[str, ContractState] = field(default_factory=dict)
    months: dict[tuple[str, str], MonthActivity] = field(default_factory=dict)
    disputes: dict[str, str] = field(default_factory=dict)
    users: dict[str, User | None] = field(default_factory=dict)
    quotes: dict[str, ev.QuoteIssued] = field(default_factory=dict)
    payers: dict[str, PayerBook] = field(default_factory=dict)
    log: list[tuple[str, ev.Event]] = field(default_factory=list)
    today: dt.date = dt.date(2030, 12, 31)  # the recording date: histories here are in 2026-2027

    # -- decide.common.State ------------------------------------------------
    def contract(self, contract_id: str) -> ContractState | None:
        return self.contracts.get(contract_id)

    def month(self, contract_id: str, month: str) -> MonthActivity:
        return self.months.get((contract_id, month)) or MonthActivity(month)

    def full_month(self, contract_id: str, month: str) -> MonthActivity:
        return self.month(contract_id, month)

    def activity_versions(self, contract_id: str, months: Iterable[str]) -> dict[str, int]:
        return {m: self.month(contract_id, m).version for m in months}

    def dispute_owner(self, dispute_id: str) -> str | None:
        return self.disputes.get(dispute_id)

    def user(self, name: str) -> User | None:
        return self.users.get(name)
    def quote(self, quote_id: str) -> ev.QuoteIssued | None:
        return self.quotes.get(quote_id)

    def payer_book(self, merchant_id: str) -> PayerBook:
        return self.payers.get(merchant_id) or PayerBook(merchant_id)

    def has_merchant(self, merchant_id: str) -> bool:
        return any(s.signed.merchant.id == merchant_id for s in self.contracts.values())

    # -- appending (as Workspace.append, positions from the in-memory log) ----
    def append(self, stream: str, event: ev.Event) -> None:
        self.log.append((stream, event))
        kind, rest = kind_of(stream)
        if kind == CONTRACT:
            known = None if isinstance(event, ev.ContractSigned) else self.contracts[rest]
            self.contracts[event.contract_id] = fold_in(known, event, len(self.log))
        elif kind == ACTIVITY:
            contract_id, _, month = rest.rpartition(":")
            key = (contract_id, month)
            self.months.setdefault(key, MonthActivity(month)).evolve(event)
        elif kind == USER:
            self.users[rest] = fold_user(self.users.get(rest), event)
        elif kind == QUOTE:
            assert isinstance(event, ev.QuoteIssued)
            self.quotes[rest] = event
        elif kind == MERCHANT:
            self.payers.setdefault(rest, PayerBook(rest)).evolve(event)
        elif kind == DISPUTE:  # a dispute's claim
            self.disputes[rest] = event.contract_id
        # other streams (the provider's profile) hold nothing the rules read: the log keeps them

    # -- reading helpers for the billing tests --------------------------------
    def of(self, contract_id: str = "C1") -> ContractState:
        state = self.contracts.get(contract_id)
        assert state is not None, f"no contract {contract_id} in the given history"
        return state

    def loader(self, contract_id: str = "C1") -> Callable[[str], MonthActivity]:
        return lambda month: self.month(contract_id, month)

    def shifts(self, period: str, cutoff: str | None = None,
               contract_id: str = "C1") -> list[DayShift]:
        """``billing.plan.day_shifts`` of a period, dates before ``cutoff`` only."""
        return day_shifts(self.of(contract_id), self.loader(contract_id), period,
                          _date(cutoff) if cutoff else None)


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def decode(command: Cmd) -> Any:
    """The command as intake decodes it (schema errors become ``LedgerError``)."""
    try:
        return _COMMANDS.decode(json.dumps(command, ensure_ascii=False).encode())
    except msgspec.ValidationError as exc:
        raise schema_error(str(exc)) from None


def _decide(state: Memory, command: Cmd) -> list[tuple[str, ev.Event]]:
    meta = {"command_id": command["id"], "recorded_at": RECORDED_AT}
    return decide_command(state, decode(command), meta)


def _flat(commands: Iterable[Given]) -> list[Cmd]:
    out: list[Cmd] = []
    for item in commands:
        if isinstance(item, dict):
            out.append(item)
        else:
            out.extend(_flat(item))
    return out


def given(*commands: Given) -> Memory:
    """A memory holding the events of ``commands`` (dicts, or lists of dicts); every one
    of them must be accepted."""
    return also(Memory(), *commands)


def also(state: Memory, *commands: Given) -> Memory:
    """More given history on an existing memory."""
    for command in _flat(commands):
        try:
            emitted = _decide(state, command)
        except LedgerError as error:
            raise AssertionError(
                f"given command {command.get('type')} {command.get('id')} was rejected: "
                f"{error.code} on {error.field}: {error.message}") from None
        for stream, event in emitted:
            state.append(stream, event)
    return state


def emits(state: Memory, command: Cmd) -> list[tuple[str, ev.Event]]:
    """(stream, event) pairs the command produces; they are appended."""
    emitted = _decide(state, command)
    for stream, event in emitted:
        state.append(stream, event)
    return emitted


def when(state: Memory, command: Cmd) -> list[ev.Event]:
    """The events the command produces; they are appended."""
    return [event for _, event in emits(state, command)]


def rejects(state: Memory, command: Cmd) -> LedgerError:
    """The error the command is rejected with; asserts nothing was appended."""
    before = len(state.log)
    try:
        emitted = _decide(state, command)
    except LedgerError as error:
        assert len(state.log) == before, "a rejected command appended events"
        return error
    raise AssertionError(f"{command['type']} was accepted: {[type(e).__name__ for _, e in emitted]}")


def price(state: Memory, contract_id: str, period: str, issued_on: str) -> Draft:
    """``billing.statement.draft`` of the period as issuing it on ``issued_on`` would."""
    return draft(state.of(contract_id), state.loader(contract_id), period, _date(issued_on))


F = TypeVar("F", bound=Callable[..., Any])


def covers(*names: str) -> Callable[[F], F]:
    """Tag a test with the line codes or command types it proves."""
    def tag(fn: F) -> F:
        fn.covers = (*getattr(fn, "covers", ()), *names)  # type: ignore[attr-defined]
        return fn
    return tag


def covered(prefix: str) -> dict[str, list[str]]:
    """name -> the tests tagged with it, over the modules ``<prefix>*.py`` of this folder
    (imported here, so the answer does not depend on which tests pytest collected)."""
    import importlib
    from pathlib import Path

    out: dict[str, list[str]] = {}
    for path in sorted(Path(__file__).parent.glob(f"{prefix}*.py")):
        module = importlib.import_module(f".{path.stem}", __package__)
        for name, fn in vars(module).items():
            if name.startswith("test_") and callable(fn):
                for tag in getattr(fn, "covers", ()):
                    out.setdefault(tag, []).append(f"{path.stem}.{name}")
    return out
