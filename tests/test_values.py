"""Parsing raw spreadsheet cells into typed columns: metrics/intake/values/__init__.py."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics.intake.values import (
    clean_text,
    load_likert,
    load_yes_no,
    normalise_key,
    parse_denominators,
    parse_ints,
    parse_numbers,
    parse_ratings,
    parse_yes_no,
)


def cells(*values: object) -> pd.Series:
    """A raw column as a spreadsheet reader gives it."""
    return pd.Series(list(values), dtype=object)


# --- numbers and ints ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,395", 1395.0),
        ("1,234,567.5", 1234567.5),
        ("  12 ", 12.0),
        ("\u300012\u3000", 12.0),
        ("12%", 12.0),  # the number as written, not 0.12
        ("１２３", 123.0),
        ("-3.5", -3.5),
        ("\u22123", -3.0),  # U+2212 MINUS SIGN
        ("'1395", 1395.0),
        ("3건", 3.0),
        (7, 7.0),
        (2.25, 2.25),
    ],
)
def test_numbers_parse_from_numbers_and_numeric_text(raw, expected):
    parsed = parse_numbers(cells(raw))
    assert parsed.values.tolist() == [expected]
    assert not parsed.bad.any()


@pytest.mark.parametrize("empty", [None, np.nan, "", " ", "-", "N/A", "해당없음", "없음"])
def test_dash_and_other_empty_words_are_missing_numbers_not_bad(empty):
    parsed = parse_numbers(cells(empty))
    assert parsed.values.isna().all()
    assert not parsed.bad.any()


@pytest.mark.parametrize("raw", ["abc", "3,5", "1,2345", "12 34", True, dt.date(2026, 3, 15), float("inf"), "1e999"])
def test_unreadable_numbers_are_bad(raw):
    parsed = parse_numbers(cells(raw))
    assert parsed.bad.tolist() == [True]
    assert parsed.values.isna().all()


def test_number_columns_are_float64():
    parsed = parse_numbers(cells("1", None, 2))
    assert parsed.values.dtype == np.float64


def test_ints_accept_separators_units_and_whole_floats():
    parsed = parse_ints(cells("3,000", "2026년", 3.0, "7", -2, None, "-"))
    assert parsed.values.dtype == "Int64"
    assert parsed.values.tolist() == [3000, 2026, 3, 7, -2, pd.NA, pd.NA]
    assert not parsed.bad.any()


def test_head_counts_written_roughly_are_the_number_written():
    # An events log: "약 30명" (about 30), "30여 명" (30-odd), "30명 내외", "12인", "1,020명 이상", "20+".
    parsed = parse_ints(cells("약 30명", "30여 명", "30명 내외", "12인", "1,020명 이상", "20+", "약30"))
    assert parsed.values.tolist() == [30, 30, 30, 12, 1020, 20, 30]
    assert not parsed.bad.any()


@pytest.mark.parametrize("raw", ["약", "30명 미만", "약 30~40명", "30 40"])
def test_counts_that_are_no_single_number_stay_bad(raw):
    assert parse_ints(cells(raw)).bad.tolist() == [True]


@pytest.mark.parametrize("raw", [3.5, "3.5", "x", True, 2**60])
def test_ints_reject_fractions_and_non_numbers(raw):
    parsed = parse_ints(cells(raw))
    assert parsed.bad.tolist() == [True]
    assert parsed.values.isna().all()


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_numbers_with_thousands_separators_parse_back(number):
    assert parse_ints(cells(f"{number:,}")).values.tolist() == [number]
    assert parse_numbers(cells(f"{number:,}")).values.tolist() == [float(number)]


# --- ratings -------------------------------------------------------------------------------------

@pytest.mark.parametrize("wording", ["매우만족", "매우 만족", " 매우 만족 ", "매우\u3000만족", "매우 만족함", "Very Satisfied"])
def test_likert_wordings_match_with_or_without_spaces(wording):
    parsed = parse_ratings(cells(wording))
    assert parsed.values.tolist() == [5.0]
    assert not parsed.bad.any()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (5, 5.0),
        ("5", 5.0),
        ("4.5", 4.5),
        ("5점", 5.0),
        ("5 점", 5.0),
        ("5 - 매우 만족", 5.0),
        ("4. 만족", 4.0),
        ("①", 1.0),
        ("④", 4.0),
        ("⑩", 10.0),
        ("❹", 4.0),
        ("④ 만족", 4.0),
        (9, 9.0),  # out of a 5-point scale, but checking the scale is the validator's job
        ("보통", 3.0),
        ("전혀 그렇지 않다", 1.0),
        # The number beside the words, as forms export a labelled scale.
        ("매우 만족(5)", 5.0),
        ("매우 만족 (5점)", 5.0),
        ("만족(4점)", 4.0),
        ("5 - 매우 그렇다", 5.0),
        ("매우 그렇다 - 5", 5.0),
        ("(5) 매우 만족", 5.0),
        ("[4] 만족", 4.0),
        ("1 (전혀 그렇지 않다)", 1.0),
        ("Very satisfied (5)", 5.0),
    ],
)
def test_ratings_read_numbers_circled_digits_and_wordings(raw, expected):
    parsed = parse_ratings(cells(raw))
    assert parsed.values.tolist() == [expected]
    assert not parsed.bad.any()


@pytest.mark.parametrize("raw", ["글쎄", "매우 좋아요", True, "보통(3)(4)", "만족 - 4 - 5", "매우 만족(5", "★4"])
def test_unknown_rating_text_is_bad(raw):
    parsed = parse_ratings(cells(raw))
    assert parsed.bad.tolist() == [True]
    assert parsed.values.isna().all()


@pytest.mark.parametrize(
    ("raw", "answer", "scale"),
    [("3/5", 3.0, 5.0), ("10점 만점에 8", 8.0, 10.0), ("4점 / 5점 만점", 4.0, 5.0), ("4.5/5", 4.5, 5.0),
     ("만족 (4/5)", 4.0, 5.0), ("4 out of 5", 4.0, 5.0), ("★★★☆☆", 3.0, 5.0), ("⭐⭐⭐⭐", 4.0, None), ("4 (만족)", 4.0, None)],
)
def test_a_rating_written_over_its_scale_gives_its_number_and_the_scale_apart(raw, answer, scale):
    parsed = parse_ratings(cells(raw))
    assert parsed.values.tolist() == [answer] and not parsed.bad.any()
    written = parse_denominators(cells(raw)).tolist()
    assert written == [scale] if scale is not None else pd.isna(written[0])


@pytest.mark.parametrize("raw", ["모름", "무응답", "잘 모르겠다", "Don't know", "평가 불가"])
def test_no_answer_words_are_missing_ratings_not_bad_ones(raw):
    # likert.toml [no_answer]: the respondent did not rate; the row keeps its other answers.
    parsed = parse_ratings(cells(raw))
    assert parsed.bad.tolist() == [False]
    assert parsed.values.isna().all()


def test_empty_ratings_are_missing_not_bad():
    parsed = parse_ratings(cells(None, "", "-", "해당없음"))
    assert parsed.values.isna().all()
    assert not parsed.bad.any()


def test_a_given_likert_map_is_matched_by_key():
    parsed = parse_ratings(cells("아주 좋음", "아주좋음", "만족"), likert={"아주 좋음": 10})
    assert parsed.values.tolist()[:2] == [10.0, 10.0]
    assert parsed.bad.tolist() == [False, False, True]


# --- yes / no ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Y", True), ("y", True), ("N", False), ("수료", True), ("미수료", False), ("O", True), ("X", False),
        ("○", True), ("×", False), ("예", True), ("아니오", False), (1, True), (0, False), ("1", True),
        ("0", False), (1.0, True), (True, True), (False, False), (" 수 료 ", True), ("YES", True),
    ],
)
def test_yes_no_variants(raw, expected):
    yes, no = load_yes_no()
    parsed = parse_yes_no(cells(raw), yes, no)
    assert parsed.values.tolist() == [expected]
    assert not parsed.bad.any()


def test_yes_no_keeps_booleans_and_numbers_apart_in_one_column():
    # True == 1 and hash alike; the parser must still read each cell on its own.
    parsed = parse_yes_no(cells(True, 1, 0, False, "2"), yes=["true", "1"], no=["false", "0"])
    assert parsed.values.tolist()[:4] == [True, True, False, False]
    assert parsed.bad.tolist() == [False, False, False, False, True]
    assert parsed.values.dtype == "boolean"


def test_yes_no_unknown_is_bad_and_blank_is_missing():
    parsed = parse_yes_no(cells("maybe", None, "", "-"), yes=["y"], no=["n"])
    assert parsed.bad.tolist() == [True, False, False, False]
    assert parsed.values.isna().all()


def test_yes_no_word_lists_win_over_empty_words():
    parsed = parse_yes_no(cells("없음"), yes=["있음"], no=["없음"])
    assert parsed.values.tolist() == [False]


def test_a_word_on_both_yes_and_no_lists_is_refused():
    with pytest.raises(ValueError, match="both"):
        parse_yes_no(cells("Y"), yes=["Y", "예"], no=["y"])


# --- text and keys -------------------------------------------------------------------------------

def test_clean_text_strips_and_collapses_whitespace():
    raw = cells("  수질  분석\u3000과정 ", "a\tb\nc", "x\u200by", "-", "없음")
    assert clean_text(raw).tolist() == ["수질 분석 과정", "a b c", "xy", "-", "없음"]


def test_clean_text_blank_cells_are_missing():
    result = clean_text(cells(None, np.nan, "", "   ", "\u3000"))
    assert result.isna().all()
    assert pd.api.types.is_string_dtype(result)


def test_clean_text_writes_whole_numbers_without_decimals():
    raw = cells(3.0, 3.5, 12, 2026.0, True, dt.date(2026, 3, 15), dt.datetime(2026, 3, 15), dt.datetime(2026, 3, 15, 9, 5))
    assert clean_text(raw).tolist() == ["3", "3.5", "12", "2026", "True", "2026-03-15", "2026-03-15",
                                        "2026-03-15 09:05:00"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("매우 만족", "매우만족"),
        ("「수질 분석」 과정(기초)", "수질분석과정기초"),
        ("[상수도] 관망·관리 - 실무/심화", "상수도관망관리실무심화"),
        ("『A』【B】{C}<D>《E》", "abcde"),
        ("ＷＡＴＥＲ　Korea", "waterkorea"),
        ("수_질.분,석・과정", "수질분석과정"),
        ("○ ×", "○×"),
    ],
)
def test_normalise_key_drops_spaces_brackets_punctuation_and_case(text, expected):
    assert normalise_key(text) == expected


@given(st.text())
def test_normalise_key_is_idempotent(text):
    assert normalise_key(normalise_key(text)) == normalise_key(text)


# --- configuration -------------------------------------------------------------------------------

def test_load_likert_normalises_the_wordings():
    points = load_likert()
    assert points["매우만족"] == 5.0
    assert points["neitheragreenordisagree"] == 3.0
    assert all(key == normalise_key(key) for key in points)


def test_load_yes_no_normalises_the_words():
    yes, no = load_yes_no()
    assert {"y", "수료", "○", "1"} <= yes
    assert {"n", "미수료", "×", "0"} <= no
    assert not yes & no


def test_likert_wordings_that_collide_with_other_points_are_refused(tmp_path):
    path = tmp_path / "likert.toml"
    path.write_text('[five_point]\n"매우 만족" = 5\n"매우만족" = 4\n', encoding="utf-8")
    with pytest.raises(ValueError, match="매우만족"):
        load_likert(path)


def test_likert_file_can_be_given(tmp_path):
    path = tmp_path / "likert.toml"
    path.write_text('[five_point]\n"참 좋음" = 5\n[yes_no]\nyes = ["응"]\nno = ["아니"]\n', encoding="utf-8")
    assert load_likert(path) == {"참좋음": 5.0}
    assert load_yes_no(path) == (frozenset({"응"}), frozenset({"아니"}))


def test_end_date_words_that_say_still_running_are_recognised_without_spaces_or_case():
    from metrics.intake.values import still_running

    raw = pd.Series(["게시중", "게시 중", "진행중", "~현재", "Ongoing", "2026-05-01", None, 3, "중지"], dtype=object)
    assert still_running(raw).tolist() == [True, True, True, True, True, False, False, False, False]
