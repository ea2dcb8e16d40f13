"""Time as the store keeps it and as people read it: UTC in the database, Korea time on every page and file.

Every moment the app records (uploads, undos, the audit log, sign-in sessions, notes, targets, templates)
is taken from `utc_now()` and stored in UTC without a zone mark (the DateTime columns are naive, on
SQLite and PostgreSQL alike), whatever zone the server runs in. People read it in Korea time through
`shown()`: "2026-12-01 10:05 (KST)". Dates of the data (received, response dates, call times) are the
office's own calendar and clock and are never converted.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

SHOWN_ZONE = ZoneInfo("Asia/Seoul")
ZONE_MARK = "KST"


def utc_now() -> datetime:
    """Now in UTC as a naive datetime: what every stored moment holds."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Today's date in Korea (on a server in UTC, Korea's day begins at 15:00 the day before)."""
    return datetime.now(SHOWN_ZONE).date()


def missing(moment: Any) -> bool:
    """True for None, NaN and NaT."""
    return moment is None or moment is pd.NaT or (not isinstance(moment, datetime | date) and bool(pd.isna(moment)))


def korea_time(moment: Any) -> datetime:
    """A stored moment (naive, meaning UTC; or zone-aware) in Korea time, zone-aware."""
    when: datetime = pd.Timestamp(moment).to_pydatetime()
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(SHOWN_ZONE)


def korea_naive(moment: object) -> datetime:
    """A stored moment as Korea's wall-clock time without a zone (for spreadsheet cells)."""
    return korea_time(moment).replace(tzinfo=None)


def shown(moment: object, *, seconds: bool = False, mark: bool = True) -> str:
    """A stored moment as people in Korea read it: "2026-12-01 10:05 (KST)"; "" when missing."""
    if missing(moment):
        return ""
    text = f"{korea_time(moment):%Y-%m-%d %H:%M{':%S' if seconds else ''}}"
    return f"{text} ({ZONE_MARK})" if mark else text


def shown_day(moment: object) -> str:
    """The Korean calendar day of a stored moment: "2026-12-01"; "" when missing."""
    return "" if missing(moment) else f"{korea_time(moment):%Y-%m-%d}"


def korea_column(column: pd.Series) -> pd.Series:
    """A column of stored moments as Korea's wall-clock times (naive), for tables and spreadsheets."""
    stamps = pd.to_datetime(column)
    if stamps.dt.tz is None:
        stamps = stamps.dt.tz_localize(UTC)
    return stamps.dt.tz_convert(SHOWN_ZONE).dt.tz_localize(None)


def utc_from_korea_day(day: date, *, end: bool = False) -> datetime:
    """The stored (UTC, naive) moment at which a Korean calendar day starts (or, with `end`, ends)."""
    local = datetime.combine(day, time.max if end else time.min, tzinfo=SHOWN_ZONE)
    return local.astimezone(UTC).replace(tzinfo=None)
