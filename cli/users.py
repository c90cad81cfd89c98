"""``ledger users add|list|revoke``: the people who may use the server (issue 17).

``add`` prints the new user's token once: only its SHA-256 is recorded. Adding and revoking
are commands like any other (``add_user``, ``revoke_user``), submitted through intake and
recorded with who ran them (the OS user, or ``--as NAME``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cli.args import Subcommands, UsageError, add_as, name_arg, out, submitter
from cli.exits import EXIT_FAILED, EXIT_OK


def register(cmds: Subcommands) -> None:
    sp = cmds.add("users", "the server's users: add (prints a token once), list, revoke",
                  cmd_users, store="write",
                  example="ledger users add li.na --role finance")
    sp.add_argument("action", choices=["add", "list", "revoke"],
                    help="add a user, list them, or revoke one")
    sp.add_argument("name", nargs="?", type=name_arg, metavar="NAME",
                    help="the user's name (add, revoke): letters, digits and ._@-")
    sp.add_argument("--role", choices=["finance", "auditor", "merchant"],
                    help="add: what the user may do (docs/CONSOLE.md)")
    sp.add_argument("--merchant", help="the merchant id a merchant user may read")
    sp.add_argument("--reason", default="", help="why the user is revoked")
    add_as(sp)


def cmd_users(store: Any, args: argparse.Namespace) -> int:
    if args.action == "list":
        return _list(store, args)
    if not args.name:
        raise UsageError(f"ledger users {args.action} needs a NAME")
    if args.action == "add":
        if not args.role:
            raise UsageError("ledger users add needs --role finance|auditor|merchant")
        if (args.role == "merchant") != bool(args.merchant):
            raise UsageError("--merchant MERCHANT_ID is needed for, and only for, --role merchant")
        return _add(store, args)
    return _revoke(store, args)


def _submit(store: Any, args: argparse.Namespace, command: dict[str, Any]) -> dict[str, Any] | None:
    """Submit one command; the error object when it was rejected."""
    import msgspec

    from app.intake import Intake
    from store.readmodels import catch_up

    (result,) = Intake(store, submitted_by=submitter(args)).submit([msgspec.json.encode(command)])
    catch_up(store)
    return result.error if result.status == "rejected" else None


def _add(store: Any, args: argparse.Namespace) -> int:
    import uuid

    from app.users import new_token
    from ledger.users import token_hash

    token = new_token()
    command: dict[str, Any] = {"type": "add_user", "id": f"add_user-{uuid.uuid4().hex}",
                               "name": args.name, "role": args.role,
                               "token_sha256": token_hash(token)}
    if args.merchant:
        command["merchant_id"] = args.merchant
    error = _submit(store, args, command)
    if error is not None:
        return _refused(error, args)
    if args.json:
        out({"name": args.name, "role": args.role, "merchant_id": args.merchant, "token": token})
    else:
        print(f"user {args.name} ({args.role}{' of ' + args.merchant if args.merchant else ''}) added.")
        print("Token (shown only this once; the ledger keeps only its hash):")
        print(token)
    return EXIT_OK


def _revoke(store: Any, args: argparse.Namespace) -> int:
    import uuid

    command = {"type": "revoke_user", "id": f"revoke_user-{uuid.uuid4().hex}",
               "name": args.name, "reason": args.reason}
    error = _submit(store, args, command)
    if error is not None:
        return _refused(error, args)
    out({"name": args.name, "status": "revoked"}) if args.json else print(f"user {args.name} revoked")
    return EXIT_OK


def _refused(error: dict[str, Any], args: argparse.Namespace) -> int:
    if args.json:
        out({"error": error})
    else:
        print(f"ledger: {error['code']}: {error['message']}", file=sys.stderr)
    return EXIT_FAILED


def _list(store: Any, args: argparse.Namespace) -> int:
    from app.users import all_users
    from cli import render

    rows = [{"name": u.name, "role": u.role, "merchant_id": u.merchant_id,
             "status": "revoked" if u.revoked else "active"} for u in all_users(store)]
    out(rows) if args.json else render.table(rows, "Users")
    return EXIT_OK
