"""Upload bytes -> raw sheets: every cell as the Python value the file holds, nothing guessed yet.

The format comes from the bytes, not the name: people rename files, and public-data portals serve
web pages and tab-separated text under an .xls name. Workbooks go through python-calamine once the
checks in `filesafety` have passed; text goes through the csv module with every value kept as text
(`reading_text`). The limits are in `limits`.
Every failure leaves here as one `UnreadableFileError` with a reason code and a bilingual message.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np
from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from metrics.intake.decoding import DecodedText
from metrics.intake.filesafety import CFB_MAGIC, ZIP_MAGICS, check_size, inspect_cfb, inspect_zip
from metrics.intake.limits import MAX_CELLS, MAX_COLUMNS, MAX_MERGED, MAX_SHEETS, MiB
from metrics.intake.raw_sheet import Merged, RawSheet, RowFinding, padded_grid
from metrics.intake.read_errors import UnreadableFileError, unreadable
from metrics.intake.reading_text import CSV_SHEET, csv_sheet, open_text
from metrics.settings import load_settings

__all__ = [
    "Merged",
    "RawSheet",
    "RowFinding",
    "UnreadableFileError",
    "open_upload",
    "read_all_sheets",
    "read_sheet",
    "sheet_names",
]

T = TypeVar("T")


def _calamine_grid(rows: Sequence[Sequence[object]]) -> np.ndarray:
    """calamine's rectangular rows as an object array, its "" for empty cells turned into None."""
    if len(set(map(len, rows))) != 1:  # calamine's ranges are rectangular; be safe if one is not
        grid = padded_grid(rows)
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
            self._text = open_text(data, filename)
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
                self._csv = csv_sheet(self._text, self.max_rows)
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
