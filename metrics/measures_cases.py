"""Measures over case logs (cases table): deadline shares and days taken.

A case belongs to the year it was received. A case with a completion date is judged by the days
it took; a case still open is judged on today, whatever year it belongs to (Period.open_items_as_of):
late ("overdue") once its deadline has passed and pending before that. Pending cases are left
out of the share and reported beside it.

`judge_cases` is the one place this rule is applied: the scorecard, the area pages, the explorer
and the exports all call it, so a case has the same state wherever it is shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.measures_base import MeasureResult, Period, dates64, settings_get, share_result
from metrics.notes import Note, NoteCode
from metrics.workdays import days_taken, deadline_dates

STATES = ("met", "late", "overdue", "pending", "invalid")
# The states a deadline share does not simply count as met or late, and how its note says so.
STATE_NOTES = (
    ("pending", NoteCode.PENDING_LEFT_OUT, "처리 중 {n}건 제외", "{n} pending, left out"),
    ("overdue", NoteCode.OVERDUE_COUNTED_LATE, "기한 경과 미처리 {n}건 포함", "{n} open past deadline, counted late"),
    ("invalid", NoteCode.COMPLETED_BEFORE_RECEIVED, "처리일이 접수일보다 빠른 {n}건 제외", "{n} completed before received, left out"),
)


def done_dates(rows: pd.DataFrame, interim_counts: bool) -> np.ndarray:
    """The day a case counts as answered: completion, or an earlier interim notice when allowed."""
    done = dates64(rows["completed"])
    if interim_counts and "interim" in rows.columns:
        # The charter lets a web inquiry be answered by a notice of the reason and progress.
        done = np.fmin(done, dates64(rows["interim"]))
    return done


def classify_cases(
    rows: pd.DataFrame, days: int, day_mode: str, as_of, interim_counts: bool = False
) -> pd.DataFrame:
    """Each case with done_on, days_taken, deadline, state (met/late/overdue/pending/invalid), days_over."""
    received = dates64(rows["received"])
    done = done_dates(rows, interim_counts)
    as_of64 = np.datetime64(as_of, "D")
    taken = days_taken(received, done, day_mode)
    deadline = deadline_dates(received, days, day_mode)
    is_done = ~np.isnat(done)
    # How far past the deadline an open case is, counted the same way as a closed one.
    so_far = np.full(received.shape, np.nan)
    if (~is_done).any():
        so_far[~is_done] = days_taken(received[~is_done], np.full((~is_done).sum(), as_of64), day_mode)
    state = np.select(
        [
            is_done & np.isnan(taken),
            is_done & (taken <= days),
            is_done,
            ~is_done & (as_of64 > deadline),
        ],
        ["invalid", "met", "late", "overdue"],
        default="pending",
    )
    days_over = np.where(state == "late", taken - days, np.where(state == "overdue", so_far - days, np.nan))
    out = rows.copy()
    out["done_on"] = done
    out["days_taken"] = taken
    out["deadline"] = deadline
    out["state"] = pd.Series(state, index=rows.index, dtype="str")
    out["days_over"] = days_over
    return out


def judge_cases(rows: pd.DataFrame, params: dict, period: Period) -> pd.DataFrame:
    """Each case judged against a deadline KPI's settings (days, day_mode, interim_counts) as the scorecard judges it.

    The one rule for every surface: closed cases by the days they took, open ones on the day
    Period.open_items_as_of names (today, for a past year too).
    """
    return classify_cases(
        rows, int(params["days"]), params["day_mode"], period.open_items_as_of,
        bool(settings_get(params, "interim_counts", False)),
    )


def completion_days(rows: pd.DataFrame, params: dict) -> np.ndarray:
    """Days from request to completion under the KPI's day_mode (calendar by default); NaN while open or reversed."""
    return days_taken(dates64(rows["received"]), dates64(rows["completed"]), settings_get(params, "day_mode", "calendar"))


def deadline_share(rows: pd.DataFrame, params: dict, period: Period, frames: dict) -> MeasureResult:
    """Share of the year's cases answered within the deadline; pending ones left out and counted."""
    days = int(params["days"])
    cls = judge_cases(rows, params, period)
    counts = cls["state"].value_counts().reindex(STATES, fill_value=0)
    met = int(counts["met"])
    missed = int(counts["late"] + counts["overdue"])
    extra = {
        "late": int(counts["late"]),
        "overdue": int(counts["overdue"]),
        "invalid": int(counts["invalid"]),
        "days": days,
        "day_mode": params["day_mode"],
    }
    return share_result(met, met + missed, int(counts["pending"]), _deadline_notes(counts), extra)


def _deadline_notes(counts: pd.Series) -> tuple[Note, ...]:
    """A note per state left out of the share or counted late, with how many cases it holds."""
    return tuple(
        Note(code, ko.format(n=int(counts[state])), en.format(n=int(counts[state])))
        for state, code, ko, en in STATE_NOTES
        if counts[state]
    )


def median_days(rows: pd.DataFrame, params: dict, period: Period, frames: dict) -> MeasureResult:
    """Median days from request to completion over completed cases; open ones counted beside."""
    day_mode = settings_get(params, "day_mode", "calendar")
    taken = completion_days(rows, params)
    valid = taken[~np.isnan(taken)]
    open_count = int(np.isnat(dates64(rows["completed"])).sum())
    notes = (Note(NoteCode.OPEN_LEFT_OUT, f"미완료 {open_count}건 제외", f"{open_count} still open, left out"),) if open_count else ()
    if valid.size == 0:
        return MeasureResult(value=None, n=0, pending=open_count, notes=notes)
    extra = {"mean": float(valid.mean()), "max": float(valid.max()), "day_mode": day_mode}
    return MeasureResult(
        value=float(np.median(valid)), n=int(valid.size), pending=open_count, notes=notes, extra=extra
    )
