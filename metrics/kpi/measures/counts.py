"""Census measures: events held, trainees trained, posting durations, rings before answering."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from metrics.kpi.measures.base import Frames, KpiParams, MeasureResult, Period, dates64, share_result
from metrics.kpi.notes import Note, NoteCode


def events_held(rows: pd.DataFrame, period: Period) -> np.ndarray:
    """Which events had been held by the day the year is judged (later dated ones are scheduled)."""
    return dates64(rows["date"]) <= period.as_of64


def courses_ended(rows: pd.DataFrame, period: Period) -> np.ndarray:
    """Which enrolments belong to a course that had ended by the day the year is judged."""
    return dates64(rows["end_date"]) <= period.as_of64


def event_count(rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames) -> MeasureResult:
    """Events held in the year up to the day it is judged; later dated ones are counted as scheduled."""
    dates = dates64(rows["date"])
    held = events_held(rows, period)
    count = int(held.sum())
    scheduled = int((~held & ~np.isnat(dates)).sum())
    notes = (
        (Note(NoteCode.SCHEDULED_NOT_COUNTED, f"예정 {scheduled}건 미포함", f"{scheduled} scheduled later, not counted"),)
        if scheduled else ()
    )
    extra = {"scheduled": scheduled}
    if "participants" in rows.columns:
        extra["participants"] = int(pd.to_numeric(rows.loc[held, "participants"]).fillna(0).sum())
    return MeasureResult(value=float(count), n=count, notes=notes, extra=extra)


def completed_enrolments(rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames) -> MeasureResult:
    """Completed enrolments of courses that ended in the year, with unique trainees beside."""
    ended = courses_ended(rows, period)
    completed = rows["completed"].to_numpy(dtype=bool, na_value=False) & ended
    count = int(completed.sum())
    ids = rows["trainee_id"] if "trainee_id" in rows.columns else pd.Series(None, index=rows.index, dtype="str")
    unique, without_id = distinct_count(ids, completed)
    notes = [Note(NoteCode.UNIQUE_TRAINEES, f"고유 교육생 {unique:,}명", f"{unique:,} unique trainees")]
    if without_id:
        notes.append(Note(
            NoteCode.COMPLETIONS_WITHOUT_TRAINEE_ID, f"교육생번호 없는 수료 {without_id}건",
            f"{without_id} completions without a trainee id",
        ))
    extra = {"unique_trainees": unique, "enrolled": int(ended.sum()), "without_id": without_id}
    return MeasureResult(value=float(count), n=count, notes=tuple(notes), extra=extra)


def distinct_count(values: pd.Series[Any], mask: np.ndarray) -> tuple[int, int]:
    """(distinct non-missing values, missing values) among the rows where mask holds."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        # Counting on category codes: a million ids take milliseconds instead of hashing strings.
        codes = values.cat.codes.to_numpy()[mask]
        present = codes[codes >= 0]
        return int(np.count_nonzero(np.bincount(present, minlength=1))), int((codes < 0).sum())
    chosen = values[mask]
    return int(chosen.nunique(dropna=True)), int(chosen.isna().sum())


def posting_status(rows: pd.DataFrame, months: int, as_of: date, today: date | None = None) -> pd.DataFrame:
    """Each posting with online_until, reached_on (the day it reaches `months`) and state met/missed/pending.

    A posting taken down by `today` is judged on its real dates, even when that was after the
    year ended (like a case completed in January). One still online (no end date, or an end
    still to come) is measured up to `as_of` and is pending while short of `months`.
    """
    start = pd.to_datetime(rows["posted_from"])
    stop = pd.to_datetime(rows["posted_to"])
    still_online = stop.isna() | (stop > pd.Timestamp(today or as_of))
    until = stop.where(~still_online, pd.Timestamp(as_of))
    reached = start + pd.DateOffset(months=months)
    met = until >= reached
    state = np.select([met.to_numpy(), still_online.to_numpy()], ["met", "pending"], default="missed")
    out = rows.copy()
    out["online_until"] = until
    out["reached_on"] = reached
    out["online_days"] = (until - start).dt.days
    out["state"] = pd.Series(state, index=rows.index, dtype="str")
    return out


def judge_postings(rows: pd.DataFrame, params: KpiParams, period: Period) -> pd.DataFrame:
    """Each posting judged against the KPI's `months` as the scorecard judges it (open ones on today).

    The one rule for every surface: the scorecard, the area pages, the explorer and the exports call it.
    """
    return posting_status(rows, int(params["months"]), period.open_items_as_of, period.today)


def posting_duration_share(rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames) -> MeasureResult:
    """Share of the exhibition year's postings online at least `months` calendar months."""
    months = int(params["months"])
    states = judge_postings(rows, params, period)["state"].value_counts()
    met, missed, pending = (int(states.get(k, 0)) for k in ("met", "missed", "pending"))
    notes = (
        (Note(NoteCode.STILL_ONLINE_LEFT_OUT, f"게시 중 {months}개월 미도달 {pending}건 제외",
              f"{pending} still online, not yet {months} months"),)
        if pending else ()
    )
    return share_result(met, met + missed, pending, notes, {"months": months})


def within_rings(rings: npt.ArrayLike, params: KpiParams) -> np.ndarray:
    """Which calls were answered within the KPI's `max_rings` (False where rings are unknown)."""
    return np.asarray(rings, dtype=float) <= float(params["max_rings"])


def calls_within_rings(rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames) -> MeasureResult:
    """Share of calls answered within `max_rings` rings."""
    max_rings = float(params["max_rings"])
    rings = pd.to_numeric(rows["rings"]).to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(rings)
    met = int(within_rings(rings[known], params).sum())
    missing = int((~known).sum())
    notes = (
        (Note(NoteCode.CALLS_WITHOUT_RINGS, f"벨 횟수 없는 {missing}건 제외", f"{missing} calls without rings, left out"),)
        if missing else ()
    )
    return share_result(met, int(known.sum()), None, notes, {"max_rings": max_rings, "without_rings": missing})

