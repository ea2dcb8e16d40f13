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

Deadlines of 5 days or less (민원 처리에 관한 법률 제19조 ①) are counted in hours from the time of
receipt, one day being 8 working hours, and only working hours count: the office day (09:00-18:00 with
lunch 12:00-13:00 unless the KPI says otherwise) of working days. `WorkingDay`, `add_working_hours` and
`working_hours_between` count them; measures_cases.classify_cases applies them to a case that carries
times, and counts whole days for one that has dates only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, TypeAlias

import holidays
import numpy as np
import pandas as pd

WEEKMASK = "1111100"  # Monday to Friday
DAY = np.timedelta64(1, "D")
# Dates or timestamps as the functions below take them: a column, an array, a list, or one value.
Dates: TypeAlias = "pd.Series[Any] | np.ndarray | Sequence[Any] | date | np.datetime64 | str"


@lru_cache(maxsize=32)
def holiday_array(first_year: int, last_year: int) -> np.ndarray:
    """Korean public holidays of the years first_year..last_year as sorted datetime64[D]."""
    kr = holidays.country_holidays("KR", years=range(first_year, last_year + 1), language="ko")
    return np.array(sorted(kr.keys()), dtype="datetime64[D]")


@lru_cache(maxsize=32)
def _busdaycalendar(first_year: int, last_year: int) -> np.busdaycalendar:
    return np.busdaycalendar(weekmask=WEEKMASK, holidays=holiday_array(first_year, last_year))


def as_days(values: Dates) -> np.ndarray:
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


def business_days_inclusive(received: Dates, completed: Dates) -> np.ndarray:
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


def calendar_days(received: Dates, completed: Dates) -> np.ndarray:
    """Elapsed calendar days (completed - received); NaN if missing or reversed."""
    r, c = as_days(received), as_days(completed)
    out = np.full(r.shape, np.nan)
    ok = ~np.isnat(r) & ~np.isnat(c) & (c >= r)
    out[ok] = (c[ok] - r[ok]).astype(int)
    return out


def add_business_days(start: Dates, n: int) -> np.ndarray:
    """The n-th working day after `start`, starting from the first working day on or after it."""
    s = as_days(start)
    out = np.full(s.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    ok = ~np.isnat(s)
    if ok.any():
        cal = _calendar_for(s[ok])
        out[ok] = np.busday_offset(s[ok], n, roll="forward", busdaycal=cal)
    return out


def next_working_day(dates: Dates) -> np.ndarray:
    """Each date itself when it is a working day, else the first working day after it; NaT kept."""
    d = as_days(dates)
    out = d.copy()
    ok = ~np.isnat(d)
    if ok.any():
        out[ok] = np.busday_offset(d[ok], 0, roll="forward", busdaycal=_calendar_for(d[ok]))
    return out


def deadline_dates(received: Dates, days: int, day_mode: str, roll: bool = False) -> np.ndarray:
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


def days_taken(received: Dates, completed: Dates, day_mode: str) -> np.ndarray:
    """Days a case took under `day_mode`: working days inclusive, or calendar days elapsed."""
    if day_mode == "business":
        return business_days_inclusive(received, completed)
    if day_mode == "calendar":
        return calendar_days(received, completed)
    raise ValueError(f"day_mode must be 'business' or 'calendar', not {day_mode!r}")


def is_working_day(dates: Dates) -> np.ndarray:
    """True where the date is a Korean working day."""
    d = as_days(dates)
    out = np.zeros(d.shape, dtype=bool)
    ok = ~np.isnat(d)
    if ok.any():
        out[ok] = np.is_busday(d[ok], busdaycal=_calendar_for(d[ok]))
    return out


# 민원 처리에 관한 법률 제19조 ①: a period of 5 days or less is counted in hours from the time of receipt,
# 8 working hours to the day, Saturdays and public holidays left out.
HOURS_RULE_MAX_DAYS = 5
HOURS_PER_DAY = 8
# The usual office day of public bodies (국가공무원 복무규정 제9조): 09:00-18:00, lunch 12:00-13:00, 8 hours.
DEFAULT_WORKING_HOURS = "09:00-18:00"
DEFAULT_LUNCH_BREAK = "12:00-13:00"
NO_LUNCH = "none"
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def counts_hours(days: int, day_mode: str) -> bool:
    """Whether the law counts this deadline in working hours: business days, 5 or fewer."""
    return day_mode == "business" and days <= HOURS_RULE_MAX_DAYS


def _span(text: str, what: str) -> tuple[int, int]:
    """"09:00-18:00" as minutes after midnight (540, 1080); ValueError naming what is wrong."""
    found = _SPAN.match(str(text))
    if not found:
        raise ValueError(f'{what}은(는) "09:00-18:00"처럼 씁니다 / write {what} as "09:00-18:00", not {text!r}')
    h1, m1, h2, m2 = (int(g) for g in found.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or h1 * 60 + m1 >= h2 * 60 + m2:
        raise ValueError(f"{what} {text!r}: 시작이 끝보다 앞서야 합니다 / the start must come before the end")
    return h1 * 60 + m1, h2 * 60 + m2


@dataclass(frozen=True)
class WorkingDay:
    """The office hours of a working day, in minutes after midnight, with a lunch break not counted."""

    start: int
    end: int
    lunch_start: int
    lunch_end: int

    @classmethod
    def parse(cls, hours: str = DEFAULT_WORKING_HOURS, lunch: str = DEFAULT_LUNCH_BREAK) -> WorkingDay:
        """From "09:00-18:00" and "12:00-13:00" ("none": no break); ValueError in Korean and English."""
        start, end = _span(hours, "working_hours")
        if str(lunch).strip().lower() == NO_LUNCH:
            return cls(start, end, start, start)
        lunch_start, lunch_end = _span(lunch, "lunch_break")
        if lunch_start < start or lunch_end > end:
            raise ValueError(f"lunch_break {lunch!r}: 근무시간 {hours} 안이어야 합니다 / must lie within the working hours")
        return cls(start, end, lunch_start, lunch_end)

    @property
    def minutes(self) -> int:
        """Working minutes in one day."""
        return self.end - self.start - (self.lunch_end - self.lunch_start)

    def worked_by(self, minute: np.ndarray) -> np.ndarray:
        """Working minutes of a working day done by each clock minute (0 before the start, all after the end)."""
        clock = np.clip(minute, self.start, self.end)
        worked: np.ndarray = clock - self.start - (np.clip(clock, self.lunch_start, self.lunch_end) - self.lunch_start)
        return worked

    def clock_at(self, worked: np.ndarray) -> np.ndarray:
        """The clock minute at which `worked` (1..minutes) working minutes of the day are done."""
        return self.start + worked + np.where(worked > self.lunch_start - self.start, self.lunch_end - self.lunch_start, 0)


def as_minutes(values: Dates) -> np.ndarray:
    """Timestamps (Series, array, list, or one) as datetime64[m]; missing -> NaT."""
    if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.datetime64):
        return values.astype("datetime64[m]")
    if isinstance(values, (date, pd.Timestamp, np.datetime64, str)):
        values = [values]
    return pd.to_datetime(pd.Series(values)).to_numpy().astype("datetime64[m]")


def has_time(stamps: np.ndarray) -> np.ndarray:
    """True where a timestamp carries a time of day (not midnight): a date alone says nothing of the hour."""
    m = as_minutes(stamps)
    timed: np.ndarray = ~np.isnat(m) & (m != m.astype("datetime64[D]").astype("datetime64[m]"))
    return timed


def _working_clock(*stamps: np.ndarray) -> tuple[np.datetime64, np.busdaycalendar]:
    """A day to count working minutes from, and the calendar, for every timestamp given."""
    days = np.concatenate([s[~np.isnat(s)].astype("datetime64[D]") for s in stamps])
    return days.min(), _calendar_for(days)


def _minutes_since(
    stamps: np.ndarray, epoch: np.datetime64, cal: np.busdaycalendar, day: WorkingDay
) -> np.ndarray:
    """Working minutes from `epoch` to each timestamp: whole working days before it, then its own day's."""
    dates = stamps.astype("datetime64[D]")
    before = np.busday_count(epoch, dates, busdaycal=cal).astype(np.int64) * day.minutes
    clock = (stamps - dates.astype("datetime64[m]")).astype(np.int64)
    return before + np.where(np.is_busday(dates, busdaycal=cal), day.worked_by(clock), 0)


def add_working_hours(start: Dates, hours: float, day: WorkingDay) -> np.ndarray:
    """The moment `hours` working hours after each start (NaT kept): a start outside working hours counts from
    the next working minute, and a deadline ending with a day's last hour is that day's closing time."""
    s = as_minutes(start)
    out = np.full(s.shape, np.datetime64("NaT"), dtype="datetime64[m]")
    ok = ~np.isnat(s)
    if not ok.any():
        return out
    epoch, cal = _working_clock(s[ok])
    target = _minutes_since(s[ok], epoch, cal, day) + int(round(hours * 60))
    # Day k holds minutes (k*m, (k+1)*m]: a target on a day's boundary is that day's closing, not the next opening.
    k, worked = np.divmod(target - 1, day.minutes)
    dates = np.busday_offset(epoch, k, roll="forward", busdaycal=cal)
    out[ok] = dates.astype("datetime64[m]") + day.clock_at(worked + 1).astype("timedelta64[m]")
    return out


def working_hours_between(start: Dates, end: Dates, day: WorkingDay) -> np.ndarray:
    """Working hours from each start to each end; NaN where either is missing or the end comes first."""
    s, e = as_minutes(start), as_minutes(end)
    out = np.full(s.shape, np.nan)
    ok = ~np.isnat(s) & ~np.isnat(e) & (e >= s)
    if ok.any():
        epoch, cal = _working_clock(s[ok], e[ok])
        out[ok] = (_minutes_since(e[ok], epoch, cal, day) - _minutes_since(s[ok], epoch, cal, day)) / 60
    return out
