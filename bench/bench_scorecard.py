"""Scorecard benchmark: one year's scorecard over 1,000,000 survey responses, 1,000,000 enrolments, 200,000 cases.

cold = compute_scorecard from the database; warm = compute_from_frames with the frames in memory;
the limit = reading those rows (the columns the KPIs use) from the database with no computing at all.
Run: .venv/bin/python bench/bench_scorecard.py [--scale 1.0]   (the database is cached in bench/out/)
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
YEARS = np.arange(2022, 2027)
TODAY = date(2026, 11, 27)


def _dates(rng, n, years):
    days = rng.integers(0, 365, n)
    return pd.to_datetime([f"{y}-01-01" for y in years]) + pd.to_timedelta(days, unit="D")


def surveys(rng, n):
    years = rng.choice(YEARS, n)
    kinds = rng.choice(["trainee_survey", "future_talent_survey", "exhibitor_survey"], n, p=[0.7, 0.2, 0.1])
    scale = np.where(kinds == "exhibitor_survey", 10.0, 5.0)
    score = np.clip(np.round(rng.normal(0.8, 0.15, n) * scale), 1, scale)
    course = np.array([f"과정 {i:03d}" for i in range(60)], dtype=object)[rng.integers(0, 60, n)]
    return pd.DataFrame({
        "kind": kinds, "year": years, "response_date": _dates(rng, n, years), "course": course,
        "course_key": course, "company": None, "overall": score, "score": score, "scale_max": scale,
        "items_json": "[]", "comments": None, "excel_row": np.arange(n) + 2,
        "_nk_extra": np.arange(n).astype(str),
    })


def enrolments(rng, n):
    years = rng.choice(YEARS, n)
    end = _dates(rng, n, years)
    course = np.array([f"과정 {i:03d}" for i in range(60)], dtype=object)[rng.integers(0, 60, n)]
    return pd.DataFrame({
        "trainee_id": [f"t{i}" for i in rng.integers(0, 400_000, n)], "course": course, "course_key": course,
        "cohort": (np.arange(n) % 7).astype(str), "start_date": end - pd.Timedelta(days=4), "end_date": end,
        "year": years, "completed": rng.random(n) < 0.9, "excel_row": np.arange(n) + 2,
    })


def cases(rng, n):
    years = rng.choice(YEARS, n)
    received = _dates(rng, n, years)
    done = received + pd.to_timedelta(rng.integers(0, 25, n), unit="D")
    types = np.array(["cert_review", "cert_complaint", "regulation_notice", "eval_report", "tech_support",
                      "web_inquiry", "service_complaint"], dtype=object)
    return pd.DataFrame({
        "case_type": types[rng.integers(0, 7, n)], "ref": [f"C{i}" for i in range(n)], "title": None,
        "received": received, "completed": done.where(rng.random(n) < 0.98), "interim": pd.NaT,
        "year": years, "excel_row": np.arange(n) + 2,
    })


def build_database(path: Path, scale: float) -> None:
    from metrics import store

    engine = store.get_engine(f"sqlite:///{path}")
    rng = np.random.default_rng(11)
    for kind, frame in (
        ("trainee_survey", surveys(rng, int(1_000_000 * scale))),
        ("attendance", enrolments(rng, int(1_000_000 * scale))),
        ("cases", cases(rng, int(200_000 * scale))),
    ):
        meta = store.UploadMeta(filename=f"{kind}.bench", sha256=hashlib.sha256(kind.encode()).hexdigest(), kind=kind)
        t0 = time.perf_counter()
        store.import_rows(engine, meta, frame)
        print(f"stored {len(frame):,} {kind} rows in {time.perf_counter() - t0:.1f} s")
    engine.dispose()


READ_ALL = {
    "survey_responses": "SELECT kind, year, course_key, score, scale_max FROM survey_responses WHERE active",
    "enrolments": "SELECT trainee_id, course_key, end_date, year, completed FROM enrolments WHERE active",
    "cases": "SELECT case_type, received, completed, interim, year FROM cases WHERE active",
}


DATE_COLUMNS = {"survey_responses": (), "enrolments": ("end_date",), "cases": ("received", "completed", "interim")}


def read_all_rows(engine) -> int:
    """The limit: read every row of the three tables (the columns the KPIs use), typed, no computing."""
    total = 0
    with engine.connect() as conn:
        for table, sql in READ_ALL.items():
            frame = pd.read_sql(text(sql), conn)
            for col in DATE_COLUMNS[table]:
                frame[col] = pd.to_datetime(frame[col], format="ISO8601")
            total += len(frame)
    return total


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("PSEUDONYM_KEY", "bench-key-not-secret-0123456789abcdef")
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"scorecard_{args.scale:g}.db"
    if not path.exists():
        build_database(path, args.scale)

    from metrics import store
    from metrics.frames import load_year_frames
    from metrics.registry import load_registry
    from metrics.scorecard import compute_from_frames, compute_scorecard

    engine = store.get_engine(f"sqlite:///{path}")
    registry = load_registry()
    rows = read_all_rows(engine)
    limit = timed(lambda: read_all_rows(engine), args.repeat)
    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"Database: {rows:,} rows in the three tables, SQLite file {path.stat().st_size / 1e6:.0f} MB\n")
    print("| year | step | median s | × limit |\n|---|---|---|---|")
    print(f"| all | limit: read every row of the three tables | {limit:.2f} | 1.00 |")
    for year in (2025, 2026):
        cold = timed(lambda y=year: compute_scorecard(engine, y, today=TODAY, registry=registry), args.repeat)
        frames = load_year_frames(engine, year, registry.kinds(), today=TODAY)
        warm = timed(lambda f=frames, y=year: compute_from_frames(f, y, TODAY, registry), args.repeat)
        label = f"{year}" + (" (current, paced)" if year == TODAY.year else "")
        print(f"| {label} | cold: scorecard from the database | {cold:.2f} | {cold / limit:.2f} |")
        print(f"| {label} | warm: scorecard from frames in memory | {warm:.3f} | {warm / limit:.2f} |")


if __name__ == "__main__":
    main()
