"""Dates and date-times from raw spreadsheet cells: Excel values, serial numbers and the text of forms tools.

Text is parsed with a few regular expressions run by pyarrow over the distinct strings at once, then
turned into datetimes with NumPy arithmetic, so 100,000 distinct form timestamps stay fast.

Accepted text (after stripping whitespace, quotes and a leading TAB, case-insensitive):
  year first     2026-03-15, 2026.03.15, 2026. 3. 15., 2026/3/15, 2026-03-15T14:30:15
  Korean         2026년 3월 15일, 2026년 3월 15일 (일)
  compact        20260315
  month first    3/15/2026, 03/15/2026 02:30:15 PM, 3/15/26 14:30 -- a/b/year with slashes is always
                 month/day (US order, as English-language tools export); a two-digit year is 20yy
  short Korean   26.03.15, 26.3.5, 26-03-15, '26.3.15 -- a two-digit year first, dots or dashes, read as 20yy.mm.dd
  serial         45000, 45000.5 -- Excel 1900-system serial numbers from 20000 to 80000
  English months Mar 4, 2026; March 4th 2026; Wednesday, March 4, 2026; 4-Mar-2026; 04-Mar-26; 4 March 2026
                 (SurveyMonkey, Qualtrics, Microsoft Forms and Excel's d-mmm-yy in English)
  no year        3/4, 3/4(화), 3월 4일, Mar 4, 4-Mar -- read only in the year the upload names (`year`); else bad,
                 and dates_without_year() says why: a year is never guessed
Any of the forms may carry a weekday in brackets and a time HH:MM[:SS[.ffffff]] or 14시 15분[ 30초], optionally
with 오전/오후 or AM/PM before or after it (12-hour clock: 오전 12:xx is 0:xx, 오후 12:xx stays 12:xx), as
survey tools' CSV downloads write them: 2025/05/16 9:51:33 오전 GMT+9, 01/10/2025 11:05:16 AM.
A time zone written after the time (GMT+9, GMT+09:00, UTC, KST, Z, ISO 8601's +09:00) is dropped and the
wall-clock time kept, as for date-time cells that carry a zone.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from metrics.intake.values.cells import (
    BAD,
    Cells,
    Parsed,
    are_empty_words,
    factorize_cells,
    is_empty_word,
    is_number,
    parse_each,
    spread,
    trim_text,
)

_EXCEL_EPOCH = np.datetime64("1899-12-30", "us")
_SERIAL_MIN, _SERIAL_MAX = 20_000, 80_000  # 1954-10-03 .. 2119-01-10: plausible dates, not counts
_COMPACT_MIN, _COMPACT_MAX = 1000_01_01, 9999_12_31
_DAY_US = 86_400_000_000

_TIME = (
    r"(?:(?:\s*T\s*|\s+)(?P<ap1>오전|오후|AM|PM|A\.M\.|P\.M\.)?\s*"
    r"(?:(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d{1,6}))?)?"
    r"|(?P<kH>\d{1,2})\s*시(?:\s*(?P<kM>\d{1,2})\s*분)?(?:\s*(?P<kS>\d{1,2})\s*초)?)"
    r"\s*(?P<ap2>오전|오후|AM|PM|A\.M\.|P\.M\.)?(?:\s*[+-]\d{2}:?\d{2})?)?"
)
_WEEKDAY = r"(?:\s*\([^)]*\))?"
_ZONE = r"(?:\s*(?:(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d{2})?|GMT|UTC|KST|Z))?"

# (name, date part): tried in this order; every one may be followed by a weekday and a time.
_DATE_FORMS: tuple[tuple[str, str], ...] = (
    ("year first", r"(?P<y>\d{4})\s*[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{1,2})\.?"),
    ("korean", r"(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일"),
    ("compact", r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
    ("month first", r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})"),
    ("short korean", r"(?P<y>\d{2})\s*[.-]\s*(?P<m>\d{1,2})\s*[.-]\s*(?P<d>\d{1,2})\.?"),
)
_MONTH_NAME = r"(?P<mn>JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]*\.?"
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAY_NAME = r"(?:(?:MON|TUE|WED|THU|FRI|SAT|SUN)[A-Z]*\.?,?\s+)?"
_ORDINAL = r"(?:ST|ND|RD|TH)?"
_DATE_FORMS += (
    ("month name first", rf"{_DAY_NAME}{_MONTH_NAME}\s*(?P<d>\d{{1,2}}){_ORDINAL},?\s*(?P<y>\d{{4}})"),
    ("day month name", rf"{_DAY_NAME}(?P<d>\d{{1,2}}){_ORDINAL}[\s-]*{_MONTH_NAME}[\s,-]*(?P<y>\d{{4}}|\d{{2}})"),
)
# Dates without their year: read only in a year given at upload.
_YEARLESS_FORMS = (
    ("month/day", r"(?P<m>\d{1,2})/(?P<d>\d{1,2})"),
    ("korean month day", r"(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일"),
    ("month name day", rf"{_DAY_NAME}{_MONTH_NAME}\s*(?P<d>\d{{1,2}}){_ORDINAL}"),
    ("day month name", rf"(?P<d>\d{{1,2}}){_ORDINAL}[\s-]*{_MONTH_NAME}"),
)
_DATE_PATTERNS = tuple(f"^{date}{_WEEKDAY}{_TIME}{_ZONE}$" for _, date in _DATE_FORMS)
_YEARLESS_PATTERNS = tuple(f"^{date}{_WEEKDAY}{_TIME}{_ZONE}$" for _, date in _YEARLESS_FORMS)
_SERIAL_PATTERN = r"^\d{5}(?:\.\d+)?$"
_PM_WORDS = ("오후", "PM", "P.M.")
_TRIMMED_CLOCK = " \t\r\n\u3000\u00a0'\""


def parse_dates(raw: pd.Series, *, with_time: bool = False, year: int | None = None) -> Parsed:
    """Datetimes (datetime64[us]) from raw cells; at midnight unless `with_time`; a date written without its
    year ("3/4", "Mar 4") in `year` when one is given, else bad."""
    if pd.api.types.is_datetime64_dtype(raw.dtype):
        stamps = raw.astype("datetime64[us]")
        stamps = stamps if with_time else stamps.dt.normalize()
        return Parsed(values=stamps, bad=pd.Series(False, index=raw.index, name=raw.name))
    cells = factorize_cells(raw)
    values, bad = _parse_uniques(cells, year)
    if not with_time:
        values = values.astype("datetime64[D]").astype("datetime64[us]")
    return spread(cells, values, bad, like=raw)


def _parse_uniques(cells: Cells, year: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Datetimes (NaT where empty or bad) and bad flags for the distinct values."""
    uniques = cells.uniques
    values = np.full(len(uniques), np.datetime64("NaT"), dtype="datetime64[us]")
    bad = np.zeros(len(uniques), dtype=bool)
    kinds = _kinds(uniques)
    for kind, parse in _PARSERS_BY_KIND.items():
        where = np.flatnonzero(kinds == kind)
        if len(where):
            values[where], bad[where] = _from_text(uniques[where], year) if kind == "text" else parse(uniques[where])
    bad[kinds == "other"] = True
    return values, bad


def _kinds(uniques: np.ndarray) -> np.ndarray:
    """The kind of each distinct value: datetime, date, number, text or other."""
    inferred = pd.api.types.infer_dtype(uniques, skipna=True)
    if inferred in ("datetime", "datetime64"):
        return np.full(len(uniques), "datetime", dtype=object)
    if inferred == "string":
        return np.full(len(uniques), "text", dtype=object)
    return np.array([_kind(value) for value in uniques], dtype=object)


def _kind(value: object) -> str:
    """The kind of one value; datetime is tested before date because it is a subclass of it."""
    if isinstance(value, str):
        return "text"
    if isinstance(value, dt.datetime | np.datetime64):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    if is_number(value):
        return "number"
    return "other"  # time of day, durations, booleans: no date in them


def _from_datetimes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Datetime objects as they are; an aware one keeps its wall-clock time."""
    try:
        converted = pd.to_datetime(values)
        if converted.tz is not None:
            converted = converted.tz_localize(None)
    except (TypeError, ValueError):  # mixed time zones: convert one by one
        converted = pd.DatetimeIndex([pd.Timestamp(v).tz_localize(None) for v in values])
    return converted.as_unit("us").to_numpy(), np.zeros(len(values), dtype=bool)


def _from_dates(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Calendar dates at midnight."""
    return np.array(values, dtype="datetime64[D]").astype("datetime64[us]"), np.zeros(len(values), dtype=bool)


def _from_numbers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Excel serial numbers, or 8-digit yyyymmdd numbers; anything else is bad."""
    numbers = values.astype(float)
    out, ok = _from_serials(numbers)
    compact = (numbers >= _COMPACT_MIN) & (numbers <= _COMPACT_MAX) & (numbers == np.floor(numbers))
    if compact.any():
        ymd = numbers[compact].astype(np.int64)
        out[compact], ok[compact] = _compose(ymd // 10000, ymd // 100 % 100, ymd % 100)
    return out, ~ok


def _from_serials(numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Datetimes for serials in the plausible range (1900 system: day 0 is 1899-12-30)."""
    ok = (numbers >= _SERIAL_MIN) & (numbers <= _SERIAL_MAX)
    # Excel keeps times to the millisecond; rounding there hides the float error of a day fraction.
    ms = np.round(np.where(ok, numbers, 0.0) * 86_400_000).astype(np.int64)
    out = np.where(ok, _EXCEL_EPOCH + ms.astype("timedelta64[ms]"), np.datetime64("NaT"))
    return out.astype("datetime64[us]"), ok


def _from_text(values: np.ndarray, year: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Datetimes from text in any accepted form; forms are retried after NFKC only where needed."""
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[us]")
    bad = np.zeros(len(values), dtype=bool)
    text = trim_text(pa.array(values, type=pa.string()))
    pending = np.arange(len(values))
    for attempt in ("as written", "NFKC"):
        if attempt == "NFKC":
            # Full-width digits and punctuation ("２０２６．３．１５") are rare: normalise only leftovers.
            text = trim_text(pc.utf8_normalize(text, form="NFKC"))
        pending = _match_forms(pc.utf8_upper(text), pending, out, bad, year)
        if not len(pending):
            break
    empty = are_empty_words(text.take(pa.array(pending)))
    bad[pending[~empty]] = True
    return out, bad


def _match_forms(text: pa.Array, pending: np.ndarray, out: np.ndarray, bad: np.ndarray,
                 year: int | None = None) -> np.ndarray:
    """Fill `out`/`bad` for the pending positions some form matches; return the ones none matched."""
    for pattern in _DATE_PATTERNS + (_YEARLESS_PATTERNS if year is not None else ()):
        if not len(pending):
            break
        parts = pc.extract_regex(text.take(pa.array(pending)), pattern)
        matched = parts.is_valid().to_numpy(zero_copy_only=False)
        if matched.any():
            values, ok = _compose_parts(parts.filter(pa.array(matched)), year)
            out[pending[matched]] = values
            bad[pending[matched]] = ~ok
        pending = pending[~matched]
    if len(pending):
        pending = _match_serials(text, pending, out, bad)
    return pending


def _match_serials(text: pa.Array, pending: np.ndarray, out: np.ndarray, bad: np.ndarray) -> np.ndarray:
    """Fill in serial numbers written as text; return the positions that are not serial-like."""
    pending_text = text.take(pa.array(pending))
    matched = pc.match_substring_regex(pending_text, _SERIAL_PATTERN).to_numpy(zero_copy_only=False)
    if matched.any():
        numbers = pc.cast(pending_text.filter(pa.array(matched)), pa.float64()).to_numpy()
        values, ok = _from_serials(numbers)
        out[pending[matched]] = values
        bad[pending[matched]] = ~ok
    left: np.ndarray = pending[~matched]
    return left


def _compose_parts(parts: pa.StructArray, given_year: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Datetimes and validity from the named groups of a date pattern (a yearless one is in `given_year`)."""
    if parts.type.get_field_index("y") < 0:
        year = np.full(len(parts), given_year or 0, dtype=np.int64)
    else:
        year = _field(parts, "y")
        two_digit = pc.equal(pc.utf8_length(parts.field("y")), 2).to_numpy(zero_copy_only=False)
        year = np.where(two_digit, 2000 + year, year)
    hour = _field(parts, "H") + _field(parts, "kH")  # one of the two clocks took part, the other is 0
    hour, ok_clock = _twelve_hour(hour, _field_text(parts, "ap1"), _field_text(parts, "ap2"))
    # Fractions of a second are right-padded: ".5" is 500000 microseconds.
    fraction = pc.utf8_rpad(parts.field("f"), width=6, padding="0")
    values, ok = _compose(year, _month(parts), _field(parts, "d"), hour, _field(parts, "M") + _field(parts, "kM"),
                          _field(parts, "S") + _field(parts, "kS"), _to_int(fraction))
    ok &= ok_clock
    return np.where(ok, values, np.datetime64("NaT")).astype("datetime64[us]"), ok


def _month(parts: pa.StructArray) -> np.ndarray:
    """The month as a number, from its digits or its English name (first three letters, upper case)."""
    if parts.type.get_field_index("mn") < 0:
        return _field(parts, "m")
    names = _field_text(parts, "mn")
    return np.array([_MONTHS.index(n) + 1 for n in names], dtype=np.int64)


def dates_without_year(raw: pd.Series) -> np.ndarray:
    """Per row, True where a text cell is a date written without its year ("3/4", "3월 4일", "Mar 4")."""
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object))
    texts = [isinstance(u, str) for u in uniques]
    found = np.zeros(len(uniques) + 1, dtype=bool)
    if any(texts):
        where = np.flatnonzero(texts)
        text = pc.utf8_upper(trim_text(pc.utf8_normalize(pa.array(uniques[where], type=pa.string()), form="NFKC")))
        for pattern in _YEARLESS_PATTERNS:
            found[where] |= pc.match_substring_regex(text, pattern).to_numpy(zero_copy_only=False)
    return found[codes]


def _field(parts: pa.StructArray, name: str) -> np.ndarray:
    """A numeric group as int64; an optional group that did not take part is 0."""
    return _to_int(parts.field(name))


def _to_int(text: pa.Array) -> np.ndarray:
    """Digit strings as int64, "" as 0."""
    text = pc.if_else(pc.equal(text, ""), "0", text)
    ints: np.ndarray = pc.cast(text, pa.int64()).to_numpy(zero_copy_only=False)
    return ints


def _field_text(parts: pa.StructArray, name: str) -> np.ndarray:
    """A text group as a NumPy array of str."""
    return np.asarray(parts.field(name).to_numpy(zero_copy_only=False), dtype=object)


def _twelve_hour(hour: np.ndarray, before: np.ndarray, after: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """24-hour hours from 오전/오후 or AM/PM given before or after the time; validity of the clock."""
    marker = np.where(before != "", before, after)
    has_marker = marker != ""
    pm = np.isin(marker, _PM_WORDS)
    one_marker = (before == "") | (after == "")
    ok = ~has_marker | (one_marker & (hour <= 12))
    hour = np.where(has_marker, hour % 12 + np.where(pm, 12, 0), hour)
    return hour, ok


def _compose(year: np.ndarray, month: np.ndarray, day: np.ndarray, hour: np.ndarray | int = 0,
             minute: np.ndarray | int = 0, second: np.ndarray | int = 0,
             micro: np.ndarray | int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Datetimes from parts, NaT where the parts name no real moment (Feb 30, month 13, 24:00)."""
    ok = (year >= 1) & (year <= 9999) & (month >= 1) & (month <= 12) & (day >= 1)
    ok &= (hour < 24) & (minute < 60) & (second < 60)
    month_index = np.where(ok, (year - 1970) * 12 + month - 1, 0)
    first = month_index.astype("datetime64[M]").astype("datetime64[D]")
    days_in_month = ((month_index + 1).astype("datetime64[M]").astype("datetime64[D]") - first).astype(int)
    ok &= day <= days_in_month
    micros = np.asarray((day - 1) * _DAY_US + ((hour * 60 + minute) * 60 + second) * 1_000_000 + micro)
    values = first.astype("datetime64[us]") + micros.astype(np.int64).astype("timedelta64[us]")
    return np.where(ok, values, np.datetime64("NaT")).astype("datetime64[us]"), ok


_PARSERS_BY_KIND = {
    "datetime": _from_datetimes,
    "date": _from_dates,
    "number": _from_numbers,
    "text": _from_text,
}


# ---------------------------------------------------------------- times of day (a column beside a date column)

_CLOCK = re.compile(
    r"^(?P<ap1>오전|오후|AM|PM|A\.M\.|P\.M\.)?\s*(?:(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
    r"|(?P<kH>\d{1,2})\s*시(?:\s*(?P<kM>\d{1,2})\s*분)?(?:\s*(?P<kS>\d{1,2})\s*초)?)"
    r"\s*(?P<ap2>오전|오후|AM|PM|A\.M\.|P\.M\.)?$"
)


def parse_times(raw: pd.Series) -> Parsed:
    """Times of day (timedelta64[us] since midnight) from time cells, Excel day fractions and clock text.

    Accepted: time cells, 0 <= number < 1 (Excel's fraction of a day), "9:15", "09:15:30", "오후 2:05",
    "2:05 PM", "14시 30분". A date is not a time of day: a cell with a date in it is bad here, as a time
    of day alone is bad in a date column.
    """
    return parse_each(raw, _time_of, dtype="timedelta64[us]")


def _time_of(value: object) -> object:
    """One time of day as a Timedelta since midnight, None when empty, or BAD."""
    if isinstance(value, dt.time):
        return pd.Timedelta(hours=value.hour, minutes=value.minute, seconds=value.second,
                            microseconds=value.microsecond)
    if is_number(value):
        ok = 0 <= value < 1
        return pd.Timedelta(milliseconds=round(float(value) * 86_400_000)) if ok else BAD
    if not isinstance(value, str):
        return BAD
    text = " ".join(unicodedata.normalize("NFKC", value).strip(_TRIMMED_CLOCK).upper().split())
    if is_empty_word(text):
        return None
    found = _CLOCK.match(text)
    if not found:
        return BAD
    hour = int(found["H"] or found["kH"])
    minute, second = int(found["M"] or found["kM"] or 0), int(found["S"] or found["kS"] or 0)
    marker = found["ap1"] or found["ap2"]
    if found["ap1"] and found["ap2"] or marker and not 1 <= hour <= 12:
        return BAD
    if marker:
        hour = hour % 12 + (12 if marker in _PM_WORDS else 0)
    if hour > 23 or minute > 59 or second > 59:
        return BAD
    return pd.Timedelta(hours=hour, minutes=minute, seconds=second)


def with_clock(dates: pd.Series, clock: pd.Series) -> pd.Series:
    """Dates at the time of day given beside them; where no time of day is given, the date as it was."""
    return dates.where(clock.isna(), dates.dt.normalize() + clock)
