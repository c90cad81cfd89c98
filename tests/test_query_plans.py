"""The store's hot queries keep to the index that bounds their work (PostgreSQL's planner).

A server asks ``last_position_of_prefix("user:")`` on every signed-in request (have users
changed?). Planned as ``MAX(notification_id)`` PostgreSQL walks the position index backwards
from the newest event and filters by stream name: the few ``user:`` streams sit far back in
the log, so one question read every event since the last user (0.4 s on a 0.3x year)."""

from __future__ import annotations

import psycopg
import pytest

from store.eventstore import EVENTS_TABLE, open_store

pytestmark = pytest.mark.postgres


def test_the_users_mark_reads_the_user_streams_not_the_whole_log(
        pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:  # contracts, a user, a long log
        conn.execute(f"INSERT INTO {EVENTS_TABLE} (originator_id, originator_version, topic, state) "
                     "SELECT 'contract:C' || i, 1, 't', '\\x00' FROM generate_series(1, 200) AS i")
        conn.execute(f"INSERT INTO {EVENTS_TABLE} (originator_id, originator_version, topic, state) "
                     "VALUES ('user:ann', 1, 't', '\\x00')")
        conn.execute(f"INSERT INTO {EVENTS_TABLE} (originator_id, originator_version, topic, state) "
                     "SELECT 'activity:C' || (i % 50) || ':2026-' || (i % 12), i, 't', '\\x00' "
                     "FROM generate_series(1, 50000) AS i")
        conn.execute(f"ANALYZE {EVENTS_TABLE}")
    asked: list[tuple[str, tuple[object, ...]]] = []
    query = store.query

    def spy(sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        asked.append((sql, tuple(params)))
        return query(sql, params)

    monkeypatch.setattr(store, "query", spy)

    assert store.last_position_of_prefix("user:") == 201
    (sql, params), = asked
    with psycopg.connect(pg_url) as conn:
        plan = "\n".join(r[0] for r in conn.execute(
            "EXPLAIN " + sql.replace("?", "%s"), params).fetchall())
    assert "notification_id_idx" not in plan, plan
