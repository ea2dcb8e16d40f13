"""Remedies (issue 14, charter Ⅲ.4): each complaint about staff with the apology, the cause, the action, the
compensation and the staff training. No action written down is a miss; a blank apology is not recorded."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from metrics import store
from metrics.intake.ingest import ingest_file
from metrics.intake.service_kinds import compensated
from metrics.kpi.scorecard import compute_scorecard
from tests.sheets import csv

HEADER = ["민원번호", "접수일", "사과 여부", "원인 파악", "조치 내용", "보상 내용", "직원 교육일"]
SHEET = [
    HEADER,
    ["불만-01", "2025.03.04", "O", "O", "응대 매뉴얼 재교육", "", "2025.03.20"],
    ["불만-02", "2025.05.12", "X", "O", "연결 절차 개선", "수강료 일부 환불", ""],
    ["불만-03", "2025.07.01", "O", "O", "", "", ""],  # cause found, nothing done: a miss
    ["불만-04", "2025.09.09", "", "X", "담당자 변경", "", "2025.09.30"],  # apology not recorded
    ["", "2025.10.01", "O", "O", "안내문 수정", "", ""],  # no complaint reference: held back
]


def test_remedies_are_stored_with_the_action_taken_derived_from_the_action(engine):
    report = ingest_file(engine, csv(SHEET, encoding="cp949"), "시정보상.csv", kind="remedies")
    assert report.status == "imported", report.message
    assert (report.rows_imported, report.rows_held) == (4, 1)
    assert [(i.row, i.code) for i in report.issues] == [(6, "missing_required")]
    stored = store.read_active(engine, "remedies").sort_values("ref")
    assert stored["action_taken"].tolist() == [True, True, False, True]
    assert stored["apology"].isna().tolist() == [False, False, False, True]
    assert stored["training_on"].notna().tolist() == [True, False, False, True]


@pytest.mark.parametrize(("kpi_id", "met", "counted"), [
    ("cs.remedy_apology", 2, 3),  # 02 no apology; 04 not recorded, left out
    ("cs.remedy_cause_action", 2, 4),  # 03 nothing done, 04 cause not found
])
def test_each_remedy_kpi_is_the_share_of_complaints_put_right(engine, kpi_id, met, counted):
    assert ingest_file(engine, csv(SHEET, encoding="cp949"), "시정보상.csv", kind="remedies").ok
    result = next(r for r in compute_scorecard(engine, 2025, today=date(2026, 2, 1)) if r.id == kpi_id)
    assert (result.numerator, result.denominator, result.status) == (met, counted, "not_met")


COMPENSATION = [
    ["민원번호", "접수일", "사과 여부", "원인 파악", "조치 내용", "보상 대상", "보상 내용", "직원 교육일"],
    ["불만-11", "2025.03.04", "O", "O", "응대 재교육", "O", "수강료 일부 환불", "2025.03.20"],  # due and given
    ["불만-12", "2025.04.01", "O", "O", "연결 절차 개선", "O", "", "2025.04.15"],  # due, nothing written: a miss
    ["불만-13", "2025.05.02", "O", "O", "안내문 수정", "X", "", "2025.05.09"],  # not due: left out
    ["불만-14", "2025.06.10", "O", "O", "담당자 변경", "", "교재 무상 제공", "2025.06.30"],  # written: due and given
    ["불만-15", "2025.07.01", "O", "O", "회신 알림 설정", "", "", "2025.07.08"],  # neither: nothing to judge
]


def test_compensation_is_judged_only_where_it_was_due():
    due = pd.Series([True, True, False, None, None], dtype="boolean")
    written = pd.Series(["환불", None, None, "교재", None], dtype="object")
    assert compensated(due, written).astype("object").where(lambda s: s.notna(), None).tolist() == [
        True, False, None, True, None]


def test_the_compensation_kpi_counts_the_complaints_where_compensation_was_due(engine):
    assert ingest_file(engine, csv(COMPENSATION, encoding="cp949"), "보상.csv", kind="remedies").ok
    stored = store.read_active(engine, "remedies").sort_values("ref")
    assert stored["compensation_due"].isna().tolist() == [False, False, False, True, True]
    result = next(r for r in compute_scorecard(engine, 2025, today=date(2026, 2, 1)) if r.id == "cs.remedy_compensation")
    # 11 and 14 given, 12 due and not given; 13 not due and 15 saying nothing are left out
    assert (result.numerator, result.denominator, result.status) == (2, 3, "not_met")
    assert result.extra["not_checked"] == 2
