"""Part 6: ``ledger serve`` is SIGKILLed while several clients submit through it.

A workload (the crash part's) is dealt by contract to a few clients, each keeping its
contracts' commands in order. The clients post them in batches to ``POST /api/commands``
(each command with its id) and, on a connection error, a timeout or a 503, wait a moment
and post the same batch again (idempotent by command id), until every command of the batch
is answered ``accepted`` or ``duplicate``. Meanwhile the campaign SIGKILLs the server at
random moments while batches are in flight (up to ``kills`` times: the clients may finish
first), and starts it again on the same port. The
server's write lane (``web.lane``), orphaned by the kill, must finish its batch and exit by
itself. Then:

- every command was answered ``accepted`` or ``duplicate``, and no id ``accepted`` twice;
- the store equals a clean ``ledger submit`` of the same commands (``--as`` the same user):
  the same events per stream (stream, version, topic, body without the recorded time; the
  server's user stream aside), one ``ledger_commands`` row per command id;
- the audit chain verifies; no traceback in the server's log.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from . import common as cm
from .workload import Plan, build, owner

USER = "campaign-server"
RETRYABLE = (OSError, http.client.HTTPException)  # refused, reset, timed out, cut short


def deal(commands: list[dict[str, Any]], clients: int) -> list[list[dict[str, Any]]]:
    by_contract: dict[str, list[dict[str, Any]]] = {}
    disputes: dict[str, str] = {}
    for c in commands:
        by_contract.setdefault(owner(c, disputes), []).append(c)
    out: list[list[dict[str, Any]]] = [[] for _ in range(clients)]
    for i, contract in enumerate(sorted(by_contract)):
        out[i % clients].extend(by_contract[contract])
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``ledger serve`` on one port, started again after each kill."""

    def __init__(self, db: str, port: int, log: Any) -> None:
        self.db, self.port, self.log = db, port, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.orphans: list[int] = []  # lanes of killed servers

    def start(self, patience: float = 60.0) -> bool:
        self.proc = cm.spawn(self.db, "serve", "--port", str(self.port), stdout=subprocess.DEVNULL,
                             stderr=self.log)
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:  # closed also when the server is not up yet (a leaked socket warns, and fails a test)
                conn.request("GET", "/api/schema")
                if conn.getresponse().status == 200:
                    return True
            except RETRYABLE:
                pass
            finally:
                conn.close()
            time.sleep(0.05)
        return False

    def kill(self) -> None:
        assert self.proc is not None
        self.orphans += _children(self.proc.pid)
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> int:
        if self.proc is None:
            return 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out += [int(x) for x in (task / "children").read_text().split()]
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


class Client(threading.Thread):
    def __init__(self, port: int, token: str, commands: list[dict[str, Any]], batch: int,
                 inflight: Counter[str], lock: threading.Lock, deadline: float) -> None:
        super().__init__(daemon=True)
        self.port, self.token, self.batch, self.deadline = port, token, batch, deadline
        self.commands, self.inflight, self.lock = commands, inflight, lock
        self.answers: Counter[tuple[str, str]] = Counter()  # (id, status)
        self.retries = 0
        self.problem: str | None = None

    def run(self) -> None:
        for i in range(0, len(self.commands), self.batch):
            chunk = self.commands[i:i + self.batch]
            body = "\n".join(json.dumps(c, ensure_ascii=False) for c in chunk).encode()
            while True:
                if time.monotonic() > self.deadline:
                    self.problem = "a batch was not answered before the deadline"
                    return
                got = self._post(body)
                if self.problem:
                    return
                if got is not None:
                    break
                self.retries += 1
                time.sleep(random.uniform(0.02, 0.2))
            if len(got) != len(chunk) or [a.get("id") for a in got] != [c["id"] for c in chunk]:
                self.problem = f"{len(got)} answers to {len(chunk)} commands, or not in order"
                return
            for a in got:
                self.answers[(str(a["id"]), str(a["status"]))] += 1

    def _post(self, body: bytes) -> list[dict[str, Any]] | None:
        """The answers, or None when the batch must be sent again."""
        with self.lock:
            self.inflight["batches"] += 1
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("POST", "/api/commands", body, {"Authorization": f"Bearer {self.token}",
                                                         "Content-Type": "application/x-ndjson"})
            r = conn.getresponse()
            text = r.read()
        except RETRYABLE:
            return None
        finally:  # closed also when the server died mid-request (a leaked socket fails a test)
            conn.close()
            with self.lock:
                self.inflight["batches"] -= 1
        if r.status == 503:  # the write lane died with the batch in flight
            return None
        if r.status != 200:
            self.problem = f"POST answered {r.status}: {text[:300]!r}"
            return []
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def _reference(scratch: cm.Scratch, store: str, path: Path, part: cm.Part
               ) -> Counter[tuple[str, int, str, str]] | None:
    """The events of a clean ``ledger submit`` of the same commands, by the same user."""
    db = scratch.new(store, "serve-clean")
    run = cm.ledger(db, "submit", str(path), "--as", USER)
    bad = [r for r in run.lines() if r.get("status") != "accepted"]
    if run.code != 0 or bad:
        part.fail(f"the clean run exited {run.code}; first bad {bad[:1]}; {run.err.strip()[:300]!r}")
        return None
    events = Counter(e.key() for e in cm.events(db))
    scratch.drop(db)
    return events


def run(scratch: cm.Scratch, store: str, seed: int, kills: int, plan: Plan, clients: int = 3,
        batch: int = 100, patience: float = 600.0) -> cm.Part:
    part = cm.Part("server", store, seed)
    started = time.monotonic()
    rng = random.Random(seed)
    workload = build(seed, plan)
    path = workload.write(scratch.workdir / f"server-{store}-{seed}.jsonl")
    part.counts["lines"] = len(workload.commands)
    clean = _reference(scratch, store, path, part)
    if clean is None:
        part.seconds = time.monotonic() - started
        return part
    db = scratch.new(store, "serve")
    added = cm.ledger(db, "users", "add", USER, "--role", "finance", "--json")
    if added.code != 0:
        part.fail(f"ledger users add exited {added.code}: {added.err.strip()[:300]}")
        part.seconds = time.monotonic() - started
        return part
    token = added.json()["token"]
    with tempfile.TemporaryFile() as log:
        server = Server(db, free_port(), log)
        if not server.start():
            part.fail("ledger serve did not start")
        else:
            begun = time.monotonic()
            _drive(server, token, workload.commands, clients, batch, kills, rng, part,
                   time.monotonic() + patience)
            part.counts["drive_ms"] = int((time.monotonic() - begun) * 1000)
        code = server.stop()
        log.seek(0)
        text = log.read().decode("utf-8", "replace")
    if cm.has_traceback(text):
        part.fail(f"a traceback in the server's log: {text[-800:]}")
    if code not in (0, -signal.SIGTERM):
        part.fail(f"the server exited {code} on SIGTERM")
    deadline = time.monotonic() + 60
    while any(_alive(p) for p in server.orphans) and time.monotonic() < deadline:
        time.sleep(0.05)
    if any(_alive(p) for p in server.orphans):
        part.fail("a killed server's write lane is still running a minute later")
    part.counts["orphan_lanes"] = len(server.orphans)
    if not part.failures:
        _compare(db, clean, {c["id"] for c in workload.commands}, part)
    if not part.failures:
        scratch.drop(db)
    part.seconds = time.monotonic() - started
    return part


def _drive(server: Server, token: str, commands: list[dict[str, Any]], clients: int, batch: int,
           kills: int, rng: random.Random, part: cm.Part, deadline: float) -> None:
    inflight: Counter[str] = Counter()
    lock = threading.Lock()
    threads = [Client(server.port, token, share, batch, inflight, lock, deadline)
               for share in deal(commands, clients)]
    for t in threads:
        t.start()
    done = 0
    while done < kills and any(t.is_alive() for t in threads):
        time.sleep(rng.uniform(0.02, 0.3))
        if not inflight["batches"]:
            continue
        server.kill()
        done += 1
        time.sleep(rng.uniform(0, 0.3))
        if not server.start():
            part.fail(f"ledger serve did not start again after kill {done}")
            return
    for t in threads:
        t.join(max(1.0, deadline - time.monotonic()))
    part.counts["kills"] = done
    part.counts["clients"] = clients
    part.counts["retries"] = sum(t.retries for t in threads)
    answers: Counter[tuple[str, str]] = Counter()
    for t in threads:
        answers.update(t.answers)
        if t.is_alive() or t.problem:
            part.fail(f"a client did not finish: {t.problem or 'still running'}")
    statuses: Counter[str] = Counter()
    for (_, status), n in answers.items():
        statuses[status] += n
    part.counts.update({f"answered_{s}": n for s, n in statuses.items()})
    if set(statuses) - {"accepted", "duplicate"}:
        bad = [k for k in answers if k[1] not in ("accepted", "duplicate")][:3]
        part.fail(f"answers other than accepted or duplicate: {dict(statuses)}, e.g. {bad}")
    doubled = [cid for (cid, status), n in answers.items() if status == "accepted" and n > 1]
    part.counts["doubled_command_ids"] = len(doubled)
    if doubled:
        part.fail(f"{len(doubled)} command ids answered accepted twice, e.g. {doubled[:3]}")


def _compare(db: str, clean: Counter[tuple[str, int, str, str]], ids: set[str], part: cm.Part) -> None:
    """The same events per stream as the clean run (the server's user aside: the clean run
    has none), each command id stored once, and the audit chain whole. Statements are frozen
    in their events, and balances and breaches are folds of the events: equal events, equal
    reports (the crash part compares those too)."""
    evs = [e for e in cm.events(db) if not e.stream.startswith("user:")]
    served = Counter(e.key() for e in evs)
    lost, extra = clean - served, served - clean
    part.counts["lost_events"] = sum(lost.values())
    part.counts["extra_events"] = sum(extra.values())
    if lost or extra:
        part.fail(f"events differ from the clean run: {sum(lost.values())} missing, "
                  f"{sum(extra.values())} extra; first missing {sorted(lost)[:1]}, "
                  f"first extra {sorted(extra)[:1]}")
    rows = [r for r in cm.command_rows(db) if r in ids]
    if len(rows) != len(set(rows)) or set(rows) != ids:
        part.fail(f"{len(rows)} ledger_commands rows ({len(set(rows))} distinct) for {len(ids)} commands")
    if {e.command_id for e in evs} != ids:
        part.fail("the command ids among the events are not the submitted ones")
    verify = cm.ledger(db, "audit", "verify")
    if verify.code != 0:
        part.fail(f"audit verify exited {verify.code}: {(verify.out + verify.err).strip()[:300]}")
