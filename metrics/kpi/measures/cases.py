"""Measures over case logs (cases table): deadline shares and days taken.

A case belongs to the year it was received. A case with a completion date is judged by the days
it took; a case still open is judged on today, whatever year it belongs to (Period.open_items_as_of):
late ("overdue") once its deadline has passed and pending before that. Pending cases are left
out of the share and reported beside it. A calendar-day deadline whose last day is a Saturday,
Sunday or public holiday ends on the next working day (민법 제161조; the KPI's `roll_to_working_day`
setting, on by default); business-day deadlines (민원처리법) are counted as workdays.py says, in
working hours for a deadline of 5 days or less when the case carries times (법 제19조 ①).

`judge_cases` is the one place this rule is applied: the scorecard, the area pages, the explorer
and the exports all call it, so a case has the same state wherever it is shown.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from metrics.kpi.measures.base import Frames, KpiParams, MeasureResult, Period, dates64, share_result
from metrics.kpi.notes import Note, NoteCode
from metrics.kpi.workdays import (
    DEFAULT_LUNCH_BREAK,
    DEFAULT_WORKING_HOURS,
    HOURS_PER_DAY,
    WorkingDay,
    add_working_hours,
    as_minutes,
    counts_hours,
    days_taken,
    deadline_dates,
    has_time,
    working_hours_between,
)
from metrics.timeofday import joined

STATES = ("met", "late", "overdue", "pending", "invalid")
# The states a deadline share does not simply count as met or late, and how its note says so.
STATE_NOTES = (
    ("pending", NoteCode.PENDING_LEFT_OUT, "처리 중 {n}건 제외", "{n} pending, left out"),
    ("overdue", NoteCode.OVERDUE_COUNTED_LATE, "기한 경과 미처리 {n}건 포함", "{n} open past deadline, counted late"),
    ("invalid", NoteCode.COMPLETED_BEFORE_RECEIVED, "처리일이 접수일보다 빠른 {n}건 제외", "{n} completed before received, left out"),
)


DONE = "completed"  # the date that closes a case, unless a KPI names another (`done`)


def as_cases(rows: pd.DataFrame, params: KpiParams) -> pd.DataFrame:
    """`rows` with the date that closes each one as `completed`: the KPI's `done` column (a suggestion's decided_on,
    a remedy's training_on) or the case's own completion."""
    done = params.get("done", DONE)
    return rows if done == DONE else rows.assign(completed=rows[done])


def done_dates(rows: pd.DataFrame, interim_counts: bool) -> np.ndarray:
    """The day a case counts as answered: completion, or an earlier interim notice when allowed."""
    done = dates64(rows["completed"])
    if interim_counts and "interim" in rows.columns:
        # The charter lets a web inquiry be answered by a notice of the reason and progress.
        done = np.fmin(done, dates64(rows["interim"]))
    return done


def moments(rows: pd.DataFrame, column: str) -> np.ndarray:
    """A date column to the minute, at the stored time of day beside it (`received_time`) where the log gave one;
    midnight, read as "the date alone", where it did not."""
    return as_minutes(joined(rows[column], rows.get(f"{column}_time")))


def done_times(rows: pd.DataFrame, interim_counts: bool) -> np.ndarray:
    """done_dates to the minute: the moment a case counts as answered (midnight when only its date is known)."""
    done = moments(rows, "completed")
    if interim_counts and "interim" in rows.columns:
        done = np.fmin(done, as_minutes(rows["interim"]))
    return done


def hours_rule(params: KpiParams) -> WorkingDay | None:
    """The office day a deadline is counted on in working hours (민원처리법 제19조 ①: business days, 5 or
    fewer), or None when it is counted in whole days; `count_hours = false` keeps whole days."""
    if not counts_hours(int(params["days"]), params["day_mode"]) or not params.get("count_hours", True):
        return None
    return WorkingDay.parse(params.get("working_hours", DEFAULT_WORKING_HOURS),
                            params.get("lunch_break", DEFAULT_LUNCH_BREAK))


def rolls_to_working_day(params: KpiParams) -> bool:
    """Whether a deadline KPI's last day moves off a weekend or holiday (민법 제161조): its
    `roll_to_working_day` setting, on by default for calendar days; business days never roll."""
    day_mode = params["day_mode"]
    return day_mode == "calendar" and bool(params.get("roll_to_working_day", True))


def classify_cases(
    rows: pd.DataFrame, days: int, day_mode: str, as_of: date, interim_counts: bool = False, roll: bool = False,
    hours: WorkingDay | None = None,
) -> pd.DataFrame:
    """Each case with done_on, days_taken, deadline, state (met/late/overdue/pending/invalid), days_over.

    `roll` (calendar days only): a deadline whose last day is a Saturday, Sunday or public holiday
    ends on the next working day (민법 제161조), so a case done by then is met.
    `hours` (a business-day deadline of 5 days or less): a case whose receipt, and answer if any, carry a
    time of day (the stored received_time / completed_time beside the date, see `moments`) is counted in
    working hours of that office day (days * 8 hours from receipt); the others
    in whole days as above. Two columns more then: deadline_at (the moment, NaT for whole days) and
    counted_in ("hours" or "days").
    """
    received = dates64(rows["received"])
    done = done_dates(rows, interim_counts)
    as_of64 = np.datetime64(as_of, "D")
    taken = days_taken(received, done, day_mode)
    roll = roll and day_mode == "calendar"
    deadline = deadline_dates(received, days, day_mode, roll=roll)
    is_done = ~np.isnat(done)
    # How far past the deadline an open case is, counted the same way as a closed one.
    so_far = np.full(received.shape, np.nan)
    if (~is_done).any():
        so_far[~is_done] = days_taken(received[~is_done], np.full((~is_done).sum(), as_of64), day_mode)
    in_time = taken <= days
    over_done, over_open = taken - days, so_far - days
    if roll:
        # Calendar days against the (possibly moved) last day: without a move this is the same rule.
        in_time = done <= deadline
        over_done, over_open = _days_between(deadline, done), _days_between(deadline, as_of64)
    state = np.select(
        [
            is_done & np.isnan(taken),
            is_done & in_time,
            is_done,
            ~is_done & (as_of64 > deadline),
        ],
        ["invalid", "met", "late", "overdue"],
        default="pending",
    )
    days_over = np.where(state == "late", over_done, np.where(state == "overdue", over_open, np.nan))
    out = rows.copy()
    out["done_on"] = done
    out["days_taken"] = taken
    out["deadline"] = deadline
    out["state"] = pd.Series(state, index=rows.index, dtype="str")
    out["days_over"] = days_over
    return out if hours is None else _in_working_hours(out, rows, days, as_of64, interim_counts, hours)


def _in_working_hours(out: pd.DataFrame, rows: pd.DataFrame, days: int, as_of64: np.datetime64, interim_counts: bool,
                      hours: WorkingDay) -> pd.DataFrame:
    """The cases with times judged again in working hours; days_taken and days_over in days of 8 hours."""
    received, done = moments(rows, "received"), done_times(rows, interim_counts)
    is_done = ~np.isnat(done)
    timed = has_time(received) & (~is_done | has_time(done))  # a date alone cannot be placed in the day
    deadline_at = np.full(received.shape, np.datetime64("NaT"), dtype="datetime64[m]")
    out["counted_in"] = pd.Series(np.where(timed, "hours", "days"), index=rows.index, dtype="str")
    if timed.any():
        limit = days * HOURS_PER_DAY
        deadline_at[timed] = add_working_hours(received[timed], limit, hours)
        taken = working_hours_between(received[timed], done[timed], hours)
        # An open case is judged on the whole of `as_of` (a date): late once that day is past its deadline's day.
        end_of_day = np.full(taken.shape, as_of64 + np.timedelta64(1, "D")).astype("datetime64[m]")
        so_far = working_hours_between(received[timed], end_of_day, hours)
        t_done, t_deadline = is_done[timed], deadline_at[timed]
        state = np.select(
            [t_done & np.isnan(taken), t_done & (done[timed] <= t_deadline), t_done,
             ~t_done & (as_of64 > t_deadline.astype("datetime64[D]"))],
            ["invalid", "met", "late", "overdue"], default="pending",
        )
        over = np.where(state == "late", taken - limit, np.where(state == "overdue", so_far - limit, np.nan))
        out.loc[timed, "state"] = state
        out.loc[timed, "days_taken"] = taken / HOURS_PER_DAY
        out.loc[timed, "days_over"] = over / HOURS_PER_DAY
        out.loc[timed, "deadline"] = t_deadline.astype("datetime64[D]")
    out["deadline_at"] = deadline_at
    return out


def _days_between(start: np.ndarray, end: np.ndarray | np.datetime64) -> np.ndarray:
    """Calendar days from start to end as floats; NaN where either is missing."""
    end = np.broadcast_to(np.asarray(end, dtype="datetime64[D]"), start.shape)
    out = np.full(start.shape, np.nan)
    ok = ~np.isnat(start) & ~np.isnat(end)
    out[ok] = (end[ok] - start[ok]).astype(int)
    return out


def judge_cases(rows: pd.DataFrame, params: KpiParams, period: Period) -> pd.DataFrame:
    """Each case judged against a deadline KPI's settings (days, day_mode, interim_counts) as the scorecard judges it.

    The one rule for every surface: closed cases by the days they took, open ones on the day
    Period.open_items_as_of names (today, for a past year too).
    """
    return classify_cases(
        as_cases(rows, params), int(params["days"]), params["day_mode"], period.open_items_as_of,
        bool(params.get("interim_counts", False)), rolls_to_working_day(params), hours_rule(params),
    )


def completion_days(rows: pd.DataFrame, params: KpiParams) -> np.ndarray:
    """Days from request to completion (or the KPI's `done` date) under its day_mode (calendar by default); NaN while
    open or reversed."""
    done = dates64(rows[params.get("done", DONE)])
    return days_taken(dates64(rows["received"]), done, params.get("day_mode", "calendar"))


def deadline_share(rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames) -> MeasureResult:
    """Share of the year's cases answered within the deadline; pending ones left out and counted."""
    days = int(params["days"])
    cls = judge_cases(rows, params, period)
    counts = cls["state"].value_counts().reindex(STATES, fill_value=0)
    met = int(counts["met"])
    missed = int(counts["late"] + counts["overdue"])
    extra: dict[str, Any] = {
        "late": int(counts["late"]),
        "overdue": int(counts["overdue"]),
        "invalid": int(counts["invalid"]),
        "days": days,
        "day_mode": params["day_mode"],
    }
    notes = _deadline_notes(counts)
    if "counted_in" in cls.columns:  # a deadline the law counts in hours: say how many had only dates
        extra["counted_in_hours"] = int((cls["counted_in"] == "hours").sum())
        by_days = len(cls) - extra["counted_in_hours"]
        if by_days:
            notes += (Note(NoteCode.DAYS_WITHOUT_TIMES, f"시각 없는 {by_days}건은 일 단위로 판단 (5일 이하 기한은 시간 단위)",
                           f"{by_days} without times of receipt and answer judged in whole working days "
                           "(a deadline of 5 days or less counts hours)"),)
    return share_result(met, met + missed, int(counts["pending"]), notes, extra)


def _deadline_notes(counts: pd.Series) -> tuple[Note, ...]:
    """A note per state left out of the share or counted late, with how many cases it holds."""
    return tuple(
        Note(code, ko.format(n=int(counts[state])), en.format(n=int(counts[state])))
        for state, code, ko, en in STATE_NOTES
        if counts[state]
    )


def median_days(rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames) -> MeasureResult:
    """Median days from request to completion over completed cases; open ones counted beside."""
    day_mode = params.get("day_mode", "calendar")
    taken = completion_days(rows, params)
    valid = taken[~np.isnan(taken)]
    open_count = int(np.isnat(dates64(rows[params.get("done", DONE)])).sum())
    notes = (Note(NoteCode.OPEN_LEFT_OUT, f"미완료 {open_count}건 제외", f"{open_count} still open, left out"),) if open_count else ()
    if valid.size == 0:
        return MeasureResult(value=None, n=0, pending=open_count, notes=notes)
    extra = {"mean": float(valid.mean()), "max": float(valid.max()), "day_mode": day_mode}
    return MeasureResult(
        value=float(np.median(valid)), n=int(valid.size), pending=open_count, notes=notes, extra=extra
    )
