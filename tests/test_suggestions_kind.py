"""Suggestions (issue 14, charter Ⅲ.3.a and the 반영 part of Ⅱ.5.c): each suggestion with the decision taken on it.
The decision is stored as its code and as `reflected` (반영 and 부분 반영 yes, 미반영 no, 검토 중 or blank: not yet
decided, left out of the share); the shares below are worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from metrics import store
from metrics.intake.ingest import ingest_file
from metrics.kpi.scorecard import compute_scorecard
from tests.sheets import csv

HEADER = ["접수번호", "접수일", "접수경로", "의견 요지", "반영 여부", "결정일"]
SHEET = [
    HEADER,
    ["제안-01", "2025-02-03", "홈페이지", "자료실 검색 개선", "반영", "2025-02-20"],
    ["제안-02", "2025-03-10", "전화", "문자 안내 요청", "부분 반영", "2025-04-01"],
    ["제안-03", "2025-04-02", "서면", "설명회 지역 개최", "미반영", "2025-04-30"],
    ["제안-04", "2025-11-20", "방문", "주차 안내", "검토 중", ""],
    ["제안-05", "2025-05-12", "교육 만족도 조사", "실습 시간 확대", "반영", "2025-06-02"],
    ["제안-06", "2025-06-16", "설문", "교재 사전 배포", "미반영", "2025-07-01"],
    ["제안-07", "2025-07-01", "교육 설문", "온라인 과정", "", ""],  # no decision yet: under review
    ["제안-08", "2025-08-01", "팩스", "?", "반영", "2025-08-05"],  # no such channel: held back
    ["제안-09", "2025-08-04", "홈페이지", "결정일이 접수일보다 앞섬", "반영", "2025-08-01"],  # held back
]


def test_suggestions_are_stored_with_the_decision_and_whether_it_was_acted_on(engine):
    report = ingest_file(engine, csv(SHEET), "개선의견.csv", kind="suggestions")
    assert report.status == "imported", report.message
    assert (report.rows_imported, report.rows_held) == (7, 2)
    assert sorted((i.row, i.code) for i in report.issues) == [(9, "unknown_type"), (10, "completed_before_received")]
    stored = store.read_active(engine, "suggestions").sort_values("ref")
    assert stored["via"].tolist() == ["web", "phone", "letter", "visit", "course_survey", "course_survey", "course_survey"]
    assert stored["decision"].tolist() == ["adopted", "partly", "rejected", "pending", "adopted", "rejected", "pending"]
    assert stored["reflected"].tolist()[:3] == [True, True, False]
    assert stored["reflected"].isna().tolist() == [False, False, False, True, False, False, True]


@pytest.mark.parametrize(("kpi_id", "met", "decided", "status"), [
    ("cs.suggestions_reflected", 3, 5, "not_met"),  # every channel: 01, 02, 05 acted on; 03, 06 not; 04, 07 open
    ("ft.suggestions_reflected", 1, 2, "not_met"),  # course surveys: 05 adopted, 06 not, 07 under review
])
def test_the_reflected_share_counts_decided_suggestions_only(engine, kpi_id, met, decided, status):
    assert ingest_file(engine, csv(SHEET), "개선의견.csv", kind="suggestions").ok
    result = next(r for r in compute_scorecard(engine, 2025, today=date(2026, 2, 1)) if r.id == kpi_id)
    assert (result.numerator, result.denominator, result.status) == (met, decided, status)
    assert [n.code for n in result.notes] == ["not_checked_left_out"]
