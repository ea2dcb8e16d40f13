"""Ratings written with the scale they are out of: "4/5", "4점/5점", "5점 만점에 4점", "4 out of 5", "★★★★☆".

The answer is the number; the scale it is written over is kept apart, so a "4/10" in a 5-point survey is a
finding and not a 4 (survey_kinds.py compares it with the survey's scale).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from metrics.intake.values.cells import factorize_cells, squeeze_spaces

_N = r"(?P<n>\d+(?:\.\d+)?)"
_D = r"(?P<d>\d+)"
# The number first, its scale after a slash or "out of"; the other way round in Korean "5점 만점에 4점".
# A wording may follow in brackets or after a dash ("4/5 (만족)"), or come first ("만족 (4/5)").
_WORDS = r"[^\d()\[\]]*"
_FRACTIONS = (
    re.compile(rf"{_N}\s*점?\s*(?:/|out\s+of|of)\s*{_D}\s*점?\s*(?:만점)?", re.IGNORECASE),
    re.compile(rf"{_D}\s*점\s*만점\s*(?:에|중|에서)?\s*{_N}\s*점?"),
)
_AROUND = re.compile(rf"(?:{_WORDS}[(\[]\s*(?P<inner>[^()\[\]]+?)\s*[)\]]|(?P<bare>[^()\[\]]+?)(?:\s*[-–—:]?\s*[(\[]?{_WORDS}[)\]]?)?)")
# Stars: the filled ones are the answer, filled and empty together the scale ("★★★★☆" is 4 of 5).
_FILLED, _EMPTY = "★⭐✭✮", "☆✩"


def fraction_of(text: str) -> tuple[float, float | None] | None:
    """(answer, scale written over it or None) for a fraction or a row of stars, else None."""
    text = squeeze_spaces(unicodedata.normalize("NFKC", text))
    stars = _stars(text)
    if stars is not None:
        return stars
    around = _AROUND.fullmatch(text)
    candidates = [text] + ([around["inner"] or around["bare"]] if around else [])
    for part in candidates:
        for pattern in _FRACTIONS:
            found = pattern.fullmatch(part.strip()) if part else None
            if found:
                return float(found["n"]), float(found["d"])
    return None


def _stars(text: str) -> tuple[float, float | None] | None:
    marks = text.replace(" ", "").replace("\ufe0f", "")  # ⭐ may carry an emoji variation selector
    if not marks or any(c not in _FILLED + _EMPTY for c in marks):
        return None
    filled = sum(c in _FILLED for c in marks)
    return float(filled), (float(len(marks)) if any(c in _EMPTY for c in marks) else None)


def parse_denominators(raw: pd.Series) -> pd.Series:
    """Per row, the scale a rating is written over ("4/5" -> 5, "★★★★☆" -> 5), NaN where none is written."""
    cells = factorize_cells(raw)
    scales = np.array([_scale_of(v) for v in cells.uniques] + [np.nan], dtype=float)
    codes = np.where(cells.codes < 0, len(cells.uniques), cells.codes)
    return pd.Series(scales[codes], index=raw.index, name=raw.name)


def _scale_of(value: object) -> float:
    found = fraction_of(value) if isinstance(value, str) else None
    return np.nan if found is None or found[1] is None else found[1]
