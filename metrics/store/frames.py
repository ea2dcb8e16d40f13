"""Loading what the scorecard needs from the store: one year, only the needed columns.

Reading is kept apart from computing: measures take the frames built here (or frames a test
makes with `frames_from_dict`), so they never touch the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import NewType, TypedDict, get_type_hints

import pandas as pd
from sqlalchemy import Engine, text

from metrics import clock
from metrics.contract import KindSpec, load_contract
from metrics.contract.kinds import boolean_columns, date_columns, holds_kinds, table_of, time_columns
from metrics.kpi import course_aliases
from metrics.kpi.measures import MEASURES
from metrics.store import read_active
from metrics.timeofday import clock_text

# What one row of each kind's frame holds: the columns the scorecard reads, and (the *StoryRow beside it)
# those a KPI's story adds. Dates are Timestamps (NaT when missing), text may be missing too.
Flag = bool | None  # a yes/no that may be blank (not checked, not recorded): pandas' nullable boolean
TimeOfDay = NewType("TimeOfDay", str)  # "HH:MM" beside a date (stored as SQL TIME); missing when the log gives none


class CaseRow(TypedDict):
    """A case: its type, when it was received, completed (NaT while open) and given an interim notice; the time of day
    of the receipt and answer where the log gives one (a deadline of 5 business days or less counts hours from it)."""

    case_type: str
    received: pd.Timestamp
    received_time: TimeOfDay
    completed: pd.Timestamp
    completed_time: TimeOfDay
    interim: pd.Timestamp
    expert_team: Flag  # technical support: an expert team formed (blank: not recorded)


class CaseStoryRow(CaseRow):
    """A case with its reference and title."""

    id: int
    ref: str
    title: str


class EventRow(TypedDict):
    """An event held (or planned) on a day, its title (a future-talent course run: the course) and who took part."""

    event_type: str
    date: pd.Timestamp
    title: str
    participants: float  # NaN when not counted
    participant_groups: str  # codes joined by commas; missing when not recorded


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


class MonitoringRow(TypedDict):
    """A monitored contact (a mystery call or visit) and its checklist items (blank: not checked)."""

    channel: str
    monitored: pd.Timestamp
    greeting: Flag
    name_given: Flag
    listening: Flag
    transfer_details: Flag
    callback: Flag
    signage: Flag
    office_used: Flag
    wait_minutes: float


class MonitoringStoryRow(MonitoringRow):
    id: int
    ref: str
    department: str


class SuggestionRow(TypedDict):
    """A suggestion received, the decision on it and whether it was acted on (blank while under review)."""

    via: str
    received: pd.Timestamp
    decision: str
    decided_on: pd.Timestamp
    reflected: Flag


class SuggestionStoryRow(SuggestionRow):
    id: int
    ref: str
    summary: str


class RemedyRow(TypedDict):
    """A wrong service put right: apology, cause, action and the staff training."""

    received: pd.Timestamp
    apology: Flag
    cause_found: Flag
    action_taken: Flag
    training_on: pd.Timestamp
    compensated: Flag  # compensation given where due (blank: none was due)


class RemedyStoryRow(RemedyRow):
    id: int
    ref: str
    action: str
    compensation: str


class WebsiteReviewRow(TypedDict):
    """A website page reviewed on a day, up to date or not."""

    reviewed_on: pd.Timestamp
    up_to_date: Flag
    days_since_update: float  # days from the page's last update to the review (NaN when not known)


class WebsiteReviewStoryRow(WebsiteReviewRow):
    id: int
    page: str
    last_updated: pd.Timestamp


class VisitRow(TypedDict):
    """A visit to a customer: called ahead, results explained, a business card given."""

    visited: pd.Timestamp
    called_ahead: Flag
    results_explained: Flag
    card_given: Flag


class VisitStoryRow(VisitRow):
    id: int
    customer: str
    purpose: str


class HistoryRow(TypedDict):
    """Earlier years' count of a kind on a day (key: the event type, '' for enrolments)."""

    year: int
    key: str
    date: pd.Timestamp
    n: int


def declared_columns(row: type[Mapping[str, object]]) -> dict[str, object]:
    """A row declaration's columns and what each holds, in declaration order."""
    return get_type_hints(row)


# The charter's kinds -> (the row the scorecard reads, the row a KPI's story reads): the contract's `reads` and
# `reads` + `story` as types (tests/test_frame_rows.py holds them to contract.toml, the tables and a loaded store).
ROWS: dict[str, tuple[type[Mapping[str, object]], type[Mapping[str, object]]]] = {
    "cases": (CaseRow, CaseStoryRow),
    "events": (EventRow, EventRow),
    "attendance": (EnrolmentRow, EnrolmentStoryRow),
    "postings": (PostingRow, PostingRow),
    "calls": (CallRow, CallRow),
    **{kind: (SurveyRow, SurveyStoryRow) for kind in load_contract().survey_kinds},
    "monitoring": (MonitoringRow, MonitoringStoryRow),
    "suggestions": (SuggestionRow, SuggestionStoryRow),
    "remedies": (RemedyRow, RemedyStoryRow),
    "website_review": (WebsiteReviewRow, WebsiteReviewStoryRow),
    "customer_visits": (VisitRow, VisitStoryRow),
}


# Repeated labels as categories: grouping and distinct counts then work on small integer codes.
CATEGORY_COLUMNS = ("kind", "case_type", "event_type", "course", "course_key", "trainee_id")


@dataclass(frozen=True)
class YearFrames:
    """The rows of one year per upload kind, plus earlier years' counts for pacing."""

    year: int
    data: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False)  # kind -> its rows (ROWS)
    history: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False)  # kind -> HistoryRow rows

    def frame(self, kind: str) -> pd.DataFrame:
        """Rows of `kind` in the year (an empty frame when none)."""
        found = self.data.get(kind)
        return found if found is not None else pd.DataFrame()

    def covers(self, kind: str) -> bool:
        """True when at least one active row of `kind` belongs to the year."""
        return not self.frame(kind).empty


def prepare(frame: pd.DataFrame, kind: str, categorical: bool = False) -> pd.DataFrame:
    """Dates as datetime64 and flags as bool (as the kind's table types them), whatever the driver or a test handed in."""
    spec = load_contract().kind(kind)
    flags, dates, times = boolean_columns(spec), date_columns(spec), time_columns(spec)
    maybe = set(boolean_columns(spec, nullable=True))
    out = frame.copy()
    for col in out.columns:
        if col in maybe:
            # A blank checklist item is "not checked", not a no: kept missing (SQLite hands booleans back as 0/1).
            out[col] = out[col].astype("boolean")
        elif col in flags:
            # SQLite hands booleans back as 0/1.
            out[col] = out[col].fillna(False).astype(bool)
        elif col in dates and not pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = pd.to_datetime(out[col], format="ISO8601")
        elif col in times:
            out[col] = clock_text(out[col])  # "HH:MM", whether the driver gave text (SQLite) or datetime.time
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
    today = today or clock.today()
    contract = load_contract()
    wanted = set(kinds) if kinds is not None else set(contract.kinds)
    data: dict[str, pd.DataFrame] = {}
    shared = sorted({contract.kind(k).table for k in wanted if kinds_share_table(contract.kind(k))})
    for table in shared:  # one query for the kinds a table shares (the surveys), split by kind
        data.update(_load_shared(engine, year, sorted(k for k in wanted if contract.kind(k).table == table), detail))
    for kind in sorted(k for k in wanted if k not in data):
        data[kind] = prepare(read_active(engine, contract.kind(kind).table, "year = :y", {"y": year},
                                         _columns([contract.kind(kind)], detail)), kind, categorical=True)
    history = {}
    if year == today.year:
        paced = history_rows()
        history = {kind: load_history(engine, kind, year) for kind in wanted & set(paced)}
    return YearFrames(year, data, history)


def kinds_share_table(kind: KindSpec) -> bool:
    """True for a kind whose table holds other kinds too (the surveys: survey_responses)."""
    return holds_kinds(table_of(kind))


def _columns(specs: list[KindSpec], detail: bool) -> str:
    """The stored columns the scorecard reads of these kinds, and with `detail` those a KPI's page adds."""
    return ", ".join(dict.fromkeys(c for s in specs for c in s.reads + (s.story if detail else ())))


def _load_shared(engine: Engine, year: int, names: list[str], detail: bool) -> dict[str, pd.DataFrame]:
    """One query for the kinds of one shared table in the year, split by kind; survey course names as mapped."""
    specs = [load_contract().kind(k) for k in names]
    params = {f"k{i}": k for i, k in enumerate(names)}
    where = "year = :y AND kind IN (" + ", ".join(f":{p}" for p in params) + ")"
    rows = read_active(engine, specs[0].table, where, {"y": year, **params}, _columns(specs, detail))
    rows = prepare(rows, names[0], categorical=True)
    if all(s.is_survey for s in specs):
        rows = course_aliases.apply_aliases(rows, course_aliases.load(engine))  # course names mapped by managers
    if len(names) == 1:
        return {names[0]: rows}
    return {kind: rows[rows["kind"] == kind].reset_index(drop=True) for kind in names}


def history_rows() -> dict[str, str]:
    """kind -> the SQL condition on the rows a paced measure of it counts ("" for all): the kinds with history."""
    return {kind: spec.paced_rows for spec in MEASURES.values() if spec.paced for kind in spec.kinds}


def history_sql(kind: KindSpec, where: str = "") -> str:
    """SQL of (year, key, date, n) before :y: the kind's rows counted per year, type and period date."""
    key = kind.type_column or "''"
    group = ", ".join(["year", *([kind.type_column] if kind.type_column else []), kind.period])
    condition = "".join(f" AND {c}" for c in (where, "kind = :kind" if kinds_share_table(kind) else "") if c)
    return (f"SELECT year, {key} AS key, {kind.period} AS date, COUNT(*) AS n FROM {kind.table} "
            f"WHERE active{condition} AND year < :y GROUP BY {group}")


def load_history(engine: Engine, kind: str, year: int) -> pd.DataFrame:
    """Counts per (year, key, date) of the years before `year`, aggregated in SQL."""
    spec = load_contract().kind(kind)
    params: dict[str, str | int] = {"y": year, **({"kind": kind} if kinds_share_table(spec) else {})}
    with engine.connect() as conn:
        hist = pd.read_sql(text(history_sql(spec, history_rows().get(kind, ""))), conn, params=params)
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
    sql = " UNION ".join(f"SELECT DISTINCT year FROM {t} WHERE active" for t in load_contract().tables)
    with engine.connect() as conn:
        return sorted(int(r[0]) for r in conn.execute(text(sql)))


def default_year(engine: Engine, today: date | None = None) -> int:
    """The latest year with data that has begun (not a year of only planned events); else this year."""
    today = today or clock.today()
    years = [y for y in data_years(engine) if y <= today.year]
    return years[-1] if years else today.year
