"""Backtest of the year-end projection on the demo database: the table in docs/kpi-definitions.md.

Each paced KPI of each past demo year, as the scorecard would have judged it on 31 March, 30 June and
30 September, against the real year end (metrics/kpi/backtest.py, which asks scorecard.evaluate_kpi).
The demo is generated for a fixed day, so the table is the same on every run and machine; it is built
once through the real pipeline in bench/out/backtest/ (as `make run` builds its demo).
Run: .venv/bin/python bench/backtest_projection.py [--today 2026-11-27] [--db URL]
The same table for any database: `python -m metrics backtest`.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The day the release's demo was generated for (tests/fixtures/release-2026-11-27.db.gz): demo years 2023-2026.
DEMO_TODAY = date(2026, 11, 27)
KEY = "bench-key-not-secret-0123456789abcdef"


def demo_database(today: date) -> str:
    """The demo database generated for `today`, built on first use."""
    folder = ROOT / "bench" / "out" / f"backtest-{today.isoformat()}"
    if (folder / "demo.db").exists():
        return f"sqlite:///{folder / 'demo.db'}"
    from tests.app_fixtures import build_demo_db

    print(f"building the demo database for {today} (once)...", file=sys.stderr, flush=True)
    return build_demo_db(folder, today)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", type=date.fromisoformat, default=DEMO_TODAY, help="the day the demo is generated for")
    parser.add_argument("--db", help="database URL (default: the demo database for --today)")
    args = parser.parse_args()
    # One key for building the demo and reading it: the database refuses another.
    os.environ.setdefault("PSEUDONYM_KEY", KEY)
    from metrics.kpi.backtest import backtest, headline, markdown_table
    from metrics.store import get_engine

    points = backtest(get_engine(args.db or demo_database(args.today)), today=args.today)
    sys.stdout.write(markdown_table(points) + "\n" + headline(points) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
