"""The pure pieces of ``ledger migrate`` (``store.migrate``): checking a page of the source's
log against its stored chain links, and naming where two read-model tables differ."""

from __future__ import annotations

from store.eventstore import GENESIS, chain_link
from store.migrate import EventRow, check_links, first_difference


def _log(n: int, gap_after: int | None = None) -> list[EventRow]:
    rows: list[EventRow] = []
    pos = 0
    for i in range(1, n + 1):
        pos += 2 if gap_after is not None and i == gap_after + 1 else 1
        rows.append((pos, f"contract:C{i % 3}", i, "PaymentRecorded", f'{{"n":{i}}}'.encode()))
    return rows


def _links(rows: list[EventRow], previous: bytes = GENESIS) -> list[tuple[int, str]]:
    out = []
    for pos, stream, version, topic, state in rows:
        previous = chain_link(previous, pos, stream, version, topic, state)
        out.append((pos, previous.hex()))
    return out


def test_a_page_that_matches_its_links_hands_on_the_last_link() -> None:
    rows = _log(10, gap_after=4)
    links = _links(rows)
    last, bad = check_links(GENESIS, rows, links)
    assert bad is None and last.hex() == links[-1][1]
    # pages chain on: the second half checks from the first half's last link
    middle, bad = check_links(GENESIS, rows[:5], links[:5])
    assert bad is None
    assert check_links(middle, rows[5:], links[5:]) == (last, None)


def test_an_edited_event_is_named_by_its_position() -> None:
    rows = _log(6)
    links = _links(rows)
    edited = list(rows)
    pos, stream, version, topic, _ = edited[3]
    edited[3] = (pos, stream, version, topic, b'{"n":999}')
    assert check_links(GENESIS, edited, links)[1] == 4


def test_an_edited_link_is_named_by_its_position() -> None:
    rows = _log(6)
    links = _links(rows)
    links[2] = (3, "0" * 64)
    assert check_links(GENESIS, rows, links)[1] == 3


def test_a_missing_or_extra_link_is_named() -> None:
    rows = _log(6)
    links = _links(rows)
    assert check_links(GENESIS, rows, links[:2] + links[3:])[1] == 3  # link 3 gone
    assert check_links(GENESIS, rows, links[:-1])[1] == 6  # the last event has no link
    assert check_links(GENESIS, rows[:-1], links)[1] == 6  # a link without its event


def test_first_difference_names_the_first_row_that_differs() -> None:
    a = [("C1", "C1-2026-03", "x"), ("C1", "C1-2026-04", "y"), ("C2", "C2-2026-03", "z")]
    assert first_difference(a, list(a)) is None
    b = [a[0], ("C1", "C1-2026-04", "changed"), a[2]]
    assert first_difference(a, b) == "C1/C1-2026-04"
    assert first_difference(a, a[:2]) == "C2/C2-2026-03"
    assert first_difference(a[:2], a) == "C2/C2-2026-03"
    assert first_difference([], []) is None
