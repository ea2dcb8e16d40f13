"""How large a grid a spreadsheet would make the parser allocate, read from the file before parsing.

calamine turns each sheet into a dense grid from its first to its last cell (about 32 bytes a cell),
and a Rust allocation failure aborts the whole server process; no exception reaches Python. So the
grid is sized here from what the file says: xlsx cell references, ODS repeat counts, BIFF cell
records and DIMENSIONS. A sheet with A1 and XFD1048576 weighs a few hundred bytes and would ask for
17 billion cells. The checks raise GridTooLarge or GridCorrupt; `filesafety` turns them into messages.
"""

from __future__ import annotations

import re
import struct
from typing import IO
from xml.parsers import expat

from metrics.intake.limits import MAX_CELLS, MAX_MERGED
from metrics.messages import CharterError


class GridTooLarge(CharterError):
    """The grid a parser would allocate is over the limit."""

    def __init__(self, cells: int) -> None:
        super().__init__(f"셀 {cells:,}개", f"{cells:,} cells", code="grid_too_large")
        self.cells = cells


class TooManyMerged(CharterError):
    """The workbook declares more merged ranges than the limit."""

    def __init__(self, count: int) -> None:
        super().__init__(f"병합 범위 {count:,}개", f"{count:,} merged ranges", code="too_many_merged")
        self.count = count


class GridCorrupt(CharterError, ValueError):
    """The structure that sizes the grid is broken (a reversed range, a negative count...)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"파일 구조가 손상되었습니다: {what}", f"broken file structure: {what}", code="grid_corrupt")


# ---------------------------------------------------------------- xlsx: cell references

# Letters -> "A", digits -> "0", quotes -> '"', line breaks and tabs -> " ": a cell reference r="XFD1048576"
# (or r='xfd1048576') becomes  A="AAA0000000" and fixed-string searches find its shape at C speed.
# Only one-letter attributes (r, s, t) match ' A="'; s holds digits and t letters only, so a value
# of letters then digits there is a reference (r:id="rId1" and codeName="Sheet1" do not match).
_REF_SHAPE = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'\t\n\r",
    b"A" * 52 + b"0" * 10 + b'"' + b"   ",
)
_SPACED = bytes.maketrans(b"\t\n\r'", b'   "')
_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")
_CELL_REF = re.compile(rb'<c r="([A-Za-z]{1,3})([0-9]{1,7})"([^>]*)>')
_EXCEL_ROWS = 1_048_576


def check_sheet_xml_extent(xml: bytes, *, max_cells: int = MAX_CELLS) -> None:
    """GridTooLarge when a worksheet's cell positions span a grid over `max_cells` (A1 plus XFD1048576).

    A quick bound from the longest column letters and row numbers settles ordinary sheets; only wide
    sheets with many rows (or odd markup) are walked cell by cell. The quick bound must stay within
    `max_cells`: calamine allocates the whole grid before the reader can see its size (a bound of
    702 columns x 99,999 rows let a 3 KB file take 2.2 GB).
    """
    if not _may_reach_far(xml):
        return  # every reference within A:Z and rows 1-999,999: at most 26 million cells, about 0.9 GB
    quick = _quick_extent(xml.translate(_REF_SHAPE))
    if quick <= max_cells:
        return  # the reader checks the real size before converting
    spaced = xml.translate(_SPACED)
    cells = _extent_from_refs(spaced) if _every_cell_has_a_ref(spaced) else None
    cells = _exact_extent(xml) if cells is None else cells
    if cells > max_cells:
        raise GridTooLarge(cells)


# A reference (or row number) that can reach past column Z or row 999,999: two or more letters, or
# seven or more digits, in an attribute named r (spaces around "=" allowed). One regex pass with a
# literal first byte: about 0.2 s on 118 MB of sheet XML, against 0.6 s for the bounds below.
_FAR_REF = re.compile(rb"""r\s*=\s*["'](?:[A-Za-z]{2}|[A-Za-z]*[0-9]{7})""")
_ATTRIBUTE_START = (b" ", b"\t", b"\n", b"\r", b":")


def _may_reach_far(xml: bytes) -> bool:
    """True when some cell or row reference may lie past column Z or row 999,999."""
    for match in _FAR_REF.finditer(xml):
        before = xml[max(0, match.start() - 6) : match.start()]
        if before[-1:] in _ATTRIBUTE_START and before != b"xmlns:":  # xmlns:r="http://..." is no reference
            return True
    return False


def _quick_extent(shape: bytes) -> int:
    """Columns bounded by the letters of the widest reference, rows by the longest number before a quote.

    Cells placed by counting (no r attribute) reach only as far as the markup they take up. A
    reference written with spaces around "=" is left to the exact walk.
    """
    if b" A =" in shape or b" A= " in shape:
        return 1 << 62
    if b' A="AAAA' in shape or b"0" * 8 + b'"' in shape:
        return 1 << 62  # past XFD or row 99,999,999: calamine takes them at their word, so walk exactly
    columns = 16_384 if b' A="AAA0' in shape else 702 if b' A="AA0' in shape else 26
    if columns == 26 and b"0" * 7 + b'"' not in shape:
        return 26 * _EXCEL_ROWS
    digits = next((d for d in range(7, 0, -1) if b"0" * d + b'"' in shape), 1)
    cells: int = columns * (10**digits if digits == 7 else min(10**digits, _EXCEL_ROWS))
    return cells


def _every_cell_has_a_ref(spaced: bytes) -> bool:
    plain = b":c " not in spaced and b":row " not in spaced and b"<c>" not in spaced
    return plain and spaced.count(b"<c ") == spaced.count(b'<c r="')


def _extent_from_refs(spaced: bytes) -> int | None:
    """The grid spanned by `<c r="..."` references; None when one of them is not a plain reference.

    A self-closing cell (`<c r="XFD1" s="3"/>`, a colour or border on an empty cell) holds no value and the
    parser places nothing for it, as in `_exact_extent`: a fill dragged to the sheet's far edge is no grid.
    """
    cells = _CELL_REF.findall(spaced)
    if len(cells) != spaced.count(b'<c r="'):
        return None
    refs = [(letters, number) for letters, number, rest in cells if not rest.endswith(b"/")]
    if not refs:
        return 0
    columns = {letters.upper() for letters, _ in refs}
    rows = [int(number) for number in {number for _, number in refs}]
    left, right = (
        _column_index(c) for c in (min(columns, key=_letters_order), max(columns, key=_letters_order))
    )
    return (max(rows) - min(rows) + 1) * (right - left + 1)


def _letters_order(letters: bytes) -> tuple[int, bytes]:
    return len(letters), letters


def _exact_extent(xml: bytes) -> int:
    """Walk row and cell tags the way calamine places cells, and size the grid they span."""
    row = col = 0
    top, left, bottom, right = _EXCEL_ROWS, 16_384, -1, -1
    for tag in _TAG.finditer(xml):
        closing, name, attrs = tag.groups()
        if attrs.endswith(b"/"):
            continue  # <c/> and <row/> hold nothing and move nothing
        ref = _REF.search(attrs)
        if name == b"row":
            if closing:
                row, col = row + 1, 0
            elif ref and ref[2]:
                row = int(ref[2]) - 1
            continue
        if closing:
            continue
        at_row, at_col = (int(ref[2]) - 1, _column_index(ref[1])) if ref and ref[1] and ref[2] else (row, col)
        col = at_col + 1
        top, left, bottom, right = (
            min(top, at_row),
            min(left, at_col),
            max(bottom, at_row),
            max(right, at_col),
        )
    return (bottom - top + 1) * (right - left + 1) if bottom >= 0 else 0


def count_merged_xml(xml: bytes) -> int:
    """Merged ranges a worksheet declares, at most: every <mergeCell> whatever its spacing or prefix."""
    return xml.count(b"mergeCell") - xml.count(b"mergeCells")


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + letter - 64
    return index - 1


# ---------------------------------------------------------------- ODS: repeated rows and columns

_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TABLE = f"{_TABLE_NS} table"
_ROW = f"{_TABLE_NS} table-row"
_CELLS = {f"{_TABLE_NS} table-cell", f"{_TABLE_NS} covered-table-cell"}
_ROWS_REPEATED = f"{_TABLE_NS} number-rows-repeated"
_COLS_REPEATED = f"{_TABLE_NS} number-columns-repeated"
_VALUE_TYPE = f"{_OFFICE_NS} value-type"


class _OdsExtent:
    """Tracks, while content.xml streams past, the dense grid each table would need."""

    def __init__(self, max_cells: int) -> None:
        self.max_cells = max_cells
        self.cells_before = 0  # grids of the tables already closed
        self.row = self.col = 0
        self.max_row = self.max_col = -1
        self.rows_repeated = 1
        self.cell: tuple[int, bool] | None = None  # (columns repeated, has content) of the open cell

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == _TABLE:
            if self.cell is not None:  # sub-tables belong to text documents; counting them is guesswork
                raise GridCorrupt("ODS table inside a cell")
            self.row, self.max_row, self.max_col = 0, -1, -1
        elif name == _ROW:
            self.rows_repeated, self.col = _count(attrs.get(_ROWS_REPEATED)), 0
        elif name in _CELLS:
            self.cell = (_count(attrs.get(_COLS_REPEATED)), _VALUE_TYPE in attrs)
        elif self.cell is not None:
            self.cell = (self.cell[0], True)  # a child element (text:p) means the cell shows something

    def end(self, name: str) -> None:
        if name in _CELLS and self.cell is not None:
            repeated, has_content = self.cell
            if has_content:
                self.max_col = max(self.max_col, self.col + repeated - 1)
                self.max_row = self.row + self.rows_repeated - 1
            self.col += repeated
            self.cell = None
        elif name == _ROW:
            self.row += self.rows_repeated
            self._refuse_if_too_big()
        elif name == _TABLE:
            self.cells_before += self._grid()
            self.max_row = self.max_col = -1

    def _grid(self) -> int:
        return (self.max_row + 1) * (self.max_col + 1) if self.max_row >= 0 else 0

    def _refuse_if_too_big(self) -> None:
        cells = self.cells_before + self._grid()
        if cells > self.max_cells:
            raise GridTooLarge(cells)


def _count(text: str | None) -> int:
    if text is None:
        return 1
    try:
        return max(int(text), 1)
    except ValueError:
        raise GridCorrupt(f"ODS repeat count {text[:20]!r}") from None


def check_ods_extent(content: IO[bytes], *, max_cells: int = MAX_CELLS) -> None:
    """Stream an ODS content.xml; GridTooLarge when its repeat counts would make a grid over `max_cells`."""
    extent = _OdsExtent(max_cells)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = extent.start
    parser.EndElementHandler = extent.end
    parser.StartDoctypeDeclHandler = _refuse_doctype  # no DTD, so no entity tricks
    try:
        while chunk := content.read(1 << 20):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise GridCorrupt(f"content.xml: {exc}") from None


def _refuse_doctype(*_args: object) -> None:
    raise GridCorrupt("content.xml declares a DTD")


# ---------------------------------------------------------------- BIFF (xls): cell records

# Records that put a value at (row u16, col u16): Formula, Number, Label, BoolErr, RK, LabelSst, RString
_CELL_RECORDS = frozenset({0x0006, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6})
_MULRK, _DIMENSIONS, _BOUNDSHEET, _SST, _EOF = 0x00BD, 0x0200, 0x0085, 0x00FC, 0x000A
_MERGEDCELLS = 0x00E5


def check_biff_extent(stream: bytes, *, max_cells: int = MAX_CELLS, max_merged: int = MAX_MERGED) -> None:
    """GridTooLarge when a BIFF workbook's sheets would make calamine allocate more than `max_cells` cells.

    calamine reads every sheet when the file is opened, reserving what DIMENSIONS declares and then
    a dense grid from the first to the last cell record, so all sheets count together (merged
    ranges too: TooManyMerged past `max_merged`).
    """
    sheet_starts, position = [], 0
    while position + 4 <= len(stream):
        record_type, length = struct.unpack_from("<HH", stream, position)
        body, position = position + 4, position + 4 + length
        if record_type == _BOUNDSHEET and length >= 4:
            sheet_starts.append(struct.unpack_from("<I", stream, body)[0])
        elif record_type == _SST and length >= 8:
            count = struct.unpack_from("<i", stream, body + 4)[0]
            if not 0 <= count <= len(stream) // 3:  # each string takes at least 3 bytes
                raise GridCorrupt(f"SST count {count:,}")
        elif record_type == _EOF:
            break
    total = merged = 0
    for start in sheet_starts:
        cells, ranges = _biff_sheet_cells(stream, start, max_cells)
        total, merged = total + cells, merged + ranges
        if total > max_cells:
            raise GridTooLarge(total)
        if merged > max_merged:
            raise TooManyMerged(merged)


def _biff_sheet_cells(stream: bytes, position: int, max_cells: int) -> tuple[int, int]:
    """(cells of the dense grid, merged ranges) of the sheet whose BOF is at `position`."""
    top = left = 1 << 32
    bottom = right = -1
    has_formulas = False
    merged = 0
    unpack = struct.unpack_from
    while position + 4 <= len(stream):
        record_type, length = unpack("<HH", stream, position)
        body, position = position + 4, position + 4 + length
        if record_type in _CELL_RECORDS and length >= 4 and body + 4 <= len(stream):
            row, first = unpack("<HH", stream, body)
            last = first
            has_formulas |= record_type == 0x0006
        elif record_type == _MULRK and length >= 6 and position <= len(stream):
            row, first = unpack("<HH", stream, body)
            last = unpack("<H", stream, position - 2)[0]
        elif record_type == _DIMENSIONS and position <= len(stream):
            _check_dimensions(stream[body:position], max_cells)
            continue
        elif record_type == _MERGEDCELLS and length >= 2 and body + 2 <= len(stream):
            merged += min(unpack("<H", stream, body)[0], (length - 2) // 8)
            continue
        elif record_type == _EOF:
            break
        else:
            continue
        top, bottom = min(top, row), max(bottom, row)
        left, right = min(left, first), max(right, last)
    cells = (bottom - top + 1) * (right - left + 1) if bottom >= 0 and right >= left else 0
    return (cells * 2 if has_formulas else cells), merged  # formulas get a grid of their own


def _check_dimensions(body: bytes, max_cells: int) -> None:
    """DIMENSIONS sizes a reservation; a reversed or huge range would wrap or exhaust memory."""
    if len(body) == 14:
        first_row, end_row, first_col, end_col = struct.unpack_from("<IIHH", body)
    elif len(body) == 10:
        first_row, end_row, first_col, end_col = struct.unpack_from("<HHHH", body)
    else:
        return  # calamine refuses other lengths itself
    if end_row >= 1 and end_col >= 1:
        if end_row < first_row or end_col < first_col:
            raise GridCorrupt("BIFF DIMENSIONS")
        if (end_row - first_row) * (end_col - first_col) > max_cells:
            raise GridTooLarge((end_row - first_row) * (end_col - first_col))
