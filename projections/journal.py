"""The double-entry journal (SPEC §7), derived from contract events.

Invariant: the postings of every transaction sum to zero, so the trial
balance is zero at any date. Signs follow beancount: debits positive. A void
(SPEC §11) posts the reversal of what it takes back, dated the void's ``on``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from ledger.money import yuan
from schemas import events as ev
from schemas.reports import Posting, Transaction

CODE_ACCOUNTS = {
    "base": "Income:Service", "special_day": "Income:Service", "fixed_fee": "Income:Service",
    "extra_shifts": "Income:Service", "commission": "Income:Commission",
    "late_fee": "Income:LateFees", "qa_penalty": "Expenses:Penalties",
    "understaffing": "Expenses:Penalties", "adjustment": "Expenses:Credits",
}


@functools.lru_cache(maxsize=4096)  # a contract's accounts, named for each of its events
def safe(component: str) -> str:
    """A beancount-safe account component: capitalised, [A-Za-z0-9-] only."""
    text = re.sub(r"[^A-Za-z0-9-]", "-", component)
    text = text[:1].upper() + text[1:]
    if not text or not re.match(r"[A-Z0-9]", text):
        text = "C" + text
    return text


def line_account(code: str, refs: dict[str, object]) -> str:
    if code == "correction":
        return line_account(str(refs["line"]), {})
    if code == "breach_penalty":
        return "Income:Penalties" if refs.get("party") == "merchant" else "Expenses:Penalties"
    return CODE_ACCOUNTS[code]


def transactions(records: Iterable[tuple[int, ev.Event]]) -> list[Transaction]:
    """Journal transactions of one contract's stream: (log position, event) in log order."""
    out: list[Transaction] = []
    posted: dict[tuple[str, str], list[tuple[str, int]]] = {}  # what a void takes back
    for position, e in records:
        cid = e.contract_id
        receivable = f"Assets:Receivable:{safe(cid)}"
        deposits = f"Liabilities:Deposits:{safe(cid)}"

        def txn(date: object, narration: str, *postings: tuple[str, int],
                position: int = position, e: ev.Event = e, cid: str = cid) -> None:
            kept = [Posting(a, n) for a, n in postings if n]
            if kept:
                out.append(Transaction(date, cid, narration, position,  # type: ignore[arg-type]
                                       e.command_id, kept, e.submitted_by))

        if isinstance(e, ev.SettlementIssued):
            st = e.statement
            postings: dict[str, int] = {}
            for line in st.lines:
                account = line_account(line.code, line.refs)
                postings[account] = postings.get(account, 0) - line.amount_fen
            postings["Liabilities:VAT"] = postings.get("Liabilities:VAT", 0) - st.tax_fen
            posted[("statement", e.period)] = [(receivable, st.total_fen), *sorted(postings.items())]
            txn(e.issued_on, f"statement {st.statement_no}", *posted[("statement", e.period)])
            applied = st.account.deposit_applied_fen
            txn(e.issued_on, f"deposit applied to {st.statement_no}", (deposits, applied),
                (receivable, -applied))
        elif isinstance(e, ev.PaymentReceived):
            posted[("payment", e.payment_id)] = [("Assets:Bank", e.amount_fen), (receivable, -e.amount_fen)]
            txn(e.received_on, f"payment {e.payment_id} ({e.reference})", *posted[("payment", e.payment_id)])
        elif isinstance(e, ev.PaymentVoided):
            txn(e.on, f"payment {e.payment_id} void: {e.reason}",
                *((a, -n) for a, n in posted.pop(("payment", e.payment_id), [])))
        elif isinstance(e, ev.StatementVoided):
            txn(e.on, f"statement {e.statement_no} void: {e.reason}",
                *((a, -n) for a, n in posted.pop(("statement", e.period), [])))
        elif isinstance(e, ev.DepositReceived):
            txn(e.received_on, f"deposit received ({e.reference})",
                ("Assets:Bank", e.amount_fen), (deposits, -e.amount_fen))
        elif isinstance(e, ev.DepositRefunded):
            txn(e.paid_on, f"deposit refunded ({e.reference})",
                (deposits, e.amount_fen), ("Assets:Bank", -e.amount_fen))
        elif isinstance(e, ev.CreditRefunded):
            txn(e.paid_on, f"credit refund {e.refund_id} ({e.reference})",
                (receivable, e.amount_fen), ("Assets:Bank", -e.amount_fen))
    return out


GLOBAL_ACCOUNTS = ["Assets:Bank", "Liabilities:VAT", "Income:Service", "Income:Commission",
                   "Income:LateFees", "Income:Penalties", "Expenses:Penalties", "Expenses:Credits"]


CSV_COLUMNS = ("date", "contract_id", "position", "command_id", "narration", "account",
               "amount_fen", "amount_yuan", "submitted_by")


def csv_rows(txns: list[Transaction]) -> list[list[object]]:
    """The journal as CSV rows (one per posting) under ``CSV_COLUMNS``."""
    return [[t.date, t.contract_id, t.position, t.command_id, t.narration, p.account,
             p.amount_fen, yuan(p.amount_fen, grouped=False), t.submitted_by or ""]
            for t in txns for p in t.postings]


def _quoted(text: str) -> str:
    return text.replace("\\", "/").replace('"', "'")


def beancount(txns: list[Transaction], contract_ids: list[str]) -> str:
    lines = ['option "title" "Customer-service hosting ledger"',
             'option "operating_currency" "CNY"', ""]
    opened = "1970-01-01"
    names = GLOBAL_ACCOUNTS + [a for cid in contract_ids for a in
                               (f"Assets:Receivable:{safe(cid)}", f"Liabilities:Deposits:{safe(cid)}")]
    lines += [f"{opened} open {name} CNY" for name in names]
    lines.append("")
    for t in txns:
        narration = t.narration.replace('"', "'")
        lines.append(f'{t.date} * "{narration}"')
        lines.append(f'  position: "{t.position}"')
        lines.append(f'  command_id: "{t.command_id}"')
        if t.submitted_by is not None:
            lines.append(f'  submitted_by: "{_quoted(t.submitted_by)}"')
        for p in t.postings:
            lines.append(f"  {p.account}  {yuan(p.amount_fen, grouped=False)} CNY")
        lines.append("")
    return "\n".join(lines)

