"""The rows that missed a checklist KPI (share_true), as the report lists them.

The rows are asked of the measure's own details (`details.cases`, metrics.kpi.details.checklists.missed_rows),
the very list the area page shows, so a row is never judged again here. Of its columns only those that name a row
are kept, as the late-case list keeps a fixed few: the kind's date, then the kind's declared text and date columns
among those the details give (a reference, a department, a page, a summary). Never a personal column, a coded one
(the channel), an upload's bookkeeping or the item cells themselves: the items missed are said in words instead.
A KPI with many misses lists the first MISSES_SHOWN and counts the rest (the explorer and the area page list them all).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from metrics.contract import load_contract

if TYPE_CHECKING:
    from metrics.kpi.registry import Kpi
    from metrics.store.frames import YearFrames

MISSES_SHOWN = 10  # rows listed per KPI: a page of the PDF at most; the rest are counted
MISSES_VIEW = "checklist_misses"  # the area page's view of the rows that missed (the measure's distribution_views)
NAMING_TYPES = ("text", "date")  # the declared column types that may name a row in the report
FAILED = "failed_items"  # the details' column of the items missed, as codes joined by ", "


@dataclass(frozen=True)
class Misses:
    """A checklist KPI's rows that missed in the year: the first few, and how many there are."""

    kind: str  # the upload kind of the rows (its columns' words)
    columns: tuple[str, ...]  # the kind's date first, then the columns naming a row
    rows: pd.DataFrame  # the rows listed, oldest first: `columns` and FAILED
    total: int  # every row that missed
    limits: Mapping[str, float] = field(default_factory=dict)  # a number item's limit (wait_minutes: 10)

    @property
    def more(self) -> int:
        """The rows that missed and are not listed."""
        return self.total - len(self.rows)


def lists_misses(kpi: Kpi) -> bool:
    """Whether the KPI's measure lists the rows that missed a checklist (its area page's `checklist_misses` view)."""
    details = kpi.spec.details
    return details.cases is not None and MISSES_VIEW in details.distribution_views


def checklist_misses(kpi: Kpi, frames: YearFrames, today: date, shown: int = MISSES_SHOWN) -> Misses | None:
    """The KPI's rows that missed as its details list them, cut to `shown`; None when no row missed."""
    details = kpi.spec.details.cases
    if details is None:
        return None
    missed = details(kpi, frames, today)
    if missed.empty:
        return None
    columns = naming_columns(kpi.source, missed.columns)
    rows = missed.head(shown)[[*columns, FAILED]].reset_index(drop=True)
    limits = {str(k): float(v) for k, v in (kpi.params.get("at_most") or {}).items()}
    return Misses(kpi.source, columns, rows, len(missed), limits)


def naming_columns(kind_name: str, available: Iterable[str]) -> tuple[str, ...]:
    """The kind's date, then its declared text and date columns among `available`, in that order."""
    kind = load_contract().kind(kind_name)
    given = list(available)
    naming = [c for c in given if c != kind.period and (spec := kind.column(c)) is not None and spec.type in NAMING_TYPES]
    return (*([kind.period] if kind.period in given else []), *naming)


def is_date(kind_name: str, column: str) -> bool:
    """Whether the kind declares `column` a date (drawn as a day, narrow in the PDF)."""
    spec = load_contract().kind(kind_name).column(column)
    return spec is not None and spec.type == "date"


def item_codes(cell: object) -> list[str]:
    """The items a row missed, from the details' cell ("greeting, name_given")."""
    return [c for c in str(cell).split(", ") if c] if isinstance(cell, str) else []
