"""Why an upload cannot be read: the one error every reader and check raises, and its words.

Each key of MESSAGES is one thing that can be wrong with an upload: a stable code (what the pages and the
command line act on), and what to tell the person, in Korean and English, with placeholders.

What a person reads never carries a parser's own words (an exception's name or text, a part of the zip, a
MIME type): those go to the error's `detail` and the log, for whoever looks into a file (issue 12).
"""

from __future__ import annotations

import logging

from metrics.messages import CharterError

log = logging.getLogger(__name__)

# key -> (code, Korean, English). One row per thing that can be wrong with an upload.
MESSAGES: dict[str, tuple[str, str, str]] = {
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
        "압축을 풀면 비정상적으로 커지는 파일이라 열지 않았습니다.",
        "The file would inflate to an abnormal size when unpacked, so it was not opened.",
    ),
    "encrypted": (
        "encrypted",
        "암호가 걸린 파일입니다. 엑셀에서 암호를 해제하고 다시 저장한 뒤 올려 주세요.",
        "The file is password-protected. Remove the password in Excel, save it, and upload it again.",
    ),
    "corrupt": (
        "corrupt",
        "파일이 손상되어 읽을 수 없습니다. 엑셀에서 열어 다른 이름으로 저장한 뒤 다시 올려 주세요.",
        "The file is damaged and cannot be read. Open it in Excel, save a new copy, and upload that.",
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
        "엑셀(xlsx, xls), ODS 또는 CSV 파일이 아닙니다({what}).",
        "This is not an Excel (xlsx, xls), ODS or CSV file ({what}).",
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


# What a file is, in words, for "not_spreadsheet" ({what}): (Korean, English).
BINARY = ("바이너리 파일", "a binary file")
WORD_DOCUMENT = ("워드 문서", "a Word document")
ZIP_WITHOUT_WORKBOOK = ("통합 문서가 없는 압축 파일", "a zip file without a workbook")
OLE_DOCUMENT = ("엑셀이 아닌 오피스 문서", "an Office document that is not a workbook")
OTHER_DOCUMENT = ("다른 프로그램의 문서", "another program's document")


class UnreadableFileError(CharterError):
    """An upload that cannot be read, with one reason code and a message in Korean and English; `detail` is the
    parser's own account (for the log and whoever looks into the file), never shown as the message."""

    def __init__(self, code: str, ko: str, en: str, detail: str = "") -> None:
        super().__init__(ko, en, code=code)
        self.detail = detail


def unreadable(key: str, *, detail: str = "", **values: object) -> UnreadableFileError:
    """The error for a message key of the table above, its placeholders filled from `values`; a value given as
    a (Korean, English) pair fills each language with its own words. `detail` is logged, not said."""
    code, ko, en = MESSAGES[key]
    if detail:
        log.info("unreadable upload (%s): %s", key, detail)
    return UnreadableFileError(code, ko.format(**_in(values, 0)), en.format(**_in(values, 1)), detail)


def _in(values: dict[str, object], lang: int) -> dict[str, object]:
    """`values` with each (Korean, English) pair as its words in one language (0 Korean, 1 English)."""
    return {name: value[lang] if isinstance(value, tuple) else value for name, value in values.items()}
