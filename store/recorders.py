"""The database side of the event store: our tables, triggers and batch inserts.

Both recorders extend eventsourcing's own. Each batch is one transaction that
writes the events, one ``ledger_commands`` row per accepted command (its id
and body hash, for idempotency) and the hash-chain links of the new events
(``store.audit``). The events and commands tables refuse UPDATE and DELETE.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.sql import SQL, Composed

EVENTS_TABLE = "ledger_events"
COMMANDS_TABLE = "ledger_commands"
CHAIN_TABLE = "ledger_chain"
GENESIS = bytes(32)
def _chain_ddl(key: str) -> str:
    return f"CREATE TABLE IF NOT EXISTS {CHAIN_TABLE} (position {key} PRIMARY KEY, link TEXT NOT NULL)"
_CHAIN_HEAD = f"SELECT link FROM {CHAIN_TABLE} ORDER BY position DESC LIMIT 1"


def chain_link(previous: bytes, position: int, stream: str, version: int, topic: str,
               state: bytes) -> bytes:
    """One link of the tamper-evidence chain (see ``store.audit``)."""
    h = hashlib.sha256(previous)
    h.update(f"{position}\x1f{stream}\x1f{version}\x1f{topic}\x1f".encode())
    h.update(state)
    return h.digest()


def _chain_rows(previous: bytes, positions: Sequence[int],
                stored: Sequence[StoredEvent]) -> list[tuple[int, str]]:
    rows = []
    for position, s in zip(positions, stored, strict=True):
        previous = chain_link(previous, position, str(s.originator_id), s.originator_version,
                              s.topic, s.state)
        rows.append((position, previous.hex()))
    return rows

_EDIT_REFUSED = "ledger_events is append-only: {op} refused"


class SqliteLedgerRecorder(SQLiteApplicationRecorder):
    def __init__(self, datastore: Any, events_table_name: str = EVENTS_TABLE) -> None:
        super().__init__(datastore, events_table_name=EVENTS_TABLE)

    def construct_create_table_statements(self) -> list[str]:
        statements = super().construct_create_table_statements()
        # One B-tree each: the commands keyed by id alone (WITHOUT ROWID), the
        # chain by position as the rowid (INTEGER PRIMARY KEY, not BIGINT).
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {COMMANDS_TABLE} ("
            "command_id TEXT PRIMARY KEY, body_hash TEXT NOT NULL, recorded_at TEXT NOT NULL) "
            "WITHOUT ROWID"
        )
        statements.append(_chain_ddl("INTEGER"))
        for table in (EVENTS_TABLE, COMMANDS_TABLE):
            for op in ("UPDATE", "DELETE"):
                statements.append(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_refuse_{op.lower()} "
                    f"BEFORE {op} ON {table} BEGIN "
                    f"SELECT RAISE(ABORT, '{_EDIT_REFUSED.format(op=op).replace(EVENTS_TABLE, table)}'); END"
                )
        return statements

    def _insert_events(self, c: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        commands = kwargs.get("commands") or ()
        # Checkpoint the WAL every ~40 MB rather than ~4 MB: a batch rewrites the
        # same hot index pages, copied back to the database once per checkpoint
        # (6 % of a full year's submit; per connection, so set on each batch).
        c.execute("PRAGMA wal_autocheckpoint = 10000")
        # Writing the command rows first takes SQLite's write lock, so the
        # rowids below are ours alone: max(rowid)+1 onwards, in order.
        c.executemany(f"INSERT INTO {COMMANDS_TABLE} VALUES (?,?,?)", commands)
        c.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {EVENTS_TABLE}")
        first = int(c.fetchone()[0]) + 1
        c.executemany(
            self.insert_events_statement,
            [(s.originator_id, s.originator_version, s.topic, s.state) for s in stored_events],
        )
        positions = list(range(first, first + len(stored_events)))
        if positions:
            c.execute(_CHAIN_HEAD)
            head = c.fetchone()
            rows = _chain_rows(bytes.fromhex(head[0]) if head else GENESIS, positions, stored_events)
            c.executemany(f"INSERT INTO {CHAIN_TABLE} VALUES (?, ?)", rows)
        return positions


_COPY_COMMANDS = (f"COPY {COMMANDS_TABLE} (command_id, body_hash, recorded_at) "
                  "FROM STDIN (FORMAT BINARY)")
_COPY_EVENTS = (f"COPY {EVENTS_TABLE} (originator_id, originator_version, topic, state) "
                "FROM STDIN (FORMAT BINARY)")
_LAST_POSITION = f"SELECT currval(pg_get_serial_sequence('{EVENTS_TABLE}', 'notification_id'))"


def _first_value(row: Any) -> int:
    return int(next(iter(row.values())))


class PostgresLedgerRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: Any, events_table_name: str = EVENTS_TABLE) -> None:
        super().__init__(datastore, events_table_name=EVENTS_TABLE)
        statements = [
            f"CREATE TABLE IF NOT EXISTS {COMMANDS_TABLE} ("
            "command_id TEXT PRIMARY KEY, body_hash TEXT NOT NULL, recorded_at TEXT NOT NULL)",
            "CREATE OR REPLACE FUNCTION ledger_refuse_edit() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$",
            _chain_ddl("BIGINT"),
        ]
        for table in (EVENTS_TABLE, COMMANDS_TABLE):
            statements += [
                f"CREATE OR REPLACE TRIGGER {table}_refuse_edit BEFORE UPDATE OR DELETE "
                f"ON {table} FOR EACH ROW EXECUTE FUNCTION ledger_refuse_edit()",
                f"CREATE OR REPLACE TRIGGER {table}_refuse_truncate BEFORE TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_edit()",
            ]
        self.sql_create_statements += [Composed([SQL(text)]) for text in statements]

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """One plain transaction per batch: lock, command rows, events, chain links.

        The library pipelines these statements; then a conflict can surface as
        "pipeline aborted" instead of a unique violation, which must be retried.
        Here every statement runs in turn, so a conflict is an IntegrityError.
        The table lock comes first: writers queue, and the chain head and the
        command ids seen below are the committed ones.
        """
        commands = kwargs.get("commands") or ()
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._lock_table(curs)
            self._notify_channel(curs)
            # COPY in binary: about twice the rows/s of INSERT ... unnest, whose
            # array parameters psycopg adapts element by element in Python.
            if commands:
                with curs.copy(_COPY_COMMANDS) as copy:
                    copy.set_types(["text", "text", "text"])
                    for row in commands:
                        copy.write_row(row)
            if not stored_events:
                return []
            # The positions are the sequence's last n values: the table lock
            # above keeps every other writer (the only users of the sequence) out.
            with curs.copy(_COPY_EVENTS) as copy:
                copy.set_types(["text", "int8", "text", "bytea"])
                for s in stored_events:
                    copy.write_row((s.originator_id, s.originator_version, s.topic, s.state))
            curs.execute(_LAST_POSITION)
            last = _first_value(curs.fetchone())
            positions = list(range(last - len(stored_events) + 1, last + 1))
            curs.execute(_CHAIN_HEAD)
            head = curs.fetchone()
            previous = bytes.fromhex(head["link"]) if head else GENESIS
            with curs.copy(f"COPY {CHAIN_TABLE} (position, link) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["int8", "text"])
                for row in _chain_rows(previous, positions, stored_events):
                    copy.write_row(row)
            return positions


