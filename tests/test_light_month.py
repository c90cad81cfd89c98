"""The light month intake keeps warm (``store.light.MonthShifts``) against the full one.

The light month packs shifts into 64-bit agent masks and sales into 64-bit
day totals; these tests hold it to the full ``MonthActivity`` where those
limits are passed: a contract's 65th agent and sales beyond 2**63 fen.
"""

from __future__ import annotations

import datetime as dt

from ledger.activity import MonthActivity
from schemas import events as ev
from store.light import ContractIndex, MonthShifts

META = {"contract_id": "C1", "recorded_at": "2026-03-01T00:00:00.000000Z"}
DAY = dt.date(2026, 3, 14)


def _shift(n: int, agent: str, code: str = "early", retract: bool = False) -> ev.Event:
    if retract:
        return ev.ShiftRetracted(**META, command_id=f"s{n}", agent_id=agent, date=DAY, shift=code,
                                 reason="wrong clock-in")
    return ev.ShiftRecorded(**META, command_id=f"s{n}", agent_id=agent, date=DAY, shift=code)


def _both(events: list[ev.Event]) -> tuple[MonthShifts, MonthActivity]:
    light, full = MonthShifts("2026-03", ContractIndex()), MonthActivity("2026-03")
    for event in events:
        light.evolve(event)
        full.evolve(event)
    return light, full


def test_seventy_agents_on_one_shift_match_the_full_month() -> None:
    agents = [f"A{i:02d}" for i in range(70)]
    events = [_shift(i, a) for i, a in enumerate(agents)]
    events.append(_shift(99, "A66", retract=True))  # one past the 64-bit mask, retracted
    light, full = _both(events)
    assert sorted(a for a, _ in light.agents_on(DAY, "early")) == sorted(
        a for a, _ in full.agents_on(DAY, "early"))
    assert len(light.agents_on(DAY, "early")) == 69
    assert light.has_shift("A69", DAY, "early") and full.has_shift("A69", DAY, "early")
    assert not light.has_shift("A66", DAY, "early") and not full.has_shift("A66", DAY, "early")
    assert not light.has_shift("nobody", DAY, "early")
    assert light.agents_on(DAY, "late") == [] and light.version == 71


def test_sales_past_64_bits_and_several_codes() -> None:
    huge = 2**63 - 1
    events: list[ev.Event] = [
        ev.SalesRecorded(**META, command_id="x1", agent_id="A1", date=DAY, sales_fen=huge, orders=1),
        ev.SalesRecorded(**META, command_id="x2", agent_id="A2", date=DAY, sales_fen=huge, orders=1),
        ev.SalesRecorded(**META, command_id="x3", agent_id="A1", date=DAY.replace(day=31),
                         sales_fen=-5, orders=1),
        _shift(4, "A1", "late"), _shift(5, "A2", "night"),
    ]
    light, full = _both(events)
    by_day: dict[dt.date, int] = {}
    for day, fen, _ in full.sale_rows():
        by_day[day] = by_day.get(day, 0) + fen
    assert {d: f for d, f, _ in light.sale_rows()} == by_day == {
        DAY: 2 * huge, DAY.replace(day=31): -5}
    assert [a for a, _ in light.agents_on(DAY, "night")] == ["A2"]
    assert [a for a, _ in light.agents_on(DAY, "late")] == ["A1"]
