"""One month of a contract's activity, folded from ``activity:<id>:<YYYY-MM>``.

Shifts are kept per (date, code) as the set of agents with a recorded,
unretracted shift; sales and service metrics as lists. Which of them are
billable is decided at billing time (liveness judged with what is known then).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from schemas import events as ev


@dataclass
class MonthActivity:
    month: str
    version: int = 0
    shifts: dict[tuple[dt.date, str], dict[str, str]] = field(
        default_factory=lambda: defaultdict(dict))  # (date, code) -> agent -> command id
    shift_evidence: dict[tuple[dt.date, str], list[str]] = field(
        default_factory=lambda: defaultdict(list))
    sales: list[ev.SalesRecorded] = field(default_factory=list)
    metrics: list[ev.ServiceMetricsRecorded] = field(default_factory=list)

    def evolve(self, event: ev.Event) -> None:
        self.version += 1
        if isinstance(event, ev.ShiftRecorded):
            key = (event.date, event.shift)
            self.shifts[key][event.agent_id] = event.command_id
            self.shift_evidence[key].append(event.command_id)
        elif isinstance(event, ev.ShiftRetracted):
            key = (event.date, event.shift)
            self.shifts[key].pop(event.agent_id, None)
            self.shift_evidence[key].append(event.command_id)
        elif isinstance(event, ev.SalesRecorded):
            self.sales.append(event)
        elif isinstance(event, ev.ServiceMetricsRecorded):
            self.metrics.append(event)

    def has_shift(self, agent_id: str, day: dt.date, code: str) -> bool:
        return agent_id in self.shifts.get((day, code), {})


def activity_stream(contract_id: str, month: str) -> str:
    return f"activity:{contract_id}:{month}"


def contract_stream(contract_id: str) -> str:
    return f"contract:{contract_id}"


def dispute_stream(dispute_id: str) -> str:
    return f"dispute:{dispute_id}"
