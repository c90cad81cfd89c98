"""The event store: an eventsourcing Application over SQLite or PostgreSQL.

Design:
- Stored events are msgspec Structs (``schemas.events``) written through our own
  mapper (``store.codec``): topic = the event's class name, state = msgspec JSON.
- Our recorders (``store.recorders``) extend the library's: batch inserts, the
  idempotency rows, the hash chain, tables that refuse edits.
- Streams are short: ``contract:<id>`` holds a contract's lifecycle and money
  events, ``activity:<id>:<YYYY-MM>`` one month of shifts, sales and service
  metrics, ``dispute:<id>`` the global claim of a dispute id, ``merchant:<id>``
  a merchant's payer names.
- Each batch of accepted commands is one transaction: its events (many
  streams) and one ``ledger_commands`` row per command (id, body hash) are
  written together, so a crash loses at most the batches in flight and a replay
  is recognised whatever process sent it.
- The events table refuses UPDATE and DELETE at the database level.
"""

from __future__ import annotations

import atexit
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import unquote, urlsplit

import msgspec
from eventsourcing.application import Application

from schemas.events import Event
from store.codec import (  # re-exported: the store's vocabulary
    CommandRow,
    Pending,
    Recorded,
    StoredRow,
    StoreError,
    decode_event,
    encode_event,
    stored_row,
)
from store.recorders import (  # re-exported for the audit trail
    CHAIN_TABLE,
    COMMANDS_TABLE,
    EVENTS_TABLE,
    GENESIS,
    chain_link,
)

__all__ = ["CHAIN_TABLE", "COMMANDS_TABLE", "EVENTS_TABLE", "GENESIS", "CommandRow", "Pending",
           "Recorded", "Store", "StoreError", "chain_link", "clean_message", "close_all_stores",
           "decode_event", "encode_event", "open_store"]


class LedgerApplication(Application[str]):
    name = "Ledger"



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


POOL_ENV = "LEDGER_PG_POOL"
CLI_POOL = (2, 4)  # a CLI process: one writer thread and a reader beside it


def pg_pool(default: tuple[int, int]) -> tuple[int, int]:
    """PostgreSQL connections a process keeps (pool size, overflow): ``LEDGER_PG_POOL`` as
    ``SIZE`` or ``SIZE+OVERFLOW`` when set, else ``default`` (the CLI's, or the server's)."""
    text = os.environ.get(POOL_ENV, "").strip()
    if not text:
        return default
    size, _, overflow = text.partition("+")
    try:
        pool = (int(size), int(overflow or 0))
    except ValueError:
        pool = (0, -1)
    if not (1 <= pool[0] <= 200 and 0 <= pool[1] <= 200):
        raise StoreError(f"{POOL_ENV}={text!r}: expected SIZE or SIZE+OVERFLOW, 1 to 200 connections")
    return pool


def _env_for(db: str, pool: tuple[int, int] = CLI_POOL) -> dict[str, str]:
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
            "APPLICATION_RECORDER_TOPIC": "store.pg_recorder:PostgresLedgerRecorder",
            "POSTGRES_DBNAME": unquote(dbname),
            "POSTGRES_HOST": parts.hostname or "localhost",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or os.environ.get("USER", "postgres")),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_CONNECT_TIMEOUT": "10",
            "POSTGRES_LOCK_TIMEOUT": "60",
            "POSTGRES_POOL_SIZE": str(pool[0]),
            "POSTGRES_MAX_OVERFLOW": str(pool[1]),
            "POSTGRES_ENABLE_DB_FUNCTIONS": "no",
        }
    return common | {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "APPLICATION_RECORDER_TOPIC": "store.recorders:SqliteLedgerRecorder",
        "SQLITE_DBNAME": db,
        "SQLITE_LOCK_TIMEOUT": "60",
    }


class Store:
    """What the rest of the ledger needs from the event store, and no more.

    ``create=False`` (reports) opens only a store that already holds a ledger:
    a missing SQLite file or PostgreSQL schema is ``StoreError`` (``store_missing``),
    never an empty store created by a typo. A PostgreSQL server is asked once,
    within ``PROBE_SECONDS``, before the pool is built, so an unreachable server
    or a missing database is said precisely and at once. ``pool``: the PostgreSQL
    connections this process needs at most at once (size, overflow) unless
    ``LEDGER_PG_POOL`` says otherwise (``pg_pool``).
    """

    def __init__(self, db: str, create: bool = True, pool: tuple[int, int] = CLI_POOL) -> None:
        self.db = db
        self.name = describe(db)
        self.postgres = is_postgres(db)
        if self.postgres:
            _probe_postgres(db)
        else:
            _check_sqlite(db, create)
        try:
            if not self.postgres:
                _wal_mode(db)
            self.app = LedgerApplication(env=_env_for(db, pg_pool(pool)))
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"cannot open the store {self.name}: {_clean(exc, db)}") from None
        self.recorder: Any = cast(Any, self.app.recorder)
        self._pos_col = "notification_id" if self.postgres else "rowid"
        if self.postgres:
            try:
                ready = self._schema_ready()
            except Exception as exc:
                raise StoreError(f"cannot open the store {self.name}: {_clean(exc, db)}") from None
            if not ready and not create:
                self.app.close()
                raise StoreError(f"no ledger in {self.name}: `ledger submit` or `ledger demo` "
                                 "creates one", "store_missing")
            try:
                if not ready:
                    with self.schema_lock():
                        self.recorder.create_table()
            except Exception as exc:
                raise StoreError(f"cannot open the store {self.name}: {_clean(exc, db)}") from None

    def _schema_ready(self) -> bool:
        """Is the schema complete? Then opening runs no DDL at all: re-creating a
        trigger locks the tables and could deadlock with a writer mid-batch."""
        last = f"{COMMANDS_TABLE}_refuse_truncate"  # the last object the DDL creates
        with self.recorder.datastore.get_connection() as conn:
            row = conn.execute("SELECT count(*) AS n FROM pg_trigger WHERE tgname = %s",
                               (last,)).fetchone()
        return bool(row and row["n"])

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
    def save(self, pending: Sequence[Pending], commands: Sequence[CommandRow]) -> list[int]:
        """Write events and command rows in one transaction; return positions."""
        return self.write([stored_row(p) for p in pending], commands)

    def write(self, stored: Sequence[StoredRow], commands: Sequence[CommandRow]) -> list[int]:
        """``save`` of events already encoded (``stored_row``)."""
        positions = self.recorder.insert_events(stored, commands=list(commands))
        return list(positions or [])

    # -- raw SQL for our own tables ---------------------------------------
    @contextmanager
    def cursor(self, commit: bool = False) -> Iterator[Any]:
        with self.recorder.datastore.transaction(commit=commit) as curs:
            yield _Cursor(curs, self.postgres)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """One statement. On PostgreSQL outside any transaction (the connections autocommit;
        a single statement reads one snapshot on its own): one round trip, not three with
        BEGIN and ROLLBACK, which a busy server pays on every read."""
        if self.postgres:
            with self.recorder.datastore.cursor() as curs:  # its errors are the library's
                c = _Cursor(curs, True)
                c.execute(sql, params)
                return c.fetchall()
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

    def events(self, stream_id: str) -> list[Event]:
        """A stream's events in version order, without positions: a fold of a whole stream
        (a month of activity: thousands of events) needs no ``Recorded`` around each."""
        rows = self.query(f"SELECT topic, state FROM {EVENTS_TABLE} WHERE originator_id = ? "
                          "ORDER BY originator_version", (stream_id,))
        return [decode_event(topic, bytes(state)) for topic, state in rows]

    def streams(self, stream_ids: Sequence[str]) -> dict[str, list[Recorded]]:
        """Several streams at once (one query per 500): stream -> its events in version
        order; a stream without events is absent. On PostgreSQL every query is a round
        trip of its own, so reports over many contracts read them this way."""
        out: dict[str, list[Recorded]] = {}
        for chunk in _chunks(list(dict.fromkeys(stream_ids)), 500):
            marks = ",".join("?" * len(chunk))
            for r in self.query(
                f"SELECT {self._pos_col}, originator_id, originator_version, topic, state "
                f"FROM {EVENTS_TABLE} WHERE originator_id IN ({marks}) "
                "ORDER BY originator_id, originator_version", chunk):
                out.setdefault(r[1], []).append(
                    Recorded(r[0], r[1], r[2], decode_event(r[3], bytes(r[4]))))
        return out

    def stream_at(self, stream_id: str, versions: Sequence[int]) -> list[Recorded]:
        """Those events of a stream, by version (in version order)."""
        out: list[Recorded] = []
        for chunk in _chunks(list(versions), 500):
            marks = ",".join("?" * len(chunk))
            out += [Recorded(r[0], stream_id, r[1], decode_event(r[2], bytes(r[3])))
                    for r in self.query(
                        f"SELECT {self._pos_col}, originator_version, topic, state "
                        f"FROM {EVENTS_TABLE} WHERE originator_id = ? "
                        f"AND originator_version IN ({marks})", (stream_id, *chunk))]
        return sorted(out, key=lambda r: r.version)

    def stream_versions(self, stream_ids: Sequence[str]) -> dict[str, int]:
        """Current version of each stream (absent: no events): one index seek each."""
        out: dict[str, int] = {}
        if not stream_ids:  # no transaction at all (on PostgreSQL: two round trips saved)
            return out
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

    def last_position_of_prefix(self, prefix: str) -> int:
        """The log position of the last event in any stream starting with ``prefix`` (0: none).

        ``+ 0`` keeps PostgreSQL on the stream-name index: given ``MAX(notification_id)`` its
        planner walks the position index backwards from the newest event, filtering by name,
        which for the few ``user:`` streams read every event since the last user (0.4 s on a
        0.3x year, on every signed-in request of a server)."""
        rows = self.query(f"SELECT MAX({self._pos_col} + 0) FROM {EVENTS_TABLE} "
                          "WHERE originator_id >= ? AND originator_id < ?",
                          (prefix, prefix + "\uffff"))
        return int(rows[0][0] or 0)

    def first_events(self, prefix: str) -> list[Recorded]:
        """The first event (version 1) of every stream whose name starts with ``prefix``,
        in one query, by stream name: the signing of every contract, every quote."""
        rows = self.query(
            f"SELECT {self._pos_col}, originator_id, originator_version, topic, state "
            f"FROM {EVENTS_TABLE} WHERE originator_id >= ? AND originator_id < ? "
            "AND originator_version = 1 ORDER BY originator_id",
            (prefix, prefix + "\uffff"),
        )
        return [Recorded(r[0], r[1], r[2], decode_event(r[3], bytes(r[4]))) for r in rows]

    def known_commands(self, ids: Sequence[str]) -> dict[str, str]:
        """Id -> body hash of those of ``ids`` already accepted."""
        unique = list(dict.fromkeys(ids))
        if self.postgres:  # the ids as one JSON text (encoded in C, not a text[] adapted in Python)
            rows = self.query(f"SELECT command_id, body_hash FROM {COMMANDS_TABLE} WHERE command_id "
                              "IN (SELECT jsonb_array_elements_text(?::jsonb))",
                              (msgspec.json.encode(unique).decode(),))
            return {str(cid): str(body_hash) for cid, body_hash in rows}
        # One query (it releases the GIL): the ids as one JSON text, each looked up in the
        # primary key as json_each yields it (no temporary index of an IN list to build).
        return dict(self.query(
            f"SELECT c.command_id, c.body_hash FROM json_each(?) AS j "
            f"JOIN {COMMANDS_TABLE} AS c ON c.command_id = j.value",
            (msgspec.json.encode(unique).decode(),)))

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

    def raw_log(self, start: int = 1, page: int = 20_000) -> Iterator[tuple[int, str, int, str, bytes]]:
        """Undecoded rows (position, stream, version, topic, state) from ``start`` on, for
        the audit chain and ``migrate``: a page a query (``raw_page``)."""
        after = start - 1
        while True:
            rows = self.raw_page(after, page)
            yield from rows
            if len(rows) < page:
                return
            after = rows[-1][0]

    def raw_page(self, after: int, limit: int, stop: int | None = None
                 ) -> list[tuple[int, str, int, str, bytes]]:
        """At most ``limit`` undecoded rows after position ``after`` (up to ``stop``), in
        log order, as the drivers make them: plain tuples, PostgreSQL's in binary (the
        library's ``select_notifications`` builds a dict and an object per row)."""
        until = "" if stop is None else f"AND {self._pos_col} <= ? "
        rows: list[tuple[int, str, int, str, bytes]] = self.query(
            f"SELECT {self._pos_col}, originator_id, originator_version, topic, state "
            f"FROM {EVENTS_TABLE} WHERE {self._pos_col} > ? {until}"
            f"ORDER BY {self._pos_col} LIMIT ?", (after, limit) if stop is None else (after, stop, limit))
        return rows

    def max_position(self) -> int:
        return int(self.recorder.max_notification_id() or 0)

    def event_count(self) -> int:
        return int(self.query(f"SELECT COUNT(*) FROM {EVENTS_TABLE}")[0][0])

    def close(self) -> None:
        self.app.close()


class _Cursor:
    """One paramstyle (``?``) and plain tuples for both databases (the rows as the
    drivers make them: no dict or ``sqlite3.Row`` per row; PostgreSQL's in binary)."""

    def __init__(self, curs: Any, postgres: bool) -> None:
        self._c = curs
        self._pg = postgres
        if postgres:
            from psycopg.rows import tuple_row  # only a PostgreSQL store loads psycopg

            curs.row_factory = tuple_row
        else:  # the library's wrapper: the row factory is its sqlite3 cursor's
            curs.sqlite_cursor.row_factory = None

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self._pg else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        if self._pg:
            self._c.execute(self._sql(sql), tuple(params), binary=True)
        else:
            self._c.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._c.executemany(self._sql(sql), [tuple(r) for r in rows])

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self._c.fetchall()
        return rows


_T = TypeVar("_T")


def _chunks(items: list[_T], size: int) -> Iterator[list[_T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _wal_mode(path: str, patience: float = 30.0) -> None:
    """Put a SQLite file in WAL mode before the library opens it. Two processes
    opening a new file at once both try to switch, and the loser gets "database
    is locked" at once (SQLite does not wait for that lock); here it waits."""
    if path == ":memory:" or path.startswith("file:"):
        return
    deadline = time.monotonic() + patience
    while True:
        try:
            with closing(sqlite3.connect(path, timeout=patience)) as conn:
                if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    conn.execute("PRAGMA journal_mode=WAL")
                return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _clean(exc: BaseException, db: str) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    parts = urlsplit(db) if is_postgres(db) else None
    if parts is not None and parts.password:
        text = text.replace(parts.password, "***")
    return text


PROBE_SECONDS = 2


def _probe_postgres(db: str) -> None:
    """Connect once, within ``PROBE_SECONDS``: a missing database, a refused or
    unreachable server or a bad login is named at once (the pool would retry it
    for its whole timeout and then say only that it got no connection)."""
    import psycopg

    try:
        with psycopg.connect(db, connect_timeout=PROBE_SECONDS) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        text = _clean(exc, db)
        if "does not exist" in text and "database" in text:
            name = unquote(urlsplit(db).path.lstrip("/"))
            raise StoreError(f"database {name!r} does not exist on {describe(db)}: create it "
                             f"(createdb) or check the name", "store_missing") from None
        raise StoreError(f"cannot reach the store {describe(db)}: {text}") from None
    except Exception as exc:  # a malformed URL, a host name that does not resolve
        raise StoreError(f"cannot open the store {describe(db)}: {_clean(exc, db)}") from None


def _check_sqlite(path: str, create: bool) -> None:
    """A report (``create=False``) needs a file that holds a ledger; a writer needs
    a file (or folder) it can write."""
    if path == ":memory:" or path.startswith("file:"):
        return
    where = Path(path)
    if where.is_dir():
        raise StoreError(f"{path} is a folder: --db names a SQLite file")
    if not where.exists():
        if not create:
            raise StoreError(f"no ledger at {path}: `ledger --db {path} submit FILE` or "
                             f"`ledger --db {path} demo` creates one", "store_missing")
        if not os.access(where.parent.resolve(), os.W_OK):
            raise StoreError(f"cannot create {path}: the folder is read-only", "store_read_only")
        return
    if create and not (os.access(where, os.W_OK) and where.stat().st_mode & 0o222):
        # the mode bits too: as root os.access says yes to a file made read-only on purpose
        raise StoreError(f"{path} is read-only: this command writes to it", "store_read_only")
    if not create:
        try:
            with closing(sqlite3.connect(f"{where.resolve().as_uri()}?mode=ro", uri=True)) as conn:
                found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                     "AND name = ?", (EVENTS_TABLE,)).fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path} is not a ledger: {exc}") from None
        if found is None:
            raise StoreError(f"{path} holds no ledger (no events table)", "store_missing")


def clean_message(exc: BaseException, db: str) -> str:
    """One line saying the store failed mid-run, never with its password."""
    return f"the store {describe(db)} failed: {_clean(exc, db)}"


_OPEN: dict[str, Store] = {}


def open_store(db: str, create: bool = True, pool: tuple[int, int] = CLI_POOL) -> Store:
    """One Store per database per process; ``create`` and ``pool`` as ``Store`` says."""
    store = _OPEN.get(db)
    if store is None:
        store = _OPEN[db] = Store(db, create=create, pool=pool)
    return store


def close_all_stores() -> None:
    while _OPEN:
        _, store = _OPEN.popitem()
        store.close()


atexit.register(close_all_stores)
