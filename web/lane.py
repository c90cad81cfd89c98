"""The write lane: one process beside the server that runs every submit (intake, then the
read models' catch-up), one request at a time.

Why a process of its own: deciding a batch of 1,000 commands is Python work that holds the
interpreter's lock (the GIL) for tens of milliseconds. In the server's process every
statement read would wait behind it, and under load a read would queue behind several
submits. In the lane the decisions run beside the server, the server's handler thread only
waits on a pipe (without the GIL), and reads go on.

The lane is started by the server on the first submit, with the server's environment and
working directory, on the same store (its own connections); if it dies, the request in
flight is answered 503 ``unavailable`` (a client retries: submits are idempotent by command
id) and the next submit starts a new lane. When the server stops, or is killed, the lane
reads the end of its input and exits (after the batch it is writing, if any: a batch is one
transaction either way).

Protocol, over the lane's stdin and stdout: frames of a 4-byte big-endian length and a
body. A request is msgpack ``[submitted_by, [command line bytes, ...]]``; the answer is JSON
(a command id may be any JSON value) ``["ok", [Result, ...]]`` or ``["error", message]``.
"""

from __future__ import annotations

import contextlib
import os
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

import msgspec

from app.intake import Intake, Result

_LEN = struct.Struct(">I")
_REQUEST = msgspec.msgpack.Decoder(tuple[str, list[bytes]])
_ANSWER = msgspec.json.Decoder(tuple[str, list[Result] | str])  # JSON: an id may be any JSON number
_ENC = msgspec.msgpack.Encoder()
_ANSWER_ENC = msgspec.json.Encoder()


class LaneDownError(Exception):
    """The lane died or could not start: the submit in flight has no answer."""


def _send(out: IO[bytes], body: bytes) -> None:
    out.write(_LEN.pack(len(body)) + body)
    out.flush()


def _receive(inp: IO[bytes]) -> bytes | None:
    head = inp.read(_LEN.size)
    if len(head) < _LEN.size:
        return None
    (size,) = _LEN.unpack(head)
    body = inp.read(size)
    if len(body) < size:
        return None
    return body


class Lane:
    """The server's end: ``submit`` sends one request and waits for its answer; one request
    at a time (concurrent writers in one store would only collide and retry)."""

    def __init__(self, db: str) -> None:
        self.db = db
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def submit(self, submitted_by: str, lines: list[bytes]) -> list[Result]:
        with self._lock:
            proc = self._running()
            assert proc.stdin is not None and proc.stdout is not None
            try:
                _send(proc.stdin, _ENC.encode((submitted_by, lines)))
                body = _receive(proc.stdout)
            except OSError:
                body = None
            if body is None:
                self._stop()
                raise LaneDownError("the write lane stopped during the submit; send it again")
        status, payload = _ANSWER.decode(body)
        if status != "ok" or isinstance(payload, str):
            raise RuntimeError(f"the write lane failed: {payload}")
        return payload

    def _running(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        self._stop()
        root = str(Path(__file__).resolve().parents[1])  # this checkout's code, in the lane too
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        try:
            self._proc = subprocess.Popen([sys.executable, "-m", "web.lane", self.db],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        except OSError as exc:
            raise LaneDownError(f"the write lane cannot start: {exc}") from None
        return self._proc

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def close(self) -> None:
        with self._lock:
            self._stop()


def serve(db: str, inp: IO[bytes], out: IO[bytes]) -> None:
    """The lane's loop: a request in, its results out, until the server goes away."""
    from store.eventstore import open_store  # noqa: PLC0415  (the lane's own connections)
    from store.readmodels import catch_up  # noqa: PLC0415

    store = open_store(db)
    while (body := _receive(inp)) is not None:
        submitted_by, lines = _REQUEST.decode(body)
        try:
            results = list(Intake(store, submitted_by=submitted_by).submit(lines)) if lines else []
            catch_up(store)  # the read models, so the next read need not
            answer = _ANSWER_ENC.encode(("ok", results))
        except Exception as exc:  # answered, not raised: the server logs it as a 500
            answer = _ANSWER_ENC.encode(("error", f"{type(exc).__name__}: {exc}"))
        try:
            _send(out, answer)
        except OSError:  # the server is gone
            return


def main() -> None:
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but frames on the pipe
    serve(sys.argv[1], sys.stdin.buffer, out)


if __name__ == "__main__":
    main()
