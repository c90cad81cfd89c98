"""One month of a contract's activity, folded from ``activity:<id>:<YYYY-MM>``.

Shifts are kept per (date, code) as the set of agents with a recorded,
unretracted shift; sales and service metrics as lists. Which of them are
billable is decided at billing time (liveness judged with what is known then).

``Month`` is what rules and billing read of a month; ``MonthActivity`` is its
plain form, with the command id of every shift, sale and metric it holds as
evidence (a retraction leaves none: the shift it retracts is gone). The store may hand out
a compact form of the same interface (``store.light``), whose evidence is
empty: ``agents_on`` then gives ``None`` for the command ids.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Protocol

from schemas import events as ev


class Month(Protocol):
    """A month of activity as the rules and billing read it."""

    @property
    def version(self) -> int:
        """The activity stream's version: how many events were folded."""

    def has_shift(self, agent_id: str, day: dt.date, code: str) -> bool:
        """Does the agent have a recorded, unretracted shift ``code`` on ``day``?"""

    def agents_on(self, day: dt.date, code: str) -> list[tuple[str, str | None]]:
        """(agent id, command id of the shift or None) for each recorded, unretracted shift."""

    def sale_rows(self) -> list[tuple[dt.date, int, str | None]]:
        """(date, sales_fen, command id or None) of the month's sales."""


@dataclass
class MonthActivity:
    month: str
    version: int = 0
    shifts: dict[tuple[dt.date, str], dict[str, str]] = field(
        default_factory=lambda: defaultdict(dict))  # (date, code) -> agent -> command id
    sales: list[ev.SalesRecorded] = field(default_factory=list)
    metrics: list[ev.ServiceMetricsRecorded] = field(default_factory=list)

    def evolve(self, event: ev.Event) -> None:
        self.version += 1
        if isinstance(event, ev.ShiftRecorded):
            self.shifts[(event.date, event.shift)][event.agent_id] = event.command_id
        elif isinstance(event, ev.ShiftRetracted):
            self.shifts[(event.date, event.shift)].pop(event.agent_id, None)
        elif isinstance(event, ev.SalesRecorded):
            self.sales.append(event)
        elif isinstance(event, ev.ServiceMetricsRecorded):
            self.metrics.append(event)

    def has_shift(self, agent_id: str, day: dt.date, code: str) -> bool:
        return agent_id in self.shifts.get((day, code), {})

    def agents_on(self, day: dt.date, code: str) -> list[tuple[str, str | None]]:
        return list(self.shifts.get((day, code), {}).items())

    def sale_rows(self) -> list[tuple[dt.date, int, str | None]]:
        return [(s.date, s.sales_fen, s.command_id) for s in self.sales]
