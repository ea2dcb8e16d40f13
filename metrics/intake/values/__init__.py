"""Vectorised parsers from raw spreadsheet cells to typed columns, each with a per-row "bad" mask.

Every parser takes a Series of raw cells (str, int, float, bool, date/time objects, None) and returns a
`Parsed`: the typed values and, per row, True where a non-empty cell could not be read, so the validator
can point at each bad cell. Empty cells (None, NaN, blank text, "-", "N/A", "해당없음", "없음") give a
missing value and are not bad; text columns treat only blank cells as empty.

Dates live in values_dates.py; the shared cell helpers in values_cells.py.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from metrics.intake.values.cells import (
    BAD,
    Parsed,
    are_empty_words,
    factorize_cells,
    is_bool,
    is_empty_word,
    is_number,
    normalise_key,
    parse_each,
    spread,
    squeeze_spaces,
    trim_text,
)
from metrics.intake.values.dates import parse_dates, parse_times, with_clock
from metrics.intake.values.fractions import fraction_of, parse_denominators
from metrics.settings import CONFIG_DIR

__all__ = [
    "Parsed",
    "clean_text",
    "likert_key",
    "load_likert",
    "load_slightly",
    "load_yes_no",
    "normalise_key",
    "parse_dates",
    "parse_denominators",
    "parse_ints",
    "parse_numbers",
    "parse_ratings",
    "parse_times",
    "parse_yes_no",
    "partly_answers",
    "still_running",
    "with_clock",
]

LIKERT_FILE = CONFIG_DIR / "likert.toml"

# Units a count or amount may be written with ("12%", "2026년", "3건"); the number is kept, the unit
# dropped: "12%" is 12.0, not 0.12.
_UNITS = ("%", "년", "명", "인", "건", "개", "회", "원", "점")
# A head count written as people do: "약 30명", "30여 명", "30명 내외", "120명 이상" is the number written.
_ABOUT = ("약", "대략", "ABOUT", "APPROX.", "APPROX")
_ROUGHLY = ("내외", "정도", "가량", "남짓", "이상", "+")
# Thousands separators only in groups of three, so a decimal comma ("3,5") is bad rather than 35.
_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:E[+-]?\d+)?|[+-]?\.\d+"
_NUMBER_PATTERN = (
    rf"^(?:(?:{'|'.join(map(re.escape, _ABOUT))})\s*)?(?P<n>{_NUMBER})\s*여?\s*"
    rf"(?:{'|'.join(map(re.escape, _UNITS))})?\s*(?:{'|'.join(map(re.escape, _ROUGHLY))})?$"
)
# Floats hold every integer exactly only up to 2**53; beyond that an "int" may have been rounded.
_EXACT_INT_LIMIT = 2**53

# A rating: a number, optionally bracketed and with "점", optionally followed by its wording ("5 - 매우
# 만족", "4. 만족", "(5) 매우 만족"), or the wording first with the number after a dash or in brackets
# ("매우 만족(5)", "매우 그렇다 - 5", "Very satisfied (5점)"). The number is taken as written; the wording
# may hold no digit, so "10점 만점에 8" is not read as 10.
_RATING = re.compile(r"[(\[]?\s*(?P<n>\d+(?:\.\d+)?)\s*점?\s*[)\]]?\s*(?:[-–—:.)(/]?\s*[^\d]*)?")
_WORDS_THEN_RATING = re.compile(
    r"[^\d()\[\]]*[^\d\s()\[\]\-–—:]\s*(?:[-–—:]\s*(?P<a>\d+(?:\.\d+)?)\s*점?|[(\[]\s*(?P<b>\d+(?:\.\d+)?)\s*점?\s*[)\]])"
)
_BRACKETS = re.compile(r"[()\[\]（）［］]")
# Circled digits NFKC leaves alone (NFKC already turns ①..⑳ into 1..20).
_DINGBAT_DIGITS = {
    **{0x2776 + i: str(i + 1) for i in range(10)},  # ❶..❿
    **{0x2780 + i: str(i + 1) for i in range(10)},  # ➀..➉
    **{0x278A + i: str(i + 1) for i in range(10)},  # ➊..➓
}


def parse_numbers(raw: pd.Series) -> Parsed:
    """Floats from numbers and numeric text ("1,395", " 12 ", "12%", full-width digits)."""
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        return Parsed(values=raw.astype("float64"), bad=pd.Series(False, index=raw.index, name=raw.name))
    cells = factorize_cells(raw)
    values, bad = _numbers_of(cells.uniques)
    return spread(cells, values, bad, like=raw)


def parse_ints(raw: pd.Series) -> Parsed:
    """Nullable integers (Int64): "3,000" is 3000, "2026년" is 2026, 3.0 is 3; 3.5 is bad."""
    cells = factorize_cells(raw)
    numbers, bad = _numbers_of(cells.uniques)
    whole = np.isfinite(numbers) & (numbers == np.round(numbers)) & (np.abs(numbers) < _EXACT_INT_LIMIT)
    bad |= ~np.isnan(numbers) & ~whole
    ints = pd.arrays.IntegerArray(np.where(whole, numbers, 0).astype(np.int64), mask=~whole)
    return spread(cells, ints, bad, like=raw)


def _numbers_of(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Floats (NaN where empty or bad) and bad flags for distinct raw values."""
    values = np.full(len(uniques), np.nan)
    bad = np.zeros(len(uniques), dtype=bool)
    numbers = np.fromiter((is_number(v) for v in uniques), dtype=bool, count=len(uniques))
    texts = np.fromiter((isinstance(v, str) for v in uniques), dtype=bool, count=len(uniques))
    values[numbers] = uniques[numbers].astype(float)
    if texts.any():
        values[texts], bad[texts] = _numbers_from_text(uniques[texts])
    bad |= ~numbers & ~texts  # booleans, dates, times: not amounts
    bad |= np.isinf(values)  # "1e999" or an infinite float is no amount either
    values[bad] = np.nan
    return values, bad


def _numbers_from_text(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Floats from numeric text; text that is neither a number nor an empty word is bad."""
    text = trim_text(pc.utf8_normalize(pa.array(texts, type=pa.string()), form="NFKC"))
    text = pc.utf8_upper(pc.replace_substring(text, "\u2212", "-"))  # U+2212 MINUS SIGN survives NFKC
    parts = pc.extract_regex(text, _NUMBER_PATTERN)
    matched = parts.is_valid().to_numpy(zero_copy_only=False)
    values = np.full(len(texts), np.nan)
    digits = pc.replace_substring(parts.field("n").filter(pa.array(matched)), ",", "")
    values[matched] = pc.cast(digits, pa.float64()).to_numpy(zero_copy_only=False)
    bad = ~matched & ~are_empty_words(text)
    return values, bad


def parse_ratings(raw: pd.Series, likert: Mapping[str, float] | None = None) -> Parsed:
    """Ratings as floats from numbers ("5", "5점", "④", "5 - 매우 만족") or Likert wordings."""
    points = {normalise_key(k): float(v) for k, v in (load_likert() if likert is None else likert).items()}
    rate = functools.partial(_rating_of, points=points, endings=load_endings(), unanswered=load_no_answer())
    return parse_each(raw, rate, dtype="float64")


def _rating_of(value: object, points: Mapping[str, float], endings: tuple[tuple[str, str], ...] = (),
               unanswered: frozenset[str] = frozenset()) -> object:
    """One rating: its number as written (the validator checks the scale), a Likert point, None or BAD."""
    if is_number(value):
        return float(value) if math.isfinite(value) else BAD
    if not isinstance(value, str):
        return BAD
    text = squeeze_spaces(unicodedata.normalize("NFKC", value).translate(_DINGBAT_DIGITS))
    if is_empty_word(text):
        return None
    fraction = fraction_of(text)  # "4/5", "★★★★☆": the answer; its scale is checked by the survey (fractions.py)
    if fraction is not None:
        return fraction[0]
    numbered = _RATING.fullmatch(text)
    if numbered:
        return float(numbered["n"])
    worded = _WORDS_THEN_RATING.fullmatch(text)
    if worded:
        return float(worded["a"] or worded["b"])
    key = normalise_key(text)
    return None if key in unanswered else _likert_point(key, points, endings)


def _likert_point(key: str, points: Mapping[str, float], endings: tuple[tuple[str, str], ...]) -> object:
    """The point of a wording as written, else with its sentence ending replaced ("만족합니다" -> "만족")."""
    known = _known_wording(key, points, endings)
    return BAD if known is None else points[known]


def _known_wording(key: str, points: Mapping[str, float], endings: tuple[tuple[str, str], ...]) -> str | None:
    """The wording of `points` a normalised answer is, as written or without its sentence ending."""
    if key in points:
        return key
    for ending, replacement in endings:  # longest first
        if key.endswith(ending) and (stem := key[: -len(ending)] + replacement) in points:
            return stem
    return None


def likert_key(value: object, points: Mapping[str, float]) -> str | None:
    """The wording of `points` (normalised keys) a cell answers with, None for a number, a blank or no wording."""
    if not isinstance(value, str):
        return None
    text = squeeze_spaces(unicodedata.normalize("NFKC", value).translate(_DINGBAT_DIGITS))
    if is_empty_word(text) or _RATING.fullmatch(text) or _WORDS_THEN_RATING.fullmatch(text):
        return None
    return _known_wording(normalise_key(text), points, load_endings())


def parse_yes_no(raw: pd.Series, yes: Iterable[str], no: Iterable[str]) -> Parsed:
    """Nullable booleans from answers matched (by normalise_key) against the yes and no words.

    A column holding both marks of a likert.toml [yes_no] pair (● and ○) reads the empty one as a no.
    """
    answers = _answer_table(yes, no)
    keys = {normalise_key(v) for v in pd.unique(raw.to_numpy(dtype=object)) if isinstance(v, str)}
    for filled, empty in load_mark_pairs():
        if filled in keys and empty in keys:
            answers = {**answers, filled: True, empty: False}
    return parse_each(raw, functools.partial(_yes_no_of, answers=answers, endings=load_endings()), dtype="boolean")


def _answer_table(yes: Iterable[str], no: Iterable[str]) -> dict[str, bool]:
    """Normalised word -> answer; a word on both lists is a configuration error."""
    yes_keys, no_keys = {normalise_key(w) for w in yes}, {normalise_key(w) for w in no}
    if yes_keys & no_keys:
        raise ValueError(f"words on both the yes and the no list: {sorted(yes_keys & no_keys)}")
    return {**dict.fromkeys(yes_keys, True), **dict.fromkeys(no_keys, False)}


def _yes_no_of(value: object, answers: Mapping[str, bool], endings: tuple[tuple[str, str], ...] = ()) -> object:
    """One answer: True, False, None (empty) or BAD."""
    if is_bool(value):
        return bool(value)
    if is_number(value):
        value = _number_text(value)
    if not isinstance(value, str):
        return BAD
    # The word lists come first: "없음" could be someone's "no".
    answer = _word_answer(normalise_key(value), answers, endings)
    if answer is not None:
        return answer
    if is_empty_word(value):
        return None
    # A word with its code in brackets, "예(Y)", "미수료(X)", "Y(수료)": every part must say the same.
    parts = {_word_answer(normalise_key(p), answers, endings) for p in _BRACKETS.split(value) if p.strip()}
    return parts.pop() if len(parts) == 1 and None not in parts else BAD


def _word_answer(key: str, answers: Mapping[str, bool], endings: tuple[tuple[str, str], ...]) -> bool | None:
    """The answer a word gives as written, else with its sentence ending replaced ("수료함" -> "수료")."""
    if key in answers:
        return answers[key]
    for ending, replacement in endings:  # longest first
        if key.endswith(ending) and (stem := key[: -len(ending)] + replacement) in answers:
            return answers[stem]
    return None


def clean_text(raw: pd.Series) -> pd.Series:
    """Text (str dtype, NA when blank): stripped, inner whitespace collapsed, 3.0 written as "3"."""
    cells = factorize_cells(raw)
    texts = [_text_of(value) for value in cells.uniques]
    values = pd.array(texts, dtype="str").take(cells.codes, allow_fill=True)
    return pd.Series(values, index=raw.index, name=raw.name)


def _text_of(value: object) -> str | None:
    """One cell as display text; None when blank."""
    if is_number(value):
        text = _number_text(value)
    elif isinstance(value, np.datetime64):
        text = _text_of(pd.Timestamp(value)) or ""
    elif isinstance(value, dt.datetime):  # pandas Timestamps included
        text = value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    elif isinstance(value, dt.date | dt.time):
        text = value.isoformat()
    else:
        text = str(value)
    return squeeze_spaces(text) or None


def _number_text(value: float | np.integer[Any] | np.floating[Any]) -> str:
    """A number as text, without ".0" when it is whole (Excel gives 3 as 3.0)."""
    if isinstance(value, float | np.floating) and math.isfinite(value) and value == int(value):
        return str(int(value))
    return str(value)


def load_likert(path: str | Path | None = None, scale: float = 5) -> dict[str, float]:
    """Likert wording -> points from likert.toml ([five_point], or [seven_point] for 7), keys normalised."""
    table = _read_toml(Path(path or LIKERT_FILE))["seven_point" if scale == 7 else "five_point"]
    points: dict[str, float] = {}
    for wording, point in table.items():
        key = normalise_key(wording)
        if key in points and points[key] != float(point):
            raise ValueError(f"Likert wording {wording!r} matches another wording with other points")
        points[key] = float(point)
    return points


def load_endings(path: str | Path | None = None) -> tuple[tuple[str, str], ...]:
    """Sentence endings and what replaces them (likert.toml [endings]), normalised, the longest first."""
    table = _read_toml(Path(path or LIKERT_FILE)).get("endings", {})
    pairs = {(normalise_key(ending), normalise_key(stem) if stem else "") for ending, stem in table.items()}
    return tuple(sorted((p for p in pairs if p[0]), key=lambda p: -len(p[0])))


def load_slightly(path: str | Path | None = None) -> frozenset[str]:
    """The "slightly" wordings, which alone do not say a 5- or 7-point scale (likert.toml [scale_signs])."""
    words = _read_toml(Path(path or LIKERT_FILE)).get("scale_signs", {}).get("slightly", ())
    return frozenset(normalise_key(w) for w in words) - {""}


def load_mark_pairs(path: str | Path | None = None) -> tuple[tuple[str, str], ...]:
    """(filled, empty) marks whose empty one is a no beside the filled one (likert.toml [yes_no] pairs)."""
    pairs = _read_toml(Path(path or LIKERT_FILE))["yes_no"].get("pairs", ())
    return tuple((normalise_key(filled), normalise_key(empty)) for filled, empty in pairs)


def partly_answers(raw: pd.Series, path: str | Path | None = None) -> np.ndarray:
    """Per row, True where a yes/no cell says "partly" (△, 부분 실시: likert.toml [yes_no] partly)."""
    words = {normalise_key(w) for w in _read_toml(Path(path or LIKERT_FILE))["yes_no"].get("partly", ())}
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object))
    partly = np.array([isinstance(u, str) and normalise_key(u) in words for u in uniques] + [False], dtype=bool)
    return partly[codes]


def load_no_answer(path: str | Path | None = None) -> frozenset[str]:
    """Answers that leave a rated question unanswered ("무응답", "모름"), normalised (likert.toml [no_answer])."""
    words = _read_toml(Path(path or LIKERT_FILE)).get("no_answer", {}).get("words", ())
    return frozenset(normalise_key(w) for w in words) - {""}


def still_running(raw: pd.Series, path: str | Path | None = None) -> np.ndarray:
    """Per row, True where an end-date cell says the item is still running (게시중, 진행중, 현재)."""
    words = {normalise_key(w) for w in _read_toml(Path(path or LIKERT_FILE)).get("still_running", {}).get("words", ())}
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object))
    running = np.array([isinstance(u, str) and normalise_key(u) in words for u in uniques] + [False], dtype=bool)
    return running[codes]


def load_yes_no(path: str | Path | None = None) -> tuple[frozenset[str], frozenset[str]]:
    """The yes words and no words from likert.toml ([yes_no]), normalised with normalise_key."""
    table = _read_toml(Path(path or LIKERT_FILE))["yes_no"]
    answers = _answer_table(table["yes"], table["no"])
    yes = frozenset(word for word, answer in answers.items() if answer)
    return yes, frozenset(answers) - yes


@functools.cache
def _read_toml_cached(path: Path, mtime_ns: int) -> dict[str, Any]:
    """The parsed file; the modification time is in the key so an edited file is read again."""
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _read_toml(path: Path) -> dict[str, Any]:
    """A TOML file, read once per version of the file."""
    return _read_toml_cached(path.resolve(), path.stat().st_mtime_ns)
