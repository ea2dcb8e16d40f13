"""Cell-level building blocks shared by the value parsers: emptiness, matching keys, distinct values.

The parsers work on the distinct values of a column and spread the results back to the rows, because a
spreadsheet column of 100,000 rows usually holds far fewer distinct values.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeGuard

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Written in a date or number cell, these mean "no value" (compared after NFKC, case folding and with
# spaces removed). Text columns keep them: there "-" may be a real answer.
EMPTY_WORDS = frozenset({"", "-", "–", "—", "n/a", "na", "해당없음", "없음"})

# Trimmed from both ends of a text cell before parsing: whitespace, quotes, and the TAB or apostrophe some
# systems put in front of a value to stop Excel converting it (e.g. KMA weather exports: "\t1907-10-01").
_TRIMMED = " \t\r\n\u3000\u00a0\u200b\ufeff'\"‘’“”"

# Characters that are invisible but not whitespace to Python; exports from web forms carry them.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))

# Symbols (Unicode category S) dropped from keys on top of all punctuation and separators. Other symbols
# stay on purpose: "○" and "×" are answers in yes/no columns.
_EXTRA_DROPPED = "<>|~`^"

# infer_dtype results that rule out numbers and booleans among the distinct values.
_NO_NUMBERS = frozenset({"string", "datetime", "datetime64", "date", "time", "timedelta", "empty"})


@dataclass(frozen=True)
class Parsed:
    """A typed column and, per row, whether a non-empty raw value could not be parsed."""

    values: pd.Series  # typed
    bad: pd.Series  # bool, True = non-empty but unparseable


@dataclass(frozen=True)
class Cells:
    """A column factorised: a code per row (-1 where missing) and the distinct raw values."""

    codes: np.ndarray
    uniques: np.ndarray


@functools.cache
def _key_drop_table() -> dict[int, None]:
    """Translate table removing punctuation, separators, control characters and a few symbols."""
    # The Basic Multilingual Plane holds every bracket and punctuation mark seen in Korean office files.
    dropped = {
        code: None
        for code in range(0x10000)
        if unicodedata.category(chr(code))[0] in "PZ" or chr(code).isspace()
        or unicodedata.category(chr(code)) == "Cc"
    }
    dropped.update(dict.fromkeys(map(ord, _EXTRA_DROPPED)))
    dropped.update(_INVISIBLE)
    return dropped


def normalise_key(text: str) -> str:
    """A matching key: NFKC, case-folded, without spaces, brackets or punctuation."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", str(text)).casefold())
    # Dropping a character can bring a letter and a combining mark together: compose them again, so that
    # a key normalised twice stays the same.
    return unicodedata.normalize("NFC", folded.translate(_key_drop_table()))


def squeeze_spaces(text: str) -> str:
    """Text without invisible characters, stripped, with each run of whitespace (incl. U+3000) as one space."""
    return " ".join(text.translate(_INVISIBLE).split())


def is_empty_word(text: str) -> bool:
    """True for blank text and the words that mean "no value" in a date or number cell."""
    squeezed = "".join(unicodedata.normalize("NFKC", text).translate(_INVISIBLE).split())
    return squeezed.casefold() in EMPTY_WORDS


def trim_text(text: pa.Array) -> pa.Array:
    """Text without surrounding whitespace, quotes or a leading TAB."""
    return pc.utf8_trim(pc.utf8_trim_whitespace(text), characters=_TRIMMED)


def are_empty_words(text: pa.Array) -> np.ndarray:
    """Which texts are blank or a "no value" word (vectorised is_empty_word)."""
    squeezed = pc.replace_substring_regex(pc.utf8_normalize(text, form="NFKC"), r"\s+", "")
    found = pc.is_in(pc.utf8_lower(squeezed), value_set=pa.array(sorted(EMPTY_WORDS)))
    empty: np.ndarray = found.to_numpy(zero_copy_only=False)
    return empty


def is_bool(value: object) -> bool:
    """True for Python and NumPy booleans (which are ints to Python, but answers, not counts)."""
    return isinstance(value, bool | np.bool_)


def is_number(value: object) -> TypeGuard[int | float | np.integer[Any] | np.floating[Any]]:
    """True for ints and floats, NumPy's included, but not booleans."""
    return isinstance(value, int | float | np.integer | np.floating) and not is_bool(value)


def factorize_cells(raw: pd.Series) -> Cells:
    """Codes and distinct values of a raw column; True/False are kept apart from 1/0."""
    cells = raw.to_numpy(dtype=object)
    codes, uniques = pd.factorize(cells)
    if _may_confuse_bools(uniques):
        codes, uniques = _factorize_bools_apart(cells)
    return Cells(codes=codes, uniques=np.asarray(uniques, dtype=object))


def _may_confuse_bools(uniques: np.ndarray) -> bool:
    """Whether a distinct value may stand for both a boolean and a 0/1 number (they hash alike)."""
    if pd.api.types.infer_dtype(uniques, skipna=True) in _NO_NUMBERS:
        return False
    return any((is_bool(v) or is_number(v)) and v in (0, 1) for v in uniques)


def _factorize_bools_apart(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Factorise booleans and the other cells separately, then join the two code spaces."""
    bools = np.fromiter((is_bool(v) for v in cells), dtype=bool, count=len(cells))
    codes = np.full(len(cells), -1, dtype=np.intp)
    other_codes, other_uniques = pd.factorize(cells[~bools])
    bool_codes, bool_uniques = pd.factorize(cells[bools])
    codes[~bools] = other_codes
    codes[bools] = np.where(bool_codes >= 0, bool_codes + len(other_uniques), -1)
    uniques = np.concatenate([np.asarray(other_uniques, dtype=object), np.asarray(bool_uniques, dtype=object)])
    return codes, uniques


def spread(cells: Cells, values: np.ndarray | pd.api.extensions.ExtensionArray, bad: np.ndarray,
           like: pd.Series) -> Parsed:
    """Per-row results from per-distinct-value results, on the index and name of `like`."""
    row_values: np.ndarray | pd.api.extensions.ExtensionArray
    if isinstance(values, pd.api.extensions.ExtensionArray):
        row_values = values.take(cells.codes, allow_fill=True)
    else:
        row_values = pd.api.extensions.take(values, cells.codes, allow_fill=True)
    # Code -1 (missing) picks the appended False: a missing cell is empty, never bad.
    row_bad = np.append(np.asarray(bad, dtype=bool), False)[cells.codes]
    return Parsed(
        values=pd.Series(row_values, index=like.index, name=like.name),
        bad=pd.Series(row_bad, index=like.index, name=like.name),
    )


def parse_each(raw: pd.Series, parse_one: Callable[[object], object], dtype: str) -> Parsed:
    """Parse each distinct value with `parse_one`, which returns a value, None (empty) or BAD."""
    cells = factorize_cells(raw)
    results = [parse_one(value) for value in cells.uniques]
    bad = np.array([result is BAD for result in results], dtype=bool)
    # pd.array takes any dtype name; its stubs list literal names only
    values = pd.array([None if result is BAD else result for result in results], dtype=dtype)  # type: ignore[call-overload]
    return spread(cells, values, bad, like=raw)


class _Bad:
    """Marker returned by a one-value parser for a value it cannot read."""

    def __repr__(self) -> str:
        return "BAD"


BAD = _Bad()
