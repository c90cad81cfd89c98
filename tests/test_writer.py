"""The forked writer (``store.writer.ProcessWriter``, SQLite on Linux): the ledger the
thread writes, its errors brought back to the intake, and no child left behind."""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from builders import agent_ready, full_month, issue, pay, sign

from app.intake import Intake, Result
from store.codec import CommandLine, StoreError
from store.eventstore import Store, open_store
from store.writer import ProcessWriter, SkippedBatchError, ThreadWriter, can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="the forked writer is for Linux")

ROOT = Path(__file__).resolve().parent.parent


def _lines() -> list[bytes]:
    commands = [sign("C1"), *agent_ready("A1"), *agent_ready("A2"),
                *full_month(["A1", "A2"], "2026-03-02", "2026-03-31"),
                issue("2026-03", "2026-04-01"), pay("P1", 100_000, "2026-04-05")]
    return [json.dumps(c).encode() for c in commands]


def _spy_children(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pid of each writer child an intake forks from here on."""
    children: list[int] = []
    start = ProcessWriter._start

    def spied(self: ProcessWriter) -> None:
        start(self)
        assert self._pid is not None
        children.append(self._pid)
    monkeypatch.setattr(ProcessWriter, "_start", spied)
    return children


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _statuses(results: list[list[Result]]) -> list[tuple[Any, str]]:
    return [(r.id, r.status) for batch in results for r in batch]


def _rows(store: Store) -> list[tuple[Any, ...]]:
    return store.query("SELECT originator_id, originator_version, topic FROM ledger_events "
                       "ORDER BY rowid")


def test_the_child_writes_what_the_thread_writes(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    children = _spy_children(monkeypatch)
    lines = _lines()
    threaded, forked = open_store(str(tmp_path / "thread.db")), open_store(str(tmp_path / "fork.db"))
    by_thread = list(Intake(threaded).batches(lines, batch=8))
    by_child = list(Intake(forked, fork_writer=True).batches(lines, batch=8))
    assert len(by_child) > 3 and len(children) == 1  # the batches after the first: one child
    assert _reaped(children[0])
    assert _statuses(by_child) == _statuses(by_thread)
    assert {s for _, s in _statuses(by_child)} == {"accepted"}
    assert _rows(forked) == _rows(threaded)
    commands = "SELECT command_id, body_hash FROM ledger_commands ORDER BY command_id"
    assert forked.query(commands) == threaded.query(commands)
    from store.audit import verify
    assert verify(forked) == []


def test_a_short_submit_never_forks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    children = _spy_children(monkeypatch)
    results = list(Intake(open_store(str(tmp_path / "l.db")), fork_writer=True).batches(_lines()))
    assert len(results) == 1 and children == []


def test_an_error_in_the_child_reaches_the_intake_with_its_type(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from eventsourcing.persistence import OperationalError

    children = _spy_children(monkeypatch)
    here = os.getpid()
    write = Store.write

    def broken_in_child(self: Store, *args: Any) -> list[int]:
        if os.getpid() != here:
            raise OperationalError("disk I/O error")
        return write(self, *args)
    monkeypatch.setattr(Store, "write", broken_in_child)
    store = open_store(str(tmp_path / "l.db"))
    batches = Intake(store, fork_writer=True).batches(_lines(), batch=8)
    first = next(batches)  # written by the thread
    with pytest.raises(OperationalError, match="disk I/O error"):
        list(batches)
    assert len(children) == 1 and _reaped(children[0])
    assert store.event_count() == sum(r.status == "accepted" for r in first)


def test_a_child_that_dies_is_said_as_a_store_failure(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    children = _spy_children(monkeypatch)
    store = open_store(str(tmp_path / "l.db"))
    batches = Intake(store, fork_writer=True).batches(_lines(), batch=8)
    next(batches)
    next(batches)  # the second batch was the child's
    os.kill(children[0], signal.SIGKILL)
    with pytest.raises(StoreError, match=r"writer process ended unexpectedly \(signal 9\)") as error:
        list(batches)
    assert error.value.code == "store_failed"
    assert _reaped(children[0])


@pytest.mark.parametrize("forked", [False, True], ids=["thread", "child"])
def test_after_a_failed_batch_the_writer_skips_the_next_until_resumed(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, forked: bool) -> None:
    """A batch handed over behind one that fails was decided on the failed one's states:
    it is answered ``SkippedBatchError`` unwritten, and what comes after ``resume`` is written."""
    from eventsourcing.persistence import IntegrityError

    write = Store.write

    def conflicting(self: Store, stored: Any, commands: Any) -> list[int]:
        if any(cid == "lost" for cid, _, _ in commands):
            raise IntegrityError("UNIQUE constraint failed: ledger_commands.command_id")
        return write(self, stored, commands)
    monkeypatch.setattr(Store, "write", conflicting)
    store = open_store(str(tmp_path / "l.db"))
    writer = ProcessWriter(store, thread_first=0) if forked else ThreadWriter(store)

    def line(cid: str) -> CommandLine:
        return (cid, json.dumps({"id": cid}).encode(), "2026-12-04T00:00:00.000000Z")
    try:
        lost = writer.write([], [line("lost")])
        behind = writer.write([], [line("behind")])
        with pytest.raises(IntegrityError):
            lost.result()
        with pytest.raises(SkippedBatchError):
            behind.result()
        writer.resume()
        assert writer.write([], [line("again")]).result() == []
    finally:
        writer.close()
    assert store.query("SELECT command_id FROM ledger_commands") == [("again",)]


def test_store_errors_keep_their_code_on_the_way_back() -> None:
    error = pickle.loads(pickle.dumps(StoreError("the store is read-only", "store_read_only")))
    assert (str(error), error.code) == ("the store is read-only", "store_read_only")


def _children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in path.read_text().split()]
    except FileNotFoundError:
        return []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_a_command_line_submit_writes_from_a_child_and_a_kill_leaves_the_chain_whole(
        tmp_path: Path) -> None:
    """``ledger submit`` forks its writer once past the first batch; SIGKILL it mid-run and
    the child goes too: nothing lands afterwards, and the chain holds."""
    load = tmp_path / "day.jsonl"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--shape", "day",
                    "--scale", "0.2", "--out", str(load)], check=True, capture_output=True)
    db = str(tmp_path / "l.db")
    env = {**os.environ, "LEDGER_BATCH": "2000", "LEDGER_LOG_LEVEL": "warning"}
    submit = subprocess.Popen([sys.executable, "-m", "cli", "--db", db, "submit", str(load),
                               "--today", "2030-12-31"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    children: list[int] = []
    while not children and submit.poll() is None and time.monotonic() < deadline:
        children = _children_of(submit.pid)
        time.sleep(0.005)
    assert children, f"no writer child appeared: {submit.communicate()[1].decode()[-500:]}"
    submit.kill()
    submit.communicate()
    deadline = time.monotonic() + 10
    while any(_alive(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(_alive(c) for c in children)
    from store.audit import verify
    store = open_store(db, create=False)
    assert verify(store) == []
    stored = store.event_count()
    time.sleep(0.3)
    assert store.event_count() == stored  # nothing of the dead submit lands afterwards



# The writer's parent: its child sits in a write (a minute's sleep), so it would not read the
# closed pipe for a minute.
_BUSY = """
import os, sys, time
from store.eventstore import Store, open_store
from store.writer import ProcessWriter
inside = sys.argv[1] + ".writing"
def write(self, *args):
    open(inside, "w").close()
    time.sleep(60)
    return []
Store.write = write
writer = ProcessWriter(open_store(sys.argv[1]), thread_first=0)
writer.write([], [("c-1", b'{"id": "c-1"}', "2026-12-04T00:00:00Z")])
while not os.path.exists(inside):
    time.sleep(0.005)
print(writer._pid, flush=True)
time.sleep(60)
"""
# Kills the writer's parent and says how the orphaned child ended. A subreaper, so the orphan
# becomes its child to wait for (else it goes to PID 1, which may end orphans on its own).
_REAPER = """
import ctypes, os, subprocess, sys, time
ctypes.CDLL(None).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
parent = subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]], stdout=subprocess.PIPE)
child = int(parent.stdout.readline())
parent.kill()
parent.wait()
deadline = time.monotonic() + 5
while time.monotonic() < deadline:
    pid, status = os.waitpid(child, os.WNOHANG)
    if pid:
        print(os.WTERMSIG(status) if os.WIFSIGNALED(status) else -1)
        break
    time.sleep(0.01)
else:
    os.kill(child, 9)
    print("alive")
"""


def test_the_child_dies_with_its_parent_even_mid_write(tmp_path: Path) -> None:
    """``PR_SET_PDEATHSIG``: a child busy in a write is killed at once when the process
    that forked it is killed, so no transaction of a dead submit lands later."""
    run = subprocess.run([sys.executable, "-c", _REAPER, _BUSY, str(tmp_path / "l.db")],
                         check=False, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == str(int(signal.SIGKILL)), run.stderr[-1000:]
