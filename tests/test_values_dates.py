"""Dates as people and tools write them: Korean forms, Google Forms timestamps, Excel serials."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics.intake.values import (
    parse_dates,
    parse_times,
)


def cells(*values: object) -> pd.Series:
    """A raw column as a spreadsheet reader gives it."""
    return pd.Series(list(values), dtype=object)


def one_date(value: object, *, with_time: bool = True) -> tuple[object, bool]:
    """The parsed value and bad flag of a single cell."""
    parsed = parse_dates(cells(value), with_time=with_time)
    return parsed.values.iloc[0], bool(parsed.bad.iloc[0])


# --- dates ---------------------------------------------------------------------------------------

MARCH_15 = dt.datetime(2026, 3, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-15", MARCH_15),
        ("2026-03-15 14:30:15", dt.datetime(2026, 3, 15, 14, 30, 15)),
        ("2026-03-15T14:30:15", dt.datetime(2026, 3, 15, 14, 30, 15)),
        ("2026-03-15 14:30:15.25", dt.datetime(2026, 3, 15, 14, 30, 15, 250000)),
        ("2026.03.15", MARCH_15),
        ("2026. 3. 15.", MARCH_15),
        ("2026. 3. 15", MARCH_15),
        ("2026/3/15", MARCH_15),
        ("20260315", MARCH_15),
        ("2026년 3월 15일", MARCH_15),
        ("2026년 3월 15일 (일)", MARCH_15),
        ("26.03.15", MARCH_15),
        ("3/15/2026", MARCH_15),
        ("4/5/2026", dt.datetime(2026, 4, 5)),  # a/b/yyyy is always month/day
        # Google Forms (Korean locale)
        ("2026. 3. 15 오후 2:30:15", dt.datetime(2026, 3, 15, 14, 30, 15)),
        ("2026. 3. 15. 오전 9:05:00", dt.datetime(2026, 3, 15, 9, 5, 0)),
        # Naver Form, SurveyMonkey, Qualtrics, Microsoft Forms
        ("2026.03.15 14:30", dt.datetime(2026, 3, 15, 14, 30)),
        ("03/15/2026 02:30:15 PM", dt.datetime(2026, 3, 15, 14, 30, 15)),
        ("03/15/2026 02:30:15 pm", dt.datetime(2026, 3, 15, 14, 30, 15)),
        ("2017-07-18 08:28:09", dt.datetime(2017, 7, 18, 8, 28, 9)),
        ("3/15/26 14:30:15", dt.datetime(2026, 3, 15, 14, 30, 15)),
        # Stripped: a leading TAB (KMA exports), an Excel text apostrophe, ideographic spaces
        ("\t1907-10-01", dt.datetime(1907, 10, 1)),
        ("'2026-03-15", MARCH_15),
        ("\u3000 2026-03-15 \u3000", MARCH_15),
        ("２０２６－０３－１５", MARCH_15),  # full-width, via NFKC
    ],
)
def test_date_text_forms_parse_to_the_exact_datetime(text, expected):
    assert one_date(text) == (pd.Timestamp(expected), False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-15T14:30:15+09:00", dt.datetime(2026, 3, 15, 14, 30, 15)),  # the wall-clock time is kept
        ("2026-03-15T14:30:15-0500", dt.datetime(2026, 3, 15, 14, 30, 15)),
        ("2026년 03월 15일 14시 30분", dt.datetime(2026, 3, 15, 14, 30)),
        ("2026. 3. 15 오후 2시 30분 15초", dt.datetime(2026, 3, 15, 14, 30, 15)),
        ("2026-3-15 9시", dt.datetime(2026, 3, 15, 9)),
        ("26-03-15", MARCH_15),
        ("26.3.5", dt.datetime(2026, 3, 5)),
        ("'26.3.15", MARCH_15),
    ],
)
def test_iso_offsets_korean_clock_words_and_short_years_parse(text, expected):
    assert one_date(text, with_time=True) == (pd.Timestamp(expected), False)


@pytest.mark.parametrize("text", ["2026-03-15 25시", "26-13-01", "2026-03-15+09:00:00:00"])
def test_impossible_clock_words_and_short_dates_stay_bad(text):
    assert one_date(text, with_time=True)[1]


@pytest.mark.parametrize(
    ("text", "expected_hour"),
    [
        ("2026. 3. 15 오전 12:00:00", 0),
        ("2026. 3. 15 오전 12:59:59", 0),
        ("2026. 3. 15 오전 1:00:00", 1),
        ("2026. 3. 15 오전 11:59:59", 11),
        ("2026. 3. 15 오후 12:00:00", 12),
        ("2026. 3. 15 오후 12:30:00", 12),
        ("2026. 3. 15 오후 1:00:00", 13),
        ("2026. 3. 15 오후 11:59:59", 23),
        ("03/15/2026 12:10:00 AM", 0),
        ("03/15/2026 12:10:00 PM", 12),
    ],
)
def test_twelve_hour_clock_edges(text, expected_hour):
    value, bad = one_date(text)
    assert not bad
    assert value.hour == expected_hour
    assert value.date() == dt.date(2026, 3, 15)


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",
        "2025-02-29",  # not a leap year
        "2026-13-01",
        "2026-00-10",
        "2026-04-31",
        "2026. 3. 32.",
        "20261301",
        "2026-03-15 24:00",
        "2026-03-15 14:60",
        "2026. 3. 15 오후 13:00:00",  # 12-hour clock past 12
        "3/32/2026",
        "15/3/2026",  # day/month is not accepted: the slash form is month/day
        "yesterday",
        "2026-03-15+09:00",
    ],
)
def test_impossible_or_unknown_dates_are_bad(text):
    value, bad = one_date(text)
    assert bad
    assert pd.isna(value)


def test_leap_day_in_a_leap_year_is_fine():
    assert one_date("2024-02-29") == (pd.Timestamp(2024, 2, 29), False)


def test_excel_serial_numbers_count_days_from_1899_12_30():
    expected = dt.datetime(1899, 12, 30) + dt.timedelta(days=45000)
    assert expected == dt.datetime(2023, 3, 15)
    for serial in (45000, 45000.0, "45000", np.int64(45000)):
        assert one_date(serial) == (pd.Timestamp(expected), False)


def test_excel_serial_fraction_is_the_time_of_day():
    # 14:30:15 is 52215 s of 86400; the float is inexact, the parsed time is not.
    value, bad = one_date(45000 + 52215 / 86400)
    assert (value, bad) == (pd.Timestamp(2023, 3, 15, 14, 30, 15), False)


@pytest.mark.parametrize("number", [100, 19999, 80001, -1, 3.5])
def test_numbers_outside_the_serial_range_are_bad(number):
    assert one_date(number)[1]


def test_eight_digit_numbers_are_compact_dates():
    assert one_date(20260315) == (pd.Timestamp(MARCH_15), False)


def test_date_objects_from_excel_pass_through():
    raw = cells(
        dt.datetime(2026, 3, 15, 14, 30, 15),
        dt.date(2026, 3, 16),
        pd.Timestamp("2026-03-17 08:00"),
        np.datetime64("2026-03-18T09:00"),
    )
    parsed = parse_dates(raw, with_time=True)
    assert parsed.values.tolist() == [
        pd.Timestamp(2026, 3, 15, 14, 30, 15),
        pd.Timestamp(2026, 3, 16),
        pd.Timestamp(2026, 3, 17, 8),
        pd.Timestamp(2026, 3, 18, 9),
    ]
    assert not parsed.bad.any()


def test_dates_are_normalised_to_midnight_unless_with_time():
    raw = cells("2026. 3. 15 오후 2:30:15", dt.datetime(2026, 3, 15, 9, 5), 45000.5)
    parsed = parse_dates(raw)
    assert parsed.values.tolist() == [pd.Timestamp(2026, 3, 15), pd.Timestamp(2026, 3, 15), pd.Timestamp(2023, 3, 15)]
    assert str(parsed.values.dtype) == "datetime64[us]"


@pytest.mark.parametrize("empty", [None, np.nan, pd.NaT, "", "   ", "\u3000", "-", "–", "—", "N/A", "n/a", "NA",
                                   "해당없음", "해당 없음", "없음"])
def test_empty_date_cells_are_missing_not_bad(empty):
    value, bad = one_date(empty)
    assert pd.isna(value)
    assert not bad


@pytest.mark.parametrize("other", [True, False, dt.time(14, 30), dt.timedelta(days=1), "x", "12"])
def test_cells_without_a_date_are_bad(other):
    assert one_date(other)[1]


def test_date_results_keep_the_index_and_name():
    raw = pd.Series(["2026-03-15", "nope", None], index=[10, 11, 12], name="응답일시", dtype=object)
    parsed = parse_dates(raw)
    assert parsed.values.index.tolist() == [10, 11, 12]
    assert parsed.values.name == "응답일시"
    assert parsed.bad.tolist() == [False, True, False]


def test_repeated_values_parse_the_same_in_every_row():
    raw = cells(*(["2026-03-15", "2026-02-30", None] * 1000))
    parsed = parse_dates(raw)
    assert parsed.values.iloc[::3].eq(pd.Timestamp(MARCH_15)).all()
    assert parsed.bad.tolist() == [False, True, False] * 1000


def test_datetime64_columns_are_taken_as_they_are():
    raw = pd.Series(pd.to_datetime(["2026-03-15 14:30", None]))
    parsed = parse_dates(raw, with_time=True)
    assert parsed.values.iloc[0] == pd.Timestamp(2026, 3, 15, 14, 30)
    assert parsed.bad.tolist() == [False, False]


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
       st.sampled_from(["korean dots", "padded dots", "iso"]))
def test_formatted_dates_parse_back_to_themselves(day, style):
    text = {
        "korean dots": f"{day.year}. {day.month}. {day.day}.",  # %Y. %-m. %-d.
        "padded dots": day.strftime("%Y.%m.%d"),
        "iso": day.isoformat(),
    }[style]
    assert one_date(text, with_time=False) == (pd.Timestamp(day), False)


@given(st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 12, 31)))
def test_google_forms_timestamps_parse_back_to_themselves(moment):
    moment = moment.replace(microsecond=0)
    marker = "오후" if moment.hour >= 12 else "오전"
    text = f"{moment.year}. {moment.month}. {moment.day} {marker} {moment.hour % 12 or 12}:{moment:%M:%S}"
    assert one_date(text) == (pd.Timestamp(moment), False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025/05/16 9:51:33 오전 GMT+9", "2025-05-16 09:51:33"),  # Google Forms CSV, Korean locale
        ("2025/05/16 2:03:10 오후 GMT+09:00", "2025-05-16 14:03:10"),
        ("01/10/2025 11:05:16 AM", "2025-01-10 11:05:16"),  # US locale: month first
        ("2026-05-16 01:03:00 UTC", "2026-05-16 01:03:00"),  # the wall-clock time is kept
        ("2026-05-16T01:03:00Z", "2026-05-16 01:03:00"),
        ("2025. 5. 16 오후 2:03:10 KST", "2025-05-16 14:03:10"),
    ],
)
def test_survey_tool_timestamps_with_a_time_zone_keep_their_wall_clock_time(text, expected):
    parsed = parse_dates(pd.Series([text], dtype=object), with_time=True)
    assert not parsed.bad.iloc[0]
    assert parsed.values.iloc[0] == pd.Timestamp(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dt.time(9, 15), "09:15:00"),
        ("09:15", "09:15:00"),
        ("9:15:30", "09:15:30"),
        ("오후 2:05", "14:05:00"),
        ("2:05 PM", "14:05:00"),
        ("오전 12:10", "00:10:00"),
        ("14시 30분", "14:30:00"),
        (0.5, "12:00:00"),  # Excel keeps a time of day as a fraction of a day
    ],
)
def test_times_of_day_are_read_from_time_cells_fractions_and_text(raw, expected):
    parsed = parse_times(pd.Series([raw], dtype=object))
    assert not parsed.bad.iloc[0]
    assert parsed.values.iloc[0] == pd.Timedelta(expected)


@pytest.mark.parametrize("raw", ["2026-03-02 09:15", dt.datetime(2026, 3, 2, 9), "25:00", "13:00 PM", 1.5, "오전"])
def test_a_date_or_an_impossible_clock_is_not_a_time_of_day(raw):
    assert parse_times(pd.Series([raw], dtype=object)).bad.tolist() == [True]


@pytest.mark.parametrize("raw", [dt.time(9, 15), "09:15", "오후 2:05", "14시 30분"])
def test_a_time_of_day_alone_is_never_a_date(raw):
    assert parse_dates(pd.Series([raw], dtype=object), with_time=True).bad.tolist() == [True]
