"""Answers and dates worded the way offices and survey tools word them, through the whole pipeline, each with a
file made here.

A wording the intake cannot read is not a small matter: when only the lowest answers are worded oddly
("매우 그렇지 않다"), holding them back raises the satisfaction score, and a question whose answers do not
read as ratings is left out of the score without a word.
"""

from __future__ import annotations

import json

import pandas as pd

from metrics import store
from metrics.intake.ingest import ingest_file
from tests.sheets import xlsx


def _stored(engine, table: str) -> pd.DataFrame:
    return store.read_active(engine, table).sort_values("excel_row").reset_index(drop=True)


# ---------------------------------------------------------------- Likert wordings with a sentence ending


def test_likert_answers_with_sentence_endings_keep_their_question_and_their_lowest_answers(engine):
    rows = [
        ["응답일시", "교육과정명", "교육 내용에 만족한다", "강사는 친절하였다"],
        ["2026-05-01 10:00", "수질분석", "매우 만족합니다", "매우 그렇다"],
        ["2026-05-01 11:00", "수질분석", "보통입니다", "그렇지 않습니다"],
        ["2026-05-01 12:00", "수질분석", "매우 불만족한다", "매우 그렇지 않다"],
    ]
    report = ingest_file(engine, xlsx(rows), "s.xlsx", kind="trainee_survey")
    assert report.status == "imported", report.message
    assert report.mapping["교육 내용에 만족한다"] == "item"
    assert (report.rows_imported, report.rows_held) == (3, 0)
    stored = _stored(engine, "survey_responses")
    # 매우 만족=5, 매우 그렇다=5 | 보통=3, 그렇지 않다=2 | 매우 불만족=1, 매우 그렇지 않다=1
    assert [json.loads(i) for i in stored["items_json"]] == [[5, 5], [3, 2], [1, 1]]
    # No overall question: the score is the mean of the items, 5, 2.5 and 1.
    assert stored["score"].tolist() == [5.0, 2.5, 1.0]


def test_good_bad_and_qualtrics_somewhat_scales_are_read_as_five_points(engine):
    rows = [
        ["응답일시", "교육과정명", "강의 내용은 어떠했습니까?", "How satisfied are you with the instructor?",
         "Do you agree the materials were useful?"],
        ["2026-05-01 10:00", "수질분석", "매우 좋음", "Extremely satisfied", "Somewhat agree"],
        ["2026-05-01 11:00", "수질분석", "나쁨", "Somewhat dissatisfied", "Somewhat disagree"],
        ["2026-05-01 12:00", "수질분석", "매우 나쁨", "Extremely dissatisfied", "Neither agree nor disagree"],
    ]
    report = ingest_file(engine, xlsx(rows), "s.xlsx", kind="trainee_survey")
    assert report.status == "imported", report.message
    assert list(report.mapping.values()).count("item") == 3
    assert [json.loads(i) for i in _stored(engine, "survey_responses")["items_json"]] == [[5, 5, 4], [2, 2, 2], [1, 1, 3]]


# ---------------------------------------------------------------- yes/no: check marks, codes in brackets, words


def test_checklist_answers_as_check_marks_bracketed_codes_and_words_are_read_as_yes_or_no(engine):
    header = ["점검일", "응대구분", "부서", "점검번호", "인사말", "소속·이름 안내", "경청"]
    rows = [
        header,
        ["2025-03-04", "전화", "인증팀", "M-01", "✓", "V", "ㅇ"],
        ["2025-03-05", "전화", "교육팀", "M-02", "예(Y)", "아니오(N)", "Y(예)"],
        ["2025-03-06", "전화", "총무팀", "M-03", "있음", "없음", "미실시"],
        ["2025-03-07", "전화", "총무팀", "M-04", "실시함", "안함", "해당없음"],  # 해당없음: not applicable, blank
    ]
    report = ingest_file(engine, xlsx(rows), "모니터링.xlsx", kind="monitoring")
    assert report.status == "imported", report.message
    assert (report.rows_imported, report.rows_held, report.issues) == (4, 0, [])
    stored = store.read_active(engine, "monitoring").sort_values("ref")
    assert stored["greeting"].tolist() == [True, True, True, True]
    assert stored["name_given"].tolist() == [True, False, False, False]
    assert stored["listening"].tolist()[:3] == [True, True, False] and pd.isna(stored["listening"].iloc[3])


def test_a_code_in_brackets_that_contradicts_its_word_is_held_and_the_finding_does_not_speak_of_completion(engine):
    rows = [
        ["점검일", "응대구분", "부서", "점검번호", "인사말"],
        ["2025-03-04", "전화", "인증팀", "M-01", "예(N)"],  # the word says yes, the code no: a person decides
        ["2025-03-05", "전화", "교육팀", "M-02", "수료(O)"],
    ]
    report = ingest_file(engine, xlsx(rows), "모니터링.xlsx", kind="monitoring")
    assert (report.rows_imported, report.rows_held) == (1, 1)
    [issue] = report.issues
    assert (issue.row, issue.code) == (2, "bad_yes_no")
    assert "수료 여부" not in issue.message.ko and issue.message.ko.startswith("예·아니오")


# ---------------------------------------------------------------- dates as systems and people write them


def test_iso_timestamps_with_an_offset_korean_clock_words_and_short_years_are_read_as_dates(engine):
    rows = [
        ["접수번호", "업무구분", "접수일", "처리일"],
        ["C-1", "기술지원 요청", "2026-03-02T09:15:00+09:00", "2026-03-10T17:00:00+09:00"],  # an API's ISO 8601
        ["C-2", "홈페이지 문의", "2026년 03월 05일 14시 15분", "2026년 03월 06일 오전 10시"],  # e-approval systems
        ["C-3", "인증민원", "26-03-06", "'26.3.20"],  # two-digit years, with dashes, and with an apostrophe
    ]
    report = ingest_file(engine, xlsx(rows), "처리대장.xlsx", kind="cases")
    assert report.status == "imported", report.message
    assert (report.rows_imported, report.rows_held, report.issues) == (3, 0, [])
    stored = _stored(engine, "cases")
    assert [str(d)[:10] for d in stored["received"]] == ["2026-03-02", "2026-03-05", "2026-03-06"]
    assert [str(d)[:10] for d in stored["completed"]] == ["2026-03-10", "2026-03-06", "2026-03-20"]


# ---------------------------------------------------------------- "no answer" in a rated question


def test_no_answer_words_in_a_rated_question_are_blank_answers_not_bad_ones(engine):
    rows = [
        ["응답일시", "교육과정명", "강의 내용은 유익하였습니까?", "강사의 설명은 충분하였습니까?", "전반적 만족도"],
        ["2026-05-01 10:00", "수질분석", "5", "무응답", "4"],
        ["2026-05-01 11:00", "수질분석", "잘 모르겠다", "2", "3"],
        ["2026-05-01 12:00", "수질분석", "4", "해당없음", "모름"],
    ]
    report = ingest_file(engine, xlsx(rows), "s.xlsx", kind="trainee_survey")
    assert report.status == "imported", report.message
    assert list(report.mapping.values()).count("item") == 2
    assert (report.rows_imported, report.rows_held, report.issues) == (3, 0, [])
    stored = _stored(engine, "survey_responses")
    assert [json.loads(i) for i in stored["items_json"]] == [[5, None], [None, 2], [4, None]]
    assert stored["overall"].tolist()[:2] == [4.0, 3.0] and pd.isna(stored["overall"].iloc[2])
    # The score is the overall answer, else the mean of the answered items: 4, 3, and 4 (the one item answered).
    assert stored["score"].tolist() == [4.0, 3.0, 4.0]


# ---------------------------------------------------------------- head counts written roughly


def test_an_events_log_with_head_counts_written_roughly_keeps_every_count(engine):
    rows = [
        ["행사구분", "행사명", "개최일", "참석인원"],
        ["워크숍", "지자체 워크숍", "2026-04-10", "약 30명"],
        ["설명회", "참가기업 설명회", "2026-02-05", "120여 명"],
        ["운영위원회", "1차 운영위원회", "2026-06-03", "12인"],
    ]
    report = ingest_file(engine, xlsx(rows), "행사.xlsx", kind="events")
    assert report.status == "imported", report.message
    assert (report.rows_imported, report.issues) == (3, [])
    assert _stored(engine, "events")["participants"].tolist() == [30, 120, 12]
