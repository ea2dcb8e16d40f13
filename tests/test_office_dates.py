"""Dates as English-language survey tools export them, and dates written without their year, through the whole
pipeline, each with a file made here. An English date the intake cannot read holds its row; a date without its
year is never put in a year the upload did not name.
"""

from __future__ import annotations

import pandas as pd

from metrics import store
from metrics.intake.ingest import ingest_file
from tests.sheets import csv, xlsx


def _stored(engine, table: str) -> pd.DataFrame:
    return store.read_active(engine, table).sort_values("excel_row").reset_index(drop=True)


def test_english_month_names_as_survey_tools_export_them_are_read_as_dates(engine):
    rows = [
        ["접수번호", "업무구분", "접수일", "처리일"],
        ["C-1", "기술지원 요청", "Mar 4, 2026", "March 10 2026"],  # SurveyMonkey, Microsoft Forms
        ["C-2", "홈페이지 문의", "4-Mar-2026", "06-Mar-26"],  # Excel's d-mmm-yyyy and d-mmm-yy in English
        ["C-3", "인증민원", "Wednesday, March 4, 2026", "Sept 30, 2026 2:30 PM"],  # a long date; a time
    ]
    report = ingest_file(engine, csv(rows), "cases.csv", kind="cases")
    assert report.status == "imported", report.message
    assert (report.rows_imported, report.rows_held, report.issues) == (3, 0, [])
    stored = _stored(engine, "cases")
    assert [str(d)[:10] for d in stored["received"]] == ["2026-03-04", "2026-03-04", "2026-03-04"]
    assert [str(d)[:10] for d in stored["completed"]] == ["2026-03-10", "2026-03-06", "2026-09-30"]


def test_a_date_without_its_year_is_a_finding_that_says_so_when_no_year_is_given(engine):
    rows = [
        ["접수번호", "업무구분", "접수일", "처리일"],
        ["C-1", "기술지원 요청", "3/4(화)", "2026-03-10"],
        ["C-2", "홈페이지 문의", "Mar 5", "2026-03-10"],
        ["C-3", "인증민원", "2026-03-06", "2026-03-10"],
    ]
    report = ingest_file(engine, xlsx(rows), "처리대장.xlsx", kind="cases")
    assert (report.rows_imported, report.rows_held) == (1, 2)
    assert [(i.row, i.column, i.code) for i in report.issues] == [(2, "접수일", "bad_date"), (3, "접수일", "bad_date")]
    assert all("연도가 없는 날짜" in i.message.ko and "without its year" in i.message.en for i in report.issues)


def test_a_date_without_its_year_is_read_in_the_year_the_upload_names(engine):
    rows = [
        ["응답일시", "교육과정명", "전반적 만족도"],
        ["3/4(화) 10:00", "수질분석", 5],
        ["3월 5일", "수질분석", 4],
        ["Mar 6", "수질분석", 3],
    ]
    report = ingest_file(engine, xlsx(rows), "s.xlsx", kind="trainee_survey", year=2025)
    assert report.status == "imported", report.message
    assert (report.rows_imported, report.rows_held, report.issues) == (3, 0, [])
    stored = _stored(engine, "survey_responses")
    assert [str(d)[:16] for d in stored["response_date"]] == ["2025-03-04 10:00", "2025-03-05 00:00",
                                                              "2025-03-06 00:00"]
    assert stored["year"].tolist() == [2025, 2025, 2025]
