"""The argument parser, fuzzed: whatever the arguments, an exit status the docs list and a
message, never a traceback; every argument has help and every subcommand an example."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from builders import agent_ready, full_month, issue, sign
from conftest import Ledger
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

WORDS = ["statement", "statements", "breaches", "disputes", "explain", "balance", "journal",
         "history", "audit", "digest", "verify", "rebuild", "export", "lines", "payments",
         "submit", "schema", "example", "C1", "C9", "2026-03", "2026-Q1", "2026-13", "2026/03",
         "nov", "base", "late_fee", "--json", "--live", "--on", "2026-04-01", "2026-02-30",
         "--as-of", "2026-04-01T00:00:00Z", "--period", "--format", "csv", "json", "table",
         "beancount", "--contract", "--output", "-", "--digest", "1:00", "--quiet", "--dry-run",
         "--encoding", "gb18030", "-h", "", " ", "\x00", "--", "record_payment", "sign_contract"]


@pytest.fixture
def small(sqlite_ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    monkeypatch.chdir(tmp_path)  # --output and documents land here
    sqlite_ledger.accept(sign("C1"), *agent_ready("a1"),
                         *full_month(["a1"], "2026-03-02", "2026-03-31"), issue("2026-03", "2026-04-01"))
    return sqlite_ledger


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=6))
def test_any_arguments_end_in_a_documented_status_without_a_traceback(small: Ledger,
                                                                      argv: list[str]) -> None:
    run = small.run(*argv)
    assert run.code in (0, 1, 2, 3), (argv, run)
    assert "Traceback" not in run.err, (argv, run.err)
    if run.code != 0:
        assert run.err.strip(), argv
    if "--json" in argv and run.code == 2:
        assert run.err.lstrip().startswith('{"error":'), (argv, run.err)


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_every_argument_has_help_and_every_subcommand_an_example() -> None:
    from cli.main import parser

    top = parser()
    assert all(a.help for a in top._actions), [a.dest for a in top._actions if not a.help]
    for name, sub in _subparsers(top).items():
        missing = [a.dest for a in sub._actions if not a.help]
        assert not missing, (name, missing)
        assert sub.epilog and f"ledger {name}" in sub.epilog.replace("--db demo.db ", ""), name
        help_text = sub.format_help()
        assert "example:" in help_text, name


def test_help_exits_0_and_prints_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    from cli.main import main

    assert main(["statement", "--help"]) == 0
    assert "ledger statement YIYI-TB-01 2026-10" in capsys.readouterr().out



def test_a_run_builds_only_its_subcommand_and_it_is_the_same_parser() -> None:
    from cli.main import parse, parser

    full = _subparsers(parser())
    for name, sub in full.items():
        alone = parser(only=name)
        assert alone.get_default("built") == [name]
        assert _subparsers(alone)[name].format_help() == sub.format_help(), name
    args = parse(["--db", "x.db", "balance", "C1", "--json"])
    assert (args.db, args.command, args.contract, args.json) == ("x.db", "balance", "C1", True)
    assert args.built == ["balance"]


def test_no_subcommand_or_an_unknown_one_goes_to_the_whole_parser(
        capsys: pytest.CaptureFixture[str]) -> None:
    from cli.main import main

    assert main(["--help"]) == 0
    listing = capsys.readouterr().out
    assert "balance" in listing and "import" in listing and "migrate" in listing
    assert main(["--db", "x.db", "no-such-command"]) == 2
    assert "invalid choice" in capsys.readouterr().err
