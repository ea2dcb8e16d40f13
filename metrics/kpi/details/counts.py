"""Census stories, registered with their measures (metrics.kpi.measures): events held, courses and trainees,
course feedback coverage, posting durations, calls by hour and rings before answering."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from metrics.kpi.measures.base import Period, filter_rows
from metrics.kpi.measures.counts import courses_ended, events_held, judge_postings, within_rings
from metrics.kpi.measures.surveys import course_keys, coverage_table

if TYPE_CHECKING:
    from metrics.kpi.registry import Kpi, Registry
    from metrics.store.frames import YearFrames

UNMATCHED_COLUMNS = ["side", "name", "key", "responses"]


def events_list(kpi: Kpi, frames: YearFrames, today: date, registry: Registry | None = None) -> pd.DataFrame:
    """The KPI's events of the year by date, each marked held (its day has come) or not yet."""
    rows = filter_rows(frames.frame(kpi.source), kpi.filter)
    keep = [c for c in ("date", "event_type", "title", "participants") if c in rows.columns]
    return rows[keep].assign(held=events_held(rows, Period(frames.year, today))).sort_values("date").reset_index(drop=True)


def courses_completed(kpi: Kpi, frames: YearFrames, today: date, registry: Registry | None = None) -> pd.DataFrame:
    """Per course that has ended (spelling variants together, named as first written): enrolled, completed and
    unique trainees, most completions first."""
    rows = filter_rows(frames.frame(kpi.source), kpi.filter)
    if rows.empty:
        return pd.DataFrame(columns=["course", "enrolled", "completed", "unique_trainees"])
    ended = rows[courses_ended(rows, Period(frames.year, today))]
    # Spelling variants of a course together, as the coverage KPI matches them, named as first written.
    key = course_keys(ended)
    done = ended[ended["completed"].astype(bool).to_numpy()]
    by_key = ended.groupby(key.to_numpy(), sort=False)
    out = pd.DataFrame({"course": by_key["course"].first().astype("object"), "enrolled": by_key.size()})
    done_by_key = done.groupby(key[done.index].to_numpy(), sort=False)
    out["completed"] = done_by_key.size().reindex(out.index).fillna(0).astype("int64")
    out["unique_trainees"] = done_by_key["trainee_id"].nunique().reindex(out.index).fillna(0).astype("int64")
    out = out.reset_index(drop=True)
    return out.sort_values("completed", ascending=False, kind="stable").reset_index(drop=True)


def coverage(kpi: Kpi, frames: YearFrames, today: date, registry: Registry | None = None) -> pd.DataFrame:
    """Each course of the year with its responses of the KPI's survey kind, and whether it is covered."""
    survey = frames.frame(kpi.params["survey_kind"])
    return coverage_table(frames.frame(kpi.source), survey, Period(frames.year, today).as_of)[0]


def unmatched_courses(kpi: Kpi, frames: YearFrames, today: date) -> pd.DataFrame:
    """Courses that ended without feedback, and survey course names that match no course."""
    if frames.frame(kpi.source).empty:
        return pd.DataFrame(columns=UNMATCHED_COLUMNS)
    survey = frames.frame(kpi.params["survey_kind"])
    courses, unmatched = coverage_table(frames.frame(kpi.source), survey, Period(frames.year, today).as_of)
    no_feedback = courses.loc[~courses["covered"], ["name", "key", "responses"]].assign(side="course_without_feedback")
    orphan = unmatched[["name", "key", "responses"]].assign(side="survey_without_course")
    return pd.concat([no_feedback, orphan], ignore_index=True)[UNMATCHED_COLUMNS]


def postings_judged(kpi: Kpi, frames: YearFrames, today: date, registry: Registry | None = None) -> pd.DataFrame:
    """Each posting of the year as the KPI judges it (met, missed, pending), by state and start."""
    rows = frames.frame(kpi.source)
    if rows.empty:
        return pd.DataFrame(columns=["company", "product", "posted_from", "online_until", "reached_on", "state"])
    status = judge_postings(rows, kpi.params, Period(frames.year, today))
    return status.sort_values(["state", "posted_from"]).reset_index(drop=True)


def calls_by_hour(kpi: Kpi, frames: YearFrames, today: date, registry: Registry | None = None) -> pd.DataFrame:
    """Calls per hour of the day, how many were answered within the KPI's rings, and the share."""
    rows = frames.frame(kpi.source)
    if rows.empty:
        return pd.DataFrame(columns=["hour", "calls", "within", "share"])
    within = pd.Series(within_rings(pd.to_numeric(rows["rings"]), kpi.params), index=rows.index)
    grouped = within.groupby(pd.to_datetime(rows["call_time"]).dt.hour.rename("hour"))
    out = pd.DataFrame({"calls": grouped.size(), "within": grouped.sum().astype("int64")}).reset_index()
    out["share"] = out["within"] / out["calls"]
    return out


def rings_distribution(kpi: Kpi, frames: YearFrames, today: date) -> pd.DataFrame:
    """How many calls rang each number of times, and whether that is within the KPI's rings."""
    rows = frames.frame(kpi.source)
    if rows.empty:
        return pd.DataFrame()
    rings = pd.to_numeric(rows["rings"]).value_counts().sort_index()
    out = pd.DataFrame({"rings": rings.index.to_numpy(), "count": rings.to_numpy()})
    out["within"] = within_rings(out["rings"], kpi.params)
    return out
