"""Values no real record holds, held back with a finding: a negative head count, a phone that rang for
an hour, a date in year 1 or 9999, a year after next.

The bounds are data, not code: each count's `range` and the `[plausible]` years live in the data
contract (config/contract.toml). A value that a builder has already reported (not a number, negative)
is not reported twice, and a row held for an implausible date is not reported again for the year that
date gives.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from metrics import clock
from metrics.intake.values import parse_numbers

if TYPE_CHECKING:  # canonical calls this module; the types only are needed here
    from metrics.contract import Contract, KindSpec
    from metrics.intake.canonical import Built, MappedTable
    from metrics.intake.findings import IssueLog

DATE_TYPES = ("date", "datetime")


def hold_implausible(
    t: MappedTable, built: Built, kind: KindSpec, contract: Contract, *, today: date | None = None
) -> None:
    """Hold back every row with a count outside its column's range or a date or year outside the plausible years."""
    log, rows = built.log, built.rows
    reported = _Reported(log)
    for spec in kind.columns:
        header, raw = t.raw(spec.role)
        if header is None or raw is None:
            continue
        if spec.range is not None:
            values = rows[spec.role] if spec.role in rows.columns else parse_numbers(raw).values
            low, high = spec.range
            numbers = _floats(values)
            outside = (numbers < low) | (numbers > high)  # NaN compares False: empty cells pass
            _flag(log, t, outside, header, raw, "implausible", spec.range_text, reported)
        elif spec.type in DATE_TYPES and spec.role in rows.columns and contract.plausible is not None:
            first, last = contract.plausible.years(today or clock.today())
            years = _floats(rows[spec.role].dt.year)
            _flag(log, t, (years < first) | (years > last), header, raw, "implausible_date", f"{first}–{last}",
                  reported)
    if "year" in rows.columns and contract.plausible is not None:
        first, last = contract.plausible.years(today or clock.today())
        years = _floats(rows["year"])
        header, raw = t.raw("exhibition_year")  # else the year came from a date or from the upload
        outside = ((years < first) | (years > last)) & ~log.held  # a held date has said it already
        _flag(log, t, outside, header or "", raw, "implausible_year", f"{first}–{last}", reported)


class _Reported:
    """Excel rows that already have a finding, per column (gathered only if something is implausible)."""

    def __init__(self, log: IssueLog) -> None:
        self.log = log
        self.found: dict[str, set[int]] | None = None

    def rows(self, column: str) -> set[int]:
        if self.found is None:
            self.found = {}
            for issue in self.log.issues:
                self.found.setdefault(issue.column, set()).add(issue.row)
        return self.found.get(column, set())


def _flag(log: IssueLog, t: MappedTable, mask: np.ndarray, header: str, raw: pd.Series | None, code: str,
          expected: str, reported: _Reported) -> None:
    if not mask.any():
        return
    rows = reported.rows(header)
    if rows:
        mask = mask & ~np.isin(t.excel_rows, list(rows))
    log.flag(mask, header, raw, code, expected)


def _floats(values: pd.Series) -> np.ndarray:
    """Any numeric or nullable column as floats, NaN where empty."""
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
