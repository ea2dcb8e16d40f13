"""The toy checklist kind's builder and table (declared in tests/fixtures/toy_checklist.toml): yes/no items that
may be blank, the kind the checklist measure share_true reads, added without editing a project file."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table

from metrics.contract import Contract, KindSpec
from metrics.contract.kinds import builds
from metrics.intake.canonical import Built, MappedTable, UploadOptions
from metrics.intake.findings import IssueLog
from metrics.intake.service_kinds import yes_no_items
from metrics.intake.values import clean_text, parse_dates
from metrics.store import tables

# Its own MetaData, so the application's schema never holds it; uploads is copied in for the foreign key.
metadata = MetaData()
tables.uploads.to_metadata(metadata)
checks = tables.add_data_table(Table(
    "toy_safety_checks", metadata, *tables.row_columns(),
    Column("checked_on", Date, nullable=False),
    Column("site", String(200)),
    Column("helmets", Boolean),  # blank: not checked
    Column("logbook", Boolean),
    Column("year", Integer, nullable=False),
))


@builds("toy_safety_checks")
def build_checks(t: MappedTable, kind: KindSpec, opts: UploadOptions, contract: Contract) -> Built:
    """Safety checks: a date, or the row is held back; each item yes, no or blank."""
    log = IssueLog(t.sheet, t.excel_rows)
    header, raw = t.raw("checked_on")
    checked_on = parse_dates(raw)
    log.flag(checked_on.bad | checked_on.values.isna().to_numpy(), header, raw, "bad_date")
    rows = pd.DataFrame({
        "checked_on": checked_on.values,
        "site": clean_text(t.raw("site")[1]),
        **yes_no_items(t, log, kind.roles_of("yesno")),
        "year": checked_on.values.dt.year.astype("Int64"),
        "excel_row": t.excel_rows,
    })
    return Built(rows, log)
