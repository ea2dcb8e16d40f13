"""Notes on a promise in the app: written on the area page by a manager or admin, all shown there, the latest on
the card; each card says the change against the previous year."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from metrics import store
from metrics.access import audit
from metrics.access.auth import LOCAL_MODE_NAME
from metrics.kpi import checkins
from metrics.kpi.scorecard import compute_scorecard, format_number
from metrics.store.tables import kpi_notes
from tests.app_fixtures import local_mode_env, scorecard_cards, with_local_token

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 90
KPI = "edu.trainees"
pytestmark = pytest.mark.db  # the pages read the database DATABASE_URL names


@pytest.fixture(autouse=True)
def _local_mode(monkeypatch):
    local_mode_env(monkeypatch)  # local mode: the operator holds every role, managers' among them


def _open(page: str) -> AppTest:
    at = with_local_token(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.run()
    if page != "pages/scorecard.py":
        at.switch_page(page).run()
    return at


def _open_note_form(page: str) -> AppTest:
    """The area page `page` with the note form of KPI opened, as a click on "메모 남기기" opens it (it is drawn only
    then)."""
    at = _open(page)
    assert not at.text_area, "the form is drawn before its expander is opened"
    at.session_state[f"checkin-open-{KPI}"] = True
    return at.run()


def _markdown(at: AppTest) -> str:
    """The page's markdown and its cards' HTML, as text."""
    return "\n".join([str(m.value) for m in at.markdown] + [html.unescape(c) for c in scorecard_cards(at).values()])


def test_a_note_written_on_the_area_page_is_listed_there_audited_and_shown_on_its_card(demo_database_url):
    at = _open_note_form("pages/area_edu.py")
    at.text_area(key=f"checkin-cause-{KPI}").input("하반기 과정 취소")
    at.text_area(key=f"checkin-action-{KPI}").input("12월 추가 과정")
    next(b for b in at.button if b.label == "메모 저장").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "원인: 하반기 과정 취소 · 조치: 12월 추가 과정" in _markdown(at)

    engine = store.get_engine(demo_database_url)
    with engine.connect() as conn:
        stored = conn.execute(select(kpi_notes.c.kpi_id, kpi_notes.c.cause, kpi_notes.c.author)).all()
    assert [tuple(r) for r in stored] == [(KPI, "하반기 과정 취소", LOCAL_MODE_NAME)]
    assert len(audit.read(engine, audit.AuditFilter(actions=("kpi_note",)))) == 1

    card = _open("pages/scorecard.py")
    assert "하반기 과정 취소 → 12월 추가 과정" in _markdown(card)


def test_an_empty_note_is_refused_with_a_message_and_nothing_is_stored(demo_database_url):
    at = _open_note_form("pages/area_edu.py")
    at.text_area(key=f"checkin-cause-{KPI}").input("원인만")
    next(b for b in at.button if b.label == "메모 저장").click().run()
    assert any("원인과 조치를 모두 적어 주세요" in e.value for e in at.error)
    assert checkins.notes_version(store.get_engine(demo_database_url)) == 0


def test_each_card_says_the_change_against_the_previous_year(demo_database_url):
    at = _open("pages/scorecard.py")
    assert not at.exception
    year = int(re.match(r"(\d{4})년", at.title[0].value).group(1))
    engine = store.get_engine(demo_database_url)
    now, before = (next(r for r in compute_scorecard(engine, y) if r.id == KPI) for y in (year, year - 1))
    delta = now.value - before.value
    sign = "+" if delta > 0 else "−"
    assert f"전년({year - 1}년) {format_number(before.value, 'count')} 대비 {sign}{format_number(abs(delta), 'count')}" in _markdown(at)
