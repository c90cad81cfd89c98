"""Which contract a bank credit pays: the reconcile rules as one pure function.

In this order, for each line of the statement (credits in date order, then
file order; each match uses up what it paid, so two equal credits cannot
both pay one statement):

0. a debit is ``debit``; a credit whose transaction number is already a
   recorded payment or deposit reference is ``already_recorded``;
1. ``statement_in_remark``: the remark (摘要/用途/附言) names open statement
   numbers (case and full-width folded; ``C-TMALL-01 2026-10`` also finds
   ``C-TMALL-01-2026-10``) of exactly one contract -> ``record_payment`` to
   it, whatever the amount; statements of several contracts -> ``ambiguous``;
2. the payer's name (NFKC, no spaces, case-folded) is a known payer name of
   one or more merchants; among their open statements and the contracts
   waiting for a deposit, the items whose outstanding amount equals the
   credit exactly:
   - exactly one -> ``payer_amount`` (``record_payment``) or ``payer_deposit``
     (``record_deposit``: the deposit still owed equals the amount);
   - several -> ``ambiguous`` (listed as candidates);
   - none: ``payer_oldest`` when the credit equals the sum of the two or more
     oldest open statements (by due date, issue date, number) and they
     belong to one contract -> ``record_payment``; of several contracts ->
     ``ambiguous``;
3. otherwise ``unmatched``: ``unknown_payer`` or ``no_fit`` (partial and
   over-payments without a statement number are left to the clerk).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Literal

import msgspec

from app.importing.table import norm

Rule = Literal["statement_in_remark", "payer_amount", "payer_deposit", "payer_oldest"]


class BankLine(msgspec.Struct, frozen=True, kw_only=True):
    row: int
    txn_id: str
    date: dt.date
    amount_fen: int  # > 0
    credit: bool
    payer: str = ""
    remark: str = ""


class OpenStatement(msgspec.Struct, frozen=True, kw_only=True):
    statement_no: str
    contract_id: str
    merchant_id: str
    outstanding_fen: int
    due_on: dt.date
    issued_on: dt.date


class DepositWait(msgspec.Struct, frozen=True, kw_only=True):
    contract_id: str
    merchant_id: str
    outstanding_fen: int


class PayerName(msgspec.Struct, frozen=True):
    name: str
    merchant_id: str


class Match(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    status: Literal["matched", "debit", "already_recorded", "ambiguous", "unmatched"]
    contract_id: str | None = None
    command_type: Literal["record_payment", "record_deposit"] | None = None
    rule: Rule | None = None
    reason: str | None = None
    statements: list[str] = []
    candidates: list[str] = []


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).upper()


def _compact(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", _fold(text))


_TOKEN = re.compile(r"[0-9A-Z][0-9A-Z\-_/.]*[0-9A-Z]|[0-9A-Z]")


def named_statements(remark: str, exact: dict[str, str], compact: dict[str, set[str]]) -> set[str]:
    """Statement numbers written in a remark: tokens as they stand, or up to
    four neighbouring tokens run together without separators."""
    tokens = _TOKEN.findall(_fold(remark))
    found = {exact[t] for t in tokens if t in exact}
    for i in range(len(tokens)):
        joined = ""
        for token in tokens[i:i + 4]:
            joined += _compact(token)
            found.update(compact.get(joined, ()))
    return found


def match_lines(lines: Sequence[BankLine], statements: Iterable[OpenStatement],
                deposits: Iterable[DepositWait], payers: Iterable[PayerName],
                recorded: Iterable[str]) -> dict[int, Match]:
    """Row number -> what the rules make of that line (see the module docstring)."""
    owed = {s.statement_no: s.outstanding_fen for s in statements}
    by_no = {s.statement_no: s for s in statements}
    waits = {d.contract_id: d for d in deposits}
    deposit_owed = {d.contract_id: d.outstanding_fen for d in waits.values()}
    exact = {_fold(no): no for no in by_no}
    compact: dict[str, set[str]] = {}
    for no in by_no:
        compact.setdefault(_compact(no), set()).add(no)
    of_merchant: dict[str, list[str]] = {}
    for no in _oldest_first(by_no, by_no):
        of_merchant.setdefault(by_no[no].merchant_id, []).append(no)
    merchants: dict[str, set[str]] = {}
    for p in payers:
        merchants.setdefault(norm(p.name), set()).add(p.merchant_id)
    done = {r.strip() for r in recorded}
    out: dict[int, Match] = {}
    for line in sorted(lines, key=lambda x: (x.date, x.row)):
        if not line.credit:
            out[line.row] = Match(status="debit", reason="debit")
            continue
        if line.txn_id.strip() in done:
            out[line.row] = Match(status="already_recorded", reason="already_recorded")
            continue
        named = {n for n in named_statements(line.remark, exact, compact) if owed[n] > 0}
        if named:
            match = _by_remark(named, by_no)
        else:
            mine = merchants.get(norm(line.payer), set())
            match = (_by_payer(line.amount_fen, mine, by_no, of_merchant, owed, waits, deposit_owed)
                     if mine else Match(status="unmatched", reason="unknown_payer"))
        out[line.row] = match
        if match.status == "matched":  # use up what this credit paid
            left = line.amount_fen
            for no in match.statements:
                paid = min(left, owed[no])
                owed[no] -= paid
                left -= paid
            if match.command_type == "record_deposit" and match.contract_id is not None:
                deposit_owed[match.contract_id] -= line.amount_fen
    return out


def _by_remark(named: set[str], by_no: dict[str, OpenStatement]) -> Match:
    contracts = sorted({by_no[n].contract_id for n in named})
    if len(contracts) > 1:
        return Match(status="ambiguous", reason="statements_of_several_contracts",
                     statements=sorted(named), candidates=contracts)
    return Match(status="matched", contract_id=contracts[0], command_type="record_payment",
                 rule="statement_in_remark", statements=_oldest_first(named, by_no))


def _oldest_first(nos: Iterable[str], by_no: dict[str, OpenStatement]) -> list[str]:
    return sorted(nos, key=lambda n: (by_no[n].due_on, by_no[n].issued_on, n))


def _by_payer(amount: int, mine: set[str], by_no: dict[str, OpenStatement],
              of_merchant: dict[str, list[str]], owed: dict[str, int],
              waits: dict[str, DepositWait], deposit_owed: dict[str, int]) -> Match:
    open_nos = _oldest_first((n for m in sorted(mine) for n in of_merchant.get(m, ())
                              if owed[n] > 0), by_no)
    fits = [n for n in open_nos if owed[n] == amount]
    deps = sorted(c for c, d in waits.items() if d.merchant_id in mine and deposit_owed[c] == amount)
    if len(fits) + len(deps) > 1:
        return Match(status="ambiguous", reason="several_items_of_this_amount",
                     statements=fits, candidates=sorted({*deps, *(by_no[n].contract_id for n in fits)}))
    if fits:
        return Match(status="matched", contract_id=by_no[fits[0]].contract_id,
                     command_type="record_payment", rule="payer_amount", statements=fits)
    if deps:
        return Match(status="matched", contract_id=deps[0], command_type="record_deposit",
                     rule="payer_deposit")
    total = 0
    for k, no in enumerate(open_nos, start=1):
        total += owed[no]
        if total == amount and k >= 2:
            covered = open_nos[:k]
            contracts = sorted({by_no[n].contract_id for n in covered})
            if len(contracts) > 1:
                return Match(status="ambiguous", reason="covers_several_contracts",
                             statements=covered, candidates=contracts)
            return Match(status="matched", contract_id=contracts[0],
                         command_type="record_payment", rule="payer_oldest", statements=covered)
        if total > amount:
            break
    return Match(status="unmatched", reason="no_fit")
