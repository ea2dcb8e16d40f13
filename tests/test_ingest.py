"""From a manager's file to stored rows: messy layouts, every validation rule, nothing personal kept."""

from __future__ import annotations

import json

import pytest

from metrics import store
from metrics.intake.ingest import ingest_file
from tests.dbcheck import stored_text
from tests.sheets import csv, xlsx

SURVEY_HEADER = ["타임스탬프", "교육과정명", "강의 내용이 유익했습니까?", "강사는 친절했습니까?", "교육에 전반적으로 만족하십니까?", "기타 의견"]


def _responses(engine, kind=None):
    frame = store.read_active(engine, "survey_responses")
    return frame if kind is None else frame[frame["kind"] == kind]


def test_google_forms_survey_with_korean_timestamps_and_likert_words_is_imported(engine):
    data = xlsx([
        SURVEY_HEADER,
        ["2026. 3. 15 오후 2:30:15", "정수처리 기본과정", "매우 만족", "만족", "매우만족", ""],
        ["2026. 3. 15 오전 9:05:00", "정수처리 기본과정", "보통", "불만족", "보통", "강의실이 추웠어요"],
        ["2026. 3. 16 오후 12:10:00", "정수처리 기본과정", "만족", "만족", "만족", None],
    ])
    report = ingest_file(engine, data, "교육만족도(응답).xlsx", kind="trainee_survey")
    assert report.status == "imported", report.message
    rows = _responses(engine).sort_values("excel_row")
    assert rows["score"].tolist() == [5.0, 3.0, 4.0]  # the overall question, not the item mean
    assert rows["year"].tolist() == [2026, 2026, 2026]
    assert json.loads(rows["items_json"].iloc[1]) == [3, 2]
    assert str(rows["response_date"].iloc[2]).startswith("2026-03-16 12:10")
    assert rows["comments"].iloc[1] == "강의실이 추웠어요"


def test_survey_without_overall_question_scores_the_mean_of_its_items(engine):
    data = xlsx([
        ["응답일시", "과정명", "교재가 적절했다", "시설에 만족한다"],
        ["2026-04-01 10:00", "관망관리", "매우 그렇다", "그렇다"],  # (5 + 4) / 2 = 4.5
        ["2026-04-01 11:00", "관망관리", "그렇지 않다", "보통이다"],  # (2 + 3) / 2 = 2.5
    ])
    report = ingest_file(engine, data, "survey.xlsx", kind="trainee_survey")
    assert report.ok, report.message
    assert sorted(_responses(engine)["score"]) == [2.5, 4.5]


def test_title_row_merged_header_and_totals_row_are_not_responses(engine):
    data = xlsx(
        [
            ["2025 WATER KOREA 참가기업 만족도 조사 결과", None, None, None, None],
            [None, None, None, None, None],
            ["업체명", "전시회 연도", "항목별 만족도", None, "종합 만족도"],
            [None, None, "부스 배치", "홍보", None],
            ["(주)한빛밸브", 2025, 8, 7, 8],
            ["대성펌프", 2025, 9, 9, 9],
            ["합계", None, 17, 16, 17],
            ["※ 10점 만점", None, None, None, None],
        ],
        merges=("A1:E1", "A3:A4", "B3:B4", "C3:D3", "E3:E4"),
    )
    report = ingest_file(engine, data, "exhibitors.xlsx", kind="exhibitor_survey")
    assert report.ok, report.message
    rows = _responses(engine)
    assert sorted(rows["company"]) == ["(주)한빛밸브", "대성펌프"]
    assert sorted(rows["score"]) == [8.0, 9.0]
    assert set(rows["year"]) == {2025}


def test_cp949_case_log_with_korean_type_labels_and_dotted_dates(engine):
    data = csv(
        [
            ["접수번호", "업무구분", "접수일", "처리일"],
            ["C-1", "인증 신청 서류검토", "2026.03.02", "2026.03.10"],
            ["C-2", "홈페이지 문의", "2026. 3. 5.", ""],
            ["C-3", "인증민원", "2026/3/6", "2026/3/20"],
        ],
        encoding="cp949",
    )
    report = ingest_file(engine, data, "처리대장.csv", kind="cases")
    assert report.ok, report.message
    rows = store.read_active(engine, "cases").sort_values("ref")
    assert rows["case_type"].tolist() == ["cert_review", "web_inquiry", "cert_complaint"]
    assert rows["completed"].isna().tolist() == [False, True, False]


def _only_issue_codes(report):
    return sorted((i.row, i.code) for i in report.issues)


def test_rating_outside_the_scale_is_held_back_with_its_excel_row(engine):
    data = xlsx([
        ["교육과정명", "응답일시", "전반적 만족도"],
        ["A", "2026-05-01", 4],
        ["A", "2026-05-02", 7],  # Excel row 3: 7 on a 5-point scale
    ])
    report = ingest_file(engine, data, "s.xlsx", kind="trainee_survey", scale=5)
    assert report.rows_imported == 1 and report.rows_held == 1
    (issue,) = report.issues
    assert (issue.row, issue.column, issue.value, issue.code) == (3, "전반적 만족도", "7", "out_of_scale")
    assert "1–5" in issue.message.ko and "1–5" in issue.message.en


def test_each_validation_rule_names_row_column_and_reason(engine):
    data = xlsx([
        ["업무구분", "접수일", "처리일"],
        ["서류검토", "2026-03-10", "2026-03-02"],   # row 2: completed before received
        ["출장", "2026-03-10", ""],                  # row 3: unknown type
        ["서류검토", "", "2026-03-12"],              # row 4: received missing
        ["서류검토", "2026-02-30", ""],              # row 5: impossible date
        ["서류검토", "2026-03-11", "2026-03-12"],    # row 6: fine
    ])
    report = ingest_file(engine, data, "cases.xlsx", kind="cases")
    assert _only_issue_codes(report) == [
        (2, "completed_before_received"), (3, "unknown_type"), (4, "missing_required"), (5, "bad_date"),
    ]
    assert report.rows_imported == 1
    unknown = next(i for i in report.issues if i.code == "unknown_type")
    assert "인증 신청 서류검토" in unknown.message.ko


def test_course_ending_before_it_starts_is_reported(engine):
    data = xlsx([
        ["성명", "교육과정명", "교육시작일", "교육종료일", "수료여부"],
        ["홍길동", "정수처리", "2026-03-09", "2026-03-06", "수료"],
    ])
    report = ingest_file(engine, data, "att.xlsx", kind="attendance")
    assert _only_issue_codes(report) == [(2, "end_before_start")]
    assert report.status == "rejected"  # nothing valid left


def test_duplicates_within_the_file_are_held_back(engine):
    data = xlsx([
        ["행사구분", "개최일", "행사명"],
        ["워크숍", "2026-06-10", "성과평가 워크숍"],
        ["설명회", "2026-02-01", "참가기업 설명회"],
        ["워크숍", "2026-06-10", "성과평가 워크숍"],
    ])
    report = ingest_file(engine, data, "events.xlsx", kind="events")
    assert _only_issue_codes(report) == [(4, "duplicate_in_file")]
    assert report.issues[0].message.en == "duplicate of row 2 in this file"
    assert report.rows_imported == 2


def test_a_file_without_a_required_column_gets_one_clear_message(engine):
    data = xlsx([["성명", "교육과정명"], ["홍길동", "정수처리"]])
    report = ingest_file(engine, data, "att.xlsx", kind="attendance")
    assert report.status == "rejected"
    assert "교육종료일" in str(report.message) and "Course end" in str(report.message)
    assert store.list_uploads(engine).empty


def test_names_phones_and_birth_dates_never_reach_the_database(engine):
    data = xlsx([
        ["성명", "생년월일", "연락처", "교육과정명", "교육종료일", "수료여부"],
        ["김수정", "1985-07-21", "010-4821-7733", "정수처리 기본", "2026-03-06", "Y"],
        ["김수정", "1985-07-21", "010-4821-7733", "하수처리 심화", "2026-04-10", "N"],
        ["박하늘", "1990-01-02", "010-9999-1234", "정수처리 기본", "2026-03-06", "수료"],
    ])
    report = ingest_file(engine, data, "명부.xlsx", kind="attendance")
    assert report.rows_imported == 3
    stored = stored_text(engine)
    for secret in ("김수정", "박하늘", "010-4821-7733", "01048217733", "4821", "1985-07-21", "19850721"):
        assert secret not in stored, secret
    ids = store.read_active(engine, "enrolments").sort_values("excel_row")["trainee_id"].tolist()
    assert ids[0] == ids[1] != ids[2]  # the same person keeps one pseudonym across courses


def test_a_personal_value_in_error_shows_row_and_column_not_the_value(engine):
    data = xlsx([
        ["성명", "연락처", "교육과정명", "교육종료일", "수료여부"],
        ["이몽룡", "010-1111-2222", "정수처리", "2026-03-06", "아마도"],
    ])
    report = ingest_file(engine, data, "명부.xlsx", kind="attendance")
    dumped = json.dumps(report.to_dict(), ensure_ascii=False)
    assert "이몽룡" not in dumped and "010-1111-2222" not in dumped
    assert _only_issue_codes(report) == [(2, "bad_yes_no")]


def test_the_kind_is_detected_when_not_given(engine):
    data = xlsx([
        ["수신일시", "벨 울린 횟수"],
        ["2026-03-02 09:01", 1],
        ["2026-03-02 09:15", 3],
    ])
    report = ingest_file(engine, data, "전화응대.xlsx")
    assert report.kind == "calls" and report.rows_imported == 2


def test_numbers_under_headers_nobody_recognises_are_not_taken_for_a_survey(engine):
    # A Qualtrics-like export in German: small whole numbers that look like ratings, no header we know.
    data = xlsx([
        ["Antworttyp", "Beendet", "Fortschritt", "Q1"],
        [0, 1, 3, 2],
        [0, 1, 4, 5],
    ])
    report = ingest_file(engine, data, "export.xlsx", year=2026)
    assert report.status == "rejected" and "종류를 직접 고르세요" in str(report.message)
    assert store.list_uploads(engine).empty


def test_the_could_not_tell_message_lists_a_few_headers_cut_short_in_each_language(engine):
    from metrics.intake.detection import detect
    from metrics.intake.refusals import RejectedFileError

    long = "Which of the following films have you seen? Please select all that apply. / Episode"
    headers = [f"{long} {i}" for i in range(10)]
    with pytest.raises(RejectedFileError) as caught:
        detect(engine, xlsx([headers, ["x"] * 10]), "survey.xlsx")
    ko, en = caught.value.message.ko, caught.value.message.en
    assert "Which of the following films …" in ko and "외 2개" in ko and " / " not in ko
    assert en.endswith("and 2 more") and "찾은" not in en and "Please select all" not in en


def test_the_could_not_tell_message_names_the_kinds_in_korean_and_keeps_the_codes_for_the_command_line(engine):
    from metrics.contract import load_contract

    report = ingest_file(engine, xlsx([["가", "나"], ["x", "y"]]), "x.xlsx")
    assert report.status == "rejected"
    kinds = load_contract().kinds
    assert all(k.ko in report.message.ko and name not in report.message.ko for name, k in kinds.items())
    assert all(name in report.message.en for name in kinds)


def test_seconds_to_answer_become_rings_at_three_seconds_a_ring(engine):
    data = xlsx([["통화일시", "응답시간(초)"], ["2026-03-02 09:01", 6], ["2026-03-02 09:02", 7], ["2026-03-02 09:03", 0]])
    report = ingest_file(engine, data, "calls.xlsx", kind="calls")
    assert report.ok, report.message
    # ceil(6/3) = 2 rings, ceil(7/3) = 3 rings, 0 s = 0 rings
    assert sorted(store.read_active(engine, "calls")["rings"]) == [0.0, 2.0, 3.0]


def test_a_5_point_exhibitor_survey_is_kept_on_its_own_scale(engine):
    data = xlsx([["업체명", "종합 만족도"], ["A사", 4], ["B사", 5]])
    report = ingest_file(engine, data, "wk.xlsx", kind="exhibitor_survey", scale=5, year=2026)
    assert report.ok, report.message
    rows = _responses(engine)
    assert set(rows["scale_max"]) == {5.0} and sorted(rows["score"]) == [4.0, 5.0]


def test_a_5_point_exhibitor_survey_without_a_scale_is_refused_saying_what_was_seen(engine):
    data = xlsx([["업체명", "종합 만족도"], ["A사", 4], ["B사", 5]])
    report = ingest_file(engine, data, "wk.xlsx", kind="exhibitor_survey", year=2026)
    assert report.status == "rejected"
    assert "최댓값은 5점" in str(report.message) and "highest answer is 5" in str(report.message)
    assert "usually out of 10" in str(report.message) and "--scale 5 or --scale 10" in str(report.message)
    assert store.list_uploads(engine).empty


def test_dry_run_stores_nothing(engine):
    data = xlsx([["행사구분", "개최일"], ["워크숍", "2026-06-10"]])
    report = ingest_file(engine, data, "e.xlsx", kind="events", dry_run=True)
    assert report.status == "dry_run" and report.rows_valid == 1
    assert store.list_uploads(engine).empty


def test_the_same_file_twice_is_refused_and_counted_once(engine):
    data = xlsx([["행사구분", "개최일"], ["워크숍", "2026-06-10"]])
    assert ingest_file(engine, data, "e.xlsx", kind="events").ok
    again = ingest_file(engine, data, "e (1).xlsx", kind="events")
    assert again.status == "rejected" and "#1" in str(again.message)
    assert len(store.read_active(engine, "events")) == 1


def test_a_saved_template_is_reused_for_a_sheet_of_the_same_shape(engine):
    from metrics.intake.saved_mappings import save_template

    headers = ["일", "무엇", "몇 명"]
    save_template(engine, "행사 기록(총무팀)", "events", headers, {"일": "date", "무엇": "event_type", "몇 명": "participants"})
    data = xlsx([headers, ["2026-06-10", "워크숍", 35]])
    report = ingest_file(engine, data, "총무팀.xlsx", kind="events")
    assert report.ok, report.message
    assert store.read_active(engine, "events")["participants"].tolist() == [35]


def test_a_single_type_sheet_takes_its_type_from_the_upload(engine):
    data = xlsx([["접수일", "답변일", "제목"], ["2026-03-02", "2026-03-04", "회원가입 문의"]])
    report = ingest_file(engine, data, "문의.xlsx", kind="cases", case_type="web_inquiry")
    assert report.ok, report.message
    assert store.read_active(engine, "cases")["case_type"].tolist() == ["web_inquiry"]


def test_a_survey_without_year_or_date_asks_for_the_year(engine):
    data = xlsx([["교육과정명", "전반적 만족도"], ["A", 4]])
    report = ingest_file(engine, data, "s.xlsx", kind="trainee_survey")
    assert report.status == "rejected" and _only_issue_codes(report) == [(2, "no_year")]
    assert ingest_file(engine, data, "s.xlsx", kind="trainee_survey", year=2026).ok


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "utf-16"])
def test_csv_in_every_korean_excel_encoding_reads_the_same(engine, encoding):
    rows = [["행사구분", "개최일", "참석인원"], ["워크숍", "2026년 6월 10일", "1,204"]]
    report = ingest_file(engine, csv(rows, encoding=encoding), f"e-{encoding}.csv", kind="events")
    assert report.ok, report.message
    assert store.read_active(engine, "events")["participants"].tolist() == [1204]


def test_an_unreadable_file_gets_one_message_and_changes_nothing(engine):
    report = ingest_file(engine, b"PK\x03\x04 not really a zip", "broken.xlsx")
    assert report.status == "rejected" and report.message.ko and report.message.en
    assert store.list_uploads(engine).empty


def test_attendance_rows_are_counted_in_the_year_their_course_ended(engine):
    data = xlsx([
        ["수강번호", "교육과정명", "교육시작일", "교육종료일", "수료여부"],
        ["T1", "연말과정", "2025-12-29", "2026-01-02", "O"],
    ])
    assert ingest_file(engine, data, "a.xlsx", kind="attendance").ok
    assert store.read_active(engine, "enrolments")["year"].tolist() == [2026]


def test_an_x_in_the_completion_column_means_not_completed(engine):
    data = xlsx([["수강번호", "교육과정명", "교육종료일", "수료여부"], ["T1", "A", "2026-01-02", "X"], ["T2", "A", "2026-01-02", "O"]])
    assert ingest_file(engine, data, "a.xlsx", kind="attendance").ok
    rows = store.read_active(engine, "enrolments").sort_values("excel_row")
    assert rows["completed"].map(bool).tolist() == [False, True]


def test_a_macro_workbook_is_read_as_data_and_says_so(engine):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx([["행사구분", "개최일"], ["워크숍", "2026-06-10"]]))) as src, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, src.read(item.filename))
        out.writestr("xl/vbaProject.bin", b"Attribute VB_Name = \"Module1\"\nSub AutoOpen(): Shell \"calc\": End Sub")
    report = ingest_file(engine, buffer.getvalue(), "행사.xlsm", kind="events")
    assert report.ok and report.rows_imported == 1
    assert any("macros" in note.en and "not run" in note.en for note in report.notes)
