"""Ingest benchmark: a 100,000-row × 20-column survey export, whole ingest vs the bare calamine parse.

Run: .venv/bin/python bench/bench_ingest.py [--rows N] [--repeat R]
The generated file is cached in bench/out/. Prints a markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
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


def whole_ingest(path: Path) -> int:
    from metrics import store
    from metrics.ingest import ingest_file

    with tempfile.TemporaryDirectory() as tmp:
        engine = store.get_engine(f"sqlite:///{tmp}/bench.db")
        report = ingest_file(engine, path.read_bytes(), path.name, kind="trainee_survey")
        engine.dispose()
        assert report.status == "imported", report.message
        return report.rows_imported


def peak_memory_mb(path: Path) -> float:
    """Peak resident memory of one whole ingest in a fresh process (imports included)."""
    code = (
        "import resource, sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
        "from bench.bench_ingest import whole_ingest; whole_ingest(Path(sys.argv[2]));"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(ROOT), str(path)], capture_output=True, text=True, check=True,
                         env={**os.environ, "PSEUDONYM_KEY": "bench-key-not-secret-0123456789abcdef"})
    return int(out.stdout.split()[-1]) / 1024  # ru_maxrss is in KiB on Linux


def imports_memory_mb() -> float:
    code = "import resource, metrics.ingest, metrics.store; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return int(out.stdout.split()[-1]) / 1024


def profile_ingest(path: Path, top: int = 25) -> None:
    """One whole ingest under cProfile: the functions that take the most time of their own (the stage table)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(whole_ingest, path)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def timed(fn, path: Path, repeat: int) -> tuple[float, int]:
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = fn(path)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-openpyxl", action="store_true")
    parser.add_argument("--profile", action="store_true", help="also print one ingest's cProfile (the stage table)")
    args = parser.parse_args()
    os.environ.setdefault("PSEUDONYM_KEY", "bench-key-not-secret-0123456789abcdef")
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"survey_{args.rows}x20.xlsx"
    if not path.exists():
        t0 = time.perf_counter()
        make_survey_xlsx(path, args.rows)
        print(f"generated {path.name} in {time.perf_counter() - t0:.1f} s ({path.stat().st_size / 1e6:.1f} MB)")

    # Memory first, in fresh processes: a child forked from a big parent inherits its high-water mark.
    peak, libraries = peak_memory_mb(path), imports_memory_mb()
    bare, n_bare = timed(bare_calamine, path, args.repeat)
    ours, n_ours = timed(whole_ingest, path, args.repeat)
    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"File: {args.rows:,} rows × 20 columns, {path.stat().st_size / 1e6:.1f} MB\n")
    print("| step | median s | × bare parse |\n|---|---|---|")
    print(f"| bare python-calamine parse ({n_bare - 1:,} rows) | {bare:.2f} | 1.00 |")
    print(f"| whole ingest: read, map, validate, store ({n_ours:,} rows) | {ours:.2f} | {ours / bare:.2f} |")
    print(f"\nPeak resident memory of one ingest: {peak:.0f} MB (of which imported libraries: {libraries:.0f} MB)")
    if args.profile:
        profile_ingest(path)
    if not args.skip_openpyxl:
        opx, _ = timed(pandas_openpyxl, path, 1)
        print(f"| pandas.read_excel, openpyxl | {opx:.2f} | {opx / bare:.2f} |")


if __name__ == "__main__":
    main()
