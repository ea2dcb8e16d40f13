"""A target changed during the year is marked on the card and in its title (issue 13 §3)."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics import store
from metrics.kpi import targets
from metrics.kpi.registry import Target
from metrics.report.model import retitled
from tests.app_fixtures import local_mode_env, scorecard_cards, with_local_token

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_the_charter_figure_in_a_title_becomes_the_target_in_force():
    charter = Target(">=", 3000, "count")
    assert retitled("연간 3,000명 이상 인재양성", charter, 3500, "count") == "연간 3,500명 이상 인재양성"
    assert retitled("3,000 or more trainees a year", charter, 3500, "count") == "3,500 or more trainees a year"


def test_a_share_figure_is_replaced_as_written():
    assert retitled("만족도 80% 이상", Target(">=", 0.8, "share"), 0.85, "share") == "만족도 85% 이상"


def test_a_title_is_kept_when_the_target_is_the_charters_or_its_figure_is_not_in_it():
    charter = Target(">=", 3000, "count")
    assert retitled("연간 3,000명 이상 인재양성", charter, 3000, "count") == "연간 3,000명 이상 인재양성"
    assert retitled("교육생 인재양성", charter, 3500, "count") == "교육생 인재양성"
    assert retitled("연간 3,000명 이상 인재양성", None, 3500, "count") == "연간 3,000명 이상 인재양성"


@pytest.mark.db
def test_the_card_and_the_area_page_carry_the_changed_target_and_its_mark(demo_database_url, monkeypatch):
    local_mode_env(monkeypatch)
    at = with_local_token(AppTest.from_file(APP, default_timeout=90))
    at.run()
    year = int(re.match(r"(\d{4})년", at.title[0].value).group(1))
    targets.change_target(store.get_engine(demo_database_url), "edu.trainees", ">=", 3500, reason="이사회 결정",
                          actor="kim", effective_from=date(year, 7, 1))
    at.run()
    cards = "\n".join(html.unescape(c) for c in scorecard_cards(at).values())
    assert "연간 3,500명 이상 인재양성" in cards and "연간 3,000명 이상 인재양성" not in cards
    assert f"연중 목표 변경: {year}-07-01부터 3,000 이상 → 3,500 이상 (kim: 이사회 결정)" in cards
    assert cards.count("◆ 목표 변경") == 1
    at.switch_page("pages/area_edu.py").run()
    assert not at.exception
    assert "연간 3,500명 이상 인재양성" in [s.value for s in at.subheader]
