"""Text uploads (CSV, TSV, text saved under an Excel name) -> one sheet, every value kept as text.

The bytes are decoded line by line (metrics.intake.decoding); web pages, binary files and prose are refused
before the csv module reads them.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from bisect import bisect_right
from pathlib import PurePath

import numpy as np
import pandas as pd

from metrics.intake.decoding import UNDECODABLE, DecodedText, decode
from metrics.intake.limits import MAX_COLUMNS
from metrics.intake.raw_sheet import RawSheet, RowFinding, padded_grid
from metrics.intake.read_errors import BINARY, unreadable

CSV_SHEET = "csv"

EXCEL_SUFFIXES = {".xls", ".xlsx", ".xlsm", ".xlsb", ".ods"}

DELIMITERS = (",", ";", "\t", "|")

SNIFF_CHARS = 64 * 1024

_MARKUP_START = re.compile(r"<\s*(!doctype|html|head|body|table|meta|style|\?xml)", re.IGNORECASE)


def open_text(data: bytes, filename: str) -> DecodedText:
    """The decoded lines of a text upload, once it has proved to be text that may hold a table."""
    decoded = decode(data)
    head = decoded.head(SNIFF_CHARS)
    if _MARKUP_START.match(head.lstrip("\ufeff \t\r\n")):
        raise unreadable("html_as_excel")
    if decoded.nul_count > 16 and decoded.nul_count * 100 > len(data):
        raise unreadable("nul_bytes", count=decoded.nul_count)
    if _looks_binary(head):
        raise unreadable("not_spreadsheet", what=BINARY)
    undecodable = decoded.lines_with(UNDECODABLE)
    if len(undecodable) > 5 and len(undecodable) * 10 > decoded.line_count:
        raise unreadable("unknown_encoding", lines=len(undecodable), first=undecodable[0] + 1)
    claims_excel = PurePath(filename).suffix.lower() in EXCEL_SUFFIXES
    if claims_excel and _sniff_delimiter(head) is None:
        # Text saved under an Excel name is common (TSV exports); a line of prose is not a table.
        raise unreadable("corrupt", detail="text under an Excel name, no delimiter")
    return decoded


def _looks_binary(text: str) -> bool:
    """Many control characters: not text. (U+FFFD is an encoding question, answered per line.)"""
    odd = sum(1 for ch in text if ch < " " and ch not in "\t\r\n\f")
    return odd > 16 and odd / len(text) > 0.05


def csv_sheet(decoded: DecodedText, max_rows: int) -> RawSheet:
    """The records of a decoded text file; each line's findings go to the record that holds the line."""
    delimiter = _sniff_delimiter(decoded.head(SNIFF_CHARS)) or ","
    reader = csv.reader(io.StringIO(decoded.text, newline=""), delimiter=delimiter)
    ends: list[int] = []  # lines read when each record was complete (only needed for findings)
    try:
        if decoded.findings:
            records = []
            for record in itertools.islice(reader, max_rows + 1):
                records.append(record)
                ends.append(reader.line_num)
        else:
            records = list(itertools.islice(reader, max_rows + 1))
    except csv.Error as exc:
        raise unreadable("corrupt", detail=f"CSV: {exc}") from None
    if len(records) > max_rows:
        raise unreadable("too_many_rows", rows=len(records), limit=max_rows)
    width = max(map(len, records), default=0)
    if width > MAX_COLUMNS:
        raise unreadable("too_wide", sheet=CSV_SHEET, columns=width)
    grid = _cleaned_text(padded_grid(records))
    if not (grid != None).any():  # noqa: E711 - elementwise: every cell None
        raise unreadable("empty_sheet", sheet=CSV_SHEET)
    found: dict[tuple[int, str], RowFinding] = {}
    for f in decoded.findings:
        row = min(bisect_right(ends, f.line), len(records) - 1)
        found.setdefault((row, f.code), RowFinding(row, f.code, f.detail))
    return RawSheet(CSV_SHEET, grid, "csv", findings=tuple(found.values()))


def _cleaned_text(grid: np.ndarray) -> np.ndarray:
    """Blank text to None, and the tab in front of a value dropped, once per distinct value.

    KMA and other portals quote values as "\t1907-10-01" so that Excel keeps them as text.
    """
    codes, uniques = pd.factorize(grid.ravel(), use_na_sentinel=True)  # None pads: code -1, the last entry
    cleaned = np.array([_cleaned_cell(v) for v in uniques] + [None], dtype=object)
    return cleaned[codes].reshape(grid.shape)


def _cleaned_cell(value: str) -> str | None:
    if not value.strip():
        return None
    return value.lstrip("\t") if value[0] == "\t" else value


def _sniff_delimiter(sample: str) -> str | None:
    """The delimiter that splits the first lines into the same number (> 1) of fields most often."""
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may cut the last line in half
    best, best_score = None, (0.0, 0)
    for delimiter in DELIMITERS:
        try:
            counts = [len(fields) for fields in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        common = max(set(counts), key=counts.count) if counts else 1
        if common < 2:
            continue
        score = (counts.count(common) / len(counts), common)
        if score > best_score:
            best, best_score = delimiter, score
    return best
