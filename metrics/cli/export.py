"""`python -m metrics export`: the explorer's exports on the command line, for automation.

    export DATASET [--year YYYY] [--where COLUMN=VALUE ...] [--format csv|xlsx] [--out FILE]
    export --kpi KPI_ID [--year YYYY] [--where COLUMN=VALUE ...] [--format csv|xlsx] [--out FILE]

The rows are the explorer's (metrics.explore.load) or the rows behind a KPI (metrics.kpi.kpi_rows), judged
as of today like the page; the bytes are the page's (metrics.explore.export: CSV in UTF-8 with BOM, XLSX, formula
cells neutralised). Headers and codes stay as stored (case_type, cert_review), which scripts can rely on;
the page shows them in words. Every export is recorded in the audit log under the operating-system user.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy import Engine

FORMATS = ("csv", "xlsx")


def add_export_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `export` on the main parser's subparsers (the explorer is imported only when it runs)."""
    ex = subparsers.add_parser(
        "export", help="export a dataset or the rows behind a KPI / 자료 또는 지표 근거 행 내보내기",
        description="DATASET as the explorer names them (exhibitor_survey, trainee_survey, cases, ...; an unknown "
                    "name lists them all). --where COLUMN=VALUE keeps rows whose COLUMN equals VALUE (repeat it; "
                    "the same column twice keeps either value); course matches every spelling of the course; "
                    "a KPI judging the rows and its state (cs.monitor_phone_greeting=missed, cert.review_15d=late) "
                    "keeps the rows that KPI judged so, as the explorer's KPI judgement filter.",
    )
    ex.add_argument("dataset", nargs="?", metavar="DATASET")
    ex.add_argument("--kpi", metavar="KPI_ID", help="the rows behind this KPI's number instead of a dataset")
    ex.add_argument("--year", type=int, help="the year (a dataset: all years when left out; a KPI: the scorecard's year)")
    ex.add_argument("--where", action="append", default=[], metavar="COLUMN=VALUE", type=_condition)
    ex.add_argument("--format", choices=FORMATS, default="csv")
    ex.add_argument("--out", type=Path, metavar="FILE", help="where to write (default: standard output)")


def _condition(text: str) -> tuple[str, str]:
    column, sep, value = text.partition("=")
    if not sep or not column.strip():
        raise argparse.ArgumentTypeError(f"COLUMN=VALUE 형식으로 적습니다: '{text}' / write COLUMN=VALUE, not '{text}'")
    return column.strip(), value.strip()


def run_export(args: argparse.Namespace) -> int:
    """Write the export; 0 on success. Rejected input raises ValueError (one line, exit 2, from cli.main)."""
    from metrics.store import get_engine

    if bool(args.dataset) == bool(args.kpi):
        raise ValueError("자료 이름이나 --kpi 중 하나만 적습니다 / give either a DATASET or --kpi, not both or neither")
    if args.format == "xlsx" and args.out is None and sys.stdout.isatty():
        raise ValueError("XLSX는 --out 파일로 씁니다 / XLSX needs --out FILE")
    engine = get_engine()
    export = _kpi_rows(engine, args) if args.kpi else _dataset(engine, args)
    _write(export.frame, args.format, args.out, export.sheet)
    _audit(engine, export, args.format)
    where = args.out or "stdout"
    rows = len(export.frame)
    print(f"{export.summary}: {rows:,}행 → {where} / {rows:,} rows → {where}", file=sys.stderr)
    return 0


@dataclass(frozen=True)
class _Export:
    frame: pd.DataFrame
    sheet: str
    what: str  # for the audit log: the dataset (or kpi_rows) and the filters
    summary: str  # for the person running it
    year: int | None = None
    kpi_id: str | None = None


def _dataset(engine: Engine, args: argparse.Namespace) -> _Export:
    from metrics import clock, explore

    try:
        explore.dataset(args.dataset)
    except KeyError:
        known = ", ".join(d.name for d in explore.datasets())
        raise ValueError(f"없는 자료입니다: '{args.dataset}' (있는 자료: {known}) / unknown dataset "
                         f"'{args.dataset}' (known: {known})") from None
    filters, rest = explore.split_where(args.dataset, args.where)
    if args.year:
        filters = replace(filters, years=tuple(dict.fromkeys((args.year, *filters.years))))
    frame = explore.where(explore.load(engine, args.dataset, filters, today=clock.today()), rest)
    described = "; ".join(p for p in (filters.describe(), _conditions_text(rest)) if p)
    what = args.dataset + (f" [{described}]" if described else "")
    return _Export(frame, args.dataset, what, what, args.year)


def _kpi_rows(engine: Engine, args: argparse.Namespace) -> _Export:
    from metrics import clock, explore
    from metrics.kpi.kpi_rows import kpi_rows

    found = kpi_rows(engine, args.kpi, args.year, today=clock.today())
    rest: dict[str, tuple[str, ...]] = {}
    for column, value in args.where:
        rest[column] = (*rest.get(column, ()), value)
    frame = explore.where(found.rows, rest)
    r = found.result
    counts = ", ".join(f"{state} {n:,}" for state, n in found.counts().items())
    summary = (f"{r.id} {r.year}: value {'–' if r.value is None else f'{r.value:g}'}, numerator {r.numerator}, "
               f"denominator {r.denominator}, pending {r.pending} ({counts})")
    what = "kpi_rows" + (f" [{_conditions_text(rest)}]" if rest else "")
    return _Export(frame, r.id, what, summary, r.year, r.id)


def _conditions_text(conditions: Mapping[str, Iterable[str]]) -> str:
    return "; ".join(f"{column}={','.join(values)}" for column, values in conditions.items())


def _write(frame: pd.DataFrame, fmt: str, out: Path | None, sheet: str) -> None:
    from metrics.explore.export import to_csv_bytes, to_xlsx_bytes

    data = to_csv_bytes(frame) if fmt == "csv" else to_xlsx_bytes(frame, sheet_name=sheet)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.write_bytes(data)


def _audit(engine: Engine, export: _Export, fmt: str) -> None:
    """The entry the page writes for an export, under the operating-system user."""
    from metrics.access import audit
    from metrics.cli.users import cli_actor

    detail: dict[str, object] = {"what": export.what, "format": fmt, "rows": len(export.frame)}
    detail |= {k: v for k, v in (("year", export.year), ("kpi_id", export.kpi_id)) if v is not None}
    audit.record(engine, cli_actor(), "export", detail)
