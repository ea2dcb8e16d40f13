"""A period written in one cell, as attendance lists write a course's dates: "2026.03.02~2026.03.06".

The end often leaves out what it shares with the start ("2026.03.02~03.06", "2026. 3. 2.~6.", "2026년 3월 2일
~ 6일"); it is completed from the start. A single date is a one-day course: it starts and ends that day.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from metrics.intake.values import parse_dates
from metrics.intake.values.cells import is_empty_word

# "~" in its forms, or a dash between spaces (a dash without spaces is inside a date: 2026-03-02).
_SEPARATOR = re.compile(r"\s*(?:[~∼〜]|\s[-–—]\s|[–—])\s*")


def parse_periods(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Start and end dates (datetime64[us]) of each cell's period, and per row whether a non-empty cell is bad."""
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=True)
    starts = np.full(len(uniques) + 1, np.datetime64("NaT"), dtype="datetime64[us]")
    ends = starts.copy()
    bad = np.zeros(len(uniques) + 1, dtype=bool)
    for i, value in enumerate(uniques):
        period = _period_of(value)
        if period is None:
            bad[i] = not _is_blank(value)
        else:
            starts[i], ends[i] = period
    index = raw.index
    return (pd.Series(starts[codes], index=index), pd.Series(ends[codes], index=index),
            pd.Series(bad[codes], index=index, name=raw.name))


def _period_of(value: object) -> tuple[np.datetime64, np.datetime64] | None:
    """The first and last day of one cell's period, or None when it holds none."""
    if not isinstance(value, str):
        day = _day(value)
        return None if day is None else (day, day)
    parts = _SEPARATOR.split(unicodedata.normalize("NFKC", value).strip())
    if len(parts) == 1:
        day = _day(parts[0])
        return None if day is None else (day, day)
    if len(parts) != 2:
        return None
    start = _day(parts[0])
    if start is None:
        return None
    end = next((d for d in map(_day, _completions(parts[1], pd.Timestamp(start))) if d is not None), None)
    return None if end is None else (start, end)  # one that ends before it starts is the builder's finding


def _completions(end: str, start: pd.Timestamp) -> list[object]:
    """The end as written, then completed with the start's year, or year and month ("03.06", "6일", "6")."""
    end = end.strip().rstrip(".")
    y, m = start.year, start.month
    return [end, f"{y}.{end}", f"{y}년 {end}", f"{y}.{m}.{end}", f"{y}년 {m}월 {end}"]


def _day(value: object) -> np.datetime64 | None:
    parsed = parse_dates(pd.Series([value], dtype=object))
    if bool(parsed.bad.iloc[0]) or pd.isna(parsed.values.iloc[0]):
        return None
    return np.datetime64(parsed.values.iloc[0], "us")


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or (
        isinstance(value, str) and is_empty_word(value.strip()))
