"""A unit of work over the store: load streams once, fold, append, commit.

The decide functions read contract and month states (and dispute owners and
quotes) through the workspace
(it is their ``decide.State``) and intake appends the events they return;
the events fold into the cached states at once, so the next command of the
same batch sees them. Contracts are kept lean (``store.lean``) and months
light (``store.light``), so a long intake keeps thousands of them warm.
``commit`` writes every pending event of the batch (many streams) and the
batch's command rows in one transaction.
On a version conflict (another writer), the caller discards and retries.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ledger.activity import MonthActivity
from ledger.contract import ContractState, fold_in
from ledger.merchant import PayerBook
from ledger.streams import (
    ACTIVITY,
    CONTRACT,
    DISPUTE,
    MERCHANT,
    QUOTE,
    USER,
    activity_stream,
    contract_stream,
    dispute_stream,
    kind_of,
    merchant_stream,
    quote_stream,
    user_stream,
)
from ledger.users import User, fold_user
from schemas import events as ev
from store.codec import CommandLine, command_rows
from store.eventstore import Pending, Store
from store.lean import EventFetch, Interned, LeanKeeping
from store.light import ContractIndex, MonthShifts

# Light months kept between batches, least recently used out: about 1 KB each
# (2 MB in all), a year of 150 contracts, or the current, previous and
# quarter's months of several hundred. A bound, so memory does not grow with history.
MONTH_CACHE = 2048
PREFETCH = MONTH_CACHE // 4  # streams read ahead for one batch, at most (so they stay cached)
MAX_ID = 200  # characters in an id (schemas.types.Id): a longer contract_id is never stored


@dataclass(eq=False)
class Flight:
    """A batch's events on their way to the store, the months they touch, and its contract
    events by (stream, version): what a lean contract state may fetch before it is stored."""

    pending: list[Pending]
    unsaved: set[tuple[str, str]]
    contract_events: dict[tuple[str, int], ev.Event]


def _scalar(value: Any) -> Any:
    """``value`` if it can be a key (not an array nor an object), else None."""
    return None if isinstance(value, list | dict) else value


class Workspace:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.today = dt.date.max  # the recording date; intake sets it for every batch
        self.contracts: dict[str, ContractState | None] = {}
        self.months: OrderedDict[tuple[str, str], MonthShifts] = OrderedDict()
        self._unsaved: set[tuple[str, str]] = set()
        self.inflight: list[Flight] = []  # detached batches being written
        self._indexes: dict[str, ContractIndex] = {}
        self._intern = Interned()
        self.disputes: dict[str, str | None] = {}
        self.pending: list[Pending] = []
        self._contract_events: dict[tuple[str, int], ev.Event] = {}  # those of ``pending``
        self._dispute_versions: dict[str, int] = {}
        self.users: dict[str, User | None] = {}
        self.quotes: dict[str, ev.QuoteIssued | None] = {}
        self.payers: dict[str, PayerBook] = {}
        self._merchants: set[str] | None = None  # merchant ids with a contract, read once
        self._versions: dict[str, int] = {}  # other streams: their last version
        self._month_keys: dict[str, tuple[str, str]] = {}  # activity stream -> (contract, month)

    # -- reading ------------------------------------------------------------
    def contract(self, contract_id: str) -> ContractState | None:
        try:
            return self.contracts[contract_id]
        except KeyError:
            pass
        state: ContractState | None = None
        keeping = self._keeping(contract_id)
        for rec in self.store.stream(contract_stream(contract_id)):
            state = fold_in(state, rec.event, rec.position, rec.version, keeping)
        self.contracts[contract_id] = state
        return state

    def prefetch(self, named: Sequence[tuple[Any, Any]]) -> None:
        """Read ahead, in one query, the contracts and the activity months that a
        batch of commands names (``contract_id`` and ``date`` of each line's JSON
        object, not checked yet, or of its decoded command) and that are not warm
        yet. One round trip instead of one per stream (on PostgreSQL each read is a
        round trip to the server), which counts when a load touches many contracts
        and months. Only a hint: a stream it does not foresee is read when the rules
        ask for it, as before; what it reads is what ``contract`` and ``shifts`` would
        read (nothing in flight is uncached). Cheap: only the few distinct pairs are
        looked at."""
        try:
            distinct = dict.fromkeys(named)
        except TypeError:  # an array or an object where an id or a date goes: none of them
            distinct = dict.fromkeys((_scalar(cid), _scalar(day)) for cid, day in named)
        contracts: dict[str, None] = {}
        months: dict[tuple[str, str], None] = {}
        for cid, named_day in distinct:
            day = named_day.isoformat() if isinstance(named_day, dt.date) else named_day
            # the line is not checked yet: only what could be a stored id (no NUL, which no
            # database stores, nor a length the schema refuses) is worth a read
            if not isinstance(cid, str) or not cid or len(cid) > MAX_ID or "\x00" in cid:
                continue
            if cid not in self.contracts:
                contracts[cid] = None
            if (isinstance(day, str) and len(day) == 10 and day[4] == "-"
                    and day[:4].isdigit() and day[5:7].isdigit()):
                key = (cid, day[:7])
                if key not in self.months:
                    months[key] = None
            if len(contracts) + len(months) >= PREFETCH:
                break
        if not contracts and not months:
            return
        found = self.store.streams([*map(contract_stream, contracts),
                                    *(activity_stream(cid, month) for cid, month in months)])
        for cid in contracts:
            state: ContractState | None = None
            keeping = self._keeping(cid)
            for rec in found.get(contract_stream(cid), []):
                state = fold_in(state, rec.event, rec.position, rec.version, keeping)
            self.contracts[cid] = state
        for key in months:
            light = MonthShifts(key[1], self._indexes.setdefault(key[0], ContractIndex()))
            for rec in found.get(activity_stream(*key), []):
                light.evolve(rec.event)
            self.months[key] = light
        self._evict()

    def _keeping(self, contract_id: str) -> LeanKeeping:
        return LeanKeeping(self._fetcher(contract_id), self._intern)

    def _fetcher(self, contract_id: str) -> EventFetch:
        """A contract's events by version: stored, or else still in a batch (unsaved)."""
        stream = contract_stream(contract_id)

        def fetch(versions: Sequence[int]) -> list[ev.Event]:
            found = {r.version: r.event for r in self.store.stream_at(stream, versions)}
            for version in set(versions) - found.keys():
                for events in (*(f.contract_events for f in self.inflight), self._contract_events):
                    if (stream, version) in events:
                        found[version] = events[stream, version]
            return [found[v] for v in sorted(found)]
        return fetch

    def shifts(self, contract_id: str, month: str) -> MonthShifts:
        """The light month intake validates against; cached, least recently used first out."""
        key = (contract_id, month)
        light = self.months.get(key)
        if light is None:
            index = self._indexes.setdefault(contract_id, ContractIndex())
            light = MonthShifts(month, index)
            for rec in self.store.stream(activity_stream(contract_id, month)):
                light.evolve(rec.event)
            self.months[key] = light
            self._evict(keep=key)
        else:
            self.months.move_to_end(key)
        return light

    def _evict(self, keep: tuple[str, str] | None = None) -> None:
        """Drop the least recently used months beyond the bound; never one with
        unsaved events (reading it again would miss them) nor ``keep`` (just loaded:
        its caller is about to fold into it)."""
        while len(self.months) > MONTH_CACHE:
            pinned = self._unsaved.union(*(f.unsaved for f in self.inflight))
            if keep is not None:
                pinned.add(keep)
            for key in self.months:  # oldest first
                if key not in pinned:
                    del self.months[key]
                    break
            else:
                return

    def full_month(self, contract_id: str, month: str) -> MonthActivity:
        """Everything of a month, for billing: the stored stream plus unsaved events."""
        activity = MonthActivity(month)
        stream = activity_stream(contract_id, month)
        for event in self.store.events(stream):
            activity.evolve(event)
        for pending in (*(p for f in self.inflight for p in f.pending), *self.pending):
            if pending.originator_id == stream:
                activity.evolve(pending.event)
        return activity

    month = shifts  # a month for the rules and for pricing a statement: the warm light month

    def activity_versions(self, contract_id: str, months: Iterable[str]) -> dict[str, int]:
        """Month -> current version of those activity streams (unsaved events included)."""
        out: dict[str, int] = {}
        ask: list[str] = []
        for month in months:
            light = self.months.get((contract_id, month))
            if light is not None:
                out[month] = light.version
            else:
                ask.append(month)
        stored = self.store.stream_versions([activity_stream(contract_id, m) for m in ask])
        for month in ask:
            out[month] = stored.get(activity_stream(contract_id, month), 0)
        return out

    def dispute_owner(self, dispute_id: str) -> str | None:
        if dispute_id not in self.disputes:
            records = self.store.stream(dispute_stream(dispute_id))
            self.disputes[dispute_id] = records[0].event.contract_id if records else None
            self._dispute_versions[dispute_id] = len(records)
        return self.disputes[dispute_id]

    def user(self, name: str) -> User | None:
        if name not in self.users:
            user: User | None = None
            for rec in self.store.stream(user_stream(name)):
                user = fold_user(user, rec.event)
            self.users[name] = user
        return self.users[name]
    def quote(self, quote_id: str) -> ev.QuoteIssued | None:
        """The quote's one event (``quote:<id>``), stored or appended in this batch."""
        if quote_id not in self.quotes:
            found = None
            for rec in self.store.stream(quote_stream(quote_id)):
                if isinstance(rec.event, ev.QuoteIssued):
                    found = rec.event
            self.quotes[quote_id] = found
        return self.quotes[quote_id]
    def payer_book(self, merchant_id: str) -> PayerBook:
        book = self.payers.get(merchant_id)
        if book is None:
            book = self.payers[merchant_id] = PayerBook(merchant_id)
            for rec in self.store.stream(merchant_stream(merchant_id)):
                book.evolve(rec.event)
        return book

    def has_merchant(self, merchant_id: str) -> bool:
        """From every stored signing, read once per workspace (a range scan), and the
        signings decided since."""
        if self._merchants is None:
            self._merchants = {r.event.merchant.id for r in self.store.first_events(
                contract_stream("")) if isinstance(r.event, ev.ContractSigned)}
            self._merchants.update(s.signed.merchant.id for s in self.contracts.values() if s)
        return merchant_id in self._merchants

    # -- writing ------------------------------------------------------------
    def append(self, stream: str, event: ev.Event) -> None:
        kind, rest = ACTIVITY, ""
        month_key = self._month_keys.get(stream)  # an activity stream seen before
        if month_key is None:
            kind, rest = kind_of(stream)
            if kind == ACTIVITY:
                contract_id, _, month = rest.rpartition(":")
                if len(self._month_keys) >= 4 * MONTH_CACHE:  # a bound: forget, parse again
                    self._month_keys.clear()
                month_key = self._month_keys[stream] = (contract_id, month)
        if month_key is not None:  # the most frequent
            light = self.shifts(*month_key)
            light.evolve(event)
            version = light.version
            self._unsaved.add(month_key)
        elif kind == CONTRACT:
            known = None if isinstance(event, ev.ContractSigned) else self.contract(rest)
            state = self.contracts[event.contract_id] = fold_in(
                known, event, 0, 0, self._keeping(event.contract_id))
            version = state.version
            self._contract_events[stream, version] = event
            if isinstance(event, ev.ContractSigned) and self._merchants is not None:
                self._merchants.add(event.merchant.id)
        elif kind == USER:
            user = self.users[rest] = fold_user(self.user(rest), event)
            assert user is not None
            version = user.version
        elif kind == QUOTE:  # a stream of one event: a second one collides on version 1
            assert isinstance(event, ev.QuoteIssued)
            self.quotes[rest] = event
            version = 1
        elif kind == MERCHANT:
            book = self.payer_book(rest)
            book.evolve(event)
            version = book.version
        elif kind == DISPUTE:  # a dispute's claim
            self.disputes[rest] = event.contract_id
            version = self._dispute_versions.get(rest, 0) + 1
            self._dispute_versions[rest] = version
        else:  # a stream of its own (the provider's profile): only its version is kept
            if stream not in self._versions:
                self._versions[stream] = self.store.stream_versions([stream]).get(stream, 0)
            version = self._versions[stream] = self._versions[stream] + 1
        self.pending.append(Pending(stream, version, event))

    def commit(self, commands: list[CommandLine]) -> list[int]:
        """Save the pending events and the accepted commands' rows now (one transaction)."""
        flight = self.detach()
        positions = (self.store.save(flight.pending, command_rows(commands))
                     if flight.pending or commands else [])
        self.landed(flight)
        return positions

    def detach(self) -> Flight:
        """Hand the pending events over for saving; the states keep them folded in."""
        flight = Flight(self.pending, self._unsaved, self._contract_events)
        self.pending, self._unsaved, self._contract_events = [], set(), {}
        self.inflight.append(flight)
        return flight

    def landed(self, flight: Flight) -> None:
        self.inflight.remove(flight)
        self._evict()

    def discard(self) -> None:
        """Forget everything cached: another writer may have moved on."""
        self.contracts.clear()
        self.months.clear()
        self.disputes.clear()
        self._dispute_versions.clear()
        self.users.clear()
        self.quotes.clear()
        self.payers.clear()
        self._merchants = None
        self._versions.clear()
        self.pending = []
        self._contract_events = {}
        self._unsaved = set()
        self.inflight = []
