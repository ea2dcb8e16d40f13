"""Exports for analysts: CSV that Korean Excel opens (UTF-8 with BOM) and XLSX, formula cells neutralised."""

from __future__ import annotations

import io

import pandas as pd

# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run, prefixed with ' so it stays text; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell (and header) neutralised; numbers, dates and booleans untouched."""
    out = frame.copy()
    for name in out.columns:
        col = out[name]
        if pd.api.types.is_string_dtype(col) or col.dtype == object:
            out[name] = col.astype("object").map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def whole_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with each decimal column that holds only whole numbers as integers: a rating of 8 written as 8,
    not 8.0 (a column with a gap is stored as decimals); a column with any fraction keeps them all."""
    out = frame.copy()
    for name in out.columns:
        col = out[name]
        if pd.api.types.is_float_dtype(col) and col.notna().any() and bool((col.dropna() % 1 == 0).all()):
            out[name] = col.astype("Int64")
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with BOM, the encoding Korean Excel recognises; whole numbers written as such."""
    # CRLF line ends (as Excel writes) also make the writer quote cells holding a lone CR.
    return safe_frame(whole_numbers(frame)).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """XLSX with text written as text (xlsxwriter would otherwise turn "=..." strings into formulas)."""
    buffer = io.BytesIO()
    safe = safe_frame(frame)
    for name in safe.columns:  # Excel has no time zones
        if isinstance(safe[name].dtype, pd.DatetimeTZDtype):
            safe[name] = safe[name].dt.tz_localize(None)
    with pd.ExcelWriter(
        buffer,
        engine="xlsxwriter",
        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}},
    ) as writer:
        safe.to_excel(writer, index=False, sheet_name=sheet_name[:31])
        sheet = writer.sheets[sheet_name[:31]]
        for i, name in enumerate(safe.columns):
            sheet.set_column(i, i, min(40, max(10, len(str(name)) * 2)))
    return buffer.getvalue()
