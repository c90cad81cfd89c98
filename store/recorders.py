"""The database side of the event store: our tables, triggers and batch inserts.

Both recorders extend eventsourcing's own: SQLite's here, PostgreSQL's in
``store.pg_recorder`` (imported only for a PostgreSQL store, so a SQLite one
never loads psycopg). Each batch is one transaction that
writes the events, one ``ledger_commands`` row per accepted command (its id
and body hash, for idempotency) and the hash-chain links of the new events
(``store.audit``). The events and commands tables refuse UPDATE and DELETE.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import msgspec
from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder

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


def _columns(n: int) -> str:
    """The first ``n`` items of each JSON array ``json_each`` yields, as columns."""
    return ", ".join(f"json_extract(value, '$[{i}]')" for i in range(n))


# Each table's rows of a batch go in as one statement, not one ``executemany`` row at a time:
# Python's sqlite3 binds each row holding the GIL and lets it go only around the step, so a
# writer thread beside the thread deciding the next batch waited for the GIL once per row.
# One statement is one step: SQLite reads the rows out of a JSON array (and the events'
# states out of one blob, by offset) with the GIL released for the whole batch. A writer in a
# process of its own (``store.writer``'s child) shares its GIL with no one: there the
# ``executemany`` statements below cost 11 % less than reading JSON.
_INSERT_COMMANDS = (f"INSERT INTO {COMMANDS_TABLE} (command_id, body_hash, recorded_at) "
                    f"SELECT {_columns(3)} FROM json_each(?)")
_INSERT_EVENTS = (f"INSERT INTO {EVENTS_TABLE} (originator_id, originator_version, topic, state) "
                  f"SELECT {_columns(3)}, substr(?2, json_extract(value, '$[3]'), "
                  "json_extract(value, '$[4]')) FROM json_each(?1)")
_INSERT_CHAIN = f"INSERT INTO {CHAIN_TABLE} (position, link) SELECT {_columns(2)} FROM json_each(?)"
_json = msgspec.json.Encoder()
_INSERT_COMMAND_ROWS = f"INSERT INTO {COMMANDS_TABLE} (command_id, body_hash, recorded_at) VALUES (?, ?, ?)"
_INSERT_EVENT_ROWS = (f"INSERT INTO {EVENTS_TABLE} (originator_id, originator_version, topic, state) "
                      "VALUES (?, ?, ?, ?)")
_INSERT_CHAIN_ROWS = f"INSERT INTO {CHAIN_TABLE} (position, link) VALUES (?, ?)"


def _packed(stored: Sequence[StoredEvent]) -> tuple[bytes, bytes]:
    """The events as ``_INSERT_EVENTS`` takes them: a JSON array of (stream, version, topic,
    offset, length) and the states end to end in one blob (substr counts from 1)."""
    heads = []
    at = 1
    for s in stored:
        n = len(s.state)
        heads.append((s.originator_id, s.originator_version, s.topic, at, n))
        at += n
    return _json.encode(heads), b"".join(s.state for s in stored)


class SqliteLedgerRecorder(SQLiteApplicationRecorder):
    def __init__(self, datastore: Any, events_table_name: str = EVENTS_TABLE) -> None:
        super().__init__(datastore, events_table_name=EVENTS_TABLE)
        self.shares_gil = True  # False: no other thread of this process works meanwhile

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
        one_step = self.shares_gil
        if commands:
            if one_step:
                c.execute(_INSERT_COMMANDS, (_json.encode(commands),))
            else:
                c.executemany(_INSERT_COMMAND_ROWS, commands)
        c.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {EVENTS_TABLE}")
        first = int(c.fetchone()[0]) + 1
        if stored_events:
            if one_step:
                c.execute(_INSERT_EVENTS, _packed(stored_events))
            else:
                c.executemany(_INSERT_EVENT_ROWS, [(s.originator_id, s.originator_version, s.topic,
                                                    s.state) for s in stored_events])
        positions = list(range(first, first + len(stored_events)))
        if positions:
            c.execute(_CHAIN_HEAD)
            head = c.fetchone()
            rows = _chain_rows(bytes.fromhex(head[0]) if head else GENESIS, positions, stored_events)
            if one_step:
                c.execute(_INSERT_CHAIN, (_json.encode(rows),))
            else:
                c.executemany(_INSERT_CHAIN_ROWS, rows)
        return positions
