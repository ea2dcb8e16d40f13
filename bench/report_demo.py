"""The demo year's report for docs/: `python -m metrics report --year 2025 --format pdf` on the demo database,
and a PNG of its first page for the README (bench/pdf_png.py, poppler's pdftoppm).

Usage: .venv/bin/python bench/report_demo.py [--year 2025] [--db sqlite:///path.db]
Without --db, the screenshots' demo database in bench/out/demo (built once, as `make run` builds its own).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pdf_png import pdf_to_png  # noqa: E402
from bench.screenshots import demo_url  # noqa: E402

DOCS = ROOT / "docs"
PNG_DPI = 80  # the README shows it at about 660 px wide


def main(argv: list[str] | None = None) -> int:
    """Write docs/report-demo-YEAR.pdf with the command a scheduled job runs, then its first page as a PNG."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--db", help="database URL (default: the bench demo database)")
    args = parser.parse_args(argv)
    os.environ.setdefault("PSEUDONYM_KEY", "bench-key-not-secret-0123456789abcdef")
    url = args.db or demo_url()
    pdf = DOCS / f"report-demo-{args.year}.pdf"
    subprocess.run([sys.executable, "-m", "metrics", "report", "--year", str(args.year), "--format", "pdf",
                    "--out", str(pdf)], cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=True)
    png = pdf_to_png(pdf, DOCS / f"report-demo-{args.year}.png", pages=1, dpi=PNG_DPI)
    print(f"{pdf.relative_to(ROOT)}\n{png.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
