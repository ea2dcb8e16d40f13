"""Bounded work: hostile and odd files that the size limit lets through, each answered in a fresh process.

Run: .venv/bin/python bench/bench_bounded.py [--only NAME ...] [--timeout S]
Builds every file into bench/out/bounded/ (kept, so a rerun measures the same bytes), then runs one dry-run
ingest per file in a new Python process (as the CLI and the upload wizard do: read, find the table, detect,
map, validate) and prints a markdown table for docs/performance.md: file size, seconds for the ingest call
(wall clock, and CPU time, which depends less on what else the machine runs), seconds for the whole process
(imports included), peak resident memory (ru_maxrss, imports included) and the answer. Goal: every file up to MAX_UPLOAD_MB answered within 60 s and 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out" / "bounded"
GOAL_SECONDS, GOAL_MB = 60, 1536

from tests import hostile_files as hostile  # noqa: E402  (after the path is set)
from tests.test_filesafety import biff_workbook, ole_bytes  # noqa: E402

EVENT_LINE = "워크숍,2026-{m:02d}-{d:02d},상하수도 기술 워크숍 제{i}회,{n}\r\n"
CSV_BYTES = 48 * 1024 * 1024  # under the 50 MB upload limit


def _event_lines(encoding: str) -> list[str]:
    """Events lines under a header, about CSV_BYTES once written in `encoding`."""
    lines, size, i = ["행사구분,개최일,행사명,참석인원\r\n"], 0, 0
    while size < CSV_BYTES:
        line = EVENT_LINE.format(m=1 + i % 12, d=1 + i % 28, i=i, n=10 + i % 90)
        lines.append(line)
        size += len(line.encode(encoding))
        i += 1
    return lines


def cp949_csv() -> bytes:
    return "".join(_event_lines("cp949")).encode("cp949")


def mixed_csv() -> bytes:
    """A CP949 file in which every tenth line was pasted in from a UTF-8 one."""
    lines = _event_lines("cp949")
    return b"".join(line.encode() if i % 10 == 5 else line.encode("cp949") for i, line in enumerate(lines))


def nul_csv() -> bytes:
    """A UTF-8 file with a NUL byte in every hundredth line."""
    lines = _event_lines("utf-8")
    return "".join(line.replace(",", ",\x00", 1) if i % 100 == 50 else line for i, line in enumerate(lines)).encode()


# name -> (what it is, file name, builder). The first three are the cases issue 8 reported.
CASES: dict[str, tuple[str, str, Callable[[], bytes]]] = {
    "eight_corners": ("8 sheets, each A1 plus a cell at T999999 (20 M cells, just under the old per-sheet cap)",
                      "corners.xlsx", lambda: hostile.far_corner_sheets(8, "T999999")),
    "sheets_10000": ("10,000 sheets of a small events table", "sheets.xlsx", lambda: hostile.many_sheets(10_000)),
    "merged_380000": ("380,000 merged ranges (one range over the header, repeated)", "merged.xlsx",
                      lambda: hostile.repeated_merges(380_000)),
    "sheets_500": ("500 sheets (the limit): every sheet previewed, one read", "sheets500.xlsx",
                   lambda: hostile.many_sheets(500)),
    "ods_10000": ("ODS with 10,000 tables (the parser reads them all on open)", "tables.ods",
                  lambda: hostile.ods_many_tables(10_000)),
    "merged_99000_header": ("99,000 distinct overlapping merged ranges over a 16,384-wide header", "header.xlsx",
                            lambda: hostile.overlapping_header_merges(99_000)),
    "merged_99000_down": ("99,000 overlapping ranges merged down a 20 x 999,999 sheet", "down.xlsx",
                          lambda: hostile.tall_merges_down(99_000)),
    "corner_ZZ99999": ("one sheet, numbers only, a cell at ZZ99999 (70 M cells; passed the old quick bound)",
                       "zz.xlsx", lambda: hostile.number_corner("ZZ99999")),
    "corner_Z999999": ("one sheet A1:Z999999 (26 M cells, under the quick bound)", "z.xlsx",
                       lambda: hostile.far_corner_sheets(1, "Z999999")),
    "wide_csv": ("CSV of 16,385 columns", "wide.csv", lambda: hostile.wide_csv(16_385)),
    "wide_xls": ("xls with a cell in column 40,001", "wide.xls",
                 lambda: ole_bytes({"Workbook": biff_workbook({"S": [(0, 0, 1.0), (1, 0, 2.0), (0, 40_000, 3.0)]})})),
    "csv_cp949": ("CP949 events CSV near the size limit (honest)", "cp949.csv", cp949_csv),
    "csv_mixed": ("the same with every tenth line in UTF-8", "mixed.csv", mixed_csv),
    "csv_nul": ("UTF-8 events CSV with a NUL in every hundredth line", "nul.csv", nul_csv),
}

CHILD = """
import json, resource, sys, tempfile, time
sys.path.insert(0, sys.argv[1])
from metrics import store
from metrics.intake.ingest import ingest_file
path = sys.argv[2]
data = open(path, "rb").read()
with tempfile.TemporaryDirectory() as tmp:
    engine = store.get_engine(f"sqlite:///{tmp}/bench.db")
    t0, cpu0 = time.perf_counter(), time.process_time()
    report = ingest_file(engine, data, path.rsplit("/", 1)[-1], dry_run=True)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    engine.dispose()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak, "status": report.status, "message": str(report.message),
                  "held": report.rows_held, "valid": report.rows_valid, "total": report.rows_total}))
"""


def run_case(path: Path, timeout: float) -> dict:
    """One dry-run ingest of `path` in a fresh process; its figures, or why there are none."""
    env = {**os.environ, "PSEUDONYM_KEY": os.environ.get("PSEUDONYM_KEY", "bench-key-not-secret-0123456789abcdef")}
    t0 = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(path)], capture_output=True, text=True,
                              timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"no answer within {timeout:.0f} s", "wall": timeout}
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        return {"error": f"exit {done.returncode}: {done.stderr.strip().splitlines()[-1:]}", "wall": wall}
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "wall": wall}


def _answer(result: dict) -> str:
    if "error" in result:
        return result["error"]
    if result["status"] == "rejected" and "No valid rows" in result["message"]:
        return f"refused: no valid row ({result['total']:,} rows under the header, {result['held']:,} held)"
    if result["status"] == "rejected":
        return "refused: " + result["message"].split(" / ", 1)[-1][:110]
    return f"read: {result['valid']:,} rows valid, {result['held']:,} held"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), help="run these cases only")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    names = args.only or list(CASES)
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    print("\n| file | size | ingest s | ingest CPU s | process s | peak MB | within goal | answer |\n"
          "|---|---|---|---|---|---|---|---|")
    for name in names:
        what, filename, build = CASES[name]
        path = OUT / f"{name}-{filename}"
        if not path.exists():
            path.write_bytes(build())
        result = run_case(path, args.timeout)
        size = path.stat().st_size
        shown = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} KB"
        if "error" in result:
            print(f"| {what} | {shown} | – | – | {result['wall']:.1f} | – | no | {_answer(result)} |", flush=True)
            continue
        ok = result["wall"] <= GOAL_SECONDS and result["peak_mb"] <= GOAL_MB
        print(f"| {what} | {shown} | {result['seconds']:.1f} | {result['cpu']:.1f} | {result['wall']:.1f} | "
              f"{result['peak_mb']:,.0f} | "
              f"{'yes' if ok else 'no'} | {_answer(result)} |", flush=True)
    print(f"\nLoad average {os.getloadavg()[0]:.1f} at the end (other processes share the cores: figures scale with it).")


if __name__ == "__main__":
    main()
