"""Upload bytes -> raw sheets: every cell as the Python value the file holds, nothing guessed yet.

The format comes from the bytes, not the name: people rename files, and public-data portals serve
web pages and tab-separated text under an .xls name. Workbooks go through python-calamine once the
checks in `filesafety` have passed; text goes through the csv module with every value kept as text.
Every failure leaves here as one `UnreadableFileError` with a reason code and a bilingual message.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import PurePath

import numpy as np
from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from metrics.filesafety import (
    CFB_MAGIC,
    MAX_CELLS,
    ZIP_MAGICS,
    MiB,
    UnreadableFileError,
    check_size,
    inspect_cfb,
    inspect_zip,
    unreadable,
)
from metrics.settings import load_settings

__all__ = ["RawSheet", "UnreadableFileError", "read_all_sheets", "read_sheet", "sheet_names"]

CSV_SHEET = "csv"
EXCEL_SUFFIXES = {".xls", ".xlsx", ".xlsm", ".xlsb", ".ods"}
DELIMITERS = (",", ";", "\t", "|")
SNIFF_CHARS = 64 * 1024
_MARKUP_START = re.compile(r"<\s*(!doctype|html|head|body|table|meta|style|\?xml)", re.IGNORECASE)


@dataclass(frozen=True, eq=False)
class RawSheet:
    """One sheet as stored: grid[i] is Excel row i + 1 (CSV: record i + 1), None for an empty cell.

    `grid` is a 2-D object array (ragged text rows padded with None on the right). Cells are str,
    int, float, bool, datetime, date, time or timedelta. Error cells (#DIV/0!, #N/A) come back from
    calamine as empty text, so they read as None. `merged` lists merged ranges as
    (first_row, first_col, last_row, last_col), 0-based and inclusive (xlsx and xls only).
    """

    name: str
    grid: np.ndarray
    source: str
    merged: tuple[tuple[int, int, int, int], ...] = ()

    @classmethod
    def from_rows(cls, name: str, rows: list[list[object]], source: str, merged: tuple = ()) -> RawSheet:
        return cls(name=name, grid=_padded_grid(rows), source=source, merged=merged)

    @property
    def rows(self) -> list[list[object]]:
        """The grid as lists of cells (for tests and small sheets; the pipeline uses `grid`)."""
        return self.grid.tolist()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RawSheet):
            return NotImplemented
        same_shape = self.grid.shape == other.grid.shape
        return (self.name, self.source, self.merged) == (other.name, other.source, other.merged) and (
            same_shape and self.rows == other.rows
        )

    __hash__ = None  # type: ignore[assignment]  # equal by content, mutable array inside


def _padded_grid(rows: list[list[object]]) -> np.ndarray:
    """The rows as one object array, ragged rows padded with None on the right."""
    width = max(map(len, rows), default=0) or 1
    grid = np.full((len(rows), width), None, dtype=object)
    for i, row in enumerate(rows):
        grid[i, : len(row)] = row
    return grid


def _calamine_grid(rows: list[list[object]]) -> np.ndarray:
    """calamine's rectangular rows as an object array, its "" for empty cells turned into None."""
    if len(set(map(len, rows))) != 1:  # calamine's ranges are rectangular; be safe if one is not
        grid = _padded_grid(rows)
    else:
        grid = np.empty((len(rows), len(rows[0])), dtype=object)
        grid[:] = rows  # assigning into an object array never lets numpy split a cell that is a sequence
    grid[grid == ""] = None
    return grid


def sheet_names(data: bytes, filename: str, *, max_bytes: int | None = None) -> list[str]:
    """Names of the visible worksheets (chart sheets left out); ["csv"] for a text file."""
    kind = _checked_kind(data, filename, max_bytes)
    if kind == "csv":
        return [CSV_SHEET]
    with _open_workbook(data) as workbook:
        return _worksheets(workbook)


def read_sheet(
    data: bytes, filename: str, sheet: str | None = None, *, max_bytes: int | None = None
) -> RawSheet:
    """One sheet, by name or else the first visible worksheet."""
    kind = _checked_kind(data, filename, max_bytes)
    max_rows = load_settings().max_rows
    if kind == "csv":
        if sheet not in (None, CSV_SHEET):
            raise unreadable("no_such_sheet", sheet=sheet, available=CSV_SHEET)
        return _csv_sheet(data, max_rows)
    with _open_workbook(data) as workbook:
        names = _worksheets(workbook)
        name = names[0] if sheet is None else _match_sheet(sheet, names, workbook.sheet_names)
        return _guarded(lambda: _load_sheet(workbook, name, kind, max_rows))


def read_all_sheets(data: bytes, filename: str, *, max_bytes: int | None = None) -> list[RawSheet]:
    """Every visible worksheet that holds data, in workbook order (for finding the right sheet)."""
    kind = _checked_kind(data, filename, max_bytes)
    max_rows = load_settings().max_rows
    if kind == "csv":
        return [_csv_sheet(data, max_rows)]
    sheets: list[RawSheet] = []
    first_empty: UnreadableFileError | None = None
    with _open_workbook(data) as workbook:
        for name in _worksheets(workbook):
            try:
                sheets.append(_guarded(lambda name=name: _load_sheet(workbook, name, kind, max_rows)))
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
    _refuse_non_text(data, filename)
    return "csv"


def _refuse_non_text(data: bytes, filename: str) -> None:
    head = _decode(data)[:SNIFF_CHARS]
    if _MARKUP_START.match(head.lstrip("\ufeff \t\r\n")):
        raise unreadable("html_as_excel")
    if _looks_binary(head):
        raise unreadable("not_spreadsheet", detail="바이너리 파일 / binary file")
    claims_excel = PurePath(filename).suffix.lower() in EXCEL_SUFFIXES
    if claims_excel and _sniff_delimiter(head) is None:
        # Text saved under an Excel name is common (TSV exports); a line of prose is not a table.
        raise unreadable("corrupt", detail="엑셀 형식이 아님 / not in an Excel format")


def _looks_binary(text: str) -> bool:
    """NUL characters, or many control and replacement characters: not text (a stray bad byte is)."""
    if "\x00" in text:
        return True
    odd = sum(1 for ch in text if (ch < " " and ch not in "\t\r\n\f") or ch == "\ufffd")
    return odd > 16 and odd / len(text) > 0.05


# ---------------------------------------------------------------- workbooks through calamine


class _Workbook:
    """A calamine workbook opened from bytes, closed on exit, errors translated."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.book: CalamineWorkbook | None = None

    def __enter__(self) -> CalamineWorkbook:
        self.book = _guarded(lambda: CalamineWorkbook.from_filelike(io.BytesIO(self.data)))
        return self.book

    def __exit__(self, *_exc: object) -> None:
        if self.book is not None:
            self.book.close()


def _open_workbook(data: bytes) -> _Workbook:
    return _Workbook(data)


def _guarded(action):
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
    worksheets = [m for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
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


def _load_sheet(workbook: CalamineWorkbook, name: str, source: str, max_rows: int) -> RawSheet:
    sheet = workbook.get_sheet_by_name(name)
    end = sheet.end
    if end is None:
        raise unreadable("empty_sheet", sheet=name)
    height, width = end[0] + 1, end[1] + 1
    if height > max_rows:
        raise unreadable("too_many_rows", rows=height, limit=max_rows)
    if height * width > MAX_CELLS:
        raise unreadable("too_many_cells", cells=height * width)
    # skip_empty_area=False keeps leading empty rows and columns, so rows[i] is Excel row i + 1.
    grid = _calamine_grid(sheet.to_python(skip_empty_area=False))
    if not (grid != None).any():  # noqa: E711 - elementwise: every cell None
        raise unreadable("empty_sheet", sheet=name)
    merged = tuple((r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or []))
    return RawSheet(name=name, grid=grid, source=source, merged=merged)


# ---------------------------------------------------------------- text (CSV, TSV)


def _csv_sheet(data: bytes, max_rows: int) -> RawSheet:
    text = _decode(data)
    delimiter = _sniff_delimiter(text[:SNIFF_CHARS]) or ","
    rows: list[list[object]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            # KMA and other portals quote values as "\t1907-10-01" so Excel keeps them as text.
            rows.append([None if not v.strip() else v.lstrip("\t") if v[0] == "\t" else v for v in record])
            if len(rows) > max_rows:
                raise unreadable("too_many_rows", rows=len(rows), limit=max_rows)
    except csv.Error as exc:
        raise unreadable("corrupt", detail=f"CSV: {exc}") from None
    if not any(value is not None for row in rows for value in row):
        raise unreadable("empty_sheet", sheet=CSV_SHEET)
    return RawSheet.from_rows(CSV_SHEET, rows, "csv")


def _decode(data: bytes) -> str:
    """Text from bytes: BOMs first, then strict UTF-8, then CP949 (Korean Excel), then UTF-8 with �."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if _looks_utf16le_without_bom(data):
        return data.decode("utf-16-le", errors="replace")
    for encoding in ("utf-8", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _looks_utf16le_without_bom(data: bytes) -> bool:
    sample = data[:2000]
    return len(sample) >= 4 and sample[1::2].count(0) > 0.9 * (len(sample) // 2)


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
