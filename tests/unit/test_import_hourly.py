"""The platform's hourly inquiry report -> a quote profile's history (app.importing.hourly)."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
from typing import Any

import msgspec
import pytest

from app.importing.hourly import load_hourly, read_hourly
from app.importing.table import TableError
from schemas.quote import HistoryRow


def csv_bytes(rows: list[list[Any]], encoding: str = "utf-8-sig") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx(rows: list[list[Any]]) -> bytes:
    book = importlib.import_module("openpyxl").Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def day(date: str, counts: dict[int, Any], total: Any = "") -> list[Any]:
    return [date, *(counts.get(h, "") for h in range(24)), total]


HEAD = ["日期", *range(24), "全天"]
OLD_HEAD = ["日期", *(f"{h}点" for h in range(24)), "全天"]


def test_a_report_with_title_rows_a_summary_and_gaps() -> None:
    # given a title row, the header, three dates and the 汇总 row
    rows = [["自定义报表_分时咨询人数_2026-03-02至2026-03-04"], HEAD,
            day("2026-03-02", {9: 10, 10: 30, 21: 4}, total=40),  # 全天 40 < 44: distinct customers
            day("2026/3/3", {9: "1,200"}),
            day("2026-03-04", dict.fromkeys(range(24), 0)),  # a listed day without inquiries
            ["汇总", *range(24), 999]]
    # when
    read = read_hourly(load_hourly(csv_bytes(rows), "hourly.csv"))
    # then the empty hours are 0 and left out, 全天 is not read, a quiet day keeps one row
    assert read.history == [
        {"date": "2026-03-02", "hour": 9, "inquiries": 10},
        {"date": "2026-03-02", "hour": 10, "inquiries": 30},
        {"date": "2026-03-02", "hour": 21, "inquiries": 4},
        {"date": "2026-03-03", "hour": 9, "inquiries": 1200},
        {"date": "2026-03-04", "hour": 0, "inquiries": 0},
    ]
    assert read.dates == [dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)]
    assert [(p.row, p.status, p.reason) for p in read.problems] == [(6, "skipped", "summary_row")]
    assert read.errors == [] and read.header_row == 2
    # and every row is a valid history row of a profile
    msgspec.convert(read.history, list[HistoryRow])


def test_the_older_header_and_an_xlsx_file() -> None:
    rows = [OLD_HEAD, [dt.datetime(2026, 3, 2), *([3] * 24), 72], [dt.date(2026, 3, 3), *([0] * 23), 5, 5]]
    read = read_hourly(load_hourly(xlsx(rows), "hourly.xlsx"))
    assert len(read.history) == 25
    assert read.history[-1] == {"date": "2026-03-03", "hour": 23, "inquiries": 5}


def test_rows_that_cannot_be_read_are_errors_naming_the_column() -> None:
    rows = [HEAD, day("2026-03-02", {9: 10}), day("2026-03-02", {9: 11}), day("昨天", {9: 1}),
            day("2026-03-05", {14: "12.5"}), day("2026-03-06", {3: -1}), day("2026-03-07", {3: 2000000})]
    read = read_hourly(load_hourly(csv_bytes(rows), "hourly.csv"))
    assert [(e.row, e.field, e.column) for e in read.errors] == [
        (3, "date", None), (4, "date", "日期"), (5, "h14", "14"), (6, "h3", "3"), (7, "h3", "3")]
    assert "listed twice" in str(read.errors[0].message)
    assert read.history == [{"date": "2026-03-02", "hour": 9, "inquiries": 10}]  # the first row stands


def test_a_file_without_the_hour_columns_says_what_it_needs() -> None:
    with pytest.raises(TableError) as caught:
        load_hourly(csv_bytes([["日期", "0", "1", "2"], ["2026-03-02", "1", "2", "3"]]), "daily.csv")
    assert "no header row" in str(caught.value) and "h3" in str(caught.value)
