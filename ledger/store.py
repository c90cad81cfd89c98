"""The event store: an eventsourcing Application over SQLite or PostgreSQL.

Design:
- Stored events are msgspec Structs (``schemas.events``) written through our own
  mapper: topic = the event's class name (stable), state = msgspec JSON.
- Streams are short: ``contract:<id>`` holds a contract's lifecycle and money
  events, ``activity:<id>:<YYYY-MM>`` one month of shifts, sales and service
  metrics, ``dispute:<id>`` the global claim of a dispute id.
- Each batch of accepted commands is one transaction: its events (many
  streams) and one ``ledger_commands`` row per command (id, body hash) are
  written together, so a crash loses at most the batch in flight and a replay
  is recognised whatever process sent it.
- The events table refuses UPDATE and DELETE at the database level.
"""

from __future__ import annotations

import atexit
import hashlib
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import unquote, urlsplit

import msgspec
from eventsourcing.application import Application
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.sql import SQL, Composed

from schemas.events import TOPICS, Event
from schemas.types import enc_hook, stored_dec_hook

EVENTS_TABLE = "ledger_events"
COMMANDS_TABLE = "ledger_commands"
CHAIN_TABLE = "ledger_chain"
GENESIS = bytes(32)
_CHAIN_DDL = f"CREATE TABLE IF NOT EXISTS {CHAIN_TABLE} (position BIGINT PRIMARY KEY, link TEXT NOT NULL)"
_CHAIN_HEAD = f"SELECT link FROM {CHAIN_TABLE} ORDER BY position DESC LIMIT 1"


def chain_link(previous: bytes, position: int, stream: str, version: int, topic: str,
               state: bytes) -> bytes:
    """One link of the tamper-evidence chain (see ``ledger.audit``)."""
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

_ENCODER = msgspec.json.Encoder(enc_hook=enc_hook)
_DECODERS = {
    name: msgspec.json.Decoder(type=cls, dec_hook=stored_dec_hook) for name, cls in TOPICS.items()
}


def encode_event(event: Event) -> bytes:
    return _ENCODER.encode(event)


def decode_event(topic: str, state: bytes) -> Event:
    decoder = _DECODERS.get(topic)
    if decoder is None:
        raise StoreError(f"unknown event topic {topic!r} in the log")
    return decoder.decode(state)


class StoreError(Exception):
    """The store cannot be opened or read; the message never holds a password."""


class Pending(msgspec.Struct, frozen=True):
    """A new event on its way into a stream (satisfies eventsourcing's protocol)."""

    originator_id: str
    originator_version: int
    event: Event


class StoredRow(msgspec.Struct, frozen=True):
    """The row of a stored event, shaped like eventsourcing's ``StoredEvent``
    (the recorders read these four attributes) but cheap to build by the million."""

    originator_id: str
    originator_version: int
    topic: str
    state: bytes


def stored_row(pending: Pending) -> StoredRow:
    return StoredRow(pending.originator_id, pending.originator_version,
                     type(pending.event).__name__, _ENCODER.encode(pending.event))


@dataclass(frozen=True, slots=True)
class Recorded:
    """An event read back, with its stream, version and log position."""

    position: int
    stream: str
    version: int
    event: Event

    @property
    def topic(self) -> str:
        return type(self.event).__name__


class MsgspecMapper(Mapper[str]):
    """Maps ``Pending`` to stored rows with stable topics and msgspec JSON."""

    def __init__(self, transcoder: Transcoder | None = None, **_: Any) -> None:
        self.transcoder = transcoder  # type: ignore[assignment]
        self.compressor = None
        self.cipher = None

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        pending: Pending = domain_event
        return StoredEvent(
            originator_id=pending.originator_id,
            originator_version=pending.originator_version,
            topic=type(pending.event).__name__,
            state=_ENCODER.encode(pending.event),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        return Pending(
            str(stored_event.originator_id),
            stored_event.originator_version,
            decode_event(stored_event.topic, stored_event.state),
        )


_EDIT_REFUSED = "ledger_events is append-only: {op} refused"


class SqliteLedgerRecorder(SQLiteApplicationRecorder):
    def __init__(self, datastore: Any, events_table_name: str = EVENTS_TABLE) -> None:
        super().__init__(datastore, events_table_name=EVENTS_TABLE)

    def construct_create_table_statements(self) -> list[str]:
        statements = super().construct_create_table_statements()
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {COMMANDS_TABLE} ("
            "command_id TEXT PRIMARY KEY, body_hash TEXT NOT NULL, recorded_at TEXT NOT NULL)"
        )
        statements.append(_CHAIN_DDL)
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


class PostgresLedgerRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: Any, events_table_name: str = EVENTS_TABLE) -> None:
        super().__init__(datastore, events_table_name=EVENTS_TABLE)
        statements = [
            f"CREATE TABLE IF NOT EXISTS {COMMANDS_TABLE} ("
            "command_id TEXT PRIMARY KEY, body_hash TEXT NOT NULL, recorded_at TEXT NOT NULL)",
            "CREATE OR REPLACE FUNCTION ledger_refuse_edit() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$",
            _CHAIN_DDL,
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
        """One plain transaction per batch: lock, events, command rows, chain links.

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
            if commands:
                ids, hashes, times = (list(column) for column in zip(*commands, strict=True))
                curs.execute(f"INSERT INTO {COMMANDS_TABLE} SELECT * FROM "
                             "unnest(%s::text[], %s::text[], %s::text[])", (ids, hashes, times),
                             binary=True)
            if not stored_events:
                return []
            curs.execute(
                f"INSERT INTO {EVENTS_TABLE} (originator_id, originator_version, topic, state) "
                "SELECT * FROM unnest(%s::text[], %s::bigint[], %s::text[], %s::bytea[]) "
                "RETURNING notification_id",
                ([str(s.originator_id) for s in stored_events],
                 [s.originator_version for s in stored_events],
                 [s.topic for s in stored_events], [s.state for s in stored_events]),
                binary=True)
            positions = [row["notification_id"] for row in curs.fetchall()]
            curs.execute(_CHAIN_HEAD)
            head = curs.fetchone()
            previous = bytes.fromhex(head["link"]) if head else GENESIS
            rows = _chain_rows(previous, positions, stored_events)
            curs.execute(f"INSERT INTO {CHAIN_TABLE} SELECT * FROM unnest(%s::bigint[], %s::text[])",
                         ([p for p, _ in rows], [link for _, link in rows]), binary=True)
            return positions


class LedgerApplication(Application[str]):
    name = "Ledger"

    def construct_mapper(self) -> Mapper[str]:
        return MsgspecMapper()


def describe(db: str) -> str:
    """The store's name for logs and errors: never the password."""
    if is_postgres(db):
        parts = urlsplit(db)
        host = parts.hostname or "localhost"
        user = f"{unquote(parts.username)}@" if parts.username else ""
        port = f":{parts.port}" if parts.port else ""
        return f"postgresql://{user}{host}{port}{parts.path}"
    return db


def is_postgres(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


def _env_for(db: str) -> dict[str, str]:
    common = {"ORIGINATOR_ID_TYPE": "text", "CREATE_TABLE": "yes"}
    if is_postgres(db):
        # Tables are created under an advisory lock by Store, not by the library:
        # concurrent CREATE ... IF NOT EXISTS races in PostgreSQL.
        common["CREATE_TABLE"] = "no"
        parts = urlsplit(db)
        dbname = parts.path.lstrip("/")
        if not dbname:
            raise StoreError(f"no database name in {describe(db)}")
        return common | {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "APPLICATION_RECORDER_TOPIC": f"{__name__}:PostgresLedgerRecorder",
            "POSTGRES_DBNAME": unquote(dbname),
            "POSTGRES_HOST": parts.hostname or "localhost",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or os.environ.get("USER", "postgres")),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_CONNECT_TIMEOUT": "10",
            "POSTGRES_LOCK_TIMEOUT": "60",
            "POSTGRES_POOL_SIZE": "2",
            "POSTGRES_MAX_OVERFLOW": "4",
            "POSTGRES_ENABLE_DB_FUNCTIONS": "no",
        }
    return common | {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "APPLICATION_RECORDER_TOPIC": f"{__name__}:SqliteLedgerRecorder",
        "SQLITE_DBNAME": db,
        "SQLITE_LOCK_TIMEOUT": "60",
    }


class Store:
    """What the rest of the ledger needs from the event store, and no more."""

    def __init__(self, db: str) -> None:
        self.db = db
        self.name = describe(db)
        self.postgres = is_postgres(db)
        try:
            self.app = LedgerApplication(env=_env_for(db))
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"cannot open the store {self.name}: {_clean(exc, db)}") from None
        self.recorder: Any = cast(Any, self.app.recorder)
        self._pos_col = "notification_id" if self.postgres else "rowid"
        if self.postgres:
            try:
                with self.schema_lock():
                    self.recorder.create_table()
            except Exception as exc:
                raise StoreError(f"cannot open the store {self.name}: {_clean(exc, db)}") from None

    @contextmanager
    def schema_lock(self) -> Iterator[None]:
        """Serialise DDL between processes (PostgreSQL); SQLite's write lock does it there."""
        if not self.postgres:
            yield
            return
        with self.recorder.datastore.get_connection() as conn:
            conn.execute("SELECT pg_advisory_lock(74657)")
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(74657)")

    # -- writing ---------------------------------------------------------
    def save(self, pending: Sequence[Pending], commands: Sequence[tuple[str, str, str]]) -> list[int]:
        """Write events and command rows in one transaction; return positions."""
        stored = [stored_row(p) for p in pending]
        positions = self.recorder.insert_events(stored, commands=list(commands))
        return list(positions or [])

    # -- raw SQL for our own tables ---------------------------------------
    @contextmanager
    def cursor(self, commit: bool = False) -> Iterator[Any]:
        with self.recorder.datastore.transaction(commit=commit) as curs:
            yield _Cursor(curs, self.postgres)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.cursor() as c:
            c.execute(sql, params)
            rows: list[tuple[Any, ...]] = c.fetchall()
            return rows

    # -- reading -----------------------------------------------------------
    def stream(self, stream_id: str) -> list[Recorded]:
        rows = self.query(
            f"SELECT {self._pos_col}, originator_version, topic, state FROM {EVENTS_TABLE} "
            "WHERE originator_id = ? ORDER BY originator_version",
            (stream_id,),
        )
        return [Recorded(r[0], stream_id, r[1], decode_event(r[2], bytes(r[3]))) for r in rows]

    def stream_versions(self, stream_ids: Sequence[str]) -> dict[str, int]:
        """Current version of each stream (absent: no events): one index seek each."""
        out: dict[str, int] = {}
        with self.cursor() as c:
            for sid in stream_ids:
                c.execute(f"SELECT MAX(originator_version) FROM {EVENTS_TABLE} "
                          "WHERE originator_id = ?", (sid,))
                (version,) = c.fetchall()[0]
                if version is not None:
                    out[sid] = int(version)
        return out

    def streams_with_prefix(self, prefix: str) -> list[str]:
        rows = self.query(
            f"SELECT DISTINCT originator_id FROM {EVENTS_TABLE} "
            "WHERE originator_id >= ? AND originator_id < ? ORDER BY originator_id",
            (prefix, prefix + "\uffff"),
        )
        return [r[0] for r in rows]

    def known_commands(self, ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for chunk in _chunks(list(dict.fromkeys(ids)), 500):
            marks = ",".join("?" * len(chunk))
            for cid, body_hash in self.query(
                f"SELECT command_id, body_hash FROM {COMMANDS_TABLE} WHERE command_id IN ({marks})",
                chunk,
            ):
                out[cid] = body_hash
        return out

    def log(self, start: int = 1, stop: int | None = None, page: int = 2000) -> Iterator[Recorded]:
        """Stream the whole log in order, a page at a time (never all at once)."""
        position = start
        while True:
            notes = self.recorder.select_notifications(position, page, stop=stop)
            for n in notes:
                yield Recorded(n.id, str(n.originator_id), n.originator_version,
                               decode_event(n.topic, bytes(n.state)))
            if len(notes) < page:
                return
            position = notes[-1].id + 1

    def raw_log(self, start: int = 1, page: int = 5000) -> Iterator[tuple[int, str, int, str, bytes]]:
        """Undecoded rows (position, stream, version, topic, state), for the audit chain."""
        position = start
        while True:
            notes = self.recorder.select_notifications(position, page)
            for n in notes:
                yield n.id, str(n.originator_id), n.originator_version, n.topic, bytes(n.state)
            if len(notes) < page:
                return
            position = notes[-1].id + 1

    def max_position(self) -> int:
        return int(self.recorder.max_notification_id() or 0)

    def event_count(self) -> int:
        return int(self.query(f"SELECT COUNT(*) FROM {EVENTS_TABLE}")[0][0])

    def close(self) -> None:
        self.app.close()


class _Cursor:
    """One paramstyle (``?``) and plain tuples for both databases."""

    def __init__(self, curs: Any, postgres: bool) -> None:
        self._c = curs
        self._pg = postgres

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self._pg else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._c.execute(self._sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._c.executemany(self._sql(sql), [tuple(r) for r in rows])

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows = self._c.fetchall()
        if self._pg:
            return [tuple(r.values()) for r in rows]
        return [tuple(r) for r in rows]


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _clean(exc: BaseException, db: str) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    parts = urlsplit(db) if is_postgres(db) else None
    if parts is not None and parts.password:
        text = text.replace(parts.password, "***")
    return text


_OPEN: dict[str, Store] = {}


def open_store(db: str) -> Store:
    """One Store per database per process."""
    store = _OPEN.get(db)
    if store is None:
        store = _OPEN[db] = Store(db)
    return store


def close_all_stores() -> None:
    while _OPEN:
        _, store = _OPEN.popitem()
        store.close()


atexit.register(close_all_stores)
