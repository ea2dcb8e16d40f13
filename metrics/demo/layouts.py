"""Sheet layouts for the demo samples: plain tables, and the hand-made sheets with titles and totals.

Writers take an xlsxwriter workbook and a frame already renamed to the sheet's headers.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_col_to_name

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

DATE = "yyyy-mm-dd"


def google_forms_time(ts: pd.Timestamp) -> str:
    """A timestamp as Google Forms writes it in Korean: 2026. 3. 15 오후 2:30:15."""
    half = "오전" if ts.hour < 12 else "오후"
    return f"{ts.year}. {ts.month}. {ts.day} {half} {ts.hour % 12 or 12}:{ts.minute:02d}:{ts.second:02d}"


def korean_date(ts: pd.Timestamp) -> str:
    """A date as typed in Korean documents: 2026년 3월 15일."""
    return f"{ts.year}년 {ts.month}월 {ts.day}일"


def _is_blank(value: object) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def write_cell(ws: Worksheet, row: int, col: int, value: object, date_fmt: Format | None = None,
               fmt: Format | None = None) -> None:
    """Write one value with its Excel type; blanks stay empty cells."""
    if _is_blank(value):
        return
    if isinstance(value, (pd.Timestamp, datetime, date)):
        stamp = pd.Timestamp(value).to_pydatetime()
        ws.write_datetime(row, col, stamp, date_fmt)
    elif isinstance(value, (bool, np.bool_)):
        ws.write_boolean(row, col, bool(value), fmt)
    elif isinstance(value, (int, float, np.integer, np.floating)):
        ws.write_number(row, col, float(value), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def write_table(wb: Workbook, ws: Worksheet, frame: pd.DataFrame, *, top: int = 0, date_format: str = DATE,
                header_format: dict[str, object] | None = None) -> int:
    """A header row at `top` and the frame's rows under it; returns the first row after the table."""
    head = wb.add_format(header_format) if header_format else None
    date_fmt = wb.add_format({"num_format": date_format})
    ws.write_row(top, 0, list(frame.columns), head)
    for r, values in enumerate(frame.itertuples(index=False), start=top + 1):
        for c, value in enumerate(values):
            write_cell(ws, r, c, value, date_fmt)
    for c, name in enumerate(frame.columns):
        ws.set_column(c, c, min(40, max(8, len(str(name)) * 1.6)))
    return top + 1 + len(frame)


def exhibitor_sheet(wb: Workbook, frame: pd.DataFrame, title: str) -> None:
    """Title, blank row, a two-row header grouping the items under 항목별 만족도, the data, 평균, footnote.

    `frame` columns: company, overall, the item questions, comments.
    """
    company, overall, *items, comment = frame.columns
    last = len(frame.columns)  # column 0 is 연번
    head = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1, "bg_color": "#D9E1F2", "text_wrap": True})
    cell = wb.add_format({"border": 1})
    mean = wb.add_format({"border": 1, "bold": True, "num_format": "0.00", "bg_color": "#FFF2CC"})
    ws = wb.add_worksheet(title.split()[0] + " 만족도")
    ws.merge_range(0, 0, 0, last, title, wb.add_format({"bold": True, "font_size": 14, "align": "center"}))
    for col, text in ((0, "연번"), (1, company), (2, overall), (last, "기타 의견")):
        ws.merge_range(2, col, 3, col, text, head)
    ws.merge_range(2, 3, 2, 2 + len(items), "항목별 만족도", head)
    ws.write_row(3, 3, items, head)
    first = 4
    for r, values in enumerate(frame.itertuples(index=False), start=first):
        ws.write_number(r, 0, r - first + 1, cell)
        for c, value in enumerate(values, start=1):
            write_cell(ws, r, c, value, fmt=cell)
            if _is_blank(value):
                ws.write_blank(r, c, None, cell)
    end = first + len(frame)
    ws.merge_range(end, 0, end, 1, "평균", mean)
    for c, column in enumerate([overall, *items], start=2):
        letter = xl_col_to_name(c)
        # The cached result lets readers that do not compute formulas see the value.
        ws.write_formula(end, c, f"=AVERAGE({letter}{first + 1}:{letter}{end})", mean, round(float(frame[column].mean()), 2))
    ws.write_blank(end, last, None, mean)
    ws.write_string(end + 2, 0, f"※ 10점 만점, 응답 {len(frame)}개사")
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 24)
    ws.set_column(2, last - 1, 11)
    ws.set_column(last, last, 40)




def attendance_sheet(wb: Workbook, frame: pd.DataFrame, title: str, yes: str, *, subtotals: bool) -> None:
    """Title row, header, one row per enrolment (with 소계 rows per course when asked), a 합계 row."""
    done_col = frame.columns[-1]
    course_col = "교육과정명"
    ws = wb.add_worksheet("교육생 명부")
    ws.merge_range(0, 0, 0, len(frame.columns), title, wb.add_format({"bold": True, "font_size": 14, "align": "center"}))
    head = wb.add_format({"bold": True, "align": "center", "border": 1, "bg_color": "#E7E6E6"})
    total = wb.add_format({"bold": True, "bg_color": "#FFF2CC", "border": 1})
    date_fmt = wb.add_format({"num_format": DATE})
    ws.write_row(2, 0, ["연번", *frame.columns], head)
    if subtotals:  # an older sheet kept by hand, course by course
        frame = frame.sort_values(course_col, kind="stable")
    row, number = 3, 0
    for course, group in frame.groupby(course_col, sort=False):
        for values in group.itertuples(index=False):
            number += 1
            ws.write_number(row, 0, number)
            for c, value in enumerate(values, start=1):
                write_cell(ws, row, c, value, date_fmt)
            row += 1
        if subtotals:
            _count_row(ws, row, "소계", group, done_col, yes, total, course=str(course))
            row += 1
    _count_row(ws, row, "합계", frame, done_col, yes, total)
    widths = {"성명": 8, "생년월일": 11, "연락처": 14, "소속": 24, course_col: 30}
    for c, name in enumerate(frame.columns, start=1):
        ws.set_column(c, c, widths.get(name, 11))


def _count_row(ws: Worksheet, row: int, label: str, group: pd.DataFrame, done_col: str, yes: str, fmt: Format,
               course: str | None = None) -> None:
    """A 소계/합계 row: head count in the name column, completions in the 수료여부 column."""
    ws.write_string(row, 0, label, fmt)
    ws.write_string(row, 1, f"{len(group):,}명", fmt)
    if course:
        ws.write_string(row, 1 + list(group.columns).index("교육과정명"), course, fmt)
    ws.write_string(row, len(group.columns), f"수료 {int((group[done_col] == yes).sum()):,}명", fmt)
