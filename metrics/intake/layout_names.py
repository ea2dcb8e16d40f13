"""A table's header names: stacked header rows joined, merged cells filled, survey tools' import ids read.

metrics.intake.layout finds which rows are the header; this module says what each column is called.
"""

from __future__ import annotations

import html
import json
import math
import re
from datetime import date, datetime, time

import numpy as np
from openpyxl.utils import get_column_letter

from metrics.intake.reading import Merged

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>")

IMPORT_ID = '{"importid"'

# What SurveyMonkey writes under a question that has no options, in English and Korean exports.
RESPONSE_WORDS = frozenset({"Response", "Open-Ended Response", "응답", "개방형 응답", "주관식 응답"})


def without_response_words(names: list[str]) -> list[str]:
    """ "Question / Response" is the question alone (SurveyMonkey writes Response or 응답 under a question)."""
    out = []
    for name in names:
        parts = name.split(" / ")
        while len(parts) > 1 and parts[-1] in RESPONSE_WORDS:
            parts.pop()
        out.append(" / ".join(parts))
    return out


def import_id_names(grid: np.ndarray, text_rows: list[int], bottom: int, names: list[str]) -> list[str]:
    """Qualtrics: a column that is no question (ImportId not QID…) keeps its export tag (StartDate, Status).

    The second row holds labels in the survey's language (Anfangsdatum, 시작 날짜); the tags of the first
    row are the same in every language, so the bookkeeping list can name them once.
    """
    tags_row = text_rows[0] - 1
    if bottom == text_rows[-1] or tags_row < 0 or len(text_rows) != 1:
        return names
    renamed = list(names)
    for c, cell in enumerate(grid[bottom]):
        import_id = _import_id(cell)
        tag = clean_header_text(grid[tags_row, c])
        if import_id and tag and not import_id.upper().startswith("QID"):
            renamed[c] = tag
    return renamed


def _import_id(cell: object) -> str:
    """The id in a Qualtrics {"ImportId":"..."} cell, "" for anything else."""
    if not isinstance(cell, str) or not cell.lstrip().lower().startswith(IMPORT_ID):
        return ""
    try:
        found = json.loads(cell)
    except ValueError:
        return ""
    return str(found.get("ImportId", "")) if isinstance(found, dict) else ""


def merges_near_top(merged: Merged, rows: int) -> Merged:
    """The merged ranges that start in the first `rows` rows, each once: the only ones a header can use."""
    return tuple(sorted({m for m in merged if m[0] < rows}))


def header_names(grid: np.ndarray, text_rows: list[int], merged: Merged, n_cols: int) -> list[str]:
    """One name per column: the parts of the stacked header rows joined with " / ", repeats skipped."""
    parts = [[clean_header_text(v) for v in grid[r]] for r in text_rows]
    for k, r in enumerate(text_rows):  # a merged cell shows its value over the whole area
        over_row = [m for m in merged if m[0] <= r <= m[2] and m[0] >= text_rows[0]]
        if over_row:
            _fill_merged(parts[k], over_row, grid, n_cols)
    if not merged:  # without merge information, a group label covers the blanks to its right
        for row in parts[:-1]:
            _fill_groups_right(row)
    names = []
    for c in range(n_cols):
        column: list[str] = []
        for row in parts:
            if row[c] and (not column or column[-1] != row[c]):
                column.append(row[c])
        if len(column) > 1 and column[-1] == "Response":
            column.pop()
        names.append(" / ".join(column) or f"열 {get_column_letter(c + 1)}")
    return names


def _fill_merged(row: list[str], merged: list[tuple[int, int, int, int]], grid: np.ndarray, n_cols: int) -> None:
    """Blank cells of a header row take the value of the first merged range over them.

    Each cell is filled at most once (a pointer skips past cells already holding text), so ranges
    that overlap (as no Excel file has, but a made-up one can) cost no more than ranges that do not.
    """
    skip = list(range(n_cols + 1))  # skip[c]: the first cell at or right of c that may still be blank

    def next_blank(c: int) -> int:
        while skip[c] != c:
            skip[c] = skip[skip[c]]
            c = skip[c]
        return c

    for c, text in enumerate(row):
        if text:
            skip[c] = c + 1
    for r0, c0, _r1, c1 in merged:
        if c0 >= n_cols:
            continue
        value = clean_header_text(grid[r0, c0]) if r0 < len(grid) else ""
        if not value:
            continue
        c = next_blank(c0)
        while c <= min(c1, n_cols - 1):
            row[c] = value
            skip[c] = c + 1
            c = next_blank(c + 1)


def _fill_groups_right(row: list[str]) -> None:
    """Forward-fill group labels; when the groups so far are equally wide, the last one is no wider."""
    starts = [c for c, text in enumerate(row) if text]
    spans = {b - a for a, b in zip(starts, starts[1:], strict=False)}
    last_span = spans.pop() if len(spans) == 1 else len(row)
    for c in range(1, len(row)):
        if not row[c] and (not starts or c < starts[-1] + last_span):
            row[c] = row[c - 1]


def clean_header_text(value: object) -> str:
    """Header text as a person reads it: no HTML tags, no line breaks, single spaces, no U+3000."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    elif isinstance(value, date | time):
        text = value.isoformat()
    else:
        text = str(value)
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    return " ".join(text.split())


def unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for name in names:
        candidate, n = name, 1
        while candidate in seen:
            n += 1
            candidate = f"{name} ({n})"
        seen.add(candidate)
        result.append(candidate)
    return result
