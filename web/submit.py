"""Commands over HTTP: a JSON array or JSON Lines in, one result per command out, in order,
as ``ledger submit`` prints them.

Bounds: a request body of at most ``MAX_BODY`` bytes (413 beyond), at most ``MAX_COMMANDS``
commands (413), a command of at most ``MAX_LINE`` bytes (that command is rejected,
``out_of_range``). Roles: ``finance`` may submit any command but the users' own
(``add_user``, ``revoke_user``: only ``ledger users`` on the server adds and revokes them);
a ``merchant`` may submit only ``open_dispute`` on its own contracts: any other type is
``forbidden``, and another merchant's contract is ``unknown_contract``, the answer for a
contract that does not exist. Refused commands change nothing and claim no id, like any
rejection. Idempotent by command id: a client retrying after a timeout gets ``duplicate``.
The commands that pass go to the write lane (``web.lane``: intake and the read models'
catch-up in a process of their own, one request at a time).
"""

from __future__ import annotations

from typing import Any

import msgspec

from app.intake import Result
from ledger.users import User
from web.context import Context

MAX_BODY = 16 * 1024 * 1024
MAX_COMMANDS = 10_000
MAX_LINE = 1024 * 1024
USER_COMMANDS = frozenset({"add_user", "revoke_user"})
MERCHANT_COMMANDS = frozenset({"open_dispute"})


class BodyError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class _Peek(msgspec.Struct):
    """What the role check reads of a command; everything else is intake's business."""

    type: Any = None
    id: Any = None
    contract_id: Any = None


_PEEK = msgspec.json.Decoder(_Peek)
_ARRAY = msgspec.json.Decoder(list[msgspec.Raw])


def split(body: bytes) -> tuple[list[bytes], bool]:
    """The commands of a body (each its exact bytes: ``1`` and ``1.0`` stay apart) and
    whether it was a JSON array."""
    if len(body) > MAX_BODY:
        raise BodyError(413, "too_large", f"a request body holds at most {MAX_BODY} bytes")
    start = body.lstrip()[:1]
    if start == b"[":
        try:
            lines = [bytes(raw) for raw in _ARRAY.decode(body)]
        except msgspec.DecodeError as exc:
            raise BodyError(400, "invalid_json", f"not a JSON array: {exc}") from None
        array = True
    else:
        lines = [line for line in body.split(b"\n") if line.strip()]
        array = False
    if len(lines) > MAX_COMMANDS:
        raise BodyError(413, "too_many_commands",
                        f"a request holds at most {MAX_COMMANDS} commands; send batches")
    return lines, array


def _refusal(user: User, line: bytes, own: frozenset[str]) -> Result | None:
    """The answer to a command this user may not submit, or None."""
    if len(line) > MAX_LINE:
        return Result(None, "rejected", _err("out_of_range", f"a command holds at most {MAX_LINE} bytes",
                                             None))
    try:
        peek = _PEEK.decode(line)
    except (msgspec.DecodeError, UnicodeDecodeError):
        return None  # intake answers invalid_json
    kind = peek.type if isinstance(peek.type, str) else None
    cid = peek.id if isinstance(peek.id, str) else None
    if kind in USER_COMMANDS:
        return Result(cid, "rejected", _err(
            "forbidden", "users are added and revoked with `ledger users` on the server", "type"))
    if user.role != "merchant":
        return None
    if kind not in MERCHANT_COMMANDS:
        return Result(cid, "rejected", _err(
            "forbidden", "a merchant user may submit only open_dispute", "type"))
    if not isinstance(peek.contract_id, str) or peek.contract_id not in own:
        return Result(cid, "rejected", _err(
            "unknown_contract", f"contract {peek.contract_id} is not known", "contract_id"))
    return None


def _err(code: str, message: str, field: str | None) -> dict[str, Any]:
    return {"code": code, "message": message, "field": field}


def submit(ctx: Context, user: User, lines: list[bytes]) -> list[Result]:
    """Results in input order; accepted commands record ``user`` as who submitted them."""
    own = frozenset(ctx.owners.contracts_of(user.merchant_id)) if user.role == "merchant" else frozenset()
    refused = [_refusal(user, line, own) for line in lines]
    passed = [line for line, r in zip(lines, refused, strict=True) if r is None]
    answers = iter(ctx.lane.submit(user.name, passed) if passed else [])
    results = [r if r is not None else next(answers) for r in refused]
    for n, result in enumerate(results, start=1):  # the line of the request's body, refused or not
        result.line = n
    return results
