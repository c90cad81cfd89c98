"""What every request handler shares: the store, the server's in-memory helpers, the write lane."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from app.users import Directory
from store.eventstore import Store
from store.owners import Owners
from web.access import Sessions
from web.lane import Lane


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

    def close(self) -> None:
        self.submits.shutdown(wait=False, cancel_futures=True)
        self.lane.close()
