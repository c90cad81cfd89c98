"""Hear a PostgreSQL store's writes (issue 17), so that a server's caches need not ask the
database on every request whether anything changed.

Every batch the PostgreSQL recorder commits sends a ``NOTIFY`` on the events table's channel
(``store.pg_recorder``; PostgreSQL delivers it to listeners once the batch has committed).
``WriteWatch`` listens on a connection of its own, in a thread of its own, and answers
``maybe_changed()``: True if a write was heard since the last True, if the watch is not
listening (not started, connection lost: then every question is True, the caches ask the
database as they would without a watch), or if ``MAX_QUIET`` seconds passed since the last
True (so a write that sends no notice, such as ``ledger migrate`` into the served store, is
seen within a second). A write is heard a fraction of a millisecond after its commit.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from store.eventstore import Store

MAX_QUIET = 1.0  # seconds: the longest a cache trusts silence
WAIT = 0.5  # seconds a listen waits before looking at the stop flag
RETRY = 1.0  # seconds between attempts to listen again after the connection was lost


class WriteWatch:
    def __init__(self, store: Store, logger: Any) -> None:
        self.store = store
        self.logger = logger  # the program's logger: a lost connection is a warning
        self.listening = False
        self._heard = True
        self._last = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Listen in a daemon thread (a PostgreSQL store; on SQLite nothing is started)."""
        if not self.store.postgres or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="write-watch", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=WAIT + 1)
        self.listening = False

    def maybe_changed(self) -> bool:
        """Could the store have been written since this last answered True?"""
        now = time.monotonic()
        if not self.listening or self._heard or now - self._last >= MAX_QUIET:
            # Cleared before the caller reads, so a write committed during its read is
            # heard again and the next question is True as well.
            self._heard = False
            self._last = now
            return True
        return False

    def _run(self) -> None:
        import psycopg  # noqa: PLC0415  (a PostgreSQL store only: SQLite never loads psycopg)
        from psycopg.sql import SQL, Identifier  # noqa: PLC0415

        datastore = self.store.recorder.datastore
        params = {k: v for k, v in datastore.pool.kwargs.items() if k != "row_factory"}
        channel = self.store.recorder.channel_name
        while not self._stop.is_set():
            try:
                with psycopg.connect(autocommit=True, connect_timeout=10, **params) as conn:
                    conn.execute(SQL("LISTEN {0}").format(Identifier(channel)))
                    # Whatever was written before LISTEN took effect is behind the next read.
                    self._heard = True
                    self.listening = True
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=WAIT, stop_after=1):
                            self._heard = True
            except Exception as exc:  # the connection was lost: fall back, then try again
                self.logger.warning("write_watch_lost", error=type(exc).__name__)
            finally:
                self.listening = False
            self._stop.wait(RETRY)
