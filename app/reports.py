"""Report queries behind the CLI: statements, balances, breaches, disputes,
history, explain, journal. Each returns plain msgspec-encodable values."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import msgspec

from app.errors import ReportError
from ledger.streams import activity_prefix, contract_stream, dispute_stream
from schemas.reports import Balance, BreachRecord, DisputeRow, HistoryRow, Transaction
from store import readmodels as readmodel

if TYPE_CHECKING:
    from ledger.contract import ContractState
    from store.eventstore import Recorded, Store
    from store.view import View

# What a report reads from the read models (an issued statement, the statements, balances,
# the journal) needs only the tables; what folds the events (drafts, --as-of, breaches,
# disputes, history, explain) imports the folding machinery when it runs.


def statement(store: Store, contract_id: str, period: str, live: bool, on: dt.date,
              as_of: str | None, number: str | None = None) -> dict[str, Any]:
    """The statement as ``app.statements.statement_view`` chooses it: the issued one (read
    from its read model when no ``as_of`` is asked) or a draft; always one shape, a
    statement. For ``live`` on an issued period it is the period recomputed now (status
    ``draft``) with the issued statement beside it under the extra key ``issued``. By
    ``number``, that statement, in force or void (a void one with ``"status": "void"``,
    ``voided_on`` and ``void_reason``: SPEC §11)."""
    if not live and as_of is None and number is None:  # the issued statement, from its read model
        body = readmodel.issued_statement(store, contract_id, period)
        if body is not None:
            plain: dict[str, Any] = msgspec.json.decode(body)
            return plain
    from app.statements import statement_view

    sv = statement_view(store, contract_id, period, live=live, on=on, as_of=as_of, number=number)
    if sv.void is not None:
        return to_plain(sv.statement) | {"status": "void", "voided_on": sv.void.on.isoformat(),
                                         "void_reason": sv.void.reason}
    if sv.kind == "live":
        assert sv.issued is not None
        return {**to_plain(sv.statement), "issued": to_plain(sv.issued)}
    return to_plain(sv.statement)


def contract_state(view: View, contract_id: str) -> ContractState:
    """The contract as ``view`` sees it; ``ReportError`` when the ledger does not hold it."""
    state = view.contract(contract_id)
    if state is None:
        raise ReportError(f"contract {contract_id} is not known", "unknown_contract")
    return state


def _known(store: Store, contract_id: str | None) -> None:
    """``ReportError`` when a contract is named that the ledger does not hold."""
    if contract_id is not None and not store.stream_versions([contract_stream(contract_id)]):
        raise ReportError(f"contract {contract_id} is not known", "unknown_contract")


def statements(store: Store, contract_id: str | None, as_of: str | None) -> list[dict[str, Any]]:
    """Every issued statement, one row each, in force (``status`` "issued") or void
    (``status`` "void", with ``voided_on`` and ``void_reason``: SPEC §11)."""
    _known(store, contract_id)
    if as_of is None:
        rows = readmodel.statement_rows(store, contract_id)
    else:
        from store.view import View

        rows = []
        for s in View(store, as_of=as_of).contracts(contract_id):
            rows += [(to_plain(s.issued[p].event.statement), None, None) for p in s.order]
            rows += [(to_plain(v.issued.event.statement), v.void.on.isoformat(), v.void.reason)
                     for v in s.voided]
        rows.sort(key=lambda r: (r[0]["contract_id"], r[0]["issued_on"], r[0]["period"],
                                 r[0]["statement_no"]))
    return [{"contract_id": b["contract_id"], "period": b["period"],
             "statement_no": b["statement_no"], "status": "void" if voided_on else "issued",
             "issued_on": b["issued_on"], "due_on": b["due_on"], "subtotal_fen": b["subtotal_fen"],
             "tax_fen": b["tax_fen"], "total_fen": b["total_fen"],
             "closing_fen": b["account"]["closing_fen"], "voided_on": voided_on,
             "void_reason": reason} for b, voided_on, reason in rows]


def balances(store: Store, contract_id: str | None, as_of: str | None) -> list[Balance]:
    if as_of is None:
        rows = [Balance(*row) for row in readmodel.balance_rows(store, contract_id)]
        if contract_id and not rows:
            raise ReportError(f"contract {contract_id} is not known", "unknown_contract")
        return rows
    from store.view import View

    view = View(store, as_of=as_of)
    if contract_id:
        contract_state(view, contract_id)
    return [Balance(s.contract_id, s.book.receivable, s.book.credit, s.book.deposit_held)
            for s in view.contracts(contract_id)]


def breaches(store: Store, contract_id: str | None, period: str | None, on: dt.date,
             as_of: str | None) -> list[BreachRecord]:
    from ledger.periods import PeriodError, check_period
    from projections.breaches import evaluate
    from store.view import View

    view = View(store, as_of=as_of)
    if contract_id:
        state = contract_state(view, contract_id)
        if period is not None:
            try:
                check_period(period, state.cycle)
            except PeriodError as exc:
                raise ReportError(f"{exc} (contract {contract_id})", "bad_period") from None
    out: list[BreachRecord] = []
    for state in view.contracts(contract_id):
        out += [r for r in evaluate(state, view.loader(state.contract_id), on)
                if period is None or r.period == period]
    return out


def disputes(store: Store, contract_id: str | None, as_of: str | None = None) -> list[DisputeRow]:
    from store.view import View

    view = View(store, as_of=as_of)
    if contract_id:
        contract_state(view, contract_id)
    rows = []
    for state in view.contracts(contract_id):
        for d in state.disputes.values():
            o, r = d.opened, d.resolved
            rows.append(DisputeRow(
                o.dispute_id, o.contract_id, o.period, o.line, o.claim_fen, o.opened_on,
                "resolved" if r else "open", r.outcome if r else None,
                r.resolved_on if r else None, r.adjustment_fen if r else None))
    return rows


def _history_records(store: Store, contract_id: str, as_of: str | None) -> list[Recorded]:
    from store.view import View

    view = View(store, as_of=as_of)
    records = view.records(contract_stream(contract_id))
    if not records:
        raise ReportError(f"contract {contract_id} is not known", "unknown_contract")
    for stream in store.streams_with_prefix(activity_prefix(contract_id)):
        records += view.records(stream)
    for d in view.contract(contract_id).disputes if view.contract(contract_id) else []:  # type: ignore[union-attr]
        records += view.records(dispute_stream(d))
    return sorted(records, key=lambda r: r.position)


def _row(rec: Recorded) -> HistoryRow:
    data = msgspec.to_builtins(rec.event, enc_hook=str)
    for key in ("contract_id", "command_id", "recorded_at", "submitted_by"):
        data.pop(key, None)
    return HistoryRow(rec.position, rec.stream, rec.version, rec.topic, rec.event.recorded_at,
                      rec.event.command_id, data, rec.event.submitted_by)


def history(store: Store, contract_id: str, as_of: str | None) -> list[HistoryRow]:
    return [_row(r) for r in _history_records(store, contract_id, as_of)]


def explain(store: Store, contract_id: str, period: str, line: str) -> dict[str, Any]:
    """The lines of ``line``'s code on the issued statement and every event behind them."""
    from app.statements import issued_again, statement_view
    from store.view import View

    sv = statement_view(store, contract_id, period, live=False, on=None, as_of=None)
    lines = [ln for ln in sv.statement.lines if ln.code == line]
    if not lines:
        raise ReportError(f"statement {contract_id}-{period} has no {line} line", "unknown_line")
    evidence: list[str] = []
    for calc in issued_again(sv).calcs:
        if calc.code == line:
            evidence += calc.evidence
    if sv.settlement is None:  # a draft has no events behind it yet
        raise ReportError(f"statement {contract_id}-{period} has not been issued")
    wanted = set(evidence) | {sv.settlement.command_id}
    if line == "correction":
        state = contract_state(View(store), contract_id)
        wanted |= {state.issued[q].event.command_id for q in state.order
                   if q in {ln.refs["period"] for ln in lines}}
    events = [_row(r) for r in _history_records(store, contract_id, None)
              if r.event.command_id in wanted]
    return {"contract_id": contract_id, "period": period, "line": line,
            "lines": [to_plain(ln) for ln in lines], "events": [to_plain(e) for e in events]}


def journal(store: Store, as_of: str | None) -> tuple[list[Transaction], list[str]]:
    """Every transaction in log order and every contract id: from the read model, or with
    ``as_of`` folded from the events the ledger held then."""
    if as_of is None:
        return readmodel.journal_rows(store)
    from projections import journal as jr
    from store.view import View

    view = View(store, as_of=as_of)
    txns: list[Transaction] = []
    ids = view.contract_ids()
    for cid in ids:
        txns += jr.transactions((r.position, r.event) for r in view.records(contract_stream(cid)))
    txns.sort(key=lambda t: t.position)
    return txns, ids


def to_plain(obj: Any) -> dict[str, Any]:
    plain: dict[str, Any] = msgspec.to_builtins(obj, enc_hook=str)
    return plain

