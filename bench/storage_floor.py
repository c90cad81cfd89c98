"""What the SQLite write path costs with no Python domain work at all.

    .venv/bin/python bench/storage_floor.py LEDGER_DB [--batch 2000]

Reads back what a ``ledger submit`` stored (events, command rows, chain links)
from LEDGER_DB and writes the same rows again into fresh SQLite files, the way
the store does (one transaction per batch of commands: command rows, events,
chain links), under a few variants of schema and durability. The fastest a
submit can be with the current schema is the first line; the others show what
a schema or pragma change would buy. Rows per second count events.
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

CURRENT = (  # the chain keyed by its rowid, the commands table without a rowid
    "CREATE TABLE ledger_events (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB, "
    "PRIMARY KEY (originator_id, originator_version))",
    "CREATE TABLE ledger_commands (command_id TEXT PRIMARY KEY, body_hash TEXT NOT NULL, "
    "recorded_at TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE ledger_chain (position INTEGER PRIMARY KEY, link TEXT NOT NULL)",
)
BEFORE = (  # the schema before 2026-11-27: a rowid table and a key index each
    CURRENT[0],
    "CREATE TABLE ledger_commands (command_id TEXT PRIMARY KEY, body_hash TEXT NOT NULL, "
    "recorded_at TEXT NOT NULL)",
    "CREATE TABLE ledger_chain (position BIGINT PRIMARY KEY, link TEXT NOT NULL)",
)
EVENTS_ONLY = (CURRENT[0],)
STORE = "wal_autocheckpoint=10000"  # the store's pragmas (store.recorders)


def read(db: str) -> tuple[list[tuple], list[tuple], list[tuple]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        events = conn.execute("SELECT originator_id, originator_version, topic, state FROM ledger_events "
                              "ORDER BY rowid").fetchall()
        commands = conn.execute("SELECT command_id, body_hash, recorded_at FROM ledger_commands "
                                "ORDER BY recorded_at, command_id").fetchall()
        chain = conn.execute("SELECT * FROM ledger_chain ORDER BY position").fetchall()
    return events, commands, chain


def write(path: Path, schema: tuple[str, ...], pragmas: str, batch: int,
          events: list[tuple], commands: list[tuple], chain: list[tuple]) -> float:
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        for pragma in filter(None, pragmas.split(",")):
            conn.execute(f"PRAGMA {pragma}")
        for statement in schema:
            conn.execute(statement)
        tables = len(schema)
        ratio = len(commands) / max(1, len(events))
        started = time.perf_counter()
        for i in range(0, len(events), batch):
            j = min(len(events), i + batch)
            conn.execute("BEGIN IMMEDIATE")
            if tables > 1:
                conn.executemany("INSERT INTO ledger_commands VALUES (?, ?, ?)",
                                 commands[int(i * ratio):int(j * ratio)])
            conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM ledger_events").fetchone()
            conn.executemany("INSERT INTO ledger_events VALUES (?, ?, ?, ?)", events[i:j])
            if tables > 2:
                conn.execute("SELECT link FROM ledger_chain ORDER BY position DESC LIMIT 1").fetchone()
                conn.executemany("INSERT INTO ledger_chain VALUES (?, ?)", chain[i:j])
            conn.execute("COMMIT")
        return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("db", help="a SQLite ledger that a submit filled")
    p.add_argument("--batch", type=int, default=5000, help="events per transaction (the intake's batch)")
    args = p.parse_args(argv)
    events, commands, chain = read(args.db)
    variants = [  # (what, schema, pragmas, batch); the store's defaults: WAL, synchronous FULL
        ("events + commands + chain, as the store writes them", CURRENT, STORE, args.batch),
        ("the same, synchronous=NORMAL", CURRENT, f"{STORE},synchronous=NORMAL", args.batch),
        ("the same, SQLite's default WAL checkpoint (every ~4 MB)", CURRENT, "", args.batch),
        ("the schema before (chain BIGINT PRIMARY KEY, commands with a rowid)", BEFORE, STORE,
         args.batch),
        ("the store's tables, batches of 20,000", CURRENT, STORE, 20_000),
        ("events alone (the raw baseline, batched)", EVENTS_ONLY, "", args.batch),
        ("events alone, one transaction (the raw baseline)", EVENTS_ONLY, "", 10**9),
    ]
    sys.stdout.write(f"{len(events):,} events, {len(commands):,} command rows, "
                     f"{len(chain):,} chain links\n\n")
    sys.stdout.write("| variant | seconds | events/s |\n|---|---|---|\n")
    with tempfile.TemporaryDirectory() as tmp:
        for n, (name, schema, pragmas, batch) in enumerate(variants):
            seconds = write(Path(tmp) / f"v{n}.db", schema, pragmas, batch, events, commands, chain)
            sys.stdout.write(f"| {name} | {seconds:.1f} | {len(events) / seconds:,.0f} |\n")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
