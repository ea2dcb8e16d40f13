"""A header written twice, in English and in Korean (an export of a bilingual form, or a sheet translated for a
partner), through the whole pipeline, with files made here. Read as one header row and a data row, the second
label row spoils every column and the file is refused as "could not tell".
"""

from __future__ import annotations

import json

import pytest

from metrics import store
from metrics.intake.ingest import ingest_file
from tests.sheets import xlsx

EN = ["Timestamp", "Course", "The content was useful", "The instructor was clear", "Overall satisfaction"]
KO = ["타임스탬프", "교육과정명", "교육 내용은 유익하였습니까?", "강사의 설명은 충분하였습니까?", "전반적 만족도"]
DATA = [["2026-05-01 10:00", "수질분석", 5, 4, 5], ["2026-05-01 11:00", "수질분석", 3, "매우 불만족", 4]]


@pytest.mark.parametrize("header", [[EN, KO], [KO, EN]], ids=["english over korean", "korean over english"])
def test_a_header_in_english_and_in_korean_is_read_as_the_korean_header(engine, header):
    report = ingest_file(engine, xlsx(header + DATA), "s.xlsx")
    assert (report.status, report.kind) == ("imported", "trainee_survey"), report.message
    assert (report.rows_imported, report.rows_held) == (2, 0)
    assert report.mapping["교육 내용은 유익하였습니까?"] == "item" and report.mapping["전반적 만족도"] == "overall"
    stored = store.read_active(engine, "survey_responses").sort_values("excel_row")
    assert stored["excel_row"].tolist() == [3, 4]  # the data starts under both header rows
    assert [json.loads(i) for i in stored["items_json"]] == [[5, 4], [3, 1]]
    assert stored["overall"].tolist() == [5.0, 4.0]


def test_korean_answers_under_an_english_header_are_data_not_a_second_header(engine):
    rows = [["Course", "Name", "Completed", "Start", "End"],
            ["수질분석", "김하나", "수료", "3월 초", "3월 말"],  # all words, as a header would be, but answers
            ["수질분석", "이두리", "미수료", "2026-03-02", "2026-03-06"]]
    mapping = {"Course": "course", "Name": "name", "Completed": "completed", "Start": "start_date", "End": "end_date"}
    report = ingest_file(engine, xlsx(rows), "a.xlsx", kind="attendance", mapping=mapping)
    assert report.status == "imported", report.message
    # Row 2 is a trainee: counted, and held for its end date "3월 말", which has no year.
    assert (report.rows_imported, report.rows_held) == (1, 1)
    assert (2, "End", "bad_date") in [(i.row, i.column, i.code) for i in report.issues]
