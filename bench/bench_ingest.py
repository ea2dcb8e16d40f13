"""Ingest benchmark: a 100,000-row × 20-column survey export, whole ingest vs the bare calamine parse.

Run: .venv/bin/python bench/bench_ingest.py [--rows N] [--repeat R] [--backends sqlite,postgresql]
Each run imports into a fresh, empty database (bench/backends.py says which). The generated file is
cached in bench/out/. Prints a markdown table, the backends side by side, for docs/performance.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import backends  # noqa: E402 - needs ROOT on the path

OUT = ROOT / "bench" / "out"

LIKERT = np.array(["매우 만족", "만족", "보통", "불만족", "매우 불만족"], dtype=object)
COURSES = [f"상하수도 과정 {i:02d}" for i in range(40)]


def make_survey_xlsx(path: Path, rows: int, seed: int = 7) -> None:
    """Timestamp, course, 16 Likert items as Korean words, an overall question, a comment: 20 columns."""
    import xlsxwriter

    rng = np.random.default_rng(seed)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("설문 응답")
    header = ["타임스탬프", "교육과정명"] + [f"문항 {i + 1}. 교육이 만족스러웠다" for i in range(16)]
    header += ["교육에 전반적으로 만족하십니까?", "기타 의견"]
    sheet.write_row(0, 0, header)
    start = np.datetime64("2026-01-02T09:00")
    minutes = rng.integers(0, 60 * 24 * 300, rows)
    answers = rng.choice(LIKERT, size=(rows, 17), p=[0.4, 0.35, 0.15, 0.07, 0.03])
    courses = rng.integers(0, len(COURSES), rows)
    for r in range(rows):
        ts = (start + np.timedelta64(int(minutes[r]), "m")).astype("datetime64[s]").item()
        sheet.write_string(r + 1, 0, ts.strftime("%Y-%m-%d %H:%M:%S"))
        sheet.write_string(r + 1, 1, COURSES[courses[r]])
        sheet.write_row(r + 1, 2, answers[r].tolist())
        sheet.write_string(r + 1, 19, "" if r % 7 else "강의실 환경 개선 바랍니다")
    book.close()


def bare_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    rows = wb.get_sheet_by_index(0).to_python()
    return len(rows)


def pandas_openpyxl(path: Path) -> int:
    import pandas as pd

    return len(pd.read_excel(path, engine="openpyxl"))


def whole_ingest(path: Path, url: str) -> int:
    """One ingest of `path` into the empty database at `url`, schema set-up included (the memory run)."""
    from metrics import store
    from metrics.intake.ingest import ingest_file

    report = ingest_file(store.get_engine(url), path.read_bytes(), path.name, kind="trainee_survey")
    assert report.status == "imported", report.message
    return report.rows_imported


def timed_ingest(path: Path, url: str) -> tuple[float, float, int]:
    """(schema set-up s, ingest s, rows): the schema is made first and not counted in the ingest,
    as a deployment's database exists before its first upload."""
    from metrics import store
    from metrics.intake.ingest import ingest_file

    data = path.read_bytes()
    gc.collect()
    t0 = time.perf_counter()
    engine = store.get_engine(url)
    t1 = time.perf_counter()
    report = ingest_file(engine, data, path.name, kind="trainee_survey")
    t2 = time.perf_counter()
    assert report.status == "imported", report.message
    return t1 - t0, t2 - t1, report.rows_imported


def peak_memory_mb(path: Path, url: str) -> float:
    """Peak resident memory of one whole ingest in a fresh process (imports included; a PostgreSQL
    server's own memory is another process and not counted)."""
    code = (
        "import resource, sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
        "from bench.bench_ingest import whole_ingest; whole_ingest(Path(sys.argv[2]), sys.argv[3]);"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(ROOT), str(path), url], capture_output=True, text=True,
                         check=True, env={**os.environ, "PSEUDONYM_KEY": "bench-key-not-secret-0123456789abcdef"})
    return int(out.stdout.split()[-1]) / 1024  # ru_maxrss is in KiB on Linux


def imports_memory_mb(backend: str) -> float:
    driver = ", psycopg" if backend == "postgresql" else ""
    code = f"import resource, metrics.intake.ingest, metrics.store{driver}; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return int(out.stdout.split()[-1]) / 1024


def profile_ingest(path: Path, url: str, top: int = 25) -> None:
    """One whole ingest under cProfile: the functions that take the most time of their own (the stage table)."""
    import cProfile
    import pstats

    from metrics import store

    store.get_engine(url)  # the schema is not part of the ingest
    profiler = cProfile.Profile()
    profiler.runcall(whole_ingest, path, url)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def timed(fn, path: Path, repeat: int) -> tuple[float, int]:
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = fn(path)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


LABEL = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-openpyxl", action="store_true")
    parser.add_argument("--profile", action="store_true", help="also print one ingest's cProfile per backend")
    backends.add_argument(parser)
    args = parser.parse_args()
    os.environ.setdefault("PSEUDONYM_KEY", "bench-key-not-secret-0123456789abcdef")
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"survey_{args.rows}x20.xlsx"
    if not path.exists():
        t0 = time.perf_counter()
        make_survey_xlsx(path, args.rows)
        print(f"generated {path.name} in {time.perf_counter() - t0:.1f} s ({path.stat().st_size / 1e6:.1f} MB)")

    print(f"Before: {load()}")
    with backends.every_backend(args.backends) as factories:
        # Memory first, in fresh processes: a child forked from a big parent inherits its high-water mark.
        memory = {}
        for name, factory in factories.items():
            with factory.fresh() as url:
                memory[name] = (peak_memory_mb(path, url), imports_memory_mb(name))
        # The backends take turns within each repeat, so a change in the machine's load falls on both.
        bare_runs, schema_runs, ingest_runs = [], {n: [] for n in factories}, {n: [] for n in factories}
        n_bare = n_ours = 0
        for _ in range(args.repeat):
            bare, n_bare = timed(bare_calamine, path, 1)
            bare_runs.append(bare)
            for name, factory in factories.items():
                with factory.fresh() as url:
                    schema_s, ingest_s, n_ours = timed_ingest(path, url)
                schema_runs[name].append(schema_s)
                ingest_runs[name].append(ingest_s)
        if args.profile:
            for name, factory in factories.items():
                print(f"\n### cProfile, {LABEL[name]}")
                with factory.fresh() as url:
                    profile_ingest(path, url)
        opx = None if args.skip_openpyxl else timed(pandas_openpyxl, path, 1)[0]
        print(f"After: {load()}")

        print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(f"File: {args.rows:,} rows × 20 columns, {path.stat().st_size / 1e6:.1f} MB; median of {args.repeat}")
        for factory in factories.values():
            shown = ", ".join(f"{k}={v}" for k, v in factory.settings.items())
            print(f"- {factory.description}: {shown}")
        bare = statistics.median(bare_runs)
        names = list(factories)
        print("\n| step | " + " | ".join(f"{LABEL[n]} median s | × bare parse" for n in names) + " |")
        print("|---|" + "---|---|" * len(names))
        print(f"| bare python-calamine parse ({n_bare - 1:,} rows), no database | "
              + " | ".join(f"{bare:.2f} | 1.00" for _ in names) + " |")
        print("| schema set-up in an empty database (not in the ingest) | "
              + " | ".join(f"{statistics.median(schema_runs[n]):.2f} | –" for n in names) + " |")
        ours = {n: statistics.median(ingest_runs[n]) for n in names}
        print(f"| **whole ingest: read, map, validate, store ({n_ours:,} rows)** | "
              + " | ".join(f"**{ours[n]:.2f}** | **{ours[n] / bare:.2f}**" for n in names) + " |")
        if opx is not None:
            print(f"| pandas.read_excel, openpyxl, no database | {opx:.2f} | {opx / bare:.2f} |"
                  + " (same) | |" * (len(names) - 1))
        print("| peak resident memory of one ingest, MB (of which imported libraries) | "
              + " | ".join(f"{memory[n][0]:.0f} ({memory[n][1]:.0f}) | –" for n in names) + " |")
        print()
        for n in names:
            print(f"{LABEL[n]} ingest runs: {', '.join(f'{t:.2f}' for t in ingest_runs[n])} s")
        if {"sqlite", "postgresql"} <= set(names):
            ratio = ours["postgresql"] / ours["sqlite"]
            verdict = "met" if ratio <= 1.0 else "not met"
            print(f"PostgreSQL / SQLite, whole ingest: {ratio:.2f} (goal: at most 1.00 — {verdict})")
        print(f"bare parse runs: {', '.join(f'{t:.2f}' for t in bare_runs)} s")


if __name__ == "__main__":
    main()
