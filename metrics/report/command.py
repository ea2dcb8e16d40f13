"""`python -m metrics report`: write the yearly report for a schedule (exit 0 written, 1 not; never asks anything)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from metrics.report import FORMATS


def add_report_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `report` subcommand and its options."""
    rep = subparsers.add_parser("report", help="the yearly charter report / 고객헌장 이행실적 보고서")
    rep.add_argument("--year", type=int, help="the year (default: the latest year with data) / 연도")
    rep.add_argument("--format", choices=FORMATS, required=True, dest="fmt", help="xlsx, pdf or html / 형식")
    rep.add_argument("--out", type=Path, required=True, help="the file to write (replaced atomically) / 저장할 파일")
    rep.add_argument("--lang", choices=("ko", "en"), default="ko", help="language (default ko) / 언어")


def run_report(args: argparse.Namespace) -> int:
    """Build and write the report; one line on success, one bilingual error line and 1 on failure."""
    from sqlalchemy.exc import SQLAlchemyError

    from metrics.access import audit
    from metrics.cli.users import cli_actor
    from metrics.report import write_report
    from metrics.store import database, get_engine
    from metrics.store.frames import default_year

    try:
        engine = get_engine()
        year = args.year or default_year(engine)
        report = write_report(engine, year, args.fmt, args.out, args.lang)
        audit.record(engine, cli_actor(), "export", {"what": "report", "format": args.fmt, "year": year})
    except SQLAlchemyError as exc:
        ko, en = database.failure_message(exc)
        print(f"error: {ko} / {en}", file=sys.stderr)
        return 1
    except (OSError, ValueError, RuntimeError) as exc:  # a path not writable, a font missing, a bad value
        print(f"error: {exc}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{status} {n}" for status, n in report.counts.items() if n)
    print(f"{args.out}: {year}년 보고서 / report of {year} ({len(report.results)} KPIs: {counts})")
    return 0
