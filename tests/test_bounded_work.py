"""Bounded work: the limits hold for the whole workbook, and only the chosen sheet becomes a grid.

The limits are lowered in each test so that the files stay tiny; bench/bench_bounded.py runs the
full-size files (eight far-cornered sheets, 10,000 sheets, 380,000 merged ranges) in fresh processes.
"""

from __future__ import annotations

import struct

import pytest

from metrics.intake import detection, filesafety, gridsize, reading
from metrics.intake.layout import locate_table
from metrics.intake.reading import RawSheet, UnreadableFileError, read_all_sheets, read_sheet, sheet_names
from tests import hostile_files as hostile
from tests.test_filesafety import ole_bytes, record


def _code(call) -> UnreadableFileError:
    with pytest.raises(UnreadableFileError) as caught:
        call()
    return caught.value


@pytest.fixture
def loads(monkeypatch) -> list[tuple[str, int | None]]:
    """Every sheet the reader turns into a grid: (name, rows asked for; None = the whole sheet)."""
    seen: list[tuple[str, int | None]] = []
    real = reading._load_sheet

    def spy(workbook, name, source, max_rows, nrows, count):
        seen.append((name, nrows))
        return real(workbook, name, source, max_rows, nrows, count)

    monkeypatch.setattr(reading, "_load_sheet", spy)
    return seen


# ---------------------------------------------------------------- number of sheets


def test_a_workbook_with_more_sheets_than_the_limit_is_refused_before_any_sheet_is_read(monkeypatch, loads):
    monkeypatch.setattr(reading, "MAX_SHEETS", 5)
    error = _code(lambda: sheet_names(hostile.many_sheets(6), "many.xlsx"))
    assert error.code == "too_large" and "(6;" in error.message.en and "5)" in error.message.en
    assert loads == []


def test_a_workbook_at_the_sheet_limit_is_read(monkeypatch):
    monkeypatch.setattr(reading, "MAX_SHEETS", 5)
    assert len(sheet_names(hostile.many_sheets(5), "many.xlsx")) == 5


# ---------------------------------------------------------------- cells across sheets


def test_sheets_each_under_the_cell_limit_are_refused_together(monkeypatch):
    monkeypatch.setattr(reading, "MAX_CELLS", 1_000)
    data = hostile.far_corner_sheets(3, "J90")  # each sheet 10 x 90 = 900 cells: under 1,000 alone
    error = _code(lambda: detection.detect(None, data, "corners.xlsx"))
    assert error.code == "bomb" and "1,800" in error.message.en  # refused at the second sheet


def test_a_named_sheet_of_such_a_workbook_is_read_alone(monkeypatch):
    monkeypatch.setattr(reading, "MAX_CELLS", 1_000)
    data = hostile.far_corner_sheets(3, "J90")
    assert read_sheet(data, "corners.xlsx", "S2").grid.shape == (90, 10)
    assert detection.detect(None, data, "corners.xlsx", sheet="S3", kind="events").table.sheet == "S3"


def test_reading_every_sheet_counts_each_sheet_once(monkeypatch):
    monkeypatch.setattr(reading, "MAX_CELLS", 2_000)
    data = hostile.far_corner_sheets(2, "J90")  # 1,800 cells together
    with reading.open_upload(data, "corners.xlsx") as upload:
        upload.preview("S1", 5)
        upload.sheet("S1")  # the same sheet again: not counted twice
        upload.sheet("S2")
    assert len(read_all_sheets(data, "corners.xlsx")) == 2


def test_a_sheet_whose_quick_bound_is_over_the_limit_is_measured_before_the_parser_allocates():
    # 702 columns x 99,999 rows passed the quick bound once: a 3 KB file then took 2.2 GB in the parser.
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 5))
    xml = hostile.sheet_xml(extra_cells=rows + '<row r="99999"><c r="ZZ99999"><v>1</v></c></row>')
    with pytest.raises(gridsize.GridTooLarge) as caught:
        gridsize.check_sheet_xml_extent(xml, max_cells=20_000_000)
    assert caught.value.cells == 702 * 99_999


# ---------------------------------------------------------------- only the chosen sheet becomes a grid


def test_of_several_sheets_only_the_first_rows_are_read_to_choose_and_the_chosen_sheet_whole(monkeypatch, loads):
    monkeypatch.setattr(detection, "PREVIEW_ROWS", 6)
    notes = hostile.sheet_xml([["메모"], ["작성자: 홍길동"]])
    events = hostile.sheet_xml(hostile.events_rows(12))
    data = hostile.xlsx({"메모": notes, "행사": events, "빈 시트": hostile.sheet_xml()})
    detected = detection.detect(None, data, "book.xlsx")
    assert detected.kind == "events" and len(detected.table.frame) == 12
    assert loads == [("메모", 6), ("행사", 6), ("빈 시트", 6), ("행사", None)]


def test_a_sheet_shorter_than_the_preview_is_not_read_twice(monkeypatch, loads):
    monkeypatch.setattr(detection, "PREVIEW_ROWS", 50)
    data = hostile.xlsx({"메모": hostile.sheet_xml([["메모"], ["x"]]), "행사": hostile.sheet_xml(hostile.events_rows(3))})
    assert len(detection.detect(None, data, "book.xlsx").table.frame) == 3
    assert loads == [("메모", 50), ("행사", 50)]


def test_a_workbook_with_a_single_sheet_reads_it_once_whole(loads):
    detection.detect(None, hostile.xlsx({"행사": hostile.sheet_xml(hostile.events_rows(3))}), "one.xlsx")
    assert loads == [("행사", None)]


# ---------------------------------------------------------------- merged ranges


def test_merged_ranges_past_the_limit_are_refused_before_the_parser_sees_them():
    data = hostile.many_merges(11)
    assert filesafety.inspect_zip(data, max_merged=11) == "xlsx"
    error = _code(lambda: filesafety.inspect_zip(data, max_merged=10))
    assert error.code == "bomb" and "11" in error.message.en


def test_merged_ranges_of_all_sheets_count_together(monkeypatch):
    monkeypatch.setattr(reading, "MAX_MERGED", 10)
    one = hostile.sheet_xml(hostile.events_rows(), merges=[f"A{r}:B{r}" for r in range(6, 12)])  # 6 ranges
    data = hostile.xlsx({"S1": one, "S2": one})
    assert len(read_sheet(data, "two.xlsx", "S1").merged) == 6
    assert _code(lambda: read_all_sheets(data, "two.xlsx")).code == "bomb"


def _biff_with_merges(count: int) -> bytes:
    """A BIFF8 workbook stream with one sheet that declares `count` merged ranges (A1:B1 each)."""
    bof = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0x0600))
    sheet_bof = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0x0600))
    name = b"\x01\x00S"  # one character, 8-bit: "S"
    start = len(bof) + len(record(0x0085, b"\0" * 6 + name)) + len(record(0x000A))
    globals_ = bof + record(0x0085, struct.pack("<IBB", start, 0, 0) + name) + record(0x000A)
    number = record(0x0203, struct.pack("<HHHd", 0, 0, 0, 1.0))
    merges = record(0x00E5, struct.pack("<H", count) + struct.pack("<HHHH", 0, 0, 0, 1) * count)
    return globals_ + sheet_bof + number + merges + record(0x000A)


def test_xls_merged_ranges_are_counted_in_the_guard():
    gridsize.check_biff_extent(_biff_with_merges(3), max_merged=3)
    with pytest.raises(gridsize.TooManyMerged):
        gridsize.check_biff_extent(_biff_with_merges(4), max_merged=3)
    assert _code(lambda: filesafety.inspect_cfb(ole_bytes({"Workbook": _biff_with_merges(4)}), max_merged=3)).code == "bomb"


def test_overlapping_merged_headers_fill_each_cell_from_the_first_range_over_it():
    grid = [["기간", None, None, "비고"], ["상반기", "하반기", None, None], ["1", "2", "3", "x"]]
    merged = ((0, 0, 0, 2), (0, 0, 0, 2), (0, 1, 0, 3), (1, 1, 1, 2))  # a repeat and an overlap
    table = locate_table(RawSheet.from_rows("S", grid, "xlsx", merged=merged))
    assert table.headers == ["기간 / 상반기", "기간 / 하반기", "기간 / 하반기 (2)", "비고"]


def test_cells_merged_down_over_overlapping_ranges_are_filled_once_each():
    grid = [["과정", "성명"], ["정수처리", "가"], [None, "나"], [None, "다"], [None, "라"]]
    merged = ((1, 0, 4, 0), (1, 0, 3, 0), (2, 0, 4, 0), (1, 0, 4, 0))  # repeats and overlaps below the header
    table = locate_table(RawSheet.from_rows("S", grid, "xlsx", merged=merged))
    assert table.frame["과정"].tolist() == ["정수처리"] * 4


@pytest.mark.parametrize("markup", ['<mergeCell ref="A1:B1"/>', '<x:mergeCell\nref="A1:B1"/>', '<mergeCell\tref="A1:B1"></mergeCell>'])
def test_merged_ranges_are_counted_however_they_are_written(markup):
    xml = f'<worksheet><sheetData/><mergeCells count="3">{markup * 3}</mergeCells></worksheet>'.encode()
    assert 3 <= gridsize.count_merged_xml(xml) <= 6  # an explicit closing tag counts twice: a bound, not a count
