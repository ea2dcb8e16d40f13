"""Which scale a survey's worded answers are on: 5 or 7 points, from the wordings used (likert.toml).

"그렇다" is 4 of 5 on a 5-point scale and 6 of 7 on a 7-point one; the wordings a file uses tell which, or not:
a wording only one table has, or two wordings the 5-point table puts on one point and the 7-point table on two
("그렇다" and "약간 그렇다"), say it; a "slightly" wording alone ("약간 그렇다": 4 of 5 or 5 of 7) does not, and the
scale is then asked (never guessed); only the ends, the plain wordings and the middle read as 5 points, as usual.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

import pandas as pd

from metrics.intake.values import likert_key, load_likert, load_slightly

FIVE, SEVEN = 5.0, 7.0


@dataclass(frozen=True)
class WordedScale:
    """What the worded answers say: a scale they are surely on, or an example wording that leaves it open."""

    sure: float | None = None
    unsure: str | None = None  # a "slightly" wording read 4 of 5 or 5 of 7, when nothing else tells
    example: str | None = None  # a wording that says the sure scale, to name in messages


NOTHING_WORDED = WordedScale()


def worded_scale(columns: Iterable[pd.Series]) -> WordedScale:
    """The scale the worded answers of the rating `columns` are on (numbers and blanks say nothing here)."""
    five, seven = load_likert(), load_likert(scale=SEVEN)
    both = {**seven, **five}
    used: dict[str, str] = {}  # normalised wording -> one answer as written
    for column in columns:
        for value in pd.unique(column.to_numpy(dtype=object)):
            key = likert_key(value, both)
            if key is not None:
                used.setdefault(key, str(value).strip())
    return judge(used, five, seven, load_slightly())


def judge(used: Mapping[str, str], five: Mapping[str, float], seven: Mapping[str, float],
          slightly: frozenset[str]) -> WordedScale:
    """The rule of the module docstring, on the wordings `used` (normalised key -> as written)."""
    only_seven = [k for k in used if k in seven and k not in five]
    only_five = [k for k in used if k in five and k not in seven]
    split = next(((a, b) for a, b in combinations(sorted(k for k in used if k in five and k in seven), 2)
                  if five[a] == five[b] and seven[a] != seven[b]), None)
    says_seven = only_seven[0] if only_seven else (split[1] if split else None)
    says_five = only_five[0] if only_five else None
    if says_seven and not says_five:
        return WordedScale(sure=SEVEN, example=used[says_seven])
    if says_five and not says_seven:
        return WordedScale(sure=FIVE, example=used[says_five])
    open_words = [k for k in used if k in slightly] or ([says_seven] if says_seven else [])
    return WordedScale(unsure=used[open_words[0]]) if open_words else WordedScale()
