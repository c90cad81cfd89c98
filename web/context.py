"""What every request handler shares: the store and the server's in-memory helpers."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from app.users import Directory
from store.eventstore import Store
from store.owners import Owners
from web.access import Sessions


@dataclass
class Context:
    store: Store
    logger: Any
    users: Directory
    owners: Owners
    sessions: Sessions = field(default_factory=Sessions)
    # One intake at a time in this process: concurrent writers would only collide and retry.
    write_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def of(cls, store: Store, logger: Any) -> Context:
        return cls(store, logger, Directory(store), Owners(store))
