"""Loading what the scorecard needs from the store: one year, only the needed columns.

Reading is kept apart from computing: measures take the frames built here (or frames a test
makes with `frames_from_dict`), so they never touch the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import Engine, text

from metrics.kpi import course_aliases
from metrics.kpi.measures import SURVEY_KINDS
from metrics.store import read_active

# kind -> (table, columns the scorecard reads, extra columns a KPI story reads)
KIND_COLUMNS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "cases": ("cases", ("case_type", "received", "completed", "interim"), ("id", "ref", "title")),
    "events": ("events", ("event_type", "date", "participants"), ("title",)),
    "attendance": ("enrolments", ("trainee_id", "course", "course_key", "end_date", "completed"), ("cohort", "start_date")),
    "postings": ("postings", ("company", "product", "posted_from", "posted_to"), ()),
    "calls": ("calls", ("call_time", "rings"), ()),
    **{
        kind: ("survey_responses", ("kind", "score", "scale_max", "course", "course_key"),
               ("id", "upload_id", "response_date", "company", "overall", "items_json"))
        for kind in SURVEY_KINDS
    },
}
DATE_COLUMNS = ("received", "completed", "interim", "date", "end_date", "start_date", "posted_from", "posted_to", "call_time", "response_date")
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
    data: dict = field(default_factory=dict, compare=False)  # kind -> DataFrame
    history: dict = field(default_factory=dict, compare=False)  # kind -> DataFrame(year, key, date, n)

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
        if kind == "attendance" and col == "completed":
            # SQLite hands booleans back as 0/1.
            out[col] = out[col].fillna(False).astype(bool)
        elif col in DATE_COLUMNS and not pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = pd.to_datetime(out[col], format="ISO8601")
        elif categorical and col in CATEGORY_COLUMNS:
            out[col] = out[col].astype("category")
    return out


def frames_from_dict(year: int, data: dict, history: dict | None = None) -> YearFrames:
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
    engine: Engine, year: int, kinds=None, *, today: date | None = None, detail: bool = False
) -> YearFrames:
    """Active rows of `year` for each kind (all scorecard kinds by default), history if the year runs.

    `detail` adds the columns a KPI story shows (references, titles, item answers).
    """
    today = today or date.today()
    kinds = set(kinds) if kinds is not None else set(KIND_COLUMNS)
    data = _load_surveys(engine, year, sorted(kinds & set(SURVEY_KINDS)), detail)
    for kind in sorted(kinds - set(SURVEY_KINDS)):
        table, cols, extra = KIND_COLUMNS[kind]
        columns = ", ".join(cols + (extra if detail else ()))
        data[kind] = prepare(read_active(engine, table, "year = :y", {"y": year}, columns), kind, categorical=True)
    history = {}
    if year == today.year:
        history = {kind: load_history(engine, kind, year) for kind in kinds & set(HISTORY_SQL)}
    return YearFrames(year, data, history)


def _load_surveys(engine: Engine, year: int, kinds: list[str], detail: bool) -> dict:
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


def load_questions(engine: Engine, upload_ids) -> pd.DataFrame:
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
