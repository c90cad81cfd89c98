"""Platform customer-service reports -> ``record_service_metrics`` and ``record_sales``.

One row per platform account and day: sessions (接待人数), average first
response (seconds or ``mm:ss``; minutes when the mapping says
``response_unit = "min"``), and, when the export has them, sales in yuan
(销售额) and orders (销售订单数). The date comes from the row's date column,
else from ``day`` (``--date``, or the file name's ``2026-04-20至2026-04-20``
via ``date_from_filename``).

Accounts are matched to agents through the directory (an agent id, a
platform account or a name the ledger holds); an account it does not know is
listed as ``unmapped``, never guessed. Two rows for one account, or for one
agent, on one day are an error (the first row stands). A row with no sessions gives no
metrics (the command needs sessions > 0), only sales when it sold something;
a row with neither is skipped (``no_activity``). Chitu writes ``延迟统计`` in
cells not yet computed: the row is skipped (``not_computed``); import the
report again later. Ids: ``import:metrics:<contract>:<account>:<date>`` and
``import:sales:<contract>:<account>:<date>``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from app.importing.agents import Directory, resolve
from app.importing.header import Table
from app.importing.ids import command_id
from app.importing.mapping import ServiceMapping
from app.importing.report import Outcome, Report, build, error
from app.importing.table import TableError
from app.importing.values import CellValueError, parse_count, parse_date, parse_fen, parse_seconds

NOT_COMPUTED = ("延迟统计", "统计中", "计算中")
_SPAN = re.compile(r"(\d{4}-\d{2}-\d{2})\s*(?:至|到|~|_)\s*(\d{4}-\d{2}-\d{2})")


def date_from_filename(name: str) -> dt.date | None:
    """The day of a one-day report named ``…_2026-04-20至2026-04-20.xlsx``."""
    m = _SPAN.search(name)
    if m is None or m[1] != m[2]:
        return None
    return dt.date.fromisoformat(m[1])


def _read(table: Table, cells: list[str], mapping: ServiceMapping,
          day: dt.date | None) -> tuple[dt.date, int, int | Decimal, tuple[int, int] | None]:
    """(date, sessions, seconds, (sales_fen, orders) or None); raises (field, problem)."""
    field = "date"
    try:
        when = parse_date(table.get(cells, "date")) if "date" in table.columns else day
        if when is None:
            raise CellValueError("no date: pass --date YYYY-MM-DD")
        field = "sessions"
        sessions = parse_count(table.get(cells, "sessions") or "0")
        field = "first_response"
        text = table.get(cells, "first_response")
        seconds = parse_seconds(text, mapping.response_unit) if text else 0
        sales = None
        if "sales" in table.columns and "orders" in table.columns:
            field = "sales"
            fen = parse_fen(table.get(cells, "sales") or "0")
            if fen < 0:
                raise CellValueError(f"negative sales {table.get(cells, 'sales')!r}")
            field = "orders"
            sales = fen, parse_count(table.get(cells, "orders") or "0")
    except CellValueError as exc:
        raise _RowError(field, str(exc)) from None
    return when, sessions, seconds, sales


class _RowError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def read_service(table: Table, mapping: ServiceMapping, contract: str, agents: Directory,
                 day: dt.date | None = None) -> Report:
    """Report rows -> metrics and sales commands, one outcome per row."""
    if "date" not in table.columns and day is None:
        raise TableError("the report has no date column: pass --date YYYY-MM-DD")
    if ("sales" in table.columns) != ("orders" in table.columns):
        raise TableError("the report has sales without orders (or orders without sales); "
                         "map both columns or neither")
    first_row: dict[tuple[str, str], int] = {}
    out: list[Outcome] = []
    for row, cells in table.rows:
        account = table.get(cells, "account")
        if not account:
            out.append(error(row, "account", "no account in this row"))
            continue
        if any(c in NOT_COMPUTED for c in cells):
            out.append(Outcome(row=row, status="skipped", reason="not_computed",
                               message="the platform has not computed this row yet"))
            continue
        try:
            when, sessions, seconds, sales = _read(table, cells, mapping, day)
        except _RowError as exc:
            out.append(error(row, exc.field, str(exc)))
            continue
        key = (account, when.isoformat())
        if key in first_row:
            out.append(error(row, "account", f"another row for {account} on {key[1]} "
                                             f"(row {first_row[key]})"))
            continue
        first_row[key] = row
        agent, reason = resolve(agents, account)
        if agent is None:
            out.append(Outcome(row=row, status="unmapped", reason=reason, account=account,
                               field="account", message=f"account {account!r}: "
                               f"{reason.replace('_', ' ')}; record it for an agent first"))
            continue
        if (agent, key[1]) in first_row:
            out.append(error(row, "account", f"agent {agent} has a row on {key[1]} already "
                                             f"(row {first_row[agent, key[1]]})"))
            continue
        first_row[agent, key[1]] = row
        made: list[dict[str, Any]] = []
        base = {"contract_id": contract, "agent_id": agent, "date": key[1]}
        if sessions > 0:
            made.append({"type": "record_service_metrics",
                         "id": command_id("metrics", contract, *key), **base,
                         "sessions": sessions, "avg_first_response_s": seconds})
        if sales is not None and (sales[0] or sales[1] or made):
            made.append({"type": "record_sales", "id": command_id("sales", contract, *key),
                         **base, "sales_fen": sales[0], "orders": sales[1]})
        if not made:
            out.append(Outcome(row=row, status="skipped", reason="no_activity",
                               message="no sessions and no sales"))
            continue
        out.append(Outcome(row=row, status="command", commands=made,
                           message=None if sessions else "no sessions: sales only"))
    return build("service", table, out)
