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


def group_state(rows: pd.DataFrame, params: KpiParams) -> tuple[np.ndarray, np.ndarray]:
    """(groups recorded, every group of the KPI's `with_groups` took part) per event; all True without the setting.

    An event whose groups were not recorded is not counted: the KPI cannot tell who took part, and says so.
    """
    needed = params.get("with_groups") or []
    if not needed:
        every = np.ones(len(rows), dtype=bool)
        return every, every
    raw = rows["participant_groups"] if "participant_groups" in rows.columns else pd.Series(pd.NA, index=rows.index)
    recorded = raw.notna().to_numpy()
    listed = raw.fillna("").astype(str).tolist()
    together = np.array([set(needed) <= set(g.split(",")) for g in listed], dtype=np.bool_) & recorded
    return recorded, together


def event_count(rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames) -> MeasureResult:
    """Events held in the year up to the day it is judged; later dated ones are counted as scheduled.

    With `with_groups`, an event counts only when every named participant group took part."""
    dates = dates64(rows["date"])
    held_at_all = events_held(rows, period)
    recorded, together = group_state(rows, params)
    held = held_at_all & together
    count = int(held.sum())
    scheduled = int((~held_at_all & ~np.isnat(dates)).sum())
    said = [Note(NoteCode.SCHEDULED_NOT_COUNTED, f"예정 {scheduled}건 미포함", f"{scheduled} scheduled later, not counted")] \
        if scheduled else []
    unknown, apart = int((held_at_all & ~recorded).sum()), int((held_at_all & recorded & ~together).sum())
    if unknown:
        said.append(Note(NoteCode.GROUPS_NOT_RECORDED, f"참여 대상 미기재 {unknown}건: 함께 참여했는지 알 수 없어 세지 않음",
                          f"{unknown} held without the participant groups recorded: not counted, who took part is unknown"))
    if apart:
        said.append(Note(NoteCode.GROUPS_INCOMPLETE, f"참여 대상이 모두 함께하지 않은 {apart}건 미포함",
                          f"{apart} held without every participant group, not counted"))
    notes = tuple(said)
    extra = {"scheduled": scheduled, "groups_not_recorded": unknown, "groups_incomplete": apart}
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

