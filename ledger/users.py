"""Users of the server (issue 17): who may read and submit what, folded from ``user:<name>``.

A user has one role for life: ``finance`` submits and reads everything, ``auditor`` reads
everything and submits nothing, ``merchant`` reads and disputes only the contracts of its
``merchant_id``. Revoking is final (a new name gets a new user). Only the SHA-256 of the
user's token is kept: the token itself is 32 random bytes, so a fast hash suffices (nobody
can guess a 256-bit secret from its hash, and checking one costs a microsecond).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from schemas import events as ev


@dataclass(frozen=True)
class User:
    name: str
    role: str
    merchant_id: str | None
    token_sha256: str
    revoked: bool
    version: int  # events in the user's stream

    @property
    def active(self) -> bool:
        return not self.revoked


def fold_user(user: User | None, event: ev.Event) -> User | None:
    """The user after ``event`` (events of other kinds leave it as it is)."""
    if isinstance(event, ev.UserAdded):
        return User(event.name, event.role, event.merchant_id, event.token_sha256, False,
                    (user.version if user else 0) + 1)
    if isinstance(event, ev.UserRevoked) and user is not None:
        return User(user.name, user.role, user.merchant_id, user.token_sha256, True,
                    user.version + 1)
    return user


def token_hash(token: str) -> str:
    """The stored form of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
