"""Bank statements -> ``record_payment`` / ``record_deposit`` (``ledger reconcile``).

Each row becomes a ``BankLine``: the transaction number (流水号, 凭证号), the
date, the amount in fen and its direction, read from whichever layout the
export has: separate credit/debit columns (贷方/借方, 收入/支出: a value in
one of them), one amount with a direction column (``借/贷``: the mapping's
``credit_marks`` / ``debit_marks``), or one signed amount (``+1000.00`` /
``-4.00``). The payer's name and every remark column (摘要 + 用途 + 附言) are
kept for matching. ``matching.match_lines`` then decides; this module turns
its decision into the command. A transaction number seen twice in one file is
an error (it is the row's identity), as is a negative amount in a credit or
debit column.

Commands: id ``import:bank:<txn>``, ``payment_id`` and ``reference`` the
transaction number itself, so a payment recorded by hand with that reference
is ``already_recorded`` and a re-import is ``duplicate`` at the intake.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.importing.header import Table
from app.importing.ids import command_id
from app.importing.mapping import BankMapping
from app.importing.matching import BankLine, DepositWait, Match, OpenStatement, PayerName, match_lines
from app.importing.report import Outcome, Report, build, error
from app.importing.table import norm
from app.importing.values import CellValueError, parse_date, parse_fen


def _amount(table: Table, cells: list[str], mapping: BankMapping) -> tuple[int, bool]:
    """(fen >= 0, is credit); raises CellValueError naming the field first."""
    if "credit" in table.columns:
        credit = parse_fen(table.get(cells, "credit") or "0")
        debit = parse_fen(table.get(cells, "debit") or "0")
        if credit < 0 or debit < 0:
            raise CellValueError("credit|a negative amount in a credit or debit column "
                               "(a reversal? record it by hand)")
        if credit and debit:
            raise CellValueError("credit|both a credit and a debit amount in one row")
        return (credit, True) if credit else (debit, False)
    fen = parse_fen(table.get(cells, "amount") or "0")
    if "direction" not in table.columns:
        return abs(fen), fen > 0
    mark = norm(table.get(cells, "direction"))
    if mark in {norm(m) for m in mapping.credit_marks}:
        return abs(fen), True
    if mark in {norm(m) for m in mapping.debit_marks}:
        return abs(fen), False
    raise CellValueError(f"direction|{table.get(cells, 'direction')!r} is neither a credit "
                       "nor a debit mark (set credit_marks / debit_marks)")


def read_lines(table: Table, mapping: BankMapping) -> tuple[list[BankLine], list[Outcome]]:
    """Rows -> bank lines, and the rows that could not be read (errors, zero amounts)."""
    remark_columns = table.multi.get("remark", [])
    lines: list[BankLine] = []
    out: list[Outcome] = []
    first: dict[str, int] = {}
    for row, cells in table.rows:
        txn = table.get(cells, "txn_id")
        if not txn:
            out.append(error(row, "txn_id", "no transaction number in this row"))
            continue
        try:
            field = "date"
            day = parse_date(table.get(cells, "date"))
            field = "credit" if "credit" in table.columns else "amount"
            fen, credit = _amount(table, cells, mapping)
        except CellValueError as exc:
            named, sep, message = str(exc).partition("|")
            out.append(error(row, named if sep else field, message if sep else named))
            continue
        if txn in first:
            out.append(error(row, "txn_id", f"transaction {txn} appears twice (row {first[txn]})"))
            continue
        first[txn] = row
        if fen == 0:
            out.append(Outcome(row=row, status="skipped", reason="zero_amount",
                               message="no amount"))
            continue
        remark = " ".join(cells[i] for i in remark_columns if i < len(cells) and cells[i])
        lines.append(BankLine(row=row, txn_id=txn, date=day, amount_fen=fen, credit=credit,
                              payer=table.get(cells, "payer"), remark=remark))
    return lines, out


def command(line: BankLine, match: Match) -> dict[str, Any]:
    """The command a matched credit becomes."""
    body: dict[str, Any] = {"type": match.command_type, "id": command_id("bank", line.txn_id),
                            "contract_id": match.contract_id}
    if match.command_type == "record_payment":
        body["payment_id"] = line.txn_id
    body.update(amount_fen=line.amount_fen, received_on=line.date.isoformat(),
                reference=line.txn_id)
    return body


_UNMATCHED = {
    "unknown_payer": "the payer is not a known payer name of any merchant",
    "no_fit": "no open statement or deposit of this amount, and not the oldest statements' sum",
    "statements_of_several_contracts": "the remark names statements of several contracts",
    "several_items_of_this_amount": "several open items of exactly this amount",
    "covers_several_contracts": "the amount pays the oldest statements of several contracts",
}


def reconcile(table: Table, mapping: BankMapping, statements: Iterable[OpenStatement],
              deposits: Iterable[DepositWait], payers: Iterable[PayerName],
              recorded: Iterable[str]) -> Report:
    """A bank statement -> one outcome per row (see ``matching`` for the rules)."""
    lines, out = read_lines(table, mapping)
    matches = match_lines(lines, statements, deposits, payers, recorded)
    for line in lines:
        m = matches[line.row]
        who = f"{line.payer or '(no payer)'}, {line.amount_fen} fen"
        if m.status == "matched":
            out.append(Outcome(row=line.row, status="command", commands=[command(line, m)],
                               rule=m.rule, statements=m.statements))
        elif m.status in ("debit", "already_recorded"):
            out.append(Outcome(row=line.row, status="skipped", reason=m.reason,
                               message=f"{m.reason.replace('_', ' ') if m.reason else ''}: "
                               f"{line.txn_id}"))
        else:
            out.append(Outcome(row=line.row, status="ambiguous" if m.status == "ambiguous"
                               else "unmatched", reason=m.reason,
                               message=f"{who}: {_UNMATCHED.get(m.reason or '', m.reason)}",
                               account=line.payer or None, statements=m.statements,
                               candidates=m.candidates))
    return build("bank", table, out)
