"""Exports of the common survey tools, made here as each tool writes them, imported without manual fixes.

Each tool adds bookkeeping columns (ids, status codes, start times, e-mail, names) next to the answers. They
must never be taken for questions, even when they hold small numbers (Qualtrics Status 0 and Finished 1,
Microsoft Forms ID 1, 2, 3), and the tool's own submission time is the response time.
"""

from __future__ import annotations

import csv as csv_module
import io
import json

import pandas as pd
import pytest

from metrics import store
from metrics.contract import load_contract
from metrics.intake.ingest import ingest_file, prepare
from metrics.intake.mapping import reads_like_question
from tests.sheets import csv, xlsx

QUALTRICS_META = [
    # (export tag, ImportId, Korean label, English label, value in the numeric export)
    ("StartDate", "startDate", "시작 날짜", "Start Date", "2026-05-16 09:40:02"),
    ("EndDate", "endDate", "종료 날짜", "End Date", "2026-05-16 09:51:33"),
    ("Status", "status", "응답 유형", "Response Type", "0"),
    ("IPAddress", "ipAddress", "IP 주소", "IP Address", "203.0.113.7"),
    ("Progress", "progress", "진행률", "Progress", "100"),
    ("Duration (in seconds)", "duration", "기간(초)", "Duration (in seconds)", "691"),
    ("Finished", "finished", "완료됨", "Finished", "1"),
    ("RecordedDate", "recordedDate", "기록된 날짜", "Recorded Date", "2026-05-16 09:51:34"),
    ("ResponseId", "_recordId", "응답 ID", "Response ID", "R_2YPOQ602ER1jkf1"),
    ("RecipientLastName", "recipientLastName", "수신자 성", "Recipient Last Name", ""),
    ("RecipientFirstName", "recipientFirstName", "수신자 이름", "Recipient First Name", ""),
    ("RecipientEmail", "recipientEmail", "수신자 이메일", "Recipient Email", ""),
    ("ExternalReference", "externalDataReference", "외부 데이터 참조", "External Data Reference", ""),
    ("LocationLatitude", "locationLatitude", "위치 위도", "Location Latitude", "37.5"),
    ("LocationLongitude", "locationLongitude", "위치 경도", "Location Longitude", "127.0"),
    ("DistributionChannel", "distributionChannel", "배포 채널", "Distribution Channel", "anonymous"),
    ("UserLanguage", "userLanguage", "사용자 언어", "User Language", "KO"),
]


def qualtrics_csv(questions: list[tuple[str, str, str]], answers: list[list[str]], *, korean: bool) -> bytes:
    """A Qualtrics CSV export: export tags, labels (or question texts), {"ImportId":...}, then responses.

    `questions` are (tag, ImportId, text); each response gets the bookkeeping values, its time shifted.
    """
    tags = [m[0] for m in QUALTRICS_META] + [q[0] for q in questions]
    labels = [m[2] if korean else m[3] for m in QUALTRICS_META] + [q[2] for q in questions]
    ids = [json.dumps({"ImportId": m[1]}) for m in QUALTRICS_META] + [json.dumps({"ImportId": q[1]}) for q in questions]
    rows = [tags, labels, ids]
    for n, answer in enumerate(answers):
        meta = [m[4] for m in QUALTRICS_META]
        meta[1] = f"2026-05-16 09:5{n}:33"  # EndDate
        rows.append(meta + answer)
    return quoted_csv(rows)


def quoted_csv(rows: list[list]) -> bytes:
    """CSV as the tools write it: UTF-8 with BOM, quotes inside cells doubled."""
    buffer = io.StringIO()
    csv_module.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _times(rows: pd.DataFrame) -> list[str]:
    return [t.strftime("%Y-%m-%d %H:%M:%S") for t in pd.to_datetime(rows["response_date"])]


def _responses(engine) -> pd.DataFrame:
    return store.read_active(engine, "survey_responses").sort_values("excel_row").reset_index(drop=True)


def _items(engine) -> list[list[float]]:
    return [json.loads(items) for items in _responses(engine)["items_json"]]


def test_a_qualtrics_export_in_english_is_detected_as_the_trainee_survey_and_imported_as_it_is(engine):
    questions = [
        ("Q1", "QID1_TEXT", "Which course did you attend?"),
        ("Q2_1", "QID2_1", "How satisfied were you with the following? - The instructor"),
        ("Q2_2", "QID2_2", "How satisfied were you with the following? - The materials"),
        ("Q3", "QID3", "Overall, how satisfied were you with the course?"),
        ("Q4", "QID4_TEXT", "Any other comments?"),
    ]
    data = qualtrics_csv(questions, [["Water treatment basics", "5", "4", "5", "Great"],
                                     ["Water treatment basics", "4", "3", "4", ""]], korean=False)
    report = ingest_file(engine, data, "qualtrics_export.csv")
    assert report.status == "imported", report.message
    assert report.kind == "trainee_survey"
    assert (report.rows_imported, report.rows_held, report.issues) == (2, 0, [])
    mapped = {h: r for h, r in report.mapping.items() if r}
    assert mapped == {
        "EndDate": "response_date",
        "Which course did you attend?": "course",
        "How satisfied were you with the following? - The instructor": "item",
        "How satisfied were you with the following? - The materials": "item",
        "Overall, how satisfied were you with the course?": "overall",
        "Any other comments?": "comment",
    }
    rows = _responses(engine)
    assert rows["score"].tolist() == [5.0, 4.0]  # the overall question
    assert _items(engine) == [[5, 4], [4, 3]]
    assert _times(rows) == ["2026-05-16 09:50:33", "2026-05-16 09:51:33"]


def test_a_qualtrics_export_in_korean_of_the_exhibitor_survey_is_detected_as_that_survey(engine):
    questions = [
        ("Q1", "QID1_TEXT", "참가 업체명을 입력해 주세요"),
        ("Q2", "QID2", "부스 위치와 배치에 만족하십니까?"),
        ("Q3", "QID3", "사무국의 안내에 만족하십니까?"),
        ("Q4", "QID4", "WATER KOREA 참가에 전반적으로 만족하십니까?"),
    ]
    data = qualtrics_csv(questions, [["(주)한빛밸브", "9", "8", "9"], ["대성펌프", "7", "6", "8"],
                                     ["미래환경", "10", "9", "10"]], korean=True)
    report = ingest_file(engine, data, "설문결과.csv")
    assert report.status == "imported", report.message
    assert report.kind == "exhibitor_survey"
    assert (report.rows_imported, report.rows_held) == (3, 0)
    assert not {"Status", "Finished", "Progress", "LocationLatitude"} & {h for h, r in report.mapping.items() if r}
    rows = _responses(engine)
    assert rows["company"].tolist() == ["(주)한빛밸브", "대성펌프", "미래환경"]
    assert rows["score"].tolist() == [9.0, 8.0, 10.0] and set(rows["scale_max"]) == {10.0}
    assert set(rows["year"]) == {2026}  # from EndDate


def _surveymonkey_rows(korean: bool) -> list[list]:
    if korean:
        meta = ["응답자 ID", "수집기 ID", "시작 날짜", "종료 날짜", "IP 주소", "이메일 주소", "이름", "성", "사용자 지정 데이터 1"]
        questions = ["수강하신 교육과정", "다음 항목에 얼마나 만족하십니까?", None, None, "교육에 전반적으로 만족하십니까?"]
        options = ["응답", "강사", "교재", "시설", "응답"]
        answers = [["정수처리 기초", "매우 만족", "만족", "보통", "매우 만족"],
                   ["정수처리 기초", "만족", "만족", "불만족", "만족"]]
        times = ["2026/05/16 9:51:33 오전", "2026/05/16 1:05:00 오후"]
    else:
        meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
                "Last Name", "Custom Data 1"]
        questions = ["Which course did you attend?", "How satisfied were you with the following?", None, None,
                     "Overall, how satisfied were you?"]
        options = ["Response", "Instructor", "Materials", "Facilities", "Response"]
        answers = [["Water treatment basics", "Very satisfied", "Satisfied", "Neutral", "Very satisfied"],
                   ["Water treatment basics", "Satisfied", "Satisfied", "Dissatisfied", "Satisfied"]]
        times = ["05/16/2026 09:51:33 AM", "05/16/2026 01:05:00 PM"]
    rows = [meta + questions, [None] * len(meta) + options]
    for n, (answer, time) in enumerate(zip(answers, times, strict=True)):
        rows.append([str(114343 + n), "4334", time, time, "203.0.113.7", "", "", "", "3"] + answer)
    return rows


@pytest.mark.parametrize("korean", [True, False], ids=["korean", "english"])
def test_a_surveymonkey_csv_with_its_two_header_rows_imports_every_response(engine, korean):
    report = ingest_file(engine, csv(_surveymonkey_rows(korean)), "surveymonkey.csv")
    assert report.status == "imported", report.message
    assert report.kind == "trainee_survey"
    assert (report.rows_imported, report.rows_held) == (2, 0)
    items = [h for h, r in report.mapping.items() if r == "item"]
    assert len(items) == 3 and all(" / " in h for h in items)  # the question and its option
    assert _items(engine) == [[5, 4, 3], [4, 4, 2]]
    assert _responses(engine)["score"].tolist() == [5.0, 4.0]
    assert _times(_responses(engine))[1] == "2026-05-16 13:05:00"


@pytest.mark.parametrize("korean", [True, False], ids=["korean", "english"])
def test_a_surveymonkey_csv_whose_questions_all_have_a_single_answer_keeps_its_response_row_out_of_the_data(
    engine, korean
):
    # No grid question: the row under the questions says only Response (응답) and is blank under the tool's columns.
    meta = ["응답자 ID", "시작 날짜", "종료 날짜"] if korean else ["Respondent ID", "Start Date", "End Date"]
    word = "응답" if korean else "Response"
    rows = [
        meta + ["수강하신 교육과정", "강사의 설명에 만족하십니까?", "교재는 유익하였습니까?", "전반적으로 만족하십니까?"],
        [None, None, None, word, word, word, word],
        ["114343", "05/16/2026 09:40:00 AM", "05/16/2026 09:51:33 AM", "정수처리 기초", "매우 만족", "그렇다", "만족"],
        ["114344", "05/16/2026 12:55:00 PM", "05/16/2026 01:05:00 PM", "정수처리 기초", "불만족", "매우 그렇지 않다", "보통"],
    ]
    report = ingest_file(engine, csv(rows), "surveymonkey.csv")
    assert report.status == "imported", report.message
    assert (report.kind, report.rows_imported, report.rows_held) == ("trainee_survey", 2, 0)
    assert _items(engine) == [[5, 4], [2, 1]]
    assert _responses(engine)["score"].tolist() == [4.0, 3.0]  # the overall question: 만족 4, 보통 3


@pytest.mark.parametrize("korean", [True, False], ids=["korean", "english"])
def test_a_google_forms_csv_with_a_quiz_score_and_grid_questions(engine, korean):
    if korean:
        header = ["타임스탬프", "이메일 주소", "점수", "교육과정명", "만족도 [강사]", "만족도 [교재]", "전반적 만족도", "의견"]
        times = ["2025/05/16 9:51:33 오전 GMT+9", "2025/05/16 2:03:10 오후 GMT+9"]
    else:
        header = ["Timestamp", "Email Address", "Score", "Course", "Satisfaction [Instructor]", "Satisfaction [Materials]",
                  "Overall satisfaction", "Comments"]
        times = ["5/16/2025 9:51:33", "5/16/2025 14:03:10"]
    rows = [header,
            [times[0], "a@example.org", "3", "정수처리 기초", "5", "4", "5", ""],
            [times[1], "b@example.org", "2", "정수처리 기초", "4", "4", "4", "좋았습니다"]]
    report = ingest_file(engine, csv(rows), "교육 만족도 설문(응답).csv")
    assert report.status == "imported", report.message
    assert report.kind == "trainee_survey"
    assert report.mapping[header[2]] == ""  # the quiz score is no question
    assert report.mapping[header[0]] == "response_date"
    assert _items(engine) == [[5, 4], [4, 4]]
    assert _times(_responses(engine)) == ["2025-05-16 09:51:33", "2025-05-16 14:03:10"]


@pytest.mark.parametrize("korean", [True, False], ids=["korean", "english"])
def test_a_microsoft_forms_workbook_keeps_its_id_column_out_of_the_questions(engine, korean):
    if korean:
        meta = ["ID", "시작 시간", "완료 시간", "전자 메일", "이름", "마지막 수정 시간"]
        questions = ["수강하신 교육과정을 선택해 주세요", "강사는 내용을 이해하기 쉽게 전달하였다", "본 교육과정에 전반적으로 만족한다"]
    else:
        meta = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"]
        questions = ["Which course did you attend?", "The instructor explained the content clearly",
                     "Overall, I am satisfied with the course"]
    rows = [meta + questions]
    for n, (item, overall) in enumerate([(5, 5), (3, 4), (4, 4)], start=1):
        rows.append([n, f"2026-06-0{n} 10:00:00", f"2026-06-0{n} 10:04:00", "anonymous", None, None,
                     "관망관리 실무", item, overall])
    report = ingest_file(engine, xlsx(rows), "Forms_responses.xlsx")
    assert report.status == "imported", report.message
    assert report.mapping["ID"] == "" and report.mapping[meta[2]] == "response_date"
    assert report.mapping[questions[1]] == "item" and report.mapping[questions[2]] == "overall"
    assert _responses(engine)["score"].tolist() == [5.0, 4.0, 4.0]


def test_typeform_and_jotform_csvs_keep_their_tokens_and_ids_out_of_the_questions(engine):
    typeform = [
        ["#", "Which course did you attend?", "How satisfied were you with the instructor?",
         "Overall, how satisfied were you?", "Start Date (UTC)", "Submit Date (UTC)", "Network ID", "Token"],
        ["1", "Pipe network basics", "4", "5", "2026-07-01 01:00:00", "2026-07-01 01:03:00", "3", "1"],
        ["2", "Pipe network basics", "3", "3", "2026-07-01 02:00:00", "2026-07-01 02:03:00", "2", "2"],
    ]
    report = ingest_file(engine, csv(typeform), "typeform.csv")
    assert report.status == "imported", report.message
    assert {h for h, r in report.mapping.items() if r in ("item", "overall")} == {
        "How satisfied were you with the instructor?", "Overall, how satisfied were you?"}
    assert report.mapping["Submit Date (UTC)"] == "response_date"

    jotform = [
        ["Submission Date", "수강하신 교육과정", "강의 내용이 유익했습니까?", "전반적으로 만족하십니까?", "Submission ID"],
        ["2026-07-02 10:00:00", "하수처리 심화", "5", "4", "5"],
    ]
    report = ingest_file(engine, csv(jotform), "jotform.csv")
    assert report.status == "imported", report.message
    assert report.mapping["Submission ID"] == "" and report.mapping["Submission Date"] == "response_date"


def test_a_naver_form_keeps_the_respondent_number_out_of_the_questions(engine):
    rows = [["응답일시", "응답자", "교육 과정명", "교육 내용은 유익하였다", "전반적으로 만족하십니까?"],
            ["2026.08.01 14:02", 1, "수질분석", 4, 4],
            ["2026.08.01 14:05", 2, "수질분석", 5, 5]]
    report = ingest_file(engine, xlsx(rows), "네이버폼_응답.xlsx")
    assert report.status == "imported", report.message
    assert report.mapping["응답자"] == "" and report.mapping["응답일시"] == "response_date"
    assert _items(engine) == [[4], [5]]


def test_a_column_of_small_numbers_is_a_question_only_when_its_header_reads_like_one(engine):
    rows = [["응답일시", "과정명", "소속 기관 코드", "교육 인원", "강사는 친절했습니까?", "전반적 만족도"],
            ["2026-05-01 10:00", "수질분석", 3, 2, 5, 5],
            ["2026-05-01 11:00", "수질분석", 1, 4, 4, 4]]
    data = xlsx(rows)
    prepared = prepare(engine, data, "s.xlsx", kind="trainee_survey")
    assert prepared.mapping["소속 기관 코드"] == "" and prepared.mapping["교육 인원"] == ""
    assert prepared.questions == ("강사는 친절했습니까?",)
    # The person may still say so: a column mapped by hand is a question.
    chosen = {**prepared.mapping, "소속 기관 코드": "item"}
    assert prepare(engine, data, "s.xlsx", kind="trainee_survey", mapping=chosen).questions == (
        "소속 기관 코드", "강사는 친절했습니까?")


@pytest.mark.parametrize(
    ("header", "question"),
    [
        ("강사는 친절했습니까?", True),
        ("교재가 적절하였다", True),
        ("만족도 [강사]", True),
        ("Satisfaction [Instructor]", True),
        ("How would you rate the venue?", True),
        ("Q3_2", True),
        ("문항 4", True),
        ("교육 만족도 / 강사", True),
        ("Status", False),
        ("Finished", False),
        ("소속 기관 코드", False),
        ("바다", False),
        ("This is a multiple choice question.", False),
        ("Progress", False),
    ],
)
def test_which_headers_read_like_a_question(header, question):
    contract = load_contract()
    assert reads_like_question(header, contract.kind("trainee_survey"), contract) is question


@pytest.mark.parametrize(
    "header",
    ["Status", "Finished", "Progress", "Duration (in seconds)", "ResponseId", "RecipientLastName", "LocationLatitude",
     "DistributionChannel", "UserLanguage", "IPAddress", "ExternalReference", "Respondent ID", "Collector ID",
     "IP Address", "Email Address", "First Name", "Last Name", "Custom Data 2", "타임스탬프", "이메일 주소", "점수",
     "ID", "시작 시간", "완료 시간", "전자 메일", "이름", "마지막 수정 시간", "#", "Submitted At", "Token",
     "Network ID", "Submission Date", "Submission ID", "응답일시", "응답자"],
)
def test_every_bookkeeping_column_of_the_common_tools_is_known(header):
    assert load_contract().is_bookkeeping(header)


def test_a_survey_tool_export_without_rating_questions_is_not_taken_for_a_log_by_the_tools_own_columns(engine):
    # Qualtrics' StartDate holds "date", DistributionChannel "channel" and RecipientLastName "name": keywords of
    # the monitoring checklist. A tool's own column is no evidence for a kind that is not a survey.
    questions = [("Q1", "QID1", "Which topic should the next course cover?"), ("Q2", "QID2_TEXT", "Any other comments?")]
    data = qualtrics_csv(questions, [["Pipes", "none"], ["Pumps", ""]], korean=False)
    report = ingest_file(engine, data, "qualtrics_export.csv")
    assert (report.status, report.kind) == ("rejected", None)
    assert "어떤 자료인지 알아낼 수 없습니다" in report.message.ko and "Could not tell" in report.message.en
    assert store.list_uploads(engine).empty
