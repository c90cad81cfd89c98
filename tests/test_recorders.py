"""A batch goes into the store exactly as given, on both stores: stream names and states byte
for byte (the SQLite recorder packs a batch into one JSON array and one blob), positions in
order, one command row per command, and a chain that verifies."""

from __future__ import annotations

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from store import audit
from store.eventstore import COMMANDS_TABLE, open_store

STREAMS = ["contract:C1", 'contract:引号"与\\反斜杠', "activity:C1:2026-03", "user:ａｎｎ"]
STATES = [b"{}", '{"name":"泉州母婴旗舰店","note":"\\u0000 \\" \\\\"}'.encode(), b"{" + b"x" * 70_000 + b"}",
          b'{"a":1}']


def batch(start_version: int) -> list[StoredEvent]:
    return [StoredEvent(stream, start_version, f"Topic{i}", state)
            for i, (stream, state) in enumerate(zip(STREAMS, STATES, strict=True))]


def test_a_batch_is_stored_byte_for_byte_in_order_with_its_commands_and_chain(db: str) -> None:
    store = open_store(db)
    first = store.recorder.insert_events(batch(1), commands=[("c-1", "h1", "2026-12-04T00:00:00Z"),
                                                             ("命令-2", "h2", "2026-12-04T00:00:00Z")])
    second = store.recorder.insert_events(batch(2), commands=[])
    assert list(first) == [1, 2, 3, 4] and list(second) == [5, 6, 7, 8]
    rows = list(store.raw_log())
    assert [(r[1], r[2], r[3], bytes(r[4])) for r in rows] == [
        (s.originator_id, s.originator_version, s.topic, s.state) for s in batch(1) + batch(2)]
    assert sorted(store.query(f"SELECT command_id, body_hash FROM {COMMANDS_TABLE}")) == [
        ("c-1", "h1"), ("命令-2", "h2")]
    assert audit.verify(store) == []
    assert audit.head(store)[0] == 8


def test_a_batch_that_collides_writes_nothing(db: str) -> None:
    store = open_store(db)
    store.recorder.insert_events(batch(1), commands=[("c-1", "h1", "t")])
    with pytest.raises(IntegrityError):
        store.recorder.insert_events([StoredEvent("contract:new", 1, "T", b"{}"), *batch(1)],
                                     commands=[("c-2", "h2", "t")])
    assert store.event_count() == 4
    assert store.query(f"SELECT COUNT(*) FROM {COMMANDS_TABLE}")[0][0] == 1
    assert audit.verify(store) == []
