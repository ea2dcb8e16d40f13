"""The scorecard and the area pages say when a KPI rests on data more than a quarter old (AppTest)."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics import clock
from metrics.intake.ingest import ingest_file
from tests.app_fixtures import local_mode_env, scorecard_cards, with_local_token
from tests.sheets import xlsx

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TODAY = date(2026, 12, 1)
HEADER = ["업무구분", "접수번호", "제목", "접수일", "처리일"]
NOTE = "석 달 넘게 새 자료가 없습니다"


@pytest.fixture(autouse=True)
def _today_is_fixed(monkeypatch):
    local_mode_env(monkeypatch)
    monkeypatch.setattr(clock, "today", lambda: TODAY)  # every page asks the one clock


def _cases(engine, *received: str) -> None:
    rows = [["홈페이지 문의", f"W-{i}", "문의", day, day] for i, day in enumerate(received)]
    assert ingest_file(engine, xlsx([HEADER, *rows]), "web.xlsx", kind="cases").ok


def _open(page: str | None = None, **query) -> AppTest:
    at = with_local_token(AppTest.from_file(APP, default_timeout=90))
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _notes(at: AppTest) -> list[str]:
    """The stale-data notes: the area page's captions, and the cards' own lines on the scorecard."""
    on_cards = [html.unescape(n) for c in scorecard_cards(at).values()
                for n in re.findall(r'<div class="kpi-stale">(.*?)</div>', c)]
    return [c.value for c in at.caption if NOTE in c.value] + [n for n in on_cards if NOTE in n]


@pytest.mark.db
def test_a_kpi_on_cases_last_received_in_august_says_so_on_its_card_and_area_page(engine):
    _cases(engine, "2025-11-03", "2026-08-03")  # 120 days before 1 December
    notes = _notes(_open())
    # every promise read from the case log (certification, evaluation and service deadlines) says it, once
    assert notes and set(notes) == {"⚠ 석 달 넘게 새 자료가 없습니다: 처리기한 업무 (최근 2026-08-03). 그 날짜까지의 실적입니다."}
    assert len(_notes(_open("pages/area_cs.py"))) == 2  # web inquiries and service complaints, both on cases


@pytest.mark.db
def test_a_past_year_or_recent_data_has_no_note(engine):
    _cases(engine, "2025-11-03", "2026-08-03")
    assert _notes(_open(year="2025")) == []  # 2025 is complete
    _cases(engine, "2026-11-20")
    assert _notes(_open()) == []  # eleven days old: current


@pytest.mark.db
def test_the_upload_page_marks_the_same_kind_stale_by_the_same_rule(engine):
    _cases(engine, "2025-11-03", "2026-08-03")
    at = _open("pages/upload.py")
    [table] = [d.value for d in at.dataframe if "자료 종류" in d.value.columns]
    cases = table[table["자료 종류"] == "처리기한 업무 기록"].iloc[0]
    assert (cases["최근 자료 날짜"], cases["경과"]) == ("2026-08-03", "⚠ 120일 전")
    assert cases["마지막 업로드"].endswith("(KST)")
