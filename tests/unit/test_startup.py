"""Start-up stays quick (issue 14): ``ledger --help`` and a report read from the read models
load only what they use. Each case runs in a fresh interpreter and lists the modules it
loaded; timings are in docs/BENCHMARKS.md, never asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY_FOR_HELP = ("psycopg", "rich", "store", "eventsourcing", "msgspec", "structlog", "app",
                  "billing", "projections", "decide", "web", "litestar")
HEAVY_FOR_A_READ = ("psycopg", "rich", "structlog", "billing", "projections", "decide", "web",
                    "litestar", "store.view", "app.statements")


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code`` (from the repository)."""
    probe = code + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, check=True, timeout=60)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def _heavy(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_help_loads_no_store_no_schemas_and_no_table_machinery() -> None:
    modules = loaded_after("import cli.main\ncli.main.parser().format_help()")
    assert not _heavy(modules, HEAVY_FOR_HELP)


def test_a_read_model_report_on_sqlite_loads_no_psycopg_rich_or_folding(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    commands = tmp_path / "c.jsonl"
    commands.write_text(json.dumps({
        "type": "sign_contract", "id": "s1", "contract_id": "C1",
        "merchant": {"id": "M1", "name": "店", "platform": "taobao"},
        "signed_on": "2026-02-20", "service_start": "2026-03-02",
        "terms": json.loads(subprocess.run(
            [sys.executable, "-c", "from schemas.examples import TERMS; import json; "
             "print(json.dumps(TERMS))"], cwd=ROOT, capture_output=True, text=True,
            check=True).stdout)}) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "cli", "--db", str(db), "submit", "--quiet",
                    str(commands)], cwd=ROOT, capture_output=True, check=True, timeout=60)
    for argv in (["balance", "C1", "--json"], ["statements", "--json"], ["journal", "--json"]):
        modules = loaded_after(
            f"import sys\nsys.argv = ['ledger', '--db', {str(db)!r}, *{argv!r}]\n"
            "import cli.main\ncli.main.main()")
        assert not _heavy(modules, HEAVY_FOR_A_READ), argv


def test_logging_set_up_loads_structlog_without_rich_which_stays_importable() -> None:
    modules = loaded_after("import cli.log\ncli.log.configure()")
    assert "structlog" in modules and not _heavy(modules, ("rich",))
    after = loaded_after("import cli.log\ncli.log.configure()\nimport rich.progress")
    assert "rich.progress" in after


def test_logging_set_up_loads_no_asyncio_which_stays_one_module_when_used() -> None:
    assert not _heavy(loaded_after("import cli.log\ncli.log.configure()"), ("asyncio", "ssl"))
    used = loaded_after(
        "import cli.log, sys, asyncio, structlog.stdlib\n"
        "assert type(asyncio) is type(sys) and asyncio is sys.modules['asyncio']\n"
        "assert structlog.stdlib.asyncio.get_running_loop is asyncio.get_running_loop\n"
        "async def three() -> int:\n    return 3\n"
        "assert asyncio.run(three()) == 3")
    assert "asyncio.base_events" in used


def test_the_console_script_freezes_what_is_alive_before_the_interpreter_exits(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import gc
    import tomllib

    import cli.main

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["ledger"] == "cli.main:run"
    calls: list[str] = []

    def main(argv: list[str] | None) -> int:
        calls.append("main")
        return 0
    monkeypatch.setattr(cli.main, "main", main)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    assert cli.main.run(["--version"]) == 0
    assert calls == ["main", "freeze"]


def test_a_submit_whose_stderr_is_a_pipe_loads_no_psycopg_and_no_rich(tmp_path: Path) -> None:
    commands = tmp_path / "c.jsonl"
    commands.write_text("", encoding="utf-8")
    modules = loaded_after(
        f"import sys\nsys.argv = ['ledger', '--db', {str(tmp_path / 'l.db')!r}, 'submit', "
        f"{str(commands)!r}]\nimport cli.main\ncli.main.main()")
    assert "app.intake" in modules and not _heavy(modules, ("psycopg", "rich"))
