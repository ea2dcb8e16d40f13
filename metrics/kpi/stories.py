"""The story behind each KPI, for its page: series, breakdowns, distributions and case lists.

Everything here returns plain data (frozen dataclasses and DataFrames), never figures. The
functions on frames are pure; `kpi_story` and `year_series` read the store. What a measure shows
beside its series (breakdown, distribution, late cases, unmatched courses) is registered with the
measure (MeasureSpec.details; the parts live in stories_cases, stories_counts and stories_surveys).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine

from metrics import clock
from metrics.contract import load_contract
from metrics.kpi.details.counts import UNMATCHED_COLUMNS
from metrics.kpi.details.surveys import likert_distribution, question_means
from metrics.kpi.measures.base import Period, filter_rows
from metrics.kpi.registry import Kpi, Registry, load_registry
from metrics.kpi.scorecard import KpiResult, evaluate_kpi
from metrics.kpi.targets import registry_for_year
from metrics.store.frames import YearFrames, data_years, default_year, load_questions, load_year_frames

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
    column = load_contract().kind(kpi.source).period  # the date that places a row in a month
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


def breakdown(kpi: Kpi, frames: YearFrames, today: date, registry: Registry | None = None) -> pd.DataFrame:
    """The breakdown the KPI's measure registers (course, case type, event, posting or hour); empty without one."""
    part = kpi.spec.details.breakdown
    return part(kpi, frames, today, registry or load_registry()) if part else pd.DataFrame()


def distribution(kpi: Kpi, frames: YearFrames, today: date) -> pd.DataFrame:
    """What lies behind the value, as the measure registers it: rating counts, days taken, or rings before answering."""
    part = kpi.spec.details.distribution
    return part(kpi, frames, today) if part else pd.DataFrame()


def year_series(
    engine: Engine, kpi_id: str, years: Iterable[int] | None = None, *, today: date | None = None,
    registry: Registry | None = None,
) -> pd.DataFrame:
    """The KPI for every year with data (or the given years), with its target and status."""
    registry = registry or load_registry()
    today = today or clock.today()
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
    empty, details = pd.DataFrame(), kpi.spec.details
    survey = frames.frame(kpi.source) if kpi.spec.sample else empty
    q_means = question_means(survey, questions, float(kpi.params.get("scale", 5))) if kpi.spec.sample else empty
    return KpiStory(
        kpi=kpi,
        result=evaluate_kpi(kpi, frames, Period(frames.year, today)),
        years=years if years is not None else empty,
        months=monthly_series(kpi, frames, today),
        breakdown=breakdown(kpi, frames, today, registry),
        distribution=distribution(kpi, frames, today),
        cases=details.cases(kpi, frames, today) if details.cases else empty,
        questions=q_means,
        likert=likert_distribution(survey, questions) if kpi.spec.sample else empty,
        unmatched=details.unmatched(kpi, frames, today) if details.unmatched else pd.DataFrame(columns=UNMATCHED_COLUMNS),
    )


def kpi_story(
    engine: Engine, kpi_id: str, year: int | None = None, *, today: date | None = None, registry: Registry | None = None
) -> KpiStory:
    """Read what one KPI's page needs from the store and build its story."""
    registry = registry or load_registry()
    today = today or clock.today()
    year = year or default_year(engine, today)
    registry = registry_for_year(engine, year, registry)
    kpi = registry.get(kpi_id)
    frames = load_year_frames(engine, year, kpi.kinds_needed(), today=today, detail=True)
    questions = None
    if kpi.spec.sample and "upload_id" in frames.frame(kpi.source).columns:
        questions = load_questions(engine, frames.frame(kpi.source)["upload_id"].dropna().unique())
    years = year_series(engine, kpi_id, today=today, registry=registry)
    return story_from_frames(kpi, frames, today, years, questions, registry)

