"""Load test of ``ledger serve`` on the loopback (issue 17), bounded in count and time.

    .venv/bin/python bench/serve_load.py --db /tmp/load.db --clients 50 --seconds 60
    .venv/bin/python bench/serve_load.py --db postgresql://postgres@127.0.0.1:5432/load ...

A generated year (``bench/generate.py``) is split by contract: its first ``--warm`` share of
days goes in through the CLI (so statements exist to read), the rest is dealt to the
submitting clients, one contract's commands always to the same client in their order, in
batches of ``--batch`` (1,000) through ``POST /api/commands``; a client re-sends a batch it
just sent with probability ``--resend`` (every answer must then be ``duplicate``). Every
client reads issued statements between its batches (``GET /api/statements/C/P``); clients
that have no contract left keep reading until the time is up. With ``--think-ms T`` a client
pauses 0.5T to 1.5T after each read, as a person or a script between questions does; without
it (0) every client asks again at once, a closed loop that measures the server's capacity:
then a read's latency is the number of clients over the reads per second (Little's law),
whatever the server does. The clients are one asyncio process beside the server, speaking
HTTP/1.1 through a minimal keep-alive client (``Http``). Afterwards the store must
equal the same file submitted by the CLI into an empty store: the same events (stream,
version, topic, body without the recorded time and submitter), one command row per
accepted id, and no answer other than accepted or duplicate (0 errors, 0 lost, 0 doubled).

Prints one JSON object: statement read p50/p99/max (all reads, and split into those answered
while commands were being submitted and after), reads/s, commands/s through HTTP, duplicates
seen, errors, the equality checks, and the machine's 1-minute load average at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import msgspec

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tests.campaign.workload import owner  # noqa: E402  (the contract a command belongs to)


def ledger(db: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli", "--db", db, *args], capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, "LEDGER_LOG_LEVEL": "warning",
                                                    **(env or {})}, check=False)


def split(lines: list[str], warm: float, clients: int) -> tuple[list[str], list[list[str]]]:
    """(lines for the CLI first, per submitting client its lines in order)."""
    cut = int(len(lines) * warm)
    disputes: dict[str, str] = {}
    for line in lines[:cut]:
        owner(json.loads(line), disputes)
    by_contract: dict[str, list[str]] = {}
    for line in lines[cut:]:
        by_contract.setdefault(owner(json.loads(line), disputes), []).append(line)
    dealt: list[list[str]] = [[] for _ in range(clients)]
    for i, contract in enumerate(sorted(by_contract)):
        dealt[i % clients].extend(by_contract[contract])
    return lines[:cut], dealt


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Http:
    """A minimal HTTP/1.1 keep-alive client for the load (GET and POST, Content-Length
    answers): httpx spends over a millisecond of CPU a request, and the clients share the
    server's cores here, where in production they are other machines. Latency is still
    measured from the first byte sent to the last byte of the answer."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port = host, port
        self.head = f"Host: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        length = f"Content-Length: {len(body)}\r\n" if method == "POST" else ""
        self.writer.write(f"{method} {path} HTTP/1.1\r\n{self.head}{length}\r\n".encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        size = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                size = int(value)
            elif name.lower() == b"transfer-encoding":
                raise AssertionError("chunked answers are not expected")
        return status, await self.reader.readexactly(size)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class Stats:
    def __init__(self) -> None:
        self.read_ms: list[float] = []
        self.read_at: list[float] = []  # time.monotonic() when each read was answered
        self.submitted = 0
        self.submit_seconds = 0.0
        self.statuses: Counter[str] = Counter()
        self.errors: list[str] = []
        self.reached: Counter[int] = Counter()  # client -> lines of its share sent
        self.last_submit = 0.0  # time.monotonic() when the last submit was answered


async def client(n: int, port: int, token: str, mine: list[str], targets: list[str], stats: Stats,
                 deadline: float, batch: int, resend: float, think: float, rng: random.Random) -> None:
    http = Http("127.0.0.1", port, token)

    async def pause() -> None:
        if think:
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))

    try:
        chunks = [mine[i:i + batch] for i in range(0, len(mine), batch)]
        for chunk in chunks:
            if time.monotonic() > deadline:
                break
            await post(http, chunk, stats)
            stats.reached[n] += len(chunk)
            if rng.random() < resend:
                await post(http, chunk, stats, resent=True)
            await read(http, rng.choice(targets), stats)
            await pause()
        while time.monotonic() < deadline:
            await read(http, rng.choice(targets), stats)
            await pause()
    finally:
        await http.close()


async def post(http: Http, chunk: list[str], stats: Stats, resent: bool = False) -> None:
    started = time.perf_counter()
    status, body = await http.request("POST", "/api/commands", "\n".join(chunk).encode())
    stats.submit_seconds += time.perf_counter() - started
    if status != 200:
        stats.errors.append(f"POST {status} {body[:200]!r}")
        return
    answers = msgspec.json.decode(b"[" + b",".join(body.splitlines()) + b"]")
    if len(answers) != len(chunk):
        stats.errors.append(f"{len(answers)} answers to {len(chunk)} commands")
    for a in answers:
        stats.statuses[a["status"] + (" (resent)" if resent else "")] += 1
        if a["status"] == "rejected" or (resent and a["status"] != "duplicate"):
            stats.errors.append(f"{a}")
    stats.submitted += len(chunk)
    stats.last_submit = time.monotonic()


async def read(http: Http, target: str, stats: Stats) -> None:
    started = time.perf_counter()
    status, _ = await http.request("GET", target)
    stats.read_ms.append((time.perf_counter() - started) * 1000)
    stats.read_at.append(time.monotonic())
    if status != 200:
        stats.errors.append(f"GET {target} {status}")


def events(db: str) -> Counter[tuple[str, int, str, str]]:
    from store.eventstore import open_store  # noqa: PLC0415  (after sys.path has the repository)

    store = open_store(db)
    out: Counter[tuple[str, int, str, str]] = Counter()
    pos = "notification_id" if store.postgres else "rowid"
    for stream, version, topic, state in store.query(
            f"SELECT originator_id, originator_version, topic, state FROM ledger_events ORDER BY {pos}"):
        body = json.loads(bytes(state))
        if topic in ("UserAdded", "UserRevoked"):
            continue
        body.pop("recorded_at", None)
        body.pop("submitted_by", None)
        out[(str(stream), int(version), str(topic), json.dumps(body, sort_keys=True))] += 1
    return out


def fresh(db: str, tag: str) -> str:
    if db.startswith("postgresql://"):
        import psycopg  # noqa: PLC0415  (only for PostgreSQL)

        base, name = db.rsplit("/", 1)
        name = f"{name}_{tag}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"{base}/{name}"
    path = Path(f"{db}.{tag}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return str(path)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2) if ordered else 0.0


def run(db: str, clients: int, seconds: float, batch: int, scale: float, warm: float,
        resend: float, seed: int, workdir: Path, think: float = 0.0) -> dict[str, Any]:
    from generate import write  # noqa: PLC0415  (bench/ is on sys.path only once main runs)

    year = workdir / f"year-{scale:g}.jsonl"
    write(year, scale)
    lines = [x for x in year.read_text(encoding="utf-8").splitlines() if x.strip()]
    first, dealt = split(lines, warm, clients)
    served, clean = fresh(db, "served"), fresh(db, "clean")
    (workdir / "first.jsonl").write_text("\n".join(first) + "\n", encoding="utf-8")
    env = {"LEDGER_TODAY": "2027-12-31"}
    assert ledger(served, "submit", str(workdir / "first.jsonl"), env=env).returncode == 0
    added = ledger(served, "users", "add", "loader", "--role", "finance", "--json")
    token = json.loads(added.stdout)["token"]
    targets = [f"/api/statements/{r['contract_id']}/{r['period']}"
               for r in json.loads(ledger(served, "statements", "--json").stdout)]
    port = free_port()
    log = (workdir / "serve.log").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "cli", "--db", served, "serve", "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log,
                              env={**os.environ, "LEDGER_LOG_LEVEL": "warning", **env})
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(f"{base}/api/schema", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    stats = Stats()
    rng = random.Random(seed)
    started = time.monotonic()
    deadline = started + seconds

    async def everyone() -> None:
        await asyncio.gather(*(client(i, port, token, dealt[i], targets, stats, deadline, batch,
                                      resend, think, random.Random(rng.random())) for i in range(clients)))
    client_cpu = sum(os.times()[:2])
    try:
        asyncio.run(everyone())
    finally:
        cpu = {"server": _cpu(server.pid), "lane": sum(_cpu(c) for c in _children(server.pid)),
               "clients": round(sum(os.times()[:2]) - client_cpu, 1)}
        server.terminate()
        server.wait(30)
        log.close()
    wall = time.monotonic() - started
    load = os.getloadavg()[0]
    # what a client did not reach in time is left out of the clean run too (the same prefix)
    reached = [line for n, mine in enumerate(dealt) for line in mine[:stats.reached[n]]]
    (workdir / "all.jsonl").write_text("\n".join(first) + "\n", encoding="utf-8")
    assert ledger(clean, "submit", str(workdir / "all.jsonl"), env=env).returncode == 0
    served_events = events(served)
    clean_events = _clean_events(clean, workdir, reached, env)
    from store.eventstore import open_store  # noqa: PLC0415

    rows = open_store(served).query("SELECT COUNT(*), COUNT(DISTINCT command_id) FROM ledger_commands")
    return {
        "store": "postgresql" if served.startswith("postgresql://") else "sqlite",
        "clients": clients, "think_ms": round(think * 1000), "seconds": round(wall, 1), "batch": batch,
        "scale": scale,
        "statement_reads": len(stats.read_ms), "reads_per_s": round(len(stats.read_ms) / wall),
        "read_p50_ms": percentile(stats.read_ms, 0.50), "read_p99_ms": percentile(stats.read_ms, 0.99),
        "read_max_ms": percentile(stats.read_ms, 1.0),
        **_phases(stats), "load_average_1m": round(load, 2), "cpu_seconds": cpu,
        "commands_sent": stats.submitted, "share_reached": f"{len(reached)}/{sum(map(len, dealt))}",
        "submit_seconds": round(stats.last_submit - started, 1),
        "commands_per_s": round(stats.submitted / max(stats.last_submit - started, 1e-9)),
        "answers": dict(stats.statuses), "errors": len(stats.errors), "first_errors": stats.errors[:5],
        "events_equal_cli": served_events == clean_events,
        "command_rows": rows[0][0], "command_rows_distinct": rows[0][1],
    }


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 1)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def _phases(stats: Stats) -> dict[str, Any]:
    """Read latency while commands were being submitted, and after the last submit."""
    during = [ms for ms, at in zip(stats.read_ms, stats.read_at, strict=True) if at <= stats.last_submit]
    after = [ms for ms, at in zip(stats.read_ms, stats.read_at, strict=True) if at > stats.last_submit]
    return {"reads_during_submits": len(during), "read_p50_p99_during_submits_ms":
            [percentile(during, 0.5), percentile(during, 0.99)], "reads_after_submits": len(after),
            "read_p50_p99_after_submits_ms": [percentile(after, 0.5), percentile(after, 0.99)]}


def _clean_events(clean: str, workdir: Path, reached: list[str], env: dict[str, str]) -> Counter[Any]:
    path = workdir / "rest.jsonl"
    path.write_text("\n".join(reached) + "\n", encoding="utf-8")
    assert ledger(clean, "submit", str(path), env=env).returncode in (0, 1)
    return events(clean)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", required=True, help="SQLite path (suffixes added) or postgresql:// URL")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--batch", type=int, default=1000)
    p.add_argument("--scale", type=float, default=0.3)
    p.add_argument("--warm", type=float, default=0.5, help="share of the year sent by the CLI first")
    p.add_argument("--resend", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=17)
    p.add_argument("--think-ms", type=float, default=0,
                   help="a client's pause after each read, 0.5 to 1.5 times this (default 0: none, "
                        "the closed loop that measures capacity)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        result = run(args.db, args.clients, args.seconds, args.batch, args.scale, args.warm,
                     args.resend, args.seed, Path(folder), args.think_ms / 1000)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["errors"] == 0 and result["events_equal_cli"] else 1


if __name__ == "__main__":
    sys.exit(main())
