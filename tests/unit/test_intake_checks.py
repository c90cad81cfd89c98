"""The intake's cheap looks at raw bytes (NUL in text, dates outside 1900-2999) find exactly
what the plain pattern finds in each line, whether they look at a line or a whole batch."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from app.intake import _FAR_YEAR, _NUL, _suspect
from app.lines import Line, Unreadable

# The far-year pattern as first written: a quoted date whose year is outside 1900-2999.
PLAIN = re.compile(rb'"(?:0\d|1[0-8]|[3-9]\d)\d\d-\d\d-\d\d"')

PIECES = [b'"', b"-", b"0", b"1", b"2", b"3", b"8", b"9", b"a", b"\\", b"u", b"\n", b"\\u0000",
          b'"0999-01-01"', b'"1899-12-31"', b'"1900-01-01"', b'"2026-03-01"', b'"2999-12-31"',
          b'"3000-01-01"', b'"12026-03-01"', b'"2026-03-01', b'{"id":"HC0001-000042"}']
RAW = st.lists(st.sampled_from(PIECES), max_size=30).map(b"".join)


@given(RAW)
def test_the_far_year_search_finds_what_the_plain_pattern_finds(text: bytes) -> None:
    assert (_FAR_YEAR.search(text) is not None) == (PLAIN.search(text) is not None)


@given(st.lists(RAW, max_size=8), st.booleans())
def test_a_batch_is_suspect_exactly_when_one_of_its_lines_is(raw: list[bytes],
                                                             unreadable: bool) -> None:
    lines: list[Line] = [*raw, Unreadable("too_large", "...")] if unreadable else list(raw)
    one_by_one = any(_NUL in line or PLAIN.search(line) for line in raw)
    assert _suspect(lines) == one_by_one
