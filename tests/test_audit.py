"""Audit and time (§8): the tamper-evident chain, append-only storage, rebuilds and as-of.

The tamper corpus edits the database directly, as an administrator with full
rights would: first the refusing triggers are dropped, then rows of
``ledger_events`` (and the ``ledger_chain`` links, for the consistent rewrite)
are changed through a plain driver connection (``sqlite3`` on the file,
``psycopg`` on the URL). ``ledger audit verify`` must then exit 1 and name the
first position that no longer matches; only a rewrite that recomputes the
chain as well escapes plain ``verify``, and it is caught by a digest taken
earlier and kept outside (``verify --digest D``).

Positions: in SQLite the log position is the ``rowid`` of ``ledger_events``; in
PostgreSQL it is ``notification_id``.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from builders import agent_ready, cmd, fixed_terms, full_month, issue, pay, shift, sign

MARCH = ("2026-03-02", "2026-03-31")
APRIL = ("2026-04-01", "2026-04-30")
HEX64 = re.compile(r"[0-9a-f]{64}")
PROBLEMS = ("edited", "missing", "history before the digest changed")

# --------------------------------------------------------------------------- direct database access

SQLITE_TRIGGERS = ("ledger_events_refuse_update", "ledger_events_refuse_delete",
                   "ledger_commands_refuse_update", "ledger_commands_refuse_delete")
PG_TRIGGERS = ("ledger_events_refuse_edit", "ledger_events_refuse_truncate",
               "ledger_commands_refuse_edit", "ledger_commands_refuse_truncate")


class Admin:
    """A raw connection to the store's database (autocommit), ``?`` placeholders on both."""

    def __init__(self, db: str, conn: Any, postgres: bool) -> None:
        self.db = db
        self.conn = conn
        self.postgres = postgres
        self.pos = "notification_id" if postgres else "rowid"

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.postgres:
            cur = self.conn.execute(sql.replace("?", "%s"), params)
            return [tuple(r) for r in cur.fetchall()] if cur.description else []
        cur = self.conn.execute(sql, params)
        rows = [tuple(r) for r in cur.fetchall()] if cur.description else []
        cur.close()
        return rows

    def drop_triggers(self) -> None:
        """What an administrator does first: remove the append-only guards."""
        if self.postgres:
            for name in PG_TRIGGERS:
                table = name.rsplit("_refuse_", 1)[0]
                self.execute(f"DROP TRIGGER {name} ON {table}")
        else:
            for name in SQLITE_TRIGGERS:
                self.execute(f"DROP TRIGGER {name}")

    def rows(self) -> list[tuple[int, str, int, str, bytes]]:
        """(position, stream, version, topic, state) in log order."""
        return [(int(p), str(s), int(v), str(t), bytes(b)) for p, s, v, t, b in self.execute(
            f"SELECT {self.pos}, originator_id, originator_version, topic, state "
            f"FROM ledger_events ORDER BY {self.pos}")]

    def position_of(self, topic: str, nth: int = 0) -> int:
        return [r[0] for r in self.rows() if r[3] == topic][nth]

    def row(self, position: int) -> tuple[int, str, int, str, bytes]:
        (found,) = [r for r in self.rows() if r[0] == position]
        return found

    def set_row(self, position: int, stream: str, version: int, topic: str, state: bytes) -> None:
        self.execute(f"UPDATE ledger_events SET originator_id = ?, originator_version = ?, topic = ?, "
                     f"state = ? WHERE {self.pos} = ?", (stream, version, topic, state, position))

    def chain(self) -> dict[int, str]:
        return {int(p): str(h) for p, h in self.execute("SELECT position, link FROM ledger_chain")}

    def count(self, table: str) -> int:
        return int(self.execute(f"SELECT COUNT(*) FROM {table}")[0][0])


@contextmanager
def admin(db: str) -> Iterator[Admin]:
    from store.eventstore import is_postgres

    if is_postgres(db):
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute("SET lock_timeout = '20s'")
            yield Admin(db, conn, True)
    else:
        conn = sqlite3.connect(db, isolation_level=None, timeout=20)
        try:
            yield Admin(db, conn, False)
        finally:
            conn.close()


# --------------------------------------------------------------------------- a small ledger


def build_small(ledger: Any) -> None:
    """C1: two agents, March worked in full, March issued on 04-01, paid on 04-05."""
    ledger.accept(sign(), *agent_ready("a1"), *agent_ready("a2"))
    ledger.accept(*full_month(["a1", "a2"], *MARCH))
    ledger.accept(issue("2026-03", "2026-04-01"))
    total = ledger.statement("C1", "2026-03")["total_fen"]
    ledger.accept(pay("P1", total, "2026-04-05"))


def digest(ledger: Any) -> dict[str, Any]:
    run = ledger.run("audit", "digest", "--json")
    assert run.code == 0, run
    return dict(run.json())


def verify(ledger: Any, *extra: str) -> tuple[int, dict[str, Any]]:
    run = ledger.run("audit", "verify", "--json", *extra)
    data = run.json()
    assert set(data) == {"ok", "findings"}, data
    assert data["ok"] is (run.code == 0), (run.code, data)
    for finding in data["findings"]:
        assert isinstance(finding["position"], int), finding
        assert finding["problem"].startswith(PROBLEMS), finding
    return run.code, data


def one_byte_changed(state: bytes) -> bytes:
    """The state with one digit bumped: same length, exactly one byte different."""
    match = re.search(rb'"date":"\d{4}-\d{2}-\d(\d)"', state) or re.search(rb"\d", state)
    assert match is not None, state
    index = match.start(match.lastindex or 0)
    out = bytearray(state)
    out[index] = ord("0") + (out[index] - ord("0") + 1) % 10
    return bytes(out)


# --------------------------------------------------------------------------- 1. tamper corpus


def test_untouched_log_verifies(ledger: Any) -> None:
    build_small(ledger)
    d = digest(ledger)
    code, data = verify(ledger)
    assert (code, data) == (0, {"ok": True, "findings": []})
    code, data = verify(ledger, "--digest", d["digest"])
    assert (code, data) == (0, {"ok": True, "findings": []})
    plain = ledger.run("audit", "verify")
    assert plain.code == 0, plain


def test_appending_after_a_digest_keeps_it_valid(ledger: Any) -> None:
    build_small(ledger)
    earlier = digest(ledger)
    ledger.accept(*full_month(["a1", "a2"], "2026-04-01", "2026-04-10"))
    ledger.accept(pay("P2", 12345, "2026-04-20"))
    later = digest(ledger)
    assert later["position"] > earlier["position"]
    for extra in ((), ("--digest", earlier["digest"]), ("--digest", later["digest"])):
        code, data = verify(ledger, *extra)
        assert (code, data) == (0, {"ok": True, "findings": []}), extra


def test_verify_rejects_a_malformed_digest_with_usage_or_failure(ledger: Any) -> None:
    build_small(ledger)
    run = ledger.run("audit", "verify", "--digest", "not-a-digest")
    assert run.code in (1, 2), run
    assert "Traceback" not in run.err


def _tamper_state(a: Admin) -> int:
    """(a) one byte of one event's state changed: a shift in the middle of the log."""
    target = a.position_of("ShiftRecorded", 10)
    p, s, v, t, state = a.row(target)
    a.set_row(p, s, v, t, one_byte_changed(state))
    return target


def _tamper_topic(a: Admin) -> int:
    """(b) one event's topic changed: an agent's go-live turned into an offboarding."""
    target = a.position_of("AgentWentLive", 0)
    p, s, v, _, state = a.row(target)
    a.set_row(p, s, v, "AgentOffboarded", state)
    return target


def _tamper_delete(a: Admin) -> int:
    """(c) one row deleted from the middle of the log."""
    target = a.position_of("ShiftRecorded", 5)
    a.execute(f"DELETE FROM ledger_events WHERE {a.pos} = ?", (target,))
    return target


def _tamper_swap(a: Admin) -> int:
    """(d) two rows' contents swapped (a shift and the settlement): the log reordered."""
    first = a.position_of("ShiftRecorded", 3)
    second = a.position_of("SettlementIssued", 0)
    _, s1, v1, t1, b1 = a.row(first)
    _, s2, v2, t2, b2 = a.row(second)
    # through a placeholder stream: (originator_id, originator_version) is unique
    a.set_row(first, "tamper:placeholder", 1, t1, b1)
    a.set_row(second, s1, v1, t1, b1)
    a.set_row(first, s2, v2, t2, b2)
    return first


def _tamper_truncate(a: Admin) -> int:
    """(e) the log truncated: its last two rows deleted."""
    last_two = [r[0] for r in a.rows()][-2:]
    a.execute(f"DELETE FROM ledger_events WHERE {a.pos} >= ?", (last_two[0],))
    return last_two[0]


TAMPERS = {
    "changed_state_byte": (_tamper_state, "edited"),
    "changed_topic": (_tamper_topic, "edited"),
    "deleted_row": (_tamper_delete, "missing"),
    "swapped_rows": (_tamper_swap, "edited"),
    "truncated_log": (_tamper_truncate, "missing"),
}


@pytest.mark.parametrize("case", sorted(TAMPERS))
def test_tamper_is_detected_at_its_position(ledger: Any, case: str) -> None:
    tamper, problem = TAMPERS[case]
    build_small(ledger)
    d = digest(ledger)
    events_before = ledger.stats()[0]
    with admin(ledger.db) as a:
        assert d["position"] == a.rows()[-1][0]
        a.drop_triggers()
        position = tamper(a)
    assert position <= d["position"]

    code, data = verify(ledger)
    assert code == 1, data
    assert data["ok"] is False
    first = data["findings"][0]
    assert first["position"] == position, data
    assert first["problem"].startswith(problem), data

    code, data = verify(ledger, "--digest", d["digest"])
    assert code == 1, data
    first = data["findings"][0]
    assert first["position"] == position, data
    assert first["problem"].startswith(problem), data
    if problem == "edited":
        # the log up to the digest's position no longer hashes to the kept head
        assert {"position": d["position"]} in [{"position": f["position"]} for f in data["findings"]
                                               if f["problem"].startswith("history before")], data

    text = ledger.run("audit", "verify")
    assert text.code == 1, text
    assert str(position) in text.out.splitlines()[0], text
    if case in ("deleted_row", "truncated_log"):
        assert ledger.stats()[0] < events_before


def test_rewrite_with_recomputed_chain_is_caught_only_by_an_earlier_digest(ledger: Any) -> None:
    """(f) an event rewritten together with its link and every later link: the chain is
    self-consistent again, so plain verify passes; the digest kept outside does not."""
    from store.audit import GENESIS, link

    build_small(ledger)
    d = digest(ledger)
    with admin(ledger.db) as a:
        a.drop_triggers()
        target = a.position_of("SettlementIssued", 0)
        p, s, v, t, state = a.row(target)
        forged, n = re.subn(rb'"total_fen":(\d+)', b'"total_fen":1', state, count=1)
        assert n == 1 and forged != state
        a.set_row(p, s, v, t, forged)
        chain = a.chain()
        earlier = [pos for pos in chain if pos < target]
        previous = bytes.fromhex(chain[max(earlier)]) if earlier else GENESIS
        for pos, stream, version, topic, body in a.rows():
            if pos < target:
                continue
            previous = link(previous, pos, stream, version, topic, body)
            a.execute("UPDATE ledger_chain SET link = ? WHERE position = ?", (previous.hex(), pos))

    code, data = verify(ledger)
    assert (code, data) == (0, {"ok": True, "findings": []})

    code, data = verify(ledger, "--digest", d["digest"])
    assert code == 1, data
    assert data["ok"] is False
    assert data["findings"][0]["position"] == d["position"], data
    assert data["findings"][0]["problem"].startswith("history before the digest changed"), data

    # and the head the chain now shows is not the one kept outside
    now = digest(ledger)
    assert now["position"] == d["position"]
    assert now["hash"] != d["hash"]


def test_rewrite_after_the_digest_position_does_not_fail_the_digest(ledger: Any) -> None:
    """A digest proves the log only up to its position; a consistent rewrite after it is
    not history before the digest."""
    from store.audit import link

    build_small(ledger)
    d = digest(ledger)
    ledger.accept(pay("P2", 5000, "2026-04-20"))
    with admin(ledger.db) as a:
        a.drop_triggers()
        target = a.rows()[-1][0]
        assert target > d["position"]
        p, s, v, t, state = a.row(target)
        forged = state.replace(b'"amount_fen":5000', b'"amount_fen":9000')
        assert forged != state
        a.set_row(p, s, v, t, forged)
        previous = bytes.fromhex(a.chain()[target - 1])
        a.execute("UPDATE ledger_chain SET link = ? WHERE position = ?",
                  (link(previous, p, s, v, t, forged).hex(), target))
    code, data = verify(ledger, "--digest", d["digest"])
    assert (code, data) == (0, {"ok": True, "findings": []})


def test_edited_chain_link_is_named(ledger: Any) -> None:
    """The stored chain itself edited (one link replaced): verify names that position."""
    build_small(ledger)
    d = digest(ledger)
    with admin(ledger.db) as a:
        target = a.position_of("ShiftRecorded", 7)
        a.execute("UPDATE ledger_chain SET link = ? WHERE position = ?", ("00" * 32, target))
    code, data = verify(ledger)
    assert code == 1, data
    assert data["findings"][0]["position"] == target, data
    assert data["findings"][0]["problem"].startswith("edited"), data
    code, data = verify(ledger, "--digest", d["digest"])
    assert code == 1, data
    assert data["findings"][0]["position"] == target, data


def test_sqlite_deleted_row_then_vacuum_is_still_caught(sqlite_ledger: Any) -> None:
    """SQLite's ``ledger_events`` is a rowid table: VACUUM after a deletion may renumber
    the later rows, closing the gap. The first position that no longer matches is still
    the deleted one."""
    ledger = sqlite_ledger
    build_small(ledger)
    d = digest(ledger)
    with admin(ledger.db) as a:
        a.drop_triggers()
        target = a.position_of("ShiftRecorded", 5)
        a.execute("DELETE FROM ledger_events WHERE rowid = ?", (target,))
        a.execute("VACUUM")
    for extra in ((), ("--digest", d["digest"])):
        code, data = verify(ledger, *extra)
        assert code == 1, data
        first = data["findings"][0]
        assert first["position"] == target, data
        assert first["problem"].startswith(("edited", "missing")), data


def test_sqlite_rowids_swapped_is_caught(sqlite_ledger: Any) -> None:
    """(d) on SQLite by renumbering: two rows exchange their rowids (log positions)."""
    ledger = sqlite_ledger
    build_small(ledger)
    d = digest(ledger)
    with admin(ledger.db) as a:
        a.drop_triggers()
        first = a.position_of("ShiftRecorded", 2)
        second = a.position_of("PaymentReceived", 0)
        a.execute("UPDATE ledger_events SET rowid = -1 WHERE rowid = ?", (first,))
        a.execute("UPDATE ledger_events SET rowid = ? WHERE rowid = ?", (first, second))
        a.execute("UPDATE ledger_events SET rowid = ? WHERE rowid = -1", (second,))
    for extra in ((), ("--digest", d["digest"])):
        code, data = verify(ledger, *extra)
        assert code == 1, data
        assert data["findings"][0] == {"position": first, "problem": data["findings"][0]["problem"]}
        assert data["findings"][0]["problem"].startswith("edited"), data


# --------------------------------------------------------------------------- 2. append-only


EDITS = {
    "ledger_events": ("UPDATE ledger_events SET topic = topic", "DELETE FROM ledger_events"),
    "ledger_commands": ("UPDATE ledger_commands SET body_hash = body_hash", "DELETE FROM ledger_commands"),
}


@pytest.mark.parametrize("table", sorted(EDITS))
@pytest.mark.parametrize("op", ["UPDATE", "DELETE"])
def test_events_and_commands_refuse_update_and_delete(ledger: Any, table: str, op: str) -> None:
    build_small(ledger)
    before = ledger.stats()
    with admin(ledger.db) as a:
        commands_before = a.count("ledger_commands")
        rows_before = a.rows()
        sql = EDITS[table][0 if op == "UPDATE" else 1]
        with pytest.raises((sqlite3.DatabaseError, psycopg.Error), match="append-only"):
            a.execute(sql)
        # a single row, too
        with pytest.raises((sqlite3.DatabaseError, psycopg.Error), match="append-only"):
            key = "originator_id" if table == "ledger_events" else "command_id"
            a.execute(f"{sql} WHERE {key} IN (SELECT {key} FROM {table} LIMIT 1)")
        assert a.count("ledger_commands") == commands_before
        assert a.rows() == rows_before
    assert ledger.stats() == before
    code, data = verify(ledger)
    assert (code, data) == (0, {"ok": True, "findings": []})


@pytest.mark.postgres
@pytest.mark.parametrize("table", sorted(EDITS))
def test_postgres_refuses_truncate(pg_url: str, tmp_path: Any, table: str) -> None:
    from conftest import Ledger

    ledger = Ledger(pg_url, tmp_path)
    build_small(ledger)
    before = ledger.stats()
    with admin(pg_url) as a, pytest.raises(psycopg.Error, match="append-only"):
        a.execute(f"TRUNCATE {table}")
    assert ledger.stats() == before


# --------------------------------------------------------------------------- 3. rebuild


def build_two_contracts(ledger: Any) -> int:
    """C1 (base+commission) with two statements and a late correction; C2 fixed fee.
    Returns the number of issued statements."""
    ledger.accept(sign(), *agent_ready("a1"), *agent_ready("a2"))
    ledger.accept(sign("C2", fixed_terms(), merchant={"id": "M2", "name": "二号店", "platform": "jd"}),
                  *agent_ready("b1", "C2"), *agent_ready("b2", "C2"))
    ledger.accept(*full_month(["a1", "a2"], *MARCH, skip={("a2", "2026-03-10")}),
                  *full_month(["b1"], *MARCH, contract_id="C2"),
                  cmd("record_sales", agent_id="a1", date="2026-03-05", sales_fen=1234567, orders=9))
    ledger.accept(issue("2026-03", "2026-04-01"), issue("2026-03", "2026-04-01", "C2"))
    ledger.accept(pay("P1", 500000, "2026-04-15"), pay("P1", 2000000, "2026-04-03", "C2"))
    ledger.accept(shift("a2", "2026-03-10"), *full_month(["a1", "a2"], *APRIL),
                  cmd("post_adjustment", adjustment_id="ADJ1", amount_fen=-3333, reason="goodwill"))
    ledger.accept(issue("2026-04", "2026-05-02"))
    return 3


def test_rebuild_is_reproducible_and_matches_incremental_read_models(ledger: Any) -> None:
    from store.eventstore import open_store
    from store.readmodels import digests

    issued = build_two_contracts(ledger)
    statements = ledger.run("statements", "--json")
    assert statements.code == 0
    assert len(statements.json()) == issued

    incremental = digests(open_store(ledger.db))
    assert set(incremental) >= {"rm_statements", "rm_balances", "rm_journal"}

    first = ledger.run("rebuild", "--json")
    assert first.code == 0, first
    second = ledger.run("rebuild", "--json")
    assert second.code == 0, second
    one, two = first.json(), second.json()
    assert one["digests"] == two["digests"]
    assert one["digests"] == incremental
    for report in (one, two):
        assert report["statements_checked"] == issued
        assert report["differences"] == []
    assert first.out == second.out
    assert digests(open_store(ledger.db)) == incremental

    # the rebuilt read models serve the same reports as before
    again = ledger.run("statements", "--json")
    assert again.out == statements.out


def test_read_models_are_the_same_folded_a_contract_a_page(
        ledger: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The catch-up folds ``store.view.PAGE`` contracts at a time (it bounds the memory)."""
    issued = build_two_contracts(ledger)
    whole = ledger.run("rebuild", "--json").json()
    statements = ledger.run("statements", "--json").out
    monkeypatch.setattr("store.view.PAGE", 1)
    paged = ledger.run("rebuild", "--json").json()
    assert paged["digests"] == whole["digests"] and paged["statements_checked"] == issued
    assert ledger.run("statements", "--json").out == statements


def test_rebuild_reports_a_statement_that_no_longer_recomputes(ledger: Any) -> None:
    """An issued statement edited in the store no longer reproduces: rebuild exits 1."""
    build_small(ledger)
    with admin(ledger.db) as a:
        a.drop_triggers()
        target = a.position_of("SettlementIssued", 0)
        p, s, v, t, state = a.row(target)
        forged, n = re.subn(rb'"total_fen":(\d+)', b'"total_fen":1', state, count=1)
        assert n == 1
        a.set_row(p, s, v, t, forged)
    run = ledger.run("rebuild", "--json")
    assert run.code == 1, run
    report = run.json()
    assert report["statements_checked"] == 1
    assert report["differences"], report
    assert report["differences"][0]["statement_no"] == "C1-2026-03"


# --------------------------------------------------------------------------- 4. as of


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


REPORTS: dict[str, tuple[str, ...]] = {
    "statement_settled_live": ("statement", "C1", "2026-03", "--live", "--on", "2026-05-04", "--json"),
    "statement_issued": ("statement", "C1", "2026-03", "--json"),
    "statement_draft": ("statement", "C1", "2026-04", "--live", "--on", "2026-05-04", "--json"),
    "statements": ("statements", "--json"),
    "balance": ("balance", "C1", "--json"),
    "breaches": ("breaches", "C1", "--on", "2026-05-04", "--json"),
    "journal": ("journal", "--format", "json"),
    "history": ("history", "C1", "--json"),
}


def test_as_of_shows_what_the_ledger_knew_then(ledger: Any) -> None:
    ledger.accept(sign(), *agent_ready("a1"), *agent_ready("a2"))
    ledger.accept(*full_month(["a1", "a2"], *MARCH, skip={("a2", "2026-03-10")}))
    ledger.accept(issue("2026-03", "2026-04-01"))
    ledger.accept(pay("P1", 100000, "2026-04-05"), *full_month(["a1", "a2"], *APRIL))

    before: dict[str, str] = {}
    for name, args in REPORTS.items():
        run = ledger.run(*args)
        assert run.code == 0, (name, run)
        before[name] = run.out

    time.sleep(1.1)
    as_of = now_utc()
    time.sleep(1.1)

    # late facts: a shift into settled March, a payment, an amendment reaching back, an issue
    ledger.accept(shift("a2", "2026-03-10"))
    ledger.accept(pay("P2", 200000, "2026-04-28"))
    ledger.accept(cmd("amend_terms", effective_from="2026-03-16",
                      terms={"pricing": {"shift_rate_fen": 22000}}))
    ledger.accept(issue("2026-04", "2026-05-02"))

    for name, args in REPORTS.items():
        run = ledger.run(*args, "--as-of", as_of)
        assert run.code == 0, (name, run)
        assert run.out == before[name], name

    # the same instant written with an offset means the same thing
    local = (dt.datetime.fromisoformat(as_of.replace("Z", "+00:00"))
             .astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat())
    run = ledger.run(*REPORTS["balance"], "--as-of", local)
    assert run.out == before["balance"]

    # the late facts are real: without --as-of the reports moved
    for name in ("statement_settled_live", "statement_draft", "statements", "balance", "journal",
                 "history"):
        run = ledger.run(*REPORTS[name])
        assert run.code == 0, (name, run)
        assert run.out != before[name], name
    # an issued statement never changes, as of any time
    assert ledger.run(*REPORTS["statement_issued"]).out == before["statement_issued"]


def test_as_of_before_anything_was_recorded(ledger: Any) -> None:
    build_small(ledger)
    run = ledger.run("statements", "--json", "--as-of", "2000-01-01T00:00:00Z")
    assert run.code == 0, run
    assert run.json() == []


# --------------------------------------------------------------------------- 5. digest


def test_digest_fields_and_position(ledger: Any) -> None:
    from store.audit import GENESIS, link

    build_small(ledger)
    with admin(ledger.db) as a:
        # the chain was extended by every submit: it already covers the whole log
        assert sorted(a.chain()) == [r[0] for r in a.rows()]
    d = digest(ledger)
    assert set(d) == {"position", "hash", "digest"}
    assert isinstance(d["position"], int)
    assert HEX64.fullmatch(d["hash"]), d
    assert d["digest"] == f"{d['position']}:{d['hash']}"

    with admin(ledger.db) as a:
        rows = a.rows()
        last = int(a.execute(f"SELECT MAX({a.pos}) FROM ledger_events")[0][0])
    assert d["position"] == last == rows[-1][0]
    assert ledger.stats() == (len(rows), last)

    # the head is the chain of §8 recomputed independently over the stored rows
    previous = GENESIS
    for row in rows:
        previous = link(previous, *row)
    assert d["hash"] == previous.hex()

    text = ledger.run("audit", "digest")
    assert text.code == 0
    assert text.out.strip() == d["digest"]

    ledger.accept(pay("P9", 1, "2026-04-30"))
    after = digest(ledger)
    assert after["position"] == last + 1 == ledger.stats()[1]
