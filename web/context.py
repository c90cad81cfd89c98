"""What every request handler shares: the store, the server's in-memory helpers, the write lane."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from app.users import Directory
from store.eventstore import Store
from store.notices import WriteWatch
from store.owners import Owners
from web.access import Sessions
from web.lane import Lane

T = TypeVar("T")


@dataclass
class Context:
    store: Store
    logger: Any
    users: Directory
    owners: Owners
    lane: Lane  # every submit, one at a time, in a process of its own (web.lane)
    sessions: Sessions = field(default_factory=Sessions)
    # the one thread API submits wait for the lane on, so that they never hold a reader's
    submits: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="submit"))

    @classmethod
    def of(cls, store: Store, logger: Any) -> Context:
        """The context of a new application; ``start`` (on start-up) begins listening."""
        watch = WriteWatch(store, logger)
        return cls(store, logger, Directory(store, watch), Owners(store), Lane(store.db))

    def start(self) -> None:
        """On PostgreSQL, hear the store's writes (``store.notices``) so that the sign-in
        check asks the database whether users changed only after a write, not on every
        request (measured: docs/BENCHMARKS.md, the server section)."""
        self.users.watch.start()

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """A short store read (the sign-in check, an issued statement: one indexed query
        each) right on the event loop, on both stores: no thread to wake and no lock to pass
        back and forth. Measured under 50 clients on PostgreSQL (docs/BENCHMARKS.md, the
        server section) a read thread made the p99 two to three times longer. Only reads
        bounded by an index belong here: anything slower stalls every request."""
        return fn(*args)

    def close(self) -> None:
        self.submits.shutdown(wait=False, cancel_futures=True)
        self.lane.close()
        self.users.watch.close()
