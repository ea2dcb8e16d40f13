"""Checks that run on an upload's bytes before any parser sees them, and the one error they raise.

A spreadsheet is a container that can promise far more than it weighs: a zip member that inflates to
gigabytes, an ODS row "repeated" a billion times, an encrypted package that parsers only call
"unknown format", a single cell typed at XFD1048576. calamine allocates the dense grid between the
first and last cell, and a Rust allocation failure aborts the whole server process, so every format
is bounded here first: zip sizes from the directory and by inflating with a cap, ODS repeat counts,
xlsx cell references and BIFF cell records (the last three in `gridsize`), and merged ranges across the
whole workbook. Hostile files are refused before a parser sees them; what only the parser can tell
(the sheets it loads one after another, their widths) the reader bounds as it goes.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from contextlib import contextmanager

from metrics.intake.gridsize import (
    MAX_CELLS,
    MAX_MERGED,
    GridCorrupt,
    GridTooLarge,
    TooManyMerged,
    check_biff_extent,
    check_ods_extent,
    check_sheet_xml_extent,
    count_merged_xml,
)
from metrics.messages import CharterError

MiB = 1024 * 1024
MAX_UNZIPPED_BYTES = 500 * MiB  # all members together, as declared and as actually inflated
MAX_MEMBER_RATIO = 200  # deflate tops out near 1032:1; real sheet XML stays well under 100:1
RATIO_CHECK_FROM = 10 * MiB  # small members may compress absurdly well without harm

CFB_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

# key -> (code, Korean, English). One row per thing that can be wrong with an upload.
_MESSAGES: dict[str, tuple[str, str, str]] = {
    "too_large": (
        "too_large",
        "파일이 너무 큽니다({size_mb:.1f} MB, 한도 {limit_mb:.0f} MB). 기간을 나누어 올려 주세요.",
        "The file is too large ({size_mb:.1f} MB; the limit is {limit_mb:.0f} MB). Upload it in parts.",
    ),
    "too_many_rows": (
        "too_large",
        "행이 너무 많습니다({rows:,}행, 한도 {limit:,}행). 기간을 나누어 올려 주세요.",
        "The sheet has too many rows ({rows:,}; the limit is {limit:,}). Upload it in parts.",
    ),
    "too_many_cells": (
        "bomb",
        "시트가 선언한 칸 수가 너무 많아({cells:,}칸) 열지 않았습니다. 엑셀에서 빈 행·열을 지우고 다시 저장해 주세요.",
        "The sheet declares too many cells ({cells:,}) to open safely. Delete empty rows and columns in "
        "Excel and save it again.",
    ),
    "workbook_too_many_cells": (
        "bomb",
        "통합 문서의 시트들이 합쳐서 너무 많은 칸에 걸쳐 있어({cells:,}칸 이상, 한도 {limit:,}칸) 모두 읽지 않았습니다. "
        "읽을 시트를 지정하거나 필요한 시트만 남겨 저장해 주세요.",
        "Together the workbook's sheets span too many cells (at least {cells:,}; the limit is {limit:,}), so "
        "they were not all read. Name the sheet to read, or keep only the sheets you need and save it again.",
    ),
    "too_many_sheets": (
        "too_large",
        "통합 문서의 시트가 너무 많습니다({sheets:,}개, 한도 {limit:,}개). 필요한 시트만 남겨 저장해 주세요.",
        "The workbook has too many sheets ({sheets:,}; the limit is {limit:,}). Keep the sheets you need and "
        "save it again.",
    ),
    "too_many_merged": (
        "bomb",
        "병합된 셀 범위가 너무 많습니다({count:,}개 이상, 한도 {limit:,}개). 엑셀에서 셀 병합을 해제하고 다시 저장해 주세요.",
        "The workbook has too many merged cell ranges (at least {count:,}; the limit is {limit:,}). Unmerge the "
        "cells in Excel and save it again.",
    ),
    "too_wide": (
        "too_large",
        "'{sheet}' 시트의 열이 너무 많습니다({columns:,}열). 엑셀은 16,384열(XFD)까지만 씁니다. 필요한 열만 남겨 주세요.",
        "Sheet '{sheet}' is wider than Excel allows ({columns:,} columns; Excel stops at 16,384, column XFD). Keep "
        "the columns you need.",
    ),
    "unknown_encoding": (
        "encoding",
        "파일의 문자 인코딩을 알 수 없습니다: {lines:,}줄이 UTF-8도 CP949(EUC-KR)도 아닙니다({first}행부터). "
        "엑셀에서 'CSV UTF-8(쉼표로 분리)'로 다시 저장해 주세요.",
        "The file's text encoding is unknown: {lines:,} lines are neither UTF-8 nor CP949 (EUC-KR) (from line "
        "{first}). Save it again in Excel as 'CSV UTF-8 (Comma delimited)'.",
    ),
    "header_encoding": (
        "encoding",
        "머리글({row}행)에 UTF-8로도 CP949(EUC-KR)로도 읽을 수 없는 글자가 있습니다. 엑셀에서 'CSV UTF-8(쉼표로 "
        "분리)'로 다시 저장해 주세요.",
        "The header (row {row}) holds characters that are neither UTF-8 nor CP949 (EUC-KR). Save the file again "
        "in Excel as 'CSV UTF-8 (Comma delimited)'.",
    ),
    "nul_bytes": (
        "not_spreadsheet",
        "파일에 NUL(0) 바이트가 너무 많아({count:,}개) 텍스트(CSV)로 읽을 수 없습니다. 손상되었거나 표가 아닌 파일입니다.",
        "The file holds too many NUL (zero) bytes ({count:,}) to be read as text (CSV): it is damaged or not a "
        "table.",
    ),
    "zip_bomb": (
        "bomb",
        "압축을 풀면 비정상적으로 커지는 파일이라 열지 않았습니다({detail}).",
        "The file would inflate to an abnormal size when unpacked, so it was not opened ({detail}).",
    ),
    "encrypted": (
        "encrypted",
        "암호가 걸린 파일입니다. 엑셀에서 암호를 해제하고 다시 저장한 뒤 올려 주세요.",
        "The file is password-protected. Remove the password in Excel, save it, and upload it again.",
    ),
    "corrupt": (
        "corrupt",
        "파일이 손상되어 읽을 수 없습니다({detail}). 엑셀에서 열어 다른 이름으로 저장한 뒤 다시 올려 주세요.",
        "The file is damaged and cannot be read ({detail}). Open it in Excel, save a new copy, and upload that.",
    ),
    "empty_file": (
        "empty",
        "빈 파일입니다. 내용이 있는 파일을 올려 주세요.",
        "The file is empty. Upload a file with data in it.",
    ),
    "empty_sheet": (
        "empty",
        "'{sheet}' 시트에 데이터가 없습니다.",
        "Sheet '{sheet}' has no data.",
    ),
    "no_sheets": (
        "no_sheets",
        "통합 문서에 워크시트가 하나도 없습니다.",
        "The workbook has no worksheets.",
    ),
    "no_such_sheet": (
        "no_such_sheet",
        "'{sheet}' 시트가 없습니다. 있는 시트: {available}",
        "There is no sheet named '{sheet}'. Sheets in the file: {available}",
    ),
    "not_spreadsheet": (
        "not_spreadsheet",
        "엑셀(xlsx, xls), ODS 또는 CSV 파일이 아닙니다({detail}).",
        "This is not an Excel (xlsx, xls), ODS or CSV file ({detail}).",
    ),
    "html_as_excel": (
        "not_spreadsheet",
        "엑셀 확장자이지만 실제로는 웹 페이지(HTML/XML) 파일입니다. 엑셀에서 열어 'Excel 통합 문서(*.xlsx)'로 "
        "다시 저장해 주세요.",
        "The file has an Excel name but is really a web page (HTML/XML). Open it in Excel and save it as "
        "'Excel Workbook (*.xlsx)'.",
    ),
    "xlsb": (
        "not_spreadsheet",
        "엑셀 바이너리 통합 문서(xlsb)는 받지 않습니다. 엑셀에서 'Excel 통합 문서(*.xlsx)'로 저장해 주세요.",
        "Excel binary workbooks (xlsb) are not accepted. Save the file as 'Excel Workbook (*.xlsx)'.",
    ),
    "hwp": (
        "not_spreadsheet",
        "한글(HWP) 문서입니다. 표를 엑셀로 옮겨 xlsx로 저장한 뒤 올려 주세요.",
        "This is a Hangul (HWP) document. Copy the table into Excel, save it as xlsx, and upload that.",
    ),
}


class UnreadableFileError(CharterError):
    """An upload that cannot be read, with one reason code and a message in Korean and English."""

    def __init__(self, code: str, message_ko: str, message_en: str) -> None:
        super().__init__(message_ko, message_en, code=code)


def unreadable(key: str, **values: object) -> UnreadableFileError:
    """The error for a message key of the table above, its placeholders filled from `values`."""
    code, ko, en = _MESSAGES[key]
    return UnreadableFileError(code, ko.format(**values), en.format(**values))


@contextmanager
def _grid_errors() -> Iterator[None]:
    """The grid checks' findings as messages."""
    try:
        yield
    except GridTooLarge as exc:
        raise unreadable("too_many_cells", cells=exc.cells) from None
    except TooManyMerged as exc:
        raise unreadable("too_many_merged", count=exc.count, limit=MAX_MERGED) from None
    except GridCorrupt as exc:
        raise unreadable("corrupt", detail=str(exc)) from None


def check_size(data: bytes, max_bytes: int) -> None:
    """Refuse an upload over `max_bytes` and one with no bytes at all."""
    if len(data) > max_bytes:
        raise unreadable("too_large", size_mb=len(data) / MiB, limit_mb=max_bytes / MiB)
    if not data.strip():
        raise unreadable("empty_file")


# ---------------------------------------------------------------- zip containers (xlsx, xlsm, xlsb, ods)


def inspect_zip(
    data: bytes,
    *,
    max_total: int = MAX_UNZIPPED_BYTES,
    max_ratio: float = MAX_MEMBER_RATIO,
    max_cells: int = MAX_CELLS,
    max_merged: int = MAX_MERGED,
) -> str:
    """The kind of a zip upload ("xlsx" or "ods") once it has proved safe to hand to a parser."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        if any(info.flag_bits & 0x1 for info in members):
            raise unreadable("encrypted")
        _check_declared_sizes(members, max_total, max_ratio)
        kind = _zip_kind(archive, {info.filename for info in members})
        merged = 0
        with _grid_errors():
            for info in members:
                content = _inflate_capped(data, info)
                if kind == "xlsx" and b"sheetData" in content:  # wherever the workbook's rels point
                    check_sheet_xml_extent(content, max_cells=max_cells)
                    merged += count_merged_xml(content)
                    if merged > max_merged:
                        raise TooManyMerged(merged)
            if kind == "ods":
                with archive.open("content.xml") as content_xml:
                    check_ods_extent(content_xml, max_cells=max_cells)
        return kind
    except UnreadableFileError:
        raise
    # zipfile reports damage in many ways: BadZipFile, NotImplementedError for a garbled version
    # field, RuntimeError, struct.error, EOFError... all of them mean the same thing to the user.
    except Exception as exc:
        raise unreadable("corrupt", detail=f"zip: {type(exc).__name__}: {str(exc)[:120]}") from None


def _check_declared_sizes(members: list[zipfile.ZipInfo], max_total: int, max_ratio: float) -> None:
    total = sum(info.file_size for info in members)
    if total > max_total:
        raise unreadable("zip_bomb", detail=f"{total / MiB:,.0f} MB > {max_total / MiB:,.0f} MB")
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_CHECK_FROM and ratio > max_ratio:
            raise unreadable("zip_bomb", detail=f"{info.filename}: {ratio:,.0f}:1")


def _inflate_capped(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, inflated with a cap: the central directory's sizes are only a claim."""
    start = _member_data_offset(data, info)
    raw = data[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        if len(raw) != info.file_size or zlib.crc32(raw) != info.CRC:
            raise unreadable("corrupt", detail=f"{info.filename}: size or CRC mismatch")
        return raw
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise unreadable("corrupt", detail=f"{info.filename}: compression method {info.compress_type}")
    inflater = zlib.decompressobj(-15)
    try:
        # One call, output capped one byte past the claim: a bomb stops there, an honest member fits.
        content = inflater.decompress(raw, info.file_size + 1)
    except zlib.error as exc:
        raise unreadable("corrupt", detail=f"{info.filename}: {exc}") from None
    if len(content) > info.file_size:
        raise unreadable("zip_bomb", detail=f"{info.filename}: more data than declared")
    if zlib.crc32(content) != info.CRC:
        raise unreadable("corrupt", detail=f"{info.filename}: CRC")
    return content


def _member_data_offset(data: bytes, info: zipfile.ZipInfo) -> int:
    header = data[info.header_offset : info.header_offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise unreadable("corrupt", detail=f"{info.filename}: bad local header")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    offset: int = info.header_offset + 30 + name_len + extra_len
    return offset


def _zip_kind(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "mimetype" in names:
        mimetype = archive.read("mimetype").strip()
        if mimetype.startswith(ODS_MIMETYPE):
            return "ods"
        raise unreadable("not_spreadsheet", detail=mimetype.decode("ascii", "replace")[:60])
    lowered = {name.lower() for name in names}
    if any(name.startswith("xl/") and name.endswith(".xml") and "workbook" in name for name in lowered):
        return "xlsx"
    if "xl/workbook.bin" in lowered:
        raise unreadable("xlsb")
    if "content.xml" in lowered:
        return "ods"
    if "word/document.xml" in lowered:
        raise unreadable("not_spreadsheet", detail="Word docx")
    raise unreadable("not_spreadsheet", detail="zip 안에 통합 문서 없음 / zip without a workbook")


# ---------------------------------------------------------------- OLE/CFB containers (xls, encrypted OOXML)

_END_OF_CHAIN = 0xFFFFFFFE
_FILEPASS = 0x002F


def inspect_cfb(data: bytes, *, max_cells: int = MAX_CELLS, max_merged: int = MAX_MERGED) -> str:
    """ "xls" for a BIFF workbook in an OLE container; refuse encrypted, oversized and other documents."""
    try:
        names = _cfb_stream_names(data)
        if {"EncryptionInfo", "EncryptedPackage"} & names.keys():
            raise unreadable("encrypted")
        workbook = names.get("Workbook") or names.get("Book")
        if workbook is None:
            if "FileHeader" in names and ("BodyText" in names or "HwpSummaryInformation" in names):
                raise unreadable("hwp")
            raise unreadable("not_spreadsheet", detail="OLE 문서 / OLE document")
        stream = _cfb_stream(data, names, *workbook)
        if _biff_is_encrypted(stream):
            raise unreadable("encrypted")
        with _grid_errors():
            check_biff_extent(stream, max_cells=max_cells, max_merged=max_merged)
        return "xls"
    except UnreadableFileError:
        raise
    except (struct.error, IndexError, ValueError, OverflowError) as exc:
        raise unreadable("corrupt", detail=f"OLE: {type(exc).__name__}") from None


def _cfb_stream_names(data: bytes) -> dict[str, tuple[int, int]]:
    """Names of the directory entries, each with (start sector, size), found by scanning the entries.

    Entries sit on 128-byte boundaries after the header; reading them this way needs no directory
    chain, so a damaged one does not stop the encryption check.
    """
    if len(data) < 512:
        raise unreadable("corrupt", detail="OLE header too short")
    sector_size = 1 << struct.unpack_from("<H", data, 30)[0]
    if sector_size not in (512, 4096):
        raise unreadable("corrupt", detail="OLE sector size")
    found: dict[str, tuple[int, int]] = {}
    for offset in range(sector_size, len(data) - 127, 128):
        name_len = struct.unpack_from("<H", data, offset + 64)[0]
        kind = data[offset + 66]
        if not (2 <= name_len <= 64 and name_len % 2 == 0 and kind in (1, 2, 5)):
            continue
        if data[offset + name_len - 2 : offset + name_len] != b"\0\0":
            continue
        name = data[offset : offset + name_len - 2].decode("utf-16-le", "replace").lstrip("\x01\x05\x06")
        if name.isprintable() and name:
            start, size = struct.unpack_from("<II", data, offset + 116)
            found.setdefault(name, (start, size))
    return found


def _cfb_stream(data: bytes, names: dict[str, tuple[int, int]], start: int, size: int) -> bytes:
    """A stream's bytes, following the FAT (or, for small streams, the mini FAT) from its first sector."""
    sector_shift, mini_shift = struct.unpack_from("<HH", data, 30)
    sector_size = 1 << sector_shift
    cutoff, first_mini_fat = struct.unpack_from("<II", data, 56)
    fat = _fat(data, sector_size)

    def sector(index: int) -> bytes:
        return data[(index + 1) * sector_size : (index + 2) * sector_size]

    if size >= cutoff:
        return b"".join(sector(i) for i in _chain(fat, start))[:size]
    root_start, root_size = names.get("Root Entry", (_END_OF_CHAIN, 0))
    mini_stream = b"".join(sector(i) for i in _chain(fat, root_start))[:root_size]
    mini_fat = array("I", b"".join(sector(i) for i in _chain(fat, first_mini_fat)))
    mini = 1 << mini_shift
    return b"".join(mini_stream[i * mini : (i + 1) * mini] for i in _chain(mini_fat, start))[:size]


def _fat(data: bytes, sector_size: int) -> array[int]:
    per_sector = sector_size // 4
    difat = list(struct.unpack_from("<109I", data, 76))
    next_difat, count = struct.unpack_from("<II", data, 68)
    for _ in range(min(count, len(data) // sector_size)):
        if next_difat >= _END_OF_CHAIN:
            break
        entries = struct.unpack_from(f"<{per_sector}I", data, (next_difat + 1) * sector_size)
        difat.extend(entries[:-1])
        next_difat = entries[-1]
    sectors = [i for i in difat if i < _END_OF_CHAIN and (i + 2) * sector_size <= len(data)]
    return array("I", b"".join(data[(i + 1) * sector_size : (i + 2) * sector_size] for i in sectors))


def _chain(fat: array[int], start: int) -> list[int]:
    """Sector numbers from `start` to the end of its chain; stops at a loop or a number out of range."""
    chain: list[int] = []
    seen: set[int] = set()
    while start < len(fat) and start not in seen:
        seen.add(start)
        chain.append(start)
        start = fat[start]
    return chain


def _biff_is_encrypted(stream: bytes) -> bool:
    """True when a FILEPASS record follows the first BOF of the workbook stream (RC4 or XOR password)."""
    position = 0
    for _ in range(24):
        if position + 6 > len(stream):
            return False
        record_type, length = struct.unpack_from("<HH", stream, position)
        if record_type == _FILEPASS:
            return True
        position += 4 + length
    return False
