"""Stored data for analysts: one dataset per upload kind, filtered by year, course, type, dates and timeliness.

Each dataset is an upload kind as the data contract declares it (table, period, type and course columns,
the columns shown); `load` reads the active rows of one and applies the filters; what it returns is exactly
what the page shows and what the export writes. A measure that reads the kind may judge its rows for the
explorer (measures_explore: cases by their deadline, postings by their months online), with the KPIs'
settings from registry.toml, so a row has the same state here as on the scorecard, and analysts may keep
the rows in a chosen state of a KPI (kpi_states, read from that same column). Courses are matched on
the KPI's course key, so the spelling variants of a course are one choice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Engine, text

from metrics import clock, store
from metrics.contract import KindSpec, load_contract
from metrics.contract.kinds import boolean_columns, date_columns, holds_kinds, table_of, time_columns
from metrics.explore import kpi_states as _kpi_states
from metrics.kpi import course_aliases
from metrics.kpi.measures import MEASURES, MeasureSpec
from metrics.kpi.measures.explore import TIMELINESS as _TIMELINESS
from metrics.kpi.measures.surveys import course_keys, normalise_course
from metrics.kpi.registry import load_registry
from metrics.timeofday import clock_text

TIMELINESS = _TIMELINESS  # a case's timeliness, as the deadline KPIs judge it (the page offers these)


@dataclass(frozen=True)
class Dataset:
    """A table analysts can browse: where it is stored, what it shows, which filters apply."""

    name: str
    table: str
    date_column: str
    columns: tuple[str, ...]
    kind: str | None = None  # the kind asked of a table several kinds share (survey_responses)
    type_column: str | None = None  # case_type / event_type
    course_column: str | None = None
    survey: bool = False  # survey responses: their answers shown under their questions, course names as mapped
    judges: tuple[MeasureSpec, ...] = ()  # measures that judge the rows for the explorer (cases: by deadline)
    dates: tuple[str, ...] = ()  # read back as datetimes, whatever the driver returns
    flags: tuple[str, ...] = ()  # read back as booleans
    times: tuple[str, ...] = ()  # times of day read back as "HH:MM" text
    blank_flags: tuple[str, ...] = ()  # of those, the ones that may be blank (a checklist item not checked)
    pseudonymised: bool = False  # people are stored only as keyed pseudonyms (the kind has personal columns)

    @property
    def has_questions(self) -> bool:
        return self.survey

    @property
    def has_timeliness(self) -> bool:
        """True when a measure's judge adds the timeliness analysts filter on (cases)."""
        return any(m.explore is not None and m.explore.filter == "timeliness" for m in self.judges)

    @property
    def words(self) -> dict[str, str]:
        """Judged column -> the label section that names its codes (postings: state; a checklist KPI's column)."""
        words = {c: s for m in self.judges if m.explore is not None for c, s in m.explore.words.items()}
        for m in self.judges:
            section = m.explore.per_kpi if m.explore is not None else None
            if section:
                words.update({k.id: section for k in load_registry() if k.spec is m and k.source == self.name})
        return words

    @property
    def kpi_states(self) -> tuple[_kpi_states.KpiState, ...]:
        """The states the KPIs judging the rows give them, as the filter offers them (none for an unjudged kind)."""
        return _kpi_states.choices(self.judges, self.name)


def _dataset(kind: KindSpec) -> Dataset:
    """The kind as the explorer shows it, all from its declaration in the data contract."""
    shown = set(kind.explore)
    return Dataset(
        kind.name, kind.table, kind.period, kind.explore,
        kind=kind.name if holds_kinds(table_of(kind)) else None,
        type_column=kind.type_column, course_column=kind.course_column, survey=kind.is_survey,
        judges=tuple(m for m in MEASURES.values() if m.explore is not None and kind.name in m.kinds),
        dates=tuple(c for c in date_columns(kind) if c in shown),
        flags=tuple(c for c in boolean_columns(kind) if c in shown),
        times=tuple(c for c in time_columns(kind) if c in shown),
        blank_flags=tuple(c for c in boolean_columns(kind, nullable=True) if c in shown),
        pseudonymised=any(c.type == "personal" for c in kind.columns),
    )


@dataclass(frozen=True)
class Filters:
    """What to keep; an empty tuple or None means "no filter on this"."""

    years: tuple[int, ...] = ()
    courses: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    timeliness: tuple[str, ...] = ()
    kpi_states: tuple[str, ...] = ()  # "kpi_id:state" codes (metrics.explore.kpi_states)

    def describe(self) -> str:
        """The filters set, as one line for the audit log ("" when none)."""
        parts = [f"{name}={','.join(str(v) for v in value)}" if isinstance(value, tuple) else f"{name}={value}"
                 for name, value in vars(self).items() if value not in ((), None)]
        return "; ".join(parts)


@dataclass(frozen=True)
class Choices:
    """The values a dataset's filters can take, for the widgets.

    courses are matching keys (one per course, whatever its spellings); course_names names each.
    """

    years: tuple[int, ...]
    courses: tuple[str, ...]
    types: tuple[str, ...]
    course_names: tuple[tuple[str, str], ...] = ()

    def course_name(self, key: str) -> str:
        """The course as first written among its spellings (the key itself when unknown)."""
        return dict(self.course_names).get(key, key)


def datasets() -> list[Dataset]:
    """Every dataset, one per upload kind, in the contract's order."""
    return [_dataset(kind) for kind in load_contract().kinds.values()]


def dataset(name: str) -> Dataset:
    """The dataset called `name`; KeyError naming the known ones otherwise."""
    kinds = load_contract().kinds
    if name not in kinds:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(kinds)}")
    return _dataset(kinds[name])


def _base_where(ds: Dataset) -> tuple[str, dict[str, str | int]]:
    return ("kind = :kind", {"kind": ds.kind}) if ds.kind else ("", {})


def choices(engine: Engine, name: str) -> Choices:
    """Years, courses and types present in the stored rows of a dataset."""
    ds = dataset(name)
    where, params = _base_where(ds)
    wanted = ["year"] + [c for c in (ds.course_column, ds.type_column) if c] + (["course_key"] if ds.course_column else [])
    frame = store.read_active(engine, ds.table, where, params, columns=f"DISTINCT {', '.join(wanted)}")
    years = tuple(sorted({int(y) for y in frame["year"].dropna()}, reverse=True))
    types = tuple(sorted({str(c) for c in frame[ds.type_column].dropna()})) if ds.type_column else ()
    names: dict[str, str] = {}
    if ds.course_column:
        frame = _aliased(engine, ds, frame)
        spelled = frame.assign(key=course_keys(frame)).sort_values([ds.course_column], kind="stable")
        for key, name in zip(spelled["key"], spelled[ds.course_column], strict=True):
            if key and isinstance(name, str):
                names.setdefault(key, name)
    courses = tuple(sorted(names, key=lambda k: (names[k], k)))
    return Choices(years, courses, types, tuple((k, names[k]) for k in courses))


def load(engine: Engine, name: str, filters: Filters | None = None, today: date | None = None) -> pd.DataFrame:
    """The dataset's active rows that pass `filters`, oldest first, with derived columns added."""
    ds = dataset(name)
    filters = filters or Filters()
    frame = _read(engine, ds, filters)
    frame = _by_dates(frame, ds.date_column, filters.date_from, filters.date_to)
    if ds.course_column and filters.courses:
        # A course name or key given: every spelling of that course, and the survey names a manager
        # mapped to it (course_aliases), as the KPI matches them.
        frame = _aliased(engine, ds, frame)
        wanted = {normalise_course(c) for c in filters.courses}
        frame = frame[course_keys(frame).isin(wanted).to_numpy()]
    for measure in ds.judges:  # each row in the state the KPIs give it (a case's timeliness)
        judge = measure.explore
        if judge is None:  # never: judges are the measures that judge rows for the explorer
            continue
        kpis = [k for k in load_registry() if k.spec is measure and k.source == ds.name]
        frame = judge.add(frame, kpis, today or clock.today())
        chosen: tuple[str, ...] = getattr(filters, judge.filter, ()) if judge.filter else ()
        if chosen:
            frame = frame[frame[judge.filter].isin(chosen)]
    if filters.kpi_states:
        frame = _kpi_states.keep(frame, ds.judges, ds.name, filters.kpi_states)
    if ds.has_questions:
        frame = with_questions(engine, frame)
    frame = frame.sort_values([ds.date_column, "id"], kind="stable", na_position="last")
    hidden = ("id", "upload_id", "items_json", "course_key")
    return frame.drop(columns=[c for c in hidden if c in frame.columns]).reset_index(drop=True)


def split_where(name: str, conditions: list[tuple[str, str]]) -> tuple[Filters, dict[str, tuple[str, ...]]]:
    """COLUMN=VALUE conditions as the explorer's filters (year, course, type, timeliness, a KPI judging the rows
    and its state: cs.monitor_phone_greeting=missed) and the rest by column.

    The same column twice keeps either value; different columns must all hold.
    """
    ds = dataset(name)
    by_column: dict[str, list[str]] = {}
    for column, value in conditions:
        by_column.setdefault(column, []).append(value)
    special = {"year": "years", ds.course_column: "courses", ds.type_column: "types"}
    if ds.has_timeliness:
        special["timeliness"] = "timeliness"
    chosen: dict[str, Any] = {}  # Filters' fields by name
    rest: dict[str, tuple[str, ...]] = {}
    judged = {k.id for _, k in _kpi_states.judging(ds.judges, ds.name)}
    for column, values in by_column.items():
        field = special.get(column) if column else None
        if column in judged:
            chosen["kpi_states"] = chosen.get("kpi_states", ()) + tuple(f"{column}{_kpi_states.SEP}{v}" for v in values)
        elif field == "years":
            chosen[field] = tuple(_year(v) for v in values)
        elif field:
            chosen[field] = tuple(values)
        else:
            rest[column] = tuple(values)
    return Filters(**chosen), rest


def _year(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"연도는 숫자로 적습니다: '{text}' / a year is a number, not '{text}'") from None


def where(frame: pd.DataFrame, conditions: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Rows whose cell equals one of the values given for each column (dates as YYYY-MM-DD, numbers by value)."""
    unknown = sorted(set(conditions) - set(frame.columns))
    if unknown:
        known = ", ".join(str(c) for c in frame.columns)
        raise ValueError(f"없는 열입니다: {', '.join(unknown)} (있는 열: {known}) / no such column: {', '.join(unknown)} "
                         f"(columns: {known})")
    keep = pd.Series(True, index=frame.index)
    for column, values in conditions.items():
        keep &= _cell_matches(frame[column], values)
    return frame[keep]


def _cell_matches(col: pd.Series, values: tuple[str, ...]) -> pd.Series:
    """Which cells equal one of `values`, compared as the cell's kind asks."""
    if pd.api.types.is_datetime64_any_dtype(col):
        days = col.dt.strftime("%Y-%m-%d")
        stamps = col.dt.strftime("%Y-%m-%d %H:%M:%S")
        either: pd.Series[bool] = days.isin(values) | stamps.isin(values)
        return either
    if pd.api.types.is_bool_dtype(col):
        wanted = {v.strip().casefold() in ("true", "1", "yes", "y", "예") for v in values}
        return col.isin(wanted)
    if pd.api.types.is_numeric_dtype(col):
        numbers = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
        return col.isin(numbers.tolist())
    return col.astype("object").map(lambda c: isinstance(c, str) and c in values).astype(bool)


def _aliased(engine: Engine, ds: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    """Survey rows with the course key of each course name a manager mapped replaced by the roster course's."""
    return course_aliases.apply_aliases(frame, course_aliases.load(engine)) if ds.survey else frame


def _read(engine: Engine, ds: Dataset, filters: Filters) -> pd.DataFrame:
    """Active rows from SQL, with the year and type filters applied in the query (they are indexed)."""
    where, params = _base_where(ds)
    clauses = [where] if where else []
    if filters.years:
        names = _bind("y", filters.years, params)
        clauses.append(f"year IN ({names})")
    if ds.type_column and filters.types:
        names = _bind("t", filters.types, params)
        clauses.append(f"{ds.type_column} IN ({names})")
    extra = ["id", "upload_id"] + (["items_json"] if ds.has_questions else []) + (["course_key"] if ds.course_column else [])
    columns = ", ".join(list(ds.columns) + extra)
    frame = store.read_active(engine, ds.table, " AND ".join(clauses), params, columns=columns)
    return _typed(frame, ds)


def _bind(prefix: str, values: tuple[str | int, ...], params: dict[str, str | int]) -> str:
    """Named bind parameters for an IN list (values never enter the SQL text)."""
    names = []
    for i, value in enumerate(values):
        params[f"{prefix}{i}"] = value
        names.append(f":{prefix}{i}")
    return ", ".join(names)


def _typed(frame: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """Dates as datetimes and flags as booleans whatever the database driver returned."""
    out = frame.copy()
    for name in ds.dates:
        out[name] = pd.to_datetime(out[name]).astype("datetime64[us]")
    for name in ds.flags:  # a blank item stays blank: "not checked", never a no
        out[name] = out[name].astype("boolean" if name in ds.blank_flags else bool)
    for name in ds.times:
        out[name] = clock_text(out[name])
    if "year" in out.columns:
        out["year"] = out["year"].astype("int64")
    return out


def _by_dates(frame: pd.DataFrame, column: str, start: date | None, end: date | None) -> pd.DataFrame:
    """Rows whose date falls in [start, end], both days included (times within `end` count)."""
    keep = pd.Series(True, index=frame.index)
    when = frame[column]
    if start is not None:
        keep &= when >= pd.Timestamp(start)
    if end is not None:
        keep &= when < pd.Timestamp(end) + pd.Timedelta(days=1)
    return frame[keep]


def with_questions(engine: Engine, responses: pd.DataFrame) -> pd.DataFrame:
    """Survey responses with one column per question (its text as header), from items_json."""
    if responses.empty:
        return responses
    questions = _questions(engine, sorted({int(u) for u in responses["upload_id"]}))
    values: dict[str, list[object]] = {}
    for position, (upload_id, items) in enumerate(zip(responses["upload_id"], responses["items_json"], strict=True)):
        names = questions.get(int(upload_id), [])
        for i, value in enumerate(json.loads(items) if isinstance(items, str) else []):
            header = names[i] if i < len(names) else f"Q{i + 1}"
            values.setdefault(header, [None] * len(responses))[position] = value
    # Built by position, then given the responses' own index: a filtered frame keeps its original row
    # labels, and aligning position-built columns on those labels gave respondents other people's answers.
    extra = pd.DataFrame({h: pd.to_numeric(pd.Series(v, dtype="object")).to_numpy() for h, v in values.items()},
                         index=responses.index)
    clash = [h for h in extra.columns if h in responses.columns]
    extra = extra.rename(columns={h: f"{h} (Q)" for h in clash})
    return pd.concat([responses, extra], axis=1)


def _questions(engine: Engine, upload_ids: list[int]) -> dict[int, list[str]]:
    """upload id -> its question texts in sheet order."""
    if not upload_ids:
        return {}
    params: dict[str, str | int] = {}
    names = _bind("u", tuple(upload_ids), params)
    sql = f"SELECT upload_id, position, text FROM survey_questions WHERE upload_id IN ({names}) ORDER BY upload_id, position"
    with engine.connect() as conn:
        rows = conn.execute(text(sql), params).all()
    out: dict[int, list[str]] = {}
    for upload_id, _position, question in rows:
        out.setdefault(int(upload_id), []).append(question)
    return out
