"""The report as an A4 PDF (fpdf2): Noto Sans CJK KR embedded as a subset, selectable text, page numbers.

fpdf2 is pure Python: it reads the OpenType/CFF faces inside Debian's .ttc collections (fonts-noto-cjk)
through fontTools and embeds only the glyphs used, so no browser or system library is needed at run time.
One face is embedded: reading and subsetting a CJK face costs about a second each, so headings are
drawn bold by also stroking the glyphs' outlines (PDF text render mode 2) rather than with a second font.
Charts are drawn as PDF vector lines from the same geometry as the HTML's SVG.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from functools import cache
from pathlib import Path
from typing import Any, TypeAlias, cast

import pandas as pd
from fpdf import FPDF, FontFace

from metrics import clock
from metrics.messages import CharterError
from metrics.report.charts import LINE, STATUS_COLOURS, TARGET, trend_geometry
from metrics.report.misses import Misses
from metrics.report.model import KpiSection, Report
from metrics.report.phrases import (
    CASE_HEADS,
    as_of_line,
    change_line,
    checkin_line,
    facts,
    kind_name,
    misses_heads,
    misses_rows,
    more_misses_line,
    period_line,
    previous_text,
    summary_line,
)
from metrics.report.words import Words, missing

FONT = "noto"
# Where Debian, Fedora and Arch put Noto Sans CJK; REPORT_FONT_DIR names another folder.
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk", "/usr/share/fonts/google-noto-cjk",
             "/usr/share/fonts/noto", "/usr/local/share/fonts")
FONT_FILES = ("NotoSansCJK-Regular.ttc", "NotoSansCJKkr-Regular.otf", "NotoSansKR-Regular.otf", "NotoSansKR-Regular.ttf")
KOREAN_FACE = "Noto Sans CJK KR"  # the face to take from a .ttc collection (it also holds JP, SC, TC, HK)
MARGIN = 16.0
HEAD_FILL = (232, 238, 245)
GREY = (90, 90, 90)
MISSES_SIZE = 7.5  # the rows that missed, in the late cases' size
Colour: TypeAlias = tuple[int, int, int]  # red, green, blue 0-255


class FontMissing(CharterError, RuntimeError):
    """The Korean font is not installed; the message says how to install it, in Korean and English."""


def find_font() -> Path:
    """The Noto Sans CJK (or Noto Sans KR) regular file; FontMissing if there is none."""
    dirs = [os.environ["REPORT_FONT_DIR"]] if os.environ.get("REPORT_FONT_DIR") else []
    for folder in [*dirs, *FONT_DIRS]:
        for name in FONT_FILES:
            path = Path(folder) / name
            if path.is_file():
                return path
    raise FontMissing(Words("ko").t("error.font"), Words("en").t("error.font"))


@cache
def collection_index(path: Path) -> int:
    """The index of the Korean face in a .ttc collection (0 for a single font)."""
    if path.suffix.lower() != ".ttc":
        return 0
    from fontTools.ttLib import TTCollection

    with TTCollection(str(path), lazy=True) as collection:
        for i, font in enumerate(collection.fonts):
            if font["name"].getDebugName(1) == KOREAN_FACE:
                return i
    return 0


class _Pdf(FPDF):
    """An A4 page with the report's font and a footer that numbers the pages."""

    def __init__(self, report: Report, words: Words):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report, self.words = report, words
        path = find_font()
        self.add_font(FONT, "", str(path), collection_font_number=collection_index(path))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=18)
        self.set_title(words.t("report.title", year=report.year))
        self.set_subject(words.t("report.subtitle"))
        self.set_creator("고객헌장 이행 대시보드 / Service Charter Dashboard")
        self.set_lang("ko-KR" if words.lang == "ko" else "en")
        self.set_creation_date(clock.korea_time(report.made_at))

    def weight(self, size: float, colour: Colour = (0, 0, 0)) -> None:
        """The font at `size` in `colour`."""
        self.set_font(FONT, "", size)
        self.set_text_color(*colour)

    @contextmanager
    def bold(self, size: float, colour: Colour = (0, 0, 0)) -> Iterator[None]:
        """Bold text by stroking the glyphs' outlines too, in a saved graphics state (one embedded face)."""
        self.weight(size, colour)
        with self.local_context(text_mode="FILL_STROKE", line_width=size * 0.011, draw_color=colour):
            yield

    def footer(self) -> None:
        self.set_y(-12)
        self.weight(8)
        self.set_text_color(*GREY)
        self.cell(0, 5, self.words.t("report.title", year=self.report.year), align="L")
        self.set_x(MARGIN)
        self.cell(0, 5, self.words.t("report.page", page=self.page_no(), pages="{nb}"), align="R")
        self.set_text_color(0)

    # --- small building blocks ---------------------------------------------------------------

    def text_line(
        self, text: str, size: float = 10, bold: bool = False, colour: Colour = (0, 0, 0), gap: float = 1.5
    ) -> None:
        """A paragraph the width of the page."""
        with self.bold(size, colour) if bold else nullcontext():
            self.weight(size, colour)
            self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.weight(size)
        self.ln(gap)

    def heading(self, text: str, size: float = 15) -> None:
        """An area's or a part's heading with a rule under it."""
        self.text_line(text, size, bold=True, gap=0.5)
        self.set_draw_color(*LINE)
        self.set_line_width(0.6)
        self.line(MARGIN, self.get_y(), self.w - MARGIN, self.get_y())
        self.set_line_width(0.2)
        self.set_draw_color(0)
        self.ln(3)

    def grid(self, heads: list[str] | None, rows: list[list[str]], widths: tuple[float, ...], size: float = 8.5,
             aligns: tuple[str, ...] | None = None, borders: str = "ALL") -> None:
        """A table that wraps its cells and repeats its heading on a new page."""
        self.weight(size)
        heading = FontFace(fill_color=HEAD_FILL)
        with self.table(col_widths=widths, width=sum(widths), align="LEFT", text_align=aligns or "LEFT",
                        first_row_as_headings=heads is not None, headings_style=heading, borders_layout=borders,
                        line_height=size * 0.5, padding=(0.8, 1.2), v_align="TOP") as table:
            for row in ([heads] if heads else []) + rows:
                table.row([str(cell) for cell in row])
        self.ln(2)

    def status_tag(self, status: str) -> None:
        """The status as white words on its colour, on the current line."""
        words = self.words.status(status)
        self.set_fill_color(*STATUS_COLOURS.get(status, STATUS_COLOURS["no_data"]))
        with self.bold(8.5, (255, 255, 255)):
            self.cell(self.get_string_width(words) + 4, 5, words, fill=True, align="C", new_x="LMARGIN", new_y="NEXT")
        self.weight(8.5)
        self.set_fill_color(255)  # tables fill with the current colour


def render_pdf(report: Report, words: Words) -> bytes:
    """The PDF's bytes."""
    pdf = _Pdf(report, words)
    _cover(pdf, report, words)
    _summary(pdf, report, words)
    for area in report.areas:
        pdf.add_page()
        pdf.start_section(words.pick(area.ko, area.en))
        pdf.heading(words.pick(area.ko, area.en))
        for i, section in enumerate(area.sections):
            if i and pdf.will_page_break(70):
                pdf.add_page()
            _section(pdf, section, report, words)
    _appendix(pdf, report, words)
    return bytes(pdf.output())


def _cover(pdf: _Pdf, report: Report, words: Words) -> None:
    pdf.add_page()
    pdf.set_y(70)
    pdf.text_line(words.t("report.title", year=report.year), 26, bold=True, gap=4)
    pdf.text_line(words.t("report.subtitle"), 12, colour=GREY, gap=14)
    pdf.text_line(period_line(report, words), 11)
    pdf.text_line(words.t("report.made_on", day=words.moment(report.made_at)), 11)
    pdf.text_line(as_of_line(report, words), 11, gap=12)
    _status_boxes(pdf, report, words)
    pdf.text_line(summary_line(report, words), 12, bold=True)


def _status_boxes(pdf: _Pdf, report: Report, words: Words) -> None:
    """One box per status: how many promises it holds, in the status colour (the scorecard's summary)."""
    gap, height = 3.0, 20.0
    width = (pdf.w - 2 * MARGIN - gap * (len(report.counts) - 1)) / len(report.counts)
    y = pdf.get_y()
    for i, (status, count) in enumerate(report.counts.items()):
        x = MARGIN + i * (width + gap)
        pdf.set_fill_color(*STATUS_COLOURS.get(status, STATUS_COLOURS["no_data"]))
        pdf.rect(x, y, width, height, style="F")
        with pdf.bold(18, (255, 255, 255)):
            pdf.set_xy(x, y + 2)
            pdf.cell(width, 9, str(count), align="C")
        pdf.weight(8, (255, 255, 255))
        pdf.set_xy(x, y + 12)
        pdf.cell(width, 5, words.status(status), align="C")
    pdf.weight(10)
    pdf.set_fill_color(255)
    pdf.set_xy(MARGIN, y + height + 8)


def _summary(pdf: _Pdf, report: Report, words: Words) -> None:
    pdf.add_page()
    pdf.start_section(words.t("summary.heading"))
    pdf.heading(words.t("summary.heading"))
    pdf.text_line(summary_line(report, words), 10.5, gap=3)
    rows = [[words.status(s), str(n)] for s, n in report.counts.items()]
    rows.append([words.t("summary.total"), str(len(report.results))])
    pdf.grid([words.t("summary.status"), words.t("summary.count")], rows, (45, 25), size=9.5, aligns=("LEFT", "RIGHT"))
    heads = [words.t(f"col.{h}") for h in ("title", "target", "value", "status", "previous", "change")]
    rows = [
        [words.pick(s.result.title_ko, s.result.title_en), words.target(s.result.comparator, s.result.target, s.result.unit),
         words.value(s.result.value, s.result.unit), words.status(s.result.status),
         "–" if s.previous is None or s.previous.value is None else previous_text(s, words),
         words.change(s.change, s.result.unit)]
        for s in report.sections
    ]
    pdf.grid(heads, rows, (62, 28, 20, 20, 24, 24), size=8, aligns=("LEFT", "LEFT", "RIGHT", "LEFT", "RIGHT", "RIGHT"))


def _section(pdf: _Pdf, s: KpiSection, report: Report, words: Words) -> None:
    r = s.result
    pdf.text_line(words.pick(r.title_ko, r.title_en), 11.5, bold=True, gap=0.5)  # the clause follows
    pdf.status_tag(r.status)
    pdf.ln(1)
    pdf.text_line(f"{words.t('kpi.clause_id', clause=words.pick(r.clause_label, r.clause))} “{r.quote}”", 8.5, colour=GREY, gap=1)
    pdf.text_line(words.pick(r.definition_ko, r.definition_en), 8.5, colour=GREY, gap=2)
    pdf.grid(None, [[k, v] for k, v in facts(s, report, words)], (42, 136), size=8.5, borders="HORIZONTAL_LINES")
    if s.target_changes:
        pdf.text_line(words.t("kpi.target_changes"), 9, bold=True, gap=0.5)
        for change in s.target_changes:
            pdf.text_line("• " + change_line(change, r.unit, words), 8.5, gap=0.5)
        pdf.text_line(words.t("kpi.target_judged"), 8, colour=GREY)
    if s.notes:
        pdf.text_line(words.t("checkin.heading"), 9, bold=True, gap=0.5)
        for checkin in s.notes:
            pdf.text_line("• " + checkin_line(checkin, words), 8.5, gap=0.5)
    if r.notes:
        pdf.text_line(words.t("kpi.notes"), 9, bold=True, gap=0.5)
        for note in r.notes:
            pdf.text_line("• " + note.text(words.lang), 8.5, gap=0.5)
        pdf.ln(1)
    if s.trend:
        _trend(pdf, s, words)
    if s.cases is not None:  # a deadline KPI
        _cases(pdf, s.cases, words)
    if s.misses is not None:  # a checklist KPI with rows that missed
        _misses(pdf, s.misses, words)
    pdf.ln(4)


def _trend(pdf: _Pdf, s: KpiSection, words: Words) -> None:
    """The trend chart: the value line with dots coloured by status, the target dashed, years below."""
    width, height, axis = 120.0, 28.0, 6.0
    if pdf.will_page_break(height + axis + 8):
        pdf.add_page()
    pdf.text_line(words.t("kpi.trend"), 8.5, bold=True, gap=0.5)
    x0, y0 = MARGIN, pdf.get_y()
    g = trend_geometry(s.trend, s.result.unit, words, width, height, pad=5.0)
    pdf.set_draw_color(200)
    pdf.line(x0, y0 + height, x0 + width, y0 + height)
    if g.target:
        pdf.set_draw_color(*TARGET)
        pdf.set_line_width(0.3)
        pdf.set_dash_pattern(dash=1.5, gap=1.2)
        points = [(x0 + x, y0 + y) for x, y in g.target]
        if len(points) == 1:
            (x, y), = points
            points = [(x - 10, y), (x + 10, y)]
        pdf.polyline(points)
        pdf.set_dash_pattern()
    drawn = [(x0 + m.x, y0 + m.y) for m in g.marks if m.y is not None]
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.6)
    if len(drawn) > 1:
        pdf.polyline(drawn)
    pdf.set_line_width(0.2)
    pdf.weight(7)
    for m in g.marks:
        pdf.set_text_color(*GREY)
        pdf.text(x0 + m.x - pdf.get_string_width(str(m.year)) / 2, y0 + height + 4, str(m.year))
        pdf.set_text_color(0)
        if m.y is not None:
            pdf.set_fill_color(*STATUS_COLOURS.get(m.status, LINE))
            pdf.circle(x0 + m.x, y0 + m.y, 1.1, style="F")
            pdf.text(x0 + m.x - pdf.get_string_width(m.label) / 2, y0 + m.y - 2.2, m.label)
    pdf.set_draw_color(0)
    pdf.set_fill_color(255)
    pdf.set_y(y0 + height + axis + 2)


def _cases(pdf: _Pdf, cases: pd.DataFrame, words: Words) -> None:
    pdf.text_line(words.t("kpi.cases"), 9, bold=True, gap=0.5)
    if cases.empty:
        pdf.text_line(words.t("kpi.no_cases"), 8.5, colour=GREY)
        return
    rows = [
        [_text(c.ref), _text(c.title), words.day(_day(c.received)), words.day(_day(c.done_on)), words.day(_day(c.deadline)),
         "" if missing(c.days_over) else f"{c.days_over:,.0f}", words.t(f"case.{c.state}")]
        for c in cast("Iterable[Any]", cases.itertuples(index=False))  # records: their cells are untyped
    ]
    pdf.grid([words.t(f"case.{h}") for h in CASE_HEADS], rows, (24, 46, 19, 19, 19, 15, 36), size=7.5,
             aligns=("LEFT", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "LEFT"))


def _misses(pdf: _Pdf, misses: Misses, words: Words) -> None:
    """The rows that missed, as the late cases are listed: a heading, a table, and how many more there are."""
    pdf.text_line(words.t("misses.heading", total=f"{misses.total:,}"), 9, bold=True, gap=0.5)
    heads, rows = misses_heads(misses, words), misses_rows(misses, words)
    pdf.grid(heads, rows, misses_widths(pdf, [heads, *rows]), size=MISSES_SIZE)
    if misses.more:
        pdf.text_line(more_misses_line(misses, words), 8, colour=GREY)


def misses_widths(pdf: _Pdf, lines: list[list[str]], width: float = 178.0) -> tuple[float, ...]:
    """Each column as wide as its longest cell, heading included (16 to 70 mm, so a summary wraps and a date does
    not), then all scaled to fill `width`: the columns differ from kind to kind, unlike the late cases'."""
    pdf.weight(MISSES_SIZE)
    natural = [min(max(max(pdf.get_string_width(line[i]) for line in lines) + 3, 16.0), 70.0) for i in range(len(lines[0]))]
    return tuple(w * width / sum(natural) for w in natural)


def _day(value: Any) -> pd.Timestamp | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value)


def _text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _appendix(pdf: _Pdf, report: Report, words: Words) -> None:
    pdf.add_page()
    pdf.start_section(words.t("report.sheet_appendix"))
    pdf.heading(words.t("appendix.heading"))
    pdf.text_line(words.t("appendix.help", year=report.year), 9, colour=GREY, gap=2)
    heads = [words.t(f"appendix.{h}") for h in ("id", "created_at", "uploaded_by", "filename", "kind")]
    for uploads, with_rows in ((report.uploads, True), (report.last_uploads, False)):
        if not with_rows:
            pdf.text_line(words.t("appendix.last_heading"), 11, bold=True, gap=1)
        if not uploads:
            pdf.text_line(words.t("appendix.none"), 9, colour=GREY)
            continue
        rows = [[str(u.id), words.moment(u.created_at), u.uploaded_by, u.filename, kind_name(u.kind, words)]
                + ([f"{u.rows:,}"] if with_rows else []) for u in uploads]
        widths = (16, 28, 22, 62, 30) + ((20,) if with_rows else ())
        pdf.grid(heads + ([words.t("appendix.rows", year=report.year)] if with_rows else []), rows, widths, size=7.5,
                 aligns=("RIGHT", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT")[: len(widths)])
