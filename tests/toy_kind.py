"""The toy kind's builder and table (declared in tests/fixtures/toy_kind.toml): what a new upload kind adds
besides its declaration, kept in the tests folder to prove that no project file needs editing."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Column, Date, Integer, MetaData, String, Table

from metrics.contract import Contract, KindSpec
from metrics.contract.kinds import builds
from metrics.intake.canonical import Built, MappedTable, UploadOptions
from metrics.intake.findings import IssueLog
from metrics.intake.values import clean_text, normalise_key, parse_dates, parse_ints
from metrics.store import tables

# Its own MetaData, so the application's schema never holds it; uploads is copied in for the foreign key.
metadata = MetaData()
tables.uploads.to_metadata(metadata)
visits = tables.add_data_table(Table(
    "toy_visits", metadata, *tables.row_columns(),
    Column("visit_type", String(40), nullable=False),
    Column("visitor", String(300)),
    Column("visited", Date, nullable=False),
    Column("guests", Integer),
    Column("year", Integer, nullable=False),
))


@builds("toy_visits")
def build_visits(t: MappedTable, kind: KindSpec, opts: UploadOptions, contract: Contract) -> Built:
    """Visits: a known type and a date, or the row is held back."""
    log = IssueLog(t.sheet, t.excel_rows)
    header, raw = t.raw("visited")
    visited = parse_dates(raw)
    log.flag(visited.bad | visited.values.isna().to_numpy(), header, raw, "bad_date")
    header, raw = t.raw("visit_type")
    labels = {normalise_key(label): key for key, names in contract.enums["visit_type"].items() for label in names}
    visit_type = clean_text(raw).map(lambda v: labels.get(normalise_key(v)) if isinstance(v, str) else None)
    log.flag(visit_type.isna().to_numpy(), header, raw, "unknown_type")
    guests = parse_ints(t.raw("guests")[1]).values if t.raw("guests")[1] is not None else pd.NA
    rows = pd.DataFrame({
        "visit_type": visit_type.astype("str"),
        "visitor": clean_text(t.raw("visitor")[1]),
        "visited": visited.values,
        "guests": guests,
        "year": visited.values.dt.year.astype("Int64"),
        "excel_row": t.excel_rows,
    })
    return Built(rows, log)
