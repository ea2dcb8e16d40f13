"""Deadline KPIs on hand-made case logs, every expected count worked out in the comments."""

from datetime import date

import pandas as pd

from metrics.kpi.registry import load_registry
from metrics.kpi.scorecard import compute_from_frames
from metrics.store.frames import frames_from_dict

REGISTRY = load_registry()


def cases(*rows) -> pd.DataFrame:
    """Rows of (case_type, received, completed, interim)."""
    return pd.DataFrame(list(rows), columns=["case_type", "received", "completed", "interim"])


def result(kpi_id: str, year: int, today: date, **frames):
    [r] = compute_from_frames(frames_from_dict(year, frames), year, today, REGISTRY.only(kpi_id))
    return r


def test_review_share_counts_business_days_across_seollal_and_judges_open_cases_today():
    log = cases(
        # 15 working days from Mon 9 Feb 2026: 9-13 (5), 설날 16-18, 19-20 (7), 23-27 (12),
        # 2 Mar substitute holiday, 3-5 Mar (15). Done Thu 5 Mar = 15: met.
        ("cert_review", "2026-02-09", "2026-03-05", None),
        # Done Fri 6 Mar = 16: late.
        ("cert_review", "2026-02-09", "2026-03-06", None),
        # Received Sat 14 Feb: day 1 is Thu 19 Feb; 19-20 (2), 23-27 (7), 3-6 Mar (11): met.
        ("cert_review", "2026-02-14", "2026-03-06", None),
        # Open, received Fri 20 Nov: deadline Thu 10 Dec is after today (27 Nov): pending.
        ("cert_review", "2026-11-20", None, None),
        # Open, received Thu 1 Oct: 1-2 (2), 5 Oct substitute for 개천절, 6-8 (5), 9 한글날,
        # 12-16 (10), 19-23 (15): deadline 23 Oct has passed: late.
        ("cert_review", "2026-10-01", None, None),
        ("web_inquiry", "2026-03-02", "2026-03-03", None),  # another type: not counted
    )
    r = result("cert.review_15d", 2026, date(2026, 11, 27), cases=log)
    # met: 2 (first and third); decided: 4 (two met, one late, one overdue); pending 1 -> 2/4.
    assert (r.value, r.numerator, r.denominator, r.pending, r.n) == (0.5, 2, 4, 1, 4)
    assert (r.status, r.conclusive, r.ytd) == ("not_met", True, True)
    assert r.ci_low is None and r.ci_high is None  # a census: no interval
    assert [n.code for n in r.notes] == ["pending_left_out", "overdue_counted_late", "year_to_date"]
    assert (r.notes[0].en, r.notes[1].en) == ("1 pending, left out", "1 open past deadline, counted late")
    assert (r.extra["late"], r.extra["overdue"]) == (1, 1)


def test_a_finished_year_judges_open_cases_today_and_closed_ones_on_their_dates():
    log = cases(
        # Open, received Wed 24 Dec 2025: 24 (1), 25 Christmas, 26 (2), 29-31 (5), 1 Jan, 2 Jan (6),
        # 5-9 (11), 12-15 (15): deadline 15 Jan 2026, long past on 27 Nov 2026 and still open: overdue.
        ("cert_review", "2025-12-24", None, None),
        # Open, received Mon 3 Nov 2025: deadline long before today: overdue.
        ("cert_review", "2025-11-03", None, None),
        # Received Mon 22 Dec, done Mon 5 Jan 2026: 22-24 (3), 26 (4), 29-31 (7), 2 Jan (8), 5 Jan (9): met.
        ("cert_review", "2025-12-22", "2026-01-05", None),
    )
    r = result("cert.review_15d", 2025, date(2026, 11, 27), cases=log)
    # decided 3 (one met, two overdue), pending 0 -> 1/3.
    assert (r.value, r.pending, r.status, r.ytd) == (1 / 3, 0, "not_met", False)
    # Seen on 10 Jan 2026, the December case is still inside its deadline: pending, 1 of 2 decided.
    early = result("cert.review_15d", 2025, date(2026, 1, 10), cases=log)
    assert (early.value, early.pending) == (0.5, 1)


def test_all_cases_met_is_met():
    log = cases(("cert_complaint", "2025-05-07", "2025-05-08", None))
    # Wed 7 - Thu 8 May 2025 = 2 working days <= 30.
    r = result("cert.complaint_30d", 2025, date(2026, 1, 5), cases=log)
    assert (r.value, r.status, r.conclusive, r.target, r.comparator) == (1.0, "met", True, 1.0, ">=")


def test_notice_uses_calendar_days_and_counts_29_february():
    log = cases(
        # Tue 27 Feb -> Tue 5 Mar 2024 = 2 days to 29 Feb + 5 = 7 (a working day, nothing rolls): met.
        ("regulation_notice", "2024-02-27", "2024-03-05", None),
        # 27 Feb -> 6 Mar 2024 = 8 (in 2023 the same dates would have been 7): late.
        ("regulation_notice", "2024-02-27", "2024-03-06", None),
        # Weekends do not matter in calendar mode: Fri 27 Dec -> Fri 3 Jan 2025 = 7: met.
        ("regulation_notice", "2024-12-27", "2025-01-03", None),
    )
    r = result("cert.notice_7d", 2024, date(2026, 1, 5), cases=log)
    # 2 met of 3 -> 0.6667
    assert (r.numerator, r.denominator) == (2, 3)
    assert r.status == "not_met"


def test_evaluation_report_allows_ninety_calendar_days():
    log = cases(
        # 15 Oct 2025 -> 13 Jan 2026: 16 (rest of Oct) + 30 + 31 + 13 = 90: met.
        ("eval_report", "2025-10-15", "2026-01-13", None),
        # -> 14 Jan = 91: late.
        ("eval_report", "2025-10-15", "2026-01-14", None),
    )
    r = result("eval.report_90d", 2025, date(2026, 11, 27), cases=log)
    assert (r.value, r.numerator, r.denominator) == (0.5, 1, 2)


def test_web_inquiry_counts_an_interim_notice_as_an_answer():
    log = cases(
        # Mon 2 Jun 2025; 3 Jun election day; interim Thu 5 Jun: 2 (1), 4 (2), 5 (3): met despite late answer.
        ("web_inquiry", "2025-06-02", "2025-06-20", "2025-06-05"),
        # Interim Fri 13 Jun: 2 (1), 4-5 (3), 6 현충일, 9-13 (8) > 7, no answer yet but judged 31 Dec: late.
        ("web_inquiry", "2025-06-02", None, "2025-06-13"),
        # Answered Wed 11 Jun: 2, 4, 5, 9, 10, 11 = 6: met.
        ("web_inquiry", "2025-06-02", "2025-06-11", None),
    )
    r = result("cs.web_inquiry_7d", 2025, date(2026, 1, 10), cases=log)
    assert (r.numerator, r.denominator, r.pending) == (2, 3, 0)


def test_service_complaint_ignores_interim_notices():
    log = cases(("service_complaint", "2025-06-02", "2025-06-20", "2025-06-05"))
    # Only the completion counts: 2, 4, 5, 9-13, 16-20 = 13 working days > 7.
    r = result("cs.complaint_7d", 2025, date(2026, 1, 10), cases=log)
    assert (r.value, r.status) == (0.0, "not_met")


def test_tech_support_is_the_median_of_completed_requests_and_tracked():
    log = cases(
        ("tech_support", "2025-03-01", "2025-03-04", None),  # 3 days
        ("tech_support", "2025-04-01", "2025-04-11", None),  # 10 days
        ("tech_support", "2025-05-01", "2025-05-06", None),  # 5 days
        ("tech_support", "2025-06-01", None, None),  # open
    )
    r = result("eval.tech_support", 2025, date(2026, 1, 10), cases=log)
    # median of 3, 5, 10 = 5
    assert (r.value, r.n, r.pending, r.unit) == (5.0, 3, 1, "days")
    assert (r.status, r.conclusive, r.target) == ("tracked", None, None)


def test_no_case_of_the_type_in_a_covered_year_is_no_data_with_a_note():
    log = cases(("cert_review", "2025-03-10", "2025-03-11", None))
    r = result("cert.complaint_30d", 2025, date(2026, 1, 10), cases=log)
    assert (r.status, r.value) == ("no_data", None)
    [note] = r.notes
    assert note.code == "no_cases_of_type"
    assert str(note) == "해당 연도 인증 관련 민원 0건 / no cases of this type in the year"  # the type named in Korean


def test_no_cases_upload_for_the_year_is_no_data_naming_the_upload():
    r = result("cert.review_15d", 2025, date(2026, 1, 10))
    assert r.status == "no_data"
    [note] = r.notes
    assert (note.code, note.ko) == ("missing_upload", "처리기한 업무 기록 업로드 없음 (2025)")
    assert r.extra["missing_kinds"] == ["cases"]


def test_only_pending_cases_leave_no_share_to_report():
    log = cases(("cert_review", "2026-11-25", None, None))
    r = result("cert.review_15d", 2026, date(2026, 11, 27), cases=log)
    assert (r.status, r.value, r.pending) == ("no_data", None, 1)
    assert [n.code for n in r.notes] == ["all_pending", "pending_left_out"]
    assert r.notes[0].en == "all 1 still pending"


def test_a_completion_before_receipt_is_left_out_and_reported():
    log = cases(
        ("cert_review", "2025-03-10", "2025-03-07", None),  # completed before received
        ("cert_review", "2025-03-10", "2025-03-12", None),  # 3 working days: met
    )
    r = result("cert.review_15d", 2025, date(2026, 1, 10), cases=log)
    assert (r.value, r.denominator) == (1.0, 1)
    assert [(n.code, n.en) for n in r.notes] == [("completed_before_received", "1 completed before received, left out")]


def test_a_calendar_deadline_ending_on_a_weekend_and_holiday_ends_on_the_next_working_day():
    log = cases(
        # Sat 22 Feb 2025 + 7 = Sat 1 Mar (삼일절); Sun 2 Mar; Mon 3 Mar 삼일절 대체 휴일 -> the deadline is Tue 4 Mar
        # (민법 제161조). Done on Mon 3 Mar and Tue 4 Mar: met; Wed 5 Mar: late by one day.
        ("regulation_notice", "2025-02-22", "2025-03-03", None),
        ("regulation_notice", "2025-02-22", "2025-03-04", None),
        ("regulation_notice", "2025-02-22", "2025-03-05", None),
        # Fri 26 Sep 2025 + 7 = Fri 3 Oct 개천절, then the weekend, 추석 6-8 Oct and 한글날 9 Oct: Fri 10 Oct.
        ("regulation_notice", "2025-09-26", "2025-10-10", None),
        ("regulation_notice", "2025-09-26", "2025-10-11", None),
    )
    r = result("cert.notice_7d", 2025, date(2026, 11, 27), cases=log)
    assert (r.numerator, r.denominator) == (3, 5)


def test_the_civil_law_rule_is_a_registry_setting_and_off_keeps_the_plain_count():
    from metrics.kpi.measures.base import Period
    from metrics.kpi.measures.cases import judge_cases

    log = cases(("regulation_notice", "2025-02-22", "2025-03-04", None), ("regulation_notice", "2025-02-22", None, None))
    log["received"], log["completed"] = pd.to_datetime(log["received"]), pd.to_datetime(log["completed"])
    period = Period(2025, date(2025, 3, 4))
    rolled = judge_cases(log, {"days": 7, "day_mode": "calendar"}, period)  # on by default
    plain = judge_cases(log, {"days": 7, "day_mode": "calendar", "roll_to_working_day": False}, period)
    assert rolled["state"].tolist() == ["met", "pending"]
    assert rolled["deadline"].tolist() == [pd.Timestamp("2025-03-04")] * 2
    # Without the rule: 22 Feb -> 4 Mar = 10 days, 3 over; the open case is 3 days past Sat 1 Mar on 4 Mar.
    assert plain["state"].tolist() == ["late", "overdue"]
    assert plain["days_over"].tolist() == [3.0, 3.0]


def test_an_open_calendar_case_is_overdue_only_after_the_moved_deadline():
    from metrics.kpi.measures.base import Period
    from metrics.kpi.measures.cases import judge_cases

    log = pd.DataFrame({"received": pd.to_datetime(["2025-02-22"]), "completed": pd.to_datetime([None])})
    params = {"days": 7, "day_mode": "calendar"}
    assert judge_cases(log, params, Period(2025, date(2025, 3, 4)))["state"].tolist() == ["pending"]
    on_fifth = judge_cases(log, params, Period(2025, date(2025, 3, 5)))
    assert (on_fifth["state"].tolist(), on_fifth["days_over"].tolist()) == (["overdue"], [1.0])


def test_business_day_deadlines_are_not_moved_by_the_civil_law_rule():
    from metrics.kpi.measures.base import Period
    from metrics.kpi.measures.cases import judge_cases

    # Fri 26 Sep 2025 is day 1 of 7 business days: 26, 29, 30 Sep, 1, 2 Oct, then 3 Oct and 6-9 Oct are off,
    # so days 6 and 7 are Fri 10 and Mon 13 Oct. Done Mon 13 Oct: met; Tue 14 Oct: late by one.
    log = pd.DataFrame({"received": pd.to_datetime(["2025-09-26"] * 2), "completed": pd.to_datetime(["2025-10-13", "2025-10-14"])})
    cls = judge_cases(log, {"days": 7, "day_mode": "business", "roll_to_working_day": True}, Period(2025, date(2026, 1, 5)))
    assert cls["state"].tolist() == ["met", "late"]
    assert cls["days_over"].tolist()[1] == 1.0
