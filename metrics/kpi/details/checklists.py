"""Checklist stories, registered with the share_true measure (metrics.kpi.measures): the rows by the kind's own
grouping (department, channel, page ... as the data contract's `group_by` says, else by month), each item's share,
and the rows that missed with the items they missed.

All of it judged by the measure's own rule (item_results, checked_and_met), so the page adds up to the card.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from metrics.contract import load_contract
from metrics.kpi.measures.base import filter_rows
from metrics.kpi.measures.checklists import checked_and_met, item_results

if TYPE_CHECKING:
    from metrics.kpi.registry import Kpi, Registry
    from metrics.store.frames import YearFrames

COUNT_COLUMNS = ["checks", "passed", "failed", "unchecked", "share"]
ITEM_COLUMNS = ["item", "limit", "checks", "passed", "failed", "share"]
NO_GROUP = "—"  # a row whose group cell is blank


def group_column(kpi: Kpi, rows: pd.DataFrame) -> str | None:
    """The first of the kind's `group_by` columns the KPI's filter leaves open (a KPI on phone calls is not broken
    down by channel) and the rows carry; None: by month."""
    for column in load_contract().kind(kpi.source).group_by:
        if len(kpi.filter.get(column, ())) != 1 and column in rows.columns:
            return column
    return None


def _rows(kpi: Kpi, frames: YearFrames) -> pd.DataFrame:
    return filter_rows(frames.frame(kpi.source), kpi.filter)


def by_group(kpi: Kpi, frames: YearFrames, today: date, registry: Registry | None = None) -> pd.DataFrame:
    """Per group (or month): rows checked, passed (every checked item met), failed, not checked, and the share;
    the weakest group first, months in order."""
    rows = _rows(kpi, frames)
    column = group_column(kpi, rows)
    name = column or "month"
    if rows.empty:
        return pd.DataFrame(columns=[name, *COUNT_COLUMNS])
    checked, met = checked_and_met(rows, kpi.params)
    keys: np.ndarray  # a group's name, or the month
    if column:
        keys = rows[column].astype("object").where(rows[column].notna(), NO_GROUP).astype("str").to_numpy()
    else:
        keys = pd.to_datetime(rows[load_contract().kind(kpi.source).period]).dt.month.astype("Int64").to_numpy()
    frame = pd.DataFrame({name: keys, "checked": checked, "met": met})
    grouped = frame.groupby(name, sort=True)
    out = pd.DataFrame({"checks": grouped["checked"].sum(), "passed": grouped["met"].sum(), "size": grouped.size()})
    out["failed"] = out["checks"] - out["passed"]
    out["unchecked"] = out["size"] - out["checks"]
    out["share"] = (out["passed"] / out["checks"].where(out["checks"] > 0)).astype("float64")
    out = out.reset_index()[[name, *COUNT_COLUMNS]].astype({c: "int64" for c in COUNT_COLUMNS[:-1]})
    if column:  # where to look first: the lowest share, then the most failures
        out = out.sort_values(["share", "failed", name], ascending=[True, False, True], na_position="last")
    return out.reset_index(drop=True)


def item_shares(kpi: Kpi, frames: YearFrames, today: date) -> pd.DataFrame:
    """Each item of the KPI in its order: rows where it was checked, met and not met, and its share; a number
    item with its limit."""
    rows = _rows(kpi, frames)
    limits = kpi.params.get("at_most") or {}
    records = []
    for item, (known, good) in item_results(rows, kpi.params).items():
        checks, passed = int(known.sum()), int(good.sum())
        records.append({"item": item, "limit": float(limits[item]) if item in limits else np.nan, "checks": checks,
                        "passed": passed, "failed": checks - passed, "share": passed / checks if checks else np.nan})
    return pd.DataFrame(records, columns=ITEM_COLUMNS)


def missed_rows(kpi: Kpi, frames: YearFrames, today: date) -> pd.DataFrame:
    """The rows that missed (a checked item not met), oldest first: when, which one, its items, and the items missed
    as codes joined by ", "."""
    rows = _rows(kpi, frames)
    kind = load_contract().kind(kpi.source)
    items = item_results(rows, kpi.params)
    wanted = [kind.period, *(c for c in (kind.type_column, *kind.group_by, *kind.story) if c and c != "id"), *items]
    shown = [c for c in dict.fromkeys(wanted) if c in rows.columns]
    if rows.empty:
        return pd.DataFrame(columns=[*shown, "failed_items"])
    failed = np.zeros(len(rows), dtype=bool)
    names = pd.Series("", index=rows.index, dtype="object")
    for item, (known, good) in items.items():
        missed = known & ~good
        failed |= missed
        names = names.where(~missed, names.where(names == "", names + ", ") + item)
    out = rows.loc[failed, shown].assign(failed_items=names[failed].astype("str"))
    return out.sort_values(kind.period, kind="stable").reset_index(drop=True)
