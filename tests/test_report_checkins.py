"""The notes on a promise (metrics.kpi.checkins) are in the yearly report, in each format, under their promise."""

from __future__ import annotations

import io
import re
from datetime import datetime

import openpyxl
import pytest
from pypdf import PdfReader

from metrics import clock
from metrics.kpi import checkins
from metrics.report import render
from metrics.report.model import build_report
from metrics.store import get_engine
from metrics.store.frames import data_years

TODAY = clock.today()


@pytest.fixture
def demo(demo_database_url):
    return get_engine(demo_database_url)


def _year(engine) -> int:
    return [y for y in data_years(engine) if y <= TODAY.year][-2]


def _notes(engine, year):
    first = checkins.add_note(engine, "edu.trainees", year, cause="하반기 과정 취소", action="12월 추가 과정 개설",
                              author="kim", now=datetime(year, 9, 1, 10, 0))
    checkins.add_note(engine, "edu.trainees", year, cause="하반기 과정 두 개 취소", action="12월 추가 과정 개설",
                      author="lee", corrects=first.id, now=datetime(year, 9, 2, 11, 30))
    checkins.add_note(engine, "edu.trainees", year - 1, cause="지난해 메모", action="없음", author="kim",
                      now=datetime(year - 1, 5, 1))
    return first


def test_a_promise_carries_its_notes_of_the_year_oldest_first_and_no_other_promise_does(demo):
    year = _year(demo)
    first = _notes(demo, year)
    report = build_report(demo, year, today=TODAY)
    with_notes = {s.result.id: [n.author for n in s.notes] for s in report.sections if s.notes}
    assert with_notes == {"edu.trainees": ["kim", "lee"]}
    [section] = [s for s in report.sections if s.result.id == "edu.trainees"]
    assert section.notes[1].corrects == first.id


def test_the_html_and_xlsx_and_pdf_say_the_notes(demo):
    year = _year(demo)
    first = _notes(demo, year)
    report = build_report(demo, year, today=TODAY)
    html = render(report, "html", "ko").decode("utf-8")
    # Stored at 10:00 UTC, written in Korea time.
    assert f"{year}-09-01 19:00 (KST) kim — 원인: 하반기 과정 취소 · 조치: 12월 추가 과정 개설" in html
    assert f"(메모 {first.id}번을 고침)" in html
    assert "지난해 메모" not in html
    book = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx", "en")))
    cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any("lee — cause: 하반기 과정 두 개 취소" in c and f"(corrects note {first.id})" in c for c in cells)
    pdf = PdfReader(io.BytesIO(render(report, "pdf", "ko")))
    flat = "".join(re.sub(r"[\s\x00]+", "", p.extract_text()) for p in pdf.pages)
    # pypdf misreads a few glyphs of the subset font (the page itself is right; which glyphs depends on what
    # else the report prints, pdftotext reads "2025-09-02 20:30 (KST) lee — …"); these pieces it reads whole
    assert f"{year}-09-0220:30(KST)" in flat and "12월추가과정개설" in flat
