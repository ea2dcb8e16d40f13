"""Case stories, registered with the case measures (metrics.kpi.measures): days taken, the late and pending
cases, and every deadline of the year side by side.

A measure that judges each case against a deadline (its `judge`, judge_cases) shows the days to the
answer and the cases it found late; one without (median days) shows days to completion.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from metrics.kpi.measures.base import Period, filter_rows
from metrics.kpi.measures.cases import completion_days

if TYPE_CHECKING:
    from metrics.kpi.registry import Kpi, Registry
    from metrics.store.frames import YearFrames

CASE_LIST_COLUMNS = ["ref", "title", "received", "done_on", "deadline", "days_taken", "state", "days_over"]
SUMMARY_COLUMNS = ["id", "title_ko", "case_type", "met", "late", "overdue", "pending", "share"]


def case_list(
    kpi: Kpi, frames: YearFrames, today: date, states: Iterable[str] = ("late", "overdue", "pending")
) -> pd.DataFrame:
    """Cases of a deadline KPI in the given states, with deadline and days over, latest first."""
    rows = filter_rows(frames.frame(kpi.source), kpi.filter)
    judge = kpi.spec.judge
    if judge is None or rows.empty:
        return pd.DataFrame(columns=CASE_LIST_COLUMNS)
    cls = judge(rows, kpi.params, Period(frames.year, today))
    cls = cls[cls["state"].isin(states)]
    keep = [c for c in ("ref", "title", "case_type", "received", "received_time", "completed", "completed_time", "interim",
                        "done_on", "deadline", "deadline_at", "days_taken", "state", "days_over") if c in cls.columns]
    listed: pd.DataFrame = cls[keep].sort_values(["state", "received"], ascending=[True, False]).reset_index(drop=True)
    return listed


def days_histogram(kpi: Kpi, frames: YearFrames, today: date) -> pd.DataFrame:
    """How many completed cases took each number of days, and whether that is within the deadline.

    A deadline KPI's cases are judged by its measure's judge (days to the answer, an interim notice where
    it counts); a KPI without a deadline shows days to completion, all "within".
    """
    rows = filter_rows(frames.frame(kpi.source), kpi.filter)
    if rows.empty:
        return pd.DataFrame(columns=["days", "count", "within"])
    judge = kpi.spec.judge
    judged = judge is not None
    if judge is not None:
        cls = judge(rows, kpi.params, Period(frames.year, today))
        done = cls[cls["state"].isin(("met", "late"))]
        taken, within = done["days_taken"].astype("int64"), done["state"] == "met"
    else:
        days = completion_days(rows, kpi.params)
        taken = pd.Series(days[~np.isnan(days)]).astype("int64")
        within = pd.Series(True, index=taken.index)
    grouped = within.groupby(taken.to_numpy())
    out = pd.DataFrame({"days": grouped.size().index.astype("int64"), "count": grouped.size().to_numpy(),
                        "within": grouped.all().to_numpy()})
    out.attrs["deadline"] = int(kpi.params["days"]) if judged else None
    return out


def case_type_summary(kpi: Kpi, frames: YearFrames, today: date, registry: Registry) -> pd.DataFrame:
    """Every KPI of the registry that judges the same kind's rows (each deadline) on the year's cases: met,
    late, overdue, pending, share."""
    period = Period(frames.year, today)
    cases = frames.frame(kpi.source)
    records = []
    for other in registry:
        judge = other.spec.judge
        if other.source != kpi.source or judge is None or cases.empty:
            continue
        cls = judge(filter_rows(cases, other.filter), other.params, period)
        counts = cls["state"].value_counts()
        met, late, overdue = (int(counts.get(s, 0)) for s in ("met", "late", "overdue"))
        decided = met + late + overdue
        records.append({"id": other.id, "title_ko": other.title_ko,
                        "case_type": ", ".join(v for vs in other.filter.values() for v in vs),
                        "met": met, "late": late, "overdue": overdue, "pending": int(counts.get("pending", 0)),
                        "share": met / decided if decided else None})
    return pd.DataFrame(records, columns=SUMMARY_COLUMNS)
