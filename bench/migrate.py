"""How fast ``ledger migrate`` moves the benchmark year between the stores (issue 14).

For each scale: the year (``bench/generate.py``, cached in the work directory) is submitted
into a SQLite store (kept between runs, like the year), then

1. ``ledger --db YEAR.db migrate --to postgresql://.../fresh --json`` (SQLite → PostgreSQL),
2. ``ledger --db postgresql://.../fresh migrate --to fresh.db --json`` (PostgreSQL → SQLite),
3. ``ledger --db YEAR.db rebuild --json``: the load gauge, comparable with the rebuild
   column of docs/BENCHMARKS.md (the verification of a copy is mostly a rebuild).

each a fresh process (start-up included in the wall time) running this checkout's code
(``PYTHONPATH``; edits made during a run reach the children started after them), logging as
shipped, stderr to a file read at the end (``--quiet``: ``LEDGER_LOG_LEVEL=warning``). CPU
seconds and peak RSS are the child's own (``bench/run.py``'s launcher). Events/s = the
events copied ÷ the process's wall time: copy, verification and all. The copy alone
(``copy_s``, from the command's own JSON) is reported beside it. ``--repeat N`` keeps the
fastest of N runs of each direction. Writes JSON (``--out``) and prints a Markdown table.

    .venv/bin/python bench/migrate.py --scales 0.1,1.0 --repeat 2 --out bench/out/migrate.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run as bench  # noqa: E402  (bench/run.py: the year, the stores, the child runner)

TARGET_EVENTS_PER_S = 50_000


def source_store(scale: float, seed: int, workdir: Path) -> tuple[str, dict[str, Any]]:
    """The year of a scale submitted into a SQLite store (reused while the year is)."""
    year, stats = bench.year_file(scale, seed, workdir)
    db = workdir / f"migrate-source-{scale:g}-s{seed}-{stats['generator']}.db"
    if not db.exists():
        bench.log(f"scale {scale:g}: submitting {stats['lines']:,} lines into {db.name}")
        partial = db.with_suffix(".partial.db")
        for leftover in workdir.glob(partial.name + "*"):
            leftover.unlink()
        bench.measure_submit(str(partial), year)
        for suffix in ("-wal", "-shm"):  # closed cleanly: the WAL is checkpointed away
            Path(str(partial) + suffix).unlink(missing_ok=True)
        partial.rename(db)
    return str(db), stats


def migrate(source: str, target: str, quiet: bool) -> dict[str, Any]:
    with tempfile.TemporaryFile() as out:
        child = _child([*bench.ledger_argv(), "--db", source, "migrate", "--to", target,
                        "--json"], out, "warning" if quiet else "info")
        out.seek(0)
        text = out.read().decode()
    if child["exit_code"] != 0:
        raise RuntimeError(f"ledger migrate failed ({child['exit_code']}): {child['stderr_tail']}")
    report = json.loads(text)
    events = int(report["events"])
    return {"events": events, "commands": report["commands"], "ok": report["ok"],
            "statements": report["statements"], "seconds": round(child["seconds"], 3),
            "copy_s": report["copy_s"], "verify_s": report["verify_s"],
            "events_per_s": round(events / child["seconds"]),
            "copy_events_per_s": round(events / report["copy_s"]) if report["copy_s"] else 0,
            "cpu_seconds": round(child["cpu_seconds"], 2), "peak_rss_mb": child["peak_rss_mb"]}


def _child(argv: list[str], stdout: Any, level: str) -> dict[str, Any]:
    """As ``bench.run_child`` (wall time, CPU, the child's own peak RSS through the same
    launcher), with the log level given and stderr a pipe read to its end."""
    env = bench.CHILD_ENV | {"LEDGER_LOG_LEVEL": level}
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile(suffix=".json") as report:
        subprocess.run([sys.executable, "-c", bench.LAUNCHER, report.name, *argv],
                       stdout=stdout, stderr=err, env=env, cwd=bench.ROOT, check=True)
        measured = json.loads(Path(report.name).read_text())
        err.seek(0)
        tail = err.read().decode(errors="replace")[-2000:]
    return {"seconds": measured["seconds"], "exit_code": measured["exit_code"],
            "cpu_seconds": measured["cpu_seconds"],
            "peak_rss_mb": round(measured["maxrss_kib"] / 1024, 1), "stderr_tail": tail}


def best(samples: list[dict[str, Any]]) -> dict[str, Any]:
    fastest = dict(min(samples, key=lambda s: s["seconds"]))
    fastest["all_seconds"] = [s["seconds"] for s in samples]
    return fastest


def measure(scale: float, args: argparse.Namespace) -> dict[str, Any]:
    source, stats = source_store(scale, args.seed, args.workdir)
    load_before = os.getloadavg()[0]
    to_pg: list[dict[str, Any]] = []
    back: list[dict[str, Any]] = []
    for attempt in range(args.repeat):
        tag = f"m{scale:g}-{attempt}"
        with bench.fresh_store("postgres", args.workdir, tag, args.pg_admin, None, False) as pg:
            bench.log(f"scale {scale:g}: SQLite -> PostgreSQL ({attempt + 1}/{args.repeat})")
            to_pg.append(migrate(source, pg, args.quiet))
            with bench.fresh_store("sqlite", args.workdir, tag, args.pg_admin, None,
                                   False) as sqlite:
                bench.log(f"scale {scale:g}: PostgreSQL -> SQLite ({attempt + 1}/{args.repeat})")
                back.append(migrate(pg, sqlite, args.quiet))
    bench.log(f"scale {scale:g}: rebuild of the source (the load gauge)")
    gauge = bench.measure_rebuild(source)
    return {"scale": scale, "lines": stats["lines"], "sqlite_to_postgres": best(to_pg),
            "postgres_to_sqlite": best(back),
            "rebuild_source": {"seconds": round(gauge["seconds"], 3),
                               "statements_checked": gauge["statements_checked"]},
            "load_1m_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)]}


def markdown(results: dict[str, Any]) -> str:
    head = ("| scale | direction | events | command ids | wall s | events/s (wall) | copy s | "
            "copy events/s | verify s | statements verified | CPU s | peak RSS MB | "
            f"≥ {TARGET_EVENTS_PER_S:,}/s | rebuild of the source s | load 1m before/after |")
    rows = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results["runs"]:
        for key, name in (("sqlite_to_postgres", "SQLite → PostgreSQL"),
                          ("postgres_to_sqlite", "PostgreSQL → SQLite")):
            m = r[key]
            met = "**yes**" if m["events_per_s"] >= TARGET_EVENTS_PER_S else "no"
            rows.append(
                f"| {r['scale']:g} | {name} | {m['events']:,} | {m['commands']:,} | "
                f"{m['seconds']:.1f} | {m['events_per_s']:,} | {m['copy_s']:.1f} | "
                f"{m['copy_events_per_s']:,} | {m['verify_s']:.1f} | {m['statements']:,} | "
                f"{m['cpu_seconds']:.1f} | {m['peak_rss_mb']:.0f} | {met} | "
                f"{r['rebuild_source']['seconds']:.1f} | "
                f"{r['load_1m_before_after'][0]} / {r['load_1m_before_after'][1]} |")
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", default="0.1,1.0")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--workdir", type=Path, default=BENCH / "out" / "work")
    p.add_argument("--pg-admin", default=bench.PG_ADMIN)
    p.add_argument("--out", type=Path, help="the results as JSON (a .md beside it)")
    p.add_argument("--quiet", action="store_true", help="LEDGER_LOG_LEVEL=warning")
    args = p.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    # the children run this checkout's code, whatever the installed `ledger` points at
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(bench.ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    started = time.time()
    runs = [measure(float(s), args) for s in args.scales.split(",")]
    results = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
               "seconds": round(time.time() - started), "commit": bench._git(),
               "machine": bench.machine(args.pg_admin), "quiet": args.quiet, "runs": runs}
    table = markdown(results)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1))
        args.out.with_suffix(".md").write_text(table)
    sys.stdout.write(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
