"""A survey without a date column takes its year from its sheet or file name when that names one year."""

from __future__ import annotations

from metrics.intake import ingest
from metrics.intake.canonical import UploadOptions
from tests.sheets import xlsx

HEADER = ["업체명", "종합 만족도", "전시장 시설 만족도"]
ROWS = [["(주)가람플랜트", 8, 7], ["(주)그린계측", 9, 8]]


def test_an_exhibitor_survey_named_for_its_year_imports_under_that_year():
    prepared = ingest.prepare(None, xlsx([HEADER, *ROWS], sheet="2026 만족도"), "참가기업 설문.xlsx",
                              kind="exhibitor_survey")
    assert prepared.rows_held == 0 and prepared.rows["year"].tolist() == [2026, 2026]
    assert prepared.options.year == 2026
    assert any("시트 이름('2026 만족도')에서 2026년" in note.ko for note in prepared.notes)


def test_the_file_name_is_asked_when_the_sheet_name_has_no_year():
    prepared = ingest.prepare(None, xlsx([HEADER, *ROWS]), "exhibitor_survey_2025.xlsx", kind="exhibitor_survey")
    assert prepared.rows["year"].tolist() == [2025, 2025]
    assert any("file name ('exhibitor_survey_2025.xlsx')" in note.en for note in prepared.notes)


def test_two_years_in_the_names_are_no_hint_and_the_rows_wait_for_a_year():
    prepared = ingest.prepare(None, xlsx([HEADER, *ROWS], sheet="2025-2026"), "survey.xlsx", kind="exhibitor_survey")
    assert prepared.rows.empty and {i.code for i in prepared.issues} == {"no_year"}


def test_a_year_given_at_upload_wins_over_the_names():
    options = UploadOptions(year=2024)
    prepared = ingest.prepare(None, xlsx([HEADER, *ROWS], sheet="2026 만족도"), "s.xlsx", kind="exhibitor_survey",
                              options=options)
    assert prepared.rows["year"].tolist() == [2024, 2024] and not any("2026" in str(n) for n in prepared.notes)
