"""Loading what the scorecard needs from the store: one year, only the needed columns.

Reading is kept apart from computing: measures take the frames built here (or frames a test
makes with `frames_from_dict`), so they never touch the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple, TypedDict, get_type_hints

import pandas as pd
from sqlalchemy import Engine, text

from metrics.kpi import course_aliases
from metrics.kpi.measures import SURVEY_KINDS
from metrics.store import read_active
from metrics.store.tables import KIND_TABLES


# What one row of each kind's frame holds: the columns the scorecard reads, and (the *StoryRow beside it)
# those a KPI's story adds. Dates are Timestamps (NaT when missing), text may be missing too.
class CaseRow(TypedDict):
    """A case: its type, when it was received, completed (NaT while open) and given an interim notice."""

    case_type: str
    received: pd.Timestamp
    completed: pd.Timestamp
    interim: pd.Timestamp


class CaseStoryRow(CaseRow):
    """A case with its reference and title."""

    id: int
    ref: str
    title: str


class EventRow(TypedDict):
    """An event held (or planned) on a day."""

    event_type: str
    date: pd.Timestamp
    participants: float  # NaN when not counted


class EventStoryRow(EventRow):
    """An event with its title."""

    title: str


class EnrolmentRow(TypedDict):
    """A trainee's enrolment in a course, and whether it was completed."""

    trainee_id: str
    course: str
    course_key: str
    end_date: pd.Timestamp
    completed: bool


class EnrolmentStoryRow(EnrolmentRow):
    """An enrolment with its cohort and start."""

    cohort: str
    start_date: pd.Timestamp


class PostingRow(TypedDict):
    """An exhibitor's product posting and the days it was online (posted_to NaT while online)."""

    company: str
    product: str
    posted_from: pd.Timestamp
    posted_to: pd.Timestamp


class CallRow(TypedDict):
    """A phone call and the rings before it was answered."""

    call_time: pd.Timestamp
    rings: float


class SurveyRow(TypedDict):
    """A survey response: its kind, overall score on its scale, and the course it speaks of."""

    kind: str
    score: float
    scale_max: float
    course: str
    course_key: str


class SurveyStoryRow(SurveyRow):
    """A response with where it came from, its date, company and item answers."""

    id: int
    upload_id: int
    response_date: pd.Timestamp
    company: str
    overall: float
    items_json: str


class HistoryRow(TypedDict):
    """Earlier years' count of a kind on a day (key: the event type, '' for enrolments)."""

    year: int
    key: str
    date: pd.Timestamp
    n: int


class KindFrame(NamedTuple):
    """Where a kind's frame is read from, and its columns: those the scorecard reads, those a story adds."""

    table: str
    columns: tuple[str, ...]
    extra: tuple[str, ...]


def declared_columns(row: type[Mapping[str, object]]) -> dict[str, object]:
    """A row declaration's columns and what each holds, in declaration order."""
    return get_type_hints(row)


def _kind_frame(table: str, row: type[Mapping[str, object]], story: type[Mapping[str, object]]) -> KindFrame:
    columns = tuple(declared_columns(row))
    return KindFrame(table, columns, tuple(c for c in declared_columns(story) if c not in columns))


# kind -> its row declarations
ROWS: dict[str, tuple[type[Mapping[str, object]], type[Mapping[str, object]]]] = {
    "cases": (CaseRow, CaseStoryRow),
    "events": (EventRow, EventStoryRow),
    "attendance": (EnrolmentRow, EnrolmentStoryRow),
    "postings": (PostingRow, PostingRow),
    "calls": (CallRow, CallRow),
    **{kind: (SurveyRow, SurveyStoryRow) for kind in SURVEY_KINDS},
}
KIND_COLUMNS: dict[str, KindFrame] = {kind: _kind_frame(KIND_TABLES[kind].table.name, *ROWS[kind]) for kind in ROWS}
DATE_COLUMNS = tuple(dict.fromkeys(
    name for _, story in ROWS.values() for name, held in declared_columns(story).items() if held is pd.Timestamp
))
# kind -> its true/false columns (SQLite hands booleans back as 0/1)
FLAG_COLUMNS = {
    kind: tuple(name for name, held in declared_columns(story).items() if held is bool) for kind, (_, story) in ROWS.items()
}

# Repeated labels as categories: grouping and distinct counts then work on small integer codes.
CATEGORY_COLUMNS = ("kind", "case_type", "event_type", "course", "course_key", "trainee_id")
# Count KPIs are paced from earlier years: kind -> SQL of (year, key, date, n) before :y.
HISTORY_SQL = {
    "events": "SELECT year, event_type AS key, date, COUNT(*) AS n FROM events "
              "WHERE active AND year < :y GROUP BY year, event_type, date",
    "attendance": "SELECT year, '' AS key, end_date AS date, COUNT(*) AS n FROM enrolments "
                  "WHERE active AND completed AND year < :y GROUP BY year, end_date",
}


@dataclass(frozen=True)
class YearFrames:
    """The rows of one year per upload kind, plus earlier years' counts for pacing."""

    year: int
    data: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False)  # kind -> rows declared in ROWS
    history: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False)  # kind -> HistoryRow rows

    def frame(self, kind: str) -> pd.DataFrame:
        """Rows of `kind` in the year (an empty frame when none)."""
        found = self.data.get(kind)
        return found if found is not None else pd.DataFrame()

    def covers(self, kind: str) -> bool:
        """True when at least one active row of `kind` belongs to the year."""
        return not self.frame(kind).empty


def prepare(frame: pd.DataFrame, kind: str, categorical: bool = False) -> pd.DataFrame:
    """Dates as datetime64 and flags as bool, whatever the driver or a test handed in."""
    out = frame.copy()
    for col in out.columns:
        if col in FLAG_COLUMNS.get(kind, ()):
            out[col] = out[col].fillna(False).astype(bool)
        elif col in DATE_COLUMNS and not pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = pd.to_datetime(out[col], format="ISO8601")
        elif categorical and col in CATEGORY_COLUMNS:
            out[col] = out[col].astype("category")
    return out


def frames_from_dict(
    year: int, data: Mapping[str, pd.DataFrame], history: Mapping[str, pd.DataFrame] | None = None
) -> YearFrames:
    """YearFrames from frames made by hand (tests, previews): dtypes are fixed up here."""
    return YearFrames(
        year,
        {kind: prepare(frame, kind) for kind, frame in data.items()},
        {kind: _prepare_history(h) for kind, h in (history or {}).items()},
    )


def _prepare_history(history: pd.DataFrame) -> pd.DataFrame:
    out = history.copy()
    out["date"] = pd.to_datetime(out["date"], format="ISO8601")
    if "key" not in out.columns:
        out["key"] = ""
    return out


def load_year_frames(
    engine: Engine, year: int, kinds: Iterable[str] | None = None, *, today: date | None = None, detail: bool = False
) -> YearFrames:
    """Active rows of `year` for each kind (all scorecard kinds by default), history if the year runs.

    `detail` adds the columns a KPI story shows (references, titles, item answers).
    """
    today = today or date.today()
    wanted = set(kinds) if kinds is not None else set(KIND_COLUMNS)
    data = _load_surveys(engine, year, sorted(wanted & set(SURVEY_KINDS)), detail)
    for kind in sorted(wanted - set(SURVEY_KINDS)):
        table, cols, extra = KIND_COLUMNS[kind]
        columns = ", ".join(cols + (extra if detail else ()))
        data[kind] = prepare(read_active(engine, table, "year = :y", {"y": year}, columns), kind, categorical=True)
    history = {}
    if year == today.year:
        history = {kind: load_history(engine, kind, year) for kind in wanted & set(HISTORY_SQL)}
    return YearFrames(year, data, history)


def _load_surveys(engine: Engine, year: int, kinds: list[str], detail: bool) -> dict[str, pd.DataFrame]:
    """One query for all survey kinds of the year, split by kind."""
    if not kinds:
        return {}
    _, cols, extra = KIND_COLUMNS[kinds[0]]
    names = {f"k{i}": k for i, k in enumerate(kinds)}
    where = "year = :y AND kind IN (" + ", ".join(f":{p}" for p in names) + ")"
    rows = read_active(engine, "survey_responses", where, {"y": year, **names}, ", ".join(cols + (extra if detail else ())))
    rows = prepare(rows, "survey", categorical=True)
    rows = course_aliases.apply_aliases(rows, course_aliases.load(engine))  # course names mapped by managers
    if len(kinds) == 1:
        return {kinds[0]: rows}
    return {kind: rows[rows["kind"] == kind].reset_index(drop=True) for kind in kinds}


def load_history(engine: Engine, kind: str, year: int) -> pd.DataFrame:
    """Counts per (year, key, date) of the years before `year`, aggregated in SQL."""
    with engine.connect() as conn:
        hist = pd.read_sql(text(HISTORY_SQL[kind]), conn, params={"y": year})
    return _prepare_history(hist)


def load_questions(engine: Engine, upload_ids: Iterable[int]) -> pd.DataFrame:
    """Survey question texts (upload_id, position, text) for the given uploads."""
    ids = sorted({int(i) for i in upload_ids})
    if not ids:
        return pd.DataFrame({"upload_id": [], "position": [], "text": []})
    params = {f"u{i}": u for i, u in enumerate(ids)}
    sql = "SELECT upload_id, position, text FROM survey_questions WHERE upload_id IN (" + ", ".join(f":{p}" for p in params) + ")"
    with engine.connect() as conn:
        return pd.read_sql(text(sql), conn, params=params)


def data_years(engine: Engine) -> list[int]:
    """Every year that some active data row belongs to, ascending."""
    sql = " UNION ".join(
        f"SELECT DISTINCT year FROM {t} WHERE active" for t in ("survey_responses", "enrolments", "cases", "events", "postings", "calls")
    )
    with engine.connect() as conn:
        return sorted(int(r[0]) for r in conn.execute(text(sql)))


def default_year(engine: Engine, today: date | None = None) -> int:
    """The latest year with data that has begun (not a year of only planned events); else this year."""
    today = today or date.today()
    years = [y for y in data_years(engine) if y <= today.year]
    return years[-1] if years else today.year
