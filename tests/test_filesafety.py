"""Guards that run before a parser sees an upload: zip bombs, ODS repeats, far-away cells, OLE containers.

calamine aborts the whole process (not an exception) when a grid allocation fails, so each guard is
tested with the parser switched off: a regression fails the test instead of killing the test run.
"""

from __future__ import annotations

import io
import struct
import zipfile

import openpyxl
import pytest

from metrics.intake import filesafety, gridsize, reading
from metrics.intake.reading import UnreadableFileError, read_sheet

# ---------------------------------------------------------------- builders


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def sheet_xml(cells: str) -> bytes:
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f"{cells}</sheetData></worksheet>"
    ).encode()


def ole_bytes(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file: FAT in sector 0, directory in sector 1, streams from sector 2 on."""
    fat, body, entries, next_sector = [0xFFFFFFFD, 0xFFFFFFFE], b"", [], 2
    for name, content in streams.items():
        content = content.ljust(4096, b"\0")  # at least the mini-stream cutoff: plain sectors
        count = -(-len(content) // 512)
        entries.append((name, 2, next_sector, len(content)))
        fat += [next_sector + i + 1 for i in range(count - 1)] + [0xFFFFFFFE]
        body += content.ljust(count * 512, b"\0")
        next_sector += count
    header = bytearray(512)
    header[:8] = filesafety.CFB_MAGIC
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<109I", header, 76, 0, *[0xFFFFFFFF] * 108)
    directory = b""
    for i, (name, kind, start, size) in enumerate([("Root Entry", 5, 0xFFFFFFFE, 0), *entries]):
        raw = (name.encode("utf-16-le") + b"\0\0").ljust(64, b"\0")
        right = i + 1 if 0 < i < len(entries) else 0xFFFFFFFF
        child = 1 if i == 0 and entries else 0xFFFFFFFF
        directory += raw + struct.pack(
            "<HBBIII16sIQQIII",
            len(name) * 2 + 2,
            kind,
            1,
            0xFFFFFFFF,
            right,
            child,
            b"\0" * 16,
            0,
            0,
            0,
            start,
            size,
            0,
        )
    fat_sector = struct.pack("<128I", *fat, *[0xFFFFFFFF] * (128 - len(fat)))
    return bytes(header) + fat_sector + directory.ljust(512, b"\0") + body


def record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def biff_workbook(sheets: dict[str, list[tuple[int, int, float]]], *, encrypted: bool = False) -> bytes:
    """A BIFF8 workbook stream: globals with one BOUNDSHEET per sheet, then each sheet's NUMBER records."""
    bof_globals = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0x0600))
    filepass = record(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\0" * 48) if encrypted else b""
    boundsheets = [
        struct.pack("<BB", 0, 0) + bytes([len(name), 0]) + name.encode("latin-1") for name in sheets
    ]
    globals_size = (
        len(bof_globals) + len(filepass) + sum(len(record(0x85, b"\0" * 4 + b)) for b in boundsheets) + 4
    )
    bodies, position = [], globals_size
    for cells in sheets.values():
        bof = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0x0600))
        numbers = b"".join(
            record(0x0203, struct.pack("<HHHd", row, col, 0, value)) for row, col, value in cells
        )
        bodies.append((position, bof + numbers + record(0x000A)))
        position += len(bodies[-1][1])
    stream = bof_globals + filepass
    stream += b"".join(
        record(0x85, struct.pack("<I", pos) + b) for (pos, _), b in zip(bodies, boundsheets, strict=True)
    )
    return stream + record(0x000A) + b"".join(body for _, body in bodies)


@pytest.fixture
def no_parser(monkeypatch):
    """calamine switched off: a guard that lets a bomb through fails the test instead of aborting it."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("the parser was reached")

    monkeypatch.setattr(reading.CalamineWorkbook, "from_filelike", refuse)


def code_of(call) -> str:
    with pytest.raises(UnreadableFileError) as caught:
        call()
    return caught.value.code


# ---------------------------------------------------------------- zip containers


def test_zip_whose_members_add_up_past_the_limit_is_a_bomb():
    data = zip_bytes({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"<a/>" * 1000})
    assert code_of(lambda: filesafety.inspect_zip(data, max_total=3000)) == "bomb"
    assert filesafety.inspect_zip(data, max_total=5000) == "xlsx"


def test_zip_member_that_inflates_past_its_declared_size_is_a_bomb():
    data = bytearray(zip_bytes({"xl/workbook.xml": b"<workbook/>" + b" " * 100_000}))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, central directory
        struct.pack_into("<I", data, data.find(signature) + offset, 100)  # claim 100 bytes
    assert code_of(lambda: filesafety.inspect_zip(bytes(data))) == "bomb"


def test_zip_member_whose_content_fails_its_crc_is_corrupt():
    data = bytearray(zip_bytes({"xl/workbook.xml": b"<workbook/>"}))
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 16, 12345)  # the central directory's CRC-32
    assert code_of(lambda: filesafety.inspect_zip(bytes(data))) == "corrupt"


def test_xlsb_is_refused_with_advice_to_save_as_xlsx():
    with pytest.raises(UnreadableFileError) as caught:
        filesafety.inspect_zip(zip_bytes({"xl/workbook.bin": b"\0"}))
    assert caught.value.code == "not_spreadsheet" and "xlsx" in caught.value.message.ko


# ---------------------------------------------------------------- xlsx cell references


def test_two_cells_at_opposite_corners_are_refused_before_the_parser_sees_them(no_parser):
    workbook = openpyxl.Workbook()
    workbook.active["A1"], workbook.active["XFD1048576"] = "a", "z"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert len(buffer.getvalue()) < 10_000
    assert code_of(lambda: read_sheet(buffer.getvalue(), "a.xlsx")) == "bomb"


def test_a_fill_on_empty_cells_out_to_the_sheets_far_corner_does_not_refuse_the_file():
    # Someone coloured a cell at the far edge (or dragged a border there): Excel writes <c r="XFD1048576" s="1"/>,
    # a cell with no value that the parser places nowhere. The four rows of data are read as they are.
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [["성명", "점수"], ["김하나", 5], ["이두리", 4], ["박세리", 3]]:
        sheet.append(row)
    fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")
    sheet["XFD1"].fill = sheet["A1048576"].fill = sheet["XFD1048576"].fill = fill
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = read_sheet(buffer.getvalue(), "a.xlsx").rows
    assert [list(r) for r in rows] == [["성명", "점수"], ["김하나", 5], ["이두리", 4], ["박세리", 3]]


def test_an_empty_self_closing_cell_is_no_extent_but_a_cell_with_a_value_there_is():
    styled = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576" s="1"/></row>')
    gridsize.check_sheet_xml_extent(styled, max_cells=1)
    valued = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576" s="1"><v>2</v></c></row>')
    with pytest.raises(gridsize.GridTooLarge):
        gridsize.check_sheet_xml_extent(valued)


@pytest.mark.parametrize("far", ['r="XFD1048576"', "r='xfd1048576'", 'r = "XfD1048576"'])
def test_a_far_reference_is_found_however_it_is_written(far):
    xml = sheet_xml(f'<row r="1"><c r="A1" t="str"><v>a</v></c><c {far}><v>1</v></c></row>')
    with pytest.raises(gridsize.GridTooLarge) as caught:
        gridsize.check_sheet_xml_extent(xml)
    assert caught.value.cells == 1_048_576 * 16_384


def test_wide_sheet_with_many_rows_is_measured_from_its_references():
    xml = sheet_xml(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="100000"><c r="AB100000"><v>1</v></c></row>'
    )
    gridsize.check_sheet_xml_extent(xml, max_cells=100_000 * 28)
    with pytest.raises(gridsize.GridTooLarge) as caught:
        gridsize.check_sheet_xml_extent(xml, max_cells=100_000 * 28 - 1)
    assert caught.value.cells == 100_000 * 28


def test_cells_without_references_are_placed_by_counting_as_the_parser_does():
    # row 1000 holds two cells placed by counting (A1000, B1000); AAA1 is column 703
    xml = sheet_xml(
        '<row r="1000"><c><v>1</v></c><c><v>2</v></c></row><row r="1"><c r="AAA1"><v>3</v></c></row>'
    )
    gridsize.check_sheet_xml_extent(xml, max_cells=1000 * 703)
    with pytest.raises(gridsize.GridTooLarge):
        gridsize.check_sheet_xml_extent(xml, max_cells=1000 * 703 - 1)


def test_ordinary_sheet_passes_on_the_quick_bound():
    xml = sheet_xml(
        "".join(
            f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="Z{r}"><v>1</v></c></row>' for r in range(1, 500)
        )
    )
    gridsize.check_sheet_xml_extent(xml, max_cells=1)  # 26 columns can never reach a catastrophe


# ---------------------------------------------------------------- ODS repeat counts

ODS_CONTENT = (
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
    "{tables}</office:spreadsheet></office:body></office:document-content>"
)


def ods_cell(text: str, repeat: int = 1) -> str:
    return (
        f'<table:table-cell table:number-columns-repeated="{repeat}" office:value-type="string">'
        f"<text:p>{text}</text:p></table:table-cell>"
    )


def ods_extent(tables: str, max_cells: int = gridsize.MAX_CELLS) -> None:
    gridsize.check_ods_extent(io.BytesIO(ODS_CONTENT.format(tables=tables).encode()), max_cells=max_cells)


def test_ods_declaring_a_billion_repeated_rows_is_too_large():
    row = (
        '<table:table-row table:number-rows-repeated="999999999">'
        + ods_cell("X", 999_999_999)
        + "</table:table-row>"
    )
    with pytest.raises(gridsize.GridTooLarge):
        ods_extent(f'<table:table table:name="S">{row}</table:table>')


def test_ods_value_far_below_empty_repeated_rows_is_too_large():
    empty = '<table:table-row table:number-rows-repeated="100000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    far = (
        '<table:table-row><table:table-cell table:number-columns-repeated="500"/>'
        + ods_cell("z")
        + "</table:table-row>"
    )
    with pytest.raises(gridsize.GridTooLarge) as caught:
        ods_extent(
            f'<table:table table:name="S"><table:table-row>{ods_cell("a")}</table:table-row>{empty}{far}</table:table>'
        )
    assert caught.value.cells == 100_002 * 501


def test_ods_trailing_empty_repeats_from_libreoffice_cost_nothing():
    trailing = '<table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    ods_extent(
        f'<table:table table:name="S"><table:table-row>{ods_cell("a")}</table:table-row>{trailing}</table:table>',
        max_cells=1,
    )


def test_ods_extent_adds_up_every_table():
    table = (
        '<table:table table:name="S{n}"><table:table-row table:number-rows-repeated="60">'
        + ods_cell("x")
        + "</table:table-row></table:table>"
    )
    ods_extent(table.format(n=1) + table.format(n=2), max_cells=120)
    with pytest.raises(gridsize.GridTooLarge):
        ods_extent(table.format(n=1) + table.format(n=2), max_cells=119)


def test_ods_with_a_doctype_or_a_bad_repeat_count_is_corrupt():
    with pytest.raises(gridsize.GridCorrupt):
        gridsize.check_ods_extent(io.BytesIO(b'<!DOCTYPE x [<!ENTITY a "b">]><x/>'))
    with pytest.raises(gridsize.GridCorrupt):
        ods_extent(
            '<table:table><table:table-row table:number-rows-repeated="many"></table:table-row></table:table>'
        )


# ---------------------------------------------------------------- OLE containers and BIFF records


def test_password_protected_ooxml_in_an_ole_container_is_encrypted(no_parser):
    data = ole_bytes({"EncryptionInfo": b"\4\0\4\0", "EncryptedPackage": b"\0" * 8})
    assert code_of(lambda: read_sheet(data, "secret.xlsx")) == "encrypted"


def test_xls_with_a_filepass_record_is_encrypted(no_parser):
    data = ole_bytes({"Workbook": biff_workbook({"S": [(0, 0, 1.0)]}, encrypted=True)})
    assert code_of(lambda: read_sheet(data, "secret.xls")) == "encrypted"


def test_hangul_document_is_not_a_spreadsheet(no_parser):
    with pytest.raises(UnreadableFileError) as caught:
        read_sheet(ole_bytes({"FileHeader": b"HWP Document File", "BodyText": b"\0"}), "보고서.hwp")
    assert caught.value.code == "not_spreadsheet" and "HWP" in caught.value.message.ko


def test_handmade_xls_is_read_through_the_guard():
    data = ole_bytes({"Workbook": biff_workbook({"Data": [(0, 0, 1.0), (2, 1, 5.0)]})})
    assert read_sheet(data, "a.xls").rows == [[1.0, None], [None, None], [None, 5.0]]


def test_xls_cell_at_the_far_corner_is_refused(no_parser):
    data = ole_bytes({"Workbook": biff_workbook({"Data": [(0, 0, 1.0), (65535, 65535, 2.0)]})})
    assert code_of(lambda: read_sheet(data, "a.xls")) == "bomb"


def test_xls_sheets_count_together_because_the_parser_loads_them_all():
    stream = biff_workbook({"A": [(0, 0, 1.0), (99, 9, 1.0)], "B": [(0, 0, 1.0), (99, 9, 1.0)]})
    gridsize.check_biff_extent(stream, max_cells=2000)
    with pytest.raises(gridsize.GridTooLarge):
        gridsize.check_biff_extent(stream, max_cells=1999)


def test_xls_dimensions_that_run_backwards_are_corrupt():
    stream = biff_workbook({"A": [(0, 0, 1.0)]})
    reversed_dimensions = record(0x0200, struct.pack("<IIHHH", 10, 5, 0, 3, 0))
    sheet_start = stream.rindex(record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0x0600)))
    bof_end = sheet_start + 20
    with pytest.raises(gridsize.GridCorrupt):
        gridsize.check_biff_extent(stream[:bof_end] + reversed_dimensions + stream[bof_end:])


def test_xls_shared_string_count_beyond_the_stream_is_corrupt():
    stream = biff_workbook({"A": [(0, 0, 1.0)]})
    sst = record(0x00FC, struct.pack("<ii", 1, 2_000_000_000))
    with pytest.raises(gridsize.GridCorrupt):
        gridsize.check_biff_extent(stream[:20] + sst + stream[20:])


@pytest.mark.parametrize(
    ("far", "cells"),
    [
        # Four letters: calamine reads ZZZZ as column 475,254 and would ask for 15 TB.
        ('<row r="1048576"><c r="ZZZZ1048576"><v>1</v></c></row>', 1_048_576 * 475_254),
        # A row number past Excel's last row: calamine takes it at its word (832 GB).
        ('<row r="999999999"><c r="Z999999999"><v>1</v></c></row>', 999_999_999 * 26),
    ],
)
def test_references_past_excel_limits_are_measured_not_assumed(far, cells):
    xml = sheet_xml(f'<row r="1"><c r="A1" t="str"><v>a</v></c></row>{far}')
    with pytest.raises(gridsize.GridTooLarge) as caught:
        gridsize.check_sheet_xml_extent(xml)
    assert caught.value.cells == cells


def test_a_narrow_sheet_passes_the_one_pass_check():
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="Z{r}"><v>2</v></c></row>' for r in range(1, 2000))
    gridsize.check_sheet_xml_extent(sheet_xml(rows), max_cells=2000 * 26)
