"""Exports hold exactly the rows given and never let a spreadsheet run a cell."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from metrics.explore.export import neutralise, to_csv_bytes, to_xlsx_bytes

PAYLOADS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", "=HYPERLINK(\"http://x\")"]


def test_every_formula_start_is_neutralised():
    assert [neutralise(p) for p in PAYLOADS] == ["'" + p for p in PAYLOADS]
    assert neutralise("정상 텍스트") == "정상 텍스트" and neutralise(-5) == -5


def test_csv_has_bom_and_exact_rows_and_no_live_formula():
    frame = pd.DataFrame({"과정": ["정수처리", *PAYLOADS], "n": range(len(PAYLOADS) + 1)})
    data = to_csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert len(back) == len(frame)
    assert back["과정"].tolist()[0] == "정수처리"
    # Cells with CR/TAB are quoted by the CSV writer; what matters is the first character.
    assert all(not v.startswith(("=", "+", "-", "@")) for v in back["과정"])
    assert back["n"].tolist() == [str(i) for i in range(len(PAYLOADS) + 1)]


def test_xlsx_cells_are_text_not_formulas():
    frame = pd.DataFrame({"=header": PAYLOADS, "value": [1.5] * len(PAYLOADS)})
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame)))
    sheet = book.active
    assert sheet.cell(1, 1).value == "'=header"
    cells = [sheet.cell(r, 1) for r in range(2, 2 + len(PAYLOADS))]
    assert all(c.data_type == "s" for c in cells)
    # openpyxl shows a stored CR as its XML escape _x000D_.
    assert [c.value for c in cells] == ["'" + p.replace("\r", "_x000D_") for p in PAYLOADS]
    assert sheet.max_row == 1 + len(PAYLOADS)
    assert sheet.cell(2, 2).value == 1.5
