"""The benchmark at smoke size (issue #6): it completes and reports every metric.

The generator runs at a tiny scale (twelve contracts, one week) and its year
must be accepted line by line; the runner's ``--smoke`` mode runs on SQLite and
on PostgreSQL (the ``pg_url`` fixture). No timing is asserted anywhere: speed
is what ``bench/run.py`` measures, not what the test suite checks.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
TINY = 0.002

RUN_METRICS = {
    "submit": ("seconds", "commands_per_s", "events_per_s", "us_per_event", "peak_rss_mb"),
    "rebuild": ("seconds", "events_per_s", "us_per_event", "peak_rss_mb"),
    "read_decode": ("seconds", "events_per_s"),
    "statement_reads": ("p50_ms", "p99_ms", "max_ms", "mean_ms"),
}


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", BENCH / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_generator_is_deterministic_and_every_line_is_accepted(
        sqlite_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate = _generator()
    first, again = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    stats = generate.write(first, TINY, seed=6)
    generate.write(again, TINY, seed=6)
    assert first.read_bytes() == again.read_bytes()
    assert stats["lines"] == len(first.read_bytes().splitlines())
    for kind in ("sign_contract", "record_deposit", "train_agent", "assess_agent", "agent_live",
                 "record_shift", "record_sales", "record_service_metrics", "record_qa_inspection",
                 "issue_settlement", "record_payment"):
        assert stats["types"].get(kind), kind

    monkeypatch.setenv("LEDGER_LOG_LEVEL", "warning")
    from app.intake import Intake
    from store.eventstore import open_store

    store = open_store(sqlite_db)
    with first.open("rb") as lines:
        results = list(Intake(store).submit(lines))
    rejected = [r.to_json() | {"type": r.command_type} for r in results if r.status == "rejected"]
    assert rejected == []
    assert sum(r.status == "duplicate" for r in results) == stats["resent_lines"]
    assert store.event_count() == stats["expected_events"]


@pytest.mark.parametrize("shape", ["day", "contract"])
def test_the_other_shapes_are_accepted_line_by_line(
        shape: str, sqlite_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14's loads: the day-ordered one is shift-heavy (shifts, then sales, then
    metrics), the contract-ordered one is the year's very lines, each contract in one block."""
    generate = _generator()
    path = tmp_path / f"{shape}.jsonl"
    stats = generate.write(path, TINY, seed=6, shape=shape)
    lines = path.read_bytes().splitlines()
    commands = [json.loads(line) for line in lines]
    if shape == "day":
        types = stats["types"]
        assert types["record_shift"] > types["record_sales"] > types["record_service_metrics"] > 0
        assert types["issue_settlement"] == 3 * stats["contracts"]  # three months, monthly
    else:
        year = tmp_path / "year.jsonl"
        generate.write(year, TINY, seed=6)
        assert sorted(lines) == sorted(year.read_bytes().splitlines())
        owners = [c["id"].split("-")[0] for c in commands]
        assert owners == sorted(owners)  # HC0001's block, then HC0002's...

    monkeypatch.setenv("LEDGER_LOG_LEVEL", "warning")
    from app.intake import Intake
    from store.eventstore import open_store

    store = open_store(sqlite_db)
    results = list(Intake(store).submit(line + b"\n" for line in lines))
    assert [r.to_json() for r in results if r.status == "rejected"] == []
    assert sum(r.status == "duplicate" for r in results) == stats["resent_lines"]
    assert store.event_count() == stats["expected_events"]


def _smoke(tmp_path: Path, *extra: str) -> dict[str, Any]:
    out = tmp_path / "results.json"
    run = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--smoke", "--out", str(out),
         "--workdir", str(tmp_path / "work"), *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    results: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    assert out.with_suffix(".md").read_text(encoding="utf-8").count("| 0.002 |") >= 2
    return results


def _check_every_metric(results: dict[str, Any], store: str) -> None:
    for key in ("nproc", "memory_gib", "python", "sqlite"):
        assert results["machine"].get(key), key
    assert results["command"].startswith(".venv/bin/python bench/run.py --smoke")
    (run,) = results["runs"]
    assert run["store"] == store and run["scale"] == TINY
    assert run["lines"] > 0 and run["events"] > 0
    for section, names in RUN_METRICS.items():
        for name in names:
            value = run[section][name]
            assert isinstance(value, int | float) and value > 0, (section, name, value)
    assert run["statement_reads"]["count"] > 0
    raw = "sqlite_executemany" if store == "sqlite" else "postgres_copy"
    for baseline in (raw, "eventsourcing_insert_events"):
        assert run["baselines"][baseline]["rows_per_s"] > 0, baseline
        assert run["baselines"][baseline]["rows"] == run["events"], baseline
    for name in ("submit_vs_raw", "submit_vs_eventsourcing", "rebuild_vs_read_decode"):
        assert run["ratios"][name] > 0, name
    wanted = {"rebuild vs read-and-decode", "statement read p99", "time per event flat",
              "peak memory flat",
              "ledger submit vs raw insert" if store == "sqlite" else "ledger submit commands/s"}
    assert {t["target"] for t in results["targets"]} == wanted
    assert all(t["met"] in (True, False, None) for t in results["targets"])


def test_runner_smoke_on_sqlite(tmp_path: Path) -> None:
    _check_every_metric(_smoke(tmp_path, "--stores", "sqlite"), "sqlite")


@pytest.mark.postgres
def test_runner_smoke_on_postgres(pg_url: str, tmp_path: Path) -> None:
    results = _smoke(tmp_path, "--stores", "postgres", "--pg-url", pg_url)
    _check_every_metric(results, "postgres")
    assert results["machine"].get("postgresql")


def test_the_import_benchmark_at_smoke_size(tmp_path: Path) -> None:
    """bench/imports.py (issue #16) completes on SQLite: every step measured, every bank
    credit matched by a rule, nothing refused by the ledger, re-imports all duplicate."""
    out = tmp_path / "imports.json"
    run = subprocess.run([sys.executable, str(BENCH / "imports.py"), "--smoke", "--stores", "sqlite",
                          "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=180,
                         check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    (results,) = json.loads(out.read_text(encoding="utf-8"))["stores"].values()
    for step in ("shifts", "service"):
        assert results[f"{step}_apply"]["accepted"] == results[f"{step}_apply"]["commands"] > 0
        assert results[f"{step}_again"]["duplicate"] == results[f"{step}_again"]["commands"]
        assert results[f"{step}_preview"]["accepted"] == results[f"{step}_apply"]["accepted"]
    outcomes = results["bank_outcomes"]
    assert set(outcomes) == {"debit", "payer_amount", "statement_in_remark", "unknown_payer"}
    assert results["bank_apply"]["commands"] == outcomes["payer_amount"] + outcomes[
        "statement_in_remark"]
    assert all(results[k]["seconds"] > 0 for k in results if k.endswith(("_apply", "_preview")))
