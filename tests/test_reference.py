"""The command reference that ships: docs/COMMANDS.md generated from the schemas and up to
date, an example per command type accepted on the ledger it names, ``ledger schema`` and
``ledger example``, and ``unknown_type`` listing the types."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import msgspec
import pytest
from conftest import Ledger

from app.reference import SCHEMA_CODES, commands_markdown, json_schema, rule_codes
from schemas.commands import COMMAND_TYPES, AnyCommand
from schemas.examples import EXAMPLES, FIELDS, SETUP, example_line

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def test_every_command_type_has_an_example_and_a_docstring() -> None:
    missing = [t for t in COMMAND_TYPES if t not in EXAMPLES]
    assert not missing, f"add an example to schemas/examples.py EXAMPLES for {missing}"
    assert set(EXAMPLES) == set(COMMAND_TYPES), set(EXAMPLES) - set(COMMAND_TYPES)
    undocumented = [c.__name__ for c in AnyCommand.__args__ if not c.__dict__.get("__doc__")]
    assert not undocumented, f"say what these commands do and their rules in a docstring: {undocumented}"


def test_every_field_has_a_meaning() -> None:
    import msgspec.inspect as mi

    names: set[str] = set()

    def walk(t: mi.Type) -> None:
        if isinstance(t, mi.StructType):
            for f in t.fields:
                if f.encode_name not in names:
                    names.add(f.encode_name)
                    walk(f.type)
        for inner in getattr(t, "types", ()) or ():
            walk(inner)
        for attr in ("item_type", "value_type"):
            if hasattr(t, attr):
                walk(getattr(t, attr))

    for info in mi.multi_type_info(list(AnyCommand.__args__)):
        walk(info)
    assert not names - set(FIELDS), f"add to schemas/examples.py FIELDS: {sorted(names - set(FIELDS))}"


def test_commands_md_is_generated_and_current() -> None:
    current = (DOCS / "COMMANDS.md").read_text(encoding="utf-8")
    assert current == commands_markdown(), (
        "docs/COMMANDS.md is stale: run `.venv/bin/python -m app.reference > docs/COMMANDS.md`")
    for t in COMMAND_TYPES:
        assert f"## `{t}`" in current and example_line(t) in current


def test_every_example_is_accepted_on_the_setup_ledger(sqlite_ledger: Ledger, tmp_path: Path) -> None:
    sqlite_ledger.accept(*SETUP)
    before = sqlite_ledger.stats()
    for t in COMMAND_TYPES:
        printed = sqlite_ledger.run("example", t)
        assert printed.code == 0 and printed.out == example_line(t) + "\n"
        path = tmp_path / f"{t}.jsonl"
        path.write_text(printed.out, encoding="utf-8")
        run = sqlite_ledger.run("submit", "--dry-run", "--quiet", str(path))
        (result,) = run.lines()
        assert result["status"] == "accepted", (t, result)
    assert sqlite_ledger.stats() == before


def test_the_examples_decode_as_their_own_type() -> None:
    from decimal import Decimal

    from schemas.types import intake_dec_hook

    decoder = msgspec.json.Decoder(AnyCommand, dec_hook=intake_dec_hook, float_hook=Decimal)
    for t in COMMAND_TYPES:
        command = decoder.decode(example_line(t))
        assert command.__struct_config__.tag == t


def test_schema_of_all_and_of_one_type(sqlite_ledger: Ledger) -> None:
    whole = sqlite_ledger.run("schema")
    assert whole.code == 0
    schema = json.loads(whole.out)
    assert list(schema["discriminator"]["mapping"]) == list(COMMAND_TYPES)
    one = json.loads(sqlite_ledger.run("schema", "record_payment").out)
    props = one["$defs"]["RecordPayment"]["properties"]
    assert props["amount_fen"] == {"type": "integer", "minimum": 1, "maximum": 10**15}
    assert one == json_schema("record_payment")
    assert sqlite_ledger.run("schema", "nope").code == 2


def test_schema_and_example_need_no_store(tmp_path: Path) -> None:
    ledger = Ledger(str(tmp_path / "none.db"), tmp_path)
    assert ledger.run("example", "sign_contract").code == 0
    assert ledger.run("schema").code == 0
    assert not (tmp_path / "none.db").exists()


def test_unknown_type_lists_the_types(sqlite_ledger: Ledger) -> None:
    error = sqlite_ledger.reject({"type": "record_paymnet", "id": "x"})
    assert error["code"] == "unknown_type" and error["field"] == "type"
    assert all(t in error["message"] for t in COMMAND_TYPES)


def test_rule_codes_are_documented_error_codes() -> None:
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", (DOCS / "ERRORS.md").read_text("utf-8"), re.M))
    assert set(SCHEMA_CODES) <= documented
    for t in COMMAND_TYPES:
        assert set(rule_codes(t)) <= documented, t
    assert "payment_exists" in rule_codes("record_payment")
    assert {"period_out_of_order", "period_not_ended"} <= set(rule_codes("issue_settlement"))


@pytest.mark.parametrize("name", ["COMMANDS.md", "RULES.md", "CLI.md", "ERRORS.md"])
def test_the_reference_ships(name: str) -> None:
    assert (DOCS / name).is_file()


def test_nothing_in_the_repository_points_outside_it() -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    outside = []
    for name in tracked:
        path = ROOT / name
        if path.suffix not in (".md", ".py", ".toml", ".txt", ".json", ".jsonl", ".cfg", "") or \
                not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if name != "tests/test_reference.py" and re.search(r"\.\./shared|/work/shared|shared/spec", text):
            outside.append(name)
    assert not outside, outside


def test_provider_profiles_are_stored_on_both_stores(ledger: Ledger) -> None:
    from schemas.examples import PROVIDER

    first = {"type": "set_provider", "id": "prov-1", **PROVIDER}
    ledger.accept(first, first | {"id": "prov-2", "effective_from": "2026-07-01"})
    ledger.accept(first | {"id": "prov-3", "effective_from": "2026-09-01"})  # a later submit
    assert ledger.submit(first).lines()[0]["status"] == "duplicate"
    assert ledger.stats()[0] == 3
    assert ledger.run("audit", "verify").code == 0
