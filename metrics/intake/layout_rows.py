"""Rows under a table's header that are not data: blank rows, 소계/합계/TOTAL rows and footnotes.

Each function marks rows in `reasons` (an object array, "" for a row kept) with whole-array
operations, so a sheet of 100,000 rows costs a few passes, not a Python loop per row.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from metrics.intake.reading import Merged

LEADING_LABELS = 3  # how many leading label cells may carry a total's name (KOSIS: 전국 | 소계 | ...)

# Compared after removing spaces (incl. U+3000), colons and brackets, casefolded.
TOTAL_LABELS = frozenset(
    {"소계", "합계", "계", "총계", "총합계", "누계", "평균", "전체합계", "합", "총합", "중계"}
    | {"total", "totals", "subtotal", "sub-total", "grandtotal", "sum", "average", "합계금액"}
    # the statistics a survey's result sheet writes under its responses
    | {"응답자수", "응답수", "응답인원", "표준편차", "최댓값", "최솟값", "중앙값", "mean", "median", "count", "stdev"}
)
NOTE = re.compile(
    r"^\s*(※|\*|주\s*\d*\s*[:)：]|자료\s*[:：]|출처\s*[:：]|\(?\s*단위\s*[:：]|source\s*[:：]|notes?\s*[:：\d]"
    r"|기준\s*일?\s*[:：]|작성\s*일?\s*[:：])",
    re.IGNORECASE,
)
_TOTAL_NOISE = re.compile(r"[\s:：()\[\]<>·]")


def is_blank(value: object) -> bool:
    """None, NaN or text of spaces only."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def fill_merged_down(grid: np.ndarray, merged: Merged, first_data: int) -> np.ndarray:
    """The grid with each cell merged down over data rows shown in every row it covers.

    Offices merge a course name and its dates down over the course's trainees; Excel keeps the value
    in the top cell only, but a person reads it on every row. Returns `grid` itself when nothing is
    merged down under the header, else a copy.
    """
    down = sorted({(c0, r0, r1) for r0, c0, r1, _c1 in merged if r1 > r0 and r0 >= first_data and r0 < len(grid)})
    if not down:
        return grid
    grid = grid.copy()
    done: dict[int, int] = {}  # column -> last row filled: ranges that overlap (no Excel file has them) fill each cell once
    for c0, r0, r1 in down:
        if c0 >= grid.shape[1] or is_blank(grid[r0, c0]):
            continue
        first = max(r0, done.get(c0, -1)) + 1
        last = min(r1, len(grid) - 1)
        if first > last:
            continue
        done[c0] = last
        rows = slice(first, last + 1)
        column = grid[rows, c0]
        blank = np.fromiter((is_blank(v) for v in column), dtype=bool, count=len(column))
        column[blank] = grid[r0, c0]
        grid[rows, c0] = column
    return grid


def mark_whitespace_rows(
    grid: np.ndarray, counts: np.ndarray, data: np.ndarray, reasons: np.ndarray
) -> None:
    """A row whose only cell is spaces is blank too (checked on the one-cell rows only, one cell each)."""
    rows = data[counts[data] == 1]
    if not len(rows):
        return
    sub = grid[rows]
    cells = sub[np.arange(len(rows)), np.argmax(~pd.isna(sub) & (sub != ""), axis=1)]
    spaces = np.fromiter((isinstance(v, str) and not v.strip() for v in cells), dtype=bool, count=len(cells))
    reasons[rows[spaces]] = "blank"


def mark_totals(grid: np.ndarray, filled: np.ndarray, data: np.ndarray, reasons: np.ndarray) -> None:
    """소계/합계/TOTAL rows: one of the first label cells names a total (Seoul: 2017.1/4 | 합계 | ...).

    Labels repeat down a column, so each distinct value is judged once and the verdicts spread back
    to the rows through the factorized codes.
    """
    rows = data[reasons[data] == ""]
    if not len(rows):
        return
    order = np.cumsum(filled[rows], axis=1, dtype=np.int16)  # Excel rows are at most 16,384 wide
    still_labels = np.ones(len(rows), dtype=bool)  # every cell before this one was text
    is_total = np.zeros(len(rows), dtype=bool)
    for k in range(1, LEADING_LABELS + 1):
        if not still_labels.any():
            break
        present = order[:, -1] >= k
        values = grid[rows, np.argmax(order >= k, axis=1)]
        codes, uniques = pd.factorize(values, use_na_sentinel=True)  # code -1 picks the trailing False
        text = np.array([isinstance(u, str) for u in uniques] + [False], dtype=bool)
        total = np.array([isinstance(u, str) and _names_total(u) for u in uniques] + [False], dtype=bool)
        is_total |= still_labels & present & total[codes]
        still_labels &= present & text[codes]
    reasons[rows[is_total]] = "total"


def mark_repeated_headers(grid: np.ndarray, data: np.ndarray, reasons: np.ndarray, header_rows: list[int]) -> None:
    """The header written again under the data (a block per course, a header per printed page): most of the row's
    cells, and at least two, repeat the header's own cells in their columns. Not data, whatever the kind."""
    rows = data[reasons[data] == ""]
    if not len(rows) or not header_rows:
        return
    matches = np.zeros(len(rows), dtype=np.int32)
    for c in range(grid.shape[1]):
        words = {w for v in grid[header_rows, c] if isinstance(v, str) and v.strip() for w in (v, v.strip())}
        if words:  # compared as written: a header copied down is the same text (a hashed look-up per cell)
            matches += pd.Series(grid[rows, c], dtype=object).isin(words).to_numpy(dtype=bool)
    if not matches.any():
        return
    cells = (~pd.isna(grid[rows]) & (grid[rows] != "")).sum(axis=1)
    reasons[rows[(matches >= 2) & (matches * 5 >= cells * 3)]] = "header"


def _names_total(text: str) -> bool:
    return len(text) <= 16 and _TOTAL_NOISE.sub("", text).casefold() in TOTAL_LABELS


def mark_footnotes(
    grid: np.ndarray, filled: np.ndarray, counts: np.ndarray, data: np.ndarray, reasons: np.ndarray
) -> None:
    """Notes under the table (※, *, 주), 자료:, 출처, Source): walk up from the bottom until real data."""
    for i in data[::-1]:
        if reasons[i] == "blank":
            continue
        first = grid[i, int(np.argmax(filled[i]))]
        if counts[i] <= 2 and isinstance(first, str) and NOTE.match(first):
            reasons[i] = "footnote"
            continue
        break
