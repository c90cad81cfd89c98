"""The command reference, generated from the schemas: docs/COMMANDS.md, ``ledger schema``,
``ledger example``.

Everything here is read from the code, so the reference cannot drift from it:

- the fields of each command and of the shapes inside it (types, bounds,
  required or optional) from the msgspec Structs (``msgspec.inspect``), with
  the meaning of each field by name from ``schemas.examples.FIELDS``;
- what a command does and its rules from the command class's docstring;
- the rule errors a command can answer from its decide function
  (``decide.DECIDERS``): the ``LedgerError`` classes it and the helpers it
  calls raise, read from their source;
- the example line from ``schemas.examples`` (accepted on a ledger holding
  its ``SETUP``, which the page lists).

``python -m app.reference > docs/COMMANDS.md`` writes the page; a test fails
when the file differs from what this module generates.
"""

from __future__ import annotations

import ast
import inspect
import json
import sys
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

import msgspec
import msgspec.inspect as mi

from decide import DECIDERS, FACT_DATES
from ledger import errors as E
from schemas.commands import COMMAND_TYPES, AnyCommand
from schemas.examples import EXAMPLES, FIELDS, SETUP, example_line
from schemas.names import PERIOD_PATTERN
from schemas.types import DECIMAL_SCHEMAS, schema_hook

SCHEMA_CODES = ("invalid_json", "too_large", "missing_field", "unknown_field", "invalid_type",
                "invalid_value", "out_of_range", "unknown_type", "id_reused")
_BY_TYPE: dict[str, type] = {str(cls.__struct_config__.tag): cls for cls in AnyCommand.__args__}


def command_class(command_type: str) -> type:
    """The Struct of ``command_type``; KeyError naming the valid types otherwise."""
    try:
        return _BY_TYPE[command_type]
    except KeyError:
        raise KeyError(f"unknown command type {command_type!r}: one of "
                       f"{', '.join(COMMAND_TYPES)}") from None


def json_schema(command_type: str | None = None) -> dict[str, Any]:
    """The JSON Schema of every command (a tagged union), or of one type."""
    target: Any = AnyCommand if command_type is None else command_class(command_type)
    schema: dict[str, Any] = msgspec.json.schema(target, schema_hook=schema_hook)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


# -- rule errors, read from the decide functions -------------------------------------------


def rule_codes(command_type: str) -> list[str]:
    """The codes of the ``LedgerError`` classes the decide function of ``command_type`` and
    the functions of ours it calls raise, in the order of docs/ERRORS.md (the classes' order)."""
    seen: set[str] = set()
    found: set[type[E.LedgerError]] = set()
    cls = command_class(command_type)
    _raised(DECIDERS[cls], seen, found)
    if cls in FACT_DATES:  # checked for every dated fact before its decide function
        found.add(E.FutureDateError)
    order = [cls for cls in vars(E).values()
             if isinstance(cls, type) and issubclass(cls, E.LedgerError)]
    codes = [cls.code for cls in order if cls in found and cls.code not in SCHEMA_CODES]
    return list(dict.fromkeys(codes))


def _raised(fn: Callable[..., Any], seen: set[str], found: set[type[E.LedgerError]]) -> None:
    key = f"{fn.__module__}.{fn.__qualname__}"
    if key in seen or not fn.__module__.startswith(("decide", "ledger", "billing")):
        return
    seen.add(key)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError):
        return
    names = getattr(fn, "__globals__", {})
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        target = _resolve(node.func, names)
        if isinstance(target, type) and issubclass(target, E.LedgerError):
            found.add(target)
        elif inspect.isfunction(target):
            _raised(target, seen, found)


def _resolve(node: ast.expr, names: dict[str, Any]) -> Any:
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = _resolve(node.value, names)
        return getattr(owner, node.attr, None) if owner is not None else None
    return None


# -- types as a clerk reads them -------------------------------------------------------------


def describe(t: mi.Type) -> str:
    """A field's type in words: ``integer fen, 1 to 10^15``, ``date YYYY-MM-DD``, ..."""
    if isinstance(t, mi.UnionType):
        parts = [describe(x) for x in t.types if not isinstance(x, mi.NoneType)]
        text = " or ".join(parts)
        return text + " or null" if any(isinstance(x, mi.NoneType) for x in t.types) else text
    if isinstance(t, mi.IntType):
        return "integer" + _bounds(t.ge, t.le, t.gt, t.lt)
    if isinstance(t, mi.StrType):
        if t.pattern and PERIOD_PATTERN in t.pattern:
            return "period `YYYY-MM` or `YYYY-Qn`"
        if t.pattern and "[0-5]" in t.pattern:
            return "time `HH:MM`"
        low, high = t.min_length, t.max_length
        if low and high:
            return f"text, {low:,} to {high:,} characters"
        return f"text, up to {high:,} characters" if high else "text"
    if isinstance(t, mi.DateType):
        return "date `YYYY-MM-DD`"
    if isinstance(t, mi.BoolType):
        return "`true` or `false`"
    if isinstance(t, mi.LiteralType):
        return "one of " + ", ".join(f"`{v}`" for v in t.values)
    if isinstance(t, mi.ListType):
        return f"list of {describe(t.item_type)}"
    if isinstance(t, mi.DictType):
        return f"object: {describe(t.key_type)} → {describe(t.value_type)}"
    if isinstance(t, mi.StructType):
        return f"object (*{_title(t.cls)}*)"
    if isinstance(t, mi.CustomType) and t.cls in DECIMAL_SCHEMAS:
        return str(DECIMAL_SCHEMAS[t.cls]["description"])
    if isinstance(t, mi.AnyType):
        return "object: the keys of *Terms* that change"
    return type(t).__name__


def _bounds(ge: int | None, le: int | None, gt: int | None, lt: int | None) -> str:
    low = ge if ge is not None else (gt + 1 if gt is not None else None)
    high = le if le is not None else (lt - 1 if lt is not None else None)
    text = {10**15: "10^15", -(10**15): "−10^15", 10**9: "10^9"}
    if low is None and high is None:
        return ""
    a, b = (text.get(v, f"{v:,}") if v is not None else "" for v in (low, high))
    if low is not None and high is not None:
        return f", {a} to {b}"
    return f", ≥ {a}" if low is not None else f", ≤ {b}"


def _title(cls: type) -> str:
    return {"BasePlusCommission": "Pricing: base_plus_commission",
            "FixedFee": "Pricing: fixed_fee"}.get(cls.__name__, cls.__name__)


def _rows(info: mi.StructType) -> Iterator[str]:
    for f in sorted(info.fields, key=lambda f: f.encode_name != "id"):  # the command id first
        if f.encode_name == info.tag_field:
            continue
        t = f.type
        if f.name == "terms" and isinstance(t, mi.DictType):
            t = mi.AnyType()
        kind = describe(t)
        if f.name.endswith("_fen") and kind.startswith("integer"):
            kind = "integer fen" + kind.removeprefix("integer")
        need = "yes" if f.required else f"no (default {_default(f)})"
        yield f"| `{f.encode_name}` | {kind} | {need} | {FIELDS.get(f.encode_name, '')} |"


def _default(f: mi.Field) -> str:
    if f.default is not msgspec.NODEFAULT:
        return "none" if f.default is None else f"`{json.dumps(f.default)}`"
    if f.default_factory is not msgspec.NODEFAULT:
        value = f.default_factory()
        return f"`{json.dumps(value, default=str)}`"
    return "none"


def _table(info: mi.StructType) -> list[str]:
    return ["| field | type | required | meaning |", "|---|---|---|---|", *_rows(info)]


def _shapes() -> list[mi.StructType]:
    """The Structs inside commands (merchant, terms and its parts), first seen first."""
    out: dict[type, mi.StructType] = {}

    def walk(t: mi.Type) -> None:
        if isinstance(t, mi.StructType):
            if t.cls not in out:
                out[t.cls] = t
                for f in t.fields:
                    walk(f.type)
        elif isinstance(t, mi.UnionType):
            for x in t.types:
                walk(x)
        elif isinstance(t, mi.ListType):
            walk(t.item_type)
        elif isinstance(t, mi.DictType):
            walk(t.value_type)

    for info in mi.multi_type_info(list(_BY_TYPE.values())):
        assert isinstance(info, mi.StructType)
        for f in info.fields:
            walk(f.type)
    return list(out.values())


def commands_markdown() -> str:
    """docs/COMMANDS.md."""
    out = [
        "# Commands",
        "",
        "<!-- Generated by `python -m app.reference > docs/COMMANDS.md` from the schemas "
        "(schemas/commands.py, schemas/terms.py, schemas/examples.py) and the rules (decide/). "
        "Do not edit by hand: tests/test_reference.py fails when this file is stale. -->",
        "",
        "Input is JSON Lines: one command per line, a JSON object with `type` (one of the types "
        "below) and `id` (your id for the command). `ledger submit FILE` answers one line per "
        "command (`accepted`, `duplicate` or `rejected` with `code`, `message` and `field`); "
        "`ledger submit --dry-run FILE` answers the same without storing anything. Money is "
        "integer fen (1 yuan = 100 fen), rates are decimal strings (`\"0.06\"`), dates "
        "`YYYY-MM-DD`, periods `YYYY-MM` (monthly contracts) or `YYYY-Qn` (quarterly).",
        "",
        "Tools: `ledger example TYPE` prints the example line of a type; `ledger schema [TYPE]` "
        "prints the JSON Schema of the commands for editors and scripts. Error codes: "
        "[ERRORS.md](ERRORS.md); the rules behind the numbers: [RULES.md](RULES.md).",
        "",
        "Every command can be answered with the input and schema errors "
        + ", ".join(f"`{c}`" for c in SCHEMA_CODES)
        + "; each type below lists the rule errors it can answer besides.",
        "",
        "## Types",
        "",
        *(f"- [`{t}`](#{t}): {_first_sentence(_BY_TYPE[t])}" for t in COMMAND_TYPES),
        "",
    ]
    for info in mi.multi_type_info([_BY_TYPE[t] for t in COMMAND_TYPES]):
        assert isinstance(info, mi.StructType)
        t = str(info.tag)
        codes = rule_codes(t)
        out += [f"## `{t}`", "", _doc(info.cls), "", *_table(info), "",
                "Rule errors: " + (", ".join(f"`{c}`" for c in codes) if codes else "none") + ".",
                "", "Example:", "", "```json", example_line(t), "```", ""]
    out += ["## Shapes inside commands", ""]
    for info in _shapes():
        out += [f"### {_title(info.cls)}", ""]
        doc = _doc(info.cls)
        if doc:
            out += [doc, ""]
        out += [*_table(info), ""]
    out += [
        "## The ledger the examples are accepted on",
        "",
        "Each example above is accepted by `ledger submit --dry-run` on a ledger holding these "
        "lines (a contract `SHOP-1` in its trial, with a deposit, agents at each step, the March "
        "statement issued, a payment that left credit, an open dispute, a reported breach and a "
        "payer name; a contract `SHOP-3` with its March statement unpaid; a user of the server):",
        "",
        "```json",
        *(json.dumps(c, ensure_ascii=False) for c in SETUP),
        "```",
        "",
    ]
    return "\n".join(out)


def _doc(cls: type) -> str:
    doc = cls.__dict__.get("__doc__") or ""
    return " ".join(inspect.cleandoc(doc).split()).replace("``", "`")


def _first_sentence(cls: type) -> str:
    doc = _doc(cls)
    return doc.split(". ")[0].rstrip(".") + "." if doc else ""


def main() -> None:
    sys.stdout.write(commands_markdown())


if __name__ == "__main__":
    main()


__all__ = ["EXAMPLES", "commands_markdown", "json_schema", "rule_codes"]
