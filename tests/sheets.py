"""Small spreadsheets made in tests: xlsx and CSV bytes from lists of rows, and canonical frames as the store takes them."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd


def xlsx(rows: list[list], *, sheet: str = "Sheet1", merges: tuple[str, ...] = (), extra_sheets: dict | None = None) -> bytes:
    """An xlsx holding `rows` from A1 down, with `merges` (e.g. "A1:C1") applied."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    for name, extra_rows in (extra_sheets or {}).items():
        other = book.create_sheet(name)
        for row in extra_rows:
            other.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv(rows: list[list], *, encoding: str = "utf-8", sep: str = ",") -> bytes:
    """CSV text of `rows` in `encoding` (cells quoted when they hold the separator)."""
    def cell(v):
        s = "" if v is None else str(v)
        return f'"{s}"' if sep in s or '"' in s else s

    return "\r\n".join(sep.join(cell(v) for v in row) for row in rows).encode(encoding)


def cases_frame(rows: list[tuple]) -> pd.DataFrame:
    """Canonical case rows (case_type, ref, title, received, completed, interim) as store.import_rows takes
    them: dates parsed, the year from the received date, Excel rows from 2."""
    frame = pd.DataFrame(rows, columns=["case_type", "ref", "title", "received", "completed", "interim"])
    for col in ("received", "completed", "interim"):
        frame[col] = pd.to_datetime(frame[col])
    frame["year"] = frame["received"].dt.year
    frame["excel_row"] = range(2, 2 + len(frame))
    return frame
