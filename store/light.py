"""The light month intake keeps warm: a compact ``ledger.activity.Month``.

About a kilobyte a month (flat arrays indexed by code index * 32 + day, and by
day), so a long submit keeps hundreds of months warm and a statement is priced
without reading its months again. The recorded shifts are one bitmask of
agents per (day, shift code); sales are summed per day. It carries no
evidence (``agents_on`` gives no command ids): ``explain`` and the reports read
the full ``MonthActivity``. The agents' bits and the shift codes' indexes
belong to the contract (``ContractIndex``), shared by its months. An array
turns into a list when a value outgrows 64 bits.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import MutableSequence

from schemas import events as ev


class ContractIndex:
    """A bit for each agent and an index for each shift code of one contract."""

    __slots__ = ("agents", "bits", "codes")

    def __init__(self) -> None:
        self.agents: list[str] = []  # bit number -> agent id
        self.bits: dict[str, int] = {}  # agent id -> its bit
        self.codes: dict[str, int] = {}  # shift code -> index

    def bit(self, agent_id: str) -> int:
        bit = self.bits.get(agent_id)
        if bit is None:
            bit = self.bits[agent_id] = 1 << len(self.agents)
            self.agents.append(agent_id)
        return bit


class MonthShifts:
    """A month's shifts as agents' bitmasks and its sales per day (see the module docstring)."""

    __slots__ = ("index", "masks", "month", "sales", "version")

    def __init__(self, month: str, index: ContractIndex) -> None:
        self.version = 0
        self.month = month
        self.index = index
        self.masks: MutableSequence[int] = array("Q")  # code index * 32 + day -> agents' bits
        self.sales: MutableSequence[int] = array("q", bytes(8 * 32))  # day -> fen

    def _key(self, day: dt.date, code: str) -> int:
        codes = self.index.codes
        index = codes.get(code)
        if index is None:
            index = codes[code] = len(codes)
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

    def evolve(self, event: ev.Event) -> None:
        self.version += 1
        if isinstance(event, ev.ShiftRecorded):
            key = self._key(event.date, event.shift)
            self._set_mask(key, self._mask(key) | self.index.bit(event.agent_id))
        elif isinstance(event, ev.ShiftRetracted):
            key = self._key(event.date, event.shift)
            self._set_mask(key, self._mask(key) & ~self.index.bit(event.agent_id))
        elif isinstance(event, ev.SalesRecorded):
            day = event.date.day
            try:
                self.sales[day] += event.sales_fen
            except OverflowError:
                self.sales = list(self.sales)
                self.sales[day] += event.sales_fen

    def has_shift(self, agent_id: str, day: dt.date, code: str) -> bool:
        bit = self.index.bits.get(agent_id)
        return bit is not None and bool(self._mask(self._key(day, code)) & bit)

    def agents_on(self, day: dt.date, code: str) -> list[tuple[str, str | None]]:
        mask = self._mask(self._key(day, code))
        agents = self.index.agents
        out: list[tuple[str, str | None]] = []
        while mask:  # the set bits only, lowest first
            low = mask & -mask
            out.append((agents[low.bit_length() - 1], None))
            mask ^= low
        return out

    def sale_rows(self) -> list[tuple[dt.date, int, str | None]]:
        first = dt.date.fromisoformat(f"{self.month}-01")
        return [(first.replace(day=day), fen, None) for day, fen in enumerate(self.sales) if fen]
