"""Decide functions of the server's users (issue 17): add_user, revoke_user.

A user name is claimed once for ever (``user_exists``, even after a revocation, so a name in
the log always means one person); the merchant role needs the merchant id it may read, and
no other role may carry one. Users belong to no contract: their events' ``contract_id`` is empty.
"""

from __future__ import annotations

from decide.common import Emitted, Meta, State
from ledger import errors as E
from ledger.streams import user_stream
from schemas import commands as C
from schemas import events as ev


def add_user(st: State, c: C.AddUser, m: Meta) -> Emitted:
    if st.user(c.name) is not None:
        raise E.UserExistsError(f"user {c.name} exists already", "name")
    if c.role == "merchant" and c.merchant_id is None:
        raise E.MissingFieldError("a merchant user needs merchant_id", "merchant_id")
    if c.role != "merchant" and c.merchant_id is not None:
        raise E.InvalidValueError(f"a {c.role} user has no merchant_id", "merchant_id")
    return [(user_stream(c.name), ev.UserAdded(
        contract_id="", name=c.name, role=c.role, token_sha256=c.token_sha256,
        merchant_id=c.merchant_id, **m))]


def revoke_user(st: State, c: C.RevokeUser, m: Meta) -> Emitted:
    user = st.user(c.name)
    if user is None:
        raise E.UnknownUserError(f"user {c.name} is not known", "name")
    if user.revoked:
        raise E.UserRevokedError(f"user {c.name} is revoked already", "name")
    return [(user_stream(c.name), ev.UserRevoked(contract_id="", name=c.name, reason=c.reason,
                                                 **m))]
