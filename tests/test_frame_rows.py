"""The typed rows of metrics.store.frames: what a row of each kind's frame holds, as types.

The data contract says which stored columns the scorecard reads (`reads`) and a KPI's story adds (`story`);
frames.ROWS says the same as typed rows. These tests hold the two together, and the types true to the tables
the rows come from and to the frames a real store gives back.
"""

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Text, Time

from metrics import store
from metrics.contract import load_contract
from metrics.contract.kinds import boolean_columns, date_columns, table_of
from metrics.store import frames
from metrics.store.frames import HistoryRow, TimeOfDay, declared_columns, load_year_frames

# What a declared Python type may be stored as.
SQL_TYPES = {pd.Timestamp: (Date, DateTime), bool: (Boolean,), bool | None: (Boolean,), float: (Float, Integer),
             int: (Integer,), str: (String, Text), TimeOfDay: (Time,)}


def _holds(series: pd.Series, held: object) -> bool:
    """Whether a loaded column's dtype is what its declaration says a cell holds."""
    dtype = series.dtype
    if held is pd.Timestamp:
        return pd.api.types.is_datetime64_any_dtype(dtype)
    if held is bool or held == bool | None:  # a flag that may be blank is pandas' nullable boolean
        return pd.api.types.is_bool_dtype(dtype)
    if held in (int, float):
        return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    if held is TimeOfDay:  # "HH:MM" text, whatever the driver handed back
        return pd.api.types.is_string_dtype(dtype) and series.dropna().str.fullmatch(r"\d\d:\d\d").all()
    return isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype)


def test_every_kind_of_the_charters_contract_has_typed_rows():
    assert sorted(frames.ROWS) == sorted(load_contract().kinds)


@pytest.mark.parametrize("kind", sorted(frames.ROWS))
def test_the_typed_rows_name_the_columns_the_contract_says_are_read_in_its_order(kind):
    spec = load_contract().kind(kind)
    row, story = frames.ROWS[kind]
    assert list(declared_columns(row)) == list(spec.reads)
    assert list(declared_columns(story)) == list(dict.fromkeys(spec.reads + spec.story))


@pytest.mark.parametrize("kind", sorted(frames.ROWS))
def test_every_typed_column_is_stored_in_the_kinds_table_with_a_matching_type(kind):
    spec = load_contract().kind(kind)
    table = table_of(spec)
    declared = declared_columns(frames.ROWS[kind][1])
    for name, held in declared.items():
        assert name in table.c, f"{kind}: {name} is not a column of {table.name}"
        assert isinstance(table.c[name].type, SQL_TYPES[held]), f"{kind}: {name} is {table.c[name].type}, declared {held}"
    # The dates and flags `prepare` fixes up (from the table's types) are the ones typed so.
    assert {n for n, held in declared.items() if held is pd.Timestamp} == set(date_columns(spec)) & set(declared)
    flags = {n for n, held in declared.items() if held is bool or held == bool | None}
    assert flags == set(boolean_columns(spec)) & set(declared)
    assert {n for n, held in declared.items() if held == bool | None} == set(boolean_columns(spec, nullable=True)) & set(declared)


def _import(engine, kind: str, rows: pd.DataFrame) -> None:
    meta = store.UploadMeta(filename=f"{kind}.xlsx", sha256=kind.ljust(64, "0"), kind=kind)
    store.import_rows(engine, meta, rows.assign(excel_row=range(2, len(rows) + 2)))


def _one_of_each(engine) -> None:
    day = pd.to_datetime(["2025-04-07", "2024-04-07"])
    _import(engine, "cases", pd.DataFrame({
        "case_type": "cert_review", "ref": ["a", "b"], "title": "t", "received": day, "received_time": ["17:05", None],
        "completed": pd.to_datetime(["2025-04-09", None]), "completed_time": ["09:30", None], "interim": pd.NaT,
        "year": day.year,
    }))
    _import(engine, "events", pd.DataFrame({
        "event_type": "workshop", "date": day, "title": "워크숍", "participants": pd.array([12, None], dtype="Int64"),
        "year": day.year,
    }))
    _import(engine, "attendance", pd.DataFrame({
        "trainee_id": ["t1", "t2"], "course": "수질분석", "course_key": "수질분석", "cohort": "1",
        "start_date": day, "end_date": day, "completed": [True, True], "year": day.year,
    }))
    _import(engine, "postings", pd.DataFrame({
        "company": ["A", "B"], "product": "p", "posted_from": day, "posted_to": pd.to_datetime(["2025-09-01", None]),
        "year": day.year,
    }))
    _import(engine, "calls", pd.DataFrame({"call_time": pd.to_datetime(["2025-04-07 09:30", "2024-04-07 10:00"]),
                                           "rings": [2.0, 3.0], "year": day.year}))
    _import(engine, "trainee_survey", pd.DataFrame({
        "kind": "trainee_survey", "response_date": pd.to_datetime(["2025-05-02 10:00", "2024-05-02 10:00"]),
        "course": "수질분석", "course_key": "수질분석", "company": None, "overall": [5.0, 4.0], "score": [5.0, 4.0],
        "scale_max": 5.0, "items_json": "[5]", "comments": None, "year": [2025, 2024],
    }))


@pytest.mark.parametrize("detail", [False, True], ids=["scorecard", "story"])
def test_each_kinds_frame_from_the_store_has_exactly_its_declared_columns_holding_what_they_say(engine, detail):
    _one_of_each(engine)
    loaded = load_year_frames(engine, 2025, today=date(2025, 12, 1), detail=detail)
    for kind in ("cases", "events", "attendance", "postings", "calls", "trainee_survey"):
        row, story = frames.ROWS[kind]
        declared = declared_columns(story if detail else row)
        frame = loaded.frame(kind)
        assert list(frame.columns) == list(declared), kind
        assert len(frame) == 1, kind  # the 2025 row only
        wrong = [name for name, held in declared.items() if not _holds(frame[name], held)]
        assert wrong == [], f"{kind}: {wrong} do not hold what they declare"


def test_the_pacing_history_has_the_declared_history_columns(engine):
    _one_of_each(engine)
    history = load_year_frames(engine, 2025, today=date(2025, 12, 1)).history
    assert sorted(history) == ["attendance", "events"]
    for kind, frame in history.items():
        assert list(frame.columns) == list(declared_columns(HistoryRow)), kind
        assert frame["year"].tolist() == [2024], kind  # earlier years only
        assert pd.api.types.is_datetime64_any_dtype(frame["date"])


def test_a_cases_times_of_day_come_back_from_the_store_as_they_went_in(engine):
    _one_of_each(engine)
    cases = load_year_frames(engine, 2025, ["cases"], today=date(2025, 12, 1)).frame("cases")
    assert (cases["received_time"].tolist(), cases["completed_time"].tolist()) == (["17:05"], ["09:30"])
    assert cases["received"].tolist() == [pd.Timestamp("2025-04-07")]  # the date stays a date
