"""Layouts that offices really make, through the whole pipeline: each class of layout with a file made here."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from metrics import store
from metrics.intake.ingest import ingest_file
from tests.sheets import csv, xlsx


def _stored(engine, table: str, order: str = "excel_row") -> pd.DataFrame:
    return store.read_active(engine, table).sort_values(order).reset_index(drop=True)


def _clock(values) -> list[str]:
    return [t.strftime("%Y-%m-%d %H:%M:%S") for t in pd.to_datetime(values)]


# ---------------------------------------------------------------- cells merged down over a block of rows


def test_an_attendance_list_with_the_course_and_its_dates_merged_down_imports_every_trainee(engine):
    rows = [
        ["교육과정명", "교육시작일", "교육종료일", "성명", "수료여부"],
        ["정수처리 기본", dt.date(2026, 3, 2), dt.date(2026, 3, 6), "김하나", "수료"],
        [None, None, None, "이두리", "수료"],
        [None, None, None, "박세리", "미수료"],
        ["하수처리 심화", dt.date(2026, 4, 6), dt.date(2026, 4, 10), "최네온", "수료"],
        [None, None, None, "정다섯", "수료"],
    ]
    merges = tuple(f"{col}{a}:{col}{b}" for col in "ABC" for a, b in ((2, 4), (5, 6)))
    report = ingest_file(engine, xlsx(rows, merges=merges), "명부.xlsx", kind="attendance")
    assert report.status == "imported", report.message
    assert (report.rows_imported, report.rows_held) == (5, 0)
    stored = _stored(engine, "enrolments")
    assert stored["course"].tolist() == ["정수처리 기본"] * 3 + ["하수처리 심화"] * 2
    assert [str(d)[:10] for d in stored["end_date"]] == ["2026-03-06"] * 3 + ["2026-04-10"] * 2
    assert stored["completed"].map(bool).tolist() == [True, True, False, True, True]


# ---------------------------------------------------------------- Likert answers with their number


def test_likert_answers_written_with_their_number_are_read_as_that_number(engine):
    rows = [
        ["응답일시", "교육과정명", "강사는 친절했습니까?", "교재가 적절했습니까?", "전반적으로 만족하십니까?"],
        ["2026-05-01 10:00", "수질분석", "매우 만족(5)", "5점", "5 - 매우 그렇다"],
        ["2026-05-01 11:00", "수질분석", "보통(3)", "4점", "4 - 그렇다"],
    ]
    report = ingest_file(engine, xlsx(rows), "s.xlsx", kind="trainee_survey")
    assert report.status == "imported", report.message
    stored = _stored(engine, "survey_responses")
    assert [json.loads(i) for i in stored["items_json"]] == [[5, 5], [3, 4]]
    assert stored["score"].tolist() == [5.0, 4.0]


# ---------------------------------------------------------------- a date and its time of day apart


def test_a_call_log_with_the_date_and_the_time_of_day_in_two_columns_joins_them(engine):
    rows = [
        ["수신일", "수신시각", "벨 울린 횟수"],
        [dt.date(2026, 3, 2), dt.time(9, 15), 2],
        [dt.date(2026, 3, 2), dt.time(14, 5, 30), 1],
        [dt.date(2026, 3, 3), None, 3],  # no time of day written: the day still counts
    ]
    report = ingest_file(engine, xlsx(rows), "전화응대.xlsx")
    assert report.status == "imported", report.message
    assert report.kind == "calls" and report.mapping == {"수신일": "call_time", "수신시각": "call_clock",
                                                         "벨 울린 횟수": "rings"}
    assert _clock(_stored(engine, "calls")["call_time"]) == [
        "2026-03-02 09:15:00", "2026-03-02 14:05:30", "2026-03-03 00:00:00"]


def test_times_of_day_written_as_text_in_a_csv_are_joined_to_their_date(engine):
    rows = [["수신일자", "수신시각", "벨 울린 횟수"],
            ["2026-03-02", "오전 9:15", "2"],
            ["2026-03-02", "2:05 PM", "1"],
            ["2026-03-02", "14시 30분", "1"],
            ["2026-03-02", "16:45:10", "1"],
            ["2026-03-03", "25:99", "1"]]  # Excel row 6: no time of day, but the day is enough
    report = ingest_file(engine, csv(rows), "calls.csv", kind="calls")
    assert report.ok, report.message
    assert [(i.row, i.column, i.code, i.holds) for i in report.issues] == [(6, "수신시각", "bad_time", False)]
    assert (report.rows_imported, report.rows_held) == (5, 0)
    assert _clock(_stored(engine, "calls")["call_time"]) == [
        "2026-03-02 09:15:00", "2026-03-02 14:05:00", "2026-03-02 14:30:00", "2026-03-02 16:45:10",
        "2026-03-03 00:00:00"]


def test_a_column_of_times_of_day_alone_is_never_taken_for_the_date(engine):
    rows = [["수신시각", "벨 울린 횟수"], [dt.time(9, 15), 2], [dt.time(14, 5), 1]]
    report = ingest_file(engine, xlsx(rows), "calls.xlsx", kind="calls")
    assert report.status == "rejected"
    assert "수신일시" in str(report.message) and "Call time" in str(report.message)  # the date column is missing
    assert store.list_uploads(engine).empty


def test_a_survey_with_the_response_day_and_time_apart_keeps_both(engine):
    rows = [["응답일", "응답시각", "과정명", "전반적 만족도"],
            ["2026-05-16", "09:51:33", "수질분석", 5],
            ["2026-05-16", "14:03", "수질분석", 4]]
    report = ingest_file(engine, xlsx(rows), "s.xlsx", kind="trainee_survey")
    assert report.ok, report.message
    assert _clock(_stored(engine, "survey_responses")["response_date"]) == [
        "2026-05-16 09:51:33", "2026-05-16 14:03:00"]


# ---------------------------------------------------------------- an end date that says "still running"


def test_an_end_date_that_says_the_posting_is_still_online_means_not_ended(engine):
    rows = [["업체명", "제품명", "전시회 연도", "게시시작일", "게시종료일"],
            ["(주)한빛밸브", "스마트 밸브", 2026, "2026-04-01", "게시중"],
            ["대성펌프", "수중펌프", 2026, "2026-04-01", "~ 현재"],
            ["미래환경", "정수필터", 2026, "2026-04-01", "진행 중"],
            ["가람테크", "유량계", 2026, "2026-04-01", "2026-09-30"]]
    report = ingest_file(engine, xlsx(rows), "게시현황.xlsx", kind="postings")
    assert report.status == "imported", report.message
    assert (report.rows_imported, report.issues) == (4, [])
    assert _stored(engine, "postings")["posted_to"].isna().tolist() == [True, True, True, False]


def test_a_case_marked_as_still_in_progress_is_open_and_other_words_are_still_bad(engine):
    rows = [["업무구분", "접수일", "처리일"],
            ["서류검토", "2026-03-02", "처리중"],
            ["서류검토", "2026-03-03", "2026-03-10"],
            ["서류검토", "2026-03-04", "곧"]]  # Excel row 4: neither a date nor "still running"
    report = ingest_file(engine, xlsx(rows), "cases.xlsx", kind="cases")
    assert report.ok, report.message
    assert [(i.row, i.code) for i in report.issues] == [(4, "bad_date")]
    assert _stored(engine, "cases")["completed"].isna().tolist() == [True, False]


# ---------------------------------------------------------------- an optional column that cannot be read


def test_unreadable_timestamps_are_findings_on_their_column_when_the_year_is_given(engine):
    # A survey tool wrote its timestamps in a form no one reads; the survey year is given at upload.
    rows = [["응답시간", "교육과정명", "전반적 만족도"],
            ["16/05/2025 9.51.33", "수질분석", 5],
            ["17/05/2025 10.02.00", "수질분석", 4],
            ["2025-05-18 11:00:00", "수질분석", 4]]
    data = xlsx(rows)
    report = ingest_file(engine, data, "s.xlsx", kind="trainee_survey",
                         mapping={"응답시간": "response_date", "교육과정명": "course", "전반적 만족도": "overall"},
                         year=2025)
    assert report.status == "imported", report.message
    assert (report.rows_imported, report.rows_held) == (3, 0)
    assert [(i.row, i.column, i.code, i.holds) for i in report.issues] == [
        (2, "응답시간", "bad_date", False), (3, "응답시간", "bad_date", False)]
    assert "가져옵니다" in report.issues[0].message.ko and "imported" in report.issues[0].message.en
    assert set(_stored(engine, "survey_responses")["year"]) == {2025}


def test_without_a_year_the_unreadable_timestamp_still_holds_its_row(engine):
    rows = [["응답일시", "교육과정명", "전반적 만족도"], ["16/05/2025 9.51.33", "수질분석", 5], ["2025-05-18 11:00", "수질분석", 4]]
    report = ingest_file(engine, xlsx(rows), "s.xlsx", kind="trainee_survey")
    assert [(i.row, i.code, i.holds) for i in report.issues] == [(2, "bad_date", True)]
    assert (report.rows_imported, report.rows_held) == (1, 1)


def test_a_bad_start_date_or_head_count_is_reported_and_the_row_kept(engine):
    rows = [["교육과정명", "교육시작일", "교육종료일", "수료여부"], ["정수처리", "3월 초", "2026-03-06", "수료"]]
    report = ingest_file(engine, xlsx(rows), "a.xlsx", kind="attendance")
    assert report.status == "imported" and report.rows_held == 0
    assert [(i.column, i.code, i.holds) for i in report.issues] == [("교육시작일", "bad_date", False)]

    events = [["행사구분", "개최일", "참석인원"], ["워크숍", "2026-06-10", "약 서른 명"]]
    report = ingest_file(engine, xlsx(events), "e.xlsx", kind="events")
    assert report.status == "imported" and report.rows_held == 0
    assert [(i.column, i.code, i.holds) for i in report.issues] == [("참석인원", "bad_number", False)]
    assert store.read_active(engine, "events")["participants"].isna().all()


# ---------------------------------------------------------------- a course's dates in one cell


def test_an_attendance_list_with_the_course_period_in_one_cell_takes_both_dates_from_it(engine):
    rows = [
        ["교육과정명", "성명", "교육기간", "수료여부"],
        ["정수처리 기본", "김하나", "2026.03.02~2026.03.06", "수료"],
        ["정수처리 기본", "이두리", "2026.03.02 ~ 03.06", "미수료"],  # the end shares the start's year
        ["하수처리 심화", "박세리", "2026. 4. 6.~10.", "수료"],  # ... and its month
        ["하수처리 심화", "최네온", "2026년 5월 4일 ~ 5월 8일", "수료"],
        ["현장실습", "정다섯", "2026-06-01", "수료"],  # one day
        ["현장실습", "한여섯", "2026.06.10~2026.06.01", "수료"],  # ends before it starts: held
        ["현장실습", "두일곱", "6월 중", "수료"],  # no period: held
    ]
    report = ingest_file(engine, xlsx(rows), "명부.xlsx", kind="attendance")
    assert report.status == "imported", report.message
    assert (report.rows_imported, report.rows_held) == (5, 2)
    assert sorted((i.row, i.column, i.code) for i in report.issues) == [(7, "교육기간", "end_before_start"),
                                                                        (8, "교육기간", "bad_date")]
    stored = _stored(engine, "enrolments")
    assert [str(d)[:10] for d in stored["start_date"]] == ["2026-03-02", "2026-03-02", "2026-04-06", "2026-05-04",
                                                             "2026-06-01"]
    assert [str(d)[:10] for d in stored["end_date"]] == ["2026-03-06", "2026-03-06", "2026-04-10", "2026-05-08",
                                                           "2026-06-01"]


def test_an_attendance_list_without_an_end_date_or_a_period_is_refused_naming_both_and_every_other_missing_column(
    engine,
):
    rows = [["교육과정명", "성명", "교육시작일"], ["정수처리 기본", "김하나", "2026-03-02"]]
    report = ingest_file(engine, xlsx(rows), "명부.xlsx", kind="attendance")
    assert report.status == "rejected"
    assert "필수 열이 없습니다: 교육종료일 또는 교육기간, 수료여부." in report.message.ko
    assert "Required columns are missing: Course end or Course period, Completed." in report.message.en


def test_the_blank_attendance_template_keeps_the_end_date_and_leaves_the_period_to_sheets_kept_that_way():
    import io

    from metrics.intake.blank_templates import blank_template

    headers = pd.read_excel(io.BytesIO(blank_template("attendance")), engine="calamine").columns.tolist()
    assert "교육종료일" in headers and "교육기간" not in headers


# ---------------------------------------------------------------- a header and nothing under it


def test_a_sheet_with_headers_only_is_refused_as_having_no_data_rows_whatever_the_kind(engine):
    # A blank template sent back unfilled, or a survey export before the first response.
    data = xlsx([["교육과정명", "교육종료일", "수료여부", "성명"]])
    for kind in (None, "attendance", "trainee_survey"):
        report = ingest_file(engine, data, "명부.xlsx", kind=kind)
        assert report.status == "rejected"
        assert "데이터 행이 없습니다" in report.message.ko and "no data rows" in report.message.en
    assert store.list_uploads(engine).empty


# ---------------------------------------------------------------- a row-number column (번호, 연번, No.)


def test_a_row_number_column_is_not_taken_for_the_trainees_id_so_two_lists_numbered_alike_keep_every_trainee(engine):
    """Two cohorts of one course, each list numbered 1, 2, 3 in its 번호 column: six different people. Were 번호
    the trainee's id, the second list's 1–3 would be the first list's people again."""
    def cohort(names: list[str]) -> bytes:
        return xlsx([["번호", "교육과정명", "교육종료일", "성명", "연락처", "수료여부"],
                     *[[i + 1, "정수처리 기본", dt.date(2026, 3, 6), n, f"010-1234-{ord(n[-1]) % 10000:04d}", "수료"]
                       for i, n in enumerate(names)]])

    first = ingest_file(engine, cohort(["김하나", "이두리", "박세리"]), "1기.xlsx", kind="attendance")
    second = ingest_file(engine, cohort(["최네온", "정다섯", "한여섯"]), "2기.xlsx", kind="attendance")
    assert (first.rows_imported, second.rows_imported) == (3, 3), second.message
    stored = _stored(engine, "enrolments", order="id")
    assert len(stored) == 6 and stored["trainee_id"].nunique() == 6


def test_a_real_member_number_still_identifies_the_trainee_and_only_a_counting_column_is_left_out():
    from metrics.contract import load_contract
    from metrics.intake.mapping import holds_row_numbers, suggest_mapping

    assert holds_row_numbers(pd.Series([101, 102, 103, 104]))  # a list continued from another page
    assert holds_row_numbers(pd.Series(["1", "2", "3"]))
    assert not holds_row_numbers(pd.Series([1, 2, 2, 3]))  # a number used twice counts no rows
    assert not holds_row_numbers(pd.Series([20260417, 20251203, 20240111]))
    assert not holds_row_numbers(pd.Series([1, 2]))  # too short to tell
    frame = pd.DataFrame({"회원번호": ["M-0412", "M-0077", "M-1290"], "교육과정명": ["가", "가", "가"],
                          "교육종료일": ["2026-03-06"] * 3, "수료여부": ["수료"] * 3})
    assert suggest_mapping(frame, load_contract().kinds["attendance"])["회원번호"] == "trainee_ref"
    counted = frame.rename(columns={"회원번호": "번호"}).assign(번호=[1, 2, 3])
    assert suggest_mapping(counted, load_contract().kinds["attendance"])["번호"] == ""
