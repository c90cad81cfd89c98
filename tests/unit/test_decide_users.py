"""decide.users: add_user, revoke_user (issue 17): users of the server as facts."""

from __future__ import annotations

from typing import Any

from builders import cmd

from ledger.users import token_hash
from schemas import events as ev

from .given import covers, given, rejects, when

HASH = token_hash("lgr_secret")


def add(name: str = "alice", role: str = "finance", **fields: Any) -> dict[str, Any]:
    return cmd("add_user", None, name=name, role=role, token_sha256=HASH, **fields)


def revoke(name: str = "alice") -> dict[str, Any]:
    return cmd("revoke_user", None, name=name, reason="left the company")


@covers("add_user")
def test_a_user_is_added_with_the_hash_of_its_token_in_its_own_stream() -> None:
    state = given()
    (event,) = when(state, add("shop-a", "merchant", merchant_id="M1"))
    assert isinstance(event, ev.UserAdded)
    assert (event.name, event.role, event.merchant_id, event.token_sha256) == (
        "shop-a", "merchant", "M1", HASH)
    assert event.contract_id == ""
    assert state.log[-1][0] == "user:shop-a"
    user = state.user("shop-a")
    assert user is not None and user.active and user.version == 1


def test_a_user_name_is_claimed_once_even_after_revocation() -> None:
    state = given(add(), revoke())
    error = rejects(state, add())
    assert (error.code, error.field) == ("user_exists", "name")


def test_a_merchant_user_needs_its_merchant_id_and_others_carry_none() -> None:
    error = rejects(given(), add("m", "merchant"))
    assert (error.code, error.field) == ("missing_field", "merchant_id")
    error = rejects(given(), add("a", "auditor", merchant_id="M1"))
    assert (error.code, error.field) == ("invalid_value", "merchant_id")


def test_a_role_outside_the_three_and_a_token_that_is_not_a_hash_are_refused() -> None:
    assert rejects(given(), add(role="admin")).code == "invalid_value"
    error = rejects(given(), cmd("add_user", None, name="a", role="finance", token_sha256="abc"))
    assert (error.code, error.field) == ("invalid_value", "token_sha256")
    assert rejects(given(), add(name="has space")).field == "name"


@covers("revoke_user")
def test_a_revoked_user_is_inactive_and_cannot_be_revoked_again() -> None:
    state = given(add())
    (event,) = when(state, revoke())
    assert isinstance(event, ev.UserRevoked)
    user = state.user("alice")
    assert user is not None and user.revoked and user.version == 2
    error = rejects(state, revoke())
    assert (error.code, error.field) == ("user_revoked", "name")
    assert rejects(given(), revoke("nobody")).code == "unknown_user"
