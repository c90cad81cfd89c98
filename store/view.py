"""Loading contract and month states for reports, optionally as of a time.

``as_of`` (RFC 3339) keeps only events recorded at or before it: what the
ledger knew then. ``before`` (a log position) keeps only events written
before it: what the ledger knew when an event was written (used to reproduce
and explain issued statements).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from billing.plan import MonthLoader
from ledger.activity import MonthActivity
from ledger.contract import ContractState, fold_in
from ledger.merchant import PayerBook
from ledger.streams import MERCHANT, activity_stream, contract_stream, merchant_stream
from schemas import events as ev
from store.eventstore import Recorded, Store

# Streams read in one query when a report or the read models' catch-up folds many contracts.
# A page's contracts are decoded and folded together, so the page bounds the memory: 16
# contract streams of the 1.0x benchmark year peak at 53 MB in `ledger rebuild`, 200 (all 120
# contracts at once) at 107 MB, in the same time; on PostgreSQL 8 round trips instead of 1.
PAGE = 16


def parse_as_of(text: str) -> str:
    """Normalise an RFC 3339 timestamp to the stored form (UTC, microseconds, Z)."""
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class View:
    """A filtered view of the log: everything, as of a time, or before a position."""

    store: Store
    as_of: str | None = None
    before: int | None = None
    _months: dict[tuple[str, str], MonthActivity] = field(default_factory=dict)

    def keep(self, rec: Recorded) -> bool:
        if self.before is not None and rec.position >= self.before:
            return False
        return self.as_of is None or rec.event.recorded_at <= self.as_of

    def records(self, stream: str) -> list[Recorded]:
        records = self.store.stream(stream)
        if self.as_of is None and self.before is None:  # everything: nothing to filter
            return records
        return [r for r in records if self.keep(r)]

    def contract(self, contract_id: str) -> ContractState | None:
        state: ContractState | None = None
        for rec in self.records(contract_stream(contract_id)):
            state = fold_in(state, rec.event, rec.position, rec.version)
        return state

    def month(self, contract_id: str, month: str) -> MonthActivity:
        key = (contract_id, month)
        if key not in self._months:
            activity = MonthActivity(month)
            stream = activity_stream(contract_id, month)
            for event in (self.store.events(stream) if self.as_of is None and self.before is None
                          else [r.event for r in self.records(stream)]):
                activity.evolve(event)
            self._months[key] = activity
        return self._months[key]

    def loader(self, contract_id: str) -> Callable[[str], MonthActivity]:
        return lambda month: self.month(contract_id, month)

    def contract_ids(self) -> list[str]:
        return [s.split(":", 1)[1] for s in self.store.streams_with_prefix("contract:")]

    def payer_book(self, merchant_id: str) -> PayerBook:
        book = PayerBook(merchant_id)
        for rec in self.records(merchant_stream(merchant_id)):
            book.evolve(rec.event)
        return book

    def payer_books(self) -> list[PayerBook]:
        """The payer names of every merchant that has any (``merchant:`` streams)."""
        out = []
        streams = self.store.streams_with_prefix(f"{MERCHANT}:")
        for first in range(0, len(streams), PAGE):
            found = self.store.streams(streams[first:first + PAGE])
            for stream in streams[first:first + PAGE]:
                book = PayerBook(stream.split(":", 1)[1])
                for rec in found.get(stream, []):
                    if self.keep(rec):
                        book.evolve(rec.event)
                out.append(book)
        return out

    def fold(self, records: list[Recorded]) -> ContractState | None:
        """A contract state from its stream's records (those this view keeps)."""
        state: ContractState | None = None
        for rec in records:
            if self.keep(rec):
                state = fold_in(state, rec.event, rec.position, rec.version)
        return state

    def contracts(self, only: str | None = None) -> list[ContractState]:
        """Every contract (or ``only`` that one), read ``PAGE`` streams a query."""
        if only:
            state = self.contract(only)
            return [state] if state is not None else []
        out = []
        ids = self.contract_ids()
        for first in range(0, len(ids), PAGE):
            streams = [contract_stream(cid) for cid in ids[first:first + PAGE]]
            found = self.store.streams(streams)
            for stream in streams:
                state = self.fold(found.get(stream, []))
                if state is not None:
                    out.append(state)
        return out


def as_issued(store: Store, contract_id: str) -> Iterator[tuple[Recorded, ContractState, MonthLoader]]:
    """Each settlement of a contract with the state and activity it was issued from.

    One pass over the contract stream: at each ``SettlementIssued`` the state
    folded so far is the contract as it was; each month is read once and cut
    at the version the settlement recorded (or, for a month it did not record,
    at the settlement's log position). Consume each item before the next: the
    state and the months move on.
    """
    months: dict[str, list[Recorded]] = {}
    folded: dict[str, tuple[MonthActivity, int]] = {}  # month -> activity of its first n records

    def records(month: str) -> list[Recorded]:
        if month not in months:
            months[month] = store.stream(activity_stream(contract_id, month))
        return months[month]

    def month_at(month: str, seen: dict[str, int], at: int) -> MonthActivity:
        """The month cut where the settlement saw it. Cuts only grow from one
        settlement to the next, so each month is folded forward once."""
        rows = records(month)
        if month in seen:
            n = bisect_right(rows, seen[month], key=lambda r: r.version)
        else:
            n = bisect_left(rows, at, key=lambda r: r.position)
        activity, done = folded.get(month, (None, 0))
        if activity is None or done > n:
            activity, done = MonthActivity(month), 0
        for r in rows[done:n]:
            activity.evolve(r.event)
        folded[month] = (activity, n)
        return activity

    state: ContractState | None = None
    for rec in store.stream(contract_stream(contract_id)):
        event = rec.event
        if isinstance(event, ev.SettlementIssued) and state is not None:
            seen = {m: v for q in event.versions.values() for m, v in q.items()}

            def loader(month: str, seen: dict[str, int] = seen, at: int = rec.position) -> MonthActivity:
                return month_at(month, seen, at)
            yield rec, state, loader
        state = fold_in(state, event, rec.position, rec.version)
