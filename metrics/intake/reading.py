"""Upload bytes -> raw sheets: every cell as the Python value the file holds, nothing guessed yet.

The format comes from the bytes, not the name: people rename files, and public-data portals serve
web pages and tab-separated text under an .xls name. Workbooks go through python-calamine once the
checks in `filesafety` have passed; text goes through the csv module with every value kept as text.
Every failure leaves here as one `UnreadableFileError` with a reason code and a bilingual message.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import TypeAlias, TypeVar

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from metrics.intake.decoding import UNDECODABLE, DecodedText, decode
from metrics.intake.filesafety import (
    CFB_MAGIC,
    ZIP_MAGICS,
    MiB,
    UnreadableFileError,
    check_size,
    inspect_cfb,
    inspect_zip,
    unreadable,
)
from metrics.intake.gridsize import MAX_CELLS, MAX_COLUMNS, MAX_MERGED, MAX_SHEETS
from metrics.settings import load_settings

__all__ = [
    "RawSheet",
    "RowFinding",
    "UnreadableFileError",
    "open_upload",
    "read_all_sheets",
    "read_sheet",
    "sheet_names",
]

T = TypeVar("T")
# A sheet's merged ranges, each (first row, first column, last row, last column), counted from 0.
Merged: TypeAlias = tuple[tuple[int, int, int, int], ...]
CSV_SHEET = "csv"
EXCEL_SUFFIXES = {".xls", ".xlsx", ".xlsm", ".xlsb", ".ods"}
DELIMITERS = (",", ";", "\t", "|")
SNIFF_CHARS = 64 * 1024
_MARKUP_START = re.compile(r"<\s*(!doctype|html|head|body|table|meta|style|\?xml)", re.IGNORECASE)


@dataclass(frozen=True)
class RowFinding:
    """Something odd about the bytes of one row (0-based grid row): a code of metrics.intake.findings and its detail."""

    row: int
    code: str
    detail: str = ""


@dataclass(frozen=True, eq=False)
class RawSheet:
    """One sheet as stored: grid[i] is Excel row i + 1 (CSV: record i + 1), None for an empty cell.

    `grid` is a 2-D object array (ragged text rows padded with None on the right). Cells are str,
    int, float, bool, datetime, date, time or timedelta. Error cells (#DIV/0!, #N/A) come back from
    calamine as empty text, so they read as None. `merged` lists merged ranges as
    (first_row, first_col, last_row, last_col), 0-based and inclusive (xlsx and xls only).
    `findings` lists rows whose bytes needed help to read (CSV only). `complete` is False for a
    preview that holds only the first rows of the sheet.
    """

    name: str
    grid: np.ndarray
    source: str
    merged: Merged = ()
    findings: tuple[RowFinding, ...] = ()
    complete: bool = True

    @classmethod
    def from_rows(
        cls, name: str, rows: Sequence[Sequence[object]], source: str,
        merged: Merged = (), findings: tuple[RowFinding, ...] = (),
    ) -> RawSheet:
        return cls(name=name, grid=_padded_grid(rows), source=source, merged=merged, findings=findings)

    @property
    def rows(self) -> list[list[object]]:
        """The grid as lists of cells (for tests and small sheets; the pipeline uses `grid`)."""
        rows: list[list[object]] = self.grid.tolist()
        return rows

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RawSheet):
            return NotImplemented
        same_shape = self.grid.shape == other.grid.shape
        mine = (self.name, self.source, self.merged, self.findings, self.complete)
        return mine == (other.name, other.source, other.merged, other.findings, other.complete) and (
            same_shape and self.rows == other.rows
        )

    __hash__ = None  # type: ignore[assignment]  # equal by content, mutable array inside


def _padded_grid(rows: Sequence[Sequence[object]]) -> np.ndarray:
    """The rows as one object array, ragged rows padded with None on the right."""
    widths = set(map(len, rows))
    width = max(widths, default=0) or 1
    if widths == {width}:  # rectangular: one assignment, no loop over rows
        grid = np.empty((len(rows), width), dtype=object)
        grid[:] = rows  # assigning into an object array never lets numpy split a cell that is a sequence
        return grid
    grid = np.full((len(rows), width), None, dtype=object)
    for i, row in enumerate(rows):
        grid[i, : len(row)] = row
    return grid


def _calamine_grid(rows: Sequence[Sequence[object]]) -> np.ndarray:
    """calamine's rectangular rows as an object array, its "" for empty cells turned into None."""
    if len(set(map(len, rows))) != 1:  # calamine's ranges are rectangular; be safe if one is not
        grid = _padded_grid(rows)
    else:
        grid = np.empty((len(rows), len(rows[0])), dtype=object)
        grid[:] = rows  # assigning into an object array never lets numpy split a cell that is a sequence
    grid[grid == ""] = None
    return grid


# ---------------------------------------------------------------- an upload, opened once


class Upload:
    """An upload checked once and opened once: its sheet names, and its sheets read whole or in part.

    The limits hold for the whole workbook, however many sheets are read: the number of sheets, the
    cells of every sheet loaded (each counted once) and their merged ranges. Use it as a context
    manager (`open_upload`); the calamine workbook is closed on exit.
    """

    def __init__(self, data: bytes, filename: str, *, max_bytes: int | None = None) -> None:
        self.kind = _checked_kind(data, filename, max_bytes)
        self.max_rows = load_settings().max_rows
        self._data = data
        self._book: CalamineWorkbook | None = None
        self._text: DecodedText | None = None
        self._csv: RawSheet | None = None
        self._counted: set[str] = set()
        self._cells = self._merged = 0
        if self.kind == "csv":
            self._text = _open_text(data, filename)
            self.names, self._every_name = [CSV_SHEET], [CSV_SHEET]
            return
        self._book = _guarded(lambda: CalamineWorkbook.from_filelike(io.BytesIO(data)))
        try:
            self.names, self._every_name = _worksheets(self._book), self._book.sheet_names
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Upload:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._book is not None:
            self._book.close()
            self._book = None

    def match(self, wanted: str | None) -> str:
        """The sheet called `wanted` (spaces around it and case aside), or the first visible one for None."""
        return self.names[0] if wanted is None else _match_sheet(wanted, self.names, self._every_name)

    def sheet(self, name: str) -> RawSheet:
        """The whole sheet `name` as a grid."""
        return self._read(name, None)

    def preview(self, name: str, rows: int) -> RawSheet:
        """The first `rows` rows of sheet `name` (the whole sheet when it is no longer: `complete`)."""
        return self._read(name, rows)

    def _read(self, name: str, rows: int | None) -> RawSheet:
        if self._text is not None:
            if name != CSV_SHEET:
                raise unreadable("no_such_sheet", sheet=name, available=CSV_SHEET)
            if self._csv is None:
                self._csv = _csv_sheet(self._text, self.max_rows)
            return self._csv
        assert self._book is not None, "the upload is closed"
        book = self._book
        return _guarded(lambda: _load_sheet(book, name, self.kind, self.max_rows, rows, self._count))

    def _count(self, name: str, cells: int, merged: int) -> None:
        """Add a sheet's cells and merged ranges to the workbook's totals, once per sheet; refuse past a limit."""
        if name in self._counted:
            return
        self._counted.add(name)
        self._cells += cells
        self._merged += merged
        if self._cells > MAX_CELLS:
            raise unreadable("workbook_too_many_cells", cells=self._cells, limit=MAX_CELLS)
        if self._merged > MAX_MERGED:
            raise unreadable("too_many_merged", count=self._merged, limit=MAX_MERGED)


def open_upload(data: bytes, filename: str, *, max_bytes: int | None = None) -> Upload:
    """Check an upload and open it (a context manager); raises UnreadableFileError with the reason."""
    return Upload(data, filename, max_bytes=max_bytes)


def sheet_names(data: bytes, filename: str, *, max_bytes: int | None = None) -> list[str]:
    """Names of the visible worksheets (chart sheets left out); ["csv"] for a text file."""
    with open_upload(data, filename, max_bytes=max_bytes) as upload:
        return upload.names


def read_sheet(
    data: bytes, filename: str, sheet: str | None = None, *, max_bytes: int | None = None
) -> RawSheet:
    """One sheet, by name or else the first visible worksheet."""
    with open_upload(data, filename, max_bytes=max_bytes) as upload:
        return upload.sheet(upload.match(sheet))


def read_all_sheets(data: bytes, filename: str, *, max_bytes: int | None = None) -> list[RawSheet]:
    """Every visible worksheet that holds data, in workbook order (within the workbook's cell limit)."""
    sheets: list[RawSheet] = []
    first_empty: UnreadableFileError | None = None
    with open_upload(data, filename, max_bytes=max_bytes) as upload:
        for name in upload.names:
            try:
                sheets.append(upload.sheet(name))
            except UnreadableFileError as exc:
                if exc.code != "empty":
                    raise
                first_empty = first_empty or exc
    if not sheets and first_empty is not None:
        raise first_empty
    return sheets


# ---------------------------------------------------------------- format and safety


def _checked_kind(data: bytes, filename: str, max_bytes: int | None) -> str:
    """ "xlsx", "xlsb", "ods", "xls" or "csv", after the checks that must pass before parsing."""
    if max_bytes is None:
        max_bytes = int(load_settings().max_upload_mb * MiB)
    check_size(data, max_bytes)
    if data[:4] in ZIP_MAGICS:
        return inspect_zip(data)
    if data[:8] == CFB_MAGIC:
        return inspect_cfb(data)
    return "csv"


def _open_text(data: bytes, filename: str) -> DecodedText:
    """The decoded lines of a text upload, once it has proved to be text that may hold a table."""
    decoded = decode(data)
    head = decoded.head(SNIFF_CHARS)
    if _MARKUP_START.match(head.lstrip("\ufeff \t\r\n")):
        raise unreadable("html_as_excel")
    if decoded.nul_count > 16 and decoded.nul_count * 100 > len(data):
        raise unreadable("nul_bytes", count=decoded.nul_count)
    if _looks_binary(head):
        raise unreadable("not_spreadsheet", detail="바이너리 파일 / binary file")
    undecodable = decoded.lines_with(UNDECODABLE)
    if len(undecodable) > 5 and len(undecodable) * 10 > decoded.line_count:
        raise unreadable("unknown_encoding", lines=len(undecodable), first=undecodable[0] + 1)
    claims_excel = PurePath(filename).suffix.lower() in EXCEL_SUFFIXES
    if claims_excel and _sniff_delimiter(head) is None:
        # Text saved under an Excel name is common (TSV exports); a line of prose is not a table.
        raise unreadable("corrupt", detail="엑셀 형식이 아님 / not in an Excel format")
    return decoded


def _looks_binary(text: str) -> bool:
    """Many control characters: not text. (U+FFFD is an encoding question, answered per line.)"""
    odd = sum(1 for ch in text if ch < " " and ch not in "\t\r\n\f")
    return odd > 16 and odd / len(text) > 0.05


# ---------------------------------------------------------------- workbooks through calamine


def _guarded(action: Callable[[], T]) -> T:
    """Run a calamine call; whatever it raises comes out as an UnreadableFileError."""
    try:
        return action()
    except UnreadableFileError:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except MemoryError:
        raise unreadable("too_many_cells", cells=MAX_CELLS) from None
    # BaseException on purpose: a Rust panic inside calamine arrives as pyo3's PanicException,
    # which is not an Exception subclass, and must still become a message, not a traceback.
    except BaseException as exc:  # noqa: B036
        raise _translate(exc) from None


def _translate(exc: BaseException) -> UnreadableFileError:
    text = str(exc)
    if isinstance(exc, PasswordError) or "password" in text.lower() or "encrypt" in text.lower():
        return unreadable("encrypted")
    if "cell limit" in text.lower():
        return unreadable("too_many_cells", cells=MAX_CELLS)
    return unreadable("corrupt", detail=f"{type(exc).__name__}: {text[:160]}")


def _worksheets(workbook: CalamineWorkbook) -> list[str]:
    """The visible worksheets (else every worksheet); a workbook of too many sheets is refused."""
    every = workbook.sheets_metadata
    if len(every) > MAX_SHEETS:
        raise unreadable("too_many_sheets", sheets=len(every), limit=MAX_SHEETS)
    worksheets = [m for m in every if m.typ == SheetTypeEnum.WorkSheet]
    if not worksheets:
        raise unreadable("no_sheets")
    visible = [m.name for m in worksheets if m.visible == SheetVisibleEnum.Visible]
    return visible or [m.name for m in worksheets]


def _match_sheet(wanted: str, visible: list[str], every: list[str]) -> str:
    """The sheet called `wanted`, also when it differs only by surrounding spaces or case."""
    if wanted in every:
        return wanted
    loose = {name.strip().casefold(): name for name in every}
    found = loose.get(wanted.strip().casefold())
    if found is None:
        raise unreadable("no_such_sheet", sheet=wanted, available=", ".join(visible))
    return found


def _load_sheet(
    workbook: CalamineWorkbook, name: str, source: str, max_rows: int, nrows: int | None,
    count: Callable[[str, int, int], None],
) -> RawSheet:
    """Sheet `name` as a grid (only its first `nrows` rows when given); `count` adds it to the workbook's totals."""
    sheet = workbook.get_sheet_by_name(name)
    end = sheet.end
    if end is None:
        raise unreadable("empty_sheet", sheet=name)
    height, width = end[0] + 1, end[1] + 1
    if width > MAX_COLUMNS:
        raise unreadable("too_wide", sheet=name, columns=width)
    if height > max_rows:
        raise unreadable("too_many_rows", rows=height, limit=max_rows)
    if height * width > MAX_CELLS:
        raise unreadable("too_many_cells", cells=height * width)
    ranges = sheet.merged_cell_ranges or []
    count(name, height * width, len(ranges))
    # skip_empty_area=False keeps leading empty rows and columns, so rows[i] is Excel row i + 1.
    grid = _calamine_grid(sheet.to_python(skip_empty_area=False, nrows=nrows))
    if not (grid != None).any() and (nrows is None or height <= nrows):  # noqa: E711 - elementwise
        raise unreadable("empty_sheet", sheet=name)
    merged = tuple((r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges)
    return RawSheet(name=name, grid=grid, source=source, merged=merged, complete=nrows is None or height <= nrows)


# ---------------------------------------------------------------- text (CSV, TSV)


def _csv_sheet(decoded: DecodedText, max_rows: int) -> RawSheet:
    """The records of a decoded text file; each line's findings go to the record that holds the line."""
    delimiter = _sniff_delimiter(decoded.head(SNIFF_CHARS)) or ","
    reader = csv.reader(io.StringIO(decoded.text, newline=""), delimiter=delimiter)
    ends: list[int] = []  # lines read when each record was complete (only needed for findings)
    try:
        if decoded.findings:
            records = []
            for record in itertools.islice(reader, max_rows + 1):
                records.append(record)
                ends.append(reader.line_num)
        else:
            records = list(itertools.islice(reader, max_rows + 1))
    except csv.Error as exc:
        raise unreadable("corrupt", detail=f"CSV: {exc}") from None
    if len(records) > max_rows:
        raise unreadable("too_many_rows", rows=len(records), limit=max_rows)
    width = max(map(len, records), default=0)
    if width > MAX_COLUMNS:
        raise unreadable("too_wide", sheet=CSV_SHEET, columns=width)
    grid = _cleaned_text(_padded_grid(records))
    if not (grid != None).any():  # noqa: E711 - elementwise: every cell None
        raise unreadable("empty_sheet", sheet=CSV_SHEET)
    found: dict[tuple[int, str], RowFinding] = {}
    for f in decoded.findings:
        row = min(bisect_right(ends, f.line), len(records) - 1)
        found.setdefault((row, f.code), RowFinding(row, f.code, f.detail))
    return RawSheet(CSV_SHEET, grid, "csv", findings=tuple(found.values()))


def _cleaned_text(grid: np.ndarray) -> np.ndarray:
    """Blank text to None, and the tab in front of a value dropped, once per distinct value.

    KMA and other portals quote values as "\t1907-10-01" so that Excel keeps them as text.
    """
    codes, uniques = pd.factorize(grid.ravel(), use_na_sentinel=True)  # None pads: code -1, the last entry
    cleaned = np.array([_cleaned_cell(v) for v in uniques] + [None], dtype=object)
    return cleaned[codes].reshape(grid.shape)


def _cleaned_cell(value: str) -> str | None:
    if not value.strip():
        return None
    return value.lstrip("\t") if value[0] == "\t" else value


def _sniff_delimiter(sample: str) -> str | None:
    """The delimiter that splits the first lines into the same number (> 1) of fields most often."""
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may cut the last line in half
    best, best_score = None, (0.0, 0)
    for delimiter in DELIMITERS:
        try:
            counts = [len(fields) for fields in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        common = max(set(counts), key=counts.count) if counts else 1
        if common < 2:
            continue
        score = (counts.count(common) / len(counts), common)
        if score > best_score:
            best, best_score = delimiter, score
    return best
