"""Working days under the civil-petition rule: receipt day counted, weekends and holidays not."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from metrics.kpi.workdays import (
    add_business_days,
    business_days_inclusive,
    calendar_days,
    deadline_dates,
    holiday_array,
    is_working_day,
    next_working_day,
)


def count(received: str, completed: str) -> float:
    return float(business_days_inclusive([received], [completed])[0])


@pytest.mark.parametrize(
    ("received", "completed", "expected", "why"),
    [
        ("2025-03-10", "2025-03-10", 1, "same working day: the receipt day itself counts"),
        ("2025-03-10", "2025-03-14", 5, "Mon..Fri = 5"),
        ("2025-03-07", "2025-03-10", 2, "Fri + Mon; Sat and Sun skipped"),
        # 2026 설날: Mon 16 - Wed 18 Feb. Fri 13 (1), weekend, 16-18 holidays, Thu 19 (2).
        ("2026-02-13", "2026-02-19", 2, "Seollal 2026 spans three weekdays"),
        # 삼일절 2026 falls on a Sunday; its substitute is Mon 2 Mar. Fri 27 Feb (1), Tue 3 Mar (2).
        ("2026-02-27", "2026-03-03", 2, "substitute holiday for 3.1 on a Sunday"),
        # 2025: 개천절 Fri 3 Oct, 추석 5-7 Oct with substitute Wed 8, 한글날 Thu 9. Thu 2 (1), Fri 10 (2).
        ("2025-10-02", "2025-10-10", 2, "Chuseok 2025 with its substitute day and Hangul day"),
        # Temporary holiday Mon 27 Jan 2025, then 설날 28-30 Jan. Fri 24 (1), Fri 31 (2).
        ("2025-01-24", "2025-01-31", 2, "temporary holiday before Seollal 2025"),
        # Received on Saturday 8 Mar 2025: counting starts Monday 10 Mar, so Monday is day 1.
        ("2025-03-08", "2025-03-10", 1, "receipt on a Saturday starts on the next working day"),
        ("2025-03-08", "2025-03-09", 0, "received Saturday, done Sunday: no working day used"),
        # Leap year: Wed 28 Feb 2024 (1), Thu 29 Feb (2), Fri 1 Mar is 삼일절.
        ("2024-02-28", "2024-03-01", 2, "29 February is a working day; 1 March is not"),
    ],
)
def test_business_days_count_receipt_day_through_completion(received, completed, expected, why):
    assert count(received, completed) == expected, why


def test_missing_or_reversed_dates_give_nan_not_a_count():
    got = business_days_inclusive(["2025-03-10", None, "2025-03-10"], ["2025-03-12", "2025-03-12", "2025-03-07"])
    # 10..12 March = Mon, Tue, Wed = 3; the missing receipt and the completion before receipt give NaN.
    assert got[0] == 3
    assert np.isnan(got[1]) and np.isnan(got[2])


def test_calendar_days_are_the_date_difference_and_know_29_february():
    got = calendar_days(pd.Series(["2024-02-28", "2025-02-28", "2025-12-20"]), pd.Series(["2024-03-01", "2025-03-01", None]))
    # 2024 is a leap year: 28 Feb -> 1 Mar is 2 days; in 2025 it is 1 day; no completion -> NaN.
    assert got[0] == 2 and got[1] == 1 and np.isnan(got[2])


def test_business_deadline_is_the_nth_working_day_counting_receipt_as_day_one():
    # Received Mon 9 Feb 2026, 15 working days: 9,10,11,12,13 (5); 16-18 설날; 19,20 (7);
    # 23-27 (12); Mon 2 Mar is the 삼일절 substitute; 3,4,5 Mar (15) -> deadline Thu 5 Mar.
    assert deadline_dates(["2026-02-09"], 15, "business")[0] == np.datetime64("2026-03-05")
    # Completing on the deadline uses exactly 15 working days; one working day later uses 16.
    assert count("2026-02-09", "2026-03-05") == 15
    assert count("2026-02-09", "2026-03-06") == 16


def test_business_deadline_from_a_saturday_receipt_starts_monday():
    # Sat 8 Mar 2025 -> day 1 is Mon 10 Mar; 7 working days end Tue 18 Mar (10..14 = 5, 17 = 6, 18 = 7).
    assert deadline_dates(["2025-03-08"], 7, "business")[0] == np.datetime64("2025-03-18")


def test_calendar_deadline_adds_the_days():
    assert deadline_dates(["2025-12-28"], 7, "calendar")[0] == np.datetime64("2026-01-04")


def test_deadline_crossing_into_next_year_uses_next_years_holidays():
    # Received Tue 23 Dec 2025; 5 working days: 23 (1), 24 (2), 25 Christmas, 26 (3), 29 (4), 30 (5).
    assert deadline_dates(["2025-12-23"], 5, "business")[0] == np.datetime64("2025-12-30")
    # 7 working days: 31 Dec (6), 1 Jan 2026 holiday, Fri 2 Jan (7).
    assert deadline_dates(["2025-12-23"], 7, "business")[0] == np.datetime64("2026-01-02")


def test_add_business_days_rolls_a_day_off_forward_first():
    got = add_business_days([date(2026, 2, 14), date(2026, 2, 12)], 0)
    # Sat 14 Feb rolls over the weekend and 설날 (16-18) to Thu 19 Feb; Thu 12 Feb stays.
    assert list(got) == [np.datetime64("2026-02-19"), np.datetime64("2026-02-12")]


def test_holiday_list_holds_lunar_substitute_and_temporary_holidays():
    days = set(holiday_array(2025, 2026).astype(str))
    assert {"2025-01-27", "2025-10-08", "2026-02-16", "2026-02-17", "2026-02-18", "2026-03-02"} <= days


def test_is_working_day_marks_weekends_and_holidays():
    got = is_working_day(["2026-02-17", "2026-02-21", "2026-02-19", None])
    # 설날 Tue, a Saturday, an ordinary Thursday, a missing date.
    assert got.tolist() == [False, False, True, False]


def test_day_mode_must_be_known():
    with pytest.raises(ValueError, match="business"):
        deadline_dates(["2025-01-02"], 3, "weekdays")


@given(
    received=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    extra=st.integers(min_value=0, max_value=200),
    days=st.integers(min_value=1, max_value=90),
)
@settings(max_examples=300, deadline=None)
def test_completing_on_a_working_day_meets_the_deadline_exactly_when_not_after_the_deadline_date(received, extra, days):
    completed = np.datetime64(received, "D") + np.timedelta64(extra, "D")
    assume(is_working_day([completed])[0])
    within = business_days_inclusive([received], [completed])[0] <= days
    assert within == (completed <= deadline_dates([received], days, "business")[0])


@pytest.mark.parametrize(
    ("received", "expected", "why"),
    [
        ("2025-06-02", "2025-06-09", "Mon + 7 = Mon 9 Jun, a working day: unchanged"),
        ("2025-06-01", "2025-06-09", "Sun + 7 = Sun 8 Jun: moved to Mon 9 Jun"),
        ("2025-02-22", "2025-03-04", "Sat 1 Mar 삼일절, Sun, Mon 3 Mar 대체 휴일: Tue 4 Mar"),
        ("2025-09-26", "2025-10-10", "Fri 3 Oct 개천절, weekend, 추석 6-8 Oct, 한글날 9 Oct: Fri 10 Oct"),
    ],
)
def test_calendar_deadline_ending_on_a_day_off_moves_to_the_next_working_day(received, expected, why):
    got = deadline_dates([received], 7, "calendar", roll=True)[0]
    assert got == np.datetime64(expected), why


def test_calendar_deadline_without_the_rule_is_the_plain_count():
    assert deadline_dates(["2025-02-22"], 7, "calendar")[0] == np.datetime64("2025-03-01")


def test_next_working_day_keeps_working_days_and_missing_dates():
    got = next_working_day(pd.to_datetime(pd.Series(["2025-03-04", None, "2025-12-25"])))
    assert got[0] == np.datetime64("2025-03-04")
    assert np.isnat(got[1])
    assert got[2] == np.datetime64("2025-12-26")  # 성탄절 Thu -> Fri
