"""Count and census KPIs: events, trainees, postings and calls, with current-year pacing."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from metrics.kpi.registry import load_registry
from metrics.kpi.scorecard import compute_from_frames
from metrics.store.frames import frames_from_dict

REGISTRY = load_registry()


def results(year: int, today: date, ids, history=None, **frames) -> dict:
    out = compute_from_frames(frames_from_dict(year, frames, history), year, today, REGISTRY.only(*ids))
    return {r.id: r for r in out}


def events(*rows) -> pd.DataFrame:
    # Both participant groups at every event: the workshop's groups rule has its own tests (test_clause_kpis).
    frame = pd.DataFrame(list(rows), columns=["event_type", "date", "participants"])
    return frame.assign(participant_groups="contractor,local_gov")


def test_events_of_a_finished_year_are_counted_and_a_missing_type_is_zero_not_no_data():
    ev = events(("exhibitor_briefing", "2025-04-10", 40), ("workshop", "2025-09-01", 80), ("workshop", "2025-11-03", 50))
    r = results(2025, date(2026, 11, 27), ["wk.briefing", "eval.workshop", "ft.committee"], events=ev)
    assert (r["wk.briefing"].value, r["wk.briefing"].status) == (1.0, "met")
    assert (r["eval.workshop"].value, r["eval.workshop"].extra["participants"]) == (2.0, 130)  # 80 + 50
    # The events upload covers 2025 but holds no committee meeting: 0 meetings, not met.
    assert (r["ft.committee"].value, r["ft.committee"].status, r["ft.committee"].conclusive) == (0.0, "not_met", True)


def test_no_events_upload_for_the_year_is_no_data():
    r = results(2025, date(2026, 11, 27), ["ft.committee"])
    assert r["ft.committee"].status == "no_data"
    assert [(n.code, n.ko) for n in r["ft.committee"].notes] == [("missing_upload", "연간 행사 기록 업로드 없음 (2025)")]


def history(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["year", "key", "date", "n"])


def test_current_year_events_are_paced_against_earlier_years():
    ev = events(("workshop", "2026-06-01", 30), ("steering_committee", "2026-12-15", None))
    hist = history([
        (2024, "exhibitor_briefing", "2024-03-10", 1), (2025, "exhibitor_briefing", "2025-03-12", 1),
        (2024, "steering_committee", "2024-12-10", 1), (2025, "steering_committee", "2025-12-05", 1),
    ])
    ids = ["wk.briefing", "ft.committee", "eval.workshop", "ft.demand_survey"]
    r = results(2026, date(2026, 11, 27), ids, history={"events": hist}, events=ev)
    # Briefings: earlier years had all (2 of 2) by 27 Nov -> share 1.0; 0 so far / 1.0 = 0 < 1: at risk.
    assert (r["wk.briefing"].projection, r["wk.briefing"].status) == (0.0, "at_risk")
    # Committee: not held yet; earlier years held it as late as 10 December, after 27 Nov: scheduled (예정),
    # with no projection (issue 9 §6). The one on 15 Dec 2026 is planned, not held.
    assert (r["ft.committee"].value, r["ft.committee"].projection, r["ft.committee"].status) == (0.0, None, "scheduled")
    committee_notes = r["ft.committee"].notes
    assert [n.code for n in committee_notes] == ["scheduled_not_counted", "not_yet_due", "year_to_date"]
    assert committee_notes[0].en == "1 scheduled later, not counted"
    assert committee_notes[1].ko == "예정: 예년에는 늦게는 12월 10일에 개최 (그 날이 지나도록 없으면 달성 위험)"
    # Workshop: no history -> linear: 1 / (331/365) = 1.103 (27 Nov is day 331); the one already held
    # reaches the yearly target of 1, which the rest of the year cannot undo: met.
    assert r["eval.workshop"].projection == pytest.approx(365 / 331)
    assert r["eval.workshop"].status == "met"
    assert r["eval.workshop"].extra["projection_method"] == "linear"
    # Demand survey: none and no history -> linear 0: at risk.
    assert r["ft.demand_survey"].status == "at_risk"
    assert all(x.ytd and x.conclusive is None for x in r.values())


def test_a_yearly_event_not_held_is_scheduled_until_the_latest_usual_day_then_at_risk():
    hist = history([(2024, "workshop", "2024-05-20", 1), (2025, "workshop", "2025-09-30", 1)])
    ev = events(("exhibitor_briefing", "2026-03-01", 10))  # an events upload for 2026 without a workshop

    def workshop(today):
        return results(2026, today, ["eval.workshop"], history={"events": hist}, events=ev)["eval.workshop"]

    # 30 June: past 20 May (one year's day) but not 30 September (the latest): scheduled, not at risk with 0.
    early = workshop(date(2026, 6, 30))
    assert (early.status, early.projection, early.projection_low) == ("scheduled", None, None)
    assert workshop(date(2026, 9, 30)).status == "scheduled"  # the latest day itself has not passed
    late = workshop(date(2026, 10, 1))
    assert (late.status, late.projection) == ("at_risk", 0.0)
    # Both earlier years had held it by 1 October: each alone projects 0 / 1 = 0, so the band is 0 to 0.
    assert (late.projection_low, late.projection_high, late.extra["band_years"]) == (0.0, 0.0, 2)
    assert "not_yet_due" not in [n.code for n in late.notes]


def test_an_event_already_held_this_year_is_not_scheduled():
    hist = history([(2025, "workshop", "2025-09-30", 1)])
    ev = events(("workshop", "2026-02-10", 20))
    r = results(2026, date(2026, 6, 30), ["eval.workshop"], history={"events": hist}, events=ev)["eval.workshop"]
    assert r.status == "met"


def attendance(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["trainee_id", "course", "course_key", "end_date", "completed"])


def test_trainees_count_completed_enrolments_with_unique_trainees_beside():
    att = attendance([
        ("t1", "수질분석", "수질분석", "2025-03-14", True),
        ("t1", "관로관리", "관로관리", "2025-06-20", True),  # same person, second course: counted again
        ("t2", "수질분석", "수질분석", "2025-03-14", True),
        ("t3", "수질분석", "수질분석", "2025-03-14", False),  # did not complete
        (None, "관로관리", "관로관리", "2025-06-20", True),  # completed, no id
    ])
    r = results(2025, date(2026, 11, 27), ["edu.trainees"], attendance=att)["edu.trainees"]
    # completed = 4 (t1 twice, t2, no-id); unique ids among them = t1, t2 = 2.
    assert (r.value, r.n, r.status) == (4.0, 4, "not_met")
    assert r.extra["unique_trainees"] == 2 and r.extra["without_id"] == 1
    assert [(n.code, n.en) for n in r.notes] == [
        ("unique_trainees", "2 unique trainees"), ("completions_without_trainee_id", "1 completions without a trainee id"),
    ]


def test_trainees_of_the_current_year_are_paced_from_earlier_years():
    n = 900
    att = attendance(
        [(f"t{i}", "수질분석", "수질분석", "2026-05-15", True) for i in range(n)]
        + [("x", "관로관리", "관로관리", "2026-08-01", False)]  # ends after today: not yet counted
    )
    hist = history([(2025, "", "2025-04-30", 1000), (2025, "", "2025-10-31", 3000)])
    r = results(2026, date(2026, 6, 30), ["edu.trainees"], history={"attendance": hist}, attendance=att)["edu.trainees"]
    # 2025 had 1000 of 4000 by 30 June -> share 0.25; 900 / 0.25 = 3600 >= 3000: on track.
    assert (r.value, r.projection, r.status) == (900.0, 3600.0, "on_track")
    assert r.extra["reached_share"] == 0.25 and r.extra["history_years"] == [2025]
    # One earlier year is one pace: no band, and the result says how many years it had.
    assert (r.projection_low, r.projection_high, r.extra["band_years"]) == (None, None, 1)


def test_postings_need_five_calendar_months_and_open_ones_are_judged_today():
    posts = pd.DataFrame(
        [
            ("A", "p1", "2025-03-10", "2025-08-10"),  # reaches 10 Aug exactly: met
            ("B", "p2", "2025-03-10", "2025-08-09"),  # one day short: missed
            ("C", "p3", "2025-01-31", "2025-06-30"),  # 31 Jan + 5 months clips to 30 Jun: met
            ("D", "p4", "2025-09-01", None),  # still online today, reached 1 Feb 2026: met
            ("E", "p5", "2025-05-01", None),  # still online, reached 1 Oct: met
            # Taken down 20 Apr 2026, before today: judged on its real dates, 8 months: met.
            ("F", "p6", "2025-08-20", "2026-04-20"),
            # Removal planned for 2027, so still online; reached 1 Apr 2026, before today: met.
            ("G", "p7", "2025-11-01", "2027-01-31"),
            # Posted late (July 2026), still online, reaches 1 Dec 2026, after today: pending.
            ("H", "p8", "2026-07-01", None),
        ],
        columns=["company", "product", "posted_from", "posted_to"],
    )
    r = results(2025, date(2026, 11, 27), ["wk.posting_5m"], postings=posts)["wk.posting_5m"]
    # met 6 (A, C, D, E, F, G) of decided 7 (B missed); pending 1 (H)
    assert (r.value, r.numerator, r.denominator, r.pending) == (6 / 7, 6, 7, 1)
    assert [(n.code, n.en) for n in r.notes] == [("still_online_left_out", "1 still online, not yet 5 months")]


def test_calls_within_two_rings():
    calls = pd.DataFrame({
        "call_time": ["2025-02-03 09:00", "2025-02-03 10:00", "2025-02-04 11:00", "2025-02-05 14:00", "2025-02-06 15:00"],
        "rings": [1, 2, 3, 2, np.nan],
    })
    r = results(2025, date(2026, 11, 27), ["cs.phone_3_rings"], calls=calls)["cs.phone_3_rings"]
    # within 2 rings: 1, 2, 2 = 3 of 4 with a ring count; the call without one is left out.
    assert (r.value, r.numerator, r.denominator) == (0.75, 3, 4)
    assert [(n.code, n.en) for n in r.notes] == [("calls_without_rings", "1 calls without rings, left out")]


def test_an_earlier_year_with_events_on_file_but_none_of_the_type_stays_in_the_history():
    # 2024 held a workshop; 2025 has events on file but no workshop: 2025 counts as a year with 0.
    hist = history([(2024, "workshop", "2024-03-20", 1), (2025, "exhibitor_briefing", "2025-04-01", 1)])
    ev = events(("workshop", "2026-05-02", 15))
    r = results(2026, date(2026, 6, 30), ["eval.workshop"], history={"events": hist}, events=ev)["eval.workshop"]
    assert r.status == "met"
    assert r.extra["history_years"] == [2024, 2025]
