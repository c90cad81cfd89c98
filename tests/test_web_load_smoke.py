"""The server's load test at smoke size (issue 17): a few clients for a few seconds on
SQLite; 0 errors and the same events as the CLI. Speed is measured by bench/serve_load.py,
not asserted here (docs/BENCHMARKS.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_load_test_runs_clean_at_smoke_size(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "serve_load.py"), "--db",
                          str(tmp_path / "load.db"), "--clients", "4", "--seconds", "4",
                          "--scale", "0.002", "--batch", "200", "--resend", "0.5"],
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-2000:] + run.stdout
    result = json.loads(run.stdout)
    assert result["errors"] == 0 and result["events_equal_cli"] is True
    assert result["statement_reads"] > 0 and result["commands_sent"] > 0
    assert result["command_rows"] == result["command_rows_distinct"]
    assert set(result["answers"]) <= {"accepted", "duplicate", "duplicate (resent)"}
