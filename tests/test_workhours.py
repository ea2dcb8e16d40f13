"""Deadlines of 5 business days or less counted in working hours (민원 처리에 관한 법률 제19조 ①), worked by hand.

The default office day is 09:00-18:00 with lunch 12:00-13:00: 3 hours in the morning, 5 in the afternoon.
"""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from metrics.kpi.measures.base import Period
from metrics.kpi.measures.cases import judge_cases
from metrics.kpi.registry import RegistryError, registry_from_text
from metrics.kpi.scorecard import compute_from_frames
from metrics.kpi.workdays import WorkingDay, add_working_hours, working_hours_between
from metrics.store.frames import frames_from_dict

OFFICE = WorkingDay.parse()  # the registry's default


@pytest.mark.parametrize(
    ("received", "hours", "due", "why"),
    [
        ("2025-11-14 17:00", 8, "2025-11-17 17:00", "Friday 17:00: one hour on Friday, seven on Monday (3 + 4)"),
        # 2025: 개천절 Fri 3 Oct, weekend, 추석 6-7 Oct and its substitute Wed 8, 한글날 Thu 9.
        ("2025-10-02 14:00", 8, "2025-10-10 14:00", "day before the holidays: 4 h on Thu 2 Oct, 4 h on Fri 10 Oct"),
        ("2025-11-18 20:30", 8, "2025-11-19 18:00", "received after hours: counting starts at 09:00 the next day"),
        ("2025-11-19 07:00", 8, "2025-11-19 18:00", "received before opening: that day's eight hours"),
        ("2025-11-19 12:30", 8, "2025-11-20 12:00", "received at lunch: 13:00-18:00 (5 h), then 09:00-12:00 (3 h)"),
        ("2025-11-15 10:00", 8, "2025-11-17 18:00", "received on a Saturday: Monday's eight hours"),
        ("2025-11-17 09:00", 8, "2025-11-17 18:00", "a whole day ends at closing time, not at 09:00 the next day"),
        ("2025-11-17 10:00", 24, "2025-11-20 10:00", "3 days = 24 h: 7 h Mon, 8 Tue, 8 Wed, 1 Thu"),
        # Temporary holiday Mon 27 Jan 2025, 설날 28-30 Jan: 2 h on Fri 24, 8 on Fri 31, 6 on Mon 3 Feb.
        ("2025-01-24 16:00", 16, "2025-02-03 16:00", "2 days across the temporary holiday and Seollal"),
    ],
)
def test_a_deadline_in_hours_counts_only_working_hours_from_the_time_of_receipt(received, hours, due, why):
    assert add_working_hours([received], hours, OFFICE)[0] == np.datetime64(due), why


def test_working_hours_between_leave_out_nights_weekends_and_lunch():
    got = working_hours_between(
        ["2025-11-14 17:00", "2025-11-17 11:00", "2025-11-17 11:00", None],
        ["2025-11-17 17:00", "2025-11-17 14:00", "2025-11-17 10:00", "2025-11-17 10:00"],
        OFFICE,
    )
    # Fri 17-18 (1) + Mon 9-12 (3) + 13-17 (4) = 8; 11-12 and 13-14 = 2; reversed and missing: NaN.
    assert got[:2].tolist() == [8.0, 2.0] and np.isnan(got[2:]).all()


def test_another_office_day_is_a_registry_setting():
    early = WorkingDay.parse("08:30-17:30", "none")  # 9 hours a day, no lunch break
    # 8 working hours from Mon 08:30 end at 16:30 the same day.
    assert add_working_hours(["2025-11-17 08:30"], 8, early)[0] == np.datetime64("2025-11-17 16:30")
    with pytest.raises(ValueError, match="the start must come before the end"):
        WorkingDay.parse("18:00-09:00")
    with pytest.raises(ValueError, match="must lie within the working hours"):
        WorkingDay.parse("09:00-18:00", "08:00-09:30")


def log(*rows) -> pd.DataFrame:
    """Cases of (received, completed): a time of day where the log has one."""
    frame = pd.DataFrame(list(rows), columns=["received", "completed"])
    return frame.assign(received=pd.to_datetime(frame["received"], format="ISO8601"),
                        completed=pd.to_datetime(frame["completed"], format="ISO8601"))


ONE_DAY = {"days": 1, "day_mode": "business"}  # no charter KPI is this short: a toy deadline of 1 business day


def test_judge_cases_counts_hours_for_cases_with_times_and_whole_days_for_dates_only():
    cases = log(
        ("2025-11-14 17:00", "2025-11-17 17:00"),  # due Mon 17:00: met, 8 h = 1 day taken
        ("2025-11-14 17:00", "2025-11-17 17:30"),  # half an hour late: 0.5 h over = 1/16 day
        ("2025-10-02 14:00", "2025-10-10 13:00"),  # due Fri 10 Oct 14:00: met
        ("2025-11-18 20:30", None),  # due Wed 19 Nov 18:00; on 19 Nov: pending
        ("2025-11-14", "2025-11-17"),  # dates only: Fri + Mon = 2 business days > 1: late, in whole days
    )
    cls = judge_cases(cases, ONE_DAY, Period(2025, date(2025, 11, 19)))
    assert cls["state"].tolist() == ["met", "late", "met", "pending", "late"]
    assert cls["counted_in"].tolist() == ["hours"] * 4 + ["days"]
    assert cls["days_taken"].tolist()[:2] == [1.0, 8.5 / 8] and cls["days_over"].tolist()[1] == 0.5 / 8
    assert cls["deadline_at"].tolist()[:4] == [pd.Timestamp(t) for t in (
        "2025-11-17 17:00", "2025-11-17 17:00", "2025-10-10 14:00", "2025-11-19 18:00")]
    # In whole days the receipt day is day 1: a 1-day deadline from Fri 14 Nov ends that Friday.
    assert pd.isna(cls["deadline_at"].iloc[4]) and cls["deadline"].iloc[4] == pd.Timestamp("2025-11-14")
    # The open case on Thu 20 Nov: overdue by Wed 8 h + Thu 8 h - 8 h = 8 h = 1 day.
    later = judge_cases(cases.iloc[[3]], ONE_DAY, Period(2025, date(2025, 11, 20)))
    assert (later["state"].tolist(), later["days_over"].tolist()) == (["overdue"], [1.0])
    # count_hours = false keeps whole days: Fri 17:00 to Mon is 2 business days, late.
    whole = judge_cases(cases.iloc[[0]], {**ONE_DAY, "count_hours": False}, Period(2025, date(2025, 11, 19)))
    assert whole["state"].tolist() == ["late"] and "counted_in" not in whole


def test_deadlines_longer_than_five_days_or_in_calendar_days_are_never_counted_in_hours():
    cases = log(("2025-11-14 17:00", "2025-11-21 17:00"))
    for params in ({"days": 6, "day_mode": "business"}, {"days": 5, "day_mode": "calendar"}):
        assert "counted_in" not in judge_cases(cases, params, Period(2025, date(2025, 12, 1)))


SHORT_KPI = """
[areas]
cs = { ko = "고객 응대", en = "Customer service" }

[[kpi]]
id = "cs.phone_call_back_1d"
area = "고객 응대"
area_id = "cs"
title_ko = "전화 민원 1일 이내 회신"
title_en = "Phone complaints called back within 1 day"
clause = "II.1.a"
source = "cases"
filter = { case_type = "service_complaint" }
measure = "deadline_share"
days = 1
day_mode = "business"
target = { comparator = ">=", value = 0.9 }
"""


def test_a_registry_kpi_of_one_day_counts_hours_and_says_how_many_had_dates_only():
    cases = pd.DataFrame({
        "case_type": ["service_complaint"] * 3,
        "received": ["2025-11-14 17:00", "2025-11-14 17:00", "2025-11-14"],
        "completed": ["2025-11-17 16:00", "2025-11-18 10:00", "2025-11-14"],
        "interim": [None] * 3,
    })
    [r] = compute_from_frames(frames_from_dict(2025, {"cases": cases}), 2025, date(2026, 1, 10), registry_from_text(SHORT_KPI))
    # Met by 16:00 Mon; Tue 10:00 is past Mon 17:00: late; the dates-only case (same day, 1 day): met. 2 of 3.
    assert (r.numerator, r.denominator, r.extra["counted_in_hours"]) == (2, 3, 2)
    assert [(n.code, n.ko) for n in r.notes] == [("days_without_times", "시각 없는 1건은 일 단위로 판단 (5일 이하 기한은 시간 단위)")]


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ('days = 7\nday_mode = "business"\ncount_hours = true', "only for a business-day deadline of 5 days or less"),
        ('days = 3\nday_mode = "calendar"\nworking_hours = "09:00-18:00"', "only for a business-day deadline"),
        ('days = 3\nday_mode = "business"\nworking_hours = "9 to 6"', 'write working_hours as "09:00-18:00"'),
        ('days = 3\nday_mode = "business"\nlunch_break = 12', "write it in quotes"),
    ],
)
def test_the_registry_refuses_hour_settings_where_the_law_counts_days_or_that_make_no_sense(extra, words):
    text = SHORT_KPI.replace('days = 1\nday_mode = "business"', extra)
    with pytest.raises(RegistryError) as info:
        registry_from_text(text)
    assert "[cs.phone_call_back_1d]" in str(info.value) and words in str(info.value)
