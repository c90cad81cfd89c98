"""Find the header row and sort the rows under it.

Each field of a mapping names alternative column titles in order of
preference; a row is the header when every required field (or one of a group
of fields, e.g. ``credit`` or ``amount``) finds a title in it. Titles compare
after NFKC, without any whitespace and case-folded, so a title written with
full-width brackets matches ``首次响应(秒)`` and CCB's ``币　　种`` matches ``币种``. The rows above the
header are the preamble (kept as text: a grid roster reads its month there).

Under the header: blank rows are dropped; a row whose first or second
non-empty cell starts with a summary label (``汇总``, ``合计``, ``均值``, …) or
with ``#`` (CMB's trailer) is skipped as ``summary_row``; a repeat of the
header (multi-page exports) is skipped as ``repeated_header``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import msgspec

from app.importing.table import HEADER_SCAN, Sheet, TableError, norm


class Skip(msgspec.Struct, frozen=True):
    row: int
    reason: str
    message: str


class Table(msgspec.Struct, frozen=True):
    """The body of a located table: ``columns`` maps each found field to its
    first column; ``multi`` lists every column of the fields read together."""

    sheet: str | None
    encoding: str | None
    header_row: int
    header: list[str]
    columns: dict[str, int]
    multi: dict[str, list[int]]
    preamble: list[str]
    rows: list[tuple[int, list[str]]]
    skipped: list[Skip]

    def get(self, cells: Sequence[str], name: str) -> str:
        """The cell of field ``name`` in a body row ('' when the column is absent)."""
        at = self.columns.get(name)
        return cells[at] if at is not None and at < len(cells) else ""

    def first(self, cells: Sequence[str], name: str) -> str:
        """The first non-empty cell among the columns of a ``multi`` field."""
        for at in self.multi.get(name, [self.columns.get(name, len(cells))]):
            if at < len(cells) and cells[at]:
                return cells[at]
        return ""


def _match(titles: dict[str, int], fields: dict[str, list[str]],
           multi: frozenset[str]) -> tuple[dict[str, int], dict[str, list[int]]]:
    columns: dict[str, int] = {}
    many: dict[str, list[int]] = {}
    for name, alternatives in fields.items():
        found = [titles[norm(a)] for a in alternatives if norm(a) in titles]
        if found:
            columns[name] = found[0]
            if name in multi:
                many[name] = list(dict.fromkeys(found))  # in order of preference
    return columns, many


def locate(sheets: Iterable[Sheet], fields: dict[str, list[str]],
           required: Sequence[Sequence[str]], summary: Sequence[str],
           multi: frozenset[str] = frozenset()) -> Table:
    """The first sheet row (within ``HEADER_SCAN``) holding every required field."""
    best: tuple[int, str] = (-1, "")
    encoding: str | None = None
    for sheet in sheets:
        encoding = sheet.encoding or encoding
        for at, (number, cells) in enumerate(sheet.rows[:HEADER_SCAN]):
            titles: dict[str, int] = {}
            for i, cell in enumerate(cells):
                titles.setdefault(norm(cell), i)
            columns, many = _match(titles, fields, multi)
            missing = [g for g in required if not any(f in columns for f in g)]
            if not missing:
                return _body(sheet, at, columns, many, summary)
            score = len(required) - len(missing)
            if score > best[0] and score > 0:
                where = f"sheet {sheet.name!r} " if sheet.name else ""
                best = (score, f"; the closest was {where}row {number}, which lacks "
                        + ", ".join("/".join(_titles(fields, g)) for g in missing))
    wanted = "; ".join(f"{'/'.join(g)}: {' or '.join(_titles(fields, g))}" for g in required)
    read_as = f"; the text was read as {encoding} (if it looks wrong, pass --encoding)" \
        if encoding else ""
    raise TableError(f"no header row found in the first {HEADER_SCAN} rows: need {wanted}"
                     f"{best[1]}{read_as}; name the columns in a mapping file (--mapping) "
                     "or choose another --preset")


def _titles(fields: dict[str, list[str]], group: Sequence[str]) -> list[str]:
    return [t for f in group for t in fields.get(f, [])][:4] or list(group)


def _body(sheet: Sheet, at: int, columns: dict[str, int], many: dict[str, list[int]],
          summary: Sequence[str]) -> Table:
    header_row, header = sheet.rows[at]
    width = len(header)
    normal_header = [norm(h) for h in header]
    labels = (*(norm(s) for s in summary if norm(s)), "#")  # "" would match every row
    rows: list[tuple[int, list[str]]] = []
    skipped: list[Skip] = []
    preamble = [" ".join(c for c in cells if c) for _, cells in sheet.rows[:at]]
    for number, cells in sheet.rows[at + 1:]:
        filled = [c for c in cells if c]
        if not filled:
            continue
        if any(norm(c).startswith(labels) for c in filled[:2]):
            skipped.append(Skip(number, "summary_row", f"summary row ({filled[0]})"))
            continue
        if norm(cells[0]) == normal_header[0] and [norm(c) for c in cells] == normal_header:
            skipped.append(Skip(number, "repeated_header", "the header again"))
            continue
        rows.append((number, cells + [""] * (width - len(cells)) if len(cells) < width else cells))
    return Table(sheet=sheet.name, encoding=sheet.encoding, header_row=header_row,
                 header=header, columns=columns, multi=many, preamble=[p for p in preamble if p],
                 rows=rows, skipped=skipped)
