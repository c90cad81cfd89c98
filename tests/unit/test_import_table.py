"""Bytes to rows: encodings, BOM, preamble, cleaning, XLSX values, bounds, the header."""

from __future__ import annotations

import datetime as dt
import importlib
import io
from typing import Any

import pytest

from app.importing import table as T
from app.importing.header import Table, locate
from app.importing.mapping import SUMMARY

FIELDS = {"date": ["交易日期", "日期"], "amount": ["金额", "交易金额"], "payer": ["对方户名"]}
REQUIRED = [("date",), ("amount",)]
TEXT = "账号：6222 0000\n户名：某某公司\n查询区间：20260101-20260131\n\n" \
       "交易日期,交易金额,对方户名\n20260108,\"1,234.56\",杭州小鹿\n人民币合计,\"1,234.56\",\n"


def _table(data: bytes, name: str = "f.csv", **kw: Any) -> Table:
    return locate(T.read_sheets(data, name, **kw), FIELDS, REQUIRED, SUMMARY)


@pytest.mark.parametrize(("data", "encoding"), [
    (TEXT.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("gb18030"), "gb18030"),
    (TEXT.encode("gbk"), "gb18030"),
    (TEXT.encode("utf-16"), "utf-16"),
])
def test_encodings_and_preamble(data: bytes, encoding: str) -> None:
    if encoding == "utf-16":
        data = TEXT.replace(",", "\t").replace('"1\t234.56"', "1,234.56").encode("utf-16")
    t = locate(T.read_sheets(data, "x.csv"), FIELDS, REQUIRED, SUMMARY)
    assert t.encoding == encoding
    assert t.header_row == 5
    assert t.preamble[0] == "账号：6222 0000"
    assert [(n, t.get(c, "payer"), t.get(c, "amount")) for n, c in t.rows] == [(6, "杭州小鹿", "1,234.56")]
    assert [(s.row, s.reason) for s in t.skipped] == [(7, "summary_row")]


def test_explicit_encoding_wins_and_a_wrong_one_is_named() -> None:
    data = TEXT.encode("gb18030")
    assert T.decode(data, "gb18030")[1] == "gb18030"
    with pytest.raises(T.TableError, match=r"not valid utf-8.*--encoding"):
        T.decode(data, "utf-8")
    with pytest.raises(T.TableError, match="unknown encoding"):
        T.decode(data, "klingon")


def test_undecodable_bytes_name_the_remedy() -> None:
    broken = "交易日期,交易金额\n".encode("gbk") + b"20260108,\x81\x20\xff\n"
    with pytest.raises(T.TableError, match=r"not UTF-8 .* not GB18030/GBK .* --encoding gb18030"):
        T.decode(broken, None)


def test_bom_promising_utf8_but_holding_gbk() -> None:
    with pytest.raises(T.TableError, match="UTF-8 BOM"):
        T.decode(b"\xef\xbb\xbf" + "日期".encode("gbk"), None)


def test_cells_are_cleaned() -> None:
    assert T.clean("\t 2026-01-08\t") == "2026-01-08"
    assert T.clean('="6222000011112222"') == "6222000011112222"
    assert T.clean("\u3000张三\u3000") == "张三"
    for empty in ("-", " / ", "--", "—"):
        assert T.clean(empty) == ""


def test_header_titles_fold_spaces_and_full_width() -> None:
    fields = {"x": ["首次响应(秒)"], "y": ["币种"]}
    rows = [(1, ["首次响应（秒）", "币　　种"]), (2, ["12", "CNY"])]
    t = locate([T.Sheet(name=None, encoding=None, rows=rows)], fields, [("x",), ("y",)], SUMMARY)
    assert t.columns == {"x": 0, "y": 1}


def test_no_header_says_what_is_missing() -> None:
    data = "日期,备注\n2026-01-08,x\n".encode()
    with pytest.raises(T.TableError, match=r"no header row.*lacks 金额/交易金额.*--mapping"):
        _table(data)


def test_repeated_header_and_cmb_trailer_are_skipped() -> None:
    data = "交易日期,交易金额\n20260108,1.00\n交易日期,交易金额\n# 收入合计: 1 笔\n\n20260109,2.00\n".encode()
    t = _table(data)
    assert [n for n, _ in t.rows] == [2, 6]
    assert [(s.row, s.reason) for s in t.skipped] == [(3, "repeated_header"), (4, "summary_row")]


def test_tab_separated_csv_is_found_without_saying_so() -> None:
    t = _table("交易日期\t交易金额\n20260108\t1.00\n".encode())
    assert t.rows[0][1][:2] == ["20260108", "1.00"]


def test_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(T, "MAX_ROWS", 3)
    with pytest.raises(T.TableError, match="more than 3 rows"):
        list(T.read_sheets(b"a\n1\n2\n3\n4\n", "x.csv"))
    with pytest.raises(T.TableError, match="row 2: a cell longer"):
        list(T.read_sheets(b"a\n" + b"x" * (T.MAX_CELL + 1) + b"\n", "x.csv"))


def test_old_xls_and_html_are_refused_with_the_remedy() -> None:
    with pytest.raises(T.TableError, match=r"save as \.xlsx"):
        list(T.read_sheets(b"\xd0\xcf\x11\xe0rest", "a.xls"))
    with pytest.raises(T.TableError, match="HTML"):
        list(T.read_sheets(b"<html><table><tr><td>1</td></tr></table>", "a.xls"))


@pytest.mark.parametrize(("value", "text"), [
    (1234.56, "1234.56"), (1234.5599999999999, "1234.56"), (0.1 + 0.2, "0.3"), (12.0, "12"),
    (1e20, "100000000000000000000"), (-4.0, "-4"), (2816, "2816"), (1.5e-7, "0.00000015"),
    (dt.datetime(2026, 1, 8), "2026-01-08"), (dt.datetime(2026, 1, 8, 10, 22, 33), "2026-01-08 10:22:33"),
    (dt.time(0, 1, 5), "00:01:05"), (dt.timedelta(minutes=1, seconds=5), "65"), (None, ""), (" - ", ""),
])
def test_xlsx_cell_values_are_canonical_text(value: Any, text: str) -> None:
    assert T.cell_text(value) == text


def test_xlsx_sheet_is_found_by_its_header() -> None:
    openpyxl = importlib.import_module("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["说明"])
    ws = book.create_sheet("明细")
    for row in (["工行对账单"], [], ["交易日期", "交易金额"], [dt.datetime(2026, 1, 8), 1234.56]):
        ws.append(row)
    buf = io.BytesIO()
    book.save(buf)
    t = _table(buf.getvalue(), "s.xlsx")
    assert (t.sheet, t.header_row, t.rows) == ("明细", 3, [(4, ["2026-01-08", "1234.56"])])
    with pytest.raises(T.TableError, match="no sheet named"):
        _table(buf.getvalue(), "s.xlsx", sheet="Sheet9")


def test_a_damaged_sheet_is_refused_with_the_remedy_not_raised() -> None:
    import zipfile

    openpyxl: Any = importlib.import_module("openpyxl")
    book = openpyxl.Workbook()
    for n in range(200):
        book.active.append(["2026-01-08", n, "杭州小鹿"])
    whole = io.BytesIO()
    book.save(whole)
    cut = io.BytesIO()
    with zipfile.ZipFile(whole) as src, zipfile.ZipFile(cut, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info, data[:len(data) // 2] if info.filename.endswith("sheet1.xml") else data)
    with pytest.raises(T.TableError, match=r"not readable after row .*save the file again"):
        list(T.read_sheets(cut.getvalue(), "damaged.xlsx"))
