"""The sample files of docs/IMPORT.md: reproducible, and read as the docs say."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest

from app.importing import bank, report, roster, service
from app.importing import mapping as M
from app.importing.agents import Known, directory
from app.importing.matching import DepositWait, OpenStatement, PayerName
from app.importing.source import load_table

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BOOKS = json.loads((EXAMPLES / "import" / "demo-books.json").read_text())
AGENTS = directory(msgspec.convert(BOOKS["agents"], list[Known]))


def _maker() -> Any:
    spec = importlib.util.spec_from_file_location("make_examples", EXAMPLES / "make_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", sorted(_maker().FILES))
def test_committed_samples_are_what_the_script_writes(name: str) -> None:
    make: Callable[[], bytes] = _maker().FILES[name]
    assert (EXAMPLES / "import" / name).read_bytes() == make()


def _read(name: str, preset: str, shifts: bool = False) -> tuple[Any, Any]:
    m = M.preset(preset)
    if shifts:
        m = M.with_shifts(m, ["早班=early", "晚班=late"])
    data = (EXAMPLES / "import" / name).read_bytes()
    return load_table(data, name, m), m


def test_roster_samples() -> None:
    t, m = _read("roster-long.gb18030.csv", "roster-long", shifts=True)
    r = roster.read_long(t, m, "C-TMALL-01", AGENTS, BOOKS["shift_codes"])
    assert (r.encoding, r.counts.commands) == ("gb18030", 24)
    assert r.counts.by_status == {"command": 20, "skipped": 8}
    t, m = _read("roster-grid.xlsx", "roster-grid", shifts=True)
    r = roster.read_grid(t, m, "C-TMALL-01", AGENTS, codes=BOOKS["shift_codes"])
    assert (r.counts.commands, r.counts.rest_days, r.unmapped) == (103, 34, ["新人小周"])
    long_ids = {c["id"] for c in report.commands(roster.read_long(
        *_read("roster-long.gb18030.csv", "roster-long", shifts=True), "C-TMALL-01", AGENTS))}
    grid_ids = {c["id"] for c in report.commands(r)}
    assert long_ids <= grid_ids  # the same week in both files: the same command ids


def test_service_sample() -> None:
    t, m = _read("service-chitu.xlsx", "chitu")
    r = service.read_service(t, m, "C-TMALL-01", AGENTS)
    assert r.counts.by_type == {"record_sales": 11, "record_service_metrics": 11}
    assert r.counts.by_reason == {"not_computed": 1, "summary_row": 2, "unknown_agent": 3}
    assert r.unmapped == ["小鹿家居旗舰店:新人01"]


def test_bank_sample() -> None:
    t, m = _read("bank-cmb-corporate.csv", "cmb-corporate")
    r = bank.reconcile(t, m, msgspec.convert(BOOKS["statements"], list[OpenStatement]),
                       msgspec.convert(BOOKS["deposits"], list[DepositWait]),
                       [PayerName(*p) for p in BOOKS["payers"]], BOOKS["recorded"])
    assert [(o.row, o.status, o.rule or o.reason) for o in r.outcomes] == [
        (6, "skipped", "already_recorded"), (7, "command", "statement_in_remark"),
        (8, "skipped", "debit"), (9, "command", "payer_amount"), (10, "command", "payer_deposit"),
        (11, "ambiguous", "several_items_of_this_amount"), (12, "command", "payer_oldest"),
        (13, "unmatched", "unknown_payer"), (14, "unmatched", "no_fit"),
        (15, "skipped", "summary_row")]
