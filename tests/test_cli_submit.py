"""``ledger submit`` on the files people really have: line numbers, a byte-order mark,
GB18030, a dry run, a summary, lines too large to hold, and Ctrl-C after a stored batch."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from builders import agent_ready, cmd, pay, sign
from conftest import Ledger

ROOT = Path(__file__).resolve().parents[1]


def _write(path: Path, *commands: dict[str, Any] | str, encoding: str = "utf-8",
           bom: bool = False) -> Path:
    text = "\n".join(c if isinstance(c, str) else json.dumps(c, ensure_ascii=False)
                     for c in commands) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    return path


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), LEDGER_LOG_LEVEL="warning")
    env.pop("LEDGER_DB", None)
    env.update(extra)
    return env


def test_every_result_carries_its_line_number(sqlite_ledger: Ledger, tmp_path: Path) -> None:
    path = _write(tmp_path / "c.jsonl", sign("C1", id="s"), "", "not json", "  ",
                  pay("P1", 100, "2026-03-05") | {"id": "p"})
    run = sqlite_ledger.run("submit", str(path))
    assert [(r["line"], r["id"], r["status"]) for r in run.lines()] == [
        (1, "s", "accepted"), (3, None, "rejected"), (5, "p", "accepted")]


def test_a_utf8_byte_order_mark_is_skipped(sqlite_ledger: Ledger, tmp_path: Path) -> None:
    path = _write(tmp_path / "bom.jsonl", sign("C1"), bom=True)
    run = sqlite_ledger.run("submit", str(path))
    assert [r["status"] for r in run.lines()] == ["accepted"], run


def test_gb18030_is_refused_with_the_remedy_and_read_with_encoding(sqlite_ledger: Ledger,
                                                                   tmp_path: Path) -> None:
    path = _write(tmp_path / "gbk.jsonl", sign("C1", id="s1"), encoding="gb18030")
    before = sqlite_ledger.stats()
    run = sqlite_ledger.run("submit", str(path))
    (result,) = run.lines()
    assert result["error"]["code"] == "invalid_json"
    assert "not UTF-8" in result["error"]["message"]
    assert "--encoding gb18030" in result["error"]["message"]
    assert "line 1: invalid_json" in run.err
    assert sqlite_ledger.stats() == before
    again = sqlite_ledger.run("submit", str(path), "--encoding", "gb18030")
    assert [r["status"] for r in again.lines()] == ["accepted"], again
    (event,) = sqlite_ledger.run("history", "C1", "--json").json()
    assert event["data"]["merchant"]["name"] == "测试旗舰店"


def test_an_encoding_that_cannot_be_read_by_lines_is_usage(sqlite_ledger: Ledger, tmp_path: Path) -> None:
    path = _write(tmp_path / "c.jsonl", sign("C1"))
    for name in ("utf-16", "no-such-codec"):
        run = sqlite_ledger.run("submit", str(path), "--encoding", name)
        assert run.code == 2 and run.out == "", run


def test_a_line_not_gb18030_under_encoding_names_the_byte(sqlite_ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"id": "x\x81\x20", "type": "sign_contract"}\n')
    (result,) = sqlite_ledger.run("submit", str(path), "--encoding", "gb18030").lines()
    assert result["error"]["code"] == "invalid_json" and "0x81" in result["error"]["message"]


def test_dry_run_decides_everything_and_stores_nothing(tmp_path: Path) -> None:
    db = tmp_path / "dry.db"
    path = _write(tmp_path / "c.jsonl", sign("C1", id="s"), *agent_ready("a1"),
                  cmd("record_shift", agent_id="a1", date="2026-03-02", shift="day", id="sh"),
                  cmd("record_shift", agent_id="a1", date="2026-03-02", shift="day", id="sh"),
                  cmd("record_shift", agent_id="a1", date="2026-03-02", shift="day", id="sh2"))
    done = subprocess.run([sys.executable, "-m", "cli.main", "--db", str(db), "submit", "--dry-run",
                           str(path)], capture_output=True, text=True, env=_env(LEDGER_BATCH="2"),
                          cwd=tmp_path, check=False)
    results = [json.loads(line) for line in done.stdout.splitlines()]
    # the batches of two see the earlier ones: the shift finds its agent live, the replay is a
    # duplicate and the same shift under another id is refused
    assert [r["status"] for r in results] == ["accepted"] * 5 + ["duplicate", "rejected"], results
    assert results[-1]["error"]["code"] == "shift_exists"
    assert done.returncode == 1
    assert "dry run: nothing was stored" in done.stderr
    assert not db.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl"]


def test_dry_run_on_a_store_leaves_it_as_it_was(ledger: Ledger, tmp_path: Path) -> None:
    ledger.accept(sign("C1"))
    before = ledger.stats()
    path = _write(tmp_path / "p.jsonl", pay("P1", 100, "2026-03-05"))
    run = ledger.run("submit", "--dry-run", str(path))
    assert [r["status"] for r in run.lines()] == ["accepted"] and run.code == 0
    assert ledger.stats() == before
    assert ledger.run("submit", str(path)).lines()[0]["status"] == "accepted"  # not a duplicate


def test_the_summary_counts_and_names_the_first_rejections(sqlite_ledger: Ledger, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDGER_LOG_LEVEL", "warning")  # no per-command log lines
    lines = [sign("C1", id="s"), sign("C1", id="s")]
    lines += [pay(f"P{n}", 0, "2026-03-05") for n in range(12)]
    path = _write(tmp_path / "c.jsonl", *lines)
    run = sqlite_ledger.run("submit", str(path))
    assert run.code == 1
    err = run.err.strip().splitlines()
    assert err[0] == "submit: 14 commands: 1 accepted, 1 duplicate, 12 rejected"
    assert err[1].startswith("  line 3: out_of_range amount_fen: ")
    assert err[10].startswith("  line 12: ")
    assert err[11] == "  ... and 2 more rejected (every result is on stdout)"
    as_json = sqlite_ledger.run("submit", str(path), "--json")
    (summary,) = [json.loads(line)["summary"] for line in as_json.err.splitlines()
                  if line.startswith('{"summary"')]
    assert (summary["commands"], summary["accepted"], summary["duplicate"], summary["rejected"]) == (
        14, 0, 2, 12)
    assert summary["first_rejections"][0]["line"] == 3
    assert len(summary["first_rejections"]) == 10
    quiet = sqlite_ledger.run("submit", str(path), "--quiet")
    assert quiet.err == "" and len(quiet.lines()) == 14


def test_strings_and_arrays_beyond_the_bounds_are_too_large(ledger: Ledger, tmp_path: Path) -> None:
    ledger.accept(sign("C1"))
    before = ledger.stats()
    path = _write(tmp_path / "big.jsonl",
                  pay("P1", 100, "2026-03-05") | {"reference": "x" * 10_001},
                  cmd("train_agent", agent_id="a1", name="A", completed_on="2026-02-25",
                      topics=["t"] * 1_001),
                  pay("P2", 100, "2026-03-05") | {"reference": "x" * 10_000},
                  cmd("train_agent", agent_id="a2", name="B", completed_on="2026-02-25",
                      topics=["t"] * 1_000))
    results = ledger.run("submit", str(path)).lines()
    assert [(r["status"], r.get("error", {}).get("code"), r.get("error", {}).get("field"))
            for r in results] == [("rejected", "too_large", "reference"),
                                  ("rejected", "too_large", "topics"),
                                  ("accepted", None, None), ("accepted", None, None)]
    assert ledger.stats()[0] == before[0] + 2


def _peak_rss_mb(argv: list[str], cwd: Path) -> tuple[int, float, str]:
    """Run the program; its exit status, its own peak resident memory (MB) and stdout."""
    with open(cwd / "out.txt", "wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, env=_env(), cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss / 1024, (cwd / "out.txt").read_text()


def test_a_line_over_1_mib_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    db = tmp_path / "big.db"
    small = _write(tmp_path / "small.jsonl", sign("C1", id="s"))
    huge = tmp_path / "huge.jsonl"
    with open(huge, "wb") as f:  # 32 MB of topics on one line, then one ordinary line
        f.write(b'{"type": "train_agent", "id": "t", "contract_id": "C1", "agent_id": "a", '
                b'"name": "A", "completed_on": "2026-02-25", "topics": [')
        f.write(b'"topic",' * (4 << 20))
        f.write(b'"end"]}\n')
        f.write((json.dumps(pay("P1", 100, "2026-03-05") | {"id": "p"}) + "\n").encode())
    ledger_argv = [sys.executable, "-m", "cli.main", "--db", str(db), "submit"]
    code, baseline, _ = _peak_rss_mb([*ledger_argv, str(small)], tmp_path)
    assert code == 0
    size = db.stat().st_size
    code, peak, out = _peak_rss_mb([*ledger_argv, str(huge)], tmp_path)
    results = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert results[0]["line"] == 1 and results[0]["error"]["code"] == "too_large"
    assert "the line is 33,554," in results[0]["error"]["message"]
    assert (results[1]["line"], results[1]["status"]) == (2, "accepted")
    assert peak < baseline + 16, (peak, baseline)  # the 32 MB line was never held
    assert db.stat().st_size < size + 1_000_000


def _read_results(proc: subprocess.Popen[bytes], wanted: int, timeout: float) -> list[bytes]:
    assert proc.stdout is not None
    got: list[bytes] = []
    deadline = time.monotonic() + timeout
    while len(got) < wanted and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            line = proc.stdout.readline()
            if not line:
                break
            got.append(line)
    return got


def test_ctrl_c_stops_after_the_stored_batches_and_exits_130(tmp_path: Path) -> None:
    db = tmp_path / "int.db"
    commands = [sign("C1", id="s")] + [pay(f"P{n}", 100, "2026-03-05") | {"id": f"p{n}"}
                                        for n in range(40)]
    lines = [json.dumps(c).encode() + b"\n" for c in commands]
    with subprocess.Popen([sys.executable, "-m", "cli.main", "--db", str(db), "submit", "-"],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=_env(LEDGER_BATCH="5"), cwd=tmp_path) as proc:
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        proc.stdin.write(b"".join(lines[:15]))  # three batches: the first is stored and answered
        proc.stdin.flush()
        first = _read_results(proc, 5, timeout=60)
        assert len(first) == 5, first
        proc.send_signal(signal.SIGINT)
        proc.stdin.write(b"".join(lines[15:]))  # the reader stops before these
        proc.stdin.close()
        rest = proc.stdout.read()
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=60) == 130
    assert "Traceback" not in err and "interrupted after line" in err
    results = [json.loads(line) for line in [*first, *rest.splitlines()]]
    answered = [r["id"] for r in results]
    assert all(r["status"] == "accepted" for r in results)
    assert 5 <= len(answered) < len(commands)
    assert answered == [c["id"] for c in commands[:len(answered)]]
    import sqlite3

    with sqlite3.connect(db) as conn:
        stored = {row[0] for row in conn.execute("SELECT command_id FROM ledger_commands")}
    assert stored == set(answered)  # what was printed is what was stored, nothing more


@pytest.mark.parametrize("flag", ["--quiet", "--json"])
def test_submit_flags_do_what_they_say_on_stdin(sqlite_ledger: Ledger, flag: str) -> None:
    run = sqlite_ledger.run("submit", "-", flag, stdin=json.dumps(sign("C1")) + "\n")
    assert run.lines()[0]["status"] == "accepted"
    if flag == "--quiet":
        assert run.err == ""
    else:
        assert json.loads(run.err.strip().splitlines()[-1])["summary"]["accepted"] == 1
