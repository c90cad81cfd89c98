"""Tamper evidence: a hash chain over the stored log, in log order.

Link(n) = SHA-256(link(n-1) || position || stream || version || topic || state)
over each stored row; link(0) is 32 zero bytes. The links are stored in
``ledger_chain`` (position, link), written by the projection catch-up after
every submit in the same pass that updates the read models.

What each tamper looks like to ``verify``:
- an event's bytes, topic, stream or version edited: its recomputed link
  differs from the stored one at that position ("edited");
- a row deleted or the log truncated: the chain holds a position the log no
  longer has ("missing");
- two rows swapped: the links differ from the first swapped position on;
- an event rewritten together with its chain link (and every link after):
  the chain is self-consistent again, so only an external digest taken
  earlier catches it: ``verify --digest POSITION:HASH`` recomputes the log up
  to POSITION and compares ("history before the digest changed").
Appending after a digest is fine: the digest covers only up to its position.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ledger.store import Store

CHAIN = "ledger_chain"
GENESIS = bytes(32)


def link(previous: bytes, position: int, stream: str, version: int, topic: str,
         state: bytes) -> bytes:
    h = hashlib.sha256(previous)
    h.update(f"{position}\x1f{stream}\x1f{version}\x1f{topic}\x1f".encode())
    h.update(state)
    return h.digest()


def ensure_table(store: Store) -> None:
    with store.cursor(commit=True) as c:
        c.execute(f"CREATE TABLE IF NOT EXISTS {CHAIN} (position BIGINT PRIMARY KEY, link TEXT NOT NULL)")


def head(store: Store) -> tuple[int, bytes]:
    ensure_table(store)
    rows = store.query(f"SELECT position, link FROM {CHAIN} ORDER BY position DESC LIMIT 1")
    if not rows:
        return 0, GENESIS
    return int(rows[0][0]), bytes.fromhex(rows[0][1])


def extend(store: Store, cursor: Any, start: tuple[int, bytes]) -> int:
    """Append links for every row after ``start`` (the chain's head, read before the
    write transaction began); return the new head position."""
    position, previous = start
    batch: list[tuple[int, str]] = []
    for pos, stream, version, topic, state in store.raw_log(position + 1):
        previous = link(previous, pos, stream, version, topic, state)
        batch.append((pos, previous.hex()))
        position = pos
        if len(batch) >= 5000:
            cursor.executemany(f"INSERT INTO {CHAIN} VALUES (?, ?)", batch)
            batch = []
    cursor.executemany(f"INSERT INTO {CHAIN} VALUES (?, ?)", batch)
    return position


def digest(store: Store) -> tuple[int, str]:
    start = head(store)
    with store.cursor(commit=True) as c:
        extend(store, c, start)
    position, last = head(store)
    return position, last.hex()


def verify(store: Store, external: str | None = None) -> list[dict[str, Any]]:
    """Recompute the chain; every finding names a position and what is wrong."""
    ensure_table(store)
    findings: list[dict[str, Any]] = []
    stored = iter(store.query(f"SELECT position, link FROM {CHAIN} ORDER BY position"))
    want_pos, want_hash = _parse(external) if external else (None, None)
    previous = GENESIS
    expected = next(stored, None)
    checked_digest = want_pos is None
    for pos, stream, version, topic, state in store.raw_log(1):
        while expected is not None and int(expected[0]) < pos:
            findings.append({"position": int(expected[0]), "problem": "missing: the chain has "
                             "this position but the log does not"})
            expected = next(stored, None)
        previous = link(previous, pos, stream, version, topic, state)
        if expected is not None and int(expected[0]) == pos:
            if expected[1] != previous.hex() and not findings:
                findings.append({"position": pos, "problem": "edited: the event does not hash "
                                 "to its chain link (changed, reordered or replaced)"})
            expected = next(stored, None)
        if want_pos is not None and pos == want_pos:
            checked_digest = True
            if previous.hex() != want_hash:
                findings.append({"position": pos, "problem": "history before the digest "
                                 "changed: the log up to here no longer hashes to it"})
    while expected is not None:
        findings.append({"position": int(expected[0]),
                         "problem": "missing: the log ends before this chained position"})
        expected = next(stored, None)
    if not checked_digest:
        findings.append({"position": want_pos, "problem": "missing: the log no longer reaches "
                         "the digest's position"})
    return findings[:1] + [f for f in findings[1:] if f["problem"].startswith("history")]


def _parse(text: str) -> tuple[int, str]:
    try:
        pos, value = text.split(":", 1)
        return int(pos), value.lower()
    except ValueError:
        raise ValueError(f"not a digest (POSITION:HEXHASH): {text!r}") from None
