"""The rows behind each measure: every row a KPI looked at, with its state and the reason beside.

A state is one of
  met       counts toward the number: in a share's numerator; in a count; in a mean or median, at or
            better than the target (every such row when the KPI has no target)
  missed    in a share's denominator but not its numerator; in a mean or median, worse than the target
  pending   not decided yet (open within its deadline, still online, scheduled, course not ended):
            left out and counted beside
  excluded  looked at but left out of the number, the reason says why
so a share is met / (met + missed), a count is the number of met rows, and a mean or median is taken
over the `score` (surveys) or `days_taken` (cases) of the met and missed rows.

Each function judges with the very helpers its measure counts with (judge_cases, judge_postings,
scores_on_scale, ...), so the rows always add up to the scorecard's numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from metrics.kpi.measures.base import Frames, KpiParams, Period, dates64
from metrics.kpi.measures.cases import DONE, completion_days, judge_cases
from metrics.kpi.measures.checklists import judge_checklist
from metrics.kpi.measures.counts import courses_ended, events_held, group_state, judge_postings, within_rings
from metrics.kpi.measures.surveys import (
    course_roster,
    course_table,
    coverage_table,
    is_satisfied,
    scores_on_scale,
)
from metrics.kpi.stats import compare

if TYPE_CHECKING:
    from metrics.kpi.registry import Target

ROW_STATES = ("met", "missed", "pending", "excluded")
# Every reason a row can carry, so the page and the documentation can name each one.
REASONS = (
    "interim_notice", "late", "overdue", "open_before_deadline", "completed_before_received", "still_open",
    "worse_than_target", "scheduled", "no_date", "not_completed", "course_not_ended", "no_score", "below_target",
    "not_satisfied", "no_feedback", "survey_course_matches_no_course", "no_course_name", "taken_down_early",
    "still_online", "too_many_rings", "no_rings", "item_not_met", "not_checked", "groups_not_recorded",
    "groups_incomplete",
)


def _labelled(rows: pd.DataFrame, state: Any, reason: Any) -> pd.DataFrame:
    """`rows` with the state and reason columns (reason "" where there is nothing to add)."""
    out = rows.copy()
    out["state"] = pd.Series(np.asarray(state, dtype=object), index=rows.index).astype("str")
    out["reason"] = pd.Series(np.asarray(reason, dtype=object), index=rows.index).astype("str")
    return out


def _against_target(values: np.ndarray, target: Target | None) -> np.ndarray:
    """Which values meet the target (all of them when the KPI has none)."""
    if target is None:
        return np.ones(values.shape, dtype=bool)
    return np.asarray(compare(values, target.comparator, target.value), dtype=bool)


def deadline_rows(
    rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames, target: Target | None = None
) -> pd.DataFrame:
    """Each case of a deadline KPI: met, missed (late, or open past the deadline), pending, or excluded."""
    cls = judge_cases(rows, params, period)
    case_state = cls["state"].to_numpy(dtype=object)
    state = pd.Series(case_state).map(
        {"met": "met", "late": "missed", "overdue": "missed", "pending": "pending", "invalid": "excluded"}
    ).to_numpy(dtype=object)
    reason = pd.Series(case_state).map(
        {"met": "", "late": "late", "overdue": "overdue", "pending": "open_before_deadline",
         "invalid": "completed_before_received"}
    ).to_numpy(dtype=object)
    if "completed" not in rows.columns:  # judged on another date (`done`), copied as `completed`: shown once, as stored
        cls = cls.drop(columns=["completed"])
    if params.get("interim_counts", False) and "interim" in rows.columns:
        # Met thanks to the interim notice: it came before the completion (or there is none yet).
        completed = dates64(rows[params.get("done", DONE)])
        by_notice = (case_state == "met") & ~np.isnat(dates64(rows["interim"])) & (
            np.isnat(completed) | (cls["done_on"].to_numpy() < completed))
        reason = np.where(by_notice, "interim_notice", reason)
    return _labelled(cls.drop(columns=["state"]), state, reason)


def median_days_rows(
    rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames, target: Target | None = None
) -> pd.DataFrame:
    """Each case of a days-taken KPI: completed ones with their days (met, or missed against a target), open ones pending."""
    taken = completion_days(rows, params)
    done = ~np.isnat(dates64(rows[params.get("done", DONE)]))
    valid = ~np.isnan(taken)
    meets = _against_target(np.nan_to_num(taken), target)
    state = np.select([valid & meets, valid, ~done], ["met", "missed", "pending"], default="excluded")
    reason = np.select([valid & meets, valid, ~done], ["", "worse_than_target", "still_open"],
                       default="completed_before_received")
    return _labelled(rows.assign(days_taken=taken), state, reason)


def event_rows(
    rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames, target: Target | None = None
) -> pd.DataFrame:
    """Each event of the type: held by the day the year is judged (met), scheduled later (pending)."""
    held = events_held(rows, period)
    recorded, together = group_state(rows, params)
    dated = ~np.isnat(dates64(rows["date"]))
    # A count has no "missed" rows: a workshop without both groups is left out of the count, saying why.
    state = np.select([held & together, held, dated], ["met", "excluded", "pending"], default="excluded")
    reason = np.select([held & together, held & recorded, held, dated],
                       ["", "groups_incomplete", "groups_not_recorded", "scheduled"], default="no_date")
    return _labelled(rows.assign(held=held & together), state, reason)


def enrolment_rows(
    rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames, target: Target | None = None
) -> pd.DataFrame:
    """Each enrolment: completed in a course that has ended (met), not completed (excluded), course still running (pending)."""
    ended = courses_ended(rows, period)
    completed = rows["completed"].to_numpy(dtype=bool, na_value=False)
    state = np.select([ended & completed, ended], ["met", "excluded"], default="pending")
    reason = np.select([ended & completed, ended], ["", "not_completed"], default="course_not_ended")
    return _labelled(rows, state, reason)


def _survey_rows(
    rows: pd.DataFrame, scale: float, meets: Callable[[np.ndarray], tuple[np.ndarray, str]]
) -> pd.DataFrame:
    """Responses with `score` on the KPI's scale (the stored score kept as raw_score), judged by `meets`."""
    score = scores_on_scale(rows, scale)
    scored = ~np.isnan(score)
    good, why_not = meets(np.nan_to_num(score))
    state = np.select([scored & good, scored], ["met", "missed"], default="excluded")
    reason = np.select([scored & good, scored], ["", why_not], default="no_score")
    out = rows.rename(columns={"score": "raw_score"}).assign(score=score)
    return _labelled(out, state, reason)


def survey_mean_rows(
    rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames, target: Target | None = None
) -> pd.DataFrame:
    """Each response: its score on the KPI's scale, met or missed against the target, excluded without a score."""
    return _survey_rows(rows, float(params["scale"]), lambda s: (_against_target(s, target), "below_target"))


def survey_satisfied_rows(
    rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames, target: Target | None = None
) -> pd.DataFrame:
    """Each response: satisfied (met), not satisfied (missed), or without a score (excluded)."""
    scale = float(params.get("scale", 5))
    satisfied_at = float(params.get("satisfied_at", 4.0))
    return _survey_rows(rows, scale, lambda s: (is_satisfied(s, satisfied_at), "not_satisfied"))


COVERAGE_COLUMNS = ["course", "key", "enrolments", "responses", "state", "reason"]


def coverage_rows(
    rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames, target: Target | None = None
) -> pd.DataFrame:
    """One row per course of the year (met with feedback, missed without, pending while no cohort has ended),
    one per survey course name matching no course, and one for responses without a course name (excluded)."""
    survey = frames.get(params["survey_kind"], pd.DataFrame())
    rows = course_roster(rows)
    courses, unmatched = coverage_table(rows, survey, period.as_of)
    every = course_table(rows[[c for c in ("course", "course_key") if c in rows.columns]]) if not rows.empty else courses[["key", "name", "rows"]]
    answered = course_table(survey)
    running = every[~every["key"].isin(courses["key"])].merge(
        answered[["key", "rows"]].rename(columns={"rows": "responses"}), on="key", how="left")
    orphans = unmatched[~unmatched["key"].isin(running["key"])]
    no_course = len(survey) - int(answered["rows"].sum()) if not survey.empty else 0
    parts = [
        pd.DataFrame({"course": courses["name"], "key": courses["key"], "enrolments": courses["rows"],
                      "responses": courses["responses"], "state": np.where(courses["covered"], "met", "missed"),
                      "reason": np.where(courses["covered"], "", "no_feedback")}),
        pd.DataFrame({"course": running["name"], "key": running["key"], "enrolments": running["rows"],
                      "responses": running["responses"].fillna(0), "state": "pending", "reason": "course_not_ended"}),
        pd.DataFrame({"course": orphans["name"], "key": orphans["key"], "enrolments": 0,
                      "responses": orphans["responses"], "state": "excluded",
                      "reason": "survey_course_matches_no_course"}),
    ]
    if no_course:
        parts.append(pd.DataFrame({"course": [""], "key": [""], "enrolments": [0], "responses": [no_course],
                                   "state": ["excluded"], "reason": ["no_course_name"]}))
    out = pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(not p.empty for p in parts) else None
    if out is None:
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    return out.astype({"course": "str", "key": "str", "enrolments": "int64", "responses": "int64",
                       "state": "str", "reason": "str"})[COVERAGE_COLUMNS]


def posting_rows(
    rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames, target: Target | None = None
) -> pd.DataFrame:
    """Each posting: online long enough (met), taken down too early (missed), still online and short (pending)."""
    judged = judge_postings(rows, params, period)
    state = judged["state"].to_numpy(dtype=object)
    reason = pd.Series(state).map({"met": "", "missed": "taken_down_early", "pending": "still_online"}).to_numpy(dtype=object)
    return _labelled(judged.drop(columns=["state"]), state, reason)


def call_rows(
    rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames, target: Target | None = None
) -> pd.DataFrame:
    """Each call: answered within the rings (met), after more (missed), rings unknown (excluded)."""
    rings = pd.to_numeric(rows["rings"]).to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(rings)
    within = within_rings(rings, params)
    state = np.select([known & within, known], ["met", "missed"], default="excluded")
    reason = np.select([known & within, known], ["", "too_many_rings"], default="no_rings")
    return _labelled(rows, state, reason)


def checklist_rows(rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames,
                   target: Target | None = None) -> pd.DataFrame:
    """Each row of a checklist: every checked item met, an item not met, or nothing checked (excluded)."""
    judged = judge_checklist(rows, params, period)
    return _labelled(rows, judged["state"], judged["reason"])
