"""Files that try to hurt us: one clear message each, and the database file byte for byte unchanged."""

from __future__ import annotations

import io
import zipfile

import pytest

from metrics import store
from metrics.intake.ingest import ingest_file
from tests import hostile_files as hostile
from tests.dbcheck import snapshot
from tests.sheets import xlsx

EVENTS = [["행사구분", "개최일", "행사명"], ["워크숍", "2026-06-10", "성과평가 워크숍"]]


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, content if item.filename == name else src.read(item.filename))
        if name not in src.namelist():
            dst.writestr(name, content)
    return out.getvalue()


def _xml_entity_bomb() -> bytes:
    # "Billion laughs": ten levels of ten references each would expand to 10^9 copies of "lol".
    levels = "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    sheet = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol0 "lol">' + levels + ']>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    return _replace_member(xlsx(EVENTS), "xl/worksheets/sheet1.xml", sheet.encode())


def _zip_bomb() -> bytes:
    # 2 GB of zeros claimed as the sheet: a few MB compressed.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 24)
            for _ in range(128):
                member.write(chunk)
    return out.getvalue()


def _expansion_bomb_ods() -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="S"><table:table-row table:number-rows-repeated="999999999">'
        '<table:table-cell table:number-columns-repeated="999999999"><text:p>x</text:p></table:table-cell>'
        '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    return out.getvalue()


def _far_reference(ref: str) -> bytes:
    sheet = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
             f'<row r="{ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}"><c r="{ref}"><v>1</v></c></row></sheetData></worksheet>')
    return _replace_member(xlsx(EVENTS), "xl/worksheets/sheet1.xml", sheet.encode())


BAD_FILES = {
    # Both would make calamine abort the whole process (an allocation of terabytes) if parsed.
    "four-letter-column.xlsx": lambda: _far_reference("ZZZZ1048576"),
    "row-past-excel.xlsx": lambda: _far_reference("Z999999999"),
    "corrupt.xlsx": lambda: xlsx(EVENTS)[:-200],
    "not-a-sheet.xlsx": lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 500,
    "empty.csv": lambda: b"",
    "zip-bomb.xlsx": _zip_bomb,
    "xml-bomb.xlsx": _xml_entity_bomb,
    "expansion-bomb.ods": _expansion_bomb_ods,
    # Issue 8: work bounded for the whole workbook, odd bytes answered in words (tests/hostile_files.py).
    "ten-thousand-sheets.xlsx": lambda: hostile.many_sheets(10_000),
    "merged-380000.xlsx": lambda: hostile.repeated_merges(380_000),
    "quick-bound-corner.xlsx": lambda: hostile.number_corner("ZZ99999"),
    "wider-than-excel.csv": lambda: hostile.wide_csv(16_385),
    "nul-bytes.csv": lambda: "행사구분,개최일,행사명\n".encode() + b"\0" * 2000,
    "shift-jis.csv": lambda: "".join(f"名前{i},日付,研修\n" for i in range(20)).encode("shift_jis"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_hostile_file_gets_one_message_and_leaves_the_database_untouched(engine, name):
    assert ingest_file(engine, xlsx(EVENTS), "good.xlsx", kind="events").ok
    before = snapshot(engine)
    report = ingest_file(engine, BAD_FILES[name](), name, kind="events")
    assert report.status == "rejected"
    assert str(report.message).count(" / ") >= 1 and "\n" not in str(report.message)  # one line, Korean / English
    assert snapshot(engine) == before


def test_a_file_over_the_size_cap_is_refused_before_parsing(engine, monkeypatch):
    monkeypatch.setenv("MAX_UPLOAD_MB", "0.001")  # about 1 KB
    report = ingest_file(engine, xlsx(EVENTS), "big.xlsx", kind="events")
    assert report.status == "rejected" and "MB" in str(report.message)
    assert store.list_uploads(engine).empty


def test_a_sheet_over_the_row_cap_is_refused(engine, monkeypatch):
    monkeypatch.setenv("MAX_ROWS", "3")
    rows = EVENTS + [["워크숍", f"2026-06-{d:02d}", f"w{d}"] for d in range(11, 16)]
    report = ingest_file(engine, xlsx(rows), "many.xlsx", kind="events")
    assert report.status == "rejected"
    assert store.list_uploads(engine).empty


def test_header_and_cell_text_never_become_sql(engine):
    hostile = [["행사구분", "개최일", "행사명'); DROP TABLE events; --"],
               ["워크숍", "2026-06-10", "x'); DELETE FROM uploads; --"]]
    report = ingest_file(engine, xlsx(hostile), "evil.xlsx", kind="events")
    assert report.ok, report.message
    assert store.read_active(engine, "events")["title"].tolist() == ["x'); DELETE FROM uploads; --"]
    assert len(store.list_uploads(engine)) == 1
