"""The report as an Excel workbook (xlsxwriter): a summary sheet, one sheet per area, an appendix.

Numbers are written as numbers with a number format (a share as 0.985 shown 98.5%), dates as
dates, so the workbook can be computed with; charts are Excel's own (line and column charts).
Each KPI table has the columns of KPI_COLUMNS in that order. The first, the KPI id, is for joining the
workbook to other data (`scorecard --json`, exports) and says so in its header; people read the clause (as
the charter numbers it) and the promise's Korean name beside it, and nowhere else is an id shown.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

import pandas as pd
import xlsxwriter

from metrics import clock
from metrics.explore.export import neutralise
from metrics.report.misses import FAILED, Misses, is_date
from metrics.report.model import AreaPart, KpiSection, Report
from metrics.report.phrases import (
    CASE_HEADS,
    as_of_line,
    change_line,
    checkin_line,
    kind_name,
    missed_items,
    misses_heads,
    more_misses_line,
    period_line,
    test_words,
)
from metrics.report.sources import UploadLine
from metrics.report.words import Words, missing

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

KPI_COLUMNS = ("id", "clause", "title", "target", "comparator", "value", "ci_low", "ci_high", "n", "status", "projection",
               "previous", "change", "p_value", "test")
WIDTHS = {"id": 20, "clause": 10, "title": 44, "target": 11, "comparator": 8, "value": 11, "ci_low": 10, "ci_high": 10, "n": 8,
          "status": 14, "projection": 12, "previous": 12, "change": 11, "p_value": 8, "test": 46}
FROZEN_COLUMNS = 3  # the id, the clause and the promise stay in view while scrolling to the right
UNIT_FORMATS = {"share": "0.0%", "count": "#,##0", "points": "0.00", "days": "0.0"}
CHANGE_FORMATS = {"share": '+0.0%"p";-0.0%"p";0.0%"p"', "count": "+#,##0;-#,##0;0", "points": "+0.00;-0.00;0.00",
                  "days": "+0.0;-0.0;0.0"}
DATE_FORMAT = "yyyy-mm-dd"
# Moments are written as Korea's wall-clock time (metrics.clock), and say so.
MOMENT_FORMAT = 'yyyy-mm-dd hh:mm "(KST)"'
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


class _Formats:
    """The workbook's cell formats, made once and shared by every sheet."""

    def __init__(self, book: Workbook):
        base = {"font_name": "Noto Sans CJK KR", "font_size": 10, "valign": "top"}
        self.book = book
        self._cache: dict[tuple[tuple[str, object], ...], Format] = {}
        self.text = self.get(**base)
        self.wrap = self.get(**base, text_wrap=True)
        self.small = self.get(**base, font_color="#555555", text_wrap=True)
        self.title = self.get(**base | {"font_size": 16}, bold=True)
        self.h2 = self.get(**base | {"font_size": 12}, bold=True, bottom=1)
        self.h3 = self.get(**base, bold=True)
        self.head = self.get(**base, bold=True, bg_color="#E8EEF5", border=1, text_wrap=True)
        self.cell = self.get(**base, border=1, text_wrap=True)
        self.base = base

    def get(self, **props: object) -> Format:
        """A format with these properties (made once)."""
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.book.add_format(props)
        return self._cache[key]

    def number(self, num_format: str) -> Format:
        """A bordered number cell with `num_format`."""
        return self.get(**self.base, border=1, num_format=num_format)


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (31 characters, none of []:*?/\\)."""
    base = SHEET_NAME_BAD.sub(" ", name).strip()[:31] or "sheet"
    candidate, i = base, 2
    while candidate.lower() in taken:
        candidate = f"{base[:28]} {i}"
        i += 1
    taken.add(candidate.lower())
    return candidate


def render_xlsx(report: Report, words: Words) -> bytes:
    """The workbook's bytes."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": words.t("report.title", year=report.year), "subject": words.t("report.subtitle"),
                         "created": report.made_at})  # UTC, as the file format wants
    fmt = _Formats(book)
    taken: set[str] = set()
    _summary_sheet(book.add_worksheet(sheet_name(words.t("report.sheet_summary"), taken)), book, fmt, report, words)
    for area in report.areas:
        sheet = book.add_worksheet(sheet_name(words.pick(area.ko, area.en), taken))
        _area_sheet(sheet, book, fmt, report, area, words)
    _appendix_sheet(book.add_worksheet(sheet_name(words.t("report.sheet_appendix"), taken)), fmt, report, words)
    book.close()
    return out.getvalue()


def _cover(sheet: Worksheet, fmt: _Formats, report: Report, words: Words) -> int:
    """Title, period, date made and data as of in the first rows; returns the next free row."""
    sheet.write_string(0, 0, words.t("report.title", year=report.year), fmt.title)
    sheet.write_string(1, 0, words.t("report.subtitle"), fmt.small)
    sheet.write_string(2, 0, period_line(report, words), fmt.text)
    sheet.write_string(3, 0, words.t("report.made_on", day=words.moment(report.made_at)), fmt.text)
    sheet.write_string(4, 0, as_of_line(report, words), fmt.text)
    return 6


def _summary_sheet(sheet: Worksheet, book: Workbook, fmt: _Formats, report: Report, words: Words) -> None:
    row = _cover(sheet, fmt, report, words)
    sheet.write_string(row, 0, words.t("summary.heading"), fmt.h2)
    row += 1
    sheet.write_row(row, 0, [words.t("summary.status"), words.t("summary.count")], fmt.head)
    first = row + 1
    for status, count in report.counts.items():
        row += 1
        sheet.write_string(row, 0, words.status(status), fmt.cell)
        sheet.write_number(row, 1, count, fmt.number("0"))
    row += 1
    sheet.write_string(row, 0, words.t("summary.total"), fmt.head)
    sheet.write_formula(row, 1, f"=SUM(B{first + 1}:B{row})", fmt.number("0"), len(report.results))
    chart = book.add_chart({"type": "column"})
    name = sheet.get_name().replace("'", "''")
    chart.add_series({"categories": f"='{name}'!$A${first + 1}:$A${row}", "values": f"='{name}'!$B${first + 1}:$B${row}",
                      "name": words.t("summary.chart"), "fill": {"color": "#0072B2"}, "data_labels": {"value": True}})
    chart.set_legend({"none": True})
    chart.set_title({"name": words.t("summary.chart"), "name_font": {"size": 11}})
    chart.set_size({"width": 520, "height": 240})
    sheet.insert_chart(row - 7, 4, chart)
    row += 2
    _kpi_table(sheet, fmt, row, report.sections, words, with_area=True)
    sheet.freeze_panes(0, FROZEN_COLUMNS)


def _kpi_table(
    sheet: Worksheet, fmt: _Formats, row: int, sections: list[KpiSection], words: Words, with_area: bool = False
) -> int:
    """The KPI table at `row` (header, one row per KPI); returns the next free row."""
    columns = list(KPI_COLUMNS) + (["area"] if with_area else [])
    sheet.write_row(row, 0, [words.t(f"col.{c}") for c in columns], fmt.head)
    for i, column in enumerate(columns):
        sheet.set_column(i, i, WIDTHS.get(column, 20))
    for section in sections:
        row += 1
        for i, column in enumerate(columns):
            _kpi_cell(sheet, fmt, row, i, column, section, words)
    return row + 1


def _number(sheet: Worksheet, fmt: _Formats, row: int, col: int, value: float | None, num_format: str) -> None:
    if missing(value):
        sheet.write_blank(row, col, None, fmt.cell)
    else:
        sheet.write_number(row, col, float(value), fmt.number(num_format))


def _kpi_cell(
    sheet: Worksheet, fmt: _Formats, row: int, col: int, column: str, s: KpiSection, words: Words
) -> None:
    r, unit = s.result, s.result.unit
    number = UNIT_FORMATS[unit]
    if column in ("target", "value", "ci_low", "ci_high", "projection", "previous"):
        value = {"target": r.target, "value": r.value, "ci_low": r.ci_low, "ci_high": r.ci_high,
                 "projection": r.projection, "previous": None if s.previous is None else s.previous.value}[column]
        _number(sheet, fmt, row, col, value, number)
    elif column == "n":
        sheet.write_number(row, col, r.n, fmt.number("#,##0"))
    elif column == "change":
        _number(sheet, fmt, row, col, s.change, CHANGE_FORMATS[unit])
    elif column == "p_value":
        _number(sheet, fmt, row, col, None if s.test is None else s.test.p_value, "0.000")
    elif column == "comparator" and r.comparator is None:
        sheet.write_blank(row, col, None, fmt.cell)
    else:
        text = {"id": r.id, "clause": words.pick(r.clause_label, r.clause), "title": words.pick(r.title_ko, r.title_en),
                "comparator": r.comparator,
                "status": words.status(r.status), "test": test_words(s, words),
                "area": words.pick(s.kpi.area, s.kpi.area_en)}[column]
        sheet.write_string(row, col, str(neutralise(text)), fmt.cell)


def _area_sheet(
    sheet: Worksheet, book: Workbook, fmt: _Formats, report: Report, area: AreaPart, words: Words
) -> None:
    sheet.write_string(0, 0, words.pick(area.ko, area.en), fmt.title)
    sheet.write_string(1, 0, words.t("report.title", year=report.year), fmt.small)
    row = _kpi_table(sheet, fmt, 3, list(area.sections), words) + 1
    for section in area.sections:
        row = _kpi_block(sheet, book, fmt, row, section, words) + 1
    sheet.freeze_panes(0, FROZEN_COLUMNS)


def _kpi_block(sheet: Worksheet, book: Workbook, fmt: _Formats, row: int, s: KpiSection, words: Words) -> int:
    """One promise below the table: clause, definition, target changes, notes, trend table and chart, cases."""
    r = s.result
    # One heading cell, the promise's name: only a row of the KPI table holds a KPI id alone in column A.
    sheet.write_string(row, 0, words.pick(r.title_ko, r.title_en), fmt.h2)
    lines = [(words.t("kpi.clause"), f"{words.t('kpi.clause_id', clause=words.pick(r.clause_label, r.clause))} “{r.quote}”"), (words.t("kpi.definition"), words.pick(r.definition_ko, r.definition_en)),
             (words.t("kpi.target"), words.target(r.comparator, r.target, r.unit)),
             (words.t("kpi.verdict"), words.status(r.status))]
    lines += [(words.t("kpi.target_changes"), change_line(c, r.unit, words)) for c in s.target_changes]
    if s.test is not None:
        lines.append((words.t("kpi.test"), test_words(s, words)))
    lines += [(words.t("checkin.heading"), checkin_line(n, words)) for n in s.notes]
    lines += [(words.t("kpi.notes"), n.text(words.lang)) for n in r.notes]
    for label, text in lines:
        row += 1
        sheet.write_string(row, 0, label, fmt.h3)
        sheet.write_string(row, 1, str(neutralise(text)), fmt.wrap)
    row += 2
    chart_row = row
    sheet.write_row(row, 0, [words.t("col.year"), words.t("col.value"), words.t("col.target"), words.t("col.status")], fmt.head)
    for point in s.trend:
        row += 1
        sheet.write_number(row, 0, point.year, fmt.number("0"))
        _number(sheet, fmt, row, 1, point.value, UNIT_FORMATS[r.unit])
        _number(sheet, fmt, row, 2, point.target, UNIT_FORMATS[r.unit])
        sheet.write_string(row, 3, words.status(point.status), fmt.cell)
    if s.trend:
        _trend_chart(sheet, book, chart_row, row, s, words)
    row = max(row, chart_row + 14)
    if s.is_deadline:
        row = _cases(sheet, fmt, row + 1, s, words)
    if s.misses is not None:
        row = _misses(sheet, fmt, row + 1, s.misses, words)
    return row + 1


def _trend_chart(sheet: Worksheet, book: Workbook, first: int, last: int, s: KpiSection, words: Words) -> None:
    name = sheet.get_name().replace("'", "''")
    years = f"='{name}'!$A${first + 2}:$A${last + 1}"
    chart = book.add_chart({"type": "line"})
    chart.add_series({"name": words.t("col.value"), "categories": years, "values": f"='{name}'!$B${first + 2}:$B${last + 1}",
                      "marker": {"type": "circle", "size": 6}, "line": {"color": "#0072B2", "width": 2},
                      "data_labels": {"value": True, "num_format": UNIT_FORMATS[s.result.unit], "position": "above"}})
    if s.result.target is not None:
        chart.add_series({"name": words.t("col.target"), "categories": years,
                          "values": f"='{name}'!$C${first + 2}:$C${last + 1}",
                          "line": {"color": "#000000", "dash_type": "dash", "width": 1.25}, "marker": {"type": "none"}})
    chart.set_title({"name": words.t("kpi.trend"), "name_font": {"size": 10}})
    chart.set_y_axis({"num_format": UNIT_FORMATS[s.result.unit], "major_gridlines": {"visible": True,
                                                                                     "line": {"color": "#DDDDDD"}}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 520, "height": 260})
    sheet.insert_chart(first, 5, chart)


def _cases(sheet: Worksheet, fmt: _Formats, row: int, s: KpiSection, words: Words) -> int:
    sheet.write_string(row, 0, words.t("kpi.cases"), fmt.h3)
    cases = s.cases
    if cases is None or cases.empty:
        sheet.write_string(row + 1, 0, words.t("kpi.no_cases"), fmt.text)
        return row + 2
    row += 1
    sheet.write_row(row, 0, [words.t(f"case.{h}") for h in CASE_HEADS], fmt.head)
    date_fmt = fmt.number(DATE_FORMAT)
    case: Any  # a record of the frame: its cells are untyped
    for case in cases.itertuples(index=False):
        row += 1
        sheet.write_string(row, 0, str(neutralise(_text(getattr(case, "ref", "")))), fmt.cell)
        sheet.write_string(row, 1, str(neutralise(_text(getattr(case, "title", "")))), fmt.cell)
        for col, value in ((2, case.received), (3, case.done_on), (4, case.deadline)):
            if pd.isna(value):
                sheet.write_blank(row, col, None, fmt.cell)
            else:
                sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), date_fmt)
        _number(sheet, fmt, row, 5, case.days_over, "0")
        sheet.write_string(row, 6, words.t(f"case.{case.state}"), fmt.cell)
    return row + 1


def _misses(sheet: Worksheet, fmt: _Formats, row: int, misses: Misses, words: Words) -> int:
    """The rows that missed below the promise, as its late cases are: days as dates, text never a formula."""
    sheet.write_string(row, 0, words.t("misses.heading", total=f"{misses.total:,}"), fmt.h3)
    row += 1
    sheet.write_row(row, 0, misses_heads(misses, words), fmt.head)
    date_fmt = fmt.number(DATE_FORMAT)
    for record in misses.rows.to_dict("records"):
        row += 1
        for col, column in enumerate(misses.columns):
            value = record[column]
            if is_date(misses.kind, column) and not pd.isna(value):
                sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), date_fmt)
            elif is_date(misses.kind, column):
                sheet.write_blank(row, col, None, fmt.cell)
            else:
                sheet.write_string(row, col, str(neutralise(_text(value))), fmt.cell)
        sheet.write_string(row, len(misses.columns), missed_items(misses, record[FAILED], words), fmt.cell)
    more = more_misses_line(misses, words)
    if more:
        row += 1
        sheet.write_string(row, 0, more, fmt.get(**fmt.base, font_color="#555555"))  # unwrapped: it runs on to the right
    return row + 1


def _text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _appendix_sheet(sheet: Worksheet, fmt: _Formats, report: Report, words: Words) -> None:
    sheet.write_string(0, 0, words.t("appendix.heading"), fmt.title)
    sheet.write_string(1, 0, words.t("appendix.help", year=report.year), fmt.small)
    heads = ["id", "created_at", "uploaded_by", "filename", "kind"]
    row = _uploads(sheet, fmt, 3, report.uploads, heads, words, report.year, with_rows=True)
    sheet.write_string(row + 1, 0, words.t("appendix.last_heading"), fmt.h2)
    _uploads(sheet, fmt, row + 2, report.last_uploads, heads, words, report.year, with_rows=False)
    for col, width in enumerate((10, 17, 16, 44, 22, 12)):
        sheet.set_column(col, col, width)


def _uploads(sheet: Worksheet, fmt: _Formats, row: int, uploads: tuple[UploadLine, ...], heads: list[str], words: Words,
             year: int, with_rows: bool) -> int:
    labels = [words.t(f"appendix.{h}") for h in heads] + ([words.t("appendix.rows", year=year)] if with_rows else [])
    sheet.write_row(row, 0, labels, fmt.head)
    if not uploads:
        sheet.write_string(row + 1, 0, words.t("appendix.none"), fmt.text)
        return row + 2
    for u in uploads:
        row += 1
        sheet.write_number(row, 0, u.id, fmt.number("0"))
        sheet.write_datetime(row, 1, clock.korea_naive(u.created_at), fmt.number(MOMENT_FORMAT))
        sheet.write_string(row, 2, str(neutralise(u.uploaded_by)), fmt.cell)
        sheet.write_string(row, 3, str(neutralise(u.filename)), fmt.cell)
        sheet.write_string(row, 4, kind_name(u.kind, words), fmt.cell)
        if with_rows:
            sheet.write_number(row, 5, u.rows or 0, fmt.number("#,##0"))
    return row + 1
