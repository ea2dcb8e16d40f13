"""Small files that ask for a lot of work: many sheets, far corners, merged ranges, wide rows, odd bytes.

Built byte by byte (no spreadsheet library), so a test can make a workbook of 10,000 sheets in a blink
and the benchmark (bench/bench_bounded.py) can make the full-size versions with the same functions.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"

EVENTS_HEADER = ("행사구분", "개최일", "행사명", "참석인원")


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_xml(rows: Iterable[list[str]] = (), *, merges: Iterable[str] = (), extra_cells: str = "") -> bytes:
    """A worksheet: text `rows` from A1 down, then `extra_cells` (raw <row> markup), then merged ranges."""
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(text_cell(f"{column_letters(c)}{r}", v) for c, v in enumerate(row))
        body.append(f'<row r="{r}">{cells}</row>')
    merged = list(merges)
    merge_xml = (
        f'<mergeCells count="{len(merged)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merged) + "</mergeCells>"
        if merged
        else ""
    )
    return (f'<worksheet xmlns="{_MAIN}"><sheetData>{"".join(body)}{extra_cells}</sheetData>{merge_xml}'
            "</worksheet>").encode()


def xlsx(sheets: dict[str, bytes]) -> bytes:
    """A minimal xlsx package holding `sheets` (name -> worksheet XML), in that order."""
    names = list(sheets)
    book = (f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            + "".join(f'<sheet name="{n}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, n in enumerate(names))
            + "</sheets></workbook>")
    book_rels = (f'<Relationships xmlns="{_PKG_REL}">'
                 + "".join(f'<Relationship Id="rId{i + 1}" Type="{_REL}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                           for i in range(len(names)))
                 + "</Relationships>")
    types = (f'<Types xmlns="{_CT}"><Default Extension="rels" '
             'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             f'<Override PartName="/xl/workbook.xml" ContentType="{_BOOK_TYPE}"/>'
             + "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="{_SHEET_TYPE}"/>'
                       for i in range(len(names)))
             + "</Types>")
    root_rels = (f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
                 f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/_rels/workbook.xml.rels", book_rels)
        for i, name in enumerate(names):
            archive.writestr(f"xl/worksheets/sheet{i + 1}.xml", sheets[name])
    return out.getvalue()


def events_rows(n: int = 3) -> list[list[str]]:
    """A small events table: the header and `n` workshops."""
    return [list(EVENTS_HEADER)] + [["워크숍", f"2026-06-{10 + i:02d}", f"워크숍 {i + 1}", "20"] for i in range(n)]


def far_corner_sheets(count: int, corner: str) -> bytes:
    """`count` sheets, each an events table plus one cell at `corner` (its grid spans A1 to there)."""
    row = corner.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    far = f'<row r="{row}"><c r="{corner}"><v>1</v></c></row>'
    return xlsx({f"S{i + 1}": sheet_xml(events_rows(), extra_cells=far) for i in range(count)})


def many_sheets(count: int) -> bytes:
    """`count` sheets of a small events table each."""
    one = sheet_xml(events_rows())
    return xlsx({f"S{i + 1}": one for i in range(count)})


def many_merges(count: int, *, width: int = 4) -> bytes:
    """An events table with `count` one-row merged ranges (A5:D5, A6:D6, ...) below it."""
    last = column_letters(width - 1)
    merges = (f"A{r}:{last}{r}" for r in range(6, 6 + count))
    return xlsx({"행사": sheet_xml(events_rows(), merges=merges)})


def wide_csv(columns: int) -> bytes:
    """A CSV whose header row has `columns` fields (Excel stops at 16,384)."""
    header = ",".join(list(EVENTS_HEADER) + [f"c{i}" for i in range(columns - len(EVENTS_HEADER))])
    return (header + "\n" + "워크숍,2026-06-10,w,20\n").encode()


def repeated_merges(count: int, ref: str = "A1:D2") -> bytes:
    """An events table with the same merged range over its header `count` times (compresses to almost nothing)."""
    return xlsx({"행사": sheet_xml(events_rows(), merges=[ref] * count)})


def overlapping_header_merges(count: int) -> bytes:
    """An events table 16,384 columns wide whose header rows carry `count` distinct, overlapping merged ranges."""
    rows = events_rows()
    cells = "".join(
        f'<row r="{r}">' + "".join(text_cell(f"{column_letters(c)}{r}", v) for c, v in enumerate(row))
        + ('<c r="XFD1"><v>1</v></c>' if r == 1 else "") + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    merges = [f"{column_letters(i % 16_000)}{1 + i // 16_000 % 2}:XFD{2 + i % 3}" for i in range(count)]
    return xlsx({"행사": sheet_xml(extra_cells=cells, merges=merges)})


def tall_merges_down(count: int, *, last_row: int = 999_999, width: int = 20) -> bytes:
    """An events table over a sheet `width` x `last_row`, with `count` overlapping ranges merged down column A."""
    rows = events_rows()
    body = "".join(
        f'<row r="{r}">' + "".join(text_cell(f"{column_letters(c)}{r}", v) for c, v in enumerate(row)) + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    first = len(rows) + 1
    body += "".join(f'<row r="{r}">{text_cell(f"A{r}", "워크숍")}</row>' for r in range(first, first + count))
    body += f'<row r="{last_row}"><c r="{column_letters(width - 1)}{last_row}"><v>1</v></c></row>'
    merges = (f"A{r}:A{last_row}" for r in range(first, first + count))
    return xlsx({"행사": sheet_xml(extra_cells=body, merges=merges)})


def number_corner(corner: str) -> bytes:
    """A few number cells and one at `corner`: no text, so the quick bound of the guard is what decides."""
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>{r}</v></c></row>' for r in range(1, 5))
    row = corner.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return xlsx({"S": sheet_xml(extra_cells=rows + f'<row r="{row}"><c r="{corner}"><v>1</v></c></row>')})


_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:spreadsheet>"
)


_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    "</manifest:manifest>"
)


def ods_many_tables(count: int) -> bytes:
    """An ODS spreadsheet of `count` tables, each a small events table."""
    def cell(v: str) -> str:
        return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'

    table = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in events_rows())
    content = _ODS_HEAD + "".join(f'<table:table table:name="S{i + 1}">{table}</table:table>' for i in range(count))
    content += "</office:spreadsheet></office:body></office:document-content>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        archive.writestr("content.xml", content)
    return out.getvalue()
