"""The platform's hourly inquiry report -> the ``history`` of a quote profile (SPEC §12).

The report (赤兔 自定义报表 and the like): one row per date, the date and then
one column per hour, ``日期, 0, 1, … 23, 全天``; older exports title the hours
``0点`` … ``23点`` (``0时``, ``00``, ``00:00`` are read too). Each cell holds
the inquiries (咨询人数) of that hour. The title rows above the header and
the summary rows below (汇总, 合计, 均值) are skipped by ``header.locate``.

- An empty hour is 0 (§12: an hour missing on a listed date is 0). Every
  listed date stays listed: a date whose hours are all 0 gives one row
  (hour 0, 0 inquiries), because an unlisted date is a gap, not a quiet day.
- ``全天`` (the day) is not read: it counts distinct customers, who may ask
  in several hours, so it can be less than the sum of the hours.
- A date that cannot be read, an hour that is not a whole number, or a date
  listed twice is an error naming the row and the column; the caller decides
  what to do with a history that has errors (``ledger quote profile`` writes
  nothing then).

Rows come out sorted by date and hour, zero hours left out (except as
above), as ``{"date", "hour", "inquiries"}`` dicts ready for the profile.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from app.importing.header import Table, locate
from app.importing.report import Outcome, error, skipped
from app.importing.table import TableError, read_sheets
from app.importing.values import CellValueError, parse_count, parse_date

HOURS = range(24)
MAX_INQUIRIES = 10**6  # the profile's bound on one hour of one shop
SUMMARY = ("汇总", "合计", "总计", "均值", "平均", "合 计")


def hour_titles(hour: int) -> list[str]:
    """The column titles an hour goes by."""
    return [str(hour), f"{hour}点", f"{hour}时", f"{hour:02d}", f"{hour:02d}点", f"{hour:02d}时",
            f"{hour:02d}:00", f"{hour}:00"]


FIELDS: dict[str, list[str]] = {"date": ["日期", "date", "统计日期", "时间"],
                                **{f"h{h}": hour_titles(h) for h in HOURS}}
REQUIRED = [["date"], *([f"h{h}"] for h in HOURS)]


class HourlyHistory(msgspec.Struct, frozen=True):
    """What a report gave: the history rows, the dates listed, and the rows it could not read."""

    history: list[dict[str, Any]]
    dates: list[dt.date]
    problems: list[Outcome]  # errors, and the rows the table skipped (summary, repeated header)
    sheet: str | None
    encoding: str | None
    header_row: int

    @property
    def errors(self) -> list[Outcome]:
        return [p for p in self.problems if p.status == "error"]


def load_hourly(data: bytes, filename: str, encoding: str | None = None,
                sheet: str | None = None) -> Table:
    """Find the hourly table in a CSV or XLSX file; ``TableError`` names the remedy."""
    return locate(read_sheets(data, filename, encoding, None, sheet), FIELDS, REQUIRED, SUMMARY)


def read_hourly(table: Table) -> HourlyHistory:
    """The located table -> history rows, one outcome per row that could not be read."""
    problems: list[Outcome] = [skipped(s) for s in table.skipped]
    counts: dict[dt.date, list[int]] = {}
    first_row: dict[dt.date, int] = {}
    for row, cells in table.rows:
        try:
            day = parse_date(table.get(cells, "date"))
        except CellValueError as exc:
            problems.append(error(row, "date", str(exc), table.header[table.columns["date"]]))
            continue
        if day in first_row:
            problems.append(error(row, "date", f"{day} is listed twice (row {first_row[day]} stands)"))
            continue
        hours: list[int] = []
        for hour in HOURS:
            text = table.get(cells, f"h{hour}")
            try:
                value = parse_count(text) if text else 0
                if value > MAX_INQUIRIES:
                    raise CellValueError(f"{value} inquiries in one hour is above {MAX_INQUIRIES}")
            except CellValueError as exc:
                problems.append(error(row, f"h{hour}", str(exc), table.header[table.columns[f"h{hour}"]]))
                break
            hours.append(value)
        else:
            first_row[day] = row
            counts[day] = hours
    history: list[dict[str, Any]] = []
    for day in sorted(counts):
        hours = counts[day]
        rows = [{"date": day.isoformat(), "hour": h, "inquiries": n} for h, n in enumerate(hours) if n]
        history += rows or [{"date": day.isoformat(), "hour": 0, "inquiries": 0}]
    problems.sort(key=lambda o: o.row)
    return HourlyHistory(history=history, dates=sorted(counts), problems=problems, sheet=table.sheet,
                         encoding=table.encoding, header_row=table.header_row)


__all__ = ["HourlyHistory", "TableError", "load_hourly", "read_hourly"]
