"""Text longer than its column holds, held back with a finding at validation.

The lengths are the store's own (the String columns of metrics.store.tables), so they cannot drift from the
tables: PostgreSQL would refuse such a cell (and the whole upload with it), SQLite would keep it
silently; both now get the same finding on the cell, and the rest of the file imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import String

from metrics.contract import kinds

if TYPE_CHECKING:  # canonical calls this module; the types only are needed here
    from metrics.contract import KindSpec
    from metrics.intake.canonical import Built, MappedTable

# Stored columns derived from another one: a finding names the column the person wrote.
SOURCE_ROLE = {"course_key": "course"}


def hold_too_long(t: MappedTable, built: Built, kind: KindSpec) -> None:
    """Flag every cell whose text is longer than its column in the store allows."""
    table = kinds.table_of(kind)
    for column in table.columns:
        limit = column.type.length if isinstance(column.type, String) else None
        if not limit or column.name not in built.rows.columns:
            continue
        lengths = built.rows[column.name].astype("str").str.len().to_numpy(dtype="float64", na_value=np.nan)
        too_long = lengths > limit  # NaN (empty) compares False
        if too_long.any():
            header, raw = t.raw(SOURCE_ROLE.get(column.name, column.name))
            built.log.flag(too_long, header or column.name, raw, "too_long", f"{limit:,}")
