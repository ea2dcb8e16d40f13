"""Checklist shares: the share of rows (monitored contacts, visits, remedies ...) where every checked item was met.

One generic measure for every yes/no column a kind declares, so a checklist KPI is a registry entry only:
`columns` names the yes/no columns that must all be yes, `at_most` the number columns that must stay at or below
a limit (waiting time). A blank cell means the item was not checked on that row (no transfer, nobody absent): a
row counts on the items that were checked, and a row where none was checked is left out, with a note.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.kpi.measures.base import Frames, KpiParams, MeasureResult, Period, share_result
from metrics.kpi.notes import Note, NoteCode


def item_results(rows: pd.DataFrame, params: KpiParams) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each item of the KPI (a yes/no column, a number column with its limit) -> (checked, met) per row."""
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for column in params.get("columns", ()):
        values = (rows[column] if column in rows.columns else pd.Series(pd.NA, index=rows.index)).astype("boolean")
        known = values.notna().to_numpy()
        out[column] = (known, known & values.fillna(False).to_numpy(dtype=bool))
    for column, limit in (params.get("at_most") or {}).items():
        numbers = pd.to_numeric(rows[column]).to_numpy(dtype=float, na_value=np.nan)
        measured = ~np.isnan(numbers)
        out[column] = (measured, measured & (np.where(measured, numbers, 0.0) <= float(limit)))
    return out


def checked_and_met(rows: pd.DataFrame, params: KpiParams) -> tuple[np.ndarray, np.ndarray]:
    """(checked, met) per row: some item of the KPI was checked; every checked item was met."""
    checked = np.zeros(len(rows), dtype=bool)
    met = np.ones(len(rows), dtype=bool)
    for known, good in item_results(rows, params).values():
        checked |= known
        met &= ~known | good
    return checked, met & checked


def share_true(rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames) -> MeasureResult:
    """Share of the year's rows, among those where an item was checked, that met every checked item."""
    checked, met = checked_and_met(rows, params)
    unchecked = int((~checked).sum())
    notes = (
        (Note(NoteCode.NOT_CHECKED_LEFT_OUT, f"기록이 비어 있는 {unchecked}건 제외",
              f"{unchecked} rows with none of the items recorded, left out"),)
        if unchecked else ()
    )
    return share_result(int(met.sum()), int(checked.sum()), None, notes, {"not_checked": unchecked})


def judge_checklist(rows: pd.DataFrame, params: KpiParams, period: Period) -> pd.DataFrame:
    """Each row with its state and reason: met, missed (an item not met) or excluded (nothing checked)."""
    checked, met = checked_and_met(rows, params)
    out = rows.copy()
    out["state"] = pd.Series(np.select([met, checked], ["met", "missed"], default="excluded"), index=rows.index)
    out["reason"] = pd.Series(np.select([met, checked], ["", "item_not_met"], default="not_checked"), index=rows.index)
    return out
