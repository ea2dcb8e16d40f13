"""Deterministic demo data for every upload kind, and the command that loads it through the pipeline.

`generate` makes one frame per upload kind, with the contract's Korean headers, for the three
years before `today` and the current year up to `today`. The frames hold typed values (dates as
datetimes, ratings as numbers, 수료여부 as booleans) except where the text is the data (Likert
answers, Korean case and event labels); `metrics.demo.files` renders them as realistic sheets.
`run_demo` writes those sheets and imports each of them through `metrics.intake.ingest`, so the demo
database holds exactly what the sample files hold.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import Engine

from metrics import clock
from metrics.demo.calendar import WorkCalendar
from metrics.demo.expo import exhibitor_survey_frame, postings_frame
from metrics.demo.names import header
from metrics.demo.office import calls_frame, cases_frame, events_frame
from metrics.demo.service import (
    monitoring_frame,
    remedies_frame,
    suggestions_frame,
    visits_frame,
    website_frame,
)
from metrics.demo.training import attendance_frame, future_talent_frame, trainee_survey_frame
from metrics.settings import DATA_DIR

if TYPE_CHECKING:
    from metrics.intake.report import IngestReport

SAMPLES_DIR = DATA_DIR / "samples"
YEARS_BACK = 3
DEMO_USER = "demo"

# The column whose value (or date) says which year a row counts for, as the contract's year rules say.
YEAR_ROLE = {
    "exhibitor_survey": "exhibition_year",
    "trainee_survey": "response_date",
    "future_talent_survey": "response_date",
    "attendance": "end_date",
    "cases": "received",
    "events": "date",
    "postings": "exhibition_year",
    "calls": "call_time",
    "monitoring": "monitored",
    "suggestions": "received",
    "remedies": "received",
    "website_review": "reviewed_on",
    "customer_visits": "visited",
}


@dataclass(frozen=True)
class DemoData:
    """One frame per upload kind, for `years` (the last one only up to `today`)."""

    today: date
    seed: int
    years: tuple[int, ...]
    exhibitor_survey: pd.DataFrame
    trainee_survey: pd.DataFrame
    future_talent_survey: pd.DataFrame
    attendance: pd.DataFrame
    cases: pd.DataFrame
    events: pd.DataFrame
    postings: pd.DataFrame
    calls: pd.DataFrame
    monitoring: pd.DataFrame
    suggestions: pd.DataFrame
    remedies: pd.DataFrame
    website_review: pd.DataFrame
    customer_visits: pd.DataFrame

    def frames(self) -> dict[str, pd.DataFrame]:
        """The frames by upload kind."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name in YEAR_ROLE}

    def for_year(self, kind: str, year: int) -> pd.DataFrame:
        """The rows of one kind that count for one year."""
        frame: pd.DataFrame = getattr(self, kind)
        return frame.loc[year_of(kind, frame) == year]


def year_of(kind: str, frame: pd.DataFrame) -> pd.Series:
    """The year each row of a demo frame counts for."""
    column = frame[header(kind, YEAR_ROLE[kind])]
    return column.dt.year if pd.api.types.is_datetime64_any_dtype(column) else column.astype("int64")


def generate(today: date, seed: int = 2026) -> DemoData:
    """Demo frames for today.year-3 .. today.year; the same today and seed give the same frames."""
    years = list(range(today.year - YEARS_BACK, today.year + 1))
    cal = WorkCalendar(years[0], years[-1])
    attendance = attendance_frame(cal, seed, years, today)
    return DemoData(
        today=today,
        seed=seed,
        years=tuple(years),
        exhibitor_survey=exhibitor_survey_frame(cal, seed, years, today),
        trainee_survey=trainee_survey_frame(seed, attendance, today),
        future_talent_survey=future_talent_frame(cal, seed, years, today),
        attendance=attendance,
        cases=cases_frame(cal, seed, years, today),
        events=events_frame(cal, seed, years, today),
        postings=postings_frame(cal, seed, years, today),
        calls=calls_frame(cal, seed, years, today),
        monitoring=monitoring_frame(cal, seed, years, today),
        suggestions=suggestions_frame(cal, seed, years, today),
        remedies=remedies_frame(cal, seed, years, today),
        website_review=website_frame(cal, seed, years, today),
        customer_visits=visits_frame(cal, seed, years, today),
    )


def run_demo(
    engine: Engine, today: date | None = None, out_dir: Path = SAMPLES_DIR, if_empty: bool = False
) -> list[IngestReport]:
    """Write the sample files to out_dir and import each through the pipeline; returns the ingest reports.

    With if_empty, nothing happens when the database already holds an upload (one not undone).
    """
    from metrics.demo.files import write_samples
    from metrics.intake.ingest import (
        ingest_file,  # the pipeline; imported late so this module loads on its own
    )

    if if_empty and has_uploads(engine):
        return []
    data = generate(today or clock.today())
    return [
        ingest_file(engine, sample.path.read_bytes(), sample.path.name, kind=sample.kind, uploaded_by=DEMO_USER,
                    **sample.upload_options())
        for sample in write_samples(data, Path(out_dir))
    ]


def has_uploads(engine: Engine) -> bool:
    """True when the database holds at least one upload that was not undone."""
    from metrics.store import list_uploads

    uploads = list_uploads(engine)
    return bool(len(uploads)) and bool(uploads["undone_at"].isna().any())
