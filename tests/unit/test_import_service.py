"""Platform service reports -> record_service_metrics and record_sales."""

from __future__ import annotations

import datetime as dt
import importlib
import io
from decimal import Decimal
from typing import Any

import msgspec
import pytest

from app.importing import mapping as M
from app.importing import report, service
from app.importing.agents import Known, directory
from app.importing.source import load_table
from app.importing.table import TableError
from schemas.commands import AnyCommand
from schemas.types import intake_dec_hook

AGENTS = directory([Known(agent_id="A01", name="张晓燕", accounts=["小鹿:晓燕"]),
                    Known(agent_id="A02", name="李娜", accounts=["小鹿:娜娜"])])
HEAD = ["日期", "客服昵称", "接待人数", "销售额", "销售订单数", "首次响应(秒)", "平均响应(秒)"]
_SCHEMA = msgspec.json.Decoder(AnyCommand, dec_hook=intake_dec_hook, float_hook=Decimal)


def xlsx(rows: list[list[Any]]) -> bytes:
    book = importlib.import_module("openpyxl").Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def read(data: bytes, name: str = "r.xlsx", preset: str = "chitu",
         day: dt.date | None = None) -> report.Report:
    m = M.preset(preset)
    assert isinstance(m, M.ServiceMapping)
    r = service.read_service(load_table(data, name, m), m, "C-TMALL-01", AGENTS, day)
    for line in report.jsonl(r).splitlines():
        _SCHEMA.decode(line)
    return r


CHITU: list[list[Any]] = [HEAD,
         [dt.datetime(2026, 4, 20), "小鹿:晓燕", 83, 1234.5, 30, 12.5, 20],
         ["2026-04-20", "小鹿:娜娜", 90, "2,001.00", 31, "00:21", 22],
         ["2026-04-20", "小鹿:新人01", 12, 0, 0, 9, 9],
         ["2026-04-20", "A01", 1, 0, 0, 8, 9],  # the agent id: the same agent as row 2
         ["2026-04-20", "小鹿:娜娜", 5, 0, 0, 3, 3],
         ["2026-04-21", "小鹿:晓燕", 0, 88.8, 2, "", ""],
         ["2026-04-21", "小鹿:娜娜", 0, 0, 0, "", ""],
         ["2026-04-21", "张晓燕", 40, 0, 0, "延迟统计", "延迟统计"],
         ["2026-04-21", "张晓燕", "x", 0, 0, 1, 1],
         ["", "汇总", 231, 3324.3, 63, 11, 20],
         ["", "均值", 46, 664.9, 13, 11, 20]]


def test_chitu_report() -> None:
    r = read(xlsx(CHITU))
    metrics = [(c["agent_id"], c["sessions"], c["avg_first_response_s"]) for c in report.commands(r)
               if c["type"] == "record_service_metrics"]
    assert metrics == [("A01", 83, Decimal("12.5")), ("A02", 90, 21)]
    sales = [(c["agent_id"], c["date"], c["sales_fen"], c["orders"]) for c in report.commands(r)
             if c["type"] == "record_sales"]
    assert sales == [("A01", "2026-04-20", 123450, 30), ("A02", "2026-04-20", 200100, 31),
                     ("A01", "2026-04-21", 8880, 2)]
    assert report.commands(r)[0]["id"] == "import:metrics:C-TMALL-01:小鹿:晓燕:2026-04-20"
    others = [(o.row, o.status, o.reason, o.field) for o in r.outcomes if o.status != "command"]
    assert others == [(4, "unmapped", "unknown_agent", "account"),
                      (5, "error", "invalid_value", "account"),  # A01 has row 2 that day
                      (6, "error", "invalid_value", "account"),  # a second row for 小鹿:娜娜
                      (8, "skipped", "no_activity", None), (9, "skipped", "not_computed", None),
                      (10, "error", "invalid_value", "sessions"),
                      (11, "skipped", "summary_row", None), (12, "skipped", "summary_row", None)]
    assert r.unmapped == ["小鹿:新人01"]
    assert report.to_json(r).count(b'"avg_first_response_s":12.5') == 1  # a JSON number


def test_the_day_from_the_file_name_or_refused() -> None:
    rows: list[list[Any]] = [[h for h in HEAD if h != "日期"], ["小鹿:晓燕", 10, 0, 0, "1:05", 0]]
    name = "自定义报表_人均日接入_2026-04-20至2026-04-20.xlsx"
    day = service.date_from_filename(name)
    assert day == dt.date(2026, 4, 20)
    assert service.date_from_filename("报表_2026-04-01至2026-04-30.xlsx") is None
    r = read(xlsx(rows), name, day=day)
    assert [(c["date"], c.get("avg_first_response_s")) for c in report.commands(r)] == [
        ("2026-04-20", 65), ("2026-04-20", None)]
    with pytest.raises(TableError, match="--date"):
        read(xlsx(rows))


def test_generic_csv_in_gbk_with_minutes() -> None:
    text = "客服账号,日期,接待量,平均响应时长\n小鹿:晓燕,2026/4/20,15,0.5\n"
    m = M.load('kind = "service"\npreset = "generic-service"\nresponse_unit = "min"\n')
    assert isinstance(m, M.ServiceMapping)
    r = service.read_service(load_table(text.encode("gbk"), "r.csv", m), m, "C-TMALL-01", AGENTS)
    assert [(c["type"], c["avg_first_response_s"]) for c in report.commands(r)] == [
        ("record_service_metrics", 30)]
