"""Intervals, verdicts and pacing: thin wrappers over scipy that return named results."""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from datetime import date
from typing import Any, overload

import numpy as np
import pandas as pd

# scipy.special holds the same quantile functions as scipy.stats at half the import time (cold start).
from scipy import special

CONFIDENCE = 0.95
SMALL_SAMPLE = 30  # below this many responses an interval is shown but flagged

COMPARATORS = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}


@overload
def compare(value: float, comparator: str, target: float) -> bool: ...
@overload
def compare(value: np.ndarray, comparator: str, target: float) -> np.ndarray: ...
def compare(value: Any, comparator: str, target: float) -> Any:
    """Whether `value comparator target` holds (for each value of an array), with a little slack for float rounding."""
    eps = 1e-9
    if comparator == ">=":
        return value >= target - eps
    if comparator == "<=":
        return value <= target + eps
    if comparator == "==":
        return abs(value - target) <= eps
    return COMPARATORS[comparator](value, target)


def wilson_interval(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """Wilson score interval for a share of successes out of n; None for fewer than 2 responses.

    One response says nothing about the spread of a share (issue 9 §5): no interval, so no verdict
    can be called conclusive on it.
    """
    if n < 2:
        return None
    z = float(special.ndtri(1 - (1 - confidence) / 2))
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def t_interval(mean: float, sd: float, n: int, confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """Student t interval for a mean; None for fewer than 2 values or when every value is the same.

    Identical answers (sd = 0) would give the mean itself as its interval ([8, 8]) and so a
    "conclusive" verdict on what may be two answers; the data show no spread to estimate it
    from, so there is no interval and the verdict is not conclusive (issue 9 §5).
    """
    if n < 2 or sd is None or math.isnan(sd) or sd <= 0:
        return None
    half = float(special.stdtrit(n - 1, 1 - (1 - confidence) / 2)) * sd / math.sqrt(n)
    return mean - half, mean + half


def interval_conclusive(ci: tuple[float, float] | None, comparator: str, target: float) -> bool:
    """True when the whole interval lies on one side of the target (both ends give one verdict)."""
    if ci is None:
        return False
    return compare(ci[0], comparator, target) == compare(ci[1], comparator, target)


@dataclass(frozen=True)
class Projection:
    """A year-end projection for a count and how it was made."""

    value: float
    method: str  # "history" | "history_additive" | "linear"
    reached_share: float | None
    history_years: tuple[int, ...]
    # The band the earlier years' own paces give: the projection as each year alone would make it
    # (lowest, highest); None with fewer than MIN_BAND_YEARS such years.
    low: float | None = None
    high: float | None = None
    band_years: int = 0  # how many earlier years gave a pace of their own (the band needs MIN_BAND_YEARS)


# One earlier year gives one pace: a "band" from it would be a single number dressed as a range.
MIN_BAND_YEARS = 2


def _band(values: list[float]) -> tuple[float | None, float | None]:
    """(lowest, highest) of the per-year projections; (None, None) for fewer than MIN_BAND_YEARS years."""
    if len(values) < MIN_BAND_YEARS:
        return None, None
    return float(min(values)), float(max(values))


def _per_year(history: pd.DataFrame, today: date) -> pd.DataFrame:
    """Per earlier year with something held: its total and what it had reached by today's month-day."""
    hist = history[history["n"] > 0]
    by_day = _month_day(pd.to_datetime(hist["date"])) <= today.month * 100 + today.day
    return pd.DataFrame({
        "total": hist.groupby("year")["n"].sum(),
        "reached": hist[by_day].groupby("year")["n"].sum(),
    }).fillna(0.0)


def _month_day(dates: pd.Series[Any]) -> pd.Series[int]:
    # Comparing month*100 + day, not day-of-year, keeps 1 March the same day in leap years.
    month_day: pd.Series[int] = dates.dt.month * 100 + dates.dt.day
    return month_day


def history_share(history: pd.DataFrame | None, today: date) -> tuple[float | None, float, tuple[int, ...]]:
    """From earlier years' (year, date, n): share reached by today's month-day, mean yearly total, years.

    The share pools the years (total reached / total of the years), so a busy year weighs more. A year
    with a row of n = 0 (data for the year, none of this kind: an event not held) stays in the history:
    it adds nothing to the share and counts as 0 in the mean yearly total.
    """
    if history is None or history.empty:
        return None, 0.0, ()
    totals = history.groupby("year")["n"].sum()
    if totals.sum() <= 0:
        return None, 0.0, ()
    hist = history[history["n"] > 0]
    reached = hist.loc[_month_day(pd.to_datetime(hist["date"])) <= today.month * 100 + today.day, "n"].sum()
    years = tuple(int(y) for y in totals.index)
    return float(reached) / float(totals.sum()), float(totals.mean()), years


def paced_projection(current: float, history: pd.DataFrame | None, today: date) -> Projection:
    """Year-end projection of a count: current / share that earlier years had reached by today.

    No history: linear (current / elapsed fraction of the year). History with nothing reached
    by today (say the event is always in December): current + the earlier years' mean total,
    since dividing by zero says nothing.
    """
    share, mean_total, years = history_share(history, today)
    if share is None:
        start = date(today.year, 1, 1)
        days_in_year = (date(today.year + 1, 1, 1) - start).days
        elapsed = ((today - start).days + 1) / days_in_year
        return Projection(current / elapsed, "linear", elapsed, ())
    assert history is not None  # a share comes from the history
    if share <= 0:
        totals = history.groupby("year")["n"].sum()  # zero years included, as in the mean
        paces = [current + float(t) for t in totals]
        return Projection(current + mean_total, "history_additive", 0.0, years, *_band(paces), len(paces))
    per_year = _per_year(history, today)
    # A year that had reached nothing by today has no pace of its own to divide by: it is not in the band.
    paces = [current / r for r in (per_year["reached"] / per_year["total"]) if r > 0]
    low, high = _band(paces)
    value = current / share
    if low is not None and high is not None:  # both or neither
        # The pooled share counts such a year too, so the projection can fall outside the others' paces:
        # the band is stretched to hold it rather than shown beside it.
        low, high = min(low, value), max(high, value)
    return Projection(value, "history", share, years, low, high, len(paces))
