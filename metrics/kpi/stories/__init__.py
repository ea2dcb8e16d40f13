"""The story behind each KPI, for its page: series, breakdowns, distributions and case lists.

Everything here returns plain data (frozen dataclasses and DataFrames), never figures. The
functions on frames are pure; `kpi_story` and `year_series` read the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from metrics.kpi.measures.base import Period
from metrics.kpi.measures.cases import completion_days, judge_cases
from metrics.kpi.measures.counts import courses_ended, events_held, judge_postings, within_rings
from metrics.kpi.measures.surveys import course_keys, coverage_table
from metrics.kpi.registry import Kpi, Registry, load_registry
from metrics.kpi.scorecard import KpiResult, evaluate_kpi, filter_rows
from metrics.kpi.stories.surveys import (
    course_breakdown,
    likert_distribution,
    question_means,
    rating_distribution,
)
from metrics.kpi.targets import registry_for_year
from metrics.store.frames import YearFrames, data_years, default_year, load_questions, load_year_frames

# The date that places a row in a month of its year, per kind.
MONTH_COLUMNS = {
    "cases": "received", "events": "date", "attendance": "end_date", "postings": "posted_from",
    "calls": "call_time", "exhibitor_survey": "response_date", "trainee_survey": "response_date",
    "future_talent_survey": "response_date",
}
SERIES_COLUMNS = ["month", "value", "n", "numerator", "denominator", "pending", "ci_low", "ci_high"]


@dataclass(frozen=True)
class KpiStory:
    """Everything a KPI page shows; parts that do not apply to the KPI's measure are empty frames."""

    kpi: Kpi
    result: KpiResult
    years: pd.DataFrame  # year, value, target, status, n, ci_low, ci_high, pending, projection, ytd
    months: pd.DataFrame  # month, value, n, numerator, denominator, pending, ci_low, ci_high[, cumulative]
    breakdown: pd.DataFrame  # by course, case type, event, posting or hour, depending on the measure
    distribution: pd.DataFrame  # ratings, days taken or rings
    cases: pd.DataFrame  # late, overdue and pending cases (deadline KPIs)
    questions: pd.DataFrame  # per-question mean, lowest first (survey KPIs)
    likert: pd.DataFrame  # per-question rating counts (survey KPIs)
    unmatched: pd.DataFrame  # courses without feedback and survey course names matching no course


def monthly_series(kpi: Kpi, frames: YearFrames, today: date) -> pd.DataFrame:
    """The KPI measured on each month's rows (month of receipt, event, course end, response...).

    Rows without a date (a survey year given at upload) are left out; attrs['undated'] counts them.
    """
    period = Period(frames.year, today)
    rows = filter_rows(frames.frame(kpi.source), kpi.filter)
    column = MONTH_COLUMNS[kpi.source]
    if rows.empty or column not in rows.columns:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    months = pd.to_datetime(rows[column]).dt.month
    last = period.as_of.month if period.is_current else 12
    records = []
    for month in range(1, last + 1):  # twelve calls of a vectorised measure, not a row loop
        m = kpi.spec.fn(rows[(months == month).to_numpy()], kpi.params, period, frames.data)
        ci = m.ci or (None, None)
        records.append({"month": month, "value": m.value, "n": m.n, "numerator": m.numerator,
                        "denominator": m.denominator, "pending": m.pending, "ci_low": ci[0], "ci_high": ci[1]})
    out = pd.DataFrame(records, columns=SERIES_COLUMNS)
    if kpi.unit == "count":
        out["cumulative"] = out["value"].fillna(0).cumsum()
    out.attrs["undated"] = int(months.isna().sum())
    return out


def case_list(
    kpi: Kpi, frames: YearFrames, today: date, states: Iterable[str] = ("late", "overdue", "pending")
) -> pd.DataFrame:
    """Cases of a deadline KPI in the given states, with deadline and days over, latest first."""
    rows = filter_rows(frames.frame("cases"), kpi.filter)
    if kpi.measure != "deadline_share" or rows.empty:
        return pd.DataFrame(columns=["ref", "title", "received", "done_on", "deadline", "days_taken", "state", "days_over"])
    cls = judge_cases(rows, kpi.params, Period(frames.year, today))
    cls = cls[cls["state"].isin(states)]
    keep = [c for c in ("ref", "title", "case_type", "received", "completed", "interim", "done_on", "deadline",
                        "days_taken", "state", "days_over") if c in cls.columns]
    return cls[keep].sort_values(["state", "received"], ascending=[True, False]).reset_index(drop=True)


def days_histogram(kpi: Kpi, frames: YearFrames, today: date) -> pd.DataFrame:
    """How many completed cases took each number of days, and whether that is within the deadline.

    A deadline KPI's cases are judged by judge_cases (days to the answer, an interim notice where it
    counts); a KPI without a deadline shows days to completion, all "within".
    """
    rows = filter_rows(frames.frame("cases"), kpi.filter)
    if rows.empty:
        return pd.DataFrame(columns=["days", "count", "within"])
    if kpi.measure == "deadline_share":
        cls = judge_cases(rows, kpi.params, Period(frames.year, today))
        done = cls[cls["state"].isin(("met", "late"))]
        taken, within = done["days_taken"].astype("int64"), done["state"] == "met"
    else:
        days = completion_days(rows, kpi.params)
        taken = pd.Series(days[~np.isnan(days)]).astype("int64")
        within = pd.Series(True, index=taken.index)
    grouped = within.groupby(taken.to_numpy())
    out = pd.DataFrame({"days": grouped.size().index.astype("int64"), "count": grouped.size().to_numpy(),
                        "within": grouped.all().to_numpy()})
    out.attrs["deadline"] = int(kpi.params["days"]) if kpi.measure == "deadline_share" else None
    return out


def case_type_summary(frames: YearFrames, today: date, registry: Registry | None = None) -> pd.DataFrame:
    """Every deadline KPI of the registry on the year's cases: met, late, overdue, pending, share."""
    registry = registry or load_registry()
    period = Period(frames.year, today)
    cases = frames.frame("cases")
    records = []
    for kpi in registry:
        if kpi.measure != "deadline_share" or cases.empty:
            continue
        cls = judge_cases(filter_rows(cases, kpi.filter), kpi.params, period)
        counts = cls["state"].value_counts()
        met, late, overdue = (int(counts.get(s, 0)) for s in ("met", "late", "overdue"))
        decided = met + late + overdue
        records.append({"id": kpi.id, "title_ko": kpi.title_ko, "case_type": ", ".join(v for vs in kpi.filter.values() for v in vs),
                        "met": met, "late": late, "overdue": overdue, "pending": int(counts.get("pending", 0)),
                        "share": met / decided if decided else None})
    return pd.DataFrame(records, columns=["id", "title_ko", "case_type", "met", "late", "overdue", "pending", "share"])


def unmatched_courses(kpi: Kpi, frames: YearFrames, today: date) -> pd.DataFrame:
    """Courses that ended without feedback, and survey course names that match no course."""
    columns = ["side", "name", "key", "responses"]
    if kpi.measure != "course_feedback_coverage" or frames.frame("attendance").empty:
        return pd.DataFrame(columns=columns)
    survey = frames.frame(kpi.params["survey_kind"])
    courses, unmatched = coverage_table(frames.frame("attendance"), survey, Period(frames.year, today).as_of)
    no_feedback = courses.loc[~courses["covered"], ["name", "key", "responses"]].assign(side="course_without_feedback")
    orphan = unmatched[["name", "key", "responses"]].assign(side="survey_without_course")
    return pd.concat([no_feedback, orphan], ignore_index=True)[columns]


def _count_breakdown(kpi: Kpi, frames: YearFrames, today: date) -> pd.DataFrame:
    rows = filter_rows(frames.frame(kpi.source), kpi.filter)
    period = Period(frames.year, today)
    if kpi.measure == "event_count":
        keep = [c for c in ("date", "event_type", "title", "participants") if c in rows.columns]
        out = rows[keep].assign(held=events_held(rows, period)).sort_values("date").reset_index(drop=True)
        return out
    if rows.empty:
        return pd.DataFrame(columns=["course", "enrolled", "completed", "unique_trainees"])
    ended = rows[courses_ended(rows, period)]
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


def _calls_by_hour(kpi: Kpi, frames: YearFrames) -> pd.DataFrame:
    rows = frames.frame("calls")
    if rows.empty:
        return pd.DataFrame(columns=["hour", "calls", "within", "share"])
    within = pd.Series(within_rings(pd.to_numeric(rows["rings"]), kpi.params), index=rows.index)
    grouped = within.groupby(pd.to_datetime(rows["call_time"]).dt.hour.rename("hour"))
    out = pd.DataFrame({"calls": grouped.size(), "within": grouped.sum().astype("int64")}).reset_index()
    out["share"] = out["within"] / out["calls"]
    return out


def breakdown(kpi: Kpi, frames: YearFrames, today: date, registry: Registry | None = None) -> pd.DataFrame:
    """The breakdown that suits the KPI's measure (course, case type, event, posting or hour)."""
    m = kpi.measure
    if m in ("survey_mean", "survey_satisfied_share"):
        return course_breakdown(kpi, frames.frame(kpi.source))
    if m in ("deadline_share", "median_days"):
        return case_type_summary(frames, today, registry)
    if m in ("event_count", "completed_enrolments"):
        return _count_breakdown(kpi, frames, today)
    if m == "course_feedback_coverage":
        survey = frames.frame(kpi.params["survey_kind"])
        return coverage_table(frames.frame("attendance"), survey, Period(frames.year, today).as_of)[0]
    if m == "posting_duration_share":
        rows = frames.frame("postings")
        if rows.empty:
            return pd.DataFrame(columns=["company", "product", "posted_from", "online_until", "reached_on", "state"])
        status = judge_postings(rows, kpi.params, Period(frames.year, today))
        return status.sort_values(["state", "posted_from"]).reset_index(drop=True)
    if m == "calls_within_rings":
        return _calls_by_hour(kpi, frames)
    return pd.DataFrame()


def distribution(kpi: Kpi, frames: YearFrames, today: date) -> pd.DataFrame:
    """What lies behind the value: rating counts, days taken, or rings before answering."""
    if kpi.spec.sample:
        return rating_distribution(frames.frame(kpi.source))
    if kpi.source == "cases":
        return days_histogram(kpi, frames, today)
    if kpi.measure == "calls_within_rings" and not frames.frame("calls").empty:
        rings = pd.to_numeric(frames.frame("calls")["rings"]).value_counts().sort_index()
        out = pd.DataFrame({"rings": rings.index.to_numpy(), "count": rings.to_numpy()})
        out["within"] = within_rings(out["rings"], kpi.params)
        return out
    return pd.DataFrame()


def year_series(
    engine: Engine, kpi_id: str, years: Iterable[int] | None = None, *, today: date | None = None,
    registry: Registry | None = None,
) -> pd.DataFrame:
    """The KPI for every year with data (or the given years), with its target and status."""
    registry = registry or load_registry()
    today = today or date.today()
    kpi = registry.get(kpi_id)
    years = years if years is not None else [y for y in data_years(engine) if y <= today.year]
    records = []
    for year in years:
        kpi = registry_for_year(engine, year, registry).get(kpi_id)  # each year with its own target
        frames = load_year_frames(engine, year, kpi.kinds_needed(), today=today)
        r = evaluate_kpi(kpi, frames, Period(year, today))
        records.append({"year": year, "value": r.value, "target": r.target, "status": r.status, "n": r.n,
                        "ci_low": r.ci_low, "ci_high": r.ci_high, "pending": r.pending,
                        "projection": r.projection, "projection_low": r.projection_low,
                        "projection_high": r.projection_high, "band_years": r.extra.get("band_years"), "ytd": r.ytd})
    return pd.DataFrame(records, columns=["year", "value", "target", "status", "n", "ci_low", "ci_high",
                                          "pending", "projection", "projection_low", "projection_high", "band_years", "ytd"])


def story_from_frames(
    kpi: Kpi, frames: YearFrames, today: date, years: pd.DataFrame | None = None,
    questions: pd.DataFrame | None = None, registry: Registry | None = None,
) -> KpiStory:
    """A KPI's story from frames in memory (detail columns loaded for surveys and cases)."""
    empty = pd.DataFrame()
    survey = frames.frame(kpi.source) if kpi.spec.sample else empty
    q_means = question_means(survey, questions, float(kpi.params.get("scale", 5))) if kpi.spec.sample else empty
    return KpiStory(
        kpi=kpi,
        result=evaluate_kpi(kpi, frames, Period(frames.year, today)),
        years=years if years is not None else empty,
        months=monthly_series(kpi, frames, today),
        breakdown=breakdown(kpi, frames, today, registry),
        distribution=distribution(kpi, frames, today),
        cases=case_list(kpi, frames, today) if kpi.source == "cases" else empty,
        questions=q_means,
        likert=likert_distribution(survey, questions) if kpi.spec.sample else empty,
        unmatched=unmatched_courses(kpi, frames, today),
    )


def kpi_story(
    engine: Engine, kpi_id: str, year: int | None = None, *, today: date | None = None, registry: Registry | None = None
) -> KpiStory:
    """Read what one KPI's page needs from the store and build its story."""
    registry = registry or load_registry()
    today = today or date.today()
    year = year or default_year(engine, today)
    registry = registry_for_year(engine, year, registry)
    kpi = registry.get(kpi_id)
    kinds = set(kpi.kinds_needed()) | ({"cases"} if kpi.source == "cases" else set())
    frames = load_year_frames(engine, year, kinds, today=today, detail=True)
    questions = None
    if kpi.spec.sample and "upload_id" in frames.frame(kpi.source).columns:
        questions = load_questions(engine, frames.frame(kpi.source)["upload_id"].dropna().unique())
    years = year_series(engine, kpi_id, today=today, registry=registry)
    return story_from_frames(kpi, frames, today, years, questions, registry)

