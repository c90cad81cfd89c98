"""What the store keeps of a command's body (``store.codec.body_hash``), and how the intake
tells a resent command from another one under the same id without hashing every line."""

from __future__ import annotations

import hashlib

from app.intake import _same_body
from store.codec import body_hash

LINE = b'{"id": "P1", "type": "record_payment", "amount_fen": 100, "rate": 0.5}\n'


def test_the_hash_is_of_the_object_with_sorted_keys_in_compact_json() -> None:
    # the form stored since the first release: a store's old rows must keep matching
    compact = b'{"amount_fen":100,"id":"P1","rate":0.5,"type":"record_payment"}'
    assert body_hash(LINE) == hashlib.sha256(compact).hexdigest()


def test_key_order_spacing_and_line_ending_do_not_change_the_hash() -> None:
    again = b'{"rate":0.5,"amount_fen":100,"type":"record_payment","id":"P1"}\r\n'
    assert body_hash(again) == body_hash(LINE)
    assert body_hash(LINE.replace(b"100", b"101")) != body_hash(LINE)
    assert body_hash(LINE.replace(b"0.5", b"0.50")) != body_hash(LINE)  # numbers as written


def test_a_resent_line_is_the_same_body_whether_seen_as_a_line_or_a_stored_hash() -> None:
    reordered = b'{"type":"record_payment","id":"P1","rate":0.5,"amount_fen":100}'
    other = LINE.replace(b"100", b"200")
    for seen in (LINE, body_hash(LINE)):
        assert _same_body(seen, LINE)
        assert _same_body(seen, reordered)
        assert not _same_body(seen, other)
