"""The demo's working calendar and its seeded random draws.

Every draw of the demo comes from a generator named by (seed, topic, year), so changing how one
kind is made never shifts the numbers of another kind.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TypeVar

import holidays
import numpy as np

LUNAR_HOLIDAYS = ("설날", "추석")
T = TypeVar("T")


def rng_for(seed: int, topic: str, year: int = 0) -> np.random.Generator:
    """A generator that depends only on the seed, a topic name and a year."""
    return np.random.default_rng([seed, zlib.crc32(topic.encode("utf-8")), year])


def pick(rng: np.random.Generator, items: Sequence[T], p: Sequence[float] | np.ndarray | None = None) -> T:
    """One item of a sequence (numpy would turn strings into numpy strings)."""
    return items[int(rng.choice(len(items), p=p))]


@dataclass(frozen=True)
class WorkCalendar:
    """Korean working days (Monday to Friday, public holidays off) for a span of years."""

    first_year: int
    last_year: int
    _holidays: dict[date, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        kr = holidays.country_holidays("KR", years=range(self.first_year, self.last_year + 2), language="ko")
        self._holidays.update(kr)

    def is_workday(self, d: date) -> bool:
        """True on a weekday that is not a public holiday."""
        return d.weekday() < 5 and d not in self._holidays

    def workdays(self, start: date, end: date) -> list[date]:
        """Working days from start to end, both included."""
        days = (start + timedelta(n) for n in range((end - start).days + 1))
        return [d for d in days if self.is_workday(d)]

    def on_or_after(self, d: date) -> date:
        """d when it is a working day, else the next working day."""
        while not self.is_workday(d):
            d += timedelta(1)
        return d

    def add_workdays(self, d: date, n: int) -> date:
        """The n-th working day counting d itself as the first (n=1 gives d, or the next workday)."""
        d = self.on_or_after(d)
        for _ in range(max(n, 1) - 1):
            d = self.on_or_after(d + timedelta(1))
        return d

    def lunar_holidays(self, year: int) -> list[date]:
        """The main days of 설날 and 추석 in a year (the days the office backlog piles up around)."""
        return sorted(d for d, name in self._holidays.items() if d.year == year and name in LUNAR_HOLIDAYS)

    def random_workday(self, rng: np.random.Generator, start: date, end: date) -> date:
        """A working day drawn uniformly between start and end."""
        days = self.workdays(start, end)
        return days[int(rng.integers(len(days)))]


def at_time(d: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A date at a time of day."""
    return datetime.combine(d, time(hour, minute, second))


def months_later(d: date, months: int) -> date:
    """The same day of the month `months` later (clamped to the month's last day)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")
