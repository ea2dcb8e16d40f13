"""The yearly report names each promise as people know it: its Korean name and its clause as the charter numbers
it; a KPI id appears only in the XLSX column meant for joining, whose header says so."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import openpyxl
import pytest
from pypdf import PdfReader

from metrics import clock
from metrics.kpi.registry import load_registry
from metrics.report import render
from metrics.report.model import build_report
from metrics.report.words import Words
from metrics.report.xlsx import KPI_COLUMNS
from metrics.store import get_engine
from metrics.store.frames import data_years

TODAY = clock.today()


@pytest.fixture(scope="module")
def ids() -> set[str]:
    return {k.id for k in load_registry()}


@pytest.fixture
def report(demo_database_url):
    engine = get_engine(demo_database_url)
    year = [y for y in data_years(engine) if y < TODAY.year][-1]
    return build_report(engine, year, today=TODAY)


class _Visible(HTMLParser):
    """The text a reader sees (attributes such as anchors are left out), outside <style>."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _shown_ids(text: str, ids: set[str]) -> set[str]:
    return {i for i in ids if re.search(rf"(?<![\w.]){re.escape(i)}(?![\w.])", text)}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_html_report_names_promises_by_title_and_clause_never_by_kpi_id(report, ids, lang):
    parser = _Visible()
    parser.feed(render(report, "html", lang).decode("utf-8"))
    text = "\n".join(parser.text)
    assert _shown_ids(text, ids) == set()
    words = Words(lang)
    for section in report.sections:
        r = section.result
        assert words.pick(r.title_ko, r.title_en) in text
        assert words.pick(r.clause_label, r.clause) in text


def test_the_summary_table_of_the_html_links_each_clause_to_its_promise(report):
    html = render(report, "html", "ko").decode("utf-8")
    r = report.sections[0].result
    assert f'<a href="#kpi-{r.id}">{r.clause_label}</a>' in html  # e.g. Ⅱ.1.가, the anchor stays machine-only
    assert "<th>조항</th>" in html


def test_the_pdf_report_shows_no_kpi_id(report, ids):
    reader = PdfReader(io.BytesIO(render(report, "pdf", "ko")))
    flat = "".join(re.sub(r"[\s\x00]+", "", page.extract_text()) for page in reader.pages)  # glyph runs
    assert {i for i in ids if i in flat} == set()
    for section in report.sections:
        assert re.sub(r"\s+", "", section.result.title_ko) in flat and section.result.clause_label in flat


def test_in_the_xlsx_kpi_ids_are_only_in_the_joining_column_beside_the_clause_and_korean_name(report, ids):
    book = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx", "ko")))
    by_id = {s.result.id: s.result for s in report.sections}
    found = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or not _shown_ids(cell.value, ids):
                    continue
                assert cell.column == 1 and cell.value in ids, (sheet.title, cell.coordinate, cell.value)
                found += 1
                # the header above says what the column is for; beside the id, what a person reads
                r = by_id[cell.value]
                assert row[KPI_COLUMNS.index("clause")].value == r.clause_label
                assert row[KPI_COLUMNS.index("title")].value == r.title_ko
    assert "지표 ID(연결용)" in [c.value for c in book.worksheets[0]["A"]]  # the column says what it is for
    assert found == 2 * len(by_id)  # the summary's table and the area sheets' tables, each KPI once in each
