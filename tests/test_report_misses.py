"""The yearly report lists, under each checklist promise with misses in the year, the rows that missed and the items
they missed: the area page's own list (the measure's details), cut to a few rows with a line saying how many more
and where to see them all; never a personal or coded column; nothing for a promise without a miss."""

from __future__ import annotations

import io
from datetime import date
from html import escape
from html.parser import HTMLParser

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from metrics import clock
from metrics.intake.ingest import ingest_file
from metrics.kpi.registry import load_registry
from metrics.report import render
from metrics.report.misses import MISSES_SHOWN, checklist_misses, lists_misses, naming_columns
from metrics.report.model import build_report
from metrics.report.phrases import column_head, missed_items, more_misses_line
from metrics.report.words import Words, labels
from metrics.store import get_engine
from metrics.store.frames import data_years, frames_from_dict
from tests.sheets import csv

TODAY = date(2026, 1, 15)  # 2025 is a closed year
REGISTRY = load_registry()
GREETING = REGISTRY.get("cs.monitor_phone_greeting")  # greeting and name_given, phone calls
LISTENING = REGISTRY.get("cs.monitor_phone_listening")  # listening and transfer_details, phone calls
HEADER = ["점검일", "응대구분", "부서", "점검번호", "인사말", "소속·이름 안내", "경청", "연결 시 부서·이름·번호 안내",
          "부재 시 메모·회신", "안내도·좌석배치도", "민원실 응대", "대기시간(분)"]
# Three monitored calls; only M-02 missed, on one item: the name was not given. Everyone listened.
CALLS = [
    ["2025-03-04", "전화", "인증팀", "M-01", "Y", "Y", "Y", "", "", "", "", ""],
    ["2025-03-05", "전화", "교육팀", "M-02", "Y", "N", "Y", "", "", "", "", ""],
    ["2025-04-10", "전화", "총무팀", "M-03", "Y", "Y", "Y", "", "", "", "", ""],
]


def _flags(*values: bool | None) -> pd.Series:
    return pd.Series(values, dtype="boolean")


def _calls(greetings: list[bool], names: list[bool]) -> pd.DataFrame:
    """Phone calls on consecutive days of 2025 from 2 January, refs C-01, C-02, ..."""
    n = len(greetings)
    return pd.DataFrame({
        "monitored": pd.date_range("2025-01-02", periods=n, freq="D"), "channel": ["phone"] * n,
        "department": ["인증팀"] * n, "ref": [f"C-{i + 1:02d}" for i in range(n)],
        "greeting": _flags(*greetings), "name_given": _flags(*names), "listening": _flags(*[True] * n),
    })


def _frames(rows: pd.DataFrame):
    return frames_from_dict(2025, {"monitoring": rows})


# ---- the list, on frames made here ------------------------------------------------------------


def test_of_three_calls_the_one_that_missed_one_item_is_listed_with_that_item():
    misses = checklist_misses(GREETING, _frames(_calls([True, True, True], [True, False, True])), TODAY)
    assert misses is not None and (misses.total, misses.more) == (1, 0)
    # The kind's date, then the columns naming a call: no channel (the KPI's filter fixes it), no item cells.
    assert misses.columns == ("monitored", "department", "ref")
    assert misses.rows["ref"].tolist() == ["C-02"]
    assert missed_items(misses, misses.rows["failed_items"][0], Words("ko")) == "소속·이름 안내"
    assert missed_items(misses, misses.rows["failed_items"][0], Words("en")) == "Department and name given"


def test_a_checklist_promise_without_a_miss_has_no_list():
    assert checklist_misses(GREETING, _frames(_calls([True, True, True], [True, True, None])), TODAY) is None
    assert checklist_misses(GREETING, _frames(_calls([], [])), TODAY) is None  # no call at all


def test_many_misses_list_the_first_few_oldest_first_and_say_how_many_more_and_where():
    n = MISSES_SHOWN + 3
    misses = checklist_misses(GREETING, _frames(_calls([False] * n, [True] * n)), TODAY)
    assert misses is not None and (misses.total, len(misses.rows), misses.more) == (n, MISSES_SHOWN, 3)
    assert misses.rows["ref"].tolist() == [f"C-{i + 1:02d}" for i in range(MISSES_SHOWN)]
    line = more_misses_line(misses, Words("ko"))
    assert line.startswith("외 3건") and f"전체 {n}건" in line
    assert more_misses_line(misses, Words("en")).startswith("3 more") and f"All {n}" in more_misses_line(misses, Words("en"))
    every = checklist_misses(GREETING, _frames(_calls([False] * 2, [True] * 2)), TODAY)
    assert every is not None and more_misses_line(every, Words("ko")) == ""  # all listed: no line


def test_a_row_missing_two_items_names_both_and_a_number_item_its_limit():
    kpi = REGISTRY.get("cs.monitor_visit_reception")  # name_given and at most 10 minutes' wait
    visits = pd.DataFrame({
        "monitored": pd.to_datetime(["2025-05-07", "2025-05-08"]), "channel": ["visit"] * 2,
        "department": ["인증팀", "교육팀"], "ref": ["V-1", "V-2"],
        "name_given": _flags(True, False), "wait_minutes": [5.0, 25.0],
    })
    misses = checklist_misses(kpi, _frames(visits), TODAY)
    assert misses is not None and misses.rows["ref"].tolist() == ["V-2"]
    cell = misses.rows["failed_items"][0]
    assert missed_items(misses, cell, Words("ko")) == "소속·이름 안내, 대기시간(분) 10 초과"
    assert missed_items(misses, cell, Words("en")) == "Department and name given, Waiting time (minutes) over 10"


def test_personal_coded_and_bookkeeping_columns_never_name_a_row():
    # The attendance register declares a trainee's name, birth date and phone as personal: none may be shown.
    attendance = ["trainee_ref", "name", "birth_date", "phone", "course", "id", "upload_id", "excel_row", "year"]
    shown = naming_columns("attendance", attendance)
    assert not {"trainee_ref", "name", "birth_date", "phone", "id", "upload_id", "excel_row", "year"} & set(shown)
    assert "course" in shown
    # Every column the monitoring details give: the channel is coded, the items are said in words instead.
    given = ["monitored", "channel", "department", "ref", "greeting", "name_given", "wait_minutes", "failed_items", "id"]
    assert naming_columns("monitoring", given) == ("monitored", "department", "ref")


def test_every_checklist_item_and_column_has_words_in_both_languages():
    for kpi in (k for k in REGISTRY if lists_misses(k)):
        items = [*kpi.params.get("columns", ()), *(kpi.params.get("at_most") or {})]
        for item in items:
            for lang in ("ko", "en"):
                assert column_head(kpi.source, item, Words(lang)) != item, (kpi.id, item, lang)


def test_the_report_names_the_apps_pages_and_items_as_the_app_does():
    from ui.i18n import text

    for lang in ("ko", "en"):
        line = Words(lang).t("misses.more", more="3", total="13")
        for key in ("nav.explore", "explore.mode_kpi", "values.row_state.missed"):
            assert f"'{text(key, lang)}'" in line, (key, lang)
        for item, words in labels()["item"].items():  # the items the builders derive, as the area page heads them
            assert words[lang] == text(f"columns.{item}", lang)


# ---- the report, from a database ------------------------------------------------------------


class _Tables(HTMLParser):
    """Each table's rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._in_cell = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.tables[-1][-1].append("")
            self._in_cell = True

    def handle_endtag(self, tag):
        self._in_cell = self._in_cell and tag not in ("td", "th")

    def handle_data(self, data):
        if self._in_cell:
            self.tables[-1][-1][-1] += data


def _report(engine):
    upload = ingest_file(engine, csv([HEADER, *CALLS]), "모니터링.csv", kind="monitoring")
    assert upload.ok, upload.message
    return build_report(engine, 2025, today=TODAY)


def _section(report, kpi):
    return next(s for s in report.sections if s.result.id == kpi.id)


def test_the_report_lists_the_one_call_that_missed_and_nothing_for_the_promise_kept(engine):
    report = _report(engine)
    misses = _section(report, GREETING).misses
    assert misses is not None and misses.total == 1 and misses.rows["ref"].tolist() == ["M-02"]
    assert _section(report, LISTENING).misses is None  # every call listened to: no section
    assert [s.result.id for s in report.sections if s.misses is not None] == [GREETING.id]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_html_lists_the_row_and_item_under_its_promise_with_only_the_naming_columns(engine, lang):
    words = Words(lang)
    parser = _Tables()
    html = render(_report(engine), "html", lang).decode("utf-8")
    parser.feed(html)
    listed = [t for t in parser.tables if t[0][-1] == words.t("misses.items")]
    heads = {"ko": ["점검일", "부서", "점검번호", "지키지 못한 항목"], "en": ["Monitored on", "Department", "Check no.", "Items missed"]}
    name = {"ko": "소속·이름 안내", "en": "Department and name given"}
    assert listed == [[heads[lang], ["2025-03-05", "교육팀", "M-02", name[lang]]]]  # one promise, one row
    # Under the greeting promise's section, and nowhere else.
    greeting = html.split(f'id="kpi-{GREETING.id}"')[1].split("</section>")[0]
    assert words.t("misses.heading", total="1") in greeting and "M-02" in greeting
    assert html.count(words.t("misses.items")) == 1


@pytest.fixture
def drawn(monkeypatch):
    """What the PDF draws, as it draws it: pypdf misreads a few glyphs of the subset font (tests/test_report.py), so
    the lines and tables are taken where the renderer hands them to fpdf2, in the order they go on the page."""
    from metrics.report import pdf

    seen: list[tuple[str, object]] = []
    line, grid = pdf._Pdf.text_line, pdf._Pdf.grid

    def text_line(self, text, *args, **kwargs):
        seen.append(("line", text))
        line(self, text, *args, **kwargs)

    def table(self, heads, rows, *args, **kwargs):
        seen.append(("grid", (heads, rows)))
        grid(self, heads, rows, *args, **kwargs)

    monkeypatch.setattr(pdf._Pdf, "text_line", text_line)
    monkeypatch.setattr(pdf._Pdf, "grid", table)
    return seen


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_pdf_lists_the_row_and_item_in_words_under_its_promise(engine, drawn, lang):
    words = Words(lang)
    assert PdfReader(io.BytesIO(render(_report(engine), "pdf", lang))).pages  # a PDF was made of it
    heading = ("line", words.t("misses.heading", total="1"))
    assert drawn.count(heading) == 1
    at = drawn.index(heading)
    titles = {words.pick(k.title_ko, k.title_en) for k in REGISTRY}
    promises = [text for kind, text in drawn[:at] if kind == "line" and text in titles]
    assert promises[-1] == words.pick(GREETING.title_ko, GREETING.title_en)  # under the greeting promise
    heads = {"ko": ["점검일", "부서", "점검번호", "지키지 못한 항목"], "en": ["Monitored on", "Department", "Check no.", "Items missed"]}
    name = {"ko": "소속·이름 안내", "en": "Department and name given"}
    assert drawn[at + 1] == ("grid", (heads[lang], [["2025-03-05", "교육팀", "M-02", name[lang]]]))


def test_a_long_list_is_cut_in_every_format_with_the_line_saying_how_many_more(engine, drawn):
    n = MISSES_SHOWN + 2  # calls without a greeting, one a day from 2 January
    calls = [[f"2025-01-{i + 2:02d}", "전화", "인증팀", f"C-{i + 1:02d}", "N", "Y", "Y", "", "", "", "", ""] for i in range(n)]
    assert ingest_file(engine, csv([HEADER, *calls]), "모니터링.csv", kind="monitoring").ok
    report = build_report(engine, 2025, today=TODAY)
    misses = _section(report, GREETING).misses
    assert misses is not None and (misses.total, misses.more) == (n, 2)
    line = Words("ko").t("misses.more", more="2", total=f"{n}")
    html = render(report, "html", "ko").decode("utf-8")
    assert html.count(escape(line)) == 1 and "C-10" in html and "C-11" not in html
    book = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx", "ko")))
    cells = [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert cells.count(line) == 1 and "C-10" in cells and "C-11" not in cells
    render(report, "pdf", "ko")
    grids = [d[1] for k, d in drawn if k == "grid" and d[0] and d[0][-1] == "지키지 못한 항목"]  # (heads, rows)
    assert [len(rows) for rows in grids] == [MISSES_SHOWN] and ("line", line) in drawn


def test_the_xlsx_lists_the_row_with_its_day_as_a_date_and_its_item_in_words(engine):
    book = openpyxl.load_workbook(io.BytesIO(render(_report(engine), "xlsx", "ko")))
    found = [(sheet, cell.row) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
             if cell.value == "지키지 못한 항목"]
    assert len(found) == 1
    sheet, head = found[0]
    assert [c.value for c in sheet[head][:4]] == ["점검일", "부서", "점검번호", "지키지 못한 항목"]
    day, department, ref, items = (c.value for c in sheet[head + 1][:4])
    assert (day.date(), department, ref, items) == (date(2025, 3, 5), "교육팀", "M-02", "소속·이름 안내")
    assert sheet.cell(head - 1, 1).value == "점검 항목을 지키지 못한 건 (1건)"


def test_each_checklist_promise_of_the_demo_lists_as_many_misses_as_its_card_counts(demo_database_url):
    engine = get_engine(demo_database_url)
    today = clock.today()  # the demo data is made for today
    year = [y for y in data_years(engine) if y < today.year][-1]  # a closed year
    report = build_report(engine, year, today=today)
    checklists = [s for s in report.sections if lists_misses(s.kpi)]
    assert checklists and any(s.misses is not None for s in checklists)
    for s in checklists:
        missed = (s.result.denominator or 0) - (s.result.numerator or 0)  # the card's checked rows not met
        if not missed:
            assert s.misses is None, s.result.id
            continue
        assert s.misses is not None and s.misses.total == missed, s.result.id
        assert len(s.misses.rows) == min(missed, MISSES_SHOWN)
