"""A file's bytes -> rows of clean strings, with the header row found.

CSV text: a UTF-8 BOM is dropped; without an explicit encoding the text is
read as UTF-8, else as GB18030 (a superset of GBK and GB2312, what Chinese
exports and Excel on Chinese Windows write); a UTF-16 BOM means UTF-16 with
tabs (Excel's "Unicode text"). Bytes that are neither stop the import with a
message naming the remedy (``--encoding``).

XLSX (openpyxl, read-only, cached values): text stays text; whole numbers
become digits; other floats become their shortest round-trip text
(``repr``: the float typed as ``1234.56`` reads back ``1234.56``), and
when that text has more than Excel's 15 significant digits (arithmetic
noise such as ``0.30000000000000004``) it is rounded to 15 significant
digits, which is what Excel shows. ``Decimal(float)`` is never used: it
spells out the binary value (``0.1`` -> ``0.1000000000000000055511…``).
Dates become ``YYYY-MM-DD`` (with `` HH:MM:SS`` when not midnight), times
``HH:MM:SS``. Old ``.xls`` and HTML disguised as ``.xls`` are refused with
the remedy (save as ``.xlsx``).

Every cell is trimmed (spaces, tabs, ideographic spaces), Excel's ``="…"``
text guard is unwrapped, and a lone ``-``, ``--``, ``—`` or ``/`` means empty.
Bounds: at most ``MAX_ROWS`` rows and ``MAX_CELL`` characters a cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import msgspec

from ledger.names import fold

MAX_ROWS = 200_000
MAX_CELL = 10_000
HEADER_SCAN = 60  # rows searched for the header (Alipay has 24 preamble lines)
EMPTY_MARKS = frozenset({"-", "--", "—", "/"})
_PAD = " \t\r\n\u3000\xa0"


class TableError(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


class Sheet(msgspec.Struct, frozen=True):
    """Raw rows of one CSV text or one worksheet: (file row number, cells)."""

    name: str | None
    encoding: str | None
    rows: list[tuple[int, list[str]]]


def clean(value: str) -> str:
    """Trim padding, unwrap ``="…"``, and read the empty marks as empty."""
    s = value.strip(_PAD)
    if len(s) >= 3 and s.startswith('="') and s.endswith('"'):
        s = s[2:-1].strip(_PAD)
    return "" if s in EMPTY_MARKS else s


def norm(name: str) -> str:
    """A column title, account or payer name for comparison: NFKC, no whitespace at
    all, case-folded (``ledger.names.fold``: the ledger compares them the same way)."""
    return fold(name)


def decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    """(text, encoding used). Raises ``TableError`` naming the remedy."""
    if encoding is not None:
        try:
            return data.decode(encoding).removeprefix("\ufeff"), encoding
        except LookupError:
            raise TableError(f"unknown encoding {encoding!r} (try gb18030, utf-8)") from None
        except UnicodeDecodeError as exc:
            raise TableError(f"the file is not valid {encoding}: {exc.reason} at byte "
                             f"{exc.start}; check the --encoding given") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding or "utf-8"), encoding or "utf-8"
    except UnicodeDecodeError as utf8:
        if encoding:  # a BOM promised UTF-8
            raise TableError(f"the file starts with a UTF-8 BOM but byte {utf8.start} is not "
                             "UTF-8; pass --encoding with the file's real encoding") from None
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError as gb:
            raise TableError(
                f"cannot decode the file: not UTF-8 (byte {utf8.start}) and not GB18030/GBK "
                f"(byte {gb.start}); pass --encoding with its encoding (e.g. --encoding "
                "gb18030, --encoding big5) or save it again as UTF-8 CSV or XLSX") from None


def read_csv(data: bytes, encoding: str | None, delimiter: str) -> Sheet:
    """Decode and split CSV text; row numbers are record numbers from 1."""
    text, used = decode(data, encoding)
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text, newline=""),
                                                   delimiter=delimiter), start=1):
            rows.append((number, _bounded(number, [clean(c) for c in record])))
            if number > MAX_ROWS:
                raise TableError(f"more than {MAX_ROWS:,} rows: split the file")
    except csv.Error as exc:
        raise TableError(f"row {len(rows) + 1}: not readable as CSV ({exc})") from None
    return Sheet(name=None, encoding=used, rows=rows)


def _bounded(number: int, cells: list[str]) -> list[str]:
    for cell in cells:
        if len(cell) > MAX_CELL:
            raise TableError(f"row {number}: a cell longer than {MAX_CELL:,} characters")
    return cells


def cell_text(value: Any) -> str:
    """An XLSX cell value as canonical text (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return format(Decimal(value.days * 86400 + value.seconds)
                      + Decimal(value.microseconds) / 10**6, "f")
    return clean(str(value))


def float_text(value: float) -> str:
    """Shortest round-trip text, cut to Excel's 15 significant digits; no exponent."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(value)
    digits = text.lstrip("-").split("e")[0].replace(".", "").strip("0")
    if len(digits) > 15 or "e" in text:
        text = format(value, ".15g")
    return format(Decimal(text).normalize(), "f") if "e" in text else text


def read_xlsx(data: bytes, sheet: str | None) -> Iterator[Sheet]:
    """The named worksheet, or every worksheet in order."""
    openpyxl = importlib.import_module("openpyxl")  # untyped: used as Any
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors: all mean "not readable"
        raise TableError(f"not a readable XLSX workbook ({type(exc).__name__}: {exc})") from None
    try:
        names = [sheet] if sheet is not None else list(book.sheetnames)
        for name in names:
            if name not in book.sheetnames:
                raise TableError(f"no sheet named {name!r}; the sheets are {book.sheetnames}")
            yield Sheet(name=name, encoding=None, rows=_sheet_rows(book[name], name))
    finally:
        book.close()


def _sheet_rows(ws: Any, name: str) -> list[tuple[int, list[str]]]:
    """A worksheet's rows as text; a sheet whose XML breaks off is refused, not raised."""
    ws.reset_dimensions()  # exports often carry a wrong dimension record
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise TableError(f"sheet {name}: more than {MAX_ROWS:,} rows: split it")
            cells = [cell_text(v) for v in values]
            while cells and not cells[-1]:
                cells.pop()
            rows.append((number, _bounded(number, cells)))
    except TableError:
        raise
    except Exception as exc:  # XML and zip errors inside a sheet: the file is damaged
        raise TableError(f"sheet {name}: not readable after row {len(rows)} "
                         f"({type(exc).__name__}: {exc}); save the file again from Excel or WPS"
                         ) from None
    return rows


def read_sheets(data: bytes, filename: str, encoding: str | None = None,
                delimiter: str | None = None, sheet: str | None = None) -> Iterator[Sheet]:
    """Candidate sheets of a file: XLSX worksheets, or the CSV read with the given
    delimiter (else comma, then tab, then semicolon)."""
    head = data[:512].lstrip()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableError("an old Excel .xls file: open it in Excel or WPS and save as .xlsx")
    if head[:200].lower().startswith((b"<html", b"<!doctype", b"<table", b"<?xml")):
        raise TableError("an HTML/XML page named like a spreadsheet: open it in Excel or WPS "
                         "and save as .xlsx")
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith((".xlsx", ".xlsm")):
        yield from read_xlsx(data, sheet)
        return
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    for sep in [delimiter] if delimiter else (["\t"] if utf16 else [",", "\t", ";"]):
        yield read_csv(data, encoding, sep)
