"""Checks that run on an upload's bytes before any parser sees them (the error they raise: `read_errors`).

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
    GridCorrupt,
    GridTooLarge,
    TooManyMerged,
    check_biff_extent,
    check_ods_extent,
    check_sheet_xml_extent,
    count_merged_xml,
)
from metrics.intake.limits import (
    MAX_CELLS,
    MAX_MEMBER_RATIO,
    MAX_MERGED,
    MAX_UNZIPPED_BYTES,
    RATIO_CHECK_FROM,
    MiB,
)
from metrics.intake.read_errors import (
    OLE_DOCUMENT,
    OTHER_DOCUMENT,
    WORD_DOCUMENT,
    ZIP_WITHOUT_WORKBOOK,
    UnreadableFileError,
    unreadable,
)

CFB_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


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
        raise unreadable("not_spreadsheet", what=OTHER_DOCUMENT, detail=mimetype.decode("ascii", "replace")[:60])
    lowered = {name.lower() for name in names}
    if any(name.startswith("xl/") and name.endswith(".xml") and "workbook" in name for name in lowered):
        return "xlsx"
    if "xl/workbook.bin" in lowered:
        raise unreadable("xlsb")
    if "content.xml" in lowered:
        return "ods"
    if "word/document.xml" in lowered:
        raise unreadable("not_spreadsheet", what=WORD_DOCUMENT)
    raise unreadable("not_spreadsheet", what=ZIP_WITHOUT_WORKBOOK)


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
            raise unreadable("not_spreadsheet", what=OLE_DOCUMENT)
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
