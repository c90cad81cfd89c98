"""One call from a file's bytes and a mapping to a located table.

The mapping's ``[columns]`` name the fields to look for and its kind says
which are required (``mapping.REQUIRED``); ``--encoding`` given on the
command line wins over the mapping's ``encoding``. Bank remarks are read from
every remark column found, and a roster's agent from the first filled one
of its agent columns (``multi``: 工号 when given, else 姓名).
"""

from __future__ import annotations

import msgspec

from app.importing.header import Table, locate
from app.importing.mapping import REQUIRED, AnyMapping, kind_of
from app.importing.table import read_sheets


def load_table(data: bytes, filename: str, mapping: AnyMapping,
               encoding: str | None = None) -> Table:
    """Read ``data`` and find its header; raises ``TableError`` with the remedy."""
    fields = {k: v for k, v in msgspec.structs.asdict(mapping.columns).items() if v}
    sheets = read_sheets(data, filename, encoding or mapping.encoding, mapping.delimiter,
                         mapping.sheet)
    return locate(sheets, fields, REQUIRED[kind_of(mapping)], mapping.summary,
                  multi=frozenset({"remark", "agent"}))
