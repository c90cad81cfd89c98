"""Where an intake's batches are written while the next batch is decided.

- ``ThreadWriter``: a thread of this process. The database works outside the
  GIL, but the writer's own Python (encoding the events, the hash chain) takes
  turns for the GIL with the thread deciding the next batch.
- ``ProcessWriter`` (Linux, SQLite): the first batch from a thread, as above
  (a short submit never forks); the later ones from a child process, forked
  when the second batch is written, with a connection of its own. Batches
  reach it over a pipe, the events already encoded and the commands as their
  lines (the child hashes their bodies), and nothing it does waits for this
  process's GIL. SQLite's rule for a fork is that the child never uses a
  connection it inherited, and it does not: it opens its own. The fork also
  happens with no transaction open in this process (the thread has ended, and
  the deciding thread's reads are each a transaction of their own, closed), so
  the lock state the child inherits says "none held". The child dies with this process
  (``PR_SET_PDEATHSIG``: a killed submit leaves no transaction behind, as with
  a thread), ignores Ctrl-C (the intake stops it after the batch in flight),
  and sends back what ``Store.write`` returned or raised.

Either way each batch is one ``Store.write`` transaction, in order, one at a time.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import signal
import struct
import sys
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

import msgspec

from store.codec import CommandLine, Pending, StoredRow, StoreError, command_rows, stored_row
from store.eventstore import Store


class Landing(Protocol):
    """A batch on its way into the store: ``result`` waits for it (its positions) or
    raises what writing it raised."""

    def result(self) -> list[int]: ...


class ThreadWriter:
    """Writes each batch from one thread of this process."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="ledger-writer")

    def write(self, pending: Sequence[Pending], commands: Sequence[CommandLine]) -> Future[list[int]]:
        return self._pool.submit(self._save, pending, commands)

    def _save(self, pending: Sequence[Pending], commands: Sequence[CommandLine]) -> list[int]:
        return self._store.save(pending, command_rows(commands))

    def close(self) -> None:
        self._pool.shutdown(wait=True)


class _Batch(msgspec.Struct, array_like=True):
    rows: list[StoredRow]
    commands: list[CommandLine]


_BATCH = msgspec.msgpack.Decoder(_Batch)
_ENCODE = msgspec.msgpack.Encoder()
_HEADER = struct.Struct("!Q")
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
PIPE_BYTES = 1 << 20  # Linux's default /proc/sys/fs/pipe-max-size


def can_fork() -> bool:
    return sys.platform == "linux" and hasattr(os, "fork")


class ProcessWriter:
    """Writes each batch from a child process (see the module docstring)."""

    def __init__(self, store: Store, thread_first: int = 1) -> None:
        """``thread_first``: how many batches the thread writes before the child takes over."""
        self._store = store
        self._thread: ThreadWriter | None = ThreadWriter(store)
        self._thread_left = thread_first
        self._pid: int | None = None
        self._out = self._in = -1  # our ends of the two pipes

    def write(self, pending: Sequence[Pending], commands: Sequence[CommandLine]) -> Landing:
        if self._thread_left > 0:
            self._thread_left -= 1
            assert self._thread is not None
            return self._thread.write(pending, commands)
        if self._thread is not None:  # its batch has landed: the intake waited for it
            self._thread.close()
            self._thread = None
        if self._pid is None:
            self._start()
        payload = _ENCODE.encode(_Batch([stored_row(p) for p in pending], list(commands)))
        with contextlib.suppress(OSError):  # the child is gone: ``result`` says how it ended
            _send(self._out, payload)
        return _Reply(self)

    def _start(self) -> None:
        child_reads, we_write = os.pipe()  # the batches
        we_read, child_writes = os.pipe()  # the outcomes
        with contextlib.suppress(OSError):  # a batch in a few writes, not one per 64 KB
            fcntl.fcntl(we_write, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: serve until the pipe closes, then leave without clean-up
            code = 0
            try:
                os.close(we_write)
                os.close(we_read)
                code = _serve(self._store.db, child_reads, child_writes, parent)
            finally:
                os._exit(code)
        os.close(child_reads)
        os.close(child_writes)
        self._pid, self._out, self._in = pid, we_write, we_read

    def _receive(self) -> list[int]:
        try:
            data = _recv(self._in)
        except EOFError:
            raise StoreError(f"the writer process ended unexpectedly ({self._ended()})",
                             "store_failed") from None
        kind, value = pickle.loads(data)
        if kind == "error":
            raise value
        result: list[int] = value
        return result

    def _ended(self) -> str:
        assert self._pid is not None
        _, status = os.waitpid(self._pid, 0)
        self._pid = -1  # reaped
        if os.WIFSIGNALED(status):
            return f"signal {os.WTERMSIG(status)}"
        return f"exit status {os.waitstatus_to_exitcode(status)}"

    def close(self) -> None:
        """Let the thread or the child finish the batch in flight, then see it leave."""
        if self._thread is not None:
            self._thread.close()
            self._thread = None
        if self._pid is None:
            return
        os.close(self._out)
        os.close(self._in)
        if self._pid > 0:
            os.waitpid(self._pid, 0)
        self._pid = None


class _Reply:
    def __init__(self, writer: ProcessWriter) -> None:
        self._writer = writer
        self._positions: list[int] | None = None

    def result(self) -> list[int]:
        if self._positions is None:
            self._positions = self._writer._receive()
        return self._positions


def _serve(db: str, requests: int, replies: int, parent: int) -> int:
    """The child's loop: each batch written in its own transaction, its outcome sent back."""
    import ctypes

    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        return 1
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    store: Store | None = None
    opening: BaseException | None = None
    try:
        store = Store(db, create=False)
    except Exception as exc:
        opening = exc
    while True:
        try:
            data = _recv(requests)
        except EOFError:
            break
        try:
            if store is None:
                assert opening is not None
                raise opening
            batch = _BATCH.decode(data)
            outcome: tuple[str, Any] = ("ok", store.write(batch.rows, command_rows(batch.commands)))
        except Exception as exc:
            outcome = ("error", exc)
        try:
            reply = pickle.dumps(outcome)
        except Exception:  # an error that does not pickle: its type and message
            reply = pickle.dumps(("error", StoreError(f"{type(outcome[1]).__name__}: {outcome[1]}",
                                                      "store_failed")))
        _send(replies, reply)
    if store is not None:
        store.close()
    return 0


def _send(fd: int, data: bytes) -> None:
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _recv(fd: int) -> bytearray:
    (size,) = _HEADER.unpack(_read(fd, _HEADER.size))
    return _read(fd, size)


def _read(fd: int, size: int) -> bytearray:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        n = os.readv(fd, [view[got:]])
        if n == 0:
            raise EOFError
        got += n
    return buffer
