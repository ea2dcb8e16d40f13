"""Which uploads a year's numbers rest on, the newest upload time, and the last upload of each kind.

Read-only questions to the upload log and the data tables. A live row of the year rests on the
upload that stored it and on every later upload that carried it unchanged (table `carried`), so
both are listed; undone uploads hold no live row and are never listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import pandas as pd
from sqlalchemy import Engine, text

from metrics.store import list_uploads, tables


@dataclass(frozen=True)
class UploadLine:
    """One upload as the appendix lists it; `rows` is how many live rows of the year it holds (None: not asked)."""

    id: int
    created_at: datetime
    uploaded_by: str
    filename: str
    kind: str
    rows: int | None = None


def _rows_per_upload_sql(table: str) -> str:
    # Table names come from the schema, never from a caller.
    return (
        f"SELECT upload_id, COUNT(*) AS n FROM {table} WHERE active AND year = :y GROUP BY upload_id "
        f"UNION ALL SELECT c.upload_id, COUNT(*) AS n FROM carried c JOIN {table} r ON r.id = c.row_id "
        f"WHERE c.table_name = '{table}' AND r.active AND r.year = :y GROUP BY c.upload_id"
    )


def rows_per_upload(engine: Engine, year: int) -> dict[int, int]:
    """Upload id -> live rows of `year` it stored or carried, over every data table."""
    out: dict[int, int] = {}
    with engine.connect() as conn:
        for table in tables.DATA_TABLES:
            for upload_id, n in conn.execute(text(_rows_per_upload_sql(table.name)), {"y": year}):
                out[int(upload_id)] = out.get(int(upload_id), 0) + int(n)
    return out


def _line(row: Any, rows: int | None = None) -> UploadLine:
    return UploadLine(int(row.id), pd.Timestamp(row.created_at).to_pydatetime(), row.uploaded_by or "",
                      row.filename, row.kind, rows)


def year_sources(
    engine: Engine, year: int
) -> tuple[tuple[UploadLine, ...], tuple[UploadLine, ...], datetime | None]:
    """(uploads holding the year's live rows, oldest first; the last live upload of each kind; newest upload time)."""
    log = list_uploads(engine)
    live = log[log["undone_at"].isna()] if not log.empty else log
    counts = rows_per_upload(engine, year)
    records = cast("Iterable[Any]", live.sort_values("id").itertuples())  # the upload log's rows: cells untyped
    behind = tuple(_line(r, counts[int(r.id)]) for r in records if int(r.id) in counts)
    last = tuple(_line(r) for r in live.sort_values("id", ascending=False).drop_duplicates("kind").sort_values("kind").itertuples())
    newest = None if live.empty else pd.Timestamp(live["created_at"].max()).to_pydatetime()
    return behind, last, newest
