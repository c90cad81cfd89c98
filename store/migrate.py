"""Copying a store into another database, row for row (``ledger migrate``).

What is copied, as stored, with nothing decoded or re-encoded:

- ``ledger_events``: every event with its log position (SQLite's rowid, PostgreSQL's
  ``notification_id``; a gap PostgreSQL left after a rolled-back batch stays a gap), stream,
  version, topic and state. The state holds the event's recorded time, command id and who
  submitted it; the server's users are events too (``user:`` streams).
- ``ledger_commands``: every accepted command id with its body hash and recorded time, so a
  command sent again to the copy answers ``duplicate``.
- ``ledger_chain``: the hash-chain links. A link covers the event's position, so the positions
  are kept; each link is recomputed from the source's rows while they are read and compared
  with the stored one, so a source whose chain does not verify is not copied past the page
  that breaks it.

The read models (``rm_*`` tables) are not copied: they are derived, and the copy rebuilds them
(``verify``), which also re-drafts every issued statement from the copied events.

Reads go a page at a time (events by position, command rows by id, one query each); a reader
thread fetches the next pages while the target writes the last (both databases work outside
the GIL). A page of events and a page of command rows make one transaction on the target:
``executemany`` on SQLite, binary ``COPY`` on PostgreSQL.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import msgspec

from store import audit, readmodels
from store.eventstore import CHAIN_TABLE, COMMANDS_TABLE, EVENTS_TABLE, GENESIS, Store, chain_link

PAGE = 20_000  # events (or command rows) read in one query and written in one transaction
EventRow = tuple[int, str, int, str, bytes]  # position, stream, version, topic, state
TABLES = (EVENTS_TABLE, COMMANDS_TABLE, CHAIN_TABLE)


class MigrateError(Exception):
    """The copy cannot be made or does not match its source; ``code`` says which."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class Copied(msgspec.Struct, frozen=True):
    """What a copy wrote."""

    events: int
    commands: int
    last_position: int


def held_rows(store: Store) -> list[str]:
    """The ledger tables of ``store`` that hold any row (empty: a store to copy into)."""
    held = []
    for table in TABLES:
        if store.query(f"SELECT 1 FROM {table} LIMIT 1"):
            held.append(table)
    return held


def sizes(store: Store) -> tuple[int, int]:
    """(events, command rows) the store holds: what a copy of it writes."""
    return row_count(store, EVENTS_TABLE), row_count(store, COMMANDS_TABLE)


def row_count(store: Store, table: str) -> int:
    return int(store.query(f"SELECT COUNT(*) FROM {table}")[0][0])


def check_links(previous: bytes, rows: Sequence[EventRow],
                links: Sequence[tuple[int, str]]) -> tuple[bytes, int | None]:
    """Recompute the chain over ``rows`` from ``previous`` and compare with the stored
    ``links`` (position, hex link) of the same positions. Returns the last link and the
    first position that does not match (None: every link matches)."""
    for (pos, stream, version, topic, state), (link_pos, link) in zip(rows, links, strict=False):
        if link_pos != pos:
            return previous, min(pos, link_pos)
        previous = chain_link(previous, pos, stream, version, topic, state)
        if link != previous.hex():
            return previous, pos
    if len(links) != len(rows):  # one side goes on past the other's end
        return previous, (rows[len(links)][0] if len(rows) > len(links) else links[len(rows)][0])
    return previous, None


def copy(source: Store, target: Store, advance: Callable[[int], None] | None = None,
         page: int = PAGE) -> Copied:
    """Copy every event, chain link and command row of ``source`` into the empty ``target``.

    ``advance(n)`` after each page written (n: its events and command rows).
    Raises ``MigrateError`` when the target is not empty, when the source's chain does not
    verify (before the page that breaks it is written), or when the source changed during
    the copy (a writer was running)."""
    held = held_rows(target)
    if held:
        raise MigrateError(f"the target {target.name} is not empty ({', '.join(held)} hold "
                           "rows): migrate copies into an empty store only", "target_not_empty")
    end = source.max_position()
    events = commands = 0
    for (rows, links), command_rows in _prefetch(_pages(source, end, page)):
        _write_page(target, rows, links, command_rows)
        events += len(rows)
        commands += len(command_rows)
        if advance is not None:
            advance(len(rows) + len(command_rows))
    if target.postgres:  # fresh statistics: the planner knows the tables hold rows
        with target.cursor(commit=True) as c:
            c.execute(f"ANALYZE {EVENTS_TABLE}, {COMMANDS_TABLE}, {CHAIN_TABLE}")
    if source.max_position() != end:
        raise MigrateError(f"the source {source.name} changed during the copy (a writer "
                           "was running): stop every writer, empty the target and migrate "
                           "again", "source_changed")
    return Copied(events, commands, end)


Page = tuple[tuple[list[EventRow], list[tuple[int, str]]], list[tuple[str, str, str]]]


def _pages(source: Store, end: int, page: int) -> Iterator[Page]:
    """A page of events (with their links) and a page of command rows at a time, to be
    written in one transaction: both tables move at once, and as many transactions."""
    for events, commands in itertools.zip_longest(_event_pages(source, end, page),
                                                  _command_pages(source, page)):
        yield events or ([], []), commands or []


def _event_pages(source: Store, end: int, page: int
                 ) -> Iterator[tuple[list[EventRow], list[tuple[int, str]]]]:
    """The source's events up to position ``end`` with their chain links, a page at a
    time, each page's links checked against the events (``check_links``)."""
    previous, after = GENESIS, 0
    while after < end:
        rows = source.raw_page(after, page, stop=end)
        if not rows:
            return
        last = rows[-1][0] if len(rows) == page else end
        links: list[tuple[int, str]] = source.query(
            f"SELECT position, link FROM {CHAIN_TABLE} WHERE position > ? AND position <= ? "
            "ORDER BY position", (after, last))
        previous, bad = check_links(previous, rows, links)
        if bad is not None:
            raise MigrateError(f"the source {source.name} does not match its hash chain at "
                               f"position {bad} (`ledger audit verify` names the problem): "
                               "nothing from there on was copied", "source_chain_broken")
        yield rows, links
        after = last


def _command_pages(source: Store, page: int) -> Iterator[list[tuple[str, str, str]]]:
    after: str | None = None
    while True:
        where = "" if after is None else "WHERE command_id > ? "
        rows: list[tuple[str, str, str]] = source.query(
            f"SELECT command_id, body_hash, recorded_at FROM {COMMANDS_TABLE} {where}"
            "ORDER BY command_id LIMIT ?", (page,) if after is None else (after, page))
        if rows:
            yield rows
        if len(rows) < page:
            return
        after = rows[-1][0]


_T = Any


def _prefetch(pages: Iterator[_T]) -> Iterator[_T]:
    """``pages``, produced one ahead in a reader thread while the caller writes the last."""
    ready: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def offer(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for page in pages:
                if not offer(("page", page)):
                    return
            offer(("end", None))
        except BaseException as exc:  # handed to the caller's thread, raised there
            offer(("error", exc))

    reader = threading.Thread(target=read, name="migrate-reader", daemon=True)
    reader.start()
    try:
        while True:
            kind, item = ready.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


_COPY_EVENTS = (f"COPY {EVENTS_TABLE} (notification_id, originator_id, originator_version, "
                "topic, state) FROM STDIN (FORMAT BINARY)")
_COPY_CHAIN = f"COPY {CHAIN_TABLE} (position, link) FROM STDIN (FORMAT BINARY)"
_COPY_COMMANDS = (f"COPY {COMMANDS_TABLE} (command_id, body_hash, recorded_at) "
                  "FROM STDIN (FORMAT BINARY)")
_ADVANCE_SEQUENCE = (f"SELECT setval(pg_get_serial_sequence('{EVENTS_TABLE}', "
                     "'notification_id'), %s)")


def _write_page(target: Store, rows: list[EventRow], links: list[tuple[int, str]],
                commands: list[tuple[str, str, str]]) -> None:
    """One page in one transaction: events at their source positions, their links, command
    rows."""
    if not target.postgres:
        with target.cursor(commit=True) as c:
            c.execute("PRAGMA wal_autocheckpoint = 10000")  # as a submit's batches do
            c.execute("PRAGMA cache_size = -65536")  # 64 MB: the stream index stays warm
            c.executemany(f"INSERT INTO {EVENTS_TABLE} (rowid, originator_id, "
                          "originator_version, topic, state) VALUES (?, ?, ?, ?, ?)", rows)
            c.executemany(f"INSERT INTO {CHAIN_TABLE} VALUES (?, ?)", links)
            c.executemany(f"INSERT INTO {COMMANDS_TABLE} VALUES (?, ?, ?)", commands)
        return
    with target.recorder.datastore.get_connection() as conn, conn.transaction(), \
            conn.cursor() as curs:
        # Writers queue on this lock (as in PostgresLedgerRecorder.insert_events).
        curs.execute(f"LOCK TABLE {EVENTS_TABLE} IN EXCLUSIVE MODE")
        for sql, types, items in ((_COPY_EVENTS, ["int8", "text", "int8", "text", "bytea"], rows),
                                  (_COPY_CHAIN, ["int8", "text"], links),
                                  (_COPY_COMMANDS, ["text", "text", "text"], commands)):
            if items:
                with curs.copy(sql) as out:
                    out.set_types(types)
                    for item in items:
                        out.write_row(item)
        if rows:  # the positions were given, not drawn: the next event goes after them
            curs.execute(_ADVANCE_SEQUENCE, (rows[-1][0],))


class Verified(msgspec.Struct, frozen=True):
    """What ``verify`` compared, and every difference it found (none: the copy is good)."""

    digest: str  # the source's POSITION:HASH
    target_digest: str
    events: int
    commands: int
    statements: int  # issued statements (in force or void) compared byte for byte
    statements_redrafted: int  # re-drafted from the copied events by the target's rebuild
    problems: list[str]


Findings = list[dict[str, Any]]


def verify(source: Store, target: Store, advance: Callable[[int], None] | None = None,
           audit_target: Callable[[], Findings] | None = None) -> Verified:
    """Compare the copy with its source: the same rows counted, the same audit digest, the
    target's chain verifying over its whole log, and its read models rebuilt from the copied
    events (every issued statement re-drafted) holding the same rows as the source's: each
    issued statement byte-identical, each balance and journal entry equal. ``advance(1)``
    after each contract the rebuild checked. ``audit_target()`` gives the findings of
    ``audit verify`` on the target, asked for after the rebuild (default: run here; the
    program runs it in a process of its own meanwhile, on the other core)."""
    problems: list[str] = []
    counts = []
    for table in (EVENTS_TABLE, COMMANDS_TABLE):
        n_source, n_target = (row_count(s, table) for s in (source, target))
        counts.append(n_source)
        if n_source != n_target:
            problems.append(f"{table}: {n_source} rows in the source, {n_target} in the target")
    digest, target_digest = (":".join(map(str, audit.digest(s))) for s in (source, target))
    if digest != target_digest:
        problems.append(f"audit digest: {digest} in the source, {target_digest} in the target")
    rebuilt = readmodels.rebuild(target, advance)
    problems += [f"rebuild on the target: statement {d['statement_no']} {d['line']} differs "
                 "from the issued one" for d in rebuilt["differences"]]
    findings = audit_target() if audit_target is not None else audit.verify(target)
    problems += [f"audit verify on the target: position {f['position']}: {f['problem']}"
                 for f in findings]
    readmodels.current(source)
    statements = 0
    for table in readmodels.TABLES:
        if table == "rm_tracking":
            continue
        mine, theirs = table_rows(source, table), table_rows(target, table)
        statements += len(mine) if table == "rm_statements" else 0
        first = first_difference(mine, theirs)
        if first is not None:
            problems.append(f"{table}: the source and the target differ at {first}")
    return Verified(digest, target_digest, counts[0], counts[1], statements,
                    int(rebuilt["statements_checked"]), problems)


def table_rows(store: Store, table: str) -> list[tuple[str, ...]]:
    """Every row of a read-model table as text, sorted in Python: the databases' own
    orders differ (PostgreSQL sorts text by its locale, SQLite by bytes)."""
    return sorted(tuple("" if v is None else str(v) for v in row)
                  for row in store.query(f"SELECT * FROM {table}"))


def first_difference(mine: Sequence[tuple[str, ...]], theirs: Sequence[tuple[str, ...]]
                     ) -> str | None:
    """Where two sorted row lists first differ, named by the row's first two columns
    (None: they are equal)."""
    for a, b in zip(mine, theirs, strict=False):
        if a != b:
            return "/".join(min(a, b)[:2])
    if len(mine) != len(theirs):
        extra = mine[len(theirs)] if len(mine) > len(theirs) else theirs[len(mine)]
        return "/".join(extra[:2])
    return None
