"""The rows behind a number: every row a KPI looked at, in a state, adding up exactly to the scorecard."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from metrics import clock
from metrics.kpi.kpi_rows import kpi_rows, rows_from_frames
from metrics.kpi.measures.base import Period
from metrics.kpi.measures.rows import REASONS, ROW_STATES
from metrics.kpi.registry import load_registry
from metrics.kpi.scorecard import compute_from_frames
from metrics.store.frames import frames_from_dict

REGISTRY = load_registry()


def behind(kpi_id: str, year: int, today: date, **frames) -> tuple:
    """(scorecard line, rows behind it) of one KPI on frames made in the test."""
    kpi = REGISTRY.get(kpi_id)
    built = frames_from_dict(year, frames)
    [result] = compute_from_frames(built, year, today, REGISTRY.only(kpi_id))
    return result, rows_from_frames(kpi, built, Period(year, today), result)


def states(rows: pd.DataFrame, by: str) -> dict:
    return dict(zip(rows[by], zip(rows["state"], rows["reason"], strict=True), strict=True))


def assert_adds_up(kpi, result, rows: pd.DataFrame) -> None:
    """The rows count exactly to the scorecard's numerator, denominator and pending, or average to its value."""
    assert set(rows["state"]) <= set(ROW_STATES), kpi.id
    assert set(rows["reason"]) <= {"", *REASONS}, kpi.id
    # Every row that is not simply met says why.
    assert (rows.loc[rows["state"] != "met", "reason"] != "").all(), kpi.id
    count = {s: int((rows["state"] == s).sum()) for s in ROW_STATES}
    used = rows[rows["state"].isin(("met", "missed"))]
    if result.status == "no_data" and result.extra.get("missing_kinds"):
        assert rows.empty, kpi.id
        return
    if result.pending is not None:
        assert count["pending"] == result.pending, kpi.id
    if kpi.unit == "share":
        assert (count["met"], count["met"] + count["missed"]) == (result.numerator or 0, result.denominator or 0), kpi.id
    elif kpi.unit == "count":
        assert count["met"] == result.value, kpi.id
        assert count["missed"] == 0, kpi.id
    elif kpi.measure == "survey_mean":
        assert len(used) == result.n, kpi.id
        assert (result.value is None and used.empty) or used["score"].mean() == pytest.approx(result.value, abs=1e-12)
    elif kpi.measure == "median_days":
        assert len(used) == result.n, kpi.id
        assert (result.value is None and used.empty) or used["days_taken"].median() == result.value
    else:  # pragma: no cover - a new unit needs its own rule here
        raise AssertionError(f"no adding-up rule for {kpi.id} ({kpi.unit})")
    if kpi.spec.sample:
        assert len(used) == result.n, kpi.id


# --- each measure, worked out by hand ----------------------------------------------------------

def test_deadline_rows_say_which_cases_were_late_open_pending_or_left_out():
    log = pd.DataFrame(
        [
            ("r1", "cert_review", "2025-03-10", "2025-03-12"),  # 3 working days: met
            ("r2", "cert_review", "2025-03-17", "2025-04-08"),  # 17 working days: late
            ("r4", "cert_review", "2025-12-29", None),  # deadline 19 Jan 2026: open before it on 10 Jan
            ("r5", "cert_review", "2025-11-03", None),  # open past its deadline (24 Nov): overdue
            ("r6", "cert_review", "2025-06-10", "2025-06-02"),  # completed before received: left out
            ("r7", "cert_complaint", "2025-06-10", "2025-06-11"),  # another type: not looked at
        ],
        columns=["ref", "case_type", "received", "completed"],
    )
    result, rows = behind("cert.review_15d", 2025, date(2026, 1, 10), cases=log)
    assert states(rows, "ref") == {
        "r1": ("met", ""), "r2": ("missed", "late"), "r4": ("pending", "open_before_deadline"),
        "r5": ("missed", "overdue"), "r6": ("excluded", "completed_before_received"),
    }
    assert (result.numerator, result.denominator, result.pending) == (1, 3, 1)
    assert_adds_up(REGISTRY.get("cert.review_15d"), result, rows)


def test_a_web_inquiry_met_by_its_interim_notice_says_so():
    log = pd.DataFrame(
        [
            ("w1", "web_inquiry", "2025-04-07", "2025-05-30", "2025-04-09"),  # answered late, notice on day 3
            ("w2", "web_inquiry", "2025-04-07", "2025-04-08", "2025-04-09"),  # answered before the notice
            ("w3", "web_inquiry", "2025-04-07", None, "2025-04-08"),  # notice only
        ],
        columns=["ref", "case_type", "received", "completed", "interim"],
    )
    result, rows = behind("cs.web_inquiry_7d", 2025, date(2026, 1, 10), cases=log)
    assert states(rows, "ref") == {"w1": ("met", "interim_notice"), "w2": ("met", ""), "w3": ("met", "interim_notice")}
    assert_adds_up(REGISTRY.get("cs.web_inquiry_7d"), result, rows)


def test_survey_rows_carry_the_score_the_kpi_used_on_its_scale():
    survey = pd.DataFrame({
        "kind": "trainee_survey", "score": [4.0, 3.0, None, 8.0], "scale_max": [5.0, 5.0, 5.0, 10.0],
        "course": "가", "course_key": "가", "comments": ["a", "b", "c", "d"],
    })
    result, rows = behind("edu.satisfaction", 2025, date(2026, 1, 10), trainee_survey=survey)
    # 8 of 10 is 4 of 5: satisfied (at least 4.0); 3 is not; the blank one has no score.
    assert states(rows, "comments") == {"a": ("met", ""), "b": ("missed", "not_satisfied"), "c": ("excluded", "no_score"),
                                        "d": ("met", "")}
    assert rows.set_index("comments")["score"].to_dict() == pytest.approx({"a": 4.0, "b": 3.0, "c": np.nan, "d": 4.0},
                                                                           nan_ok=True)
    assert rows.set_index("comments").loc["d", "raw_score"] == 8.0
    assert_adds_up(REGISTRY.get("edu.satisfaction"), result, rows)


def test_mean_rows_are_met_or_missed_against_the_target_and_average_to_the_value():
    survey = pd.DataFrame({"kind": "exhibitor_survey", "score": [8.0, 7.0, 3.0], "scale_max": [10.0, 10.0, 5.0],
                           "company": ["A", "B", "C"]})
    result, rows = behind("wk.exhibitor_score", 2025, date(2026, 1, 10), exhibitor_survey=survey)
    # Target 7.5 of 10: A 8 met, B 7 below, C 3 of 5 = 6 below; the mean (8 + 7 + 6) / 3 = 7.
    assert states(rows, "company") == {"A": ("met", ""), "B": ("missed", "below_target"), "C": ("missed", "below_target")}
    assert result.value == pytest.approx(7.0)
    assert_adds_up(REGISTRY.get("wk.exhibitor_score"), result, rows)


def test_coverage_rows_are_one_per_course_with_the_survey_names_that_match_none():
    attendance = pd.DataFrame({
        "trainee_id": ["a", "b", "c", "d"],
        "course": ["수질 분석", "수질분석", "안전관리", "관로 관리"],
        "course_key": ["수질분석", "수질분석", "안전관리", "관로관리"],
        "end_date": ["2025-03-01", "2025-04-01", "2025-05-01", "2025-12-01"],
        "completed": [True, True, True, True],
    })
    survey = pd.DataFrame({
        "kind": "trainee_survey", "score": 4.0, "scale_max": 5.0,
        "course": ["수질분석", "수질 분석", "관로관리", "없는과정", None],
        "course_key": ["수질분석", "수질분석", "관로관리", "없는과정", None],
    })
    result, rows = behind("edu.feedback_per_course", 2025, date(2025, 6, 30), attendance=attendance, trainee_survey=survey)
    # On 30 June: 수질 분석 (two spellings) answered, 안전관리 not, 관로 관리 has not ended yet (its response waits
    # with it); 없는과정 matches no course; one response names no course.
    assert rows[["course", "enrolments", "responses", "state", "reason"]].values.tolist() == [
        ["수질 분석", 2, 2, "met", ""],
        ["안전관리", 1, 0, "missed", "no_feedback"],
        ["관로 관리", 1, 1, "pending", "course_not_ended"],
        ["없는과정", 0, 1, "excluded", "survey_course_matches_no_course"],
        ["", 0, 1, "excluded", "no_course_name"],
    ]
    assert rows["responses"].sum() == len(survey)
    assert (result.numerator, result.denominator) == (1, 2)
    assert_adds_up(REGISTRY.get("edu.feedback_per_course"), result, rows)


def test_count_rows_are_met_when_counted_and_pending_while_still_to_come():
    events = pd.DataFrame({"event_type": ["workshop", "workshop", "exhibitor_briefing"],
                           "date": ["2025-03-01", "2025-10-01", "2025-04-01"], "title": ["봄", "가을", "설명회"],
                           "participant_groups": ["contractor,local_gov", "contractor,local_gov", None]})
    result, rows = behind("eval.workshop", 2025, date(2025, 6, 30), events=events)
    assert states(rows, "title") == {"봄": ("met", ""), "가을": ("pending", "scheduled")}
    assert_adds_up(REGISTRY.get("eval.workshop"), result, rows)
    attendance = pd.DataFrame({"trainee_id": ["a", "b", "c"], "course": "가", "course_key": "가",
                               "end_date": ["2025-03-01", "2025-03-01", "2025-09-01"], "completed": [True, False, True]})
    result, rows = behind("edu.trainees", 2025, date(2025, 6, 30), attendance=attendance)
    assert states(rows, "trainee_id") == {"a": ("met", ""), "b": ("excluded", "not_completed"),
                                          "c": ("pending", "course_not_ended")}
    assert_adds_up(REGISTRY.get("edu.trainees"), result, rows)


def test_posting_and_call_rows_follow_their_kpis():
    posts = pd.DataFrame({"company": ["A", "B", "C"], "posted_from": ["2025-03-10", "2025-03-10", "2025-10-01"],
                          "posted_to": ["2025-08-10", "2025-08-09", None]})
    result, rows = behind("wk.posting_5m", 2025, date(2026, 2, 1), postings=posts)
    assert states(rows, "company") == {"A": ("met", ""), "B": ("missed", "taken_down_early"), "C": ("pending", "still_online")}
    assert_adds_up(REGISTRY.get("wk.posting_5m"), result, rows)
    calls = pd.DataFrame({"call_time": ["2025-02-03 09:00", "2025-02-03 10:00", "2025-02-04 11:00"], "rings": [2, 3, np.nan]})
    result, rows = behind("cs.phone_3_rings", 2025, date(2026, 2, 1), calls=calls)
    assert list(zip(rows["state"], rows["reason"], strict=True)) == [("met", ""), ("missed", "too_many_rings"),
                                                                     ("excluded", "no_rings")]
    assert_adds_up(REGISTRY.get("cs.phone_3_rings"), result, rows)


def test_median_rows_carry_the_days_and_open_requests_wait():
    log = pd.DataFrame({"ref": ["t1", "t2", "t3"], "case_type": "tech_support",
                        "received": ["2025-03-01", "2025-03-01", "2025-03-01"], "completed": ["2025-03-11", "2025-03-21", None]})
    result, rows = behind("eval.tech_support", 2025, date(2026, 1, 10), cases=log)
    assert states(rows, "ref") == {"t1": ("met", ""), "t2": ("met", ""), "t3": ("pending", "still_open")}
    assert rows["days_taken"].tolist()[:2] == [10, 20] and result.value == 15
    assert_adds_up(REGISTRY.get("eval.tech_support"), result, rows)


def test_a_kpi_whose_upload_is_missing_has_no_rows_behind_it():
    result, rows = behind("edu.feedback_per_course", 2025, date(2026, 1, 10),
                          attendance=pd.DataFrame({"course": ["가"], "course_key": ["가"], "end_date": ["2025-03-01"],
                                                   "completed": [True], "trainee_id": ["a"]}))
    assert result.status == "no_data" and rows.empty


# --- every KPI and every year, on the demo ------------------------------------------------------

def test_on_the_demo_every_kpi_of_every_year_adds_up_to_its_scorecard_line(demo_database_url):
    from metrics.kpi.scorecard import compute_scorecard
    from metrics.store import get_engine
    from metrics.store.frames import data_years

    engine = get_engine(demo_database_url)
    today = clock.today()  # the demo was generated for today
    years = [y for y in data_years(engine) if y <= today.year]
    assert len(years) >= 3
    for year in years:
        for card in compute_scorecard(engine, year, today=today):
            found = kpi_rows(engine, card.id, year, today=today)
            assert found.result == card, (year, card.id)
            assert_adds_up(found.kpi, card, found.rows)
            if found.kpi.measure != "course_feedback_coverage":
                # Each row can be found in the file it came from (a coverage KPI's rows are courses, not rows).
                assert found.rows[["upload_id", "excel_row"]].notna().all().all(), (year, card.id)


# --- every KPI on random data ---------------------------------------------------------------------

YEAR = 2025
CASE_TYPES = ("cert_review", "cert_complaint", "regulation_notice", "eval_report", "tech_support", "web_inquiry",
              "service_complaint")
EVENT_TYPES = ("exhibitor_briefing", "workshop", "demand_survey", "steering_committee")
COURSES = ("정수처리 기초", "정수처리기초", "하수 심화", "하수심화", "관로관리", "없는 과정", None)
days_in_year = st.integers(0, 364).map(lambda d: date(YEAR, 1, 1) + timedelta(days=d))
maybe_after = st.one_of(st.none(), st.integers(-5, 200))


def _after(start: date, offset: int | None):
    return None if offset is None else start + timedelta(days=offset)


cases = st.lists(st.tuples(st.sampled_from(CASE_TYPES), days_in_year, maybe_after, maybe_after), max_size=25).map(
    lambda rows: pd.DataFrame(
        [(t, r, _after(r, c), _after(r, i)) for t, r, c, i in rows] or None,
        columns=["case_type", "received", "completed", "interim"]))
events = st.lists(st.tuples(st.sampled_from(EVENT_TYPES), days_in_year), max_size=6).map(
    lambda rows: pd.DataFrame(rows or None, columns=["event_type", "date"]))
attendance = st.lists(st.tuples(st.sampled_from(COURSES[:-2]), days_in_year, st.booleans(),
                                st.sampled_from(("a", "b", "c", None))), max_size=20).map(
    lambda rows: pd.DataFrame([(c, c.replace(" ", ""), e, done, t) for c, e, done, t in rows] or None,
                              columns=["course", "course_key", "end_date", "completed", "trainee_id"]))
postings = st.lists(st.tuples(days_in_year, st.one_of(st.none(), st.integers(0, 400))), max_size=12).map(
    lambda rows: pd.DataFrame([(f"c{i}", s, _after(s, e)) for i, (s, e) in enumerate(rows)] or None,
                              columns=["company", "posted_from", "posted_to"]))
calls = st.lists(st.one_of(st.none(), st.integers(0, 6)), max_size=15).map(
    lambda rings: pd.DataFrame({"call_time": [f"{YEAR}-03-02 10:00"] * len(rings),
                                "rings": pd.array(rings, dtype="Float64").astype(float)}))


def _survey(kind: str):
    answer = st.tuples(st.one_of(st.none(), st.integers(1, 10).map(float)), st.sampled_from((5.0, 10.0)),
                       st.sampled_from(COURSES))
    return st.lists(answer, max_size=15).map(lambda rows: pd.DataFrame({
        "kind": kind,
        "score": [None if s is None else min(s, m) for s, m, _ in rows],
        "scale_max": [m for _, m, _ in rows],
        "course": [c for _, _, c in rows],
        "course_key": [None if c is None else c.replace(" ", "") for _, _, c in rows],
    }))


flag = st.sampled_from((True, False, None))
suggestions = st.lists(st.tuples(st.sampled_from(("web", "phone", "course_survey")), days_in_year, maybe_after, flag),
                       max_size=12).map(lambda rows: pd.DataFrame({
    "via": [v for v, *_ in rows], "received": pd.to_datetime([r for _, r, _, _ in rows]),
    "decided_on": pd.to_datetime([_after(r, d) if d is None or d >= 0 else None for _, r, d, _ in rows]),
    "reflected": pd.Series([f for *_, f in rows], dtype="boolean")}))
remedies = st.lists(st.tuples(days_in_year, maybe_after, flag, flag, flag), max_size=8).map(lambda rows: pd.DataFrame({
    "received": pd.to_datetime([r for r, *_ in rows]),
    "training_on": pd.to_datetime([_after(r, d) if d is None or d >= 0 else None for r, d, *_ in rows]),
    **{name: pd.Series([row[i] for row in rows], dtype="boolean")
       for i, name in ((2, "apology"), (3, "cause_found"), (4, "compensated"))},
    "action_taken": pd.Series([row[3] is not None for row in rows], dtype="boolean")}))
monitoring = st.lists(st.tuples(st.sampled_from(("phone", "visit")), days_in_year, flag, flag,
                                st.one_of(st.none(), st.integers(0, 30))), max_size=12).map(lambda rows: pd.DataFrame({
    "channel": [c for c, *_ in rows], "monitored": pd.to_datetime([d for _, d, *_ in rows]),
    **{name: pd.Series([row[2] if i % 2 else row[3] for row in rows], dtype="boolean")
       for i, name in enumerate(("greeting", "name_given", "listening", "transfer_details", "callback", "signage",
                                 "office_used"))},
    "wait_minutes": pd.array([row[4] for row in rows], dtype="Float64").astype(float)}))
random_year = st.fixed_dictionaries({
    "cases": cases, "events": events, "attendance": attendance, "postings": postings, "calls": calls,
    "exhibitor_survey": _survey("exhibitor_survey"), "trainee_survey": _survey("trainee_survey"),
    "future_talent_survey": _survey("future_talent_survey"),
    "suggestions": suggestions, "remedies": remedies, "monitoring": monitoring,
})


# No shrinking: on these frames it takes minutes on a shared machine; the failing example is printed as found.
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(data=random_year, today=st.sampled_from((date(YEAR, 3, 31), date(YEAR, 9, 15), date(YEAR + 1, 1, 20),
                                                 date(YEAR + 2, 6, 1))))
def test_on_random_data_every_kpi_adds_up_to_its_scorecard_line(data, today):
    # An empty frame stands for "no upload covers the year", as on the scorecard.
    frames = frames_from_dict(YEAR, {kind: frame for kind, frame in data.items() if not frame.empty})
    period = Period(YEAR, today)
    for result in compute_from_frames(frames, YEAR, today, REGISTRY):
        kpi = REGISTRY.get(result.id)
        assert_adds_up(kpi, result, rows_from_frames(kpi, frames, period, result))
