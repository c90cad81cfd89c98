"""The lean keeping a long intake gives its warm contract states (``ledger.kept``).

- ``LeanInspections``: per month, each inspection's date and score (one shared
  object per distinct value) and its stream version, and the sorted hashes of
  the inspection ids: 24 bytes an inspection instead of ~700. A hash hit, and
  an inspection a statement bills, are confirmed by fetching those events
  again.
- ``LazyIssued``: an issued statement without its body; the settlement event
  is fetched again (once) when a report asks for it.

Both fetch through ``EventFetch``: the contract's events by stream version,
from the store or from a batch not yet written.
"""

from __future__ import annotations

import datetime as dt
from array import array
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from ledger.kept import Inspections, Issued, IssuedFacts
from ledger.periods import month_of
from schemas import events as ev

EventFetch = Callable[[Sequence[int]], list[ev.Event]]


class Interned:
    """One object per distinct date and score, shared by every lean state of an intake."""

    LIMIT = 100_000

    def __init__(self) -> None:
        self._values: dict[Any, Any] = {}

    def __call__(self, value: Any) -> Any:
        if len(self._values) > self.LIMIT:
            self._values.clear()
        return self._values.setdefault((type(value), value), value)


class _QaMonth:
    __slots__ = ("dates", "scores", "versions")

    def __init__(self) -> None:
        self.dates: list[dt.date] = []
        self.scores: list[Decimal] = []
        self.versions = array("q")


class LeanInspections:
    """Inspections as dates, scores and versions (see the module docstring)."""

    def __init__(self, fetch: EventFetch, intern: Interned) -> None:
        self._fetch = fetch
        self._intern = intern
        self._keys = array("q")  # hash() of each inspection id, sorted
        self._months: dict[str, _QaMonth] = defaultdict(_QaMonth)

    def add(self, event: ev.QaInspected, version: int) -> None:
        insort(self._keys, hash(event.inspection_id))
        qa = self._months[month_of(event.date)]
        qa.dates.append(self._intern(event.date))
        qa.scores.append(self._intern(event.score))
        qa.versions.append(version)

    def __contains__(self, inspection_id: object) -> bool:
        key = hash(inspection_id)
        i = bisect_left(self._keys, key)
        if i == len(self._keys) or self._keys[i] != key:
            return False
        versions = [v for qa in self._months.values() for v in qa.versions]
        return any(getattr(e, "inspection_id", None) == inspection_id for e in self._fetch(versions))

    def dated_in(self, month: str, keep: Callable[[dt.date, Decimal], bool]) -> list[ev.QaInspected]:
        qa = self._months.get(month)
        if qa is None:
            return []
        wanted = [v for d, score, v in zip(qa.dates, qa.scores, qa.versions, strict=True)
                  if keep(d, score)]
        found = self._fetch(wanted) if wanted else []
        return [e for e in found if isinstance(e, ev.QaInspected)]


class LazyIssued(IssuedFacts):
    """An issued statement whose settlement event is fetched again when asked for."""

    __slots__ = ("_event", "_fetch")

    def __init__(self, event: ev.SettlementIssued, position: int, version: int,
                 fetch: EventFetch) -> None:
        super().__init__(event, position, version)
        self._fetch = fetch
        self._event: ev.SettlementIssued | None = None

    @property
    def event(self) -> ev.SettlementIssued:
        if self._event is None:
            found = [e for e in self._fetch([self.version]) if isinstance(e, ev.SettlementIssued)]
            if len(found) != 1 or found[0].period != self.period:
                raise RuntimeError(f"settlement of {self.period} not found at version {self.version}")
            self._event = found[0]
        return self._event


class LeanKeeping:
    """The ``ledger.kept.Keeping`` of one contract in a long intake."""

    def __init__(self, fetch: EventFetch, intern: Interned) -> None:
        self.fetch = fetch
        self._intern = intern

    def inspections(self) -> Inspections:
        return LeanInspections(self.fetch, self._intern)

    def issued(self, event: ev.SettlementIssued, position: int, version: int) -> Issued:
        return LazyIssued(event, position, version, self.fetch)
