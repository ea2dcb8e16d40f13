"""The yearly report: every value equals the scorecard's, the three formats open as they should, the command's exits.

The formats on the demo database (built once per session through the real pipeline, copied per test); the
change between years and the report's words on figures worked out by hand are in tests/test_report_words.py.
"""

from __future__ import annotations

import io
import math
import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from metrics import cli, clock
from metrics.access import audit
from metrics.kpi import targets
from metrics.kpi.measures.base import Period
from metrics.kpi.measures.cases import judge_cases
from metrics.kpi.registry import load_registry
from metrics.kpi.scorecard import STATUSES, compute_scorecard, filter_rows
from metrics.report import FORMATS, render, write_report
from metrics.report.change import change_test
from metrics.report.model import build_report
from metrics.report.words import Words
from metrics.report.xlsx import KPI_COLUMNS
from metrics.store import get_engine, undo_upload
from metrics.store.frames import data_years

ROOT = Path(__file__).resolve().parents[1]
TODAY = clock.today()


@pytest.fixture
def demo(demo_database_url):
    """The engine of this test's copy of the demo database (also DATABASE_URL, for the command)."""
    return get_engine(demo_database_url)


def _years(engine) -> tuple[int, int]:
    """(the current year with data, the last whole year before it)."""
    years = [y for y in data_years(engine) if y <= TODAY.year]
    return years[-1], years[-2]


# ---- the change between years, on the demo's figures ------------------------------------------


def test_only_survey_kpis_get_a_test_of_their_change(demo):
    current, previous = _years(demo)
    this = {r.id: r for r in compute_scorecard(demo, current, today=TODAY)}
    before = {r.id: r for r in compute_scorecard(demo, previous, today=TODAY)}
    tested = {k for k in this if change_test(this[k], before[k]) is not None}
    assert tested == {k.id for k in load_registry() if k.spec.sample}
    assert change_test(this["edu.satisfaction"], before["edu.satisfaction"]).method == "z"
    assert change_test(this["wk.exhibitor_score"], before["wk.exhibitor_score"]).method == "welch"
    assert change_test(this["wk.exhibitor_score"], None).reason == "no_previous"


# ---- every value of the report is the scorecard's ----------------------------------------------


def _kpi_rows(sheet) -> dict[str, dict]:
    """The KPI table rows of a sheet, by KPI id (the rows whose first cell is a KPI id)."""
    ids = {k.id for k in load_registry()}
    return {row[0]: dict(zip(KPI_COLUMNS, row, strict=False)) for row in sheet.iter_rows(values_only=True) if row[0] in ids}


def _same(cell, value) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return cell is None
    return isinstance(cell, int | float) and cell == pytest.approx(value, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("which", ["current", "previous"])
def test_every_value_in_the_xlsx_equals_the_scorecard_for_every_kpi(demo, tmp_path, which):
    year = _years(demo)[0 if which == "current" else 1]
    out = tmp_path / "report.xlsx"
    write_report(demo, year, "xlsx", out, today=TODAY)
    expected = compute_scorecard(demo, year, today=TODAY)
    before = {r.id: r for r in compute_scorecard(demo, year - 1, today=TODAY)}
    book = openpyxl.load_workbook(out)
    summary, areas = book.worksheets[0], book.worksheets[1:-1]
    words = Words("ko")
    every_area = {}
    for sheet in areas:
        rows = _kpi_rows(sheet)
        assert rows, f"sheet {sheet.title} has no KPI table"
        every_area.update(rows)
    for table in (_kpi_rows(summary), every_area):
        assert list(table) == [r.id for r in expected]  # every KPI once, in the charter's order
        for r in expected:
            row, prev = table[r.id], before[r.id].value
            for column, value in (("value", r.value), ("target", r.target), ("ci_low", r.ci_low), ("ci_high", r.ci_high),
                                  ("projection", r.projection), ("n", r.n), ("previous", prev)):
                assert _same(row[column], value), (r.id, column, row[column], value)
            change = None if r.value is None or prev is None else r.value - prev
            assert _same(row["change"], change), (r.id, "change")
            assert row["status"] == words.status(r.status)
            assert row["comparator"] == (r.comparator or None)


def test_numbers_are_numbers_with_their_formats(demo, tmp_path):
    year = _years(demo)[1]
    out = tmp_path / "report.xlsx"
    write_report(demo, year, "xlsx", out, today=TODAY)
    summary = openpyxl.load_workbook(out).worksheets[0]
    cells = {row[0].value: row for row in summary.iter_rows() if row[0].value in ("edu.satisfaction", "edu.trainees")}
    value = KPI_COLUMNS.index("value")
    share, count = cells["edu.satisfaction"][value], cells["edu.trainees"][value]
    assert isinstance(share.value, float) and 0 < share.value < 1 and share.number_format == "0.0%"
    assert isinstance(count.value, int | float) and count.number_format == "#,##0"


def test_summary_counts_add_up_to_the_number_of_promises(demo, tmp_path):
    year = _years(demo)[0]
    out = tmp_path / "report.xlsx"
    report = write_report(demo, year, "xlsx", out, today=TODAY)
    words = Words("ko")
    sheet = openpyxl.load_workbook(out).worksheets[0]
    shown = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0] in {words.status(s) for s in STATUSES}}
    assert sum(shown.values()) == len(load_registry()) == len(report.results)
    assert shown == {words.status(s): n for s, n in report.counts.items()}
    sheets = openpyxl.load_workbook(out).sheetnames
    assert len(sheets) == 1 + len(load_registry().areas) + 1  # summary, one per area, appendix


def test_xlsx_has_an_excel_chart_for_each_promise_and_the_summary(demo, tmp_path):
    year = _years(demo)[1]
    out = tmp_path / "report.xlsx"
    write_report(demo, year, "xlsx", out, today=TODAY)
    book = openpyxl.load_workbook(out)
    charts = sum(len(sheet._charts) for sheet in book.worksheets)
    assert charts == len(load_registry()) + 1


# ---- what the report adds around the scorecard -------------------------------------------------


def test_deadline_cases_are_those_the_scorecard_counted_late_or_pending(demo):
    year = _years(demo)[0]
    report = build_report(demo, year, today=TODAY)
    registry = targets.registry_for_year(demo, year, load_registry())
    from metrics.store.frames import load_year_frames

    sources = {k.source for k in registry if k.measure == "deadline_share"}  # cases, suggestions, remedies
    frames = load_year_frames(demo, year, sources, today=TODAY, detail=True)
    deadline = [s for s in report.sections if s.is_deadline]
    assert {s.result.id for s in deadline} == {k.id for k in registry if k.measure == "deadline_share"}
    for s in deadline:
        r = s.result
        counted = (r.extra.get("late", 0) + r.extra.get("overdue", 0) + (r.pending or 0)) if r.value is not None else None
        if counted is not None:
            assert len(s.cases) == counted, r.id  # the scorecard's late, overdue and pending, case by case
        kpi = registry.get(r.id)
        judged = judge_cases(filter_rows(frames.frame(kpi.source), kpi.filter), kpi.params, Period(year, TODAY))
        late = judged[judged["state"].isin(("late", "overdue", "pending"))]
        assert sorted(s.cases["ref"]) == sorted(late["ref"])
        assert (s.cases["days_over"].dropna() > 0).all()


def test_a_target_changed_during_the_year_is_in_the_report(demo, tmp_path):
    year = _years(demo)[0]
    targets.change_target(demo, "edu.trainees", ">=", 3500, reason="이사회 결정", actor="kim",
                          effective_from=date(year, 7, 1))
    report = build_report(demo, year, today=TODAY)
    [section] = [s for s in report.sections if s.result.id == "edu.trainees"]
    [change] = section.target_changes
    assert (change.old_value, change.value, change.effective_from) == (3000, 3500, date(year, 7, 1))
    assert section.result.target == 3500
    html = render(report, "html", "ko").decode("utf-8")
    assert f"{year}-07-01부터 3,000 이상 → 3,500 이상 (kim: 이사회 결정)" in html


def test_the_appendix_lists_the_live_uploads_of_the_year_and_not_an_undone_one(demo):
    year = _years(demo)[1]
    report = build_report(demo, year, today=TODAY)
    assert report.uploads and all(u.rows > 0 for u in report.uploads)
    assert report.data_as_of == max(u.created_at for u in report.last_uploads)
    assert len({u.kind for u in report.last_uploads}) == len(report.last_uploads)
    gone = report.uploads[0]
    undo_upload(demo, gone.id)
    after = build_report(demo, year, today=TODAY)
    assert gone.id not in {u.id for u in after.uploads} | {u.id for u in after.last_uploads}


# ---- PDF and HTML ------------------------------------------------------------------------------


def _flat_text(page) -> str:
    """A page's text without spaces and line breaks.

    fpdf2 encodes a CFF font's text with an embedded two-byte CMap; pypdf reads the Unicode right but
    keeps a NUL for each code's high byte (poppler's pdftotext shows the same page without them), so
    the NULs are dropped here with the spaces.
    """
    return re.sub(r"[\s\x00]+", "", page.extract_text())


def test_pdf_is_a4_with_korean_text_an_embedded_font_and_page_numbers(demo):
    year = _years(demo)[1]
    reader = PdfReader(io.BytesIO(render(build_report(demo, year, today=TODAY), "pdf", "ko")))
    pages = len(reader.pages)
    assert all(round(float(p.mediabox.width)) == 595 and round(float(p.mediabox.height)) == 842 for p in reader.pages)
    flat = "".join(_flat_text(p) for p in reader.pages)
    missing = [k.title_ko for k in load_registry() if re.sub(r"\s+", "", k.title_ko) not in flat]
    assert missing == []
    assert f"1/{pages}쪽" in _flat_text(reader.pages[0])
    assert f"{pages}/{pages}쪽" in _flat_text(reader.pages[-1])
    fonts = {str(f.get_object()["/BaseFont"]) for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert any("NotoSansCJKKR" in f for f in fonts)
    descendant = next(f.get_object() for p in reader.pages for f in p["/Resources"]["/Font"].values())
    descriptor = descendant["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    assert "/FontFile3" in descriptor or "/FontFile2" in descriptor  # the glyphs travel with the file


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.ids, self.outside, self.lang = [], set(), [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = attrs.get("lang")
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("src", "href"):
            if attrs.get(name) and not attrs[name].startswith("#"):
                self.outside.append(attrs[name])


def test_html_is_one_file_with_every_promise_and_nothing_fetched(demo):
    year = _years(demo)[0]
    page = _Page()
    page.feed(render(build_report(demo, year, today=TODAY), "html", "en").decode("utf-8"))
    assert page.lang == "en"
    assert page.outside == [] and "script" not in page.tags and "link" not in page.tags
    assert {f"kpi-{k.id}" for k in load_registry()} <= page.ids
    assert page.tags.count("svg") == len(load_registry())


def test_each_promise_of_the_report_names_and_quotes_its_charter_clause(demo):
    year = _years(demo)[0]
    report = build_report(demo, year, today=TODAY)
    korean, english = (render(report, "html", lang).decode("utf-8") for lang in ("ko", "en"))
    assert '<span class="clause">헌장 Ⅲ.1.(3).나</span> 홈페이지를 통한 문의사항은 7일 이내에 답변하겠습니다.' in korean
    assert '<span class="clause">Charter III.1.3.b</span>' in english


# ---- the command -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_command_writes_each_format_and_exits_0(demo, tmp_path, capsys, fmt):
    year = _years(demo)[1]
    folder = tmp_path / "reports"
    folder.mkdir()
    out = folder / f"report.{fmt}"
    assert cli.main(["report", "--year", str(year), "--format", fmt, "--out", str(out), "--lang", "en"]) == 0
    assert out.read_bytes()[:4] == {"xlsx": b"PK\x03\x04", "pdf": b"%PDF", "html": b"<!DO"}[fmt]
    assert str(year) in capsys.readouterr().out
    [entry] = audit.details(audit.read(demo, audit.AuditFilter(actions=("export",))))
    assert entry == {"what": "report", "format": fmt, "year": year}
    assert [p.name for p in folder.iterdir()] == [out.name]  # no temporary file left beside it


def test_the_command_exits_1_with_a_message_when_it_cannot_write(demo, tmp_path, capsys):
    out = tmp_path / "no such folder" / "report.html"
    assert cli.main(["report", "--format", "html", "--out", str(out)]) == 1
    assert "error:" in capsys.readouterr().err
    assert not out.exists()


def test_the_command_exits_1_without_the_korean_font(demo, tmp_path, capsys, monkeypatch):
    from metrics.report import pdf

    monkeypatch.setattr(pdf, "FONT_DIRS", (str(tmp_path),))
    monkeypatch.delenv("REPORT_FONT_DIR", raising=False)
    assert cli.main(["report", "--format", "pdf", "--out", str(tmp_path / "r.pdf")]) == 1
    assert "fonts-noto-cjk" in capsys.readouterr().err


def test_report_made_on_and_data_as_of_are_on_the_cover(demo):
    year = _years(demo)[1]
    report = build_report(demo, year, today=TODAY, made_at=datetime(2027, 1, 4, 6, 0))
    html = render(report, "html", "ko").decode("utf-8")
    assert "작성일 2027-01-04 15:00 (KST)" in html  # made at 06:00 UTC
    as_of = report.data_as_of + timedelta(hours=9)
    assert f"자료 기준 {as_of:%Y-%m-%d %H:%M} (KST)" in html


# ---- the scorecard page's download buttons ------------------------------------------------------


def test_the_scorecard_page_offers_the_report_and_audits_each_download(demo, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.app_fixtures import local_mode_env, with_local_token

    local_mode_env(monkeypatch)  # opened as the link printed at start-up opens it (local mode)
    at = with_local_token(AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)).run()
    words = Words("ko")
    expected = [words.t(f"download.{fmt}") for fmt in FORMATS]
    buttons = {b.label: b for b in at.download_button if b.label in expected}
    assert list(buttons) == expected
    buttons[words.t("download.pdf")].click().run()
    [entry] = audit.details(audit.read(demo, audit.AuditFilter(actions=("export",))))
    assert entry["what"] == "report" and entry["format"] == "pdf" and entry["year"] == _years(demo)[0]


