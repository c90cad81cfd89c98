"""The PostgreSQL recorder of the event store (``store.recorders`` has the SQLite one and
what both share): our tables and triggers, and each batch written with COPY in one
transaction. Imported only for a PostgreSQL store."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL, Composed

from store.recorders import (
    _CHAIN_HEAD,
    CHAIN_TABLE,
    COMMANDS_TABLE,
    EVENTS_TABLE,
    GENESIS,
    _chain_ddl,
    _chain_rows,
)

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


