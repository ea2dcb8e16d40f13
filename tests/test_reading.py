"""Reading upload bytes into raw sheets: encodings, delimiters, workbooks, and every way a file can be refused."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from metrics.intake import reading
from metrics.intake.reading import RawSheet, UnreadableFileError, read_all_sheets, read_sheet, sheet_names
from tests.test_filesafety import biff_workbook, ole_bytes

# ---------------------------------------------------------------- helpers building files in memory


def xlsx_bytes(build) -> bytes:
    """An xlsx made by openpyxl; `build(workbook)` fills it."""
    workbook = openpyxl.Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:spreadsheet>"
)
ODS_TAIL = "</office:spreadsheet></office:body></office:document-content>"
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    "</manifest:manifest>"
)


def ods_bytes(tables: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        archive.writestr("content.xml", ODS_HEAD + tables + ODS_TAIL, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def ods_cell(text: str, repeat: int = 1) -> str:
    return (
        f'<table:table-cell table:number-columns-repeated="{repeat}" office:value-type="string">'
        f"<text:p>{text}</text:p></table:table-cell>"
    )


def code_of(call) -> str:
    with pytest.raises(UnreadableFileError) as caught:
        call()
    return caught.value.code


# ---------------------------------------------------------------- CSV and other text


def test_utf8_csv_keeps_korean_headers_and_every_value_as_text():
    data = '접수번호,민원유형,금액\n0123,누수,"1,500"\n'.encode()
    sheet = read_sheet(data, "민원.csv")
    assert sheet == RawSheet.from_rows("csv", [["접수번호", "민원유형", "금액"], ["0123", "누수", "1,500"]], "csv")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp949", "utf-16"])
def test_korean_csv_decodes_in_the_encodings_excel_writes(encoding):
    data = "성명,소속\n홍길동,상수도사업본부\n".encode(encoding)
    assert read_sheet(data, "a.csv").rows == [["성명", "소속"], ["홍길동", "상수도사업본부"]]


def test_utf16_big_endian_with_bom_is_decoded():
    data = "\ufeff이름\t점수\n김\t5\n".encode("utf-16-be")
    assert read_sheet(data, "a.txt").rows == [["이름", "점수"], ["김", "5"]]


def test_bytes_that_are_neither_utf8_nor_cp949_are_read_with_replacement_characters_and_a_finding():
    data = "이름,값\n".encode() + b"x\xff,1\n"
    sheet = read_sheet(data, "a.csv")
    assert sheet.rows == [["이름", "값"], ["x\ufffd", "1"]]
    assert sheet.findings == (reading.RowFinding(1, "undecodable", "UTF-8"),)


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_the_delimiter_is_sniffed(delimiter):
    data = delimiter.join(["fieldNameA", "fieldNameB"]) + "\n" + delimiter.join(["0123", "c"]) + "\n"
    assert read_sheet(data.encode(), "a.csv").rows == [["fieldNameA", "fieldNameB"], ["0123", "c"]]


def test_comma_inside_quotes_does_not_fool_the_sniffer():
    data = '"항목",전국,전국\n"컴퓨터게임,PC통신",12.0,18.9\n'.encode()
    assert read_sheet(data, "a.csv").rows[1] == ["컴퓨터게임,PC통신", "12.0", "18.9"]


def test_ragged_rows_are_padded_on_the_right_and_lose_nothing():
    data = b"id,name,age\n1101,John\n1102,Julie,26,Potatoes\n"
    assert read_sheet(data, "a.csv").rows == [
        ["id", "name", "age", None],
        ["1101", "John", None, None],
        ["1102", "Julie", "26", "Potatoes"],
    ]


def test_leading_tab_that_keeps_a_date_as_text_is_stripped():
    data = '날짜,지점\n"\t1907-10-01",108\n'.encode()
    assert read_sheet(data, "kma.csv").rows[1] == ["1907-10-01", "108"]


def test_empty_and_blank_fields_become_none_and_blank_lines_keep_their_place():
    data = b"a,b\n1,  \n\n2,x\n"
    assert read_sheet(data, "a.csv").rows == [["a", "b"], ["1", None], [None, None], ["2", "x"]]


def test_text_has_one_sheet_called_csv():
    assert sheet_names(b"a,b\n1,2\n", "a.csv") == ["csv"]
    assert [s.name for s in read_all_sheets(b"a,b\n1,2\n", "a.csv")] == ["csv"]


def test_tab_separated_text_under_an_xls_name_is_read_as_text():
    data = "성명\t점수\n김\t5\n".encode("cp949")
    sheet = read_sheet(data, "export.xls")
    assert (sheet.source, sheet.rows) == ("csv", [["성명", "점수"], ["김", "5"]])


# ---------------------------------------------------------------- workbooks


def test_xlsx_dates_come_back_as_datetime_and_empty_cells_as_none():
    def build(wb):
        ws = wb.active
        ws.title = "응답"
        ws.append(["응답일시", "점수", "의견"])
        ws.append([datetime(2024, 3, 5, 14, 30), 5, None])

    sheet = read_sheet(xlsx_bytes(build), "survey.xlsx")
    assert sheet.name == "응답" and sheet.source == "xlsx"
    assert sheet.rows == [["응답일시", "점수", "의견"], [datetime(2024, 3, 5, 14, 30), 5.0, None]]


def test_rows_keep_their_excel_positions_when_the_table_starts_lower_and_further_right():
    def build(wb):
        wb.active["C3"] = "제목"

    assert read_sheet(xlsx_bytes(build), "a.xlsx").rows == [
        [None, None, None],
        [None, None, None],
        [None, None, "제목"],
    ]


def test_sheet_is_chosen_by_name_and_hidden_sheets_and_chartsheets_are_not_listed():
    def build(wb):
        wb.active.title = "안내"
        wb.active["A1"] = "읽어 주세요"
        data = wb.create_sheet("데이터")
        data.append(["a", "b"])
        hidden = wb.create_sheet("숨김")
        hidden["A1"] = "x"
        hidden.sheet_state = "hidden"
        wb.create_chartsheet("차트")

    data = xlsx_bytes(build)
    assert sheet_names(data, "a.xlsx") == ["안내", "데이터"]
    assert read_sheet(data, "a.xlsx", "데이터").rows == [["a", "b"]]
    assert read_sheet(data, "a.xlsx").name == "안내"
    assert read_sheet(data, "a.xlsx", " 데이터 ").name == "데이터"


def test_unknown_sheet_name_gives_a_message_listing_the_sheets():
    data = xlsx_bytes(lambda wb: wb.active.append(["a"]))
    with pytest.raises(UnreadableFileError) as caught:
        read_sheet(data, "a.xlsx", "2024년")
    assert caught.value.code == "no_such_sheet"
    assert "'2024년' 시트가 없습니다" in caught.value.message.ko and "Sheet" in caught.value.message.en


def test_error_cells_read_as_none():
    def build(wb):
        wb.active.append(["a", "b"])
        wb.active["A2"] = "#N/A"
        wb.active["A2"].data_type = "e"
        wb.active["B2"] = 3

    assert read_sheet(xlsx_bytes(build), "a.xlsx").rows == [["a", "b"], [None, 3.0]]


def test_a_sheet_holding_only_zeros_and_false_is_not_empty():
    def build(wb):
        wb.active.append([0, False])

    assert read_sheet(xlsx_bytes(build), "a.xlsx").rows == [[0.0, False]]


def test_a_ragged_grid_from_the_workbook_reader_is_padded_not_refused():
    from metrics.intake.reading import _calamine_grid

    assert _calamine_grid([["a", ""], ["", 1.0, "x"]]).tolist() == [["a", None, None], [None, 1.0, "x"]]


def test_merged_ranges_are_reported_zero_based():
    def build(wb):
        wb.active["A1"] = "연번"
        wb.active.merge_cells("A1:A2")
        wb.active["B1"] = "항목별 만족도"
        wb.active.merge_cells("B1:D1")

    assert set(read_sheet(xlsx_bytes(build), "a.xlsx").merged) == {(0, 0, 1, 0), (0, 1, 0, 3)}


def test_read_all_sheets_skips_empty_sheets():
    def build(wb):
        wb.active.title = "빈 시트"
        wb.create_sheet("자료").append(["a", 1])

    assert [s.name for s in read_all_sheets(xlsx_bytes(build), "a.xlsx")] == ["자료"]


def test_ods_is_read_by_its_content_whatever_its_name():
    data = ods_bytes(
        '<table:table table:name="S1"><table:table-row>'
        + ods_cell("이름")
        + "</table:table-row></table:table>"
    )
    sheet = read_sheet(data, "upload.bin")
    assert (sheet.name, sheet.rows, sheet.source) == ("S1", [["이름"]], "ods")


# ---------------------------------------------------------------- refusals


def test_empty_upload_is_refused():
    assert code_of(lambda: read_sheet(b"", "a.csv")) == "empty"
    assert code_of(lambda: read_sheet(b" \r\n", "a.csv")) == "empty"


def test_csv_with_only_separators_is_an_empty_sheet():
    assert code_of(lambda: read_sheet(b",,\n,,\n", "a.csv")) == "empty"


def test_workbook_whose_only_sheet_is_empty_is_refused():
    assert code_of(lambda: read_sheet(xlsx_bytes(lambda wb: None), "a.xlsx")) == "empty"


def test_too_large_upload_is_refused_before_parsing():
    with pytest.raises(UnreadableFileError) as caught:
        read_sheet(b"a,b\n1,2\n", "a.csv", max_bytes=4)
    assert caught.value.code == "too_large"
    assert str(caught.value) == f"{caught.value.message.ko} / {caught.value.message.en}"


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setenv("MAX_ROWS", "2")
    assert code_of(lambda: read_sheet(b"a\n1\n2\n", "a.csv")) == "too_large"
    assert (
        code_of(
            lambda: read_sheet(xlsx_bytes(lambda wb: [wb.active.append([i]) for i in range(3)]), "a.xlsx")
        )
        == "too_large"
    )


def test_password_protected_ooxml_in_an_ole_container_is_reported_as_encrypted():
    data = ole_bytes({"EncryptionInfo": b"\4\0\4\0", "EncryptedPackage": b"\0" * 8})
    assert code_of(lambda: read_sheet(data, "secret.xlsx")) == "encrypted"


def test_xls_with_a_filepass_record_is_reported_as_encrypted():
    data = ole_bytes({"Workbook": biff_workbook({"S": [(0, 0, 1.0)]}, encrypted=True)})
    assert code_of(lambda: read_sheet(data, "secret.xls")) == "encrypted"


def test_truncated_xlsx_is_corrupt():
    data = xlsx_bytes(lambda wb: wb.active.append(["a", 1]))
    assert code_of(lambda: read_sheet(data[: len(data) // 2], "a.xlsx")) == "corrupt"


def test_xlsx_with_broken_xml_is_corrupt():
    data = zip_bytes(
        {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook><sheets><sheet name="}
    )
    assert code_of(lambda: read_sheet(data, "a.xlsx")) == "corrupt"


def test_zip_without_a_workbook_is_not_a_spreadsheet():
    assert code_of(lambda: read_sheet(zip_bytes({"test.txt": b"hello"}), "a.xlsx")) == "not_spreadsheet"


def test_web_page_saved_as_xls_is_refused_with_advice():
    data = "<html><head><meta charset='euc-kr'></head><table><tr><td>이름</td></tr></table></html>".encode(
        "cp949"
    )
    with pytest.raises(UnreadableFileError) as caught:
        read_sheet(data, "조회결과.xls")
    assert caught.value.code == "not_spreadsheet" and ".xlsx" in caught.value.message.ko


def test_binary_that_is_no_spreadsheet_is_refused():
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    assert code_of(lambda: read_sheet(png, "photo.xlsx")) == "not_spreadsheet"


def test_a_line_of_prose_under_an_excel_name_is_corrupt_not_a_table():
    data = b"Attachment f:\\attachcus\\Summer trading shots.xls not found!"
    assert code_of(lambda: read_sheet(data, "shots.xls")) == "corrupt"


def test_zip_member_that_inflates_absurdly_is_a_bomb(monkeypatch):
    monkeypatch.setattr(reading.CalamineWorkbook, "from_filelike", lambda *_: pytest.fail("parser reached"))
    data = zip_bytes(
        {"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"\0" * (30 * 1024 * 1024)}
    )
    assert len(data) < 100_000
    assert code_of(lambda: read_sheet(data, "a.xlsx")) == "bomb"


def test_ods_declaring_a_billion_repeated_rows_is_refused_before_calamine_sees_it(monkeypatch):
    monkeypatch.setattr(reading.CalamineWorkbook, "from_filelike", lambda *_: pytest.fail("parser reached"))
    row = (
        '<table:table-row table:number-rows-repeated="999999999">'
        + ods_cell("X", 999_999_999)
        + "</table:table-row>"
    )
    data = ods_bytes(f'<table:table table:name="S">{row}</table:table>')
    assert code_of(lambda: read_sheet(data, "a.ods")) == "bomb"


def test_ods_with_libreoffice_style_trailing_empty_repeats_is_accepted():
    trailing = '<table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    first = (
        "<table:table-row>"
        + ods_cell("a")
        + ods_cell("b")
        + '<table:table-cell table:number-columns-repeated="1022"/></table:table-row>'
    )
    data = ods_bytes(f'<table:table table:name="S">{first}{trailing}</table:table>')
    assert read_sheet(data, "a.ods").rows == [["a", "b"]]


def test_calamine_failures_never_escape_as_their_own_exceptions():
    data = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"\xff\xfe not xml"})
    for call in (sheet_names, read_all_sheets, read_sheet):
        with pytest.raises(UnreadableFileError):
            call(data, "a.xlsx")


def test_a_date_typed_cell_in_1904_system_keeps_its_calendar_date():
    def build(wb):
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
        wb.active["A1"] = date(2021, 1, 1)

    assert read_sheet(xlsx_bytes(build), "a.xlsx").rows[0][0] in (date(2021, 1, 1), datetime(2021, 1, 1))
