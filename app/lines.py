"""Reading a JSON Lines source for intake, line by line, in bounded memory.

``read_lines(handle, encoding=..., stop=...)`` yields one item per physical
line of a binary file (blank lines included, so intake's 1-based numbers are
the file's line numbers):

- the line's bytes as UTF-8, without a UTF-8 byte-order mark on the first
  line (Windows editors write one), transcoded when the file is in another
  ASCII-compatible encoding (``--encoding gb18030`` for a file saved by Excel
  or another Chinese Windows program);
- or an ``Unreadable`` (code and message) for a line that cannot be a command:
  longer than ``MAX_LINE_BYTES`` (``too_large``: the rest of the line is read
  and dropped in pieces, never held) or not text in the encoding
  (``invalid_json``, naming the byte and the remedy).

``stop()`` is asked before each line: once it says yes, reading ends there (a
Ctrl-C lets the batches already read finish).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from typing import IO, NamedTuple

MAX_LINE_BYTES = 1 << 20  # 1 MiB a command line, its line ending not counted
_PIECE = 1 << 16
BOM = codecs.BOM_UTF8


class Unreadable(NamedTuple):
    """A line intake answers ``rejected`` without parsing it."""

    code: str
    message: str


Line = bytes | Unreadable


def check_encoding(name: str) -> str:
    """The codec's canonical name, if it can carry JSON Lines read a line at a time
    (ASCII-compatible: ``{``, ``"`` and the newline are single ASCII bytes); else ValueError."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise ValueError(f"unknown encoding {name!r}: use utf-8 (the default) or gb18030") from None
    try:
        compatible = '{"a": 1}\n'.encode(info.name) == b'{"a": 1}\n'
    except UnicodeError:
        compatible = False
    if not compatible:
        raise ValueError(f"{name} is not ASCII-compatible, so its lines cannot be read one at a "
                         "time: save the file as UTF-8, or use gb18030 for Chinese Windows files")
    return info.name


def not_utf8(line: bytes) -> str | None:
    """What is wrong with ``line`` as UTF-8, with the remedy; None when it is UTF-8."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return (f"not UTF-8 text (byte 0x{line[exc.start]:02x} at byte {exc.start + 1} of the "
                "line): save the file as UTF-8, or pass --encoding gb18030 if it comes from "
                "Excel or another Chinese Windows program")
    return None


def read_lines(handle: IO[bytes], *, encoding: str = "utf-8",
               stop: Callable[[], bool] = lambda: False) -> Iterator[Line]:
    codec = check_encoding(encoding)
    utf8 = codec == "utf-8"
    first = True
    while not stop():
        raw = handle.readline(MAX_LINE_BYTES + 2)  # + "\r\n": the bound is on the content
        if not raw:
            return
        if first:
            first = False
            if raw.startswith(BOM):
                raw = raw[len(BOM):]
        if len(raw.rstrip(b"\r\n")) > MAX_LINE_BYTES:
            size = len(raw) + _drain(handle, raw)
            yield Unreadable("too_large", f"the line is {size:,} bytes: a command line is at most "
                                          f"{MAX_LINE_BYTES:,} bytes (1 MiB)")
            continue
        if utf8:
            yield raw
            continue
        try:
            yield raw.decode(codec).encode("utf-8")
        except UnicodeDecodeError as exc:
            yield Unreadable("invalid_json", f"not {encoding} text (byte 0x{raw[exc.start]:02x} at "
                                             f"byte {exc.start + 1} of the line): check --encoding")


def _drain(handle: IO[bytes], raw: bytes) -> int:
    """Read and drop the rest of an over-long line; return how many bytes it had."""
    if raw.endswith(b"\n"):
        return 0
    dropped = 0
    while True:
        piece = handle.readline(_PIECE)
        dropped += len(piece)
        if not piece or piece.endswith(b"\n"):
            return dropped
