"""Answers whose scale is in their wording: 7-point agreement scales, "4/5", stars, through the whole pipeline,
each with a file made here. A 7-point answer read on a 5-point scale, or a "4/10" read as 4 of 5, moves the
score without a word; these files must be read on their own scale, or the scale asked.
"""

from __future__ import annotations

import json

import pandas as pd

from metrics import store
from metrics.intake.ingest import ingest_file
from tests.sheets import xlsx

HEAD = ["응답일시", "교육과정명", "교육 내용에 만족한다", "강사는 친절하였다"]


def _stored(engine) -> pd.DataFrame:
    return store.read_active(engine, "survey_responses").sort_values("excel_row").reset_index(drop=True)


def _survey(answers: list[tuple[object, object]], head: list[str] = HEAD) -> bytes:
    return xlsx([head] + [[f"2026-05-01 {10 + i}:00", "수질분석", a, b] for i, (a, b) in enumerate(answers)])


SEVEN_POINT = [("매우 그렇다", "그렇다"), ("약간 그렇다", "보통이다"), ("약간 그렇지 않다", "그렇지 않다"),
               ("전혀 그렇지 않다", "약간 만족")]


def test_a_seven_point_agreement_scale_is_not_read_on_five_points_without_being_asked(engine):
    report = ingest_file(engine, _survey(SEVEN_POINT), "s.xlsx", kind="trainee_survey")
    # "그렇다" and "약간 그렇다" on one file: two points, so 7 of them; the usual scale is 5, so the person says it.
    assert report.status == "rejected"
    assert report.message.code == "scale_unclear"
    assert "7점 척도" in report.message.ko and "--scale 7" in report.message.en
    assert "the highest answer is 7" in report.message.en  # 매우 그렇다 read on the 7 points its wordings say
    assert store.read_active(engine, "survey_responses").empty


def test_seven_point_agreement_wordings_are_read_as_one_to_seven_on_seven_points(engine):
    report = ingest_file(engine, _survey(SEVEN_POINT), "s.xlsx", kind="trainee_survey", scale=7)
    assert report.status == "imported", report.message
    assert (report.rows_imported, report.rows_held) == (4, 0)
    stored = _stored(engine)
    # 매우 그렇다 7, 그렇다 6 | 약간 그렇다 5, 보통이다 4 | 약간 그렇지 않다 3, 그렇지 않다 2 | 전혀 그렇지 않다 1, 약간 만족 5
    assert [json.loads(i) for i in stored["items_json"]] == [[7, 6], [5, 4], [3, 2], [1, 5]]
    assert stored["score"].tolist() == [6.5, 4.5, 2.5, 3.0]
    assert stored["scale_max"].tolist() == [7.0] * 4


def test_plain_wordings_of_a_seven_point_survey_are_read_on_seven_points(engine):
    head = ["응답일시", "교육과정명", "교육 내용에 만족한다 (7점 척도)", "강사는 친절하였다 (7점 척도)"]
    report = ingest_file(engine, _survey([("매우 만족", "그렇다"), ("보통", "불만족")], head), "s.xlsx",
                         kind="trainee_survey", scale=7)
    assert report.status == "imported", report.message
    # On 7 points: 매우 만족 7, 그렇다 6 | 보통 4, 불만족 2 (on 5 points they would be 5, 4 | 3, 2)
    assert [json.loads(i) for i in _stored(engine)["items_json"]] == [[7, 6], [4, 2]]


def test_a_slightly_wording_alone_leaves_the_scale_to_the_person(engine):
    # 매우 불만족 / 약간 불만족 / 보통 / 약간 만족 / 매우 만족 is a 5-point scale, and 약간 만족 is 5 of 7 on a 7-point one.
    answers = [("매우 만족", "약간 만족"), ("보통", "약간 불만족")]
    report = ingest_file(engine, _survey(answers), "s.xlsx", kind="trainee_survey")
    assert report.status == "rejected" and report.message.code == "scale_unclear"
    assert "--scale 7 or --scale 5" in report.message.en
    report = ingest_file(engine, _survey(answers), "s.xlsx", kind="trainee_survey", scale=5)
    assert report.status == "imported", report.message
    # On 5 points: 매우 만족 5, 약간 만족 4 | 보통 3, 약간 불만족 2
    assert [json.loads(i) for i in _stored(engine)["items_json"]] == [[5, 4], [3, 2]]


def test_plain_five_point_wordings_are_still_read_on_five_points_without_a_question(engine):
    report = ingest_file(engine, _survey([("매우 만족", "그렇다"), ("보통이다", "전혀 그렇지 않다")]), "s.xlsx",
                         kind="trainee_survey")
    assert report.status == "imported", report.message
    assert [json.loads(i) for i in _stored(engine)["items_json"]] == [[5, 4], [3, 1]]


# ---------------------------------------------------------------- ratings written with their scale: 4/5, stars


def test_ratings_written_over_their_scale_are_read_as_their_number(engine):
    answers = [("4/5", "★★★★☆"), ("5점 만점에 3점", "4 (만족)"), ("2점/5점", "★★☆☆☆"), ("만족 (4/5)", "5 out of 5")]
    report = ingest_file(engine, _survey(answers), "s.xlsx", kind="trainee_survey")
    assert report.status == "imported", report.message
    assert (report.rows_imported, report.rows_held) == (4, 0)
    assert report.mapping["교육 내용에 만족한다"] == "item" and report.mapping["강사는 친절하였다"] == "item"
    stored = _stored(engine)
    assert [json.loads(i) for i in stored["items_json"]] == [[4, 4], [3, 4], [2, 2], [4, 5]]
    assert stored["score"].tolist() == [4.0, 3.5, 2.0, 4.5]
    assert "scale_from_answers_written" in [n.code for n in report.notes]


def test_a_rating_written_over_another_scale_is_a_finding_and_not_its_number(engine):
    answers = [("4/5", "5/5"), ("4/10", "3/5"), ("☆☆☆☆☆", "2/5")]
    report = ingest_file(engine, _survey(answers), "s.xlsx", kind="trainee_survey")
    assert report.status == "imported", report.message
    found = {(i.column, i.value): i.code for i in report.issues}
    # 4 of 10 is not 4 of 5, and no star of five is below the lowest point, 1.
    assert found == {("교육 내용에 만족한다", "4/10"): "out_of_scale", ("교육 내용에 만족한다", "☆☆☆☆☆"): "out_of_scale"}
    assert report.rows_imported == 1


def test_answers_all_written_out_of_ten_on_a_five_point_survey_ask_the_scale(engine):
    answers = [("8/10", "9/10"), ("6/10", "10/10")]
    report = ingest_file(engine, _survey(answers), "s.xlsx", kind="trainee_survey")
    assert report.status == "rejected" and report.message.code == "scale_unclear"
    assert "'8/10'" in report.message.ko and "--scale 10" in report.message.en
    report = ingest_file(engine, _survey(answers), "s.xlsx", kind="trainee_survey", scale=10)
    assert report.status == "imported", report.message
    assert [json.loads(i) for i in _stored(engine)["items_json"]] == [[8, 9], [6, 10]]
