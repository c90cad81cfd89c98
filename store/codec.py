"""Stored events as bytes and back: stable topics, msgspec JSON.

The topic stored with each event is its class name (``schemas.events.TOPICS``),
never a module path. ``Pending`` is a new event on its way into a stream,
``StoredRow`` its row, ``Recorded`` an event read back with its log position.
``body_hash`` is what the store keeps of an accepted command's body, to tell a
resent command from another one under the same id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal

import msgspec

from schemas.events import TOPICS, Event
from schemas.types import enc_hook, stored_dec_hook

_ENCODER = msgspec.json.Encoder(enc_hook=enc_hook)
_DECODERS: dict[str, msgspec.json.Decoder[Event]] = {}  # a topic's, built when first read


def encode_event(event: Event) -> bytes:
    return _ENCODER.encode(event)


def decode_event(topic: str, state: bytes) -> Event:
    decoder = _DECODERS.get(topic)
    if decoder is None:
        cls = TOPICS.get(topic)
        if cls is None:
            raise StoreError(f"unknown event topic {topic!r} in the log")
        decoder = _DECODERS[topic] = msgspec.json.Decoder(type=cls, dec_hook=stored_dec_hook)
    return decoder.decode(state)


class StoreError(Exception):
    """The store cannot be opened, read or written; the message never holds a password.

    ``code`` says why, for scripts: ``store_missing`` (no ledger there, and the
    command does not create one), ``store_read_only``, ``store_unavailable``.
    """

    def __init__(self, message: str, code: str = "store_unavailable") -> None:
        super().__init__(message)
        self.code = code

    def __reduce__(self) -> tuple[type[StoreError], tuple[str, str]]:  # its code survives pickling
        return type(self), (str(self), self.code)


class Pending(msgspec.Struct, frozen=True):
    """A new event on its way into a stream (satisfies eventsourcing's protocol)."""

    originator_id: str
    originator_version: int
    event: Event


class StoredRow(msgspec.Struct, frozen=True):
    """The row of a stored event, shaped like eventsourcing's ``StoredEvent``
    (the recorders read these four attributes) but cheap to build by the million."""

    originator_id: str
    originator_version: int
    topic: str
    state: bytes


def stored_row(pending: Pending) -> StoredRow:
    return StoredRow(pending.originator_id, pending.originator_version,
                     type(pending.event).__name__, _ENCODER.encode(pending.event))


_BODY = msgspec.json.Decoder(float_hook=Decimal)
_CANONICAL = msgspec.json.Encoder(order="sorted", decimal_format="number")

CommandLine = tuple[str, bytes, str]  # an accepted command: its id, its JSON line, recorded at
CommandRow = tuple[str, str, str]  # its row in the store: id, body hash, recorded at


def body_hash(line: bytes) -> str:
    """SHA-256 (hex) of a command's JSON object with its keys sorted: the same body
    hashes the same whatever its key order, spacing or line ending."""
    return hashlib.sha256(_CANONICAL.encode(_BODY.decode(line))).hexdigest()


def command_rows(commands: Sequence[CommandLine]) -> list[CommandRow]:
    """The store's rows of accepted commands. Hashing is the writer's work (a child
    process's, for a command-line submit), not the deciding thread's."""
    return [(cid, body_hash(line), at) for cid, line, at in commands]


class Recorded(msgspec.Struct, frozen=True, gc=False):
    """An event read back, with its stream, version and log position (a Struct:
    built a million times by a rebuild, and a third cheaper than a dataclass)."""

    position: int
    stream: str
    version: int
    event: Event

    @property
    def topic(self) -> str:
        return type(self.event).__name__
