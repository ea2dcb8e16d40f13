"""Raw sheet -> one table: find the header among titles and notes, join stacked header rows, drop totals.

Public-data exports and survey tools put things around the table that a person skips without
thinking: a title, "(단위: 명)", a 3-row header with the group label repeated or merged, a 합계 row,
"※ 자료: ..." under it. This module does that skipping, and remembers the Excel row number of
every row it keeps so that later messages can say "row 57" and mean the row the user sees.

Only the first rows are looked at cell by cell (to find the header); the rest of the sheet is
handled with whole-array operations plus one short pass for totals and footnotes (metrics.intake.layout_rows);
the header rows found, metrics.intake.layout_names says what each column is called.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from metrics.intake.decoding import BROKEN_CHARACTER, UNDECODABLE
from metrics.intake.layout_names import (
    IMPORT_ID,
    RESPONSE_WORDS,
    clean_header_text,
    header_names,
    import_id_names,
    merges_near_top,
    unique,
    without_response_words,
)
from metrics.intake.layout_rows import (
    NOTE,
    fill_merged_down,
    is_blank,
    mark_footnotes,
    mark_repeated_headers,
    mark_totals,
    mark_whitespace_rows,
)
from metrics.intake.read_errors import unreadable
from metrics.intake.reading import Merged, RawSheet, RowFinding

HEADER_WINDOW = 30  # rows searched for the header
BROKEN_TEXT = (UNDECODABLE, BROKEN_CHARACTER)  # findings that leave U+FFFD in the text
MAX_HEADER_ROWS = 5
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?([.,]\d+)?\s*%?$")
_DATE = re.compile(r"^\d{4}\s*[-./년]\s*\d{1,2}(\s*[-./월]\s*\d{1,2}\s*일?)?([ T]\d{1,2}:\d{2}(:\d{2})?)?$")
_TIME = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")
_YEAR = re.compile(r"^(19|20)\d{2}\s*년?$")
_MISSING = {"-", "—", ".", "…"}


@dataclass(frozen=True)
class Table:
    """The table found in a sheet: unique headers, raw data rows, and where each row sits in Excel."""

    sheet: str
    headers: list[str]
    frame: pd.DataFrame
    excel_rows: np.ndarray
    header_rows: tuple[int, ...]
    skipped: tuple[tuple[int, str], ...]
    findings: tuple[RowFinding, ...] = ()  # kept rows whose bytes needed help to read; `row` is the Excel row


def locate_table(sheet: RawSheet, *, header_hint: Callable[[str], float] | None = None,
                 contract_names: Callable[[str], bool] | None = None) -> Table:
    """Find the header, keep the data rows under it, and record every row left out and why.

    `contract_names` (whether a label names a column of the contract) lets a header written in two
    languages be told from a header over a row of answers.
    """
    grid = sheet.grid
    filled = ~pd.isna(grid) & (grid != "")
    counts = filled.sum(axis=1)
    window_rows = range(min(len(grid), HEADER_WINDOW + MAX_HEADER_ROWS + 4))
    window = [_row_info(grid[i], np.flatnonzero(filled[i]), header_hint) for i in window_rows]
    width = max([info.filled for info in window if info.kind == "row"], default=1)
    for info in window:
        if info.kind == "row" and info.filled == 1 and width > 1:
            info.kind = "title"  # one cell across a wide sheet
    header = _find_header(window, width, merges_near_top(sheet.merged, len(window)), grid, contract_names)
    filled_down = fill_merged_down(grid, sheet.merged, header.first_data)
    if filled_down is not grid:
        grid = filled_down
        filled = ~pd.isna(grid) & (grid != "")
        counts = filled.sum(axis=1)
    reasons = np.full(len(grid), "", dtype=object)
    for i in range(header.first_data):
        reasons[i] = _above_data_reason(i, header, window)
    data = np.arange(header.first_data, len(grid))
    reasons[data[counts[data] == 0]] = "blank"
    mark_whitespace_rows(grid, counts, data, reasons)
    mark_totals(grid, filled, data, reasons)
    mark_repeated_headers(grid, data, reasons, header.text_rows)
    mark_footnotes(grid, filled, counts, data, reasons)
    kept = data[reasons[data] == ""]
    named = np.zeros(grid.shape[1], dtype=bool)
    for r in header.text_rows:
        named |= np.array([bool(text) for text in window[r].texts])
    columns = np.flatnonzero(filled[kept].any(axis=0) | named)
    headers = unique([header.names[c] for c in columns])
    if not len(kept) and len(headers) < 2:  # a lone title or a single word is not a table
        raise unreadable("empty_sheet", sheet=sheet.name)
    cells = grid[np.ix_(kept, columns)]
    frame = pd.DataFrame(cells, columns=headers, dtype=object)
    skipped = tuple((int(i) + 1, str(reasons[i])) for i in np.flatnonzero(reasons != ""))
    return Table(
        sheet=sheet.name,
        headers=headers,
        frame=frame,
        excel_rows=kept.astype(np.int64) + 1,
        header_rows=tuple(i + 1 for i in header.text_rows),
        skipped=skipped,
        findings=_findings_of_rows(sheet, header.text_rows, kept, cells),
    )


def _findings_of_rows(
    sheet: RawSheet, header_rows: list[int], kept: np.ndarray, cells: np.ndarray
) -> tuple[RowFinding, ...]:
    """The findings of the rows kept as data (by Excel row); a header with broken characters is refused.

    Text files carry their findings from decoding. A workbook's text was decoded by its parser (an xls
    in a code page may come with U+FFFD): its kept cells are searched for U+FFFD here.
    """
    if sheet.source != "csv":
        return tuple(RowFinding(int(kept[i]) + 1, BROKEN_CHARACTER) for i in _rows_with_broken_text(cells))
    findings = sheet.findings
    if not findings:
        return ()
    for f in findings:
        if f.row in header_rows and f.code in BROKEN_TEXT:
            raise unreadable("header_encoding", row=f.row + 1)
    keep = set(kept.tolist())
    return tuple(RowFinding(f.row + 1, f.code, f.detail) for f in findings if f.row in keep)


def _rows_with_broken_text(cells: np.ndarray) -> list[int]:
    """Rows of `cells` with a U+FFFD in a text cell: one pass over the text to find out, rows only then."""
    texts = [v for v in cells.ravel() if type(v) is str]
    if "\ufffd" not in "".join(texts):
        return []
    return [i for i, row in enumerate(cells) if any(type(v) is str and "\ufffd" in v for v in row)]


# ---------------------------------------------------------------- what each of the first rows looks like


def _kind_of_text(value: object) -> str:
    """ "label", "year", "value" or "missing" for one non-empty cell."""
    if isinstance(value, bool):
        return "value"
    if isinstance(value, int | float):
        return "year" if float(value).is_integer() and 1900 <= value <= 2100 else "value"
    if not isinstance(value, str):
        return "value"  # dates, times, durations
    text = value.strip()
    if text in _MISSING:
        return "missing"
    if _YEAR.match(text):
        return "year"
    if _NUMBER.match(text) and any(ch.isdigit() for ch in text) or _DATE.match(text) or _TIME.match(text):
        return "value"
    return "label"


@dataclass
class _RowInfo:
    kind: str  # "blank", "note", "row"; "title" once the table width is known
    filled: int
    score: float
    label_share: float
    all_text: bool
    first_col: int
    first_text: str
    texts: list[str]


def _row_info(row: np.ndarray, filled: np.ndarray, header_hint: Callable[[str], float] | None) -> _RowInfo:
    """What one of the first rows looks like; `filled` holds the columns of its non-empty cells."""
    cells = [(int(c), row[c]) for c in filled if not is_blank(row[c])]
    texts = [""] * len(row)
    for c, v in cells:
        texts[c] = clean_header_text(v)
    if not cells:
        return _RowInfo("blank", 0, 0.0, 0.0, False, -1, "", texts)
    notes = [c for c, v in cells if isinstance(v, str) and NOTE.match(v)]
    content = [(c, v) for c, v in cells if c not in notes]
    first_col = cells[0][0]
    first_text = texts[first_col]
    all_text = all(isinstance(v, str) for _, v in cells)
    if not content or (notes and notes[0] == first_col and len(cells) <= 2):
        return _RowInfo("note", len(cells), 0.0, 0.0, all_text, first_col, first_text, texts)
    kinds = [_kind_of_text(v) for _, v in content]
    share = (kinds.count("label") + 0.5 * kinds.count("year")) / len(content)
    labels = [texts[c] for (c, _), k in zip(content, kinds, strict=True) if k == "label"]
    distinct = len(set(labels)) / len(labels) if labels else 0.0
    hint = (
        sum(min(max(header_hint(t), 0.0), 1.0) for t in labels) / len(labels)
        if header_hint and labels
        else 0.0
    )
    score = share * (0.5 + 0.5 * distinct) + hint  # fill is applied once the table width is known
    return _RowInfo("row", len(content), score, share, all_text, first_col, first_text, texts)


# ---------------------------------------------------------------- the header


@dataclass
class _Header:
    top: int
    bottom: int  # last row belonging to the header block (incl. a Qualtrics ImportId row)
    text_rows: list[int]
    names: list[str]

    @property
    def first_data(self) -> int:
        return self.bottom + 1


def _find_header(window: list[_RowInfo], width: int, merged: Merged, grid: np.ndarray,
                 contract_names: Callable[[str], bool] | None = None) -> _Header:
    n_cols = grid.shape[1]
    scores = [
        info.score * min(info.filled / width, 1.0)
        if info.kind == "row" and info.label_share >= 0.5 and (info.filled >= 2 or width == 1)
        else -1.0
        for info in window[:HEADER_WINDOW]
    ]
    best = max(scores, default=-1.0)
    if best <= 0:
        first = next((i for i, info in enumerate(window) if info.kind == "row"), 0)
        return _Header(first, first - 1, [], [f"열 {get_column_letter(c + 1)}" for c in range(n_cols)])
    top = bottom = next(i for i, s in enumerate(scores) if s >= 0.75 * best)
    bilingual = _bilingual_rows(window, top, contract_names) if contract_names else None
    if bilingual is not None:
        upper, lower = bilingual
        chosen = max((lower, upper), key=lambda r: _hangul_share(window[r]))  # the Korean row names the columns
        names = without_response_words(header_names(grid, [chosen], merged, n_cols))
        return _Header(upper, lower, [chosen], names)
    pair = _question_and_option_rows(window, width, top, merged)
    if pair is not None:
        names = without_response_words(header_names(grid, [pair, pair + 1], merged, n_cols))
        return _Header(pair, pair + 1, [pair, pair + 1], names)
    top, bottom = _extend_by_merges(top, bottom, merged, len(window) - 1)
    while top > 0 and bottom - top + 1 < MAX_HEADER_ROWS and _continues_upward(window[top - 1], window[top]):
        top -= 1
    text_rows = list(range(top, bottom + 1))
    while bottom + 1 < len(window) and len(text_rows) < MAX_HEADER_ROWS:
        below = window[bottom + 1]
        if _is_import_id_row(below):  # Qualtrics: tags / question text / {"ImportId":...}
            text_rows = text_rows[-1:] if len(text_rows) > 1 else text_rows
            bottom += 1
            break
        if bottom + 2 < len(window) and _is_import_id_row(window[bottom + 2]) and below.all_text:
            text_rows, bottom = [bottom + 1], bottom + 2
            break
        if not _continues_downward(below, window, text_rows, bottom + 1):
            break
        bottom += 1
        text_rows.append(bottom)
        top, bottom = _extend_by_merges(top, bottom, merged, len(window) - 1)
        text_rows = sorted(set(text_rows) | set(range(text_rows[0], bottom + 1)))
    names = header_names(grid, text_rows, merged, n_cols)
    names = import_id_names(grid, text_rows, bottom, names)
    return _Header(top, bottom, text_rows, without_response_words(names))


def _question_and_option_rows(window: list[_RowInfo], width: int, top: int, merged: Merged) -> int | None:
    """The first of two header rows written without merges: questions above, their options below.

    SurveyMonkey and staff-tidied sheets write a question once over its options' columns and the options
    in the row below, blank under the columns that stand alone. The two rows complement each other: the
    lower fills gaps of the upper and is blank under its first column; together they name every column.
    Data under a header fills that first column, so it is not taken for a second header row.
    """
    for r in range(0, min(top + 1, len(window) - 1)):
        upper, lower = window[r], window[r + 1]
        if upper.kind != "row" or lower.kind != "row" or upper.label_share < 0.8 or lower.label_share < 1.0:
            continue
        if any(r0 <= r + 1 and r1 >= r for r0, _c0, r1, _c1 in merged):
            continue  # merged headers are read from their merges
        above = {c for c, text in enumerate(upper.texts) if text}
        below = {c for c, text in enumerate(lower.texts) if text}
        gaps_filled = {c for c in below - above if c > min(above)}
        stand_alone = above - below
        names_all = len(above | below) >= width
        starts_blank = upper.first_col not in below or bool(RESPONSE_WORDS & set(lower.texts))
        if gaps_filled and stand_alone and names_all and starts_blank:
            return r
    return None


def _bilingual_rows(window: list[_RowInfo], top: int, contract_names: Callable[[str], bool]) -> tuple[int, int] | None:
    """Two header rows saying the same in two languages (Timestamp | Course over 타임스탬프 | 교육과정명, or the
    reverse): both all labels over the same columns, one without Hangul and the other mostly Hangul, the Korean
    one naming the contract's columns (so that a row of Korean answers under an English header stays data), and
    a data row under them that holds a value (a date, a number)."""
    for r in (top - 1, top):
        if r < 0 or r + 2 >= len(window):
            continue
        a, b, after = window[r], window[r + 1], window[r + 2]
        labels = all(i.kind == "row" and i.all_text and i.label_share == 1.0 and i.filled >= 2 for i in (a, b))
        if not labels or after.kind != "row" or after.label_share >= 1.0:
            continue
        same_columns = [bool(t) for t in a.texts] == [bool(t) for t in b.texts]
        shares = sorted((_hangul_share(a), _hangul_share(b)))
        korean = a if _hangul_share(a) > _hangul_share(b) else b
        if same_columns and shares[0] == 0.0 and shares[1] >= 0.5 and not _same_stub(a, b) and \
                _names_contract(korean, contract_names):
            return r, r + 1
    return None


def _names_contract(info: _RowInfo, contract_names: Callable[[str], bool]) -> bool:
    """Most of a row's labels name a column of the contract (an alias, or a keyword in them)."""
    texts = [t for t in info.texts if t]
    return sum(contract_names(t) for t in texts) >= 0.5 * len(texts)


def _hangul_share(info: _RowInfo) -> float:
    """Share of a row's texts with a Hangul syllable in them."""
    texts = [t for t in info.texts if t]
    return sum(any("가" <= ch <= "힣" for ch in t) for t in texts) / len(texts) if texts else 0.0


def _extend_by_merges(top: int, bottom: int, merged: Merged, last_row: int) -> tuple[int, int]:
    """Grow the header block to cover cells merged vertically across it (A1:A5 next to B1:B4...)."""
    changed = True
    while changed:
        changed = False
        for r0, _c0, r1, _c1 in merged:
            if r1 > r0 and r0 <= bottom and r1 >= top and r1 - r0 < MAX_HEADER_ROWS:
                new_top, new_bottom = min(top, r0), min(max(bottom, r1), last_row)
                if (new_top, new_bottom) != (top, bottom) and new_bottom - new_top < MAX_HEADER_ROWS:
                    top, bottom, changed = new_top, new_bottom, True
    return top, bottom


def _continues_upward(above: _RowInfo, header: _RowInfo) -> bool:
    """A group row right above the header: repeated stub labels, or fewer text cells spanning groups."""
    if above.kind != "row" or not above.all_text:
        return False
    if _same_stub(above, header) or _says_response(header):  # SurveyMonkey: question above options
        return True
    return above.filled < header.filled and above.first_col >= header.first_col


def _continues_downward(below: _RowInfo, window: list[_RowInfo], text_rows: list[int], index: int) -> bool:
    if below.kind == "blank" or below.kind == "note" or not below.all_text:
        return False
    last = window[text_rows[-1]]
    if _same_stub(window[text_rows[0]], below):
        return True
    if _says_response(below):  # SurveyMonkey: row 2 holds Response (응답) or the option texts
        return True
    group_like = _has_gaps(last) or len(set(filter(None, last.texts))) < last.filled
    below_that = [info.label_share for info in window[index + 1 : index + 6] if info.kind in ("row", "title")]
    following = below_that[:3]  # the rows under a header continuation read as data, not labels
    contrast = bool(following) and sum(following) / len(following) <= below.label_share - 0.3
    return group_like and below.label_share >= 0.8 and contrast


def _says_response(info: _RowInfo) -> bool:
    """SurveyMonkey's row under its questions: "Response", or Response (응답) under at least half its columns.

    A Korean export whose questions all have a single answer has 응답 under each; a data row rarely holds
    that word in half its cells, while one cell of 응답 (a call answered) is an ordinary value.
    """
    if "Response" in info.texts:
        return True
    said = sum(text in RESPONSE_WORDS for text in info.texts)
    return info.filled > 0 and said >= max(2, info.filled / 2)


def _same_stub(upper: _RowInfo, lower: _RowInfo) -> bool:
    """Both rows start with the same label in the same column (Seoul, KOSIS: 기간 | 기간 | 기간)."""
    wide = upper.filled >= 2 and lower.filled >= 2
    return wide and upper.first_col == lower.first_col >= 0 and upper.first_text == lower.first_text != ""


def _has_gaps(info: _RowInfo) -> bool:
    used = [c for c, text in enumerate(info.texts) if text]
    return bool(used) and len(used) < used[-1] - used[0] + 1


def _is_import_id_row(info: _RowInfo) -> bool:
    texts = [t for t in info.texts if t]
    return bool(texts) and sum(t.lower().startswith(IMPORT_ID) for t in texts) >= 0.5 * len(texts)


# ---------------------------------------------------------------- rows that are not data


def _above_data_reason(i: int, header: _Header, window: list[_RowInfo]) -> str:
    """Why a row above the data is left out; "" for the rows that give the header its names."""
    if header.top <= i <= header.bottom:
        return "" if i in header.text_rows else "header"
    kind = window[i].kind if i < len(window) else "row"
    return {"blank": "blank", "note": "note"}.get(kind, "title")
