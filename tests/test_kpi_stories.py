"""KPI stories: monthly series, case lists, distributions, question means and unmatched courses."""

from datetime import date, datetime

import pandas as pd
import pytest

from metrics.kpi.details.cases import case_list, days_histogram
from metrics.kpi.details.counts import unmatched_courses
from metrics.kpi.details.surveys import (
    course_breakdown,
    likert_distribution,
    question_means,
    rating_distribution,
)
from metrics.kpi.registry import load_registry
from metrics.kpi.stories import kpi_story, monthly_series, story_from_frames
from metrics.store import UploadMeta, file_sha256, import_rows
from metrics.store.frames import frames_from_dict

REGISTRY = load_registry()
TODAY = date(2026, 11, 27)
# Judging 2025 on 10 January 2026, before r4's deadline (19 Jan): r4 is still pending.
EARLY_2026 = date(2026, 1, 10)


def case_frames():
    log = pd.DataFrame(
        [
            ("r1", "cert_review", "2025-03-10", "2025-03-12", None),  # Mon-Wed: 3 days, met (March)
            ("r2", "cert_review", "2025-03-17", "2025-04-08", None),  # 17-21 (5), 24-28 (10), 31-4 Apr (15), 7-8 (17): late by 2
            ("r3", "cert_review", "2025-05-07", "2025-05-07", None),  # 1 day, met (May)
            ("r4", "cert_review", "2025-12-29", None, None),  # deadline 19 Jan 2026: pending on 10 Jan 2026
            ("r5", "cert_review", "2025-11-03", None, None),  # open past its deadline: overdue
        ],
        columns=["ref", "case_type", "received", "completed", "interim"],
    )
    return frames_from_dict(2025, {"cases": log})


def test_monthly_series_measures_each_month_of_receipt():
    months = monthly_series(REGISTRY.get("cert.review_15d"), case_frames(), EARLY_2026).set_index("month")
    # March: r1 met, r2 late -> 1/2; May: r3 met -> 1/1; November: r5 overdue -> 0/1; December: r4 pending only.
    assert months.loc[3, "value"] == 0.5 and months.loc[5, "value"] == 1.0 and months.loc[11, "value"] == 0.0
    assert pd.isna(months.loc[12, "value"]) and months.loc[12, "pending"] == 1
    assert pd.isna(months.loc[1, "value"]) and months.loc[1, "n"] == 0
    assert list(months.index) == list(range(1, 13))


def test_monthly_series_of_a_count_accumulates():
    ev = pd.DataFrame({"event_type": ["workshop"] * 3, "date": ["2025-02-01", "2025-02-20", "2025-07-01"],
                       "participant_groups": "contractor,local_gov"})
    months = monthly_series(REGISTRY.get("eval.workshop"), frames_from_dict(2025, {"events": ev}), TODAY).set_index("month")
    # February 2, July 1 -> cumulative 2 by February, 3 from July.
    assert months.loc[2, "value"] == 2 and months.loc[6, "cumulative"] == 2 and months.loc[12, "cumulative"] == 3


def test_case_list_shows_late_overdue_and_pending_with_days_over():
    listed = case_list(REGISTRY.get("cert.review_15d"), case_frames(), EARLY_2026).set_index("ref")
    assert sorted(listed.index) == ["r2", "r4", "r5"]
    assert listed.loc["r2", "state"] == "late" and listed.loc["r2", "days_over"] == 2  # 17 - 15
    # r4: Mon 29 Dec (1), 30, 31 (3), 1 Jan holiday, 2 Jan (4), 5-9 (9), 12-16 (14), Mon 19 Jan (15).
    assert listed.loc["r4", "state"] == "pending" and listed.loc["r4", "deadline"] == pd.Timestamp("2026-01-19")
    assert listed.loc["r5", "state"] == "overdue"


def test_a_past_case_still_open_after_its_deadline_is_overdue_when_judged_later():
    listed = case_list(REGISTRY.get("cert.review_15d"), case_frames(), TODAY).set_index("ref")
    # r4's deadline (19 Jan 2026) has passed by 27 Nov 2026 and it is still open.
    assert listed.loc["r4", "state"] == "overdue"


def test_days_histogram_counts_completed_cases_by_days_taken():
    hist = days_histogram(REGISTRY.get("cert.review_15d"), case_frames(), EARLY_2026)
    # r3 took 1, r1 took 3, r2 took 17; open cases have no days yet.
    assert hist.to_dict("list") == {"days": [1, 3, 17], "count": [1, 1, 1], "within": [True, True, False]}
    assert hist.attrs["deadline"] == 15


def trainee_survey() -> pd.DataFrame:
    return pd.DataFrame({
        "kind": "trainee_survey",
        "upload_id": [1, 1, 1, 2],
        "score": [4.5, 3.0, 5.0, 2.0],
        "overall": [None, 3.0, 5.0, None],
        "scale_max": 5.0,
        "course": ["수질분석", "수질분석", "관로관리", "관로관리"],
        "course_key": ["수질분석", "수질분석", "관로관리", "관로관리"],
        "items_json": ["[4,5]", "[2,null]", "[5,5]", "[2,2]"],
    })


def questions() -> pd.DataFrame:
    # Upload 2 asks the same questions in the other order.
    return pd.DataFrame({"upload_id": [1, 1, 2, 2], "position": [0, 1, 0, 1], "text": ["강사", "교재", "교재", "강사"]})


def test_question_means_are_matched_by_text_and_listed_lowest_first():
    got = question_means(trainee_survey(), questions(), 5.0)
    # 강사: 4, 2, 5 (upload 1, first item) + 2 (upload 2, second item) = 13 / 4 = 3.25
    # 교재: 5, 5 (upload 1, second; the null skipped) + 2 (upload 2, first) = 12 / 3 = 4.0
    assert got["question"].tolist() == ["강사", "교재"]
    assert got["mean"].tolist() == [3.25, 4.0] and got["n"].tolist() == [4, 3]


def test_likert_distribution_counts_each_rating_per_question():
    got = likert_distribution(trainee_survey(), questions())
    teacher = got[got["question"] == "강사"].set_index("rating")["count"].to_dict()
    assert teacher == {2.0: 2, 4.0: 1, 5.0: 1}


def test_rating_distribution_uses_the_overall_answer_else_the_rounded_item_mean():
    got = rating_distribution(trainee_survey()).set_index("rating")["count"].to_dict()
    # overall 3 and 5; item means 4.5 -> 5 (half up) and 2.0 -> 2
    assert got == {2.0: 1, 3.0: 1, 5.0: 2}


def test_course_breakdown_lists_courses_lowest_mean_first():
    got = course_breakdown(REGISTRY.get("edu.satisfaction"), trainee_survey())
    # 관로관리: (5 + 2) / 2 = 3.5, one satisfied of 2; 수질분석: (4.5 + 3) / 2 = 3.75, one of 2
    assert got["course"].tolist() == ["관로관리", "수질분석"]
    assert got["mean"].tolist() == [3.5, 3.75] and got["satisfied_share"].tolist() == [0.5, 0.5]


def test_course_breakdowns_put_the_spellings_of_a_course_together_as_the_kpi_does():
    survey = trainee_survey().assign(course=["수질 분석", "수질분석", "관로관리", "관로 관리"],
                                     course_key=["수질분석", "수질분석", "관로관리", "관로관리"])
    got = course_breakdown(REGISTRY.get("edu.satisfaction"), survey)
    # Each course once, named as first written: 관로관리 (5 + 2) / 2 = 3.5; 수질 분석 (4.5 + 3) / 2 = 3.75.
    assert got[["course", "n", "mean"]].values.tolist() == [["관로관리", 2, 3.5], ["수질 분석", 2, 3.75]]
    att = pd.DataFrame({"trainee_id": ["a", "b", "c"], "course": ["수질 분석", "수질분석", "안전관리"],
                        "course_key": ["수질분석", "수질분석", "안전관리"],
                        "end_date": ["2025-03-01", "2025-09-01", "2025-04-01"], "completed": [True, True, False]})
    story = story_from_frames(REGISTRY.get("edu.trainees"), frames_from_dict(2025, {"attendance": att}), TODAY)
    assert story.breakdown.values.tolist() == [["수질 분석", 2, 2, 2], ["안전관리", 1, 0, 0]]


def test_unmatched_courses_lists_both_sides():
    att = pd.DataFrame({"trainee_id": ["a", "b"], "course": ["수질분석", "안전관리"], "course_key": ["수질분석", "안전관리"],
                        "end_date": ["2025-03-01", "2025-04-01"], "completed": [True, True]})
    frames = frames_from_dict(2025, {"attendance": att, "trainee_survey": trainee_survey()})
    got = unmatched_courses(REGISTRY.get("edu.feedback_per_course"), frames, TODAY)
    assert got[["side", "name"]].values.tolist() == [["course_without_feedback", "안전관리"], ["survey_without_course", "관로관리"]]


def test_a_story_from_frames_fills_only_the_parts_that_apply():
    story = story_from_frames(REGISTRY.get("cert.review_15d"), case_frames(), EARLY_2026)
    assert story.result.value == pytest.approx(2 / 4)  # r1, r3 met; r2 late; r5 overdue
    assert len(story.cases) == 3 and story.questions.empty and story.likert.empty
    assert "cert.review_15d" in story.breakdown["id"].tolist()


def test_kpi_story_reads_the_store_with_question_texts_and_a_year_series(engine):
    for year, scores in ((2024, [3.0, 4.0]), (2025, [4.0, 5.0, 5.0])):
        rows = pd.DataFrame({
            "kind": "future_talent_survey", "year": year,
            "response_date": [datetime(year, 6, 1 + i) for i in range(len(scores))],
            "course": "미래과정", "course_key": "미래과정", "company": None,
            "overall": scores, "score": scores, "scale_max": 5.0,
            "items_json": [f"[{s:g},3]" for s in scores], "comments": None,
        })
        meta = UploadMeta(filename=f"{year}.xlsx", sha256=file_sha256(str(year).encode()), kind="future_talent_survey",
                          questions=("교육 내용", "시설"))
        import_rows(engine, meta, rows)
    story = kpi_story(engine, "ft.satisfaction", 2025, today=TODAY)
    assert story.years[["year", "value"]].values.tolist() == [[2024, 3.5], [2025, pytest.approx(14 / 3)]]
    # 시설 is always 3 (lowest); 교육 내용 = (4 + 5 + 5) / 3
    assert story.questions["question"].tolist() == ["시설", "교육 내용"]
    assert story.months.set_index("month").loc[6, "n"] == 3
