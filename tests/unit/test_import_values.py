"""Cell text to exact values: fen, dates, seconds, counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.importing.values import CellValueError, parse_count, parse_date, parse_fen, parse_seconds


@pytest.mark.parametrize(("text", "fen"), [
    ("1234.56", 123456), ("1,234.56", 123456), ("¥28.16", 2816), ("￥28.16", 2816),
    ("+1000.00", 100000), ("-4.00", -400), ("(1,234.56)", -123456), ("（1,234.56）", -123456),
    ("1234.5", 123450), ("1234", 123400), ("12.3400", 1234), ("１２３.４５", 12345),
    ("1,234,567.89元", 123456789), ("RMB 10.00", 1000), ("-¥4.00", -400), ("0.01", 1),
    ("20000000000000.01", 2000000000000001),  # beyond float's exact range, still exact
])
def test_amounts_are_exact_fen(text: str, fen: int) -> None:
    assert parse_fen(text) == fen


@pytest.mark.parametrize("text", ["12.345", "1,23", "12,34.5", "abc", "", "1.2.3", "(-5)", "1e3"])
def test_bad_amounts_are_refused(text: str) -> None:
    with pytest.raises(CellValueError):
        parse_fen(text)


@pytest.mark.parametrize("text", [
    "2026-01-08", "20260108", "2026/1/8", "2026.1.8", "2026年1月8日", "2026-01-08 10:22:33",
    "2026-01-08T10:22", "26-01-08 星期四", "2026/01/08 星期四",
])
def test_dates(text: str) -> None:
    assert parse_date(text) == dt.date(2026, 1, 8)


@pytest.mark.parametrize("text", ["2026-02-30", "202601089", "08/01/2026", "", "明天"])
def test_bad_dates(text: str) -> None:
    with pytest.raises(CellValueError):
        parse_date(text)


@pytest.mark.parametrize(("text", "seconds"), [
    ("12", 12), ("12.5", Decimal("12.5")), ("12.50", Decimal("12.5")), ("01:05", 65),
    ("1:02:03", 3723), ("00:00:21", 21), ("1分5秒", 65), ("12s", 12), ("45秒", 45), ("0", 0),
])
def test_seconds(text: str, seconds: int | Decimal) -> None:
    got = parse_seconds(text)
    assert got == seconds
    assert type(got) is type(seconds)


def test_minutes_unit_and_plain_decimals() -> None:
    assert parse_seconds("1.5", unit="min") == 90
    assert str(parse_seconds("0.125", unit="min")) == "7.5"


@pytest.mark.parametrize("text", ["-3", "abc", "1:2:3:4", "延迟统计", ""])
def test_bad_seconds(text: str) -> None:
    with pytest.raises(CellValueError):
        parse_seconds(text)


def test_counts() -> None:
    assert parse_count("1,234") == 1234
    for bad in ("1.5", "-1", "x"):
        with pytest.raises(CellValueError):
            parse_count(bad)
