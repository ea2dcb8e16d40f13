"""The scorecard read from a real store (SQLite, or PostgreSQL with --backend=postgresql): JSON shape, year filters, pacing history, undo."""

import json
from datetime import date, datetime

import pandas as pd
import pytest

from metrics.kpi.registry import load_registry
from metrics.kpi.scorecard import (
    compute_from_frames,
    compute_scorecard,
    format_value,
    result_to_dict,
    scorecard_json,
)
from metrics.store import UploadMeta, file_sha256, import_rows, undo_upload
from metrics.store.frames import default_year, load_year_frames

JSON_FIELDS = {
    "id", "area", "title_ko", "title_en", "value", "unit", "target", "comparator", "status", "conclusive", "n",
    "ci_low", "ci_high", "year", "ytd", "projection", "projection_low", "projection_high", "numerator", "denominator",
    "pending", "note", "notes", "clause", "clause_label", "quote",
}


def put(engine, kind: str, rows: pd.DataFrame, name: str) -> int:
    meta = UploadMeta(filename=name, sha256=file_sha256(name.encode()), kind=kind)
    return import_rows(engine, meta, rows).upload_id


def cases(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["case_type", "ref", "received", "completed"])
    for col in ("received", "completed"):
        frame[col] = pd.to_datetime(frame[col])
    frame["interim"] = pd.NaT
    frame["title"] = frame["ref"]
    frame["year"] = frame["received"].dt.year
    return frame


def events(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["event_type", "date", "title"])
    frame["participant_groups"] = "contractor,local_gov"  # both groups: the workshop rule has its own tests
    frame["date"] = pd.to_datetime(frame["date"])
    frame["year"] = frame["date"].dt.year
    return frame


def enrolments(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["trainee_id", "course", "end_date", "completed"])
    frame["course_key"] = frame["course"]
    frame["cohort"] = "1"
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    frame["year"] = frame["end_date"].dt.year
    return frame


def responses(kind: str, year: int, scores, scale: float = 5.0, course=None) -> pd.DataFrame:
    n = len(scores)
    return pd.DataFrame({
        "kind": kind, "year": year,
        "response_date": [datetime(year, 5, 1 + i % 28, 9, i % 60) for i in range(n)],
        "course": course, "course_key": course, "company": None,
        "overall": [float(s) for s in scores], "score": [float(s) for s in scores], "scale_max": scale,
        "items_json": [f"[{s},{s}]" for s in scores], "comments": None,
    })


def test_an_empty_store_gives_no_data_for_every_kpi_with_all_json_fields(engine):
    results = compute_scorecard(engine, 2025, today=date(2026, 11, 27))
    assert [r.id for r in results] == [k.id for k in load_registry()]
    assert {r.status for r in results} == {"no_data"}
    rows = json.loads(scorecard_json(results))["kpis"]
    assert all(JSON_FIELDS <= set(row) for row in rows)
    assert all({note["code"] for note in row["notes"]} == {"missing_upload"} for row in rows)


def test_the_scorecard_json_carries_each_note_as_its_code_and_words(engine):
    put(engine, "cases", cases([
        ("cert_review", "a", "2026-11-02", "2026-11-03"),  # Mon to Tue: 2 working days, met
        ("cert_review", "b", "2026-11-25", None),  # open, its deadline is in December: pending
    ]), "cases.xlsx")
    rows = {row["id"]: row for row in json.loads(scorecard_json(compute_scorecard(engine, 2026, today=date(2026, 11, 27))))["kpis"]}
    assert rows["cert.review_15d"]["notes"] == [
        {"code": "pending_left_out", "ko": "처리 중 1건 제외", "en": "1 pending, left out"},
        {"code": "year_to_date", "ko": "2026-11-27까지", "en": "year to date"},
    ]
    assert rows["cert.review_15d"]["note"] == "처리 중 1건 제외 / 1 pending, left out; 2026-11-27까지 / year to date"


def test_the_store_path_reads_only_the_year_and_agrees_with_hand_counts(engine):
    put(engine, "cases", cases([
        ("cert_review", "a", "2025-03-10", "2025-03-12"),  # Mon-Wed: 3 working days, met
        ("cert_review", "b", "2025-03-10", "2025-04-30"),  # far past 15 working days: late
        ("cert_review", "c", "2024-03-11", "2024-03-12"),  # another year: not counted
    ]), "cases.xlsx")
    put(engine, "events", events([("workshop", "2025-09-01", "워크숍"), ("workshop", "2024-09-02", "워크숍")]), "events.xlsx")
    put(engine, "attendance", enrolments([
        ("t1", "수질분석", "2025-03-14", True), ("t2", "수질분석", "2025-03-14", True), ("t3", "수질분석", "2025-03-14", False),
    ]), "att.xlsx")
    put(engine, "trainee_survey", responses("trainee_survey", 2025, [5, 4, 3, 4], course="수질 분석"), "survey.xlsx")
    results = {r.id: r for r in compute_scorecard(engine, 2025, today=date(2026, 11, 27))}
    assert (results["cert.review_15d"].value, results["cert.review_15d"].denominator) == (0.5, 2)  # 1 of 2
    assert (results["eval.workshop"].value, results["eval.workshop"].status) == (1.0, "met")
    assert (results["edu.trainees"].value, results["edu.trainees"].extra["unique_trainees"]) == (2.0, 2)
    assert results["edu.satisfaction"].value == 0.75  # 5, 4, 4 of 5, 4, 3, 4
    assert results["edu.feedback_per_course"].value == 1.0  # 수질분석 = 수질 분석 after normalising
    assert results["ft.committee"].status == "not_met"  # events uploaded for 2025, no committee
    assert results["cs.phone_3_rings"].status == "no_data"


def test_store_and_frames_paths_give_the_same_scorecard(engine):
    put(engine, "exhibitor_survey", responses("exhibitor_survey", 2025, [8, 9, 7, 6, 10], 10.0), "expo.xlsx")
    put(engine, "cases", cases([("web_inquiry", "w1", "2025-06-02", "2025-06-05")]), "web.xlsx")
    today = date(2026, 11, 27)
    from_store = [result_to_dict(r) for r in compute_scorecard(engine, 2025, today=today)]
    frames = load_year_frames(engine, 2025, today=today)
    from_frames = [result_to_dict(r) for r in compute_from_frames(frames, 2025, today)]
    assert from_store == from_frames
    expo = next(r for r in from_store if r["id"] == "wk.exhibitor_score")
    assert expo["value"] == pytest.approx(8.0)  # (8 + 9 + 7 + 6 + 10) / 5


def test_current_year_counts_are_paced_from_history_aggregated_in_sql(engine):
    put(engine, "events", events([
        ("steering_committee", "2024-12-10", "운영위"), ("steering_committee", "2025-12-05", "운영위"),
        ("workshop", "2026-03-02", "워크숍"),
    ]), "events.xlsx")
    put(engine, "attendance", enrolments([
        ("a", "과정", "2025-03-01", True), ("b", "과정", "2025-03-01", True),
        ("c", "과정", "2025-10-01", True), ("d", "과정", "2025-10-01", True),
        ("e", "과정", "2025-10-01", False),  # not completed: not in the history
        ("x", "과정", "2026-04-01", True), ("y", "과정", "2026-04-01", True), ("z", "과정", "2026-04-01", True),
    ]), "att.xlsx")
    results = {r.id: r for r in compute_scorecard(engine, 2026, today=date(2026, 6, 30))}
    # Committee: not held yet; earlier years held it as late as 10 December (from the SQL history): scheduled.
    committee = results["ft.committee"]
    assert (committee.projection, committee.status) == (None, "scheduled")
    assert committee.extra["usual_last_day"] == "2026-12-10"
    # Trainees: 2025 had 2 of 4 completions by 30 June -> 0.5; 3 / 0.5 = 6 < 3000: at risk.
    assert (results["edu.trainees"].projection, results["edu.trainees"].status) == (6.0, "at_risk")
    assert results["edu.trainees"].extra["history_years"] == [2025]


def test_the_projection_band_from_two_earlier_years_is_in_the_scorecard_json(engine):
    put(engine, "attendance", enrolments([
        ("a", "과정", "2024-03-01", True), ("b", "과정", "2024-03-01", True),  # 2024: 2 of 4 by 30 June
        ("c", "과정", "2024-10-01", True), ("d", "과정", "2024-10-01", True),
        ("a", "과정", "2025-03-01", True),  # 2025: 1 of 4 by 30 June
        ("b", "과정", "2025-10-01", True), ("c", "과정", "2025-10-01", True), ("d", "과정", "2025-10-01", True),
        ("x", "과정", "2026-04-01", True), ("y", "과정", "2026-04-01", True), ("z", "과정", "2026-04-01", True),
    ]), "att.xlsx")
    rows = {row["id"]: row for row in json.loads(scorecard_json(compute_scorecard(engine, 2026, today=date(2026, 6, 30))))["kpis"]}
    trainees = rows["edu.trainees"]
    # Pooled (2 + 1) / 8 = 0.375: 3 / 0.375 = 8. Each year alone: 3 / 0.5 = 6 and 3 / 0.25 = 12.
    assert (trainees["projection"], trainees["projection_low"], trainees["projection_high"]) == (8.0, 6.0, 12.0)
    assert trainees["extra"]["band_years"] == 2


def test_an_undone_upload_no_longer_counts(engine):
    first = put(engine, "events", events([("workshop", "2025-09-01", "워크숍")]), "one.xlsx")
    put(engine, "events", events([("exhibitor_briefing", "2025-04-01", "설명회")]), "two.xlsx")
    undo_upload(engine, first)
    results = {r.id: r for r in compute_scorecard(engine, 2025, today=date(2026, 1, 10))}
    assert (results["eval.workshop"].value, results["eval.workshop"].status) == (0.0, "not_met")
    assert results["wk.briefing"].value == 1.0


def test_default_year_is_the_latest_year_with_data_that_has_begun(engine):
    assert default_year(engine, date(2026, 11, 27)) == 2026  # nothing stored: this year
    put(engine, "events", events([("workshop", "2025-09-01", "w"), ("workshop", "2027-03-01", "planned")]), "e.xlsx")
    assert default_year(engine, date(2026, 11, 27)) == 2025
    assert compute_scorecard(engine, today=date(2026, 11, 27))[0].year == 2025


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [(0.985, "share", "98.5%"), (3120.0, "count", "3,120"), (7.826, "points", "7.83"), (5.0, "days", "5일"), (None, "share", "–")],
)
def test_values_are_formatted_for_people(value, unit, shown):
    assert format_value(value, unit) == shown


def test_the_summary_counts_every_status_once_and_adds_up_to_the_promises():
    from metrics.kpi.scorecard import KpiResult, summary_counts

    def line(status, conclusive):
        return KpiResult(
            id=status, area="", area_id="", title_ko="", title_en="", year=2025, value=None, unit="share",
            target=None, comparator=None, status=status, conclusive=conclusive, n=0, ci_low=None, ci_high=None,
            ytd=False, projection=None, projection_low=None, projection_high=None, numerator=None, denominator=None, pending=None, notes=(),
            small_sample=False, source="cases", measure="deadline_share", clause="", definition_ko="",
            definition_en="",
        )

    results = [line("met", True), line("met", True), line("met", False), line("met", None), line("at_risk", None),
               line("not_met", True), line("tracked", None), line("no_data", None), line("on_track", None), line("scheduled", None)]
    counts = summary_counts(results)
    # met: two conclusive + one paced count already reached (conclusive None); the unsettled met apart.
    assert counts == {"met": 3, "met_inconclusive": 1, "on_track": 1, "scheduled": 1, "at_risk": 1, "not_met": 1,
                      "tracked": 1, "no_data": 1}
    assert sum(counts.values()) == len(results)
