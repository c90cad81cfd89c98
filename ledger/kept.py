"""How a contract state keeps its bulkiest facts: QA inspections and issued statements.

The rules and billing ask a state for its inspections (``Inspections``) and
its issued statements (``Issued``) through these interfaces only. The plain
forms here keep the events themselves. A long intake keeps thousands of
contracts warm, so the store hands a state a leaner ``Keeping`` (``store.lean``:
inspections as dates, scores and stream versions; settlements fetched again
when a report asks), which answers the same questions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Protocol

from ledger.periods import month_of
from schemas import events as ev


class Inspections(Protocol):
    """A contract's QA inspections."""

    def add(self, event: ev.QaInspected, version: int) -> None:
        """Keep an inspection (``version``: its event's version in the contract stream)."""

    def __contains__(self, inspection_id: object) -> bool:
        """Is there an inspection with this id?"""

    def dated_in(self, month: str, keep: Callable[[dt.date, Decimal], bool]) -> list[ev.QaInspected]:
        """The inspections dated in ``month`` for which ``keep(date, score)``, as events."""


class Issued(Protocol):
    """An issued statement as the contract remembers it."""

    period: str
    issued_on: dt.date
    final: bool
    command_id: str
    position: int  # the settlement event's log position
    version: int  # its version in the contract stream
    billed_adjustments: list[str]
    billed_breaches: list[str]

    @property
    def event(self) -> ev.SettlementIssued:
        """The settlement event, with the frozen statement."""


class Keeping(Protocol):
    """Makes the containers a contract state keeps these facts in."""

    def inspections(self) -> Inspections: ...

    def issued(self, event: ev.SettlementIssued, position: int, version: int) -> Issued: ...


class KeptInspections:
    """Every inspection event, by month."""

    def __init__(self) -> None:
        self._by_month: dict[str, list[ev.QaInspected]] = defaultdict(list)
        self._ids: set[str] = set()

    def add(self, event: ev.QaInspected, version: int) -> None:
        self._by_month[month_of(event.date)].append(event)
        self._ids.add(event.inspection_id)

    def __contains__(self, inspection_id: object) -> bool:
        return inspection_id in self._ids

    def dated_in(self, month: str, keep: Callable[[dt.date, Decimal], bool]) -> list[ev.QaInspected]:
        return [e for e in self._by_month.get(month, ()) if keep(e.date, e.score)]


class IssuedFacts:
    """What every form of ``Issued`` keeps of the settlement event (all but its statement)."""

    __slots__ = ("billed_adjustments", "billed_breaches", "command_id", "final", "issued_on",
                 "period", "position", "version")

    def __init__(self, event: ev.SettlementIssued, position: int, version: int) -> None:
        self.period = event.period
        self.issued_on = event.issued_on
        self.final = event.final
        self.command_id = event.command_id
        self.position = position
        self.version = version
        self.billed_adjustments = event.billed_adjustments
        self.billed_breaches = event.billed_breaches


class KeptIssued(IssuedFacts):
    """An issued statement with its settlement event."""

    __slots__ = ("event",)

    def __init__(self, event: ev.SettlementIssued, position: int, version: int) -> None:
        super().__init__(event, position, version)
        self.event = event


class KeepAll:
    """The plain keeping: every event kept as folded."""

    def inspections(self) -> Inspections:
        return KeptInspections()

    def issued(self, event: ev.SettlementIssued, position: int, version: int) -> Issued:
        return KeptIssued(event, position, version)


KEEP_ALL = KeepAll()
