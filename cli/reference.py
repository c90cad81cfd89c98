"""Reference subcommands that need no store: ``ledger schema [TYPE]`` (the JSON Schema of
the commands, for editors and scripts) and ``ledger example TYPE`` (one valid line).
Both read ``app.reference``, which docs/COMMANDS.md is generated from."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cli.args import Subcommands
from cli.exits import EXIT_OK
from schemas.names import COMMAND_TYPES


def register(cmds: Subcommands) -> None:
    sp = cmds.add("schema", "the JSON Schema of the commands, for editors and scripts", cmd_schema,
                  json=False, store="none", example="ledger schema record_payment > payment.schema.json")
    sp.add_argument("type", nargs="?", choices=COMMAND_TYPES, metavar="TYPE",
                    help="one command type (default: all of them, as one tagged union)")
    sp = cmds.add("example", "one valid command line of a type, to copy and edit", cmd_example,
                  json=False, store="none", example="ledger example record_payment >> commands.jsonl")
    sp.add_argument("type", choices=COMMAND_TYPES, metavar="TYPE",
                    help=f"the command type: {', '.join(COMMAND_TYPES)}")


def cmd_schema(store: Any, args: argparse.Namespace) -> int:
    from app.reference import json_schema

    del store
    sys.stdout.write(json.dumps(json_schema(args.type), ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def cmd_example(store: Any, args: argparse.Namespace) -> int:
    from schemas.examples import example_line

    del store
    sys.stdout.write(example_line(args.type) + "\n")
    return EXIT_OK
