"""What every request handler shares: the store, the server's in-memory helpers, the write lane."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from litestar.concurrency import sync_to_thread

from app.users import Directory
from store.eventstore import Store
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
        return cls(store, logger, Directory(store), Owners(store), Lane(store.db))

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """A short store read from the event loop: on SQLite right there (an indexed row of a
        local file, microseconds: no thread to wake, no lock to pass); on PostgreSQL in a
        read thread, as a network round trip on the loop would stall every other request."""
        if self.store.postgres:
            return await sync_to_thread(fn, *args)
        return fn(*args)

    def close(self) -> None:
        self.submits.shutdown(wait=False, cancel_futures=True)
        self.lane.close()
