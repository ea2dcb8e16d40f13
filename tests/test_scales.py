"""The scale of a survey is read from its headers or asked for, never guessed silently."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metrics import store
from metrics.intake.ingest import ingest_file, prepare
from metrics.intake.scales import ScaleEvidence, gather, rescale_rule, scale_in_header
from metrics.kpi.measures.surveys import converted_scores
from tests.sheets import xlsx

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("header", "scale"),
    [
        ("종합 만족도 (5점 만점)", 5),
        ("만족도(1~5)", 5),
        ("부스 배치 [1-5점]", 5),
        ("0~10점", 10),
        ("1=매우 불만족, 5=매우 만족", 5),
        ("1: 전혀 아니다 ~ 7: 매우 그렇다", 7),
        ("10점 척도", 10),
        ("Overall rating (out of 10)", 10),
        ("Satisfaction, 5-point scale", 5),
        ("Rate from 1 to 7", 7),
        ("2026년 종합 만족도", None),
        ("2025-2026 만족도", None),
        ("Q1-5 강사", None),
        ("응답 3개 항목", None),
        ("12점 만점", None),  # no scale anyone uses
    ],
)
def test_a_header_names_its_scale_or_none(header, scale):
    assert scale_in_header(header) == (None if scale is None else float(scale))


def test_answers_far_below_or_above_the_usual_scale_disagree_with_it():
    assert not ScaleEvidence(usual=10, answers_max=9).disagrees
    assert not ScaleEvidence(usual=10, answers_max=6).disagrees  # a low-scoring 10-point survey
    assert ScaleEvidence(usual=10, answers_max=5).disagrees and ScaleEvidence(usual=10, answers_max=5).scale == 5
    assert ScaleEvidence(usual=5, answers_max=7).disagrees and ScaleEvidence(usual=5, answers_max=7).scale == 7
    assert not ScaleEvidence(usual=5, answers_max=3).disagrees  # 3 is more than half of 5


def test_a_header_naming_the_usual_scale_agrees_and_one_naming_another_disagrees():
    assert not gather(["종합 만족도 (10점 만점)"], 9, usual=10).disagrees
    other = gather(["종합 만족도 (5점 만점)"], 5, usual=10)
    assert other.disagrees and other.scale == 5 and other.choices == (5.0, 10.0)
    mixed = gather(["강사 (1~5)", "종합 (1~10)"], 9, usual=10)
    assert mixed.disagrees and mixed.choices == (5.0, 10.0)
    beyond = gather(["종합 (1~5)"], 8, usual=5)  # answers above the scale the header names
    assert beyond.disagrees


def test_the_stated_rescaling_rule_is_the_one_the_kpis_apply():
    ko, en = rescale_rule(5, 10)
    assert "× 10 ÷ 5" in ko and "4점 → 8점" in ko
    assert "score × 10 ÷ 5 (e.g. 4 → 8)" in en
    rows = pd.DataFrame({"score": [4.0, 5.0, 1.0], "scale_max": [5.0, 5.0, 5.0]})
    values, _own = converted_scores(rows, 10.0)
    np.testing.assert_allclose(values, [8.0, 10.0, 2.0])


def test_the_kpi_definitions_state_the_rescaling_rule():
    text = " ".join((ROOT / "docs" / "kpi-definitions.md").read_text(encoding="utf-8").split())
    rule = rescale_rule(5, 10)[1].split(". The stored")[0]
    assert rule in text


# ---------------------------------------------------------------- through the pipeline


def _responses(engine) -> pd.DataFrame:
    return store.read_active(engine, "survey_responses").sort_values("excel_row")


def test_a_5_point_exhibitor_survey_is_refused_on_the_command_line_without_a_scale(engine):
    data = xlsx([["업체명", "종합 만족도"], ["A사", 4], ["B사", 4], ["C사", 3]])
    report = ingest_file(engine, data, "wk.xlsx", kind="exhibitor_survey", year=2026)
    assert report.status == "rejected"
    assert "최댓값은 4점" in str(report.message) and "highest answer is 4" in str(report.message)
    assert "--scale 5 or --scale 10" in str(report.message)
    assert store.list_uploads(engine).empty
    # Said once, it is imported on its own scale: the mean 11/3 out of 5 is 7.33 out of 10, not 3.67.
    report = ingest_file(engine, data, "wk.xlsx", kind="exhibitor_survey", year=2026, scale=5)
    assert report.status == "imported", report.message
    assert set(_responses(engine)["scale_max"]) == {5.0}


def test_a_header_naming_another_scale_is_refused_saying_which_header(engine):
    data = xlsx([["업체명", "종합 만족도 (5점 만점)"], ["A사", 4], ["B사", 5]])
    report = ingest_file(engine, data, "wk.xlsx", kind="exhibitor_survey", year=2026)
    assert report.status == "rejected"
    assert "'종합 만족도 (5점 만점)' 열은 5점 척도" in str(report.message)
    assert "the header '종합 만족도 (5점 만점)' says 5 points" in str(report.message)


def test_a_header_naming_the_usual_scale_imports_and_says_where_the_scale_came_from(engine):
    data = xlsx([["응답일시", "과정명", "전반적 만족도 (1~5)"], ["2026-05-01 10:00", "수질분석", 4],
                 ["2026-05-01 11:00", "수질분석", 5]])
    report = ingest_file(engine, data, "s.xlsx", kind="trainee_survey")
    assert report.status == "imported", report.message
    assert any("as the headers say" in note.en for note in report.notes)


def test_a_survey_without_scale_evidence_takes_its_usual_scale_and_says_so(engine):
    data = xlsx([["업체명", "종합 만족도"], ["A사", 9], ["B사", 7]])
    report = ingest_file(engine, data, "wk.xlsx", kind="exhibitor_survey", year=2026)
    assert report.status == "imported", report.message
    assert any("usual scale" in note.en and "highest answer 9" in note.en for note in report.notes)
    assert set(_responses(engine)["scale_max"]) == {10.0}


def test_the_prepared_file_carries_the_question_for_the_wizard(engine):
    data = xlsx([["업체명", "종합 만족도", "부스 만족도"], ["A사", 4, 5], ["B사", 5, 4]])
    prepared = prepare(engine, data, "wk.xlsx", kind="exhibitor_survey")
    assert prepared.scale_question is not None and prepared.scale_question.choices == (5.0, 10.0)
    from metrics.intake.canonical import UploadOptions

    chosen = prepare(engine, data, "wk.xlsx", kind="exhibitor_survey", options=UploadOptions(year=2026, scale=5))
    assert chosen.scale_question is None and set(chosen.rows["scale_max"]) == {5.0}
