"""One month of a contract's activity, folded from ``activity:<id>:<YYYY-MM>``.

Shifts are kept per (date, code) as the set of agents with a recorded,
unretracted shift; sales and service metrics as lists. Which of them are
billable is decided at billing time (liveness judged with what is known then).
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections import defaultdict
from collections.abc import MutableSequence
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

    def agents_on(self, day: dt.date, code: str) -> list[tuple[str, str | None]]:
        """(agent, command id) with a recorded, unretracted shift."""
        return list(self.shifts.get((day, code), {}).items())

    def sale_rows(self) -> list[tuple[dt.date, int, str | None]]:
        """(date, sales_fen, command id) of every sales record."""
        return [(s.date, s.sales_fen, s.command_id) for s in self.sales]


class MonthShifts:
    """A month as intake and issuing need it: the stream version, the recorded
    shifts as one bitmask of agents per (day, shift code), and sales per day.

    About a kilobyte a month (flat arrays indexed by code index * 32 + day, and
    by day), so a long submit keeps hundreds of months warm and a statement is
    priced without reading its months again. It carries no evidence: ``explain``
    and the reports read the full ``MonthActivity``. ``agents`` (bit -> agent
    id) and ``codes`` (shift code -> index) belong to the contract, shared by
    its months. An array turns into a list when a value outgrows 64 bits.
    """

    __slots__ = ("agents", "codes", "masks", "month", "sales", "version")

    def __init__(self, month: str, agents: list[str], codes: dict[str, int]) -> None:
        self.version = 0
        self.month = month
        self.agents = agents
        self.codes = codes
        self.masks: MutableSequence[int] = array("Q")  # code index * 32 + day -> agents' bits
        self.sales: MutableSequence[int] = array("q", bytes(8 * 32))  # day -> fen

    def _key(self, day: dt.date, code: str) -> int:
        index = self.codes.get(code)
        if index is None:
            index = self.codes[code] = len(self.codes)
        return index * 32 + day.day

    def _mask(self, key: int) -> int:
        return self.masks[key] if key < len(self.masks) else 0

    def _set_mask(self, key: int, mask: int) -> None:
        if key >= len(self.masks):
            self.masks.extend(bytes(key + 1 - len(self.masks)))
        try:
            self.masks[key] = mask
        except OverflowError:  # a 65th agent on the contract
            self.masks = list(self.masks)
            self.masks[key] = mask

    def evolve(self, event: ev.Event, agent_bit: int) -> None:
        self.version += 1
        if isinstance(event, ev.ShiftRecorded):
            key = self._key(event.date, event.shift)
            self._set_mask(key, self._mask(key) | agent_bit)
        elif isinstance(event, ev.ShiftRetracted):
            key = self._key(event.date, event.shift)
            self._set_mask(key, self._mask(key) & ~agent_bit)
        elif isinstance(event, ev.SalesRecorded):
            day = event.date.day
            try:
                self.sales[day] += event.sales_fen
            except OverflowError:
                self.sales = list(self.sales)
                self.sales[day] += event.sales_fen

    def has_shift(self, agent_bit: int, day: dt.date, code: str) -> bool:
        return bool(self._mask(self._key(day, code)) & agent_bit)

    def agents_on(self, day: dt.date, code: str) -> list[tuple[str, str | None]]:
        mask = self._mask(self._key(day, code))
        out: list[tuple[str, str | None]] = []
        index = 0
        while mask:
            if mask & 1:
                out.append((self.agents[index], None))
            mask >>= 1
            index += 1
        return out

    def sale_rows(self) -> list[tuple[dt.date, int, str | None]]:
        first = dt.date.fromisoformat(f"{self.month}-01")
        return [(first.replace(day=day), fen, None) for day, fen in enumerate(self.sales) if fen]


def activity_stream(contract_id: str, month: str) -> str:
    return f"activity:{contract_id}:{month}"


def contract_stream(contract_id: str) -> str:
    return f"contract:{contract_id}"


def dispute_stream(dispute_id: str) -> str:
    return f"dispute:{dispute_id}"
