"""Odd bytes in a text upload get a clear answer: a finding on the row that holds them, or a refusal.

Lines in two encodings, bytes of neither, NUL bytes, rows wider than Excel: nothing is stored with a
U+FFFD or a NUL that no finding explains, and nothing ends in a traceback.
"""

from __future__ import annotations

import pytest

from metrics import store
from metrics.intake.decoding import decode
from metrics.intake.ingest import ingest_file
from metrics.intake.reading import RowFinding, UnreadableFileError, read_sheet
from tests.hostile_files import wide_csv
from tests.sheets import xlsx
from tests.test_filesafety import biff_workbook, ole_bytes

HEADER = "행사구분,개최일,행사명\r\n"


def _line(date: str, title: str) -> str:
    return f"워크숍,{date},{title}\r\n"


def _codes(report) -> list[tuple[int, str]]:
    return sorted((i.row, i.code) for i in report.issues)


def _stored_text(engine) -> str:
    titles = store.read_active(engine, "events")["title"].tolist()
    return "".join(str(t) for t in titles)


# ---------------------------------------------------------------- lines in two encodings


def test_a_cp949_line_in_a_utf8_file_is_read_right_and_held_with_a_finding_naming_its_encoding():
    data = (HEADER + _line("2026-06-10", "상반기 워크숍")).encode() + _line("2026-06-11", "하반기 워크숍").encode("cp949")
    sheet = read_sheet(data, "행사.csv")
    assert sheet.rows[2] == ["워크숍", "2026-06-11", "하반기 워크숍"]  # decoded as CP949, not garbled
    assert sheet.findings == (RowFinding(2, "other_encoding", "CP949"),)


def test_a_utf8_line_in_a_cp949_file_is_the_odd_one_out():
    lines = [_line("2026-06-10", "상반기"), _line("2026-06-11", "하반기")]
    data = (HEADER + lines[0]).encode("cp949") + lines[1].encode() + _line("2026-06-12", "추가").encode("cp949")
    sheet = read_sheet(data, "행사.csv")
    assert [row[2] for row in sheet.rows[1:]] == ["상반기", "하반기", "추가"]
    assert sheet.findings == (RowFinding(2, "other_encoding", "UTF-8"),)


def test_a_utf8_line_that_also_decodes_as_cp949_is_not_taken_for_cp949():
    # "강사" in UTF-8 is valid CP949 too ("媛뺤궗"): the whole file decodes as CP949 without an error.
    data = (HEADER + _line("2026-06-10", "상반기")).encode("cp949") + "강사,2026-06-11,x\r\n".encode()
    data.decode("cp949")
    sheet = read_sheet(data, "행사.csv")
    assert sheet.rows[2][0] == "강사" and sheet.findings == (RowFinding(2, "other_encoding", "UTF-8"),)


def test_the_row_in_the_other_encoding_is_held_back_and_the_rest_imported(engine):
    data = (HEADER + _line("2026-06-10", "상반기")).encode() + _line("2026-06-11", "하반기").encode("cp949")
    report = ingest_file(engine, data, "행사.csv", kind="events")
    assert report.status == "imported" and report.rows_imported == 1
    assert _codes(report) == [(3, "other_encoding")]  # Excel row 3: the third line
    assert "CP949" in report.issues[0].message.en


def test_a_line_of_neither_encoding_is_held_and_its_replacement_characters_never_stored(engine):
    data = (HEADER + _line("2026-06-10", "정상")).encode() + "워크숍,2026-06-11,".encode() + b"\xec\xb6\x94\xff\xfe\r\n"
    report = ingest_file(engine, data, "행사.csv", kind="events")
    assert _codes(report) == [(3, "undecodable")]
    assert "\ufffd" not in _stored_text(engine)


def test_a_replacement_character_already_in_the_file_is_reported_too(engine):
    data = (HEADER + _line("2026-06-10", "정상") + _line("2026-06-11", "깨\ufffd진")).encode()
    report = ingest_file(engine, data, "행사.csv", kind="events")
    assert _codes(report) == [(3, "broken_character")]
    assert "\ufffd" not in _stored_text(engine)


def test_a_replacement_character_in_a_workbook_cell_is_reported_as_well(engine):
    rows = [["행사구분", "개최일", "행사명"], ["워크숍", "2026-06-10", "정상"], ["워크숍", "2026-06-11", "깨\ufffd진"]]
    report = ingest_file(engine, xlsx(rows), "행사.xlsx", kind="events")
    assert _codes(report) == [(3, "broken_character")] and report.rows_imported == 1
    assert "\ufffd" not in _stored_text(engine)


def test_a_finding_lands_on_the_record_whose_quoted_value_spans_lines():
    data = (HEADER + '워크숍,2026-06-10,"첫 줄\r\n둘째 줄"\r\n').encode() + _line("2026-06-11", "끝").encode("cp949")
    sheet = read_sheet(data, "행사.csv")
    assert len(sheet.rows) == 3 and sheet.findings == (RowFinding(2, "other_encoding", "CP949"),)


def test_a_header_of_neither_encoding_refuses_the_file_with_the_encoding_named(engine):
    data = "행사구분,개최일,".encode() + b"\x80\xff\r\n" + _line("2026-06-10", "x").encode()
    report = ingest_file(engine, data, "행사.csv", kind="events")
    assert report.status == "rejected"
    assert "UTF-8" in str(report.message) and "CP949" in str(report.message) and "binary" not in str(report.message)


def test_a_file_in_an_unknown_encoding_is_refused_as_such_not_as_binary():
    data = ("名前,日付,タイトル\r\n" + "".join(f"ワーク{i},2026-06-{i:02d},研修\r\n" for i in range(1, 20))).encode("shift_jis")
    with pytest.raises(UnreadableFileError) as caught:
        read_sheet(data, "events.csv")
    assert caught.value.code == "encoding"
    assert "UTF-8" in caught.value.message.en and "binary" not in str(caught.value)


# ---------------------------------------------------------------- NUL bytes


def test_a_few_nul_bytes_are_removed_and_their_rows_held(engine):
    data = (HEADER + _line("2026-06-10", "정상") + _line("2026-06-11", "널\x00문자")).encode()
    report = ingest_file(engine, data, "행사.csv", kind="events")
    assert report.status == "imported" and report.rows_imported == 1
    assert _codes(report) == [(3, "nul_byte")]
    assert "\x00" not in _stored_text(engine)


def test_a_file_full_of_nul_bytes_is_refused_with_the_nul_bytes_named():
    data = (HEADER + _line("2026-06-10", "x")).encode() + b"\x00" * 4096
    with pytest.raises(UnreadableFileError) as caught:
        read_sheet(data, "행사.csv")
    assert "NUL" in caught.value.message.en and "4,096" in caught.value.message.en


def test_utf16_text_is_not_taken_for_nul_bytes():
    data = (HEADER + _line("2026-06-10", "x")).encode("utf-16")
    assert decode(data).nul_count == 0 and read_sheet(data, "a.csv").findings == ()


# ---------------------------------------------------------------- wider than Excel


def test_a_csv_wider_than_excel_is_refused_with_one_message():
    with pytest.raises(UnreadableFileError) as caught:
        read_sheet(wide_csv(16_385), "wide.csv")
    assert "16,385" in caught.value.message.en and "16,384" in caught.value.message.en


def test_a_csv_exactly_as_wide_as_excel_is_read():
    assert read_sheet(wide_csv(16_384), "wide.csv").grid.shape == (2, 16_384)


def test_an_xls_with_a_cell_past_excels_last_column_gets_one_message_not_a_traceback(engine):
    data = ole_bytes({"Workbook": biff_workbook({"S": [(0, 0, 1.0), (1, 0, 2.0), (0, 40_000, 3.0)]})})
    report = ingest_file(engine, data, "wide.xls", kind="events")
    assert report.status == "rejected" and "40,001 columns" in str(report.message)
