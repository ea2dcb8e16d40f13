"""Scorecard benchmark: one year's scorecard over 1,000,000 survey responses, 1,000,000 enrolments, 200,000 cases.

cold = compute_scorecard from the database; warm = compute_from_frames with the frames in memory;
the limit = reading those rows (the columns the KPIs use) from the database with no computing at all.
Run: .venv/bin/python bench/bench_scorecard.py [--scale 1.0] [--backends sqlite,postgresql]
The SQLite database is cached in bench/out/; a PostgreSQL one is built afresh in every run (bench/backends.py).
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
from contextlib import ExitStack
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import backends  # noqa: E402 - needs ROOT on the path

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


def build_database(url: str, scale: float) -> float:
    """Store the generated rows in the empty database at `url` through store.import_rows; returns seconds."""
    from metrics import store

    engine = store.get_engine(url)
    rng = np.random.default_rng(11)
    total = 0.0
    for kind, frame in (
        ("trainee_survey", surveys(rng, int(1_000_000 * scale))),
        ("attendance", enrolments(rng, int(1_000_000 * scale))),
        ("cases", cases(rng, int(200_000 * scale))),
    ):
        meta = store.UploadMeta(filename=f"{kind}.bench", sha256=hashlib.sha256(kind.encode()).hexdigest(), kind=kind)
        t0 = time.perf_counter()
        store.import_rows(engine, meta, frame)
        took = time.perf_counter() - t0
        total += took
        print(f"{backends.backend_of(url)}: stored {len(frame):,} {kind} rows in {took:.1f} s")
    return total


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


def alternating(fns: dict, repeat: int) -> dict[str, float]:
    """The median time of each backend's function; the backends take turns within each repeat,
    so a change in the machine's load falls on both."""
    times = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            gc.collect()
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(runs) for name, runs in times.items()}


def database_mb(engine) -> float:
    """The size of the database: its file on SQLite, pg_database_size on PostgreSQL."""
    if engine.dialect.name == "sqlite":
        return Path(engine.url.database).stat().st_size / 1e6
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_database_size(current_database())")).scalar() / 1e6


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


LABEL = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def open_databases(factories, scale: float, stack: ExitStack) -> tuple[dict, dict]:
    """An engine per backend on the benchmark database, and the build time of those built in this run.
    SQLite's is cached in bench/out/; PostgreSQL's lives in a fresh database for this run only."""
    from metrics import store

    engines, builds = {}, {}
    for name, factory in factories.items():
        if name == "sqlite":
            path = OUT / f"scorecard_{scale:g}.db"
            url = f"sqlite:///{path}"
            if not path.exists():
                builds[name] = build_database(url, scale)
        else:
            url = stack.enter_context(factory.fresh())
            builds[name] = build_database(url, scale)
        engines[name] = store.get_engine(url)
    return engines, builds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    backends.add_argument(parser)
    args = parser.parse_args()
    os.environ.setdefault("PSEUDONYM_KEY", "bench-key-not-secret-0123456789abcdef")
    OUT.mkdir(parents=True, exist_ok=True)

    from metrics.kpi.registry import load_registry
    from metrics.kpi.scorecard import compute_from_frames, compute_scorecard
    from metrics.store.frames import load_year_frames

    registry = load_registry()
    print(f"Before: {load()}")
    with backends.every_backend(args.backends) as factories, ExitStack() as stack:
        engines, builds = open_databases(factories, args.scale, stack)
        print(f"Built: {load()}")
        names = list(engines)
        rows = {n: read_all_rows(e) for n, e in engines.items()}
        limit = alternating({n: (lambda e=e: read_all_rows(e)) for n, e in engines.items()}, args.repeat)
        lines, same = [], {}
        for year in (2025, 2026):
            cold = alternating({n: (lambda e=e, y=year: compute_scorecard(e, y, today=TODAY, registry=registry))
                                for n, e in engines.items()}, args.repeat)
            frames = {n: load_year_frames(e, year, registry.kinds(), today=TODAY) for n, e in engines.items()}
            warm = alternating({n: (lambda f=frames[n], y=year: compute_from_frames(f, y, TODAY, registry))
                                for n in names}, args.repeat)
            same[year] = len({repr(compute_scorecard(e, year, today=TODAY, registry=registry))
                              for e in engines.values()}) == 1
            label = f"{year}" + (" (current, paced)" if year == TODAY.year else "")
            lines.append(f"| {label} | cold: scorecard from the database | "
                         + " | ".join(f"{cold[n]:.2f} | {cold[n] / limit[n]:.2f}" for n in names) + " |")
            lines.append(f"| {label} | warm: scorecard from frames in memory | "
                         + " | ".join(f"{warm[n]:.3f} | {warm[n] / limit[n]:.2f}" for n in names) + " |")
        print(f"After: {load()}")

        print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        for n, factory in factories.items():
            shown = ", ".join(f"{k}={v}" for k, v in factory.settings.items())
            built = f"built in this run in {builds[n]:.1f} s" if n in builds else "cached in bench/out/"
            print(f"- {factory.description}: {shown}. Database: {rows[n]:,} rows in the three tables, "
                  f"{database_mb(engines[n]):.0f} MB, {built}")
        print(f"Median of {args.repeat}\n")
        print("| year | step | " + " | ".join(f"{LABEL[n]} median s | × limit" for n in names) + " |")
        print("|---|---|" + "---|---|" * len(names))
        print("| all | limit: read every row of the three tables | "
              + " | ".join(f"{limit[n]:.2f} | 1.00" for n in names) + " |")
        print("\n".join(lines))
        if len(names) > 1:
            print("\nSame scorecard on every backend: "
                  + ", ".join(f"{y} {'yes' if ok else 'NO'}" for y, ok in same.items()))


if __name__ == "__main__":
    main()
