"""Rosters and attendance -> record_shift: long form, grid, ids, agents, shift names."""

from __future__ import annotations

import importlib
import io
from decimal import Decimal
from typing import Any

import msgspec
import pytest

from app.importing import mapping as M
from app.importing import report, roster
from app.importing.agents import Known, directory
from app.importing.source import load_table
from app.importing.table import TableError
from schemas.commands import AnyCommand
from schemas.types import intake_dec_hook

AGENTS = directory([Known(agent_id="A01", name="张晓燕", accounts=["小鹿:晓燕"]),
                    Known(agent_id="A02", name="李娜"), Known(agent_id="A03", name="李娜")])
CODES = ["early", "late"]
LONG = "日期,工号,姓名,班次\n2026-11-03,A01,张晓燕,早班\n2026-11-03,,张晓燕,晚班\n" \
       "2026-11-04,A01,张晓燕,休\n2026-11-05,A01,张晓燕,早班/晚班\n2026-11-06,A09,某人,早班\n" \
       "2026-11-06,,李娜,早班\n2026-11-07,A01,张晓燕,中班\n2026-11-31,A01,张晓燕,早班\n" \
       "2026-11-03,A01,张晓燕,早班\n"
_SCHEMA = msgspec.json.Decoder(AnyCommand, dec_hook=intake_dec_hook, float_hook=Decimal)


def valid(r: report.Report) -> list[dict[str, Any]]:
    """Every proposed command passes the intake's own strict schema."""
    for line in report.jsonl(r).splitlines():
        _SCHEMA.decode(line)
    return report.commands(r)


def long(text: str, preset: str = "roster-long", **kw: Any) -> report.Report:
    m = M.with_shifts(M.preset(preset), ["早班=early", "晚班=late"])
    assert isinstance(m, M.RosterLongMapping)
    return roster.read_long(load_table(text.encode("gb18030"), "r.csv", m), m, "C-TMALL-01",
                            AGENTS, **kw)


def test_long_roster_in_gb18030() -> None:
    r = long(LONG, codes=CODES)
    assert [c["id"] for c in valid(r)] == [
        "import:shift:C-TMALL-01:A01:2026-11-03:early", "import:shift:C-TMALL-01:A01:2026-11-03:late",
        "import:shift:C-TMALL-01:A01:2026-11-05:early", "import:shift:C-TMALL-01:A01:2026-11-05:late"]
    assert r.encoding == "gb18030"
    got = {o.row: (o.status, o.reason, o.field) for o in r.outcomes if o.status != "command"}
    assert got == {4: ("skipped", "rest", None), 6: ("unmapped", "unknown_agent", "agent"),
                   7: ("unmapped", "ambiguous_agent", "agent"), 8: ("error", "invalid_value", "shift"),
                   9: ("error", "invalid_value", "date"), 10: ("skipped", "duplicate_row", None)}
    assert r.unmapped == ["A09", "李娜"]
    assert "--shift 中班=CODE" in (r.outcomes[6].message or "")
    assert r.counts.by_status == {"command": 3, "skipped": 2, "error": 2, "unmapped": 2}


def test_a_shift_mapped_to_a_code_the_contract_lacks() -> None:
    r = long("日期,工号,班次\n2026-11-03,A01,早班\n", codes=["day"])
    assert r.outcomes[0].status == "error"
    assert "not a shift code of the contract (day)" in (r.outcomes[0].message or "")


def test_codes_stand_for_themselves() -> None:
    r = long("日期,工号,班次\n2026-11-03,A01,late\n", codes=CODES)
    assert [c["shift"] for c in valid(r)] == ["late"]


def test_ids_are_the_same_in_an_overlapping_export() -> None:
    first = long("日期,工号,班次\n2026-11-03,A01,早班\n2026-11-04,A01,晚班\n")
    again = long("日期,工号,班次\n2026-11-03,A01,早班\n2026-11-04,A01,晚班\n")
    later = long("说明：第二周导出\n日期,工号,班次\n2026-11-04,A01,晚班\n2026-11-05,A01,早班\n")
    ids = [c["id"] for c in report.commands(first)]
    assert ids == [c["id"] for c in report.commands(again)]
    assert report.jsonl(first) == report.jsonl(again)
    assert set(ids) & {c["id"] for c in report.commands(later)} == {ids[1]}


def test_dingtalk_daily_skips_absence_and_reads_the_shift_word() -> None:
    text = "每日汇总 统计日期：2025-12-01 至 2025-12-31\n报表生成时间：2026-01-02\n" \
           "姓名,工号,考勤组,日期,班次,考勤结果\n张晓燕,A01,客服组,25-12-01 星期一,早班 08:00-16:00,正常\n" \
           "张晓燕,A01,客服组,25-12-02 星期二,早班 08:00-16:00,旷工\n" \
           "张晓燕,A01,客服组,25-12-03 星期三,休息,\n"
    r = long(text, preset="dingtalk-daily")
    assert [(c["date"], c["shift"]) for c in valid(r)] == [("2025-12-01", "early")]
    assert [(o.row, o.reason) for o in r.outcomes if o.status == "skipped"] == [(5, "absent"), (6, "rest")]


def _grid(rows: list[list[Any]]) -> bytes:
    book = importlib.import_module("openpyxl").Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


GRID: list[list[Any]] = [["2026年11月 客服排班表"], ["姓名", "工号", "1", "2日", "3", "30", "31", "出勤天数"],
        ["", "", "日", "一", "二", "一", "", ""],
        ["张晓燕", "A01", "早班", "休", None, "晚班", None, 2],
        ["李娜", "", "早班", "", "", "", "", 1],
        ["新人", "", "早班", "早班", "", "", "", 2],
        ["陈静", "A01", "夜班", "", "", "", "早班", 1]]


def grid(rows: list[list[Any]], month: str | None = None) -> report.Report:
    m = M.with_shifts(M.preset("roster-grid"), ["早班=early", "晚班=late"])
    assert isinstance(m, M.RosterGridMapping)
    return roster.read_grid(load_table(_grid(rows), "g.xlsx", m), m, "C-TMALL-01", AGENTS, month, CODES)


def test_grid_roster_with_month_in_the_title() -> None:
    r = grid(GRID)
    assert [(c["agent_id"], c["date"], c["shift"]) for c in valid(r)] == [
        ("A01", "2026-11-01", "early"), ("A01", "2026-11-30", "late")]
    bad = [(o.row, o.status, o.reason, o.column, o.account) for o in r.outcomes if o.status != "command"]
    assert bad == [(3, "skipped", "weekday_row", None, None),
                   (5, "unmapped", "ambiguous_agent", None, "李娜"),
                   (6, "unmapped", "unknown_agent", None, "新人"),
                   (7, "error", "invalid_value", "1", None),
                   (7, "error", "invalid_value", "31", None)]
    assert "has no day 31" in (r.outcomes[-1].message or "")
    assert r.counts.rest_days == 5  # days 2 and 3 of row 4; 2, 3 and 30 of row 7 (no Nov 31)


def test_grid_month_from_the_option_or_refused() -> None:
    rows: list[list[Any]] = [GRID[1], GRID[3]]
    assert [c["date"] for c in report.commands(grid(rows, "2026-12"))] == ["2026-12-01", "2026-12-30"]
    with pytest.raises(TableError, match="--month YYYY-MM"):
        grid(rows)
    with pytest.raises(TableError, match="expected YYYY-MM"):
        grid(rows, "2026/12")


def test_a_grid_row_without_any_shift_is_reported() -> None:
    r = grid([GRID[1], ["张晓燕", "A01", "休", "", "休", None, None, 0]], "2026-11")
    assert [(o.row, o.status, o.reason) for o in r.outcomes] == [(2, "skipped", "rest")]
    assert r.counts.rest_days == 4
