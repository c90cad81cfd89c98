"""Tamper evidence: a hash chain over the stored log, in log order.

Link(n) = SHA-256(link(n-1) || position || stream || version || topic || state)
over each stored row; link(0) is 32 zero bytes. The links are stored in
``ledger_chain`` (position, link), written in the same transaction as the
events themselves (``store.eventstore``), so the chain always covers the log.

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

from collections.abc import Iterator
from typing import Any

from store.eventstore import CHAIN_TABLE as CHAIN
from store.eventstore import GENESIS, Store, chain_link

link = chain_link


def head(store: Store) -> tuple[int, bytes]:
    rows = store.query(f"SELECT position, link FROM {CHAIN} ORDER BY position DESC LIMIT 1")
    if not rows:
        return 0, GENESIS
    return int(rows[0][0]), bytes.fromhex(rows[0][1])


def digest(store: Store) -> tuple[int, str]:
    position, last = head(store)
    return position, last.hex()


def verify(store: Store, external: str | None = None) -> list[dict[str, Any]]:
    """Recompute the chain; every finding names a position and what is wrong."""
    findings: list[dict[str, Any]] = []
    stored = links(store)
    want_pos, want_hash = parse_digest(external) if external else (None, None)
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


def links(store: Store, page: int = 20_000) -> Iterator[tuple[int, str]]:
    """The stored chain (position, hex link) in position order, a page a query: a
    year's million links never sit in memory at once."""
    after = -1
    while True:
        rows = store.query(f"SELECT position, link FROM {CHAIN} WHERE position > ? "
                           "ORDER BY position LIMIT ?", (after, page))
        yield from ((int(p), str(h)) for p, h in rows)
        if len(rows) < page:
            return
        after = int(rows[-1][0])


def parse_digest(text: str) -> tuple[int, str]:
    """``POSITION:HEXHASH`` (as ``digest`` prints it) -> (position, lower-case hash);
    ``ValueError`` for anything else."""
    position, _, value = text.partition(":")
    if not (position.isdigit() and len(value) == 64
            and all(c in "0123456789abcdefABCDEF" for c in value)):
        raise ValueError(f"not a digest (POSITION:HEXHASH): {text!r}")
    return int(position), value.lower()
