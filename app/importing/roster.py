"""Rosters and attendance -> ``record_shift`` commands (long form and month grid).

Long form: one row per agent, date and shift name (日期, 工号/客服/姓名, 班次),
e.g. a DingTalk 每日汇总; a 考勤结果 (status) holding an absence word (旷工,
请假, …) skips the row. Grid: one row per agent, one column per day
(``1`` … ``31``, ``1日``, ``1六``, or full dates); its month comes from
``month`` (``--month YYYY-MM``) or from the title above the header
(``2026年11月排班表``, ``统计日期: 2026-11-01 至 …``). A row of weekday
markers (一 … 日) under the header is skipped.

A cell may name several shifts (``早班/晚班``, ``早、晚``). Each name maps to a
contract shift code through the mapping's ``[shifts]`` (with ``--shift``), a
name that is itself one of ``codes`` stands for itself, and DingTalk's
``早班 09:00-18:00`` is tried by its first word too. An empty cell or a rest
word (休, 休息, …) is a day off. The command id is
``import:shift:<contract>:<agent>:<date>:<code>``: the same shift in another
export has the same id; a repeat inside one file is skipped (``duplicate_row``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from typing import Any

from app.importing.agents import Directory, resolve
from app.importing.header import Table
from app.importing.ids import command_id
from app.importing.mapping import RosterGridMapping, RosterLongMapping
from app.importing.report import Outcome, Report, build, error
from app.importing.table import TableError, norm
from app.importing.values import CellValueError, parse_date

_SPLIT = re.compile(r"[/、,，+&;；]")
_DAY = re.compile(r"(\d{1,2})[日号]?(?:星期|周)?[一二三四五六日天]?")
_WEEKDAY = re.compile(r"(?:星期|周)?[一二三四五六日天]|(?:mon|tue|wed|thu|fri|sat|sun)\w*")
_MONTH = re.compile(r"(20\d{2})\s*[年\-/.]\s*(\d{1,2})")


class Shifts:
    """Shift names -> codes for one import."""

    def __init__(self, names: dict[str, str], rest: Sequence[str],
                 codes: Collection[str] | None) -> None:
        self.names = {norm(k): v for k, v in names.items()}
        self.rest = {norm(r) for r in rest} | {""}
        self.codes = codes

    def read(self, cell: str) -> tuple[list[str], str]:
        """(codes, '') or ([], problem); ([], '') for a day off."""
        if norm(cell) in self.rest:
            return [], ""
        out: list[str] = []
        for part in (p.strip() for p in _SPLIT.split(cell)):
            if not part or norm(part) in self.rest:
                continue
            code = self.names.get(norm(part)) or self.names.get(norm(part.split()[0]))
            if code is None and self.codes is not None and part in self.codes:
                code = part
            if code is None:
                return [], f"shift name {part!r} is not mapped: add --shift {part}=CODE or a [shifts] entry"
            if self.codes is not None and code not in self.codes:
                return [], f"{part!r} maps to {code!r}, not a shift code of the contract " \
                           f"({', '.join(sorted(self.codes))})"
            out.append(code)
        return out, ""


def _shift(contract: str, agent: str, day: dt.date, code: str) -> dict[str, Any]:
    return {"type": "record_shift", "id": command_id("shift", contract, agent, day.isoformat(), code),
            "contract_id": contract, "agent_id": agent, "date": day.isoformat(), "shift": code}


def _agent(table: Directory, row: int, text: str) -> tuple[str | None, Outcome | None]:
    if not text:
        return None, error(row, "agent", "no agent in this row")
    agent, reason = resolve(table, text)
    if agent is None:
        return None, Outcome(row=row, status="unmapped", reason=reason, account=text,
                             field="agent", message=f"agent {text!r}: {reason.replace('_', ' ')}")
    return agent, None


def read_long(table: Table, mapping: RosterLongMapping, contract: str, agents: Directory,
              codes: Collection[str] | None = None) -> Report:
    """Long-form roster or attendance rows -> record_shift per row and shift."""
    shifts = Shifts(mapping.shifts, mapping.rest, codes)
    absent = [norm(a) for a in mapping.absent]
    seen: set[str] = set()
    out: list[Outcome] = []
    for row, cells in table.rows:
        agent, problem = _agent(agents, row, table.first(cells, "agent"))
        if problem is not None or agent is None:
            out.append(problem or error(row, "agent", "no agent"))
            continue
        status = norm(table.get(cells, "status"))
        if status and any(a in status for a in absent):
            out.append(Outcome(row=row, status="skipped", reason="absent",
                               message=f"attendance says {table.get(cells, 'status')}"))
            continue
        try:
            day = parse_date(table.get(cells, "date"))
        except CellValueError as exc:
            out.append(error(row, "date", str(exc)))
            continue
        got, why = shifts.read(table.get(cells, "shift"))
        out.append(_outcome(row, contract, agent, day, got, why, seen, None))
    return build("roster-long", table, out)


def _outcome(row: int, contract: str, agent: str, day: dt.date, codes: list[str], why: str,
             seen: set[str], column: str | None) -> Outcome:
    if why:
        return error(row, "shift", why, column)
    if not codes:
        return Outcome(row=row, status="skipped", reason="rest", column=column,
                       message="day off")
    made = [_shift(contract, agent, day, c) for c in codes]
    fresh = [c for c in made if c["id"] not in seen]
    seen.update(c["id"] for c in made)
    if not fresh:
        return Outcome(row=row, status="skipped", reason="duplicate_row", column=column,
                       message="the same shift appears earlier in this file")
    return Outcome(row=row, status="command", commands=fresh, column=column)


def grid_month(table: Table, month: str | None) -> tuple[int, int] | None:
    """(year, month) from ``--month`` or the title rows, else None."""
    if month is not None:
        m = re.fullmatch(r"(\d{4})-(\d{2})", month.strip())
        if m is None or not 1 <= int(m[2]) <= 12:
            raise TableError(f"--month {month!r}: expected YYYY-MM")
        return int(m[1]), int(m[2])
    for line in table.preamble:
        found = _MONTH.search(line)
        if found is not None and 1 <= int(found[2]) <= 12:
            return int(found[1]), int(found[2])
    return None


def _days(table: Table, ym: tuple[int, int] | None) -> dict[int, dt.date | str]:
    """Column index -> its date (or a message when the day is not in the month)."""
    days: dict[int, dt.date | str] = {}
    for i, title in enumerate(table.header):
        if i in table.multi.get("agent", [table.columns.get("agent")]):
            continue
        label = norm(title)
        try:
            days[i] = parse_date(title) if len(label) >= 8 else _day_of(label, ym)
        except CellValueError:
            continue
        except ValueError as exc:
            days[i] = str(exc)
    return days


def _day_of(label: str, ym: tuple[int, int] | None) -> dt.date:
    m = _DAY.fullmatch(label)
    if m is None or not 1 <= int(m[1]) <= 31:
        raise CellValueError(label)
    if ym is None:
        raise TableError("the grid's month is unknown: pass --month YYYY-MM "
                         "(or put it in the title, e.g. 2026年11月排班表)")
    try:
        return dt.date(ym[0], ym[1], int(m[1]))
    except ValueError:
        raise ValueError(f"{ym[0]}-{ym[1]:02d} has no day {m[1]}") from None


def read_grid(table: Table, mapping: RosterGridMapping, contract: str, agents: Directory,
              month: str | None = None, codes: Collection[str] | None = None) -> Report:
    """Grid roster rows -> record_shift per agent and worked day."""
    days = _days(table, grid_month(table, month))
    if not any(isinstance(d, dt.date) for d in days.values()):
        raise TableError("no day columns (1 … 31 or dates) beside the agent column")
    shifts = Shifts(mapping.shifts, mapping.rest, codes)
    seen: set[str] = set()
    out: list[Outcome] = []
    rest = 0
    for row, cells in table.rows:
        text = table.first(cells, "agent")
        if not text and all(_WEEKDAY.fullmatch(norm(c)) for c in cells if c):
            out.append(Outcome(row=row, status="skipped", reason="weekday_row",
                               message="weekday markers"))
            continue
        agent, problem = _agent(agents, row, text)
        if problem is not None or agent is None:
            out.append(problem or error(row, "agent", "no agent"))
            continue
        made: list[dict[str, Any]] = []
        before = len(out)
        for i, day in days.items():
            cell = cells[i] if i < len(cells) else ""
            if isinstance(day, str):
                if norm(cell) not in shifts.rest:
                    out.append(error(row, "shift", day, table.header[i]))
                continue
            got, why = shifts.read(cell)
            if not got and not why:
                rest += 1
                continue
            one = _outcome(row, contract, agent, day, got, why, seen, table.header[i])
            if one.status == "command":
                made.extend(one.commands)
            else:
                out.append(one)
        if made:
            out.append(Outcome(row=row, status="command", commands=made))
        elif len(out) == before:
            out.append(Outcome(row=row, status="skipped", reason="rest",
                               message="no shift this month"))
    return build("roster-grid", table, out, rest_days=rest)
