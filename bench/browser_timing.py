"""How fast the scorecard draws in headless Chromium on the demo data: cold, warm, and after a year change.

Usage: .venv/bin/python bench/browser_timing.py [--repeat 5] [--db sqlite:///path.db]
cold  = first load after the server starts (empty caches), navigation -> last change on the page
warm  = the same page loaded again (caches filled; with the local-mode link, as a reload drops the token)
year  = choosing another year in the sidebar -> the scorecard redrawn
Goals: cold < 3 s, warm < 1 s, year change < 0.5 s. Times exclude the 0.6 s the page must hold still.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.screenshots import demo_url  # noqa: E402
from tests.app_fixtures import RunningApp, browser_page, running_app, wait_drawn  # noqa: E402

GOALS = {"cold": 3.0, "warm": 1.0, "year change": 0.5}


def timed_load(page, url: str) -> float:
    """Seconds from starting navigation to the last change of the drawn page."""
    started = time.monotonic()
    page.goto(url)
    return wait_drawn(page) - started




def choose_year(page, year: int) -> float:
    """Pick `year` in the sidebar's year box; seconds from the click to the redrawn page."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').last
    box.click()
    option = page.get_by_role("option", name=str(year), exact=True)
    started = time.monotonic()
    option.click()
    return wait_drawn(page) - started


def measure(app: RunningApp, repeat: int) -> dict[str, list[float]]:
    """Run every measurement; returns seconds per kind."""
    this_year = date.today().year
    years = [this_year - 1, this_year - 2, this_year]
    times: dict[str, list[float]] = {"cold": [], "warm": [], "year change": []}
    with tempfile.TemporaryDirectory() as profile, browser_page(Path(profile), height=1200) as page:
        times["cold"].append(timed_load(page, app.link()))
        for _ in range(repeat):
            times["warm"].append(timed_load(page, app.link()))
        for i in range(repeat * 2):
            times["year change"].append(choose_year(page, years[i % len(years)]))
    return times


def table(times: dict[str, list[float]]) -> str:
    """A small Markdown table: median, best, worst, goal, met?"""
    lines = ["| measure | median s | best s | worst s | runs | goal s | met |", "|---|---|---|---|---|---|---|"]
    for name, values in times.items():
        median = statistics.median(values)
        lines.append(f"| {name} | {median:.2f} | {min(values):.2f} | {max(values):.2f} | {len(values)} "
                     f"| {GOALS[name]:.1f} | {'yes' if median < GOALS[name] else 'no'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Start a fresh server (so the first load is cold), measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", help="database URL (default: the bench demo database)")
    args = parser.parse_args(argv)
    # One key for building the demo and serving it: the database refuses uploads under another key.
    os.environ.setdefault("PSEUDONYM_KEY", "bench-key-not-secret-0123456789abcdef")
    with running_app(args.db or demo_url()) as app:
        times = measure(app, args.repeat)
    print(table(times))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
