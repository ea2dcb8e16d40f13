"""Survey KPIs: means with t intervals, shares with Wilson intervals, scales, and course coverage."""

import math
from datetime import date

import pandas as pd
import pytest

from metrics.kpi.registry import load_registry
from metrics.kpi.scorecard import compute_from_frames
from metrics.store.frames import frames_from_dict

REGISTRY = load_registry()
Z95 = 1.959964  # normal quantile, from the table


def survey(kind: str, scores, scale_max=5.0, courses=None) -> pd.DataFrame:
    n = len(scores)
    scale = scale_max if isinstance(scale_max, list) else [scale_max] * n
    course = courses or [None] * n
    return pd.DataFrame({"kind": kind, "score": scores, "scale_max": scale, "course": course, "course_key": course})


def result(kpi_id: str, year: int = 2025, today: date = date(2026, 11, 27), **frames):
    [r] = compute_from_frames(frames_from_dict(year, frames), year, today, REGISTRY.only(kpi_id))
    return r


def test_exhibitor_mean_carries_a_t_interval_and_a_small_sample_flag():
    r = result("wk.exhibitor_score", exhibitor_survey=survey("exhibitor_survey", [8, 7, 9, 6, 8], 10.0))
    # mean 38/5 = 7.6; squares of deviations .16 + .36 + 1.96 + 2.56 + .16 = 5.2; sd = sqrt(5.2/4) = 1.140175;
    # t(0.975, 4) = 2.776445 (table); half = 2.776445 * 1.140175 / sqrt(5) = 1.415705.
    assert r.value == pytest.approx(7.6)
    assert r.ci_low == pytest.approx(7.6 - 1.415705, abs=1e-5)
    assert r.ci_high == pytest.approx(7.6 + 1.415705, abs=1e-5)
    # 7.6 >= 7.5 but the interval reaches below 7.5: met, not conclusive; 5 < 30 responses.
    assert (r.status, r.conclusive, r.small_sample, r.n) == ("met", False, True, 5)
    assert [(n.code, n.en) for n in r.notes] == [("small_sample", "small sample: 5 responses (under 30)")]


def test_a_five_point_exhibitor_survey_is_converted_to_ten_points_and_says_so():
    frame = survey("exhibitor_survey", [4, 5, 7], [5.0, 5.0, 10.0])
    r = result("wk.exhibitor_score", exhibitor_survey=frame)
    # 4 -> 8 and 5 -> 10 on 10 points (x * 10 / 5); with the 7 given on 10: (8 + 10 + 7) / 3 = 8.3333
    assert r.value == pytest.approx(25 / 3)
    assert [n.code for n in r.notes] == ["scale_converted", "small_sample"]
    assert str(r.notes[0]) == "5점 척도 응답 2건을 10점으로 환산(×2) / 2 responses on a 5-point scale converted to 10 points"


def test_a_single_response_has_no_interval_and_no_certainty():
    r = result("ft.satisfaction", future_talent_survey=survey("future_talent_survey", [4.5]))
    assert (r.value, r.n, r.ci_low, r.ci_high) == (4.5, 1, None, None)
    assert (r.status, r.conclusive, r.small_sample) == ("met", False, True)
    assert [n.code for n in r.notes] == ["single_response", "small_sample"]


def test_identical_ratings_give_no_interval_and_are_not_conclusive():
    r = result("ft.satisfaction", future_talent_survey=survey("future_talent_survey", [4.0] * 35))
    # sd = 0: no spread to estimate an interval from; 4.0 >= 4.0 is met, but not settled.
    assert (r.value, r.ci_low, r.ci_high) == (4.0, None, None)
    assert (r.status, r.conclusive, r.small_sample) == ("met", False, False)
    assert [n.code for n in r.notes] == ["identical_responses"]


def test_two_equal_exhibitor_answers_of_eight_are_met_but_not_conclusive():
    r = result("wk.exhibitor_score", exhibitor_survey=survey("exhibitor_survey", [8, 8], 10.0))
    # Before issue 9 §5 this gave the interval [8, 8] and "conclusive" on two answers.
    assert (r.value, r.n, r.ci_low, r.ci_high) == (8.0, 2, None, None)
    assert (r.status, r.conclusive) == ("met", False)
    assert [n.code for n in r.notes] == ["identical_responses", "small_sample"]


def test_a_satisfied_share_from_one_response_has_no_interval_and_is_not_conclusive():
    r = result("edu.satisfaction", trainee_survey=survey("trainee_survey", [5]))
    assert (r.value, r.numerator, r.denominator, r.ci_low, r.ci_high) == (1.0, 1, 1, None, None)
    assert (r.status, r.conclusive) == ("met", False)
    assert "single_response" in [n.code for n in r.notes]


def test_responses_whose_overall_question_is_blank_are_counted_in_a_note():
    frame = survey("exhibitor_survey", [8, 7, 9], 10.0)
    frame["overall"] = [8.0, None, None]  # the last two scored by their item means
    r = result("wk.exhibitor_score", exhibitor_survey=frame)
    assert r.value == pytest.approx(8.0)
    [note] = [n for n in r.notes if n.code == "overall_blank_item_mean"]
    assert note.en == "2 responses left the overall question blank: their item mean was used"
    assert note.ko == "종합 만족도 무응답 2건: 평가 문항 평균으로 계산"


def test_no_fallback_note_when_every_overall_question_is_answered():
    frame = survey("trainee_survey", [5, 4, 3])
    frame["overall"] = [5.0, 4.0, 3.0]
    r = result("edu.satisfaction", trainee_survey=frame)
    assert "overall_blank_item_mean" not in [n.code for n in r.notes]


def test_a_large_clear_sample_is_conclusive():
    r = result("ft.satisfaction", future_talent_survey=survey("future_talent_survey", [5.0] * 20 + [4.0] * 20))
    # mean 4.5; sd = sqrt(40 * 0.25 / 39) = 0.506370; t(0.975, 39) = 2.022691; half = 2.022691 * 0.506370 / sqrt(40) = 0.161947
    assert r.ci_low == pytest.approx(4.5 - 0.161947, abs=1e-5)
    assert (r.status, r.conclusive) == ("met", True)


def test_trainee_satisfaction_is_the_share_scoring_four_or_more_with_a_wilson_interval():
    scores = [5, 4, 4, 3, 5, 4, 2, 4.0, 3.9, 5]  # 4.0 and 3.9 are item means of surveys without an overall
    r = result("edu.satisfaction", trainee_survey=survey("trainee_survey", scores))
    # satisfied (>= 4): 5, 4, 4, 5, 4, 4.0, 5 = 7 of 10
    assert (r.value, r.numerator, r.denominator) == (0.7, 7, 10)
    p, n = 0.7, 10
    centre, half = p + Z95**2 / (2 * n), Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n))
    assert r.ci_low == pytest.approx((centre - half) / (1 + Z95**2 / n), abs=1e-5)
    assert r.ci_high == pytest.approx((centre + half) / (1 + Z95**2 / n), abs=1e-5)
    # 0.7 < 0.8 but the interval (about 0.40-0.89) straddles 0.8: not met, not conclusive.
    assert (r.status, r.conclusive) == ("not_met", False)
    # 100-point score: (x - 1) / 4 * 100 -> 100, 75, 75, 50, 100, 75, 25, 75, 72.5, 100; sum 747.5 / 10
    assert r.extra["score_100"] == pytest.approx(74.75)


def test_satisfaction_on_a_ten_point_survey_is_judged_on_its_five_point_equivalent():
    r = result("edu.satisfaction", trainee_survey=survey("trainee_survey", [8, 7], 10.0))
    # 8 -> 4.0 (satisfied), 7 -> 3.5 (not): 1 of 2
    assert r.value == 0.5
    # 100-point score: (8 - 1) / 9 * 100 = 77.78 and (7 - 1) / 9 * 100 = 66.67; mean 72.2
    assert [(n.code, n.en) for n in r.notes] == [
        ("scale_converted", "2 responses on a 10-point scale converted to 5 points"),
        ("score_100", "100-point score 72.2"),
        ("small_sample", "small sample: 2 responses (under 30)"),
    ]


def coverage_frames():
    att = pd.DataFrame(
        [
            ("t1", "상수도 기초과정", "2025-03-10", True),
            ("t2", "상수도 기초과정", "2025-09-10", True),  # second cohort of the same course
            ("t3", "하수처리 실무 [심화]", "2025-05-20", True),
            ("t4", "관로 관리", "2025-06-20", True),
            ("t5", "ＧＩＳ 활용", "2025-07-01", False),  # full-width letters
        ],
        columns=["trainee_id", "course", "end_date", "completed"],
    )
    # course_key left as written, to show the KPI normalises by itself too.
    att["course_key"] = att["course"]
    names = ["상수도기초과정", "하수처리실무(심화)", "gis 활용", "수질 분석", None]
    return att, survey("trainee_survey", [5, 4, 4, 3, 5], courses=names)


def test_feedback_coverage_matches_course_names_despite_spelling_and_lists_what_is_unmatched():
    att, responses = coverage_frames()
    r = result("edu.feedback_per_course", attendance=att, trainee_survey=responses)
    # Courses: 상수도 기초과정 (two cohorts, once), 하수처리 실무, 관로 관리, GIS 활용 = 4.
    # Covered after normalising: 상수도기초과정, 하수처리실무심화, gis활용 = 3 -> 0.75.
    assert (r.value, r.numerator, r.denominator) == (0.75, 3, 4)
    assert r.extra["uncovered_courses"] == ["관로 관리"]
    assert r.extra["unmatched_survey_courses"] == ["수질 분석"]
    assert [(n.code, n.ko) for n in r.notes] == [
        ("courses_without_feedback", "의견 수렴 없는 과정 1개: 관로 관리"),  # the names in both languages
        ("unmatched_survey_courses", "과정명이 맞지 않는 설문 과정 1개: 수질 분석"),
        ("responses_without_course", "과정명 없는 응답 1건"),
    ]


def test_feedback_coverage_needs_the_survey_upload_too():
    att, _ = coverage_frames()
    r = result("edu.feedback_per_course", attendance=att)
    assert r.status == "no_data"
    assert [(n.code, n.en) for n in r.notes] == [("missing_upload", "no Water-works training survey upload covers 2025")]


def test_survey_kpis_are_year_to_date_in_the_current_year():
    r = result("ft.satisfaction", 2026, date(2026, 11, 27), future_talent_survey=survey("future_talent_survey", [3.0, 3.5]))
    # mean 3.25 < 4.0 so far this year
    assert (r.value, r.status, r.ytd, r.projection) == (3.25, "not_met", True, None)
    assert [(n.code, n.ko) for n in r.notes][-1] == ("year_to_date", "2026-11-27까지")
