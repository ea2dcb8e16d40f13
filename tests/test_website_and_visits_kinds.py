"""Website review (charter Ⅲ.1.3.a) and customer visits (Ⅲ.2), issue 14: each a yes/no log whose KPIs are the
share of rows meeting every recorded item; the numbers below are worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from metrics import store
from metrics.intake.ingest import ingest_file
from metrics.kpi.scorecard import compute_scorecard
from tests.sheets import csv

PAGES = [
    ["메뉴(페이지)", "최종 수정일", "점검일", "최신 여부"],
    ["인증 수수료", "2025-05-02", "2025-06-20", "O"],
    ["교육 일정", "2024-01-10", "2025-06-20", "X"],
    ["공지사항", "2025-06-18", "2025-06-20", "예"],
    ["자료실", "2025-03-01", "2025-12-19", "Y"],
    ["채용 정보", "2025-02-01", "2025-12-19", ""],  # 최신 여부 is required: held back
]
VISITS = [
    ["방문일", "방문처", "방문 목적", "사전 연락", "결과 설명", "명함 전달"],
    ["2025-02-11", "수원시 상하수도사업소", "인증 현장심사", "O", "O", "O"],
    ["2025-04-08", "(주)부강테크", "기술지원 협의", "X", "O", "X"],
    ["2025-07-15", "김해시 수도과", "교육 수요 협의", "O", "O", ""],  # card not recorded: counts on the result
    ["2025-09-02", "한국환경공단", "성과평가 현장 확인", "", "X", "O"],  # call not recorded: left out of Ⅲ.2.a
]


def test_website_review_rows_are_stored_and_a_missing_verdict_is_held_back(engine):
    report = ingest_file(engine, csv(PAGES), "홈페이지점검.csv", kind="website_review")
    assert (report.rows_imported, report.rows_held) == (4, 1), report.message
    assert [(i.row, i.code) for i in report.issues] == [(6, "missing_required")]
    stored = store.read_active(engine, "website_review").sort_values("page")
    assert stored["up_to_date"].tolist() == [True, False, True, True]  # 공지사항, 교육 일정, 인증 수수료, 자료실


def test_customer_visits_are_stored_with_blank_items_not_recorded(engine):
    report = ingest_file(engine, csv(VISITS), "방문.csv", kind="customer_visits")
    assert (report.rows_imported, report.rows_held) == (4, 0), report.message
    stored = store.read_active(engine, "customer_visits").sort_values("visited")
    assert stored["called_ahead"].isna().tolist() == [False, False, False, True]
    assert stored["card_given"].isna().tolist() == [False, False, True, False]


@pytest.mark.parametrize(("kpi_id", "met", "counted", "status"), [
    ("cs.website_current", 3, 4, "not_met"),  # 교육 일정 out of date
    ("cs.visit_called_ahead", 2, 3, "not_met"),  # the Sept visit not recorded
    ("cs.visit_results_card", 2, 4, "not_met"),  # April: no card; Sept: results not explained
])
def test_website_and_visit_kpis_are_the_share_meeting_every_recorded_item(engine, kpi_id, met, counted, status):
    assert ingest_file(engine, csv(PAGES), "홈페이지점검.csv", kind="website_review").ok
    assert ingest_file(engine, csv(VISITS), "방문.csv", kind="customer_visits").ok
    result = next(r for r in compute_scorecard(engine, 2025, today=date(2026, 2, 1)) if r.id == kpi_id)
    assert (result.numerator, result.denominator, result.status) == (met, counted, status)


def test_a_pages_age_at_the_review_is_stored_and_judged_against_six_months(engine):
    pages = [*PAGES[:-1], ["찾아오시는 길", "", "2025-12-19", "O"]]  # last update not known: left out
    assert ingest_file(engine, csv(pages), "홈페이지점검.csv", kind="website_review").ok
    stored = store.read_active(engine, "website_review").set_index("page")
    # 인증 수수료 2 May -> 20 Jun: 49 days; 교육 일정 10 Jan 2024 -> 20 Jun 2025: 527; 공지사항 2; 자료실 1 Mar -> 19 Dec: 293
    assert stored["days_since_update"].to_dict() == pytest.approx(
        {"인증 수수료": 49.0, "교육 일정": 527.0, "공지사항": 2.0, "자료실": 293.0, "찾아오시는 길": float("nan")},
        nan_ok=True)
    result = next(r for r in compute_scorecard(engine, 2025, today=date(2026, 2, 1)) if r.id == "cs.website_updated")
    # at most 183 days: 인증 수수료 and 공지사항 of the four with a date; 자료실 was up to date yet 293 days old
    assert (result.numerator, result.denominator, result.status) == (2, 4, "not_met")
