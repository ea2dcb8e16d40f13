"""Finding the table in a raw sheet: header rows, titles and notes, totals, footnotes, Excel row numbers."""

from __future__ import annotations

import io
from datetime import datetime

import numpy as np
import openpyxl
import pytest

from metrics.intake.layout import locate_table
from metrics.intake.layout_names import clean_header_text
from metrics.intake.reading import RawSheet, UnreadableFileError, read_sheet


def sheet(*rows: list, merged: tuple = (), source: str = "xlsx") -> RawSheet:
    return RawSheet.from_rows("시트1", [list(row) for row in rows], source, merged)


def values(table) -> list[list]:
    return table.frame.to_numpy().tolist()


def test_plain_table_keeps_raw_values_with_excel_row_numbers():
    table = locate_table(sheet(["접수번호", "접수일", "금액"], ["0123", datetime(2024, 1, 2), 1500.0]))
    assert table.headers == ["접수번호", "접수일", "금액"]
    assert list(table.frame.columns) == table.headers
    assert values(table) == [["0123", datetime(2024, 1, 2), 1500.0]]
    assert [str(dtype) for dtype in table.frame.dtypes] == ["object"] * 3
    assert table.excel_rows.tolist() == [2] and table.excel_rows.dtype.kind == "i"
    assert (table.header_rows, table.skipped) == ((1,), ())


def test_title_and_unit_note_above_the_header_are_skipped_and_rows_keep_their_numbers():
    table = locate_table(
        sheet(
            ["2024년 민원 처리 현황", None, None],
            [None, None, "(단위: 건)"],
            ["접수번호", "민원유형", "처리일수"],
            ["A-1", "누수", 3.0],
            [None, None, None],
            ["A-2", "요금", 5.0],
        )
    )
    assert table.header_rows == (3,)
    assert table.excel_rows.tolist() == [4, 6]
    assert values(table) == [["A-1", "누수", 3.0], ["A-2", "요금", 5.0]]
    assert table.skipped == ((1, "title"), (2, "note"), (5, "blank"))


def test_notes_marked_with_reference_signs_above_the_header_are_notes():
    table = locate_table(
        sheet(
            ["※ 개인정보는 가려서 올려 주세요", None],
            ["자료: 고객지원팀", None],
            ["성명", "점수"],
            ["김*수", 5.0],
        )
    )
    assert table.skipped == ((1, "note"), (2, "note"))
    assert table.header_rows == (3,)


def test_merged_two_row_header_joins_group_and_item():
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws["A1"], ws["B1"], ws["C1"] = "연번", "업체명", "항목별 만족도"
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    ws.merge_cells("C1:E1")
    ws["C2"], ws["D2"], ws["E2"] = "시설", "운영", "홍보"
    ws.append([1, "(주)가람", 8, 7, 9])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = locate_table(read_sheet(buffer.getvalue(), "a.xlsx"))
    assert table.headers == [
        "연번",
        "업체명",
        "항목별 만족도 / 시설",
        "항목별 만족도 / 운영",
        "항목별 만족도 / 홍보",
    ]
    assert table.header_rows == (1, 2)
    assert table.excel_rows.tolist() == [3]


def test_five_row_merged_header_with_blank_rows_inside_is_one_header():
    merged = ((0, 0, 4, 0), (0, 1, 3, 1), (0, 2, 2, 3), (3, 2, 4, 2), (3, 3, 4, 3))
    table = locate_table(
        sheet(
            ["Region", "Caloric contribution", "Cumulative impact", None],
            [None] * 4,
            [None] * 4,
            [None, None, "from previous quarter", "from baseline (%)"],
            [None, "(%)", None, None],
            ["A", "B", "C", "D"],
            merged=merged,
        )
    )
    assert table.headers == [
        "Region",
        "Caloric contribution / (%)",
        "Cumulative impact / from previous quarter",
        "Cumulative impact / from baseline (%)",
    ]
    assert table.header_rows == (1, 2, 3, 4, 5) and table.excel_rows.tolist() == [6]


def test_group_row_without_merges_is_forward_filled_over_its_span():
    table = locate_table(
        sheet(
            [None, None, "Democrat", None, "Republican", None, None],
            ["Team", "N", "Asian", "Total", "Asian", "Total", "GOP%"],
            ["Bears", "285", "5", "94", "2", "62", "22%"],
            source="csv",
        )
    )
    # groups two columns wide end there: GOP% is not a Republican column
    assert table.headers == [
        "Team",
        "N",
        "Democrat / Asian",
        "Democrat / Total",
        "Republican / Asian",
        "Republican / Total",
        "GOP%",
    ]
    assert table.header_rows == (1, 2)


def test_repeated_group_labels_are_not_repeated_in_the_name():
    table = locate_table(
        sheet(
            ["기간", "자치구", "인구", "인구", "인구"],
            ["기간", "자치구", "합계", "합계", "한국인"],
            ["기간", "자치구", "계", "남자", "계"],
            ["2017.1/4", "종로구", 162820.0, 79675.0, 153589.0],
        )
    )
    assert table.headers == ["기간", "자치구", "인구 / 합계 / 계", "인구 / 합계 / 남자", "인구 / 한국인 / 계"]
    assert table.excel_rows.tolist() == [4]


def test_qualtrics_three_header_rows_name_questions_by_their_text_and_the_rest_by_their_export_tag():
    table = locate_table(
        sheet(
            ["StartDate", "Finished", "Q1"],
            ["Anfangsdatum", "Beendet", "Wie zufrieden sind Sie?"],
            ['{"ImportId":"startDate"}', '{"ImportId":"finished"}', '{"ImportId":"QID1"}'],
            ["2017-07-18 08:28:09", "1", "2"],
            source="csv",
        )
    )
    # The tags of the first row are the same in every language; the labels of the second are not.
    assert table.headers == ["StartDate", "Finished", "Wie zufrieden sind Sie?"]
    assert table.header_rows == (2,)
    assert table.skipped == ((1, "header"), (3, "header"))
    assert table.excel_rows.tolist() == [4]


def test_surveymonkey_second_row_gives_options_and_response_means_the_question_alone():
    table = locate_table(
        sheet(
            ["RespondentID", "Do you eat steak?", "Which films have you seen?", None, "Gender"],
            [None, "Response", "Episode I", "Episode II", "Response"],
            ["3292879998", "Yes", "Episode I", None, "Male"],
            ["3292879538", "No", None, "Episode II", "Female"],
            source="csv",
        )
    )
    assert table.headers == [
        "RespondentID",
        "Do you eat steak?",
        "Which films have you seen? / Episode I",
        "Which films have you seen? / Episode II",
        "Gender",
    ]
    assert table.excel_rows.tolist() == [3, 4]


@pytest.mark.parametrize(
    "label", ["합계", "소계", "계", "총계", " 합　계 ", "TOTAL", "Total:", "Grand Total", "평균"]
)
def test_total_rows_are_dropped(label):
    table = locate_table(sheet(["부서", "건수"], ["급수과", 3.0], [label, 3.0]))
    assert values(table) == [["급수과", 3.0]]
    assert table.skipped == ((3, "total"),)


def test_subtotals_between_groups_and_a_total_after_a_period_label_are_dropped():
    table = locate_table(
        sheet(
            ["기간", "부서", "건수"],
            ["2024", "급수과", 2.0],
            ["2024", "소계", 2.0],
            ["2025", "요금과", 4.0],
            [None, "합계", 6.0],
        )
    )
    assert table.excel_rows.tolist() == [2, 4]
    assert table.skipped == ((3, "total"), (5, "total"))


def test_total_words_inside_data_do_not_drop_the_row():
    table = locate_table(sheet(["번호", "구분", "건수"], [1.0, "합계", 3.0], ["A-2", "계약", 1.0]))
    assert table.excel_rows.tolist() == [2, 3]


def test_footnotes_under_the_table_are_dropped():
    table = locate_table(
        sheet(
            ["부서", "건수"],
            ["급수과", 3.0],
            [None, None],
            ["※ 자료: 고객지원팀 집계", None],
            ["주) 2024년 기준", None],
            ["Source: 민원 시스템", None],
        )
    )
    assert table.excel_rows.tolist() == [2]
    assert table.skipped == ((3, "blank"), (4, "footnote"), (5, "footnote"), (6, "footnote"))


def test_blank_columns_are_dropped_and_blank_rows_skip_in_the_numbering():
    table = locate_table(
        sheet(
            [None, None, None, None],
            [None, "성명", None, "점수"],
            [None, "김", None, 5.0],
            [None, "   ", None, None],
            [None, "이", None, 4.0],
        )
    )
    assert table.headers == ["성명", "점수"]
    assert values(table) == [["김", 5.0], ["이", 4.0]]
    assert table.header_rows == (2,)
    assert table.excel_rows.tolist() == [3, 5]
    assert table.skipped == ((1, "blank"), (4, "blank"))


def test_column_with_data_but_no_header_is_named_by_its_letter():
    table = locate_table(
        sheet(["id", "name", "age"], ["1101", "John"], ["1102", "Julie", "26", "Potatoes"], source="csv")
    )
    assert table.headers == ["id", "name", "age", "열 D"]
    assert values(table) == [["1101", "John", None, None], ["1102", "Julie", "26", "Potatoes"]]


def test_header_text_is_cleaned_and_duplicates_get_a_number():
    table = locate_table(
        sheet(["성명\n(한글)", "　점수　", "의견<br>(자유)", "점수"], ["김", 5.0, "좋음", 4.0])
    )
    assert table.headers == ["성명 (한글)", "점수", "의견 (자유)", "점수 (2)"]


def test_header_hint_breaks_the_tie_between_two_label_rows():
    rows = (["구분", "내용", "비고"], ["접수일", "민원유형", "처리일"], ["2024-01-02", "누수", "2024-01-05"])
    known = {"접수일", "민원유형", "처리일"}
    assert locate_table(sheet(*rows)).header_rows == (1,)
    hinted = locate_table(sheet(*rows), header_hint=lambda text: 1.0 if text in known else 0.0)
    assert hinted.headers == ["접수일", "민원유형", "처리일"]
    assert hinted.skipped == ((1, "title"),)


def test_sheet_without_any_label_row_keeps_every_row_under_column_letters():
    table = locate_table(sheet([1.0, 2.0], [3.0, 4.0]))
    assert table.headers == ["열 A", "열 B"]
    assert table.header_rows == () and table.excel_rows.tolist() == [1, 2]


def test_single_column_sheet_has_its_first_row_as_header():
    table = locate_table(sheet(["성명"], ["김"], ["이"]))
    assert (table.headers, table.excel_rows.tolist()) == (["성명"], [2, 3])


def test_header_cell_of_only_spaces_with_no_data_below_is_not_a_column():
    table = locate_table(sheet(["a", " \t\n", "b"], ["1", None, "2"], source="csv"))
    assert table.headers == ["a", "b"]


def test_sheet_with_nothing_but_a_title_is_empty():
    with pytest.raises(UnreadableFileError) as caught:
        locate_table(sheet(["제목만 있는 시트", None, None]))
    assert caught.value.code == "empty"


def test_header_far_down_the_window_is_found():
    rows = [[f"안내 {i}", None, None] for i in range(20)] + [["성명", "소속", "점수"], ["김", "협회", 5.0]]
    table = locate_table(sheet(*rows))
    assert table.header_rows == (21,) and table.excel_rows.tolist() == [22]


def test_large_sheet_keeps_order_and_numbers():
    rows = [["번호", "값"]] + [[float(i), f"v{i}"] for i in range(5000)] + [["합계", None]]
    table = locate_table(sheet(*rows))
    assert len(table.frame) == 5000
    assert np.array_equal(table.excel_rows, np.arange(2, 5002))
    assert table.frame.iloc[-1].tolist() == [4999.0, "v4999"]
    assert table.skipped == ((5002, "total"),)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2016.0, "2016"),
        (datetime(2024, 3, 1), "2024-03-01"),
        ("<b>만족도</b>&amp;의견", "만족도 &의견"),
        (None, ""),
    ],
)
def test_clean_header_text(value, text):
    assert clean_header_text(value) == text


# ---------------------------------------------------------------- two header rows written without merges


@pytest.mark.parametrize("source", ["csv", "xlsx"])
def test_a_question_row_over_an_option_row_is_one_header_even_when_the_answers_are_words(source):
    # A staff-tidied sheet saved as CSV: the group label once, its options below, blank under lone columns.
    table = locate_table(
        sheet(
            ["과정명", "만족도", None, None, "의견"],
            [None, "강사", "교재", "시설", None],
            ["정수처리", "매우 만족", "만족", "보통", "좋았어요"],
            ["정수처리", "만족", "만족", "보통", None],
            source=source,
        )
    )
    assert table.headers == ["과정명", "만족도 / 강사", "만족도 / 교재", "만족도 / 시설", "의견"]
    assert table.header_rows == (1, 2) and table.excel_rows.tolist() == [3, 4]


def test_korean_surveymonkey_writes_응답_under_a_question_without_options():
    table = locate_table(
        sheet(
            ["응답자 ID", "수강하신 교육과정", "다음 항목에 만족하십니까?", None, "전반적으로 만족하십니까?"],
            [None, "응답", "강사", "교재", "응답"],
            ["114343", "정수처리", "매우 만족", "만족", "만족"],
            source="csv",
        )
    )
    assert table.headers == ["응답자 ID", "수강하신 교육과정", "다음 항목에 만족하십니까? / 강사",
                             "다음 항목에 만족하십니까? / 교재", "전반적으로 만족하십니까?"]
    assert table.excel_rows.tolist() == [3]


def test_a_first_data_row_with_a_blank_answer_is_not_taken_for_an_option_row():
    # The header has an unnamed column; the first response leaves its comment blank. Still data.
    table = locate_table(
        sheet(
            ["과정명", "만족도", None, "의견"],
            ["정수처리", "매우 만족", "만족", None],
            ["정수처리", "만족", "만족", "좋았어요"],
            source="csv",
        )
    )
    assert table.headers == ["과정명", "만족도", "열 C", "의견"]
    assert table.excel_rows.tolist() == [2, 3]


# ---------------------------------------------------------------- cells merged down over data rows


def test_a_course_name_and_its_dates_merged_down_over_its_trainees_are_on_every_row():
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.append(["교육과정명", "교육시작일", "교육종료일", "성명", "수료여부"])
    ws.append(["정수처리 기본", datetime(2026, 3, 2), datetime(2026, 3, 6), "김하나", "수료"])
    ws.append([None, None, None, "이두리", "수료"])
    ws.append([None, None, None, "박세리", "미수료"])
    ws.append(["하수처리 심화", datetime(2026, 4, 6), datetime(2026, 4, 10), "최네온", "수료"])
    ws.append([None, None, None, "정다섯", "수료"])
    for col in "ABC":
        ws.merge_cells(f"{col}2:{col}4")
        ws.merge_cells(f"{col}5:{col}6")
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = locate_table(read_sheet(buffer.getvalue(), "명부.xlsx"))
    assert table.frame["교육과정명"].tolist() == ["정수처리 기본"] * 3 + ["하수처리 심화"] * 2
    assert [str(d)[:10] for d in table.frame["교육종료일"]] == ["2026-03-06"] * 3 + ["2026-04-10"] * 2
    assert table.frame["성명"].tolist() == ["김하나", "이두리", "박세리", "최네온", "정다섯"]
    assert table.excel_rows.tolist() == [2, 3, 4, 5, 6]


def test_blank_cells_that_are_not_merged_stay_blank():
    table = locate_table(sheet(["과정명", "성명"], ["정수처리", "김하나"], [None, "이두리"]))
    assert table.frame["과정명"].tolist() == ["정수처리", None]


def test_a_data_row_holding_the_word_응답_once_stays_data():
    # 응답 in one cell is a value (a call answered), not SurveyMonkey's row under its questions.
    table = locate_table(
        sheet(
            ["수신일시", "처리결과", "담당자"],
            ["2026-05-16 09:00", "응답", "김하나"],
            ["2026-05-16 09:05", "부재", "이두리"],
            source="csv",
        )
    )
    assert table.headers == ["수신일시", "처리결과", "담당자"]
    assert table.excel_rows.tolist() == [2, 3]


def test_a_header_repeated_under_the_data_is_not_a_row():
    # One block per course, each under its own copy of the header (or a header per printed page).
    header = ["교육과정명", "성명", "교육종료일", "수료여부"]
    table = locate_table(
        sheet(
            header,
            ["정수처리", "김하나", "2026-03-06", "수료"],
            ["정수처리", "이두리", "2026-03-06", "미수료"],
            [None, None, None, None],
            header,
            ["하수처리", "박세리", "2026-04-10", "수료"],
        )
    )
    assert table.excel_rows.tolist() == [2, 3, 6]
    assert (5, "header") in table.skipped


def test_a_row_naming_one_header_word_is_still_data():
    table = locate_table(
        sheet(["구분", "제목", "접수일"], ["민원", "문의", "2026-03-06"], ["문의", "제목", "2026-03-07"])
    )
    assert table.excel_rows.tolist() == [2, 3]


def test_the_statistics_under_a_surveys_responses_are_not_responses():
    table = locate_table(
        sheet(
            ["응답일시", "강사 만족도", "교재 만족도"],
            ["2026-05-01 10:00", 5, 4],
            ["2026-05-01 11:00", 3, 2],
            ["응답자 수", 2, 2],
            ["평균", 4, 3],
            ["표준편차", 1.41, 1.41],
        )
    )
    assert table.excel_rows.tolist() == [2, 3]
    assert table.skipped == ((4, "total"), (5, "total"), (6, "total"))
