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
  a thread), ignores Ctrl-C (the intake stops it after the batches in flight),
  and sends back what ``Store.write`` returned or raised.

Either way each batch is one ``Store.write`` transaction, in order, one at a time.
A batch may be handed over while the one before it is still being written (the
intake keeps two in flight). A batch is decided on the states of the ones before
it, so once one fails, the writer writes none of the batches behind it: each is
answered ``SkippedBatchError`` until the intake, having seen the failure, calls
``resume``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import queue
import signal
import struct
import sys
import threading
from collections import deque
from collections.abc import Sequence
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

import msgspec

from store.codec import CommandLine, Pending, StoredRow, StoreError, command_rows, stored_row
from store.eventstore import Store


class Landing(Protocol):
    """A batch on its way into the store: ``result`` waits for it (its positions) or
    raises what writing it raised."""

    def result(self) -> list[int]: ...


class SkippedBatchError(Exception):
    """Not written: a batch handed over before it failed (see the module docstring)."""

    def __init__(self, message: str = "not written: a batch before it failed") -> None:
        super().__init__(message)


class ThreadWriter:
    """Writes each batch from one thread of this process."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="ledger-writer")
        self._last: Future[list[int]] | None = None
        self.refusing = False  # a batch failed: the later ones are skipped until ``resume``

    def write(self, pending: Sequence[Pending], commands: Sequence[CommandLine]) -> Future[list[int]]:
        self._last = self._pool.submit(self._save, pending, commands)
        return self._last

    def _save(self, pending: Sequence[Pending], commands: Sequence[CommandLine]) -> list[int]:
        if self.refusing:
            raise SkippedBatchError
        try:
            return self._store.save(pending, command_rows(commands))
        except BaseException:
            self.refusing = True
            raise

    def resume(self) -> None:
        """Write again what comes next (the intake has seen every failed and skipped batch)."""
        self.refusing = False

    def drain(self) -> None:
        """Wait until every batch handed over has been written or has failed."""
        if self._last is not None:
            futures.wait([self._last])

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
        self._waiting: deque[_Reply] = deque()  # handed to the child, not answered yet
        self._end: str | None = None  # how the child ended, once it did

    def write(self, pending: Sequence[Pending], commands: Sequence[CommandLine]) -> Landing:
        if self._thread is not None:
            if self._thread_left > 0:
                self._thread_left -= 1
                return self._thread.write(pending, commands)
            self._thread.drain()  # the child writes after the thread's batches, never beside
            if self._thread.refusing:  # one of them failed: this one stays with the thread,
                return self._thread.write(pending, commands)  # which skips it
            self._thread.close()
            self._thread = None
        if self._pid is None:
            self._start()
        payload = _ENCODE.encode(_Batch([stored_row(p) for p in pending], list(commands)))
        reply = _Reply(self)
        self._waiting.append(reply)
        with contextlib.suppress(OSError):  # the child is gone: ``result`` says how it ended
            _send(self._out, payload)
        return reply

    def resume(self) -> None:
        """Write again what comes next (the intake has seen every failed and skipped batch)."""
        if self._thread is not None:
            self._thread.resume()
        elif self._pid is not None:
            with contextlib.suppress(OSError):
                _send(self._out, b"")  # an empty message: resume

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

    def _answer_oldest(self) -> None:
        """The child's next answer, which is the oldest waiting batch's."""
        reply = self._waiting.popleft()
        try:
            data = _recv(self._in)
        except EOFError:
            reply.error = StoreError(f"the writer process ended unexpectedly ({self._ended()})",
                                     "store_failed")
            return
        kind, value = pickle.loads(data)
        if kind == "error":
            reply.error = value
        else:
            reply.positions = value

    def _ended(self) -> str:
        if self._end is None:
            assert self._pid is not None and self._pid > 0
            _, status = os.waitpid(self._pid, 0)
            self._pid = -1  # reaped
            self._end = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
                         else f"exit status {os.waitstatus_to_exitcode(status)}")
        return self._end

    def close(self) -> None:
        """Let the thread or the child finish the batches in flight, then see it leave."""
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
    """The child's answer for one batch (they come in the order the batches went)."""

    def __init__(self, writer: ProcessWriter) -> None:
        self._writer = writer
        self.positions: list[int] | None = None
        self.error: BaseException | None = None

    def result(self) -> list[int]:
        while self.positions is None and self.error is None:
            self._writer._answer_oldest()
        if self.error is not None:
            raise self.error
        assert self.positions is not None
        return self.positions


def _serve(db: str, requests: int, replies: int, parent: int) -> int:
    """The child's loop: each batch written in its own transaction, its outcome sent back.
    A thread reads the batches off the pipe as they come, so that the parent can hand
    over the next one while this one is written."""
    import ctypes

    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        return 1
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    store: Store | None = None
    opening: BaseException | None = None
    try:
        store = Store(db, create=False)
        store.recorder.shares_gil = False  # the pipe's reader thread only waits
    except Exception as exc:
        opening = exc
    inbox: queue.SimpleQueue[bytearray | None] = queue.SimpleQueue()
    threading.Thread(target=_read_all, args=(requests, inbox), daemon=True).start()
    refusing = False
    while (data := inbox.get()) is not None:
        if not data:  # resume
            refusing = False
            continue
        try:
            if store is None:
                assert opening is not None
                raise opening
            if refusing:
                raise SkippedBatchError
            batch = _BATCH.decode(data)
            outcome: tuple[str, Any] = ("ok", store.write(batch.rows, command_rows(batch.commands)))
        except Exception as exc:
            refusing = True
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


def _read_all(fd: int, inbox: queue.SimpleQueue[bytearray | None]) -> None:
    """Every message on the pipe into ``inbox``, then None once it closes."""
    while True:
        try:
            inbox.put(_recv(fd))
        except (EOFError, OSError):
            inbox.put(None)
            return


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
