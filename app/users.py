"""The server's users as the store knows them (issue 17): list, find by token, new tokens.

Users are facts in streams ``user:<name>`` (``ledger.users``). ``Directory`` keeps them in
memory for a server and reloads them whenever a user event was written since it last looked,
so a revocation takes effect on the next request. Whether one was is one indexed query, asked
when the ``WriteWatch`` (``store.notices``) says the store may have been written: on every
request on SQLite (nothing listens there), only after a write heard on PostgreSQL.
"""

from __future__ import annotations

import hmac
import secrets
import threading

from ledger.streams import USER
from ledger.users import User, fold_user, token_hash
from store.eventstore import Store
from store.notices import WriteWatch

TOKEN_PREFIX = "lgr_"


def new_token() -> str:
    """32 random bytes, URL-safe, with a prefix that makes a leaked token easy to spot."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def all_users(store: Store) -> list[User]:
    """Every user, revoked ones included, by name."""
    out = []
    for stream in store.streams_with_prefix(f"{USER}:"):
        user: User | None = None
        for rec in store.stream(stream):
            user = fold_user(user, rec.event)
        if user is not None:
            out.append(user)
    return sorted(out, key=lambda u: u.name)


class Directory:
    """Active users by token hash, reloaded when the ``user:`` streams moved."""

    def __init__(self, store: Store, watch: WriteWatch) -> None:
        self.store = store
        self.watch = watch
        self._mark: int | None = None
        self._by_hash: dict[str, User] = {}
        self._by_name: dict[str, User] = {}
        self._lock = threading.Lock()

    def _fresh(self) -> None:
        if not self.watch.maybe_changed():
            with self._lock:  # a reload another thread began is awaited, not overtaken
                return
        with self._lock:
            mark = self.store.last_position_of_prefix(f"{USER}:")
            if mark == self._mark:
                return
            users = all_users(self.store)
            self._by_hash = {u.token_sha256: u for u in users if u.active}
            self._by_name = {u.name: u for u in users}
            self._mark = mark

    def by_token(self, token: str) -> User | None:
        """The active user holding ``token``, or None."""
        if not token or len(token) > 256:
            return None
        self._fresh()
        wanted = token_hash(token)
        user = self._by_hash.get(wanted)
        if user is None or not hmac.compare_digest(user.token_sha256, wanted):
            return None
        return user

    def by_name(self, name: str) -> User | None:
        """The active user of that name (a session names its user; revoked: None)."""
        self._fresh()
        user = self._by_name.get(name)
        return user if user is not None and user.active else None
