"""Read models kept in tables, caught up after every submit, rebuildable.

Tables: ``rm_statements`` (every issued statement, in force or void),
``rm_balances``, ``rm_journal`` and ``rm_tracking`` (the log position they are
caught up to, and the tables' layout version: a store whose read models have
an older layout gets them dropped and built again, as they are derived).
Catching up finds the contracts whose streams moved after the tracking
position and refolds only those; all writes and the new position go in one
transaction.
``rebuild`` empties the read models, catches up from the start, and checks
that every issued statement recomputes byte-identically from the events.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import msgspec

from ledger.streams import contract_stream
from schemas.reports import Transaction

if TYPE_CHECKING:  # reading a table needs none of the folding machinery: a quick start-up
    from store.eventstore import Recorded, Store
    from store.view import View

TABLES = {
    "rm_tracking": "name TEXT PRIMARY KEY, position BIGINT NOT NULL",
    "rm_statements": "contract_id TEXT, statement_no TEXT, period TEXT, status TEXT, "
                     "issued_on TEXT, voided_on TEXT, void_reason TEXT, body TEXT, "
                     "PRIMARY KEY (contract_id, statement_no)",
    "rm_balances": "contract_id TEXT PRIMARY KEY, receivable_fen BIGINT, credit_fen BIGINT, "
                   "deposit_held_fen BIGINT",
    "rm_journal": "contract_id TEXT, seq INTEGER, position BIGINT, body TEXT, "
                  "PRIMARY KEY (contract_id, seq)",
}
NAME = "readmodels"
LAYOUT = 2  # 2: void statements (SPEC §11) beside those in force
_ENC = msgspec.json.Encoder(enc_hook=str)  # the same bytes the CLI prints


def ensure(store: Store) -> None:
    if getattr(store, "_readmodels_ready", False):
        return
    with store.schema_lock(), store.cursor(commit=True) as c:
        for table, columns in TABLES.items():
            c.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
        c.execute("SELECT position FROM rm_tracking WHERE name = 'layout'")
        rows = c.fetchall()
        if not rows or int(rows[0][0]) < LAYOUT:
            for table, columns in TABLES.items():
                c.execute(f"DROP TABLE {table}")
                c.execute(f"CREATE TABLE {table} ({columns})")
            c.execute("INSERT INTO rm_tracking VALUES ('layout', ?)", (LAYOUT,))
    store._readmodels_ready = True  # type: ignore[attr-defined]


def current(store: Store) -> None:
    """Make sure the read models cover the whole log before reading them."""
    ensure(store)
    rows = store.query("SELECT position FROM rm_tracking WHERE name = ?", (NAME,))
    if (int(rows[0][0]) if rows else 0) < store.max_position():
        catch_up(store)


def issued_statement(store: Store, contract_id: str, period: str) -> str | None:
    current(store)
    rows = store.query("SELECT body FROM rm_statements WHERE contract_id = ? AND period = ? "
                       "AND status = 'issued'", (contract_id, period))
    return str(rows[0][0]) if rows else None


def issued_statement_stored(store: Store, contract_id: str, period: str) -> str | None:
    """The issued statement in force as its table holds it, without catching up first (a
    server's hot path: catching up takes the write lock that submits hold). A statement
    never changes once issued, but it can be voided (SPEC §11): until the read models
    catch up with a void, the void statement is still the one found. None may only mean
    "not caught up yet" (ask ``issued_statement``, or the events)."""
    ensure(store)
    rows = store.query("SELECT body FROM rm_statements WHERE contract_id = ? AND period = ? "
                       "AND status = 'issued'", (contract_id, period))
    return str(rows[0][0]) if rows else None


def statement_rows(store: Store, contract_id: str | None
                   ) -> list[tuple[dict[str, Any], str | None, str | None]]:
    """(statement as issued, voided_on, void_reason) of every issued statement, in force
    or void, by contract and issue."""
    current(store)
    sql = "SELECT body, voided_on, void_reason FROM rm_statements"
    params: tuple[str, ...] = ()
    if contract_id:
        sql, params = sql + " WHERE contract_id = ?", (contract_id,)
    rows = store.query(sql + " ORDER BY contract_id, issued_on, period, statement_no", params)
    return [(msgspec.json.decode(r[0]), r[1], r[2]) for r in rows]


def balance_rows(store: Store, contract_id: str | None) -> list[tuple[str, int, int, int]]:
    current(store)
    sql = "SELECT contract_id, receivable_fen, credit_fen, deposit_held_fen FROM rm_balances"
    params: tuple[str, ...] = ()
    if contract_id:
        sql, params = sql + " WHERE contract_id = ?", (contract_id,)
    rows = store.query(sql + " ORDER BY contract_id", params)
    return [(str(a), int(b), int(c), int(d)) for a, b, c, d in rows]


def journal_rows(store: Store) -> tuple[list[Transaction], list[str]]:
    """Every journal transaction in log order, and every contract id (the accounts to
    open), as ``app.reports.journal`` folds them from the events."""
    current(store)
    rows = store.query("SELECT body FROM rm_journal ORDER BY position, contract_id, seq")
    decoder = msgspec.json.Decoder(Transaction)
    ids = [str(r[0]) for r in store.query("SELECT contract_id FROM rm_balances ORDER BY contract_id")]
    return [decoder.decode(r[0]) for r in rows], ids


def catch_up(store: Store) -> int:
    """Bring the read models up to the end of the log (one writer at a time)."""
    from store.view import PAGE, View

    ensure(store)
    with store.cursor(commit=True) as c:
        _lock(c, store)
        c.execute("SELECT position FROM rm_tracking WHERE name = ?", (NAME,))
        rows = c.fetchall()
        start = int(rows[0][0]) if rows else 0
        end = store.max_position()
        if end <= start:
            return start
        touched = sorted(_contracts_after(store, start))
        view = View(store, before=end + 1)
        for first in range(0, len(touched), PAGE):  # a query per page of streams, not per stream
            page = touched[first:first + PAGE]
            found = store.streams([contract_stream(cid) for cid in page])
            _write_page(c, [r for cid in page
                            for r in [_contract_rows(view, cid, found.get(contract_stream(cid), []))]
                            if r is not None])
        c.execute("DELETE FROM rm_tracking WHERE name = ?", (NAME,))
        c.execute("INSERT INTO rm_tracking VALUES (?, ?)", (NAME, end))
    return end


def _lock(c: Any, store: Store) -> None:
    """Take the read models' write lock before reading their position."""
    if store.postgres:
        c.execute("SELECT pg_advisory_xact_lock(74658)")
    else:  # any write statement takes SQLite's write lock, even one that changes nothing
        c.execute("UPDATE rm_tracking SET position = position WHERE name = ?", (NAME,))


def _contracts_after(store: Store, start: int) -> set[str]:
    """The contracts whose ``contract:`` stream has events after ``start``."""
    pos_col = "notification_id" if store.postgres else "rowid"
    return {str(s).split(":", 1)[1] for (s,) in store.query(
        f"SELECT DISTINCT originator_id FROM ledger_events WHERE {pos_col} > ? "
        "AND originator_id >= 'contract:' AND originator_id < 'contract;'", (start,))}


_Rows = tuple[str, list[tuple[Any, ...]], tuple[Any, ...], list[tuple[Any, ...]]]


def _write_page(c: Any, contracts: list[_Rows]) -> None:
    """Replace the rows of a page of contracts: a statement per table for the page
    (on PostgreSQL every statement is a round trip), all in the caller's transaction."""
    if not contracts:
        return
    ids = [cid for cid, _, _, _ in contracts]
    marks = ",".join("?" * len(ids))
    for table in ("rm_statements", "rm_balances", "rm_journal"):
        c.execute(f"DELETE FROM {table} WHERE contract_id IN ({marks})", ids)
    c.executemany("INSERT INTO rm_statements VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  [row for _, rows, _, _ in contracts for row in rows])
    c.executemany("INSERT INTO rm_balances VALUES (?, ?, ?, ?)", [bal for _, _, bal, _ in contracts])
    c.executemany("INSERT INTO rm_journal VALUES (?, ?, ?, ?)",
                  [row for _, _, _, rows in contracts for row in rows])


def _contract_rows(view: View, cid: str, records: list[Recorded]) -> _Rows | None:
    """A contract's rows of the three tables (None: no contract as of the view)."""
    from projections import journal as jr

    records = [r for r in records if view.keep(r)]
    state = view.fold(records)
    if state is None:
        return None
    rows: list[tuple[str, str, str, str, str, str | None, str | None, str]] = [
        (cid, i.event.statement.statement_no, p, "issued", i.issued_on.isoformat(), None, None,
             _ENC.encode(i.event.statement).decode()) for p, i in state.issued.items()]
    rows += [(cid, v.void.statement_no, v.void.period, "void", v.issued.issued_on.isoformat(),
              v.void.on.isoformat(), v.void.reason, _ENC.encode(v.issued.event.statement).decode())
             for v in state.voided]
    book = state.book
    txns = jr.transactions((r.position, r.event) for r in records)
    return (cid, list(rows), (cid, book.receivable, book.credit, book.deposit_held),
            [(cid, seq, t.position, _ENC.encode(t).decode()) for seq, t in enumerate(txns)])


def digests(store: Store) -> dict[str, str]:
    out = {}
    for table, order in (("rm_statements", "contract_id, statement_no"),
                         ("rm_balances", "contract_id"), ("rm_journal", "contract_id, seq")):
        h = hashlib.sha256()
        for row in store.query(f"SELECT * FROM {table} ORDER BY {order}"):
            h.update(_ENC.encode([str(v) for v in row]))
        out[table] = h.hexdigest()
    return out


def rebuild(store: Store, advance: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Empty the read models, catch up from the start, and check that every issued
    statement recomputes byte-identically; ``advance(1)`` after each contract."""
    from billing.statement import reissue
    from schemas import events as ev
    from store.view import View, as_issued

    ensure(store)
    with store.cursor(commit=True) as c:
        for table in TABLES:
            if table != "rm_tracking":
                c.execute(f"DELETE FROM {table}")
        c.execute("DELETE FROM rm_tracking WHERE name = ?", (NAME,))
    catch_up(store)
    differences = []
    checked = 0
    ids = View(store).contract_ids()
    for cid in ids:
        for rec, earlier, loader in as_issued(store, cid):
            issued = rec.event
            assert isinstance(issued, ev.SettlementIssued)
            again = reissue(earlier, loader, issued).statement
            checked += 1
            differences += _compare(issued.statement, again)
        if advance is not None:
            advance(1)
    return {"digests": digests(store), "statements_checked": checked, "differences": differences}


def _compare(stored: Any, again: Any) -> list[dict[str, Any]]:
    if _ENC.encode(stored) == _ENC.encode(again):
        return []
    a = msgspec.to_builtins(stored, enc_hook=str)
    b = msgspec.to_builtins(again, enc_hook=str)
    out = []
    for i in range(max(len(a["lines"]), len(b["lines"]))):
        x = a["lines"][i] if i < len(a["lines"]) else None
        y = b["lines"][i] if i < len(b["lines"]) else None
        if x != y:
            out.append({"statement_no": a["statement_no"], "line": i, "stored": x, "recomputed": y})
    for key in ("subtotal_fen", "tax_fen", "total_fen", "account", "due_on"):
        if a[key] != b[key]:
            out.append({"statement_no": a["statement_no"], "line": key,
                        "stored": a[key], "recomputed": b[key]})
    return out
