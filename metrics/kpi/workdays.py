"""Working days under the Korean civil-petition rule (민원 처리에 관한 법률), vectorised with numpy.

The rule the charter's deadlines follow: count the working days from the day of receipt, that day
included, through the day of completion. Saturdays, Sundays and public holidays (lunar, substitute,
election and temporary holidays, as the `holidays` package lists them) are not working days. A case
received on a non-working day (say a Saturday) starts counting on the next working day, because
the Saturday itself is not counted. A deadline of N business days is met when the count is <= N.

Calendar days are plain date differences: elapsed = completed - received, met when elapsed <= N.
When the last day of a calendar-day deadline (received + N) is a Saturday, Sunday or public holiday,
the deadline ends on the next working day instead (민법 제161조); `deadline_dates(..., roll=True)`
gives that day, and measures_cases.classify_cases counts a case done by it as met.

Deadlines of 5 days or less under 민원처리법 (시행령 제19조) are counted in working hours, 8 a day,
from the hour of receipt. The stored cases carry dates, not hours, and no charter deadline is that
short (the shortest is 7 days), so hours are not counted here: see docs/kpi-definitions.md.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

WEEKMASK = "1111100"  # Monday to Friday
DAY = np.timedelta64(1, "D")


@lru_cache(maxsize=32)
def holiday_array(first_year: int, last_year: int) -> np.ndarray:
    """Korean public holidays of the years first_year..last_year as sorted datetime64[D]."""
    kr = holidays.KR(years=range(first_year, last_year + 1), language="ko")
    return np.array(sorted(kr.keys()), dtype="datetime64[D]")


@lru_cache(maxsize=32)
def _busdaycalendar(first_year: int, last_year: int) -> np.busdaycalendar:
    return np.busdaycalendar(weekmask=WEEKMASK, holidays=holiday_array(first_year, last_year))


def as_days(values) -> np.ndarray:
    """Dates (Series, array, list, date or Timestamp) as a datetime64[D] array; missing -> NaT."""
    if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.datetime64):
        return values.astype("datetime64[D]", copy=False)
    if isinstance(values, (date, pd.Timestamp, np.datetime64, str)):
        values = [values]
    series = pd.Series(values) if not isinstance(values, pd.Series) else values
    if not pd.api.types.is_datetime64_any_dtype(series):
        series = pd.to_datetime(series)
    return series.to_numpy().astype("datetime64[D]")


def _calendar_for(*arrays: np.ndarray) -> np.busdaycalendar:
    """A calendar whose holiday list spans every date given, plus a year after for deadlines."""
    years = [a.astype("datetime64[Y]").astype(int) + 1970 for a in arrays if a.size]
    if not years:
        return _busdaycalendar(2000, 2001)
    every = np.concatenate(years)
    # Holidays are only known for the years listed; a year of slack covers deadlines that cross
    # into the next year (a 90-day deadline received in November ends in February).
    return _busdaycalendar(int(every.min()), int(every.max()) + 1)


def business_days_inclusive(received, completed) -> np.ndarray:
    """Working days from receipt through completion, both days included; NaN if missing or reversed.

    A completion before the receipt is a data error, not a fast case, so it gives NaN too.
    """
    r, c = as_days(received), as_days(completed)
    out = np.full(r.shape, np.nan)
    ok = ~np.isnat(r) & ~np.isnat(c) & (c >= r)
    if ok.any():
        cal = _calendar_for(r[ok], c[ok])
        # busday_count counts [begin, end): one day past completion includes the completion day.
        out[ok] = np.busday_count(r[ok], c[ok] + DAY, busdaycal=cal)
    return out


def calendar_days(received, completed) -> np.ndarray:
    """Elapsed calendar days (completed - received); NaN if missing or reversed."""
    r, c = as_days(received), as_days(completed)
    out = np.full(r.shape, np.nan)
    ok = ~np.isnat(r) & ~np.isnat(c) & (c >= r)
    out[ok] = (c[ok] - r[ok]).astype(int)
    return out


def add_business_days(start, n: int) -> np.ndarray:
    """The n-th working day after `start`, starting from the first working day on or after it."""
    s = as_days(start)
    out = np.full(s.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    ok = ~np.isnat(s)
    if ok.any():
        cal = _calendar_for(s[ok])
        out[ok] = np.busday_offset(s[ok], n, roll="forward", busdaycal=cal)
    return out


def next_working_day(dates) -> np.ndarray:
    """Each date itself when it is a working day, else the first working day after it; NaT kept."""
    d = as_days(dates)
    out = d.copy()
    ok = ~np.isnat(d)
    if ok.any():
        out[ok] = np.busday_offset(d[ok], 0, roll="forward", busdaycal=_calendar_for(d[ok]))
    return out


def deadline_dates(received, days: int, day_mode: str, roll: bool = False) -> np.ndarray:
    """The last day on which a case received on `received` still meets an N-day deadline.

    Calendar days: received + N, moved to the next working day when `roll` and that day is a
    Saturday, Sunday or public holiday (민법 제161조). Business days are never rolled: their last
    day is a working day already.
    """
    r = as_days(received)
    if day_mode == "calendar":
        last = r + np.timedelta64(days, "D")
        return next_working_day(last) if roll else last
    if day_mode != "business":
        raise ValueError(f"day_mode must be 'business' or 'calendar', not {day_mode!r}")
    # Receipt day is day 1 (or the next working day when received on a day off), so the last
    # day that still counts is N - 1 working days after it.
    return add_business_days(r, days - 1)


def days_taken(received, completed, day_mode: str) -> np.ndarray:
    """Days a case took under `day_mode`: working days inclusive, or calendar days elapsed."""
    if day_mode == "business":
        return business_days_inclusive(received, completed)
    if day_mode == "calendar":
        return calendar_days(received, completed)
    raise ValueError(f"day_mode must be 'business' or 'calendar', not {day_mode!r}")


def is_working_day(dates) -> np.ndarray:
    """True where the date is a Korean working day."""
    d = as_days(dates)
    out = np.zeros(d.shape, dtype=bool)
    ok = ~np.isnat(d)
    if ok.any():
        out[ok] = np.is_busday(d[ok], busdaycal=_calendar_for(d[ok]))
    return out
