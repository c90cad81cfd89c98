"""How intake cuts the input into batches: blank lines numbered but skipped, a short
first batch (the writer starts sooner), each one after it twice as long, then full ones."""

from __future__ import annotations

import itertools

from app.intake import _chunks, batch_sizes
from app.lines import Line, Unreadable


def test_the_first_batch_is_short_and_they_double_up_to_full() -> None:
    lines = [b'{"n": %d}\n' % n for n in range(12)]
    sizes = [len(chunk) for _, chunk in _chunks(lines, 5, first=2)]
    assert sizes == [2, 4, 5, 1]
    assert [len(chunk) for _, chunk in _chunks(lines, 5, first=1)] == [1, 2, 4, 5]
    assert [len(chunk) for _, chunk in _chunks(lines, 5)] == [5, 5, 2]
    assert [len(chunk) for _, chunk in _chunks(lines, 2, first=5)] == [2] * 6  # never longer
    assert list(itertools.islice(batch_sizes(10_000, 1_000), 6)) == [
        1_000, 2_000, 4_000, 8_000, 10_000, 10_000]


def test_line_numbers_count_blank_lines_that_get_no_batch_place() -> None:
    lines: list[Line] = [b'{"a": 1}\n', b"\n", b"   \r\n", b'{"a": 2}\n', Unreadable("invalid_json", "x"),
             b'{"a": 3}\n']
    batches = list(_chunks(lines, 2, first=1))
    assert [numbers for numbers, _ in batches] == [[1], [4, 5], [6]]
    assert sum(len(chunk) for _, chunk in batches) == 4
