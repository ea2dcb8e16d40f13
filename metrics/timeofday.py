"""Times of day kept beside a date (a case's time of receipt): "HH:MM" text in frames, SQL TIME in the store.

A date column stays a date (it is part of a row's identity and says which year a row belongs to); the time
of day, when the sheet gives one, is a fact of its own beside it. A time at exactly 00:00 is read as no time:
an Excel date cell is a date-time at midnight, so midnight says only "this day".
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd

_TEXT = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\s*$")


def _one(value: Any) -> str | None:
    """One stored or parsed time of day as "HH:MM"; None when missing or not a time of day."""
    if isinstance(value, dt.time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, pd.Timedelta | dt.timedelta) and not pd.isna(value):
        minutes = int(pd.Timedelta(value).total_seconds() // 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}" if 0 <= minutes < 24 * 60 else None
    if isinstance(value, str):
        found = _TEXT.match(value)
        if found and int(found[1]) < 24 and int(found[2]) < 60:
            return f"{int(found[1]):02d}:{found[2]}"
    return None


def clock_text(values: pd.Series) -> pd.Series:
    """Times of day as "HH:MM" text (missing stays missing), whatever a driver or a test hands in:
    datetime.time (PostgreSQL), "17:00:00.000000" or "17:00" text (SQLite), Timedelta since midnight."""
    codes, uniques = pd.factorize(values.astype("object"))  # a day has 1,440 minutes: read each value once
    mapped = np.array([_one(u) for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype="str", name=values.name)


def split_clock(stamps: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Date-times as (the dates at midnight, their time of day as "HH:MM", missing where the time is 00:00)."""
    days = stamps.dt.normalize()
    since = stamps - days
    clock = clock_text(since.where(since > pd.Timedelta(0)))
    return days, clock


def joined(dates: pd.Series, clock: pd.Series | None) -> pd.Series:
    """Dates at the time of day beside them where one is given (else the date itself, at midnight)."""
    stamps = dates if pd.api.types.is_datetime64_any_dtype(dates) else pd.to_datetime(dates, format="ISO8601")
    if clock is None:
        return stamps
    text = clock_text(clock)
    since = pd.to_timedelta(text.where(text.notna(), None).astype("object") + ":00", errors="coerce")
    return stamps.where(since.isna().to_numpy(), stamps.dt.normalize() + since)
