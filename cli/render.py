"""Readable output for people: tables (rich) and a statement layout."""

from __future__ import annotations

import csv
import shutil
import sys
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table

from ledger.money import yuan


def width() -> int:
    """The terminal's width (``COLUMNS`` when set; 120 when stdout is not a terminal)."""
    return max(40, shutil.get_terminal_size(fallback=(120, 24)).columns)


def _console() -> Console:
    return Console(file=sys.stdout, width=width(), soft_wrap=False)


def table(rows: list[dict[str, Any]], title: str, skip: Iterable[str] = ()) -> None:
    console = _console()
    if not rows:
        console.print(f"{title}: none")
        return
    columns = [k for k in rows[0] if k not in set(skip)]
    t = Table(title=title, show_lines=False)
    for c in columns:  # money columns show yuan, and say so
        t.add_column(c.removesuffix("_fen") + " ¥" if c.endswith("_fen") else c,
                     justify="right" if c.endswith("_fen") else "left")
    for row in rows:
        t.add_row(*(_cell(c, row.get(c)) for c in columns))
    console.print(t)


def _cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    if column.endswith("_fen") and isinstance(value, int):
        return yuan(value)
    return str(value)


def statement(data: dict[str, Any]) -> None:
    if "issued" in data:  # --live on an issued period: the issued one, then recomputed
        statement(data["issued"])
        _console().print("[bold]Recomputed with what is known now:[/bold]")
        statement({k: v for k, v in data.items() if k != "issued"})
        return
    console = _console()
    t = Table(title=f"Statement {data['statement_no']} ({data['status']}) "
                    f"issued {data['issued_on']}, due {data['due_on']}")
    for name in ("code", "description", "quantity", "unit ¥", "amount ¥"):
        t.add_column(name, justify="right" if name in ("quantity", "unit ¥", "amount ¥") else "left")
    for line in data["lines"]:
        unit = line["unit_fen"]
        t.add_row(line["code"], line["description"], str(line["quantity"]),
                  yuan(unit) if isinstance(unit, int) else "", yuan(line["amount_fen"]))
    t.add_section()
    t.add_row("", "subtotal", "", "", yuan(data["subtotal_fen"]))
    t.add_row("", f"tax {data['tax_rate']}", "", "", yuan(data["tax_fen"]))
    t.add_row("", "total", "", "", yuan(data["total_fen"]))
    console.print(t)
    acc = data["account"]
    console.print(f"opening ¥{yuan(acc['opening_fen'])}  payments ¥{yuan(acc['payments_fen'])}  "
                  f"deposit applied ¥{yuan(acc['deposit_applied_fen'])}  "
                  f"closing ¥{yuan(acc['closing_fen'])}")


def explain(data: dict[str, Any]) -> None:
    console = _console()
    for line in data["lines"]:
        console.print(f"{data['contract_id']} {data['period']} {line['code']}: "
                      f"{line['description']} = ¥{yuan(line['amount_fen'])}")
    table([{k: e.get(k) for k in ("position", "recorded_at", "command_id", "type", "submitted_by")}
           for e in data["events"]], "Events behind the line")


def journal_csv(txns: list[Any]) -> None:
    from projections.journal import CSV_COLUMNS, csv_rows

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(txns))
