"""Report benchmark: the yearly report of one demo year, as a scheduled job pays for it (goal: under 10 s).

command = `python -m metrics report` in a fresh process (imports, database, layout, atomic write), the wall
time a cron job or a systemd timer waits; build = build_report (every scorecard of the trend, the cases, the
uploads); render = laying the built report out in each format, in the same process.
Run: .venv/bin/python bench/bench_report.py [--runs 3] [--year YYYY]
The demo database is made once in bench/out/report_demo.db (through the real pipeline, as `make run` does).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out"
DB = OUT / "report_demo.db"
KEY = "bench-key-not-secret-0123456789abcdef"


def demo_database() -> str:
    """The demo database's URL, built on first use."""
    url = f"sqlite:///{DB}"
    if not DB.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        os.environ["PSEUDONYM_KEY"] = KEY
        from tests.app_fixtures import fill_demo

        print("building the demo database (once)...", flush=True)
        fill_demo(url, OUT / "report_demo")
    return url


def command_seconds(url: str, year: int, fmt: str, runs: int) -> list[float]:
    """Wall times of the command in fresh processes."""
    env = {**os.environ, "DATABASE_URL": url, "PSEUDONYM_KEY": KEY}
    out = OUT / f"report_{year}.{fmt}"
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "metrics", "report", "--year", str(year), "--format", fmt, "--out", str(out)],
                       cwd=ROOT, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def in_process(url: str, year: int, runs: int) -> dict[str, list[float]]:
    """build_report and each format's render, timed in one warm process."""
    from metrics.report import FORMATS, build_report, render
    from metrics.store import get_engine

    engine = get_engine(url)
    times: dict[str, list[float]] = {"build": [], **{f: [] for f in FORMATS}}
    for _ in range(runs):
        start = time.perf_counter()
        report = build_report(engine, year)
        times["build"].append(time.perf_counter() - start)
        for fmt in FORMATS:
            start = time.perf_counter()
            render(report, fmt)
            times[fmt].append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--year", type=int, help="default: the last whole year of the demo data")
    args = parser.parse_args()
    url = demo_database()
    from metrics.store import get_engine
    from metrics.store.frames import data_years

    year = args.year or [y for y in data_years(get_engine(url)) if y < time.localtime().tm_year][-1]
    print(f"{platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; "
          f"year {year}, median of {args.runs}")
    print("| what | median s | min s | max s |\n|---|---|---|---|")
    for name, times in in_process(url, year, args.runs).items():
        label = "build_report" if name == "build" else f"render {name}"
        print(f"| {label} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} |")
    for fmt in ("xlsx", "pdf", "html"):
        times = command_seconds(url, year, fmt, args.runs)
        print(f"| command, {fmt} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} |", flush=True)


if __name__ == "__main__":
    main()
